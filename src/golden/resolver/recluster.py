"""Re-clustering the part of the store a change touched: the connected components holding
the changed records are clustered again with the batch pipeline's own clustering, entity ids
are carried across (``golden.clustering.entity_ids``), entity events are logged and the
entities' golden records rebuilt.

A person's decisions (``Resolver.link`` / ``unlink``) are honoured as in the batch
pipeline: a decided match counts as a link when components are found, and the decisions
among a component's records go to ``cluster_pairs(decisions=...)``, which joins the decided
matches and keeps the decided non-matches apart (the weakest path between them cut)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from golden._base.pairs import group_starts
from golden.clustering.components import cluster_pairs
from golden.clustering.entity_ids import IdChanges, carry_ids
from golden.estimators.golden_records import GoldenRecordBuilder
from golden.resolver.codecs import encode_groups, encode_records
from golden.resolver.held import HeldRecords
from golden.resolver.store import Store

Edge = tuple[int, int, float]


class Reclusterer:
    """Clusters the components a change touched again, within the caller's transaction.

    Examples
    --------
    >>> store = Store(":memory:")
    >>> reclusterer = Reclusterer(store, HeldRecords(store), GoldenRecordBuilder(),
    ...                           unique_id="unique_id", threshold=0.5, min_density=None)
    >>> with store.transaction():
    ...     changes, entity_of = reclusterer.recluster(set(), {}, now=0.0)
    >>> changes.created, entity_of
    ([], {})
    """

    def __init__(self, store: Store, held: HeldRecords, builder: GoldenRecordBuilder, *,
                 unique_id: str, threshold: float, min_density: float | None) -> None:
        self.store, self.held, self.builder = store, held, builder
        self.unique_id = unique_id
        self.threshold, self.min_density = threshold, min_density

    def recluster(self, touched: set[int], previous: dict[int, int], now: float
                  ) -> tuple[IdChanges, dict[int, int]]:
        """Re-cluster the components holding ``touched`` rows (and their old entities
        ``previous``, by row); carry ids; rebuild golden records. The changes, and the
        entity of each row re-clustered."""
        old_entities = set(previous.values())
        old_entities |= self.store.entities_of_rows(touched)
        seed = set(touched) | self.store.rows_of_entities(old_entities)
        decided = self.store.has_decisions()  # none: not a single query more per frontier
        component, edges = self._component(seed, decided)
        info = self.store.record_ids(sorted(component))
        info.sort()
        rows = [r for r, _, _ in info]
        ids = pd.Series([u for _, u, _ in info])
        before = np.array([e for _, _, e in info], dtype=np.int64)
        decisions = self._decisions(rows, ids) if decided else None
        labels = self._clusters(rows, ids, edges, decisions)
        changes = carry_ids(labels, before, self.store.next_entity_ids)
        gone = sorted(old_entities - set(changes.ids.tolist()) - {m for m, _ in changes.merged})
        changes.retired = gone
        self._record_entities(rows, before, changes, now)
        self._rebuild_golden(rows, ids, changes.ids, changes.retired + [
            old for old, _ in changes.merged])
        return changes, dict(zip(rows, changes.ids.tolist(), strict=True))

    def recluster_all(self, now: float) -> tuple[IdChanges, np.ndarray]:
        """Re-cluster every record held (after its pairs were scored again), reading every
        link and decision at once; carry ids; rebuild the golden records of the entities
        that changed. The changes, and each record's entity before (in row order)."""
        info = self.store.record_table()
        rows = [r for r, _, _ in info]
        ids = pd.Series([u for _, u, _ in info], dtype=object)
        before = np.array([e for _, _, e in info], dtype=np.int64)
        position = {row: i for i, row in enumerate(rows)}
        decided = [(kind, position[a], position[b]) for kind, a, b in
                   self.store.decided_pairs()]
        decisions = _decision_frame(decided, ids) if decided else None
        labels = self._clusters(rows, ids, self.store.all_edges(), decisions)
        changes = carry_ids(labels, before, self.store.next_entity_ids)
        changes.retired = sorted(set(before.tolist()) - set(changes.ids.tolist())
                                 - {m for m, _ in changes.merged})
        self._record_entities(rows, before, changes, now)
        moved = changes.ids != before
        changed = np.isin(changes.ids, np.r_[changes.ids[moved], before[moved]])
        self._rebuild_golden([r for r, c in zip(rows, changed, strict=True) if c],
                             ids[changed].reset_index(drop=True), changes.ids[changed],
                             changes.retired + [old for old, _ in changes.merged])
        return changes, before

    def _component(self, seed: set[int], decided: bool) -> tuple[set[int], list[Edge]]:
        """The rows linked to ``seed`` by scored or identity edges (or, when ``decided``,
        by decided matches), and those edges ``(a, b, probability)`` (identity edges at
        1.0)."""
        seen, frontier = set(seed), list(seed)
        edges: list[Edge] = []
        while frontier:
            level = self.store.edges_touching(frontier)
            edges += level
            found = {a for a, _, _ in level} | {b for _, b, _ in level}
            if decided:
                for _, _, a, b, _ in self.store.decisions_touching(frontier, "match"):
                    found |= {a, b}
            frontier = list(found - seen)
            seen |= found
        return seen, edges

    def _decisions(self, rows: list[int], ids: pd.Series) -> pd.DataFrame | None:
        """The decisions between these rows as ``cluster_pairs`` takes them (None if
        none)."""
        position = {row: i for i, row in enumerate(rows)}
        inside = [(kind, position[a], position[b]) for _, kind, a, b, _ in
                  self.store.decisions_touching(rows) if a in position and b in position]
        return _decision_frame(inside, ids) if inside else None

    def _clusters(self, rows: list[int], ids: pd.Series, edges: list[Edge],
                  decisions: pd.DataFrame | None) -> np.ndarray:
        if not rows:
            return np.zeros(0, dtype=np.int64)
        position = pd.Series(np.arange(len(rows)), index=rows)
        frame = pd.DataFrame(edges, columns=["a", "b", "match_probability"])
        frame = frame.groupby(["a", "b"], as_index=False)["match_probability"].max()
        pairs = pd.DataFrame({
            "unique_id_l": ids.to_numpy()[position[frame["a"]].to_numpy()],
            "unique_id_r": ids.to_numpy()[position[frame["b"]].to_numpy()],
            "match_probability": frame["match_probability"].to_numpy(dtype=np.float64)})
        clusters = cluster_pairs(
            pairs, pd.DataFrame({"unique_id": ids}), threshold=self.threshold,
            min_density=self.min_density, warn_size=None, decisions=decisions)
        label = clusters.set_index("unique_id")["entity_id"]
        return label[ids].to_numpy(dtype=np.int64)

    def _record_entities(self, rows: list[int], before: np.ndarray, changes: IdChanges,
                         now: float) -> None:
        self.store.move_records([(int(e), r) for r, e, b in zip(rows, changes.ids, before,
                                                                 strict=True) if e != b])
        self.store.insert_entities(changes.given, now)
        self.store.mark_merged(changes.merged, now)
        self.store.mark_retired(changes.retired, now)
        events: list[tuple[str, int, dict[str, Any]]] = (
            [("entity created", e, {}) for e in changes.created]
            + [("entity merged", old, {"into": into}) for old, into in changes.merged]
            + [("entity split", old, {"new": new}) for old, new in changes.split]
            + [("entity retired", e, {}) for e in changes.retired])
        self.store.insert_audit([(event, entity, None, detail)
                                 for event, entity, detail in events], now)

    def _rebuild_golden(self, rows: list[int], ids: pd.Series, entity: np.ndarray,
                        gone: list[int]) -> None:
        """Build the golden records of the entities of these rows (``entity`` each) and
        drop those of the ids ``gone``."""
        self.store.delete_golden(gone)
        if not rows:
            return
        frame = self.held.frame(rows).reset_index(drop=True)
        clusters = pd.DataFrame({self.unique_id: ids, "entity_id": entity})
        built = self.builder.build(frame, clusters)
        lineage = built.provenance.sort_values("entity_id", kind="stable")
        owners = lineage["entity_id"].to_numpy()
        starts = group_starts(owners)[0].tolist()
        provenance = dict(zip(owners[starts].tolist(), encode_groups(
            lineage.drop(columns="entity_id").reset_index(drop=True), starts),
            strict=True))
        records = built.records
        stored = [(int(e), record, provenance.get(e, "[]")) for e, record in zip(
            records["entity_id"].tolist(), encode_records(records.drop(columns="entity_id")),
            strict=True)]
        self.store.put_golden(stored)
        # an entity the rules built no record for keeps none
        self.store.delete_golden(sorted(set(entity.tolist()) - {e for e, _, _ in stored}))


def _decision_frame(decided: list[tuple[str, int, int]], ids: pd.Series) -> pd.DataFrame:
    """Decisions ``(kind, position_a, position_b)`` as ``cluster_pairs`` takes them."""
    uid = ids.to_numpy()
    return pd.DataFrame({"unique_id_l": [uid[a] for _, a, _ in decided],
                         "unique_id_r": [uid[b] for _, _, b in decided],
                         "decision": [kind for kind, _, _ in decided]})


def events_frame(changes: IdChanges) -> pd.DataFrame:
    """Entity events as ``Added.events`` shows them: ``event``, ``entity_id``, ``other_id``.

    Examples
    --------
    >>> changes = IdChanges(np.array([7, 7]), merged=[(9, 7)])
    >>> events_frame(changes).values.tolist()
    [['merged', 9, 7]]
    """
    rows = ([("created", e, None) for e in changes.created]
            + [("merged", old, into) for old, into in changes.merged]
            + [("split", old, new) for old, new in changes.split]
            + [("retired", e, None) for e in changes.retired])
    return pd.DataFrame(rows, columns=["event", "entity_id", "other_id"]).astype(
        {"other_id": "Int64"})
