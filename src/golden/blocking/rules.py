"""Blocking rules (specs): equal keys, sorted neighbourhood, any shared value.

Examples
--------
>>> import golden as gd
>>> (gd.block_on("surname") | gd.sorted_neighbourhood("dob")).columns
('surname', 'dob')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from golden._base.pairs import combine_codes
from golden.blocking.base import BlockingRule, RuleIndex
from golden.blocking.indexes import (
    EqualityIndex,
    MultiValueIndex,
    WindowIndex,
    guard_blocks,
    key_text,
)
from golden.errors import ConfigError
from golden.values import Expr, as_expr
from golden.values import per_value as pv

if TYPE_CHECKING:
    from golden.records import Records

OVERSIZE_ACTIONS = ("skip", "cap", "error")
DEFAULT_MAX_BLOCK_SIZE = 1_000


KEY_SEPARATOR = "\x1f"  # between the parts of a block key's text


@dataclass(frozen=True)
class BlockOn(BlockingRule):
    """Pairs of records whose keys are all equal (and not null).

    Build with ``block_on``.
    """

    kind = "block_on"
    keys: tuple[Expr, ...]
    max_block_size: int | None = DEFAULT_MAX_BLOCK_SIZE
    oversize: str = "skip"

    def __post_init__(self) -> None:
        keys = tuple(as_expr(k, "block_on keys") for k in self.keys)
        object.__setattr__(self, "keys", keys)
        problems = [] if keys else ["block_on: give at least one column or col(...) key"]
        if self.max_block_size is not None and (
            not isinstance(self.max_block_size, int) or self.max_block_size < 2
        ):
            problems.append(f"max_block_size: got {self.max_block_size!r}, expected an int >= 2 "
                            "or None (no limit)")
        if self.oversize not in OVERSIZE_ACTIONS:
            problems.append(f"oversize: got {self.oversize!r}, expected one of "
                            f"{list(OVERSIZE_ACTIONS)}")
        if problems:
            raise ConfigError(problems)

    def __and__(self, other: BlockOn) -> BlockOn:
        if not isinstance(other, BlockOn):
            return NotImplemented
        return BlockOn((*self.keys, *other.keys), self.max_block_size, self.oversize)

    @property
    def label(self) -> str:
        return " & ".join(k.label for k in self.keys)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k.column for k in self.keys))

    @property
    def encoded(self) -> tuple[Expr, ...]:
        return self.keys

    def index(self, records: Records) -> RuleIndex:
        codes = combine_codes(*(records.encode(k).codes for k in self.keys))
        codes = guard_blocks(codes, self, lambda row: key_text(records, self.keys, row),
                              lambda: records.id_rank)
        return EqualityIndex(self, records, codes)

    def block_keys(self, records: Records) -> tuple[np.ndarray, np.ndarray]:
        parts = [records.values(k) for k in self.keys]
        present = np.logical_and.reduce([p.notna().to_numpy() for p in parts])
        rows = np.flatnonzero(present)
        text = parts[0].iloc[rows].astype(str).to_numpy(dtype=object)
        for part in parts[1:]:
            text = text + KEY_SEPARATOR + part.iloc[rows].astype(str).to_numpy(dtype=object)
        return rows, text

    def keys_of_one(self, record: Mapping[str, Any]) -> list[str]:
        parts = [pv.evaluate(k, record.get(k.column)) for k in self.keys]
        return [] if any(p is None for p in parts) else [KEY_SEPARATOR.join(map(str, parts))]


@dataclass(frozen=True)
class SortedNeighbourhood(BlockingRule):
    """Pairs of records within ``window`` places of each other when sorted by a key.

    Build with ``sorted_neighbourhood``.
    """

    kind = "sorted_neighbourhood"
    key: Expr
    window: int = 5

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", as_expr(self.key, "sorted_neighbourhood key"))
        if not isinstance(self.window, int) or self.window < 2:
            raise ConfigError(f"window: got {self.window!r}, expected an int >= 2")

    @property
    def label(self) -> str:
        return f"sorted({self.key.label}, window={self.window})"

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.key.column,)

    def index(self, records: Records) -> RuleIndex:
        values = records.values(self.key)
        valid = np.flatnonzero(values.notna().to_numpy())
        order = valid[np.argsort(values.iloc[valid].to_numpy(), kind="stable")]
        rank = np.full(records.n, -(self.window + 1) * 2, dtype=np.int64)
        rank[order] = np.arange(len(order))
        return WindowIndex(self, records, order, rank)


@dataclass(frozen=True)
class BlockOnAny(BlockingRule):
    """Pairs of records sharing any value of a multi-valued column (lists, or text split on
    ``sep``); each value is normalised by the key's steps. Build with ``block_on_any``.
    """

    kind = "block_on_any"
    key: Expr
    sep: str | None = None
    max_block_size: int | None = DEFAULT_MAX_BLOCK_SIZE
    oversize: str = "skip"

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", as_expr(self.key, "block_on_any key"))
        BlockOn((self.key,), self.max_block_size, self.oversize)  # validates the shared fields

    @property
    def label(self) -> str:
        return f"any({self.key.label})"

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.key.column,)

    def index(self, records: Records) -> RuleIndex:
        exploded = self._exploded(records)
        rows = exploded.index.to_numpy(dtype=np.int64)
        codes, uniques = pd.factorize(exploded, use_na_sentinel=True)
        keep = codes >= 0
        rows, codes = rows[keep], codes[keep].astype(np.int64)
        # sorted by row, then value: MultiValueIndex relies on rows being ascending
        unique_pairs = np.unique(rows * (len(uniques) + 1) + codes)
        rows, codes = unique_pairs // (len(uniques) + 1), unique_pairs % (len(uniques) + 1)
        codes = guard_blocks(codes, self, lambda i: repr(uniques[codes[i]]),
                              lambda: records.id_rank[rows])
        return MultiValueIndex(self, records, rows, codes, np.asarray(uniques))

    def block_keys(self, records: Records) -> tuple[np.ndarray, np.ndarray]:
        exploded = self._exploded(records).dropna()
        keys = pd.DataFrame({"row": exploded.index.to_numpy(dtype=np.int64),
                             "key": exploded.astype(str).to_numpy(dtype=object)})
        keys = keys.drop_duplicates()
        return keys["row"].to_numpy(), keys["key"].to_numpy(dtype=object)

    def keys_of_one(self, record: Mapping[str, Any]) -> list[str]:
        value = record.get(self.key.column)
        if self.sep is not None and isinstance(value, list | tuple | np.ndarray):
            raise pv.Decline  # block_keys reads such a value as text
        if isinstance(value, str) and self.sep is not None:
            value = value.split(self.sep)
        items = value if isinstance(value, list | tuple | np.ndarray) else [value]
        texts = [pv.evaluate(self.key, v) for v in items]
        return list(dict.fromkeys(str(t) for t in texts if t is not None))

    def _exploded(self, records: Records) -> pd.Series:
        """The normalised values, one row per value, indexed by record row."""
        values = records.frame[self.key.column]
        if self.sep is not None:
            values = values.astype("string").str.split(self.sep, regex=False)
        return self.key.apply_steps(values.explode())


def block_on(
    *keys: str | Expr, max_block_size: int | None = DEFAULT_MAX_BLOCK_SIZE, oversize: str = "skip"
) -> BlockOn:
    """Block on equality of one or more keys (column names or ``col(...)`` expressions).

    Parameters
    ----------
    *keys : str or Expr
        All must be equal (and non-null) for a pair to be produced.
    max_block_size : int or None
        Blocks (records sharing one key value) larger than this are a runaway, such as a
        placeholder phone number or e-mail; a ``DataWarning`` names the key and its
        size. None disables the guard.
    oversize : {"skip", "cap", "error"}
        What to do with a runaway block: skip it; cap it (split it into runs of
        ``max_block_size`` records in unique-id order, so each record is still compared
        with some others); or raise ``ConfigError``.

    Examples
    --------
    >>> from golden import block_on, col
    >>> block_on("surname", col("dob").year()).label
    'surname & year(dob)'
    """
    return BlockOn(tuple(as_expr(k, "block_on keys") for k in keys), max_block_size, oversize)


def sorted_neighbourhood(key: str | Expr, window: int = 5) -> SortedNeighbourhood:
    """Sorted-neighbourhood rule: sort by ``key``, pair records fewer than ``window`` apart.

    Examples
    --------
    >>> from golden import sorted_neighbourhood
    >>> sorted_neighbourhood("surname", window=4).label
    'sorted(surname, window=4)'
    """
    return SortedNeighbourhood(as_expr(key, "key"), window)


def block_on_any(
    key: str | Expr, *, sep: str | None = None, max_block_size: int | None = DEFAULT_MAX_BLOCK_SIZE,
    oversize: str = "skip",
) -> BlockOnAny:
    """Block on any shared value of a multi-valued column (a list per record, or text).

    Examples
    --------
    >>> from golden import block_on_any, col
    >>> block_on_any(col("emails").email(), sep=";").label
    'any(email(emails))'
    """
    return BlockOnAny(as_expr(key, "key"), sep, max_block_size, oversize)
