"""The resolver's persistent store: one SQLite file (WAL mode, one transaction per batch),
and every statement run on it, each a named method.

Tables: ``meta`` (model and settings), ``records`` (each record's values as JSON and its
entity), ``prepared`` (each record's comparison inputs, normalised), ``keys`` (keyed
hashes of block keys and identifiers, never plaintext),
``edges`` (scored pairs at or above the threshold), ``near_edges`` (scored pairs just below
it, within the review band: what ``review`` offers a person), ``identity_edges`` (pairs tied
by a shared identifier), ``term_counts`` (keyed hashes of values and their counts, for term
frequencies), ``entities`` (every id ever given, what became of it and when), ``golden``
(golden record and provenance per entity), ``decisions`` (a person's links and unlinks of
two records, by row), ``pins`` (``golden.resolver.pintable``), ``audit`` and ``tombstones``.

Deleted content is overwritten (``secure_delete``), and ``compact`` checkpoints the
write-ahead log and rebuilds the file, so erased values leave no trace in either.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from golden.errors import ConfigError, StoreError
from golden.resolver.checkpoints import Checkpointer
from golden.resolver.codecs import encode_record, load_json
from golden.resolver.pintable import PIN_INVARIANTS, PIN_SCHEMA, PinTable

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
CREATE TABLE IF NOT EXISTS near_edges (a INTEGER NOT NULL, b INTEGER NOT NULL,
    probability REAL NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS near_edges_b ON near_edges(b);
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
CREATE TABLE IF NOT EXISTS decisions (decision_id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL, a INTEGER NOT NULL, b INTEGER NOT NULL, decided_by TEXT NOT NULL,
    decided_at REAL NOT NULL, reason TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS decisions_a ON decisions(a);
CREATE INDEX IF NOT EXISTS decisions_b ON decisions(b);
"""

CHUNK = 900  # bound parameters per statement (SQLite allows 999 in old builds)
BUSY_MS = 30_000  # how long a writer waits for another one to finish

P = ParamSpec("P")
T = TypeVar("T")
CACHE_KIB = 256 * 1024  # page cache per connection: a batch touches pages all over the indexes
MMAP_BYTES = 1 << 40  # read the file through a memory map (SQLite caps it at its build's limit)
MAX_LOG_PAGES = 50_000  # WAL pages (of 4 KiB) past which the writer waits for checkpoints

