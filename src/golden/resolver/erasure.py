"""Erasure: a record (or every record of an entity) removed from everywhere it is held (its
decisions and pins too), its entity re-clustered, its id kept only as a keyed hash in the
audit log and the tombstones."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pandas as pd

from golden.clustering.decisions import MATCH
from golden.errors import ConfigError, SchemaError
from golden.resolver.codecs import Hasher
from golden.resolver.held import HeldRecords
from golden.resolver.ingest import Ingest
from golden.resolver.recluster import Reclusterer, events_frame
from golden.resolver.store import Store


class Eraser:
    """Forgets records on request, each erasure in one transaction.

    ``tombstones``: remember the forgotten ids (as keyed hashes) so they may not return.
    """

    def __init__(self, store: Store, held: HeldRecords, ingest: Ingest,
                 reclusterer: Reclusterer, hasher: Hasher, *, tombstones: bool) -> None:
        self.store, self.held, self.ingest = store, held, ingest
        self.reclusterer, self.hasher, self.tombstones = reclusterer, hasher, tombstones

    def forget(self, find: Callable[[], list[tuple[Any, ...]]], reason: str, missing: str
               ) -> pd.DataFrame:
        """Erase the records ``find`` reads (``(row_id, unique_id, entity_id)`` each, read
        inside the transaction), or raise ``SchemaError(missing)`` if there are none. The
        entity events."""
        if not isinstance(reason, str):
            raise ConfigError(f"reason: got {reason!r}, expected text")
        with self.store.transaction(), self.held.decoding():
            now = time.time()
            found = find()
            if not found:
                raise SchemaError(missing)
            rows = [r for r, _, _ in found]
            decided = self.store.decisions_touching(rows) if self.store.has_decisions() \
                else []
            self.store.delete_decisions([d for d, *_ in decided])
            pinned = [p for p, *_ in self.store.pins.of_rows(rows)]
            self.store.pins.delete(pinned)  # the golden record is rebuilt without them
            self.ingest.remove(rows)
            # the other records of its decisions are clustered again without them
            others = {end for _, _, a, b, _ in decided for end in (a, b)}
            changes, entity_of = self.reclusterer.recluster(
                set(rows) | others, {r: e for r, _, e in found}, now)
            detail: dict[str, Any] = {"reason": reason}
            if pinned:
                detail["pins_removed"] = pinned
            if decided:
                detail["decisions_removed"] = [d for d, *_ in decided]
                self._log_removed(decided, set(rows), entity_of, now)
            for _, uid, entity in found:
                hashed = self.hasher.text(uid)
                self.store.hash_audit_id(uid, hashed)
                if self.tombstones:
                    self.store.insert_tombstone(hashed, now)
                self.store.insert_audit([("record forgotten", entity, hashed, detail)], now)
        return events_frame(changes)

    def _log_removed(self, decided: list[tuple[Any, ...]], gone: set[int],
                     entity_of: dict[int, int], now: float) -> None:
        """Say in the history of the records that stay that their decisions with a
        forgotten record were removed (without naming it)."""
        staying = {end for _, _, a, b, _ in decided for end in (a, b)} - gone
        ids = {row: uid for row, uid, _ in self.store.record_ids(staying)}
        self.store.insert_audit([
            (f"{'link' if kind == MATCH else 'unlink'} removed", entity_of.get(end), ids[end],
             {"decision_id": decision_id, "reason": "the other record was forgotten"})
            for decision_id, kind, a, b, _ in decided for end in (a, b) if end in ids], now)
