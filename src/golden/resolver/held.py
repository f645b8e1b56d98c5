"""The held records read back as frames: every column ever added, each record decoded once
per transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from golden.resolver.codecs import decode_many
from golden.resolver.store import Store


class HeldRecords:
    """Records of a store as frames, with the columns every batch brought.

    Examples
    --------
    >>> store = Store(":memory:")
    >>> held = HeldRecords(store)
    >>> with store.transaction(), held.decoding():
    ...     held.remember_columns(["unique_id", "name"])
    ...     store.insert_records([(1, "a", '{"unique_id": "a"}', 0.0, 0.0)])
    ...     frame = held.frame([1])
    >>> frame.index.tolist(), frame.columns.tolist()  # a column no record holds yet
    ([1], ['unique_id', 'name'])
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._decoded: dict[int, dict[str, Any]] = {}

    @contextmanager
    def decoding(self) -> Iterator[None]:
        """Decoded records are kept for the length of one transaction."""
        self._decoded = {}
        try:
            yield
        finally:
            self._decoded = {}

    def frame(self, rows: list[int]) -> pd.DataFrame:
        """Held records by row id, in the given order (decoded once per transaction)."""
        missing = [r for r in rows if r not in self._decoded]
        held = self.store.record_data(missing)
        self._decoded.update(zip([row for row, _ in held], decode_many([d for _, d in held]),
                                 strict=True))
        frame = pd.DataFrame.from_records([self._decoded[r] for r in rows])
        frame.index = pd.Index(rows, name="row_id", dtype=np.int64)
        return self.with_columns(frame)

    def forget(self, rows: Iterable[int]) -> None:
        """Drop these rows' decoded records (a new version may take the same row id)."""
        for row in rows:
            self._decoded.pop(row, None)

    def remember_columns(self, columns: Iterable[str]) -> None:
        """Add the columns not seen before to the columns held."""
        known = self.store.meta("columns", [])
        more = [str(c) for c in columns if str(c) not in known]
        if more:
            self.store.set_meta("columns", known + more)

    def with_columns(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Every column ever added, in the order first seen (missing values as nulls)."""
        return frame.reindex(columns=self.store.meta("columns", []))
