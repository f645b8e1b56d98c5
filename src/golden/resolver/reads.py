"""Reading what the store holds on an entity, without changing anything: its records, golden
record, provenance and history, a subject access report, every record's entity, and the
generic identifiers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from golden._base.cells import is_null
from golden.errors import SchemaError
from golden.estimators.golden_records import GoldenRecordBuilder
from golden.resolver.codecs import decode_many, decode_record, frame_of
from golden.resolver.held import HeldRecords
from golden.resolver.store import Store


class Reader:
    """Reads entities from a store; an old entity id is followed to the entity it merged
    into.

    Examples
    --------
    >>> store = Store(":memory:")
    >>> reader = Reader(store, HeldRecords(store), GoldenRecordBuilder(), source=None,
    ...                 identifiers=[])
    >>> with store.transaction():
    ...     store.insert_entities([1, 2], now=0.0)
    ...     store.mark_merged([(2, 1)], now=0.0)
    >>> reader.resolve_id(2)
    1
    """

    def __init__(self, store: Store, held: HeldRecords, builder: GoldenRecordBuilder, *,
                 source: str | None, identifiers: Sequence[str]) -> None:
        self.store, self.held, self.builder = store, held, builder
        self.source = source
        self.identifiers = list(identifiers)

    def resolve_id(self, entity_id: int) -> int:
        """The entity an id stands for now, following merges."""
        seen = set()
        current = entity_id
        while True:
            row = self.store.entity_status(int(current))
            if row is None:
                raise SchemaError(f"entity_id {entity_id!r} was never given by this resolver")
            status, into = row
            if status == "merged" and into not in seen:
                seen.add(current)
                current = into
                continue
            if status != "active":
                raise SchemaError(f"entity_id {entity_id!r} is {status}: it has no records "
                                  "any more")
            return int(current)

    def entity(self, entity_id: int) -> pd.DataFrame:
        """The records of an entity."""
        current = self.resolve_id(entity_id)
        rows = self.store.entity_data(current)
        return self.held.with_columns(frame_of(rows)).reset_index(drop=True)

    def golden(self, entity_id: int) -> dict[str, Any]:
        """The golden record of an entity, as a dict."""
        current = self.resolve_id(entity_id)
        return {"entity_id": current, **decode_record(self.store.golden_record(current))}

    def provenance(self, entity_id: int) -> pd.DataFrame:
        """Where each golden value of an entity came from, one row per value."""
        current = self.resolve_id(entity_id)
        return pd.DataFrame(decode_record(self.store.golden_provenance(current)))

    def history(self, entity_id: int) -> pd.DataFrame:
        """The audit events of an entity and of every id that merged into it."""
        ids = {int(entity_id)}
        while True:
            more = self.store.merged_into(list(ids))
            if more <= ids:
                break
            ids |= more
        rows = self.store.audit_of(sorted(ids))
        frame = pd.DataFrame(rows, columns=["at", "event", "entity_id", "unique_id", "detail"])
        frame["at"] = pd.to_datetime(frame["at"], unit="s", utc=True)
        frame["detail"] = decode_many(frame["detail"].tolist())
        return frame

    def report(self, entity_id: int) -> dict[str, Any]:
        """Everything held on an entity, ready for ``json.dumps``."""
        current = self.resolve_id(entity_id)
        rows = self.store.entity_records(current)
        records = [{"unique_id": uid, "added_at": _iso(added), "updated_at": _iso(updated),
                    "values": values} for (uid, _, added, updated), values in
                   zip(rows, decode_many([data for _, data, _, _ in rows]), strict=True)]
        flags = [c for c in [self.builder.suppress_records,
                             *(self.builder.suppress_values or {}).values()] if c]
        source = self.builder.source or self.source
        history = self.history(current)
        return _json_ready({
            "entity_id": current,
            "requested_id": int(entity_id),
            "records": records,
            "golden_record": self.golden(current),
            "provenance": self.provenance(current).to_dict("records"),
            "consent": [{"unique_id": r["unique_id"],
                         **{f: r["values"].get(f) for f in flags}} for r in records],
            "sources": sorted({str(r["values"][source]) for r in records
                               if source and source in r["values"]}),
            "history": [{"at": at.isoformat(), "event": event, "entity_id": e,
                         "detail": detail} for at, event, e, _, detail in
                        history.itertuples(index=False)],
        })

    def entities(self) -> pd.DataFrame:
        """Every record's entity: ``unique_id``, ``source`` (with a source column) and
        ``entity_id``, in the order the records arrived."""
        source = self.builder.source or self.source
        if source is None:
            rows = self.store.entity_table(None)
            return pd.DataFrame({"unique_id": pd.Series([u for u, _ in rows], dtype=object),
                                 "entity_id": pd.Series([e for _, e in rows], dtype=np.int64)})
        if '"' in source:  # a JSON path cannot name it: read the records
            rows = [(decode_record(data).get(source), uid, entity) for uid, entity, data in
                    self.store.entity_table_with_data()]
        else:
            rows = self.store.entity_table(f'$."{source}"')
        return pd.DataFrame({"unique_id": pd.Series([u for _, u, _ in rows], dtype=object),
                             "source": pd.Series([s for s, _, _ in rows], dtype=object),
                             "entity_id": pd.Series([e for _, _, e in rows], dtype=np.int64)})

    def generic_identifiers(self) -> pd.DataFrame:
        """Identifier values that stopped linking: ``identifier``, ``key``, ``n_entities``,
        ``flagged_at``."""
        rows = self.store.generic_identifiers()
        return pd.DataFrame({
            "identifier": [self.identifiers[-1 - k] for k, _, _, _ in rows],
            "key": [key for _, key, _, _ in rows],
            "n_entities": [n for _, _, n, _ in rows],
            "flagged_at": pd.to_datetime([t for *_, t in rows], unit="s", utc=True)})


def _iso(seconds: float) -> str:
    return pd.Timestamp(seconds, unit="s", tz="UTC").isoformat()


def _json_ready(value: Any) -> Any:
    """Plain JSON types: timestamps and dates as ISO text, numpy scalars as Python ones."""
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_json_ready(v) for v in value]
    if isinstance(value, pd.Timestamp | dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return None if is_null(value) else value
