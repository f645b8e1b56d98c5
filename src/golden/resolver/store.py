"""The resolver's persistent store: one SQLite file (WAL mode, one transaction per batch).

Tables: ``meta`` (model and settings), ``records`` (each record's values as JSON and its
entity), ``prepared`` (each record's comparison inputs, normalised), ``keys`` (keyed
hashes of block keys and identifiers, never plaintext),
``edges`` (scored pairs at or above the threshold), ``identity_edges`` (pairs tied by a
shared identifier), ``term_counts`` (keyed hashes of values and their counts, for term
frequencies), ``entities`` (every id ever given, what became of it and when), ``golden``
(golden record and provenance per entity), ``audit`` and ``tombstones``.

Deleted content is overwritten (``secure_delete``), and ``compact`` checkpoints the
write-ahead log and rebuilds the file, so erased values leave no trace in either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import math
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from golden.resolver.checkpoints import Checkpointer

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    row_id INTEGER PRIMARY KEY, unique_id UNIQUE NOT NULL, entity_id INTEGER NOT NULL,
    data TEXT NOT NULL, added_at REAL NOT NULL, updated_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS records_entity ON records(entity_id);
CREATE TABLE IF NOT EXISTS keys (kind INTEGER NOT NULL, key INTEGER NOT NULL,
    row_id INTEGER NOT NULL, PRIMARY KEY (kind, key, row_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS keys_row ON keys(row_id);
CREATE TABLE IF NOT EXISTS prepared (row_id INTEGER PRIMARY KEY, inputs TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS edges (a INTEGER NOT NULL, b INTEGER NOT NULL,
    probability REAL NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS edges_b ON edges(b, probability);
CREATE TABLE IF NOT EXISTS identity_edges (a INTEGER NOT NULL, b INTEGER NOT NULL,
    kind INTEGER NOT NULL, key INTEGER NOT NULL, PRIMARY KEY (a, b, kind, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS identity_edges_b ON identity_edges(b);
CREATE INDEX IF NOT EXISTS identity_edges_key ON identity_edges(kind, key);
CREATE TABLE IF NOT EXISTS generic_identifiers (kind INTEGER NOT NULL, key INTEGER NOT NULL,
    n_entities INTEGER NOT NULL, flagged_at REAL NOT NULL, PRIMARY KEY (kind, key));
CREATE TABLE IF NOT EXISTS term_counts (comparison INTEGER NOT NULL, value INTEGER NOT NULL,
    count INTEGER NOT NULL, PRIMARY KEY (comparison, value)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS term_totals (comparison INTEGER PRIMARY KEY,
                                        total INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS entities (entity_id INTEGER PRIMARY KEY, status TEXT NOT NULL,
    merged_into INTEGER, created_at REAL NOT NULL, updated_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS golden (entity_id INTEGER PRIMARY KEY, record TEXT NOT NULL,
                                   provenance TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (seq INTEGER PRIMARY KEY, at REAL NOT NULL,
    event TEXT NOT NULL, entity_id INTEGER, unique_id, detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_entity ON audit(entity_id);
CREATE INDEX IF NOT EXISTS audit_record ON audit(unique_id);
CREATE TABLE IF NOT EXISTS tombstones (hash TEXT PRIMARY KEY, at REAL NOT NULL);
"""

CHUNK = 900  # bound parameters per statement (SQLite allows 999 in old builds)
CACHE_KIB = 256 * 1024  # page cache per connection: a batch touches pages all over the indexes
MMAP_BYTES = 1 << 40  # read the file through a memory map (SQLite caps it at its build's limit)
MAX_LOG_PAGES = 50_000  # WAL pages (of 4 KiB) past which the writer waits for checkpoints


