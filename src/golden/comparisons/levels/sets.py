"""Set levels: multi-valued inputs sharing values, and Bloom-filter encodings whose Dice
coefficient is high."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

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
    """Explode values into (owner position, token) arrays."""
    series = pd.Series(values, dtype=object)
    first = series.dropna().head(1).tolist()
    holds_lists = bool(first) and isinstance(first[0], list | tuple | set | np.ndarray)
    if not holds_lists:
        series = series.astype("string").str.split(sep, regex=False)
    exploded = series.explode().dropna()
    return exploded.index.to_numpy(dtype=np.int64), exploded.to_numpy(dtype=object)


def token_incidence(values: np.ndarray, sep: str | None) -> sparse.csr_matrix:
    """One row per value, one column per distinct token: 1 where the value holds the token
    (text split on ``sep``, whitespace when None, or lists).

    Examples
    --------
    >>> token_incidence(np.array(["a b a", "b c", None], dtype=object), None).toarray()
    array([[1, 1, 0],
           [0, 1, 1],
           [0, 0, 0]], dtype=int32)
    """
    owner, tokens = _token_sets(values, sep)
    codes = pd.factorize(tokens)[0]
    incidence = sparse.csr_matrix(
        (np.ones(len(codes), dtype=np.int32), (owner, codes)),
        shape=(len(values), int(codes.max(initial=-1)) + 1))
    incidence.sum_duplicates()
    incidence.data[:] = 1  # a token held twice is held
    return incidence


def shared_tokens(incidence: sparse.csr_matrix, left: np.ndarray, right: np.ndarray
                  ) -> np.ndarray:
    """How many tokens the rows ``left`` and ``right`` of ``incidence`` share, pair by pair
    (each row's tokens counted once)."""
    if len(left) == 0:
        return np.zeros(0, dtype=np.int64)
    both = incidence[left].multiply(incidence[right])
    return np.asarray(both.sum(axis=1), dtype=np.int64).ravel()


def jaccard_of(incidence: sparse.csr_matrix, left: np.ndarray, right: np.ndarray
               ) -> np.ndarray:
    """Jaccard similarity of the token sets of rows ``left`` and ``right``, pair by pair.

    Examples
    --------
    >>> incidence = token_incidence(np.array(["a b c", "b c d", "x"], dtype=object), None)
    >>> jaccard_of(incidence, np.array([0, 0]), np.array([1, 2])).tolist()
    [0.5, 0.0]
    """
    shared = shared_tokens(incidence, left, right)
    sizes = incidence.getnnz(axis=1)
    union = sizes[left] + sizes[right] - shared
    return np.divide(shared, union, out=np.zeros(len(left)), where=union > 0)


def _shared_counts(values: ValuePairs, sep: str | None, i: int) -> np.ndarray:
    present = values.both_present(i)
    out = np.zeros(values.size, dtype=np.int64)
    incidence = values.per_value_table(("tokens", sep, i), i,
                                       lambda v: token_incidence(v, sep))
    out[present] = shared_tokens(incidence, *values.codes(present))
    return out
