"""Adding a batch: validate → store → score against the records held → re-cluster → carry
entity ids → golden records → audit, in one transaction."""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from golden._base.graphs import component_of_each_node
from golden.clustering.entity_ids import IdChanges
from golden.resolver.codecs import Hasher, encode_prepared
from golden.resolver.held import HeldRecords
from golden.resolver.matcher import Matcher, Prepared, identifier_values
from golden.resolver.recluster import Reclusterer, events_frame
from golden.resolver.review import near_floor
from golden.resolver.store import Store
from golden.resolver.validation import as_frame, validate

Held = dict[Any, tuple[int, int, str, float]]  # by id: row_id, entity_id, data, added_at


class Ingest:
    """The add pipeline over one store, with the resolver's settings.

    ``add`` returns what ``Resolver.add`` reports: the accepted records, the rejected ones,
    the entity events and the warnings.
    """

    def __init__(self, store: Store, held: HeldRecords, matcher: Matcher,
                 reclusterer: Reclusterer, hasher: Hasher, settings: Mapping[str, Any]) -> None:
        self.store, self.held, self.matcher = store, held, matcher
        self.reclusterer, self.hasher, self.settings = reclusterer, hasher, settings
        self.unique_id = matcher.unique_id

    def add(self, records: Any) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[str]]:
        """Add new records, or new versions of held ones, in one transaction."""
        frame = as_frame(records)
        with self.store.transaction(), self.held.decoding():
            # inside the write transaction: a forget that commits first is seen, and one
            # that comes later waits for this batch (the tombstone check must hold at commit)
            encoded, rejected = validate(frame, self.unique_id, self._tombstoned)
            now = time.time()
            self.held.remember_columns(frame.columns)
            held = {uid: (row, entity, data, added) for row, uid, entity, data, added in
                    self.store.held_versions(list(encoded))}
            changed = {uid: data for uid, data in encoded.items()
                       if uid not in held or held[uid][2] != data}
            replaced = [held[uid][0] for uid in changed if uid in held]
            previous = {held[uid][0]: held[uid][1] for uid in changed if uid in held}
            self.remove(replaced)
            new_rows = self._insert(changed, held, now)
            warnings, unlinked = self._link(new_rows)
            changes, entity_of = self.reclusterer.recluster(
                set(new_rows) | set(replaced) | unlinked, previous, now)
            row_of = {uid: held[uid][0] for uid in held} | dict(zip(changed, new_rows,
                                                                      strict=True))
            # an unchanged record keeps its entity unless this batch re-clustered it
            entity = {uid: entity_of[row_of[uid]] if row_of[uid] in entity_of
                      else held[uid][1] for uid in encoded}
            self.store.insert_audit([("record updated" if uid in held else "record added",
                                      entity[uid], uid, {}) for uid in changed], now)
        return (_outcome(entity, changed, held, changes), rejected,
                events_frame(changes, self.reclusterer.overridden), warnings)

    def remove(self, rows: list[int]) -> None:
        """Delete records with their keys, pairs and term counts (entities are re-clustered
        by the caller)."""
        if not rows:
            return
        if self.settings["live_terms"]:
            old = self.held.frame(rows)
            self.matcher.count_terms(self.matcher.records(old), -1)
        self.held.forget(rows)
        self.store.delete_rows(rows)

    def _tombstoned(self, ids: list[Any]) -> set[Any]:
        """The ids (of those given) that were forgotten."""
        if not self.settings["tombstones"] or not self.store.has_tombstones():
            return set()
        hashes = {self.hasher.text(v): v for v in ids}
        return {hashes[h] for h in self.store.tombstoned(list(hashes))}

    def _insert(self, changed: dict[Any, str], held: Held, now: float) -> list[int]:
        """Store changed records (a new version keeps its row id and first arrival time)."""
        kept = [held[uid][0] for uid in changed if uid in held]  # removed, coming back
        fresh = itertools.count(max([self.store.last_row_id(), *kept]) + 1)  # past them all
        rows = [held[uid][0] if uid in held else next(fresh) for uid in changed]
        self.store.insert_records([
            (row, uid, data, held[uid][3] if uid in held else now, now)
            for row, (uid, data) in zip(rows, changed.items(), strict=True)])
        return rows

    def _link(self, rows: list[int]) -> tuple[list[str], set[int]]:
        """Keys, term counts, scored pairs and identity links of freshly inserted rows;
        the warnings, and the held rows whose identity links were withdrawn."""
        if not rows:
            return [], set()
        frame = self.held.frame(rows)
        data = self.matcher.records(frame)
        row_ids = frame.index.to_numpy()
        if self.settings["live_terms"]:
            self.matcher.count_terms(data, 1)
        self.store.put_prepared(zip(row_ids.tolist(), map(
            encode_prepared, self.matcher.prepare(data)), strict=True))
        keys = self.matcher.block_keys(data, row_ids)
        held, sizes = self.matcher.held_keys(keys)
        self.store.insert_keys(keys[["kind", "key", "row_id"]].to_numpy().tolist())
        pairs, skipped = self.matcher.candidate_pairs(keys, held, sizes)
        warnings = [f"block key shared by too many records, skipped: {s}" for s in skipped]
        self._score_pairs(pairs)
        generic, unlinked = self._identity_links(keys, self._identifier_texts(data.frame))
        return warnings + generic, unlinked

    def _identifier_texts(self, frame: pd.DataFrame) -> dict[tuple[int, int], str]:
        """The plaintext of the batch's identifier hashes (for warnings, never stored)."""
        texts = {}
        for number, column in enumerate(self.settings["identifiers"].values()):
            for value in set(identifier_values(frame, column)[1]):
                texts[(-1 - number, self.hasher.integer(value))] = value
        return texts

    def _score_pairs(self, pairs: pd.DataFrame) -> None:
        if pairs.empty:
            return
        rows = np.unique(np.r_[pairs["a"].to_numpy(), pairs["b"].to_numpy()])
        data = Prepared(self.matcher.inputs, self.matcher.held_inputs(rows.tolist()))
        position = pd.Series(np.arange(len(rows)), index=rows)
        left = position[pairs["a"].to_numpy()].to_numpy()
        right = position[pairs["b"].to_numpy()].to_numpy()
        # every pair is compared: the resolver refuses link_type="link"
        weight, _, _, _ = self.matcher.score(data, left, right)
        prob = self.matcher.probability(weight)
        store_scored(self.store, pairs["a"].to_numpy(), pairs["b"].to_numpy(), prob,
                     self.settings["threshold"])

    def _identity_links(self, keys: pd.DataFrame, texts: dict[tuple[int, int], str]
                        ) -> tuple[list[str], set[int]]:
        """Link records sharing an identifier value, unless the value is generic; a value
        found generic withdraws its links. The warnings, and the rows it had linked."""
        warnings, unlinked = [], set()
        names = list(self.settings["identifiers"])
        for (kind, key), _ in keys[keys["kind"] < 0].groupby(["kind", "key"]):
            kind, key = int(kind), int(key)
            if self.store.is_generic(kind, key):
                continue
            holders = self.store.key_holders(kind, key)
            if len(holders) < 2:
                continue
            people = self._model_groups(holders)
            if people > self.settings["max_identifier_entities"]:
                self.store.flag_generic(kind, key, people, time.time())
                unlinked.update(holders)
                warnings.append(
                    f"identifier {names[-1 - kind]!r}: {texts.get((kind, key))!r} is held by "
                    f"{len(holders)} records of {people} different people, so it stopped "
                    "linking them (generic)")
                continue
            self.store.insert_identity_edges(
                [(a, b, kind, key) for i, a in enumerate(holders) for b in holders[i + 1:]])
        return warnings, unlinked

    def _model_groups(self, rows: list[int]) -> int:
        """How many groups the model's own links make of these records."""
        edges = self.store.edges_from(rows)
        inside = set(rows)
        position = {r: i for i, r in enumerate(rows)}
        kept = [(position[a], position[b]) for a, b in edges if b in inside]
        left = np.array([a for a, _ in kept], dtype=np.int64)
        right = np.array([b for _, b in kept], dtype=np.int64)
        return int(component_of_each_node(left, right, len(rows)).max(initial=-1) + 1)


def store_scored(store: Store, a: np.ndarray, b: np.ndarray, prob: np.ndarray,
                 threshold: float) -> None:
    """Store scored pairs ``a < b`` (rows): those at or above the threshold as links, those
    just below it (within the review band) as near pairs, the rest not at all."""
    linked = prob >= threshold
    store.insert_edges(zip(a[linked].tolist(), b[linked].tolist(), prob[linked].tolist(),
                           strict=True))
    near = ~linked & (prob >= near_floor(threshold))
    store.insert_near_edges(zip(a[near].tolist(), b[near].tolist(), prob[near].tolist(),
                                strict=True))


def _outcome(entity: dict[Any, int], changed: dict[Any, str], held: Held,
             changes: IdChanges) -> pd.DataFrame:
    """Each accepted record's entity and what happened to it."""
    created = set(changes.created)
    actions = []
    for uid in entity:
        if uid not in changed:
            actions.append("unchanged")
        elif uid in held:
            actions.append("updated")
        else:
            actions.append("new entity" if entity[uid] in created else "joined")
    return pd.DataFrame({"unique_id": list(entity),
                         "entity_id": list(entity.values()), "action": actions})