class Store:
    """A SQLite connection with the resolver's schema.

    Examples
    --------
    >>> store = Store(":memory:")
    >>> store.set_meta("answer", 42)
    >>> store.meta("answer")
    42
    """

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = str(path)
        self.checkpointer: Checkpointer | None = None
        if readonly:
            uri = f"file:{Path(self.path).resolve()}?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, isolation_level=None,
                                      check_same_thread=False)
        else:
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA busy_timeout = 30000")
        self.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self.db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        if not readonly:
            (mode,) = self.db.execute("PRAGMA journal_mode = WAL").fetchone()
            wal = mode == "wal"  # not for a store in memory
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA secure_delete = ON")
            self.db.executescript(SCHEMA)
            if wal:
                self.db.execute("PRAGMA wal_autocheckpoint = 0")
                self.checkpointer = Checkpointer(self.path, max_log_pages=MAX_LOG_PAGES)

    def close(self) -> None:
        """Close the connection (the last one to close copies the log into the file)."""
        if self.checkpointer is not None:
            self.checkpointer.close()
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction: everything in it lands, or nothing does."""
        if self.checkpointer is not None:
            self.checkpointer.before_write()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        if self.checkpointer is not None:
            self.checkpointer.committed()

    # Meta ------------------------------------------------------------------------------

    def meta(self, key: str, default: Any = None) -> Any:
        """A JSON value stored under ``key``."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set_meta(self, key: str, value: Any) -> None:
        """Store a JSON value under ``key``."""
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value)))

    def next_entity_ids(self, count: int) -> list[int]:
        """``count`` entity ids never given before."""
        start = int(self.meta("next_entity_id", 1))
        self.set_meta("next_entity_id", start + count)
        return list(range(start, start + count))

    # Queries over id lists -----------------------------------------------------------

    def select_in(self, sql: str, values: Iterable[Any], *prefix: Any) -> list[tuple[Any, ...]]:
        """Run ``sql`` (with one ``{}`` for an ``IN`` list) over ``values`` in chunks."""
        values = list(values)
        out: list[tuple[Any, ...]] = []
        for start in range(0, len(values), CHUNK):
            chunk = values[start:start + CHUNK]
            marks = ",".join("?" * len(chunk))
            out.extend(self.db.execute(sql.format(marks), (*prefix, *chunk)).fetchall())
        return out

    def execute_in(self, sql: str, values: Iterable[Any], *prefix: Any) -> None:
        """Run a write ``sql`` (with one ``{}`` for an ``IN`` list) over ``values``."""
        values = list(values)
        for start in range(0, len(values), CHUNK):
            chunk = values[start:start + CHUNK]
            self.db.execute(sql.format(",".join("?" * len(chunk))), (*prefix, *chunk))

    def compact(self) -> None:
        """Checkpoint the write-ahead log into the file, truncate it and rebuild the file,
        so no deleted content survives in either."""
        if self.checkpointer is not None:
            self.checkpointer.wait()
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.execute("VACUUM")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class Hasher:
    """Keyed hashes (HMAC-BLAKE2b) of values, so keys and identifiers are stored without
    their plaintext.

    Examples
    --------
    >>> hasher = Hasher(b"k" * 32)
    >>> hasher.integer("smith") == hasher.integer("smith") != hasher.integer("smyth")
    True
    >>> len(hasher.text("record-1"))
    32
    """

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def integer(self, value: str) -> int:
        """A signed 64-bit keyed hash (an SQLite integer)."""
        digest = hashlib.blake2b(value.encode(), digest_size=8, key=self.secret).digest()
        return int.from_bytes(digest, "big", signed=True)

    def integers(self, values: Sequence[str] | np.ndarray) -> np.ndarray:
        """``integer`` of each value."""
        return np.fromiter((self.integer(v) for v in values), dtype=np.int64, count=len(values))

    def text(self, value: Any) -> str:
        """A hex keyed hash of a record id (for tombstones and the audit log)."""
        message = json.dumps(value).encode()
        return hmac.new(self.secret, message, hashlib.blake2b).hexdigest()[:32]


# Record values as JSON -----------------------------------------------------------------


def encode_record(record: dict[str, Any]) -> str:
    """A record as JSON text: nulls dropped, keys sorted, dates and timestamps tagged.

    Examples
    --------
    >>> encode_record({"b": float("nan"), "a": pd.Timestamp("2024-01-02"), "n": np.int64(3)})
    '{"a": {"$t": "2024-01-02T00:00:00"}, "n": 3}'
    """
    kept = {k: encode_value(v) for k, v in record.items() if not is_null(v)}
    return json.dumps(kept, sort_keys=True, ensure_ascii=False, allow_nan=False)


def encode_records(frame: pd.DataFrame) -> list[str]:
    """``encode_record`` of every row, column by column.

    Examples
    --------
    >>> encode_records(pd.DataFrame({"a": [1.0, None], "b": ["x", "y"]}))
    ['{"a": 1.0, "b": "x"}', '{"b": "y"}']
    """
    columns = _json_columns(frame)
    names = sorted(columns)
    return [json.dumps({n: columns[n][0][i] for n in names if columns[n][1][i]},
                       ensure_ascii=False, allow_nan=False) for i in range(len(frame))]


