"""Re-clustering the part of the store a change touched: the connected components holding
the changed records are clustered again with the batch pipeline's own clustering, entity ids
are carried across (``golden.clustering.entity_ids``), entity events are logged and the
entities' golden records rebuilt.

A person's decisions (``Resolver.link`` / ``unlink``) are honoured as in the batch
pipeline: a decided match counts as a link when components are found, and the decisions
among a component's records go to ``cluster_pairs(decisions=...)``, which joins the decided
matches and keeps the decided non-matches apart (the weakest path between them cut).

Pinned values (``Resolver.pin``) go to the builder with every rebuild, each through the
record it is held by, so it follows that record. Where a change puts pins from two former
entities on one entity and they disagree on an attribute (or on a part of a group), the
pins of the former entity holding the latest pin win; the others are dropped, audited
(``"pin overridden"``) and reported as ``"pin conflict"`` events (``overridden``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from golden._base.pairs import group_starts
from golden.clustering.components import cluster_pairs
from golden.clustering.entity_ids import IdChanges, carry_ids
from golden.estimators.golden_records import GoldenRecordBuilder
from golden.resolver.codecs import decode_record, encode_groups, encode_records
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
        # (entity, pin id) of each pin the last re-clustering overrode
        self.overridden: list[tuple[int, int]] = []

    def recluster(self, touched: set[int], previous: dict[int, int], now: float
                  ) -> tuple[IdChanges, dict[int, int]]:
        """Re-cluster the components holding ``touched`` rows (and their old entities
        ``previous``, by row); carry ids; rebuild golden records. The changes, and the
        entity of each row re-clustered."""
        self.overridden = []
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
        sides = np.array([previous.get(r, b) for r, b in zip(rows, before.tolist(),
                                                             strict=True)], dtype=np.int64)
        self._rebuild_golden(rows, ids, changes.ids, changes.retired + [
            old for old, _ in changes.merged], sides, now)
        return changes, dict(zip(rows, changes.ids.tolist(), strict=True))

    def recluster_all(self, now: float) -> tuple[IdChanges, np.ndarray]:
        """Re-cluster every record held (after its pairs were scored again), reading every
        link and decision at once; carry ids; rebuild the golden records of the entities
        that changed. The changes, and each record's entity before (in row order)."""
        self.overridden = []
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
                             changes.retired + [old for old, _ in changes.merged],
                             before[changed], now)
        return changes, before

    def rebuild(self, entity: int, now: float) -> None:
        """Rebuild one entity's golden record (with its pins), its records unmoved."""
        info = sorted(self.store.record_ids(self.store.rows_of_entities([entity])))
        rows = [r for r, _, _ in info]
        held = np.array([e for _, _, e in info], dtype=np.int64)
        self._rebuild_golden(rows, pd.Series([u for _, u, _ in info]), held, [], held, now)

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
                        gone: list[int], sides: np.ndarray, now: float) -> None:
        """Build the golden records of the entities of these rows (``entity`` each, and
        ``sides``: the entity each was in before), with their pins, and drop those of the
        ids ``gone``."""
        self.store.delete_golden(gone)
        if not rows:
            return
        frame = self.held.frame(rows).reset_index(drop=True)
        clusters = pd.DataFrame({self.unique_id: ids, "entity_id": entity})
        pins = self._pins(rows, ids, entity, sides, now) if self.store.pins.has_any() \
            else None
        if pins is not None:  # a column these records all lack takes a pin of any type
            frame = frame.astype({c: object for c in frame.columns[frame.isna().all()]})
        built = self.builder.build(frame, clusters, pins=pins)
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

    def _pins(self, rows: list[int], ids: pd.Series, entity: np.ndarray,
              sides: np.ndarray, now: float) -> pd.DataFrame | None:
        """The pins through these rows as the builder takes them (None if none), after
        settling the conflicts a change made."""
        held = self.store.pins.of_rows(rows)
        if not held:
            return None
        pins = pd.DataFrame(held, columns=["pin_id", "row", "attribute", "value", "by", "at",
                                           "reason"])
        position = pd.Series(np.arange(len(rows)), index=rows)[pins["row"]].to_numpy()
        pins["unique_id"] = ids.to_numpy(dtype=object)[position]
        pins["entity"], pins["side"] = entity[position], sides[position]
        lost = self._overridden(pins, now)
        pins = pins[~pins["pin_id"].isin(lost)]
        if pins.empty:
            return None
        return pd.DataFrame({
            "unique_id": pins["unique_id"].to_numpy(dtype=object),
            "attribute": pins["attribute"].to_numpy(dtype=object),
            "value": [decode_record(v) for v in pins["value"]],
            "by": pins["by"].to_numpy(dtype=object),
            "at": pd.to_datetime(pins["at"].to_numpy(dtype=np.float64), unit="s", utc=True),
            "reason": pins["reason"].to_numpy(dtype=object)})

    def _overridden(self, pins: pd.DataFrame, now: float) -> list[int]:
        """Drop (audited, and noted in ``overridden``) the pins of an entity that disagree
        with those from another former entity holding a later pin of the same attribute or
        group; their ids."""
        unit_of = {c: g for g, cs in (self.builder.groups or {}).items() for c in cs}
        pins["unit"] = pins["attribute"].map(lambda a: unit_of.get(a, a))
        lost: list[int] = []
        audit = []
        for (owner, _), mine in pins.groupby(["entity", "unit"], sort=True):
            if mine["side"].nunique() < 2 or (
                    mine.groupby("attribute")["value"].nunique() < 2).all():
                continue
            latest = mine.sort_values(["at", "pin_id"]).iloc[-1]
            for _, pin in mine[mine["side"] != latest["side"]].iterrows():
                lost.append(int(pin["pin_id"]))
                self.overridden.append((int(owner), int(pin["pin_id"])))
                audit.append(("pin overridden", int(owner), pin["unique_id"], {
                    "pin_id": int(pin["pin_id"]), "attribute": pin["attribute"],
                    "by": pin["by"], "overridden_by": int(latest["pin_id"]),
                    "reason": "a later pin of an entity it merged with disagrees"}))
        if lost:
            self.store.pins.delete(lost)
            self.store.insert_audit(audit, now)
        return lost


def _decision_frame(decided: list[tuple[str, int, int]], ids: pd.Series) -> pd.DataFrame:
    """Decisions ``(kind, position_a, position_b)`` as ``cluster_pairs`` takes them."""
    uid = ids.to_numpy()
    return pd.DataFrame({"unique_id_l": [uid[a] for _, a, _ in decided],
                         "unique_id_r": [uid[b] for _, _, b in decided],
                         "decision": [kind for kind, _, _ in decided]})


def events_frame(changes: IdChanges, overridden: list[tuple[int, int]] | None = None
                 ) -> pd.DataFrame:
    """Entity events as ``Added.events`` shows them: ``event``, ``entity_id``, ``other_id``;
    with a ``"pin conflict"`` row for each pin ``overridden`` (``(entity, pin_id)``: the
    pin's id as ``other_id``).

    Examples
    --------
    >>> changes = IdChanges(np.array([7, 7]), merged=[(9, 7)])
    >>> events_frame(changes).values.tolist()
    [['merged', 9, 7]]
    """
    rows = ([("created", e, None) for e in changes.created]
            + [("merged", old, into) for old, into in changes.merged]
            + [("split", old, new) for old, new in changes.split]
            + [("retired", e, None) for e in changes.retired]
            + [("pin conflict", e, pin) for e, pin in overridden or []])
    return pd.DataFrame(rows, columns=["event", "entity_id", "other_id"]).astype(
        {"other_id": "Int64"})
