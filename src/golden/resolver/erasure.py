"""Erasure: a record (or every record of an entity) removed from everywhere it is held, its
entity re-clustered, its id kept only as a keyed hash in the audit log and the tombstones."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pandas as pd

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
            self.ingest.remove(rows)
            changes, _ = self.reclusterer.recluster(set(rows), {r: e for r, _, e in found},
                                                    now)
            for _, uid, entity in found:
                hashed = self.hasher.text(uid)
                self.store.hash_audit_id(uid, hashed)
                if self.tombstones:
                    self.store.insert_tombstone(hashed, now)
                self.store.insert_audit([("record forgotten", entity, hashed,
                                          {"reason": reason})], now)
        return events_frame(changes)