def encode_groups(frame: pd.DataFrame, starts: Sequence[int]) -> list[str]:
    """Each run of rows ``starts[k]:starts[k + 1]`` (the last to the end) as one JSON object
    of column lists (nulls as null): ``pd.DataFrame(decode_record(text))`` reads it back.

    Examples
    --------
    >>> encode_groups(pd.DataFrame({"a": [1, 2, 3], "b": ["x", None, "z"]}), [0, 2])
    ['{"a": [1, 2], "b": ["x", null]}', '{"a": [3], "b": ["z"]}']
    """
    columns = {name: [v if keep else None for v, keep in zip(*listed, strict=True)]
               for name, listed in _json_columns(frame).items()}
    ends = [*starts[1:], len(frame)]
    return [json.dumps({n: values[s:e] for n, values in columns.items()},
                       ensure_ascii=False, allow_nan=False) for s, e in zip(starts, ends,
                                                                            strict=True)]


def _json_columns(frame: pd.DataFrame) -> dict[str, tuple[list[Any], list[bool]]]:
    """Per column, its values as JSON holds them and whether each is present."""
    columns = {}
    for name, values in frame.items():
        present = values.notna().to_numpy() if values.dtype != object else np.array(
            [not is_null(v) for v in values], dtype=bool)
        if values.dtype == object or pd.api.types.is_datetime64_any_dtype(values):
            listed = [encode_value(v) if keep else None
                      for v, keep in zip(values.tolist(), present, strict=True)]
        else:
            listed = values.tolist()
        columns[str(name)] = (listed, present.tolist())
    return columns


def decode_record(text: str) -> Any:
    """The record ``encode_record`` wrote.

    Examples
    --------
    >>> decode_record('{"a": {"$t": "2024-01-02T00:00:00"}, "n": 3}')
    {'a': Timestamp('2024-01-02 00:00:00'), 'n': 3}
    """
    return json.loads(text, object_hook=_decode_tagged)


def decode_many(texts: Sequence[str]) -> list[Any]:
    """``decode_record`` of each text, parsed in one call.

    Examples
    --------
    >>> decode_many(['{"a": 1}', '{"d": {"$d": "2024-01-02"}}'])
    [{'a': 1}, {'d': datetime.date(2024, 1, 2)}]
    """
    joined = f"[{','.join(texts)}]"
    return json.loads(joined, object_hook=_decode_tagged if '{"$' in joined else None)


def is_null(value: Any) -> bool:
    """Whether a scalar is missing (None, NaN, NaT, pd.NA); lists never are."""
    if value is None:
        return True
    if type(value) is str:  # the common case, checked before the slower isinstance
        return False
    if isinstance(value, str | int | list | tuple | np.ndarray | dict | set):
        return False
    if isinstance(value, float):
        return value != value
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


SCALARS = (str, bool, int, float, np.generic, dt.date, pd.Timestamp)


def value_problem(value: Any) -> str | None:
    """Why a value cannot be stored, or None."""
    if is_null(value):
        return None
    if isinstance(value, list | tuple | np.ndarray):
        bad = [v for v in value if not isinstance(v, SCALARS) and v is not None]
        return f"holds {type(bad[0]).__name__} values" if bad else None
    if not isinstance(value, SCALARS):
        return f"is a {type(value).__name__}; expected text, a number, a date or a list"
    if isinstance(value, float) and math.isinf(value):
        return "is infinite"
    return None


def encode_value(value: Any) -> Any:
    """A value as JSON can hold it (dates and timestamps tagged)."""
    if type(value) is str:
        return value
    if isinstance(value, list | tuple | np.ndarray):
        return [None if is_null(v) else encode_value(v) for v in value]
    if isinstance(value, pd.Timestamp | dt.datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _decode_tagged(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "$t" in obj:
            return pd.Timestamp(obj["$t"])
        if "$d" in obj:
            return dt.date.fromisoformat(obj["$d"])
    return obj


def frame_of(rows: Sequence[tuple[int, str]]) -> pd.DataFrame:
    """Decoded records ``(row_id, json)`` as a frame indexed by row id, in the given order."""
    frame = pd.DataFrame.from_records(decode_many([data for _, data in rows]))
    frame.index = pd.Index([row for row, _ in rows], name="row_id", dtype=np.int64)
    return frame