HOLDER_QUERY_KEYS = 200  # keys per holders query (3 parameters and one compound term each)
HELD = "(SELECT row_id FROM records)"
ACTIVE = "(SELECT entity_id FROM entities WHERE status = 'active')"
TIMES = "BETWEEN 0 AND 1e11"  # seconds since 1970: golden writes nothing outside
# golden's invariants, each a count that is 0 in a sound store
INVARIANTS = {
    "records whose values are not JSON":
        "SELECT count(*) FROM records WHERE NOT json_valid(data)",
    "records with times out of range": "SELECT count(*) FROM records WHERE NOT "
        f"(added_at {TIMES} AND updated_at {TIMES})",
    "golden records that are not JSON": "SELECT count(*) FROM golden WHERE NOT "
        "(json_valid(record) AND json_valid(provenance))",
    "prepared values that are not JSON":
        "SELECT count(*) FROM prepared WHERE NOT json_valid(inputs)",
    "entities with times out of range": "SELECT count(*) FROM entities WHERE NOT "
        f"(created_at {TIMES} AND updated_at {TIMES})",
    "records in no active entity":
        f"SELECT count(*) FROM records WHERE entity_id NOT IN {ACTIVE}",
    "active entities holding no record": "SELECT count(*) FROM entities WHERE status = "
        "'active' AND entity_id NOT IN (SELECT entity_id FROM records)",
    "active entities without a golden record": "SELECT count(*) FROM entities WHERE status "
        "= 'active' AND entity_id NOT IN (SELECT entity_id FROM golden)",
    "golden records of entities no longer active":
        f"SELECT count(*) FROM golden WHERE entity_id NOT IN {ACTIVE}",
    "merged entity ids leading to no entity": "SELECT count(*) FROM entities WHERE status = "
        "'merged' AND merged_into NOT IN (SELECT entity_id FROM entities)",
    "prepared values of records not held":
        f"SELECT count(*) FROM prepared WHERE row_id NOT IN {HELD}",
    "block keys of records not held": f"SELECT count(*) FROM keys WHERE row_id NOT IN {HELD}",
    "pairs with a record not held":
        f"SELECT count(*) FROM edges WHERE a NOT IN {HELD} OR b NOT IN {HELD}",
    "pairs near the threshold with a record not held":
        f"SELECT count(*) FROM near_edges WHERE a NOT IN {HELD} OR b NOT IN {HELD}",
    "identity links with a record not held":
        f"SELECT count(*) FROM identity_edges WHERE a NOT IN {HELD} OR b NOT IN {HELD}",
    "decisions with a record not held":
        f"SELECT count(*) FROM decisions WHERE a NOT IN {HELD} OR b NOT IN {HELD}",
    "decisions that are not a match or a non-match of two records by someone":
        "SELECT count(*) FROM decisions WHERE kind NOT IN ('match', 'non_match') OR a = b "
        "OR typeof(decided_by) != 'text' OR typeof(reason) != 'text' OR NOT (decided_at "
        f"{TIMES})",
    "decisions the entities do not honour": "SELECT count(*) FROM decisions AS d "
        "JOIN records AS l ON l.row_id = d.a JOIN records AS r ON r.row_id = d.b "
        "WHERE (d.kind = 'match') != (l.entity_id = r.entity_id)", **PIN_INVARIANTS}

Row = tuple[Any, ...]
AuditEvent = tuple[str, int | None, Any, dict[str, Any]]  # event, entity, unique id, detail


