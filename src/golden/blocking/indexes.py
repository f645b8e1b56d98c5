"""Indexes: a rule applied to records, and the guard against oversized blocks.

An index enumerates the pairs its rule produces, recognises pairs it would produce (for OR
de-duplication) and counts them without building them.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from golden._base.pairs import (
    count_group_pairs,
    group_starts,
    ordered,
    pair_keys,
    window_pairs,
    within_group_pairs,
)
from golden.blocking.base import RuleIndex
from golden.errors import ConfigError, DataWarning

if TYPE_CHECKING:
    from golden.records import Records
    from golden.values import Expr


@dataclass
class EqualityIndex(RuleIndex):
    codes: np.ndarray

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        return within_group_pairs(self.codes)

    def covers(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        lc = self.codes[left]
        return (lc >= 0) & (lc == self.codes[right])

    def count(self, cross_source_only: bool) -> int:
        return count_group_pairs(self.codes, self.records.source_codes, cross_source_only)


@dataclass
class WindowIndex(RuleIndex):
    order: np.ndarray
    rank: np.ndarray

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        return window_pairs(self.order, self.rule.window)  # type: ignore[attr-defined]

    def covers(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        rl, rr = self.rank[left], self.rank[right]
        return (rl >= 0) & (rr >= 0) & (np.abs(rl - rr) < self.rule.window)  # type: ignore[attr-defined]

    def count(self, cross_source_only: bool) -> int:
        left, right = self.pairs()
        if cross_source_only:
            return int((self.records.source_codes[left] != self.records.source_codes[right]).sum())
        return len(left)


@dataclass
class MultiValueIndex(RuleIndex):
    rows: np.ndarray
    codes: np.ndarray
    uniques: np.ndarray
    _known: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self._radix = int(self.codes.max(initial=0)) + 1
        valid = self.codes >= 0
        self._known = np.sort(self.rows[valid] * self._radix + self.codes[valid])

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        left, right = within_group_pairs(self.codes)
        left, right = ordered(self.rows[left], self.rows[right])
        keep = left != right
        keys = np.unique(pair_keys(left[keep], right[keep], self.records.n))
        return keys // self.records.n, keys % self.records.n

    def covers(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        # ``rows`` is in ascending order (see BlockOnAny.index), so each left row's
        # values are one run found by binary search.
        start = np.searchsorted(self.rows, left, side="left")
        count = np.searchsorted(self.rows, left, side="right") - start
        pair_of = np.repeat(np.arange(len(left)), count)
        offsets = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
        value = self.codes[np.repeat(start, count) + offsets]
        wanted = right[pair_of] * self._radix + value
        hit = (value >= 0) & _isin_sorted(wanted, self._known)
        return np.bincount(pair_of[hit], minlength=len(left)) > 0

    def count(self, cross_source_only: bool) -> int:
        left, right = self.pairs()
        if cross_source_only:
            return int((self.records.source_codes[left] != self.records.source_codes[right]).sum())
        return len(left)


def _isin_sorted(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    if len(sorted_set) == 0:
        return np.zeros(len(values), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[pos] == values


class SizeLimitedRule(Protocol):
    """What the oversized-block guard reads of a rule (``BlockOn``, ``BlockOnAny``)."""

    @property
    def label(self) -> str: ...

    @property
    def max_block_size(self) -> int | None: ...

    @property
    def oversize(self) -> str: ...


def guard_blocks(codes: np.ndarray, rule: SizeLimitedRule, describe: Callable[[int], str],
                 id_rank: Callable[[], np.ndarray]) -> np.ndarray:
    """Skip, cap or refuse blocks larger than the rule's ``max_block_size``.

    ``describe(row)`` names the key value of a block from one of its rows (in messages);
    ``id_rank()`` orders the rows by unique id (computed only when a block is capped);
    capping splits an oversized block into runs of ``max_block_size`` records in that
    order, so input row order never matters.

    Examples
    --------
    >>> import warnings
    >>> from golden import block_on
    >>> codes = np.array([0, 0, 0, 1, 1])
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     guard_blocks(codes, block_on("city", max_block_size=2, oversize="cap"), str,
    ...                  lambda: np.arange(5)).tolist()
    [2, 2, 3, 1, 1]
    """
    if rule.max_block_size is None or len(codes) == 0:
        return codes
    valid = codes >= 0
    sizes = np.bincount(codes[valid]) if valid.any() else np.zeros(0, dtype=np.int64)
    oversized = np.flatnonzero(sizes > rule.max_block_size)
    if len(oversized) == 0:
        return codes
    first_row = {int(c): int(np.flatnonzero(codes == c)[0]) for c in oversized[:5]}
    shown = ", ".join(
        f"{describe(first_row[int(c)])} ({sizes[c]:,} records)"
        for c in oversized[:5]
    )
    more = f" and {len(oversized) - 5} more" if len(oversized) > 5 else ""
    message = (
        f"blocking rule {rule.label!r}: {len(oversized)} key value(s) shared by more than "
        f"max_block_size={rule.max_block_size:,} records: {shown}{more}"
    )
    if rule.oversize == "error":
        raise ConfigError(message + "; raise max_block_size or use a more specific key")
    action = ("were skipped" if rule.oversize == "skip" else
              f"were split into runs of {rule.max_block_size:,} records in unique-id order")
    warnings.warn(f"{message}; these blocks {action}", DataWarning, stacklevel=4)
    out = codes.copy()
    inside = np.isin(codes, oversized)
    if rule.oversize == "skip":
        out[inside] = -1
        return out
    rows = np.flatnonzero(inside)
    rows = rows[np.lexsort((id_rank()[rows], codes[rows]))]
    starts, counts = group_starts(codes[rows])
    position = np.arange(len(rows)) - np.repeat(starts, counts)
    out[rows] = codes.max() + 1 + rows_to_runs(codes[rows], position, rule.max_block_size)
    return out


def rows_to_runs(block: np.ndarray, position: np.ndarray, size: int) -> np.ndarray:
    """A new code per (block, run of ``size`` positions)."""
    return np.unique(block * (int(position.max(initial=0)) // size + 1) + position // size,
                     return_inverse=True)[1].astype(np.int64)


def key_text(records: Records, keys: tuple[Expr, ...], row: int) -> str:
    """The keys' values of one record, as ``label=value`` text (in messages).

    Examples
    --------
    >>> import pandas as pd
    >>> from golden import col
    >>> from golden.records import prepare_records
    >>> records = prepare_records(pd.DataFrame({"id": [7], "surname": ["Li"]}), unique_id="id",
    ...                           source=None, link_type="dedupe", columns=["surname"])
    >>> key_text(records, (col("surname").lower(),), 0)
    "lower(surname)='li'"
    """
    parts = []
    for key in keys:
        encoded = records.encode(key)
        parts.append(f"{key.label}={encoded.values[encoded.codes[row]]!r}")
    return ", ".join(parts)
