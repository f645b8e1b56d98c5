"""Set levels: multi-valued inputs sharing values, and Bloom-filter encodings whose Dice
coefficient is high."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from golden.comparisons.bloom import dice
from golden.comparisons.levels.base import Level, ValuePairs
from golden.errors import ConfigError


@dataclass(frozen=True)
class SharedValues(Level):
    """Multi-valued inputs (lists, or text split on ``sep``) share at least ``at_least`` values."""

    kind = "shared_values"
    at_least: int = 1
    sep: str | None = None
    input: int = 0

    @property
    def label(self) -> str:
        return f"{self.at_least}+ shared values"

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        shared = values.cached(("shared", self.sep, self.input),
                               lambda: _shared_counts(values, self.sep, self.input))
        return shared >= self.at_least


@dataclass(frozen=True)
class DiceAtLeast(Level):
    """Bloom-filter encodings (base64, from ``golden.privacy.bloom_encode``) whose Dice
    coefficient is at least ``threshold``."""

    kind = "dice"
    threshold: float
    input: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.threshold, int | float) or not 0 <= self.threshold <= 1:
            raise ConfigError(f"dice threshold: got {self.threshold!r}, expected a "
                              "similarity in [0, 1]")

    @property
    def label(self) -> str:
        return f"dice >= {self.threshold}"

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        score = values.cached(("dice", self.input), lambda: _dice(values, self.input))
        return score >= self.threshold


def _dice(values: ValuePairs, i: int) -> np.ndarray:
    present = values.both_present(i)
    out = np.full(values.size, -np.inf)
    if present.any():
        out[present] = dice(values.left(i)[present], values.right(i)[present])
    return out


def _token_sets(values: np.ndarray, sep: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Explode values into (owner position, token code) arrays, tokens de-duplicated."""
    series = pd.Series(values, dtype=object)
    first = series.dropna().head(1).tolist()
    holds_lists = bool(first) and isinstance(first[0], list | tuple | set | np.ndarray)
    if not holds_lists:
        series = series.astype("string").str.split(sep, regex=False)
    exploded = series.explode().dropna()
    return exploded.index.to_numpy(dtype=np.int64), exploded.to_numpy(dtype=object)


def _intersection_sizes(left: np.ndarray, right: np.ndarray, sep: str | None
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lpos, ltok = _token_sets(left, sep)
    rpos, rtok = _token_sets(right, sep)
    codes, _ = pd.factorize(np.concatenate([ltok, rtok]))
    radix = int(codes.max(initial=0)) + 1
    lkeys = np.unique(lpos * radix + codes[: len(ltok)])
    rkeys = np.unique(rpos * radix + codes[len(ltok):])
    common = np.intersect1d(lkeys, rkeys, assume_unique=True) // radix
    n = len(left)
    return (np.bincount(common, minlength=n), np.bincount(lkeys // radix, minlength=n),
            np.bincount(rkeys // radix, minlength=n))


def jaccard_similarity(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Jaccard similarity of each pair's token sets (text split on whitespace, or lists).

    Examples
    --------
    >>> jaccard_similarity(np.array(["a b c", "x"], dtype=object),
    ...                    np.array(["b c d", "y"], dtype=object)).tolist()
    [0.5, 0.0]
    """
    shared, n_left, n_right = _intersection_sizes(left, right, None)
    union = n_left + n_right - shared
    return np.divide(shared, union, out=np.zeros(len(left)), where=union > 0)


def _shared_counts(values: ValuePairs, sep: str | None, i: int) -> np.ndarray:
    present = values.both_present(i)
    out = np.zeros(values.size, dtype=np.int64)
    if not present.any():
        return out
    left, right = values.per_value(f"tokens{sep!r}", i, lambda v: _token_matrix(v, sep))
    if left.shape[1] <= MAX_TOKEN_COLUMNS:
        left, right = left[present], right[present]
        shared = np.zeros(len(left), dtype=np.int64)
        for a in range(left.shape[1]):  # a few columns: tokens per value, padded with -1
            shared += ((left[:, [a]] == right) & (left[:, [a]] >= 0)).any(axis=1)
        out[present] = shared
        return out
    out[present] = _intersection_sizes(values.left(i)[present], values.right(i)[present],
                                       sep)[0]
    return out


MAX_TOKEN_COLUMNS = 16


def _token_matrix(values: np.ndarray, sep: str | None) -> np.ndarray:
    """Each value's distinct tokens as codes in a row, padded with -1 (one row per value)."""
    pos, tokens = _token_sets(values, sep)
    codes = pd.factorize(tokens)[0].astype(np.int64)
    keys = np.unique(pos * (int(codes.max(initial=0)) + 1) + codes)
    radix = int(codes.max(initial=0)) + 1
    pos, codes = keys // radix, keys % radix
    starts = np.searchsorted(pos, pos, side="left")
    column = np.arange(pos.size) - starts
    width = int(column.max(initial=-1)) + 1
    if width > MAX_TOKEN_COLUMNS:  # too wide to hold: a marker that sends pairs the slow way
        return np.full((len(values), MAX_TOKEN_COLUMNS + 1), -1, dtype=np.int64)
    matrix = np.full((len(values), max(width, 1)), -1, dtype=np.int64)
    matrix[pos, column] = codes
    return matrix
