"""Re-resolving a store under a new model: every held record prepared, blocked and scored
again with the new Linker, every entity clustered again with the decisions, entity ids
carried across, the golden records of the entities that changed rebuilt and the stored model
replaced, in the caller's one write transaction.

What the store keeps of a model is replaced whole: the block keys (identifier keys stay: they
are settings, not model), each record's prepared comparison inputs, the scored pairs (links
and the pairs near the threshold) and, when they follow the records held, the term counts.
Identity links, generic identifiers, decisions, the audit log and tombstones stay.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from golden._base.pairs import within_group_pairs
from golden.clustering.entity_ids import IdChanges
from golden.estimators.linker import Linker
from golden.resolver.codecs import encode_prepared
from golden.resolver.held import HeldRecords
from golden.resolver.ingest import store_scored
from golden.resolver.matcher import Matcher
from golden.resolver.recluster import Reclusterer
from golden.resolver.store import Store


def model_problems(linker: Any, unique_id: str, held_columns: Sequence[str],
                   holds_records: bool) -> list[str]:
    """What keeps ``linker`` from resolving a store's records, every problem at once (the
    blocking rules are checked when its ``Matcher`` is made).

    Examples
    --------
    >>> model_problems(None, "unique_id", [], False)
    ['linker: got None, expected a fitted golden.Linker']
    """
    if not isinstance(linker, Linker) or not hasattr(linker, "m_"):
        return [f"linker: got {type(linker).__name__ if linker is not None else None}, "
                "expected a fitted golden.Linker"]
    problems = []
    if linker.link_type == "link":
        problems.append("linker: link_type='link' cannot grow one record at a time; fit with "
                        "link_type='link_and_dedupe' or 'dedupe'")
    if linker.unique_id != unique_id:
        problems.append(f"linker: its unique_id is {linker.unique_id!r}, the store's records "
                        f"are keyed by {unique_id!r}")
    needed = list(dict.fromkeys([c for comp in linker.comparisons_ for c in comp.columns]
                                + list(linker.blocking_.columns)))
    missing = [c for c in needed if c not in held_columns]
    if holds_records and missing:
        problems.append(f"linker: it reads columns the held records lack: {missing} (the "
                        f"records hold {list(held_columns)}); fit a model on these columns, "
                        "or add records with them first")
    return problems


def frozen_term_sources(old: Linker, new: Linker) -> tuple[dict[int, int], list[str]]:
    """For a store whose term counts are frozen: the old comparison whose counts each new
    term-frequency comparison takes (the same first input), and the new ones none counted.

    Examples
    --------
    >>> from golden import comparisons as cmp
    >>> old, new = Linker([cmp.exact("city", term_frequency=True)], []), Linker(
    ...     [cmp.exact("name"), cmp.exact("city", term_frequency=True)], [])
    >>> old.comparisons_, new.comparisons_ = old.comparisons, new.comparisons
    >>> frozen_term_sources(old, new)
    ({1: 0}, [])
    """
    counted = {c.inputs[0]: i for i, c in enumerate(old.comparisons_) if c.tf_gammas()}
    sources, missing = {}, []
    for j, comparison in enumerate(new.comparisons_):
        if not comparison.tf_gammas():
            continue
        if comparison.inputs[0] in counted:
            sources[j] = counted[comparison.inputs[0]]
        else:
            missing.append(comparison.name)
    return sources, missing


class Reresolver:
    """Scores and clusters a whole store again under a new model, inside the caller's
    transaction (see the module)."""

    def __init__(self, store: Store, held: HeldRecords, settings: Mapping[str, Any]) -> None:
        self.store, self.held, self.settings = store, held, settings

    def run(self, matcher: Matcher, reclusterer: Reclusterer, *,
            term_frequencies: pd.DataFrame | None, frozen_sources: Mapping[int, int] | None,
            now: float) -> tuple[IdChanges, np.ndarray, dict[str, Any]]:
        """Re-resolve every held record with ``matcher``'s model: the id changes, each
        record's entity before (in row order) and a summary for the audit log.
        ``frozen_sources``: the old comparison each term-frequency comparison takes its
        frozen counts from (a store with frozen counts and no ``term_frequencies``)."""
        rows = [r for r, _, _ in self.store.record_table()]
        frame = self.held.frame(rows)
        data = matcher.records(frame)
        row_ids = np.array(rows, dtype=np.int64)
        self._term_counts(matcher, data, term_frequencies, frozen_sources)
        self.store.put_prepared(zip(rows, map(encode_prepared, matcher.prepare(data)),
                                    strict=True))
        keys = matcher.block_keys(data, row_ids) if rows else None
        self.store.delete_block_keys()
        self.store.delete_scored_pairs()
        left, right = np.zeros(0, np.int64), np.zeros(0, np.int64)
        skipped: list[str] = []
        if keys is not None:
            keys = keys[keys["kind"] >= 0]
            self.store.insert_keys(keys[["kind", "key", "row_id"]].to_numpy().tolist())
            left, right, skipped = _candidate_pairs(keys, row_ids, matcher)
        linked = 0
        if len(left):
            weight, _, _, _ = matcher.score(data, left, right)
            probability = matcher.probability(weight)
            store_scored(self.store, row_ids[left], row_ids[right], probability,
                         self.settings["threshold"])
            linked = int((probability >= self.settings["threshold"]).sum())
        changes, before = reclusterer.recluster_all(now)
        summary = {"comparisons": [c.name for c in matcher.comparisons],
                   "blocking": [r.label for r in matcher.rules], "records": len(rows),
                   "pairs scored": len(left), "links": linked,
                   "oversized block keys skipped": skipped}
        return changes, before, summary

    def _term_counts(self, matcher: Matcher, data: Any, term_frequencies: pd.DataFrame | None,
                     frozen_sources: Mapping[int, int] | None) -> None:
        """The new model's term counts: over ``term_frequencies`` when given (frozen), over
        the records held when they follow them, else the frozen counts of the old
        comparisons with the same inputs, renumbered."""
        if frozen_sources is not None and term_frequencies is None:
            kept = {j: (self.store.term_count_rows(i), self.store.term_total(i))
                    for j, i in frozen_sources.items()}
            self.store.clear_term_counts()
            for j, (counts, total) in kept.items():
                self.store.add_term_counts(j, counts, total)
            return
        self.store.clear_term_counts()
        if term_frequencies is not None:
            matcher.count_terms(matcher.records(term_frequencies), 1)
        elif data.n:
            matcher.count_terms(data, 1)


def _candidate_pairs(keys: pd.DataFrame, row_ids: np.ndarray, matcher: Matcher
                     ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Every pair of record positions ``left < right`` sharing a block key, each once; a
    key shared by more records than its rule's ``max_block_size`` gives none (named in the
    list returned), as when records arrive one batch at a time."""
    position = np.searchsorted(row_ids, keys["row_id"].to_numpy())
    kinds = keys["kind"].to_numpy()
    codes, _ = pd.factorize(pd.MultiIndex.from_arrays([kinds, keys["key"].to_numpy()]))
    sizes = np.bincount(codes)
    limits = np.array(matcher.block_limits, dtype=float)[kinds]
    oversized = sizes[codes] > limits
    skipped = sorted({f"{matcher.rules[k].label!r}" for k in kinds[oversized].tolist()})
    codes = np.where(oversized, -1, codes)
    left, right = within_group_pairs(codes)
    a, b = position[left], position[right]
    a, b = np.minimum(a, b), np.maximum(a, b)
    n = len(row_ids)
    unique = np.unique(a[a != b].astype(np.int64) * n + b[a != b])
    return unique // n, unique % n, skipped
