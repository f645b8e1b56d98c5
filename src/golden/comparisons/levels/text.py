"""Text levels: string similarity and edit distance, phonetic codes, initials, swapped
fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, Jaro, JaroWinkler, Levenshtein

from golden.comparisons.levels.base import Level, ValuePairs
from golden.comparisons.levels.sets import jaccard_of, token_incidence
from golden.comparisons.levels.transforms import first_letter, text_length, value_codes
from golden.errors import ConfigError
from golden.values import per_value as pv

SIMILARITIES: dict[str, Any] = {
    "jaro_winkler": JaroWinkler.normalized_similarity,
    "jaro": Jaro.normalized_similarity,
}
DISTANCES: dict[str, Any] = {
    "levenshtein": Levenshtein.distance,
    "damerau_levenshtein": DamerauLevenshtein.distance,
}
PHONETIC = ("soundex", "metaphone", "nysiis", "match_rating_codex")


@dataclass(frozen=True)
class Similarity(Level):
    """A string similarity (``jaro_winkler``, ``jaro``) at least ``threshold``, or an edit
    distance (``levenshtein``, ``damerau_levenshtein``) at most ``threshold``, or token
    ``jaccard`` at least ``threshold``."""

    kind = "similarity"
    metric: str
    threshold: float
    input: int = 0

    def __post_init__(self) -> None:
        known = [*SIMILARITIES, *DISTANCES, "jaccard"]
        if self.metric not in known:
            raise ConfigError(f"metric: got {self.metric!r}, expected one of {known}")
        if self.metric in DISTANCES:
            if not isinstance(self.threshold, int) or self.threshold < 0:
                raise ConfigError(f"{self.metric} threshold: got {self.threshold!r}, expected a "
                                  "whole number of edits >= 0")
        elif not 0 <= self.threshold <= 1:
            raise ConfigError(f"{self.metric} threshold: got {self.threshold!r}, expected a "
                              "similarity in [0, 1]")

    @property
    def label(self) -> str:
        op = "<=" if self.metric in DISTANCES else ">="
        return f"{self.metric} {op} {self.threshold}"

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        if self.metric in DISTANCES and self.threshold <= 1:  # typos: the common case
            edits = values.cached(("edits up to 2", self.metric, self.input),
                                  lambda: _edits_up_to_two(values, self.metric, self.input))
            return edits <= self.threshold
        score = values.cached(("similarity", self.metric, self.input),
                              lambda: _similarity(values, self.metric, self.input))
        if self.metric in DISTANCES:
            return score <= self.threshold
        return score >= self.threshold


@dataclass(frozen=True)
class Phonetic(Level):
    """The values have the same phonetic code (soundex, metaphone, nysiis, match_rating_codex)."""

    kind = "phonetic"
    algorithm: str = "metaphone"
    input: int = 0

    def __post_init__(self) -> None:
        if self.algorithm not in PHONETIC:
            raise ConfigError(f"algorithm: got {self.algorithm!r}, expected one of "
                              f"{list(PHONETIC)}")

    @property
    def label(self) -> str:
        return f"same {self.algorithm}"

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        def codes(distinct: np.ndarray) -> np.ndarray:
            return value_codes(np.array(pv.run_list(self.algorithm, distinct),
                                         dtype=object))

        left, right = values.per_value(self.algorithm, self.input, codes)
        return (left >= 0) & (left == right)


@dataclass(frozen=True)
class Initial(Level):
    """One value is a bare initial (or both are) and the first letters agree: "J" vs "John"."""

    kind = "initial"
    input: int = 0

    @property
    def label(self) -> str:
        return "initial matches"

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        left_first, right_first = values.per_value("first_letter", self.input, first_letter)
        left_len, right_len = values.per_value("length", self.input, text_length)
        short = (left_len == 1) | (right_len == 1)
        return short & (left_first >= 0) & (left_first == right_first)


@dataclass(frozen=True)
class Swapped(Level):
    """Input ``a`` of one record equals input ``b`` of the other, and vice versa."""

    kind = "swapped"
    a: int = 0
    b: int = 1

    @property
    def label(self) -> str:
        return "swapped"

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        la, lb, ra, rb = (values.left(self.a), values.left(self.b),
                          values.right(self.a), values.right(self.b))
        present = values.both_present(self.a) & values.both_present(self.b)
        return present & _equal(la, rb) & _equal(lb, ra) & ~_equal(la, ra)


def _equal(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return np.asarray(left == right, dtype=bool)


def _similarity(values: ValuePairs, metric: str, i: int) -> np.ndarray:
    present = values.both_present(i)
    missing = np.inf if metric in DISTANCES else -np.inf
    out = np.full(values.size, missing)
    if metric == "jaccard":
        incidence = values.per_value_table(("tokens", None, i), i,
                                           lambda v: token_incidence(v, None))
        out[present] = jaccard_of(incidence, *values.codes(present))
        return out
    if present.any():
        out[present] = _scores(values, i, np.flatnonzero(present),
                               SIMILARITIES.get(metric) or DISTANCES[metric])
    return out


def _edits_up_to_two(values: ValuePairs, metric: str, i: int) -> np.ndarray:
    """The edit distance capped at 2 (0, 1, or 2 for "two or more"; 2 where a value is
    missing). Values of equal length differ by one edit exactly when one character
    differs, or (Damerau) two adjacent characters are swapped: compared in numpy, a
    character per column; other pairs one character apart in length go to rapidfuzz.

    Examples
    --------
    >>> pairs = ValuePairs([np.array(["1980-01-02", "1980-01-20", "1908-01-02", "1980-1-2"],
    ...                              dtype=object)], [np.ones(4, dtype=bool)],
    ...                    np.zeros(4, dtype=np.int64), np.arange(4))
    >>> _edits_up_to_two(pairs, "damerau_levenshtein", 0).tolist()  # two swaps of digits
    [0, 1, 1, 2]
    >>> _edits_up_to_two(pairs, "levenshtein", 0).tolist()
    [0, 2, 2, 2]
    """
    present = values.both_present(i)
    out = np.full(values.size, 2, dtype=np.int8)
    if not present.any():
        return out
    chars, lengths = values.per_value_table(("characters", i), i, _characters)
    left, right = values.codes(present)
    rows = np.flatnonzero(present)
    if chars is None:  # long text: a row of characters per pair would cost too much memory
        out[rows] = _scores(values, i, rows, DISTANCES[metric], score_cutoff=1, dtype=np.int8)
        return out
    same_length = lengths[left] == lengths[right]
    lc, rc = chars[left[same_length]], chars[right[same_length]]
    differ = lc != rc
    n_differ = differ.sum(axis=1)
    edits = np.minimum(n_differ, 2).astype(np.int8)
    if metric == "damerau_levenshtein":
        swapped = (differ[:, :-1] & differ[:, 1:] & (lc[:, :-1] == rc[:, 1:])
                   & (lc[:, 1:] == rc[:, :-1])).any(axis=1)
        edits[(n_differ == 2) & swapped] = 1
    out[rows[same_length]] = edits
    one_apart = np.abs(lengths[left] - lengths[right]) == 1
    if one_apart.any():
        out[rows[one_apart]] = _scores(values, i, rows[one_apart], DISTANCES[metric],
                                       score_cutoff=1, dtype=np.int8)  # 2 for "two or more"
    return out


def _scores(values: ValuePairs, i: int, rows: np.ndarray, scorer: Any, **options: Any
            ) -> np.ndarray:
    """rapidfuzz's ``scorer`` on input ``i`` of the given pairs (on threads when there are
    enough pairs to pay for them)."""
    workers = -1 if len(rows) >= THREADED_PAIRS else 1
    return process.cpdist(_as_text(values.left(i)[rows]), _as_text(values.right(i)[rows]),
                          scorer=scorer, workers=workers, **options)


MAX_CHARACTER_COLUMNS = 32  # longer values are left to rapidfuzz


def _characters(values: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """Each value's characters as a row of code points (zero-padded), and its length;
    None instead of the rows when a value is longer than ``MAX_CHARACTER_COLUMNS``."""
    texts = _as_text(np.array([v if v is not None else "" for v in values], dtype=object))
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    width = int(lengths.max(initial=0)) or 1
    if width > MAX_CHARACTER_COLUMNS:
        return None, lengths
    chars = np.array(texts, dtype=f"<U{width}").view(np.uint32).reshape(len(texts), width)
    return chars, lengths


THREADED_PAIRS = 2_000
FEW_VALUES = 64  # values up to which checking each in Python beats pandas' inference


def _as_text(values: np.ndarray) -> np.ndarray:
    """Object array of str (numbers and other scalars written as text)."""
    if 0 < len(values) <= FEW_VALUES and all(isinstance(v, str) for v in values):
        return values  # what infer_dtype says too, at a fraction of its cost for a few
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return values
    return np.array([str(v) for v in values], dtype=object)
