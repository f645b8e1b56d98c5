"""A person's decisions in the resolver: two records linked (the same entity) or unlinked
(never the same entity), each in one transaction, audited, and honoured by every later
re-clustering (``golden.resolver.recluster``); ``undo`` takes one back.

A decision names records by row, so a new version of a record keeps its decisions, and
forgetting a record removes them (``golden.resolver.erasure``). Decided links that chain
across a decided unlink contradict each other: the decision that would make the chain is
refused, naming the decisions in the way, and nothing changes.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from golden.clustering.decisions import MATCH, NON_MATCH
from golden.clustering.entity_ids import IdChanges
from golden.errors import ConfigError, SchemaError
from golden.resolver.held import HeldRecords
from golden.resolver.recluster import Reclusterer, events_frame
from golden.resolver.store import Row, Store
from golden.resolver.validation import plain_id

VERBS = {MATCH: "link", NON_MATCH: "unlink"}
Path = dict[int, tuple[int, int]]  # per row reached: the row before it and the decision id


def checked_decision(a: Any, b: Any, by: Any, reason: Any) -> tuple[Any, Any]:
    """The two record ids as stored; a ``ConfigError`` naming every parameter that is
    wrong otherwise.

    Examples
    --------
    >>> checked_decision(np.int64(7), "crm:8", "ana", "same customer")
    (7, 'crm:8')
    >>> checked_decision("crm:8", "crm:8", "ana", None)
    Traceback (most recent call last):
    ...
    golden.errors.ConfigError: 2 problems:
      - reason: got None, expected text (why it was decided)
      - a and b: both are 'crm:8'; a decision names two different records
    """
    problems = []
    for name, value in (("a", a), ("b", b)):
        if not _readable_id(value):
            problems.append(f"{name}: got {value!r}, expected a record's unique_id (text or "
                            "a whole number)")
    for name, value, what in (("by", by, "who decided"), ("reason", reason, "why it was "
                                                                             "decided")):
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{name}: got {value!r}, expected text ({what})")
    if _readable_id(a) and _readable_id(b) and plain_id(a) == plain_id(b):
        problems.append(f"a and b: both are {plain_id(a)!r}; a decision names two different "
                        "records")
    if problems:
        raise ConfigError(problems)
    return plain_id(a), plain_id(b)


def _readable_id(value: Any) -> bool:
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, float | np.floating):
        return bool(np.isfinite(value)) and float(value).is_integer()
    return isinstance(value, str | int | np.integer)


class Decider:
    """Makes, undoes and lists a person's decisions over one store.

    Examples
    --------
    >>> from golden.estimators.golden_records import GoldenRecordBuilder
    >>> store = Store(":memory:")
    >>> held = HeldRecords(store)
    >>> reclusterer = Reclusterer(store, held, GoldenRecordBuilder(), unique_id="unique_id",
    ...                           threshold=0.5, min_density=None)
    >>> with store.transaction(), held.decoding():
    ...     held.remember_columns(["unique_id"])
    ...     store.insert_records([(1, "a", '{"unique_id": "a"}', 0.0, 0.0),
    ...                           (2, "b", '{"unique_id": "b"}', 0.0, 0.0)])
    ...     _ = reclusterer.recluster({1, 2}, {}, now=0.0)
    >>> decider = Decider(store, held, reclusterer, unique_id="unique_id")
    >>> decider.decide(MATCH, "a", "b", by="ana", reason="same customer")["event"].tolist()
    ['merged']
    >>> decider.undo(1, by="ana", reason="a mistake")["event"].tolist()
    ['split']
    """

    def __init__(self, store: Store, held: HeldRecords, reclusterer: Reclusterer, *,
                 unique_id: str) -> None:
        self.store, self.held, self.reclusterer = store, held, reclusterer
        self.unique_id = unique_id

    def decide(self, kind: str, a: Any, b: Any, *, by: Any, reason: Any) -> pd.DataFrame:
        """Decide that records ``a`` and ``b`` are (``match``) or are not (``non_match``)
        one entity, and re-cluster them; the entity events. Deciding a pair again the same
        way changes nothing."""
        a, b = checked_decision(a, b, by, reason)
        with self.store.transaction(), self.held.decoding():
            # inside the write transaction: a forget or a contradicting decision that
            # commits first is seen, and one that comes later waits for this one
            now = time.time()
            row_a, row_b = self._row(a, "a"), self._row(b, "b")
            for _, held_kind, x, y, _ in self.store.decisions_touching([row_a]):
                if {x, y} == {row_a, row_b} and held_kind == kind:
                    return events_frame(IdChanges(np.empty(0, dtype=np.int64)))
            self._refuse_contradiction(kind, row_a, row_b, a, b)
            decision_id = self.store.insert_decision(kind, row_a, row_b, by, now, reason)
            changes, entity_of = self.reclusterer.recluster({row_a, row_b}, {}, now)
            detail = {"decision_id": decision_id, "by": by, "reason": reason}
            event = "records linked" if kind == MATCH else "records unlinked"
            self.store.insert_audit([(event, entity_of[row_a], a, detail),
                                     (event, entity_of[row_b], b, detail)], now)
        return events_frame(changes, self.reclusterer.overridden)

    def undo(self, decision_id: Any, *, by: Any, reason: Any) -> pd.DataFrame:
        """Take a decision back and re-cluster its records; the entity events."""
        problems = []
        if isinstance(decision_id, bool | np.bool_) or not isinstance(
                decision_id, int | np.integer) or not 0 < decision_id < 2**63:
            problems.append(f"decision_id: got {decision_id!r}, expected a whole number (the "
                            "decision_id column of resolver.decisions())")
        for name, value in (("by", by), ("reason", reason)):
            if value is not None and not isinstance(value, str):
                problems.append(f"{name}: got {value!r}, expected text or None")
        if problems:
            raise ConfigError(problems)
        with self.store.transaction(), self.held.decoding():
            now = time.time()
            found = self.store.decision(int(decision_id))
            if found is None:
                raise SchemaError(f"decision_id {decision_id!r} is not held (undone already, "
                                  "its records forgotten, or never made); see "
                                  "resolver.decisions()")
            _, kind, row_a, row_b, _ = found
            self.store.delete_decisions([int(decision_id)])
            changes, entity_of = self.reclusterer.recluster({row_a, row_b}, {}, now)
            detail = {"decision_id": int(decision_id),
                      **{k: v for k, v in (("by", by), ("reason", reason)) if v is not None}}
            ids = dict((row, uid) for row, uid, _ in self.store.record_ids([row_a, row_b]))
            self.store.insert_audit([(f"{VERBS[kind]} undone", entity_of[row], ids[row],
                                      detail) for row in (row_a, row_b)], now)
        return events_frame(changes, self.reclusterer.overridden)

    def table(self) -> pd.DataFrame:
        """Every decision held: ``decision_id``, ``kind``, ``unique_id_l``, ``unique_id_r``,
        ``by``, ``at`` and ``reason``, oldest first."""
        rows = self.store.decision_table()
        columns = ["decision_id", "kind", "unique_id_l", "unique_id_r", "by", "at", "reason"]
        frame = pd.DataFrame(rows, columns=columns).astype(
            {"decision_id": np.int64, "kind": object, "unique_id_l": object,
             "unique_id_r": object, "by": object, "reason": object})
        frame["at"] = pd.to_datetime(frame["at"].astype(np.float64), unit="s", utc=True)
        return frame

    # Inside the transaction -------------------------------------------------------------

    def _row(self, unique_id: Any, name: str) -> int:
        found = self.store.records_with_id(unique_id)
        if not found:
            raise SchemaError(f"{name}: {self.unique_id} {unique_id!r} is not held (never "
                              "added, or forgotten); nothing was changed")
        return int(found[0][0])

    def _refuse_contradiction(self, kind: str, row_a: int, row_b: int, a: Any, b: Any
                              ) -> None:
        """A ``ConfigError`` when decided links would chain across a decided unlink once
        this decision is made."""
        side_a = self._linked(row_a)
        if kind == NON_MATCH:
            if row_b in side_a:
                raise ConfigError(
                    f"unlink {a!r} and {b!r}: the decided links "
                    f"{self._named(_path(side_a, row_b))} join them; undo one of them first "
                    "(resolver.undo(decision_id)); nothing was changed")
            return
        if row_b in side_a:
            return  # joined by decisions already
        side_b = self._linked(row_b)
        for decision_id, _, x, y, _ in self.store.decisions_touching(list(side_a), NON_MATCH):
            if x in side_b:
                x, y = y, x
            if x in side_a and y in side_b:
                chain = [*_path(side_a, x)[::-1], *_path(side_b, y)]
                through = (f", with the decided links {self._named(chain)}" if chain
                           else "")
                raise ConfigError(
                    f"link {a!r} and {b!r}: it contradicts {self._named([decision_id])}: "
                    f"this link would join them{through}; undo one of them first "
                    "(resolver.undo(decision_id)); nothing was changed")

    def _linked(self, row: int) -> Path:
        """The rows decided matches join to ``row``, each with the way back to it."""
        reached: Path = {row: (row, -1)}
        frontier = [row]
        while frontier:
            found = []
            for decision_id, _, x, y, _ in self.store.decisions_touching(frontier, MATCH):
                for start, end in ((x, y), (y, x)):
                    if start in reached and end not in reached:
                        reached[end] = (start, decision_id)
                        found.append(end)
            frontier = found
        return reached

    def _named(self, decision_ids: Iterable[int]) -> str:
        """Decisions as a person reads them: id, kind, records and who made them."""
        named = []
        for decision_id in decision_ids:
            found: Row | None = self.store.decision(decision_id)
            if found is None:  # read in this transaction: never
                continue
            _, kind, x, y, by = found
            ids = dict((row, uid) for row, uid, _ in self.store.record_ids([x, y]))
            named.append(f"decision {decision_id} ({VERBS[kind]} {ids[x]!r} and {ids[y]!r} "
                         f"by {by})")
        return ", ".join(named)


def _path(reached: Path, row: int) -> list[int]:
    """The decisions from the start of ``reached`` to ``row``, in order."""
    path = []
    while reached[row][1] != -1:
        row, decision_id = reached[row]
        path.append(decision_id)
    return path[::-1]