def sqlite_errors(method: Callable[P, T]) -> Callable[P, T]:
    """``method`` of an object with a ``path``, with SQLite's errors said as ``StoreError``:
    a store another writer held past ``BUSY_MS``, or a damaged file (its text or JSON
    too)."""
    @functools.wraps(method)
    def translated(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(*args, **kwargs)
        except sqlite3.OperationalError as exc:
            path = getattr(args[0], "path", "the store")
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(f"{path}: another writer has held the store for more than "
                                 f"{BUSY_MS / 1000:g} s; nothing was changed: try again when "
                                 "it is done") from exc
            raise StoreError(f"{path}: the store cannot be read ({str(exc)[:200]}); it may "
                             "be damaged: restore it from a backup") from exc
        except (sqlite3.DatabaseError, json.JSONDecodeError, UnicodeDecodeError) as exc:
            path = getattr(args[0], "path", "the store")
            raise StoreError(f"{path}: the store is damaged ({str(exc)[:200]}); restore it "
                             "from a backup") from exc
    return translated


def _refuse_foreign(db: sqlite3.Connection, path: str) -> None:
    """Refuse, before anything is written, a file that is not SQLite, or a SQLite database
    of another application (tables, but not the store's ``meta``)."""
    try:
        tables = [name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not a golden resolver store ({exc}); give the path of "
                          "a new file or of a store a Resolver made") from exc
    if tables and "meta" not in tables:
        raise ConfigError(f"{path} is a SQLite database of another application (tables "
                          f"{sorted(tables)[:5]}); a resolver needs a file of its own: give "
                          "a new path")


class Store:
    """A SQLite connection with the resolver's schema, and the statements run on it.

    Examples
    --------
    >>> store = Store(":memory:")
    >>> store.set_meta("answer", 42)
    >>> store.meta("answer")
    42
    >>> with store.transaction():
    ...     store.insert_records([(1, "a", '{"name": "Ann"}', 0.0, 0.0)])
    >>> store.record_data([1]), store.count_records()
    ([(1, '{"name": "Ann"}')], 1)
    """

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = str(path)
        self.checkpointer: Checkpointer | None = None
        if self.path != ":memory:" and (Path(path).is_dir() or not Path(path).parent.is_dir()):
            raise ConfigError(f"{self.path}: give the path of a file in a folder that "
                              "exists (it is a folder, or its folder is missing)")
        if readonly:
            uri = f"file:{Path(self.path).resolve()}?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, isolation_level=None,
                                      check_same_thread=False)
        else:
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.pins = PinTable(self.db)  # the pins table's statements
        try:
            _refuse_foreign(self.db, self.path)
        except BaseException:
            self.db.close()
            raise
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        self.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self.db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        if not readonly:
            (mode,) = self.db.execute("PRAGMA journal_mode = WAL").fetchone()
            wal = mode == "wal"  # not for a store in memory
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA secure_delete = ON")
            self.db.executescript(SCHEMA + PIN_SCHEMA)
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

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction: every read in it sees the same commit (writers go on)."""
        self.db.execute("BEGIN")
        try:
            yield
        finally:
            self.db.execute("COMMIT")

    @property
    def in_transaction(self) -> bool:
        """Whether a write transaction is open."""
        return self.db.in_transaction

    def compact(self) -> None:
        """Checkpoint the write-ahead log into the file, truncate it and rebuild the file,
        so no deleted content survives in either."""
        if self.checkpointer is not None:
            self.checkpointer.wait()
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.execute("VACUUM")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def integrity(self, full: bool) -> list[str]:
        """SQLite's check of the file (``integrity_check`` if ``full``, else the faster
        ``quick_check``): what it found wrong, at most 20 lines (none when sound)."""
        pragma = "integrity_check(20)" if full else "quick_check(20)"
        found = [str(row) for (row,) in self.db.execute(f"PRAGMA {pragma}")]
        return [] if found == ["ok"] else found

    def invariant_counts(self) -> dict[str, int]:
        """How often each of golden's invariants is broken (0 each in a sound store)."""
        return {what: int(self.db.execute(sql).fetchone()[0])
                for what, sql in INVARIANTS.items()}

    def held_ids(self) -> list[Any]:
        """The unique id of every record held."""
        return [uid for (uid,) in self.db.execute("SELECT unique_id FROM records")]

    # Meta ------------------------------------------------------------------------------

    def meta(self, key: str, default: Any = None) -> Any:
        """A JSON value stored under ``key``."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else load_json(row[0])

    def set_meta(self, key: str, value: Any) -> None:
        """Store a JSON value under ``key``."""
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value)))

    def next_entity_ids(self, count: int) -> list[int]:
        """``count`` entity ids never given before."""
        start = int(self.meta("next_entity_id", 1))
        self.set_meta("next_entity_id", start + count)
        return list(range(start, start + count))

    # Records ---------------------------------------------------------------------------

    def held_versions(self, unique_ids: Iterable[Any]) -> list[Row]:
        """``(row_id, unique_id, entity_id, data, added_at)`` of the held records with these
        ids."""
        return self._select_in("SELECT row_id, unique_id, entity_id, data, added_at "
                               "FROM records WHERE unique_id IN ({})", unique_ids)

    def last_row_id(self) -> int:
        """The largest row id held (0 when there is none)."""
        (last,) = self.db.execute("SELECT max(row_id) FROM records").fetchone()
        return int(last or 0)

    def insert_records(self, rows: Iterable[Row]) -> None:
        """Store records ``(row_id, unique_id, data, added_at, updated_at)``, not yet in an
        entity (-1)."""
        self.db.executemany("INSERT INTO records VALUES (?, ?, -1, ?, ?, ?)", rows)

    def delete_rows(self, rows: Sequence[int]) -> None:
        """Delete records with their keys, prepared inputs, pairs and identity links."""
        for table, where in (("keys", "row_id IN ({})"), ("prepared", "row_id IN ({})"),
                             ("edges", "a IN ({})"),
                             ("edges", "b IN ({})"), ("near_edges", "a IN ({})"),
                             ("near_edges", "b IN ({})"), ("identity_edges", "a IN ({})"),
                             ("identity_edges", "b IN ({})"), ("records", "row_id IN ({})")):
            self._execute_in(f"DELETE FROM {table} WHERE {where}", rows)

    def record_data(self, rows: Iterable[int]) -> list[Row]:
        """``(row_id, data)`` of these rows."""
        return self._select_in("SELECT row_id, data FROM records WHERE row_id IN ({})", rows)

    def record_ids(self, rows: Iterable[int]) -> list[Row]:
        """``(row_id, unique_id, entity_id)`` of these rows."""
        return self._select_in(
            "SELECT row_id, unique_id, entity_id FROM records WHERE row_id IN ({})", rows)

    def records_with_id(self, unique_id: Any) -> list[Row]:
        """``(row_id, unique_id, entity_id)`` of the record with this unique id."""
        return self.db.execute("SELECT row_id, unique_id, entity_id FROM records "
                               "WHERE unique_id = ?", (unique_id,)).fetchall()

    def records_of_entity(self, entity_id: int) -> list[Row]:
        """``(row_id, unique_id, entity_id)`` of an entity's records."""
        return self.db.execute("SELECT row_id, unique_id, entity_id FROM records "
                               "WHERE entity_id = ?", (entity_id,)).fetchall()

    def entity_data(self, entity_id: int) -> list[Row]:
        """``(row_id, data)`` of an entity's records, in row order."""
        return self.db.execute(
            "SELECT row_id, data FROM records WHERE entity_id = ? ORDER BY row_id",
            (entity_id,)).fetchall()

    def entity_records(self, entity_id: int) -> list[Row]:
        """``(unique_id, data, added_at, updated_at)`` of an entity's records, in row
        order."""
        return self.db.execute(
            "SELECT unique_id, data, added_at, updated_at FROM records WHERE entity_id = ? "
            "ORDER BY row_id", (entity_id,)).fetchall()

    def entities_of_rows(self, rows: Iterable[int]) -> set[int]:
        """The entities these rows are in (rows in none yet left out)."""
        return {e for (e,) in self._select_in(
            "SELECT entity_id FROM records WHERE row_id IN ({}) AND entity_id >= 0", rows)}

    def rows_of_entities(self, entities: Iterable[int]) -> set[int]:
        """The rows of these entities."""
        return {r for (r,) in self._select_in(
            "SELECT row_id FROM records WHERE entity_id IN ({})", entities)}

    def move_records(self, moves: Iterable[tuple[int, int]]) -> None:
        """Put records in entities: ``(entity_id, row_id)`` each."""
        self.db.executemany("UPDATE records SET entity_id = ? WHERE row_id = ?", moves)

    def record_table(self) -> list[Row]:
        """``(row_id, unique_id, entity_id)`` of every record, in row order."""
        return self.db.execute(
            "SELECT row_id, unique_id, entity_id FROM records ORDER BY row_id").fetchall()

    def count_records(self) -> int:
        """How many records are held."""
        return int(self.db.execute("SELECT COUNT(*) FROM records").fetchone()[0])

    # Prepared comparison inputs ----------------------------------------------------------

    def prepared_of(self, rows: Iterable[int]) -> list[Row]:
        """``(row_id, inputs)`` of these rows, for those prepared."""
        return self._select_in("SELECT row_id, inputs FROM prepared WHERE row_id IN ({})",
                               rows)

    def put_prepared(self, rows: Iterable[tuple[int, str]]) -> None:
        """Store prepared inputs ``(row_id, inputs)``."""
        self.db.executemany("INSERT OR REPLACE INTO prepared VALUES (?, ?)", rows)

    # Keys ------------------------------------------------------------------------------

    def insert_keys(self, rows: Iterable[Sequence[int]]) -> None:
        """Store keys ``(kind, key, row_id)`` (those held already are kept)."""
        self.db.executemany("INSERT OR IGNORE INTO keys VALUES (?, ?, ?)", rows)

    def delete_block_keys(self) -> None:
        """Drop every block key (identifiers, kinds below 0, stay): a new model's blocking
        makes others."""
        self.db.execute("DELETE FROM keys WHERE kind >= 0")

    def key_holders(self, kind: int, key: int) -> list[int]:
        """The rows holding a key, in row order."""
        return [r for (r,) in self.db.execute(
            "SELECT row_id FROM keys WHERE kind = ? AND key = ? ORDER BY row_id", (kind, key))]

    def key_counts(self, kind: int, keys: Iterable[int]) -> dict[int, int]:
        """How many rows hold each of these keys of one kind (keys held by none left out)."""
        return dict(self._select_in(
            "SELECT key, count(*) FROM keys WHERE kind = ? AND key IN ({}) GROUP BY key",
            keys, kind))

    def key_rows(self, kind: int, keys: Iterable[int]) -> list[Row]:
        """``(kind, key, row_id)`` of the rows holding these keys of one kind."""
        return self._select_in("SELECT kind, key, row_id FROM keys WHERE kind = ? AND key IN "
                               "({})", keys, kind)

    def holders(self, keys: Sequence[tuple[int, int]], limits: Sequence[int]
                ) -> list[list[int]]:
        """The rows holding each key ``(kind, key)``, at most its limit of them (-1: all),
        read in one query per ``HOLDER_QUERY_KEYS`` keys."""
        found: list[list[int]] = [[] for _ in keys]
        for start in range(0, len(keys), HOLDER_QUERY_KEYS):
            stop = min(start + HOLDER_QUERY_KEYS, len(keys))
            sql = " UNION ALL ".join(
                f"SELECT {i}, row_id FROM (SELECT row_id FROM keys WHERE kind = ? AND key = ? "
                "LIMIT ?)" for i in range(start, stop))
            args = [value for i in range(start, stop) for value in (*keys[i], limits[i])]
            for i, row in self.db.execute(sql, args):
                found[i].append(row)
        return found

    # Pairs -------------------------------------------------------------------------------

    def insert_edges(self, edges: Iterable[tuple[int, int, float]]) -> None:
        """Store scored pairs ``(a, b, probability)``."""
        self.db.executemany("INSERT OR REPLACE INTO edges VALUES (?, ?, ?)", edges)

    def insert_near_edges(self, edges: Iterable[tuple[int, int, float]]) -> None:
        """Store scored pairs just below the threshold ``(a, b, probability)``."""
        self.db.executemany("INSERT OR REPLACE INTO near_edges VALUES (?, ?, ?)", edges)

    def delete_scored_pairs(self) -> None:
        """Drop every scored pair, linked or near (identity links stay)."""
        self.db.execute("DELETE FROM edges")
        self.db.execute("DELETE FROM near_edges")

    def all_edges(self, scored: bool = True) -> list[tuple[int, int, float]]:
        """``(a, b, probability)`` of every scored pair at or above the threshold (unless
        not ``scored``) and every identity pair (at 1.0)."""
        return self.db.execute(("SELECT a, b, probability FROM edges UNION ALL " if scored
                                else "") + "SELECT DISTINCT a, b, 1.0 FROM identity_edges"
                               ).fetchall()

    def scored_pairs(self) -> list[tuple[int, int, float]]:
        """``(a, b, probability)`` of every scored pair held: those at or above the
        threshold, then those just below it."""
        return self.db.execute("SELECT a, b, probability FROM edges UNION ALL "
                               "SELECT a, b, probability FROM near_edges").fetchall()

    def edges_from(self, rows: Iterable[int]) -> list[Row]:
        """``(a, b)`` of the scored pairs whose first row is one of these."""
        return self._select_in("SELECT a, b FROM edges WHERE a IN ({})", rows)

    def edges_touching(self, rows: Sequence[int]) -> list[tuple[int, int, float]]:
        """``(a, b, probability)`` of the scored and identity pairs (at 1.0) with a row
        among these."""
        edges: list[tuple[int, int, float]] = []
        for end in ("a", "b"):
            edges += self._select_in(
                f"SELECT a, b, probability FROM edges WHERE {end} IN ({{}})", rows)
            edges += [(a, b, 1.0) for a, b in self._select_in(
                f"SELECT DISTINCT a, b FROM identity_edges WHERE {end} IN ({{}})", rows)]
        return edges

    def insert_identity_edges(self, edges: Iterable[tuple[int, int, int, int]]) -> None:
        """Store identity pairs ``(a, b, kind, key)`` (those held already are kept)."""
        self.db.executemany("INSERT OR IGNORE INTO identity_edges VALUES (?, ?, ?, ?)", edges)

    # Generic identifiers -------------------------------------------------------------------

    def is_generic(self, kind: int, key: int) -> bool:
        """Whether an identifier value was flagged as generic."""
        return self.db.execute("SELECT 1 FROM generic_identifiers WHERE kind = ? AND key = ?",
                               (kind, key)).fetchone() is not None

    def flag_generic(self, kind: int, key: int, n_entities: int, at: float) -> None:
        """Flag an identifier value as generic and drop the pairs it tied."""
        self.db.execute("INSERT INTO generic_identifiers VALUES (?, ?, ?, ?)",
                        (kind, key, n_entities, at))
        self.db.execute("DELETE FROM identity_edges WHERE kind = ? AND key = ?", (kind, key))

    def generic_identifiers(self) -> list[Row]:
        """``(kind, key, n_entities, flagged_at)`` of the generic values, oldest first."""
        return self.db.execute("SELECT kind, key, n_entities, flagged_at FROM "
                               "generic_identifiers ORDER BY flagged_at").fetchall()

    # Term frequencies ----------------------------------------------------------------------

    def term_counts(self, comparison: int, values: Iterable[int]) -> dict[int, int]:
        """The count of each of these value hashes (values never counted left out)."""
        return dict(self._select_in("SELECT value, count FROM term_counts WHERE comparison = ? "
                                    "AND value IN ({})", values, comparison))

    def term_total(self, comparison: int) -> int:
        """How many values of a comparison are counted."""
        row = self.db.execute("SELECT total FROM term_totals WHERE comparison = ?",
                              (comparison,)).fetchone()
        return int(row[0]) if row else 0

    def add_term_counts(self, comparison: int, counts: Iterable[tuple[int, int]],
                        total: int) -> None:
        """Add ``(value, count)`` to a comparison's counts and ``total`` to its total
        (negative to remove)."""
        self.db.executemany(
            "INSERT INTO term_counts VALUES (?, ?, ?) ON CONFLICT (comparison, value) "
            "DO UPDATE SET count = count + excluded.count",
            [(comparison, value, count) for value, count in counts])
        self.db.execute("INSERT INTO term_totals VALUES (?, ?) ON CONFLICT (comparison) "
                        "DO UPDATE SET total = total + excluded.total", (comparison, total))

    def term_count_rows(self, comparison: int) -> list[Row]:
        """``(value, count)`` of a comparison's counted values."""
        return self.db.execute("SELECT value, count FROM term_counts WHERE comparison = ?",
                               (comparison,)).fetchall()

    def clear_term_counts(self) -> None:
        """Drop every term count and total."""
        self.db.execute("DELETE FROM term_counts")
        self.db.execute("DELETE FROM term_totals")

    def delete_spent_terms(self, comparison: int, values: Iterable[int]) -> None:
        """Drop these values' counts where nothing is left of them."""
        self._execute_in("DELETE FROM term_counts WHERE comparison = ? AND value IN ({}) AND "
                         "count <= 0", values, comparison)

    # Entities ------------------------------------------------------------------------------

    def insert_entities(self, entities: Iterable[int], now: float) -> None:
        """Record newly given entity ids as active."""
        self.db.executemany("INSERT INTO entities VALUES (?, 'active', NULL, ?, ?)",
                            [(e, now, now) for e in entities])

    def mark_merged(self, merged: Iterable[tuple[int, int]], now: float) -> None:
        """Record that entities ``(old, into)`` merged."""
        self.db.executemany("UPDATE entities SET status = 'merged', merged_into = ?, "
                            "updated_at = ? WHERE entity_id = ?",
                            [(into, now, old) for old, into in merged])

    def mark_retired(self, entities: Iterable[int], now: float) -> None:
        """Record that entities were retired (no records left)."""
        self.db.executemany("UPDATE entities SET status = 'retired', updated_at = ? "
                            "WHERE entity_id = ?", [(now, e) for e in entities])

    def entity_status(self, entity_id: int) -> Row | None:
        """``(status, merged_into)`` of an entity id, or None if it was never given."""
        row: Row | None = self.db.execute(
            "SELECT status, merged_into FROM entities WHERE entity_id = ?",
            (entity_id,)).fetchone()
        return row

    def merged_into(self, entities: Iterable[int]) -> set[int]:
        """The entities that merged into one of these."""
        return {e for (e,) in self._select_in(
            "SELECT entity_id FROM entities WHERE merged_into IN ({})", entities)}

    # Golden records ------------------------------------------------------------------------

    def put_golden(self, rows: Iterable[tuple[int, str, str]]) -> None:
        """Store golden records ``(entity_id, record, provenance)``."""
        self.db.executemany("INSERT OR REPLACE INTO golden VALUES (?, ?, ?)", rows)

    def delete_golden(self, entities: Iterable[int]) -> None:
        """Drop these entities' golden records."""
        self._execute_in("DELETE FROM golden WHERE entity_id IN ({})", entities)

    def golden_record(self, entity_id: int) -> str:
        """An entity's golden record (JSON)."""
        row = self.db.execute("SELECT record FROM golden WHERE entity_id = ?",
                              (entity_id,)).fetchone()
        return str(row[0])

    def golden_provenance(self, entity_id: int) -> str:
        """Where each value of an entity's golden record came from (JSON)."""
        row = self.db.execute("SELECT provenance FROM golden WHERE entity_id = ?",
                              (entity_id,)).fetchone()
        return str(row[0])

    # Decisions -----------------------------------------------------------------------------

    def has_decisions(self) -> bool:
        """Whether any decision is held."""
        return self.db.execute("SELECT 1 FROM decisions LIMIT 1").fetchone() is not None

    def insert_decision(self, kind: str, a: int, b: int, by: str, at: float,
                        reason: str) -> int:
        """Store a decision about rows ``a`` and ``b``; its id (never given before)."""
        cursor = self.db.execute(
            "INSERT INTO decisions (kind, a, b, decided_by, decided_at, reason) "
            "VALUES (?, ?, ?, ?, ?, ?)", (kind, a, b, by, at, reason))
        return int(cursor.lastrowid or 0)

    def decision(self, decision_id: int) -> Row | None:
        """``(decision_id, kind, a, b, decided_by)`` of a decision, or None."""
        row: Row | None = self.db.execute(
            "SELECT decision_id, kind, a, b, decided_by FROM decisions WHERE decision_id = ?",
            (decision_id,)).fetchone()
        return row

    def decisions_touching(self, rows: Iterable[int], kind: str | None = None) -> list[Row]:
        """``(decision_id, kind, a, b, decided_by)`` of the decisions (of one ``kind``, or
        any) with a row among these, each once."""
        rows = list(rows)
        found: dict[int, Row] = {}
        for end in ("a", "b"):
            sql = ("SELECT decision_id, kind, a, b, decided_by FROM decisions "
                   f"WHERE {end} IN ({{}})")
            for row in self._select_in(sql, rows):
                if kind is None or row[1] == kind:
                    found[row[0]] = row
        return [found[d] for d in sorted(found)]

    def delete_decisions(self, decision_ids: Iterable[int]) -> None:
        """Drop these decisions."""
        self._execute_in("DELETE FROM decisions WHERE decision_id IN ({})", decision_ids)

    def decided_pairs(self) -> list[Row]:
        """``(kind, a, b)`` of every decision, oldest first."""
        return self.db.execute("SELECT kind, a, b FROM decisions ORDER BY decision_id"
                               ).fetchall()

    def decision_table(self) -> list[Row]:
        """``(decision_id, kind, unique_id_l, unique_id_r, decided_by, decided_at, reason)``
        of every decision, oldest first."""
        return self.db.execute(
            "SELECT d.decision_id, d.kind, l.unique_id, r.unique_id, d.decided_by, "
            "d.decided_at, d.reason FROM decisions AS d JOIN records AS l ON l.row_id = d.a "
            "JOIN records AS r ON r.row_id = d.b ORDER BY d.decision_id").fetchall()

    def entity_table(self, path: str | None) -> list[Row]:
        """``(unique_id, entity_id)`` of every record in row order, with the value at the
        JSON ``path`` of its data first when one is given."""
        if path is None:
            return self.db.execute(
                "SELECT unique_id, entity_id FROM records ORDER BY row_id").fetchall()
        return self.db.execute("SELECT json_extract(data, ?), unique_id, entity_id FROM "
                               "records ORDER BY row_id", (path,)).fetchall()

    def entity_table_with_data(self) -> list[Row]:
        """``(unique_id, entity_id, data)`` of every record in row order."""
        return self.db.execute(
            "SELECT unique_id, entity_id, data FROM records ORDER BY row_id").fetchall()

    # Audit and tombstones ------------------------------------------------------------------

    def insert_audit(self, events: Iterable[AuditEvent], now: float) -> None:
        """Log events ``(event, entity_id, unique_id, detail)`` at ``now``."""
        self.db.executemany(
            "INSERT INTO audit (at, event, entity_id, unique_id, detail) VALUES (?, ?, ?, ?, ?)",
            [(now, event, entity, uid, encode_record(detail) if detail else "{}")
             for event, entity, uid, detail in events])

    def hash_audit_id(self, unique_id: Any, hashed: str) -> None:
        """Replace a record id in the audit log by its keyed hash."""
        self.db.execute("UPDATE audit SET unique_id = ? WHERE unique_id = ?",
                        (hashed, unique_id))

    def audit_of(self, entities: Iterable[int]) -> list[Row]:
        """``(at, event, entity_id, unique_id, detail)`` of these entities' events, in the
        order they happened."""
        return self._select_in("SELECT at, event, entity_id, unique_id, detail FROM audit "
                               "WHERE entity_id IN ({}) ORDER BY seq", entities)

    def has_tombstones(self) -> bool:
        """Whether any record id was forgotten."""
        return self.db.execute("SELECT 1 FROM tombstones LIMIT 1").fetchone() is not None

    def tombstoned(self, hashes: Iterable[str]) -> list[str]:
        """Those of these id hashes that were forgotten."""
        return [h for (h,) in self._select_in(
            "SELECT hash FROM tombstones WHERE hash IN ({})", hashes)]

    def insert_tombstone(self, hashed: str, now: float) -> None:
        """Remember a forgotten record id (by its keyed hash)."""
        self.db.execute("INSERT OR IGNORE INTO tombstones VALUES (?, ?)", (hashed, now))

    # Statements over id lists --------------------------------------------------------------

    def _select_in(self, sql: str, values: Iterable[Any], *prefix: Any) -> list[Row]:
        """Run ``sql`` (with one ``{}`` for an ``IN`` list) over ``values`` in chunks."""
        values = list(values)
        out: list[Row] = []
        for start in range(0, len(values), CHUNK):
            chunk = values[start:start + CHUNK]
            marks = ",".join("?" * len(chunk))
            out.extend(self.db.execute(sql.format(marks), (*prefix, *chunk)).fetchall())
        return out

    def _execute_in(self, sql: str, values: Iterable[Any], *prefix: Any) -> None:
        """Run a write ``sql`` (with one ``{}`` for an ``IN`` list) over ``values``."""
        values = list(values)
        for start in range(0, len(values), CHUNK):
            chunk = values[start:start + CHUNK]
            self.db.execute(sql.format(",".join("?" * len(chunk))), (*prefix, *chunk))
