"""The store's ``pins`` table (store version 4): a person's pinned golden values, each held
through one record (by row), so it follows that record's entity through merges and splits;
with the statements run on it and golden's invariants over it (read by ``check``).

Kept apart from ``golden.resolver.store`` (which creates the table with the others and
reaches these statements as ``store.pins``) to keep that module small.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

PIN_SCHEMA = """
CREATE TABLE IF NOT EXISTS pins (pin_id INTEGER PRIMARY KEY AUTOINCREMENT,
    row_id INTEGER NOT NULL, attribute TEXT NOT NULL, value TEXT NOT NULL,
    pinned_by TEXT NOT NULL, pinned_at REAL NOT NULL, reason TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS pins_row ON pins(row_id);
"""

# golden's invariants over pins, each a count that is 0 in a sound store
PIN_INVARIANTS = {
    "pins through a record not held":
        "SELECT count(*) FROM pins WHERE row_id NOT IN (SELECT row_id FROM records)",
    "pins that are not a JSON value of an attribute pinned by someone": "SELECT count(*) "
        "FROM pins WHERE NOT json_valid(value) OR typeof(attribute) != 'text' "
        "OR typeof(pinned_by) != 'text' OR typeof(reason) != 'text' "
        "OR NOT (pinned_at BETWEEN 0 AND 1e11)",
}

CHUNK = 900  # bound parameters per statement
PIN_COLUMNS = "pin_id, row_id, attribute, value, pinned_by, pinned_at, reason"
Row = tuple[Any, ...]


class PinTable:
    """The statements on the ``pins`` table of one connection.

    Examples
    --------
    >>> db = sqlite3.connect(":memory:")
    >>> _ = db.executescript(PIN_SCHEMA)
    >>> pins = PinTable(db)
    >>> pins.insert(3, "email", '"ann@new.org"', "ana", 0.0, "phoned")
    1
    >>> pins.of_rows([3, 4])
    [(1, 3, 'email', '"ann@new.org"', 'ana', 0.0, 'phoned')]
    >>> pins.delete([1]); pins.has_any()
    False
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def has_any(self) -> bool:
        """Whether any pin is held."""
        return self.db.execute("SELECT 1 FROM pins LIMIT 1").fetchone() is not None

    def insert(self, row: int, attribute: str, value: str, by: str, at: float,
               reason: str) -> int:
        """Store a pin of ``attribute`` to ``value`` (JSON) through row ``row``; its id
        (never given before)."""
        cursor = self.db.execute(
            "INSERT INTO pins (row_id, attribute, value, pinned_by, pinned_at, reason) "
            "VALUES (?, ?, ?, ?, ?, ?)", (row, attribute, value, by, at, reason))
        return int(cursor.lastrowid or 0)

    def of_rows(self, rows: Iterable[int], attribute: str | None = None) -> list[Row]:
        """``(pin_id, row_id, attribute, value, pinned_by, pinned_at, reason)`` of the pins
        through these rows (of one ``attribute``, or any), oldest first."""
        rows = list(rows)
        found: list[Row] = []
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            found += self.db.execute(
                f"SELECT {PIN_COLUMNS} FROM pins WHERE row_id IN "
                f"({','.join('?' * len(chunk))})", chunk).fetchall()
        return sorted(p for p in found if attribute is None or p[2] == attribute)

    def delete(self, pin_ids: Iterable[int]) -> None:
        """Drop these pins."""
        self.db.executemany("DELETE FROM pins WHERE pin_id = ?", [(p,) for p in pin_ids])

    def table(self) -> list[Row]:
        """``(pin_id, entity_id, unique_id, attribute, value, pinned_by, pinned_at,
        reason)`` of every pin, oldest first."""
        return self.db.execute(
            "SELECT p.pin_id, r.entity_id, r.unique_id, p.attribute, p.value, p.pinned_by, "
            "p.pinned_at, p.reason FROM pins AS p JOIN records AS r ON r.row_id = p.row_id "
            "ORDER BY p.pin_id").fetchall()
