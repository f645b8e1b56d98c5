"""numpy kernels that enumerate record pairs: within groups, within sort windows, counts."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd


def group_starts(sorted_codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start positions and sizes of runs of equal values in a sorted array."""
    if len(sorted_codes) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    sizes = np.diff(np.r_[starts, len(sorted_codes)])
    return starts, sizes


def first_positions(codes: np.ndarray, size: int) -> np.ndarray:
    """The position of each code's first occurrence in ``codes`` (codes 0..size-1); -1 for
    a code that does not occur.

    Examples
    --------
    >>> first_positions(np.array([2, 0, 2, 0]), 4).tolist()
    [1, -1, 0, -1]
    """
    first = np.full(size, -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    return first


def sort_by_group(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row numbers of non-null codes sorted by code, and the sorted codes."""
    rows = np.flatnonzero(codes >= 0)
    order = rows[np.argsort(codes[rows], kind="stable")]
    return order, codes[order]


def within_group_pairs(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of rows sharing a code (codes < 0 are null and pair with nothing).

    Returns ``(left, right)`` row numbers with ``left < right``, each pair once.

    Examples
    --------
    >>> import numpy as np
    >>> left, right = within_group_pairs(np.array([0, 1, 0, -1, 0]))
    >>> sorted(zip(left.tolist(), right.tolist()))
    [(0, 2), (0, 4), (2, 4)]
    """
    order, sorted_codes = sort_by_group(codes)
    starts, sizes = group_starts(sorted_codes)
    n_pairs = int((sizes * (sizes - 1) // 2).sum())
    # row numbers and positions as int32 when they fit: half the memory per pair
    dtype = np.int32 if max(len(codes), n_pairs) < 2**31 else np.int64
    position = np.arange(len(order), dtype=dtype)
    partners = (np.repeat(starts + sizes, sizes) - position - 1).astype(dtype)
    left_pos = np.repeat(position, partners)
    first_of_run = (np.cumsum(partners, dtype=np.int64) - partners).astype(dtype)
    right_pos = left_pos + 1 + (np.arange(n_pairs, dtype=dtype)
                                - np.repeat(first_of_run, partners))
    order = order.astype(dtype)
    return ordered(order[left_pos], order[right_pos])


def window_pairs(sort_order: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of rows at most ``window - 1`` places apart in ``sort_order``.

    Examples
    --------
    >>> import numpy as np
    >>> left, right = window_pairs(np.array([3, 0, 2]), 2)
    >>> sorted(zip(left.tolist(), right.tolist()))
    [(0, 2), (0, 3)]
    """
    lefts, rights = [], []
    for step in range(1, window):
        lefts.append(sort_order[:-step])
        rights.append(sort_order[step:])
    if not lefts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return ordered(np.concatenate(lefts), np.concatenate(rights))


def ordered(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Swap each pair so that ``left < right``."""
    return np.minimum(left, right), np.maximum(left, right)


def count_group_pairs(codes: np.ndarray, source_codes: np.ndarray, cross_source_only: bool) -> int:
    """How many pairs ``within_group_pairs`` would give, without building them.

    With ``cross_source_only``, pairs of rows from the same source are not counted.
    """
    valid = codes >= 0
    sizes = np.bincount(codes[valid]).astype(np.int64)
    total = int((sizes * (sizes - 1) // 2).sum())
    if not cross_source_only:
        return total
    n_sources = int(source_codes.max()) + 1 if len(source_codes) else 1
    joint = codes[valid].astype(np.int64) * n_sources + source_codes[valid]
    same = np.bincount(joint).astype(np.int64)
    return total - int((same * (same - 1) // 2).sum())


def combine_codes(*code_arrays: np.ndarray) -> np.ndarray:
    """One code per distinct combination of the inputs' codes (numbered in order of first
    appearance); -1 where any input is null.

    Examples
    --------
    >>> import numpy as np
    >>> combine_codes(np.array([0, 0, 1, -1]), np.array([1, 1, 1, 0])).tolist()
    [0, 0, 1, -1]
    """
    combined = code_arrays[0].astype(np.int64)
    null = combined < 0
    for codes in code_arrays[1:]:
        null |= codes < 0
        keys = combined * (int(codes.max(initial=0)) + 1) + codes
        combined = np.full(len(keys), -1, dtype=np.int64)
        combined[~null] = pd.factorize(keys[~null])[0]
    combined[null] = -1
    return combined


def pair_keys(left: np.ndarray, right: np.ndarray, n: int) -> np.ndarray:
    """One int64 per (left, right) pair, for set operations on pairs."""
    return left.astype(np.int64) * n + right


HASH_PRIME = 2**31 - 1


@dataclass(frozen=True)
class RowThinning:
    """Keep row ``r`` when ``(a * r + b) mod p < threshold`` (``p`` = ``HASH_PRIME``): a
    pairwise independent choice, so each pair of rows is kept with probability about
    ``(threshold / p)²``, and any engine that numbers rows alike keeps the same ones.

    Examples
    --------
    >>> thinning = RowThinning.for_pairs(1_000_000, 10_000, np.random.default_rng(0))
    >>> round(thinning.threshold / HASH_PRIME, 3)  # a tenth of rows: a hundredth of pairs
    0.1
    >>> kept = thinning.keeps(np.arange(100_000))
    >>> bool(0.09 < kept.mean() < 0.11)
    True
    """

    a: int
    b: int
    threshold: int

    @classmethod
    def for_pairs(cls, total: int, wanted: int, rng: np.random.Generator) -> RowThinning:
        """A thinning that keeps about ``wanted`` of ``total`` pairs."""
        share = math.sqrt(min(wanted / max(total, 1), 1.0))
        return cls(int(rng.integers(1, HASH_PRIME)), int(rng.integers(0, HASH_PRIME)),
                   int(share * HASH_PRIME))

    def keeps(self, rows: np.ndarray) -> np.ndarray:
        """Whether each row (a number below ``HASH_PRIME``) is kept."""
        return (rows.astype(np.int64) * self.a + self.b) % HASH_PRIME < self.threshold
