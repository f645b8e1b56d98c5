"""Comparison levels: small specs that test a pair of values, vectorised over distinct pairs.

Levels never see every candidate pair: they get the distinct pairs of values once (see
``golden.comparisons.vectors``), so each similarity is computed once per distinct pair.
"""

from __future__ import annotations

import datetime as dt
import re
from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, Jaro, JaroWinkler, Levenshtein

from golden._base.spec import Spec
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
EARTH_RADIUS_KM = 6371.0088


class ValuePairs:
    """Distinct pairs of input values handed to levels, with caches for shared work.

    Built from each input's values per distinct record value (``values[i]``, None for
    null) and the pairs' codes into them. ``left(i)`` / ``right(i)`` are the pairs'
    values; ``per_value`` runs a transform once per distinct value and gathers it.
    """

    def __init__(self, values: list[np.ndarray], present: list[np.ndarray],
                 left_codes: np.ndarray, right_codes: np.ndarray,
                 per_value_cache: dict[tuple[Any, ...], Any] | None = None) -> None:
        self._values, self._present = values, present
        self._left_codes, self._right_codes = left_codes, right_codes
        self._cache: dict[tuple[Any, ...], Any] = {}
        self._per_value = {} if per_value_cache is None else per_value_cache
        self.size = len(left_codes)
        self.n_inputs = len(values)

    def left(self, i: int) -> np.ndarray:
        return self.cached(("left", i), lambda: self._values[i][self._left_codes])

    def right(self, i: int) -> np.ndarray:
        return self.cached(("right", i), lambda: self._values[i][self._right_codes])

    def left_present(self, i: int) -> np.ndarray:
        return self._present[i][self._left_codes]

    def right_present(self, i: int) -> np.ndarray:
        return self._present[i][self._right_codes]

    def both_present(self, i: int) -> np.ndarray:
        return self.cached(("present", i), lambda: self.left_present(i) & self.right_present(i))

    def same(self, i: int) -> np.ndarray:
        """Whether each pair's values of input ``i`` are present and equal (computed once,
        however many levels ask)."""
        def compute() -> np.ndarray:
            left, right = self.per_value("code", i, _value_codes)
            return (left >= 0) & (left == right)

        return self.cached(("same", i), compute)

    def per_value(self, key: str, i: int, transform: Callable[[np.ndarray], np.ndarray]
                  ) -> tuple[np.ndarray, np.ndarray]:
        """``transform`` of input ``i``'s distinct values (computed once, and kept in the
        shared per-value cache), for the left and the right value of each pair."""
        per_value = self.per_value_table((key, i), i,
                                         lambda values: np.asarray(transform(values)))
        return per_value[self._left_codes], per_value[self._right_codes]

    def per_value_table(self, key: tuple[Any, ...], i: int,
                        transform: Callable[[np.ndarray], Any]) -> Any:
        """``transform`` of input ``i``'s distinct values as a whole, computed once and kept
        in the shared per-value cache under ``key``; index it with ``codes``."""
        if key not in self._per_value:
            self._per_value[key] = transform(self._values[i])
        return self._per_value[key]

    def codes(self, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The left and the right value codes of the pairs selected by ``mask``."""
        return self._left_codes[mask], self._right_codes[mask]

    def cached(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]


class Level(Spec):
    """Base of comparison levels; ``level_a & level_b`` requires both."""

    @property
    @abstractmethod
    def label(self) -> str:
        """A readable description, shown in explanations."""

    @abstractmethod
    def evaluate(self, values: ValuePairs) -> np.ndarray:
        """Boolean mask over the distinct value pairs."""

    @property
    def is_exact(self) -> bool:
        """Whether the level is an exact match on input 0 (term-frequency adjustable)."""
        return False

    def __and__(self, other: Level) -> AllOf:
        if not isinstance(other, Level):
            return NotImplemented
        return AllOf((self, other))


@dataclass(frozen=True)
class AllOf(Level):
    """Every one of several levels holds."""

    kind = "all_of"
    levels: tuple[Level, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "levels", tuple(self.levels))

    @property
    def label(self) -> str:
        return " and ".join(level.label for level in self.levels)

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        mask = np.ones(values.size, dtype=bool)
        for level in self.levels:
            mask &= level.evaluate(values)
        return mask


@dataclass(frozen=True)
class Agree(Level):
    """Several inputs each equal (present on both sides and the same)."""

    kind = "agree"
    inputs: tuple[int, ...]
    names: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "inputs", tuple(self.inputs))

    @property
    def label(self) -> str:
        return f"{self.names or ', '.join(map(str, self.inputs))} agree"

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        mask = np.ones(values.size, dtype=bool)
        for i in self.inputs:
            mask &= values.same(i)
        return mask


@dataclass(frozen=True)
class Exact(Level):
    """The values are equal; ``what`` names a derived input in the label ("same domain")."""

    kind = "exact"
    input: int = 0
    what: str = ""

    @property
    def label(self) -> str:
        if self.what:
            return f"same {self.what}"
        return "exact" if self.input == 0 else f"exact (input {self.input})"

    @property
    def is_exact(self) -> bool:
        return self.input == 0

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        return values.same(self.input)


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
            return _value_codes(np.array(pv.run_list(self.algorithm, distinct),
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
        left_first, right_first = values.per_value("first_letter", self.input, _first_letter)
        left_len, right_len = values.per_value("length", self.input, _text_length)
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


@dataclass(frozen=True)
class NumericDifference(Level):
    """Absolute difference at most ``threshold`` (``relative=True``: relative to the larger)."""

    kind = "numeric_difference"
    threshold: float
    relative: bool = False
    input: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.threshold, int | float) or self.threshold < 0:
            raise ConfigError(f"threshold: got {self.threshold!r}, expected a number >= 0")

    @property
    def label(self) -> str:
        return (f"within {self.threshold:.0%}" if self.relative
                else f"abs difference <= {self.threshold}")

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        left, right = values.per_value("number", self.input, _as_number)
        diff = np.abs(left - right)
        if self.relative:
            diff = diff / np.maximum(np.abs(left), np.abs(right)).clip(min=1e-300)
        return np.nan_to_num(diff, nan=np.inf) <= self.threshold


@dataclass(frozen=True)
class DateWithin(Level):
    """Dates (ISO strings or datetimes) at most ``days`` days apart."""

    kind = "date_within"
    days: float
    input: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.days, int | float) or self.days < 0:
            raise ConfigError(f"days: got {self.days!r}, expected a number of days >= 0")

    @property
    def label(self) -> str:
        for unit, size in (("years", 365.25), ("months", 30.4375)):
            if self.days >= size and (self.days / size) == round(self.days / size):
                return f"within {round(self.days / size)} {unit}"
        return f"within {self.days:g} days"

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        left, right = values.per_value("days", self.input, _as_days)
        return np.nan_to_num(np.abs(left - right), nan=np.inf) <= self.days


@dataclass(frozen=True)
class DayMonthSwapped(Level):
    """Same year, and day and month transposed (ISO dates): 1990-03-04 vs 1990-04-03."""

    kind = "day_month_swapped"
    input: int = 0

    @property
    def label(self) -> str:
        return "day and month swapped"

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        left, right = values.per_value("date_parts", self.input, _date_parts)
        year, month, day = 0, 1, 2
        return ((left[:, year] >= 0) & (left[:, year] == right[:, year])
                & (left[:, month] == right[:, day]) & (left[:, day] == right[:, month])
                & (left[:, month] != left[:, day]))


@dataclass(frozen=True)
class DistanceWithin(Level):
    """Great-circle distance between (latitude, longitude) inputs at most ``km``."""

    kind = "distance_within"
    km: float
    latitude: int = 0
    longitude: int = 1

    @property
    def label(self) -> str:
        return f"within {self.km:g} km"

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        distance = values.cached(("haversine", self.latitude, self.longitude),
                                 lambda: _haversine(values, self.latitude, self.longitude))
        return np.nan_to_num(distance, nan=np.inf) <= self.km


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


@dataclass(frozen=True)
class Custom(Level):
    """A user function ``f(left, right) -> bool array`` over distinct value pairs.

    ``left`` and ``right`` are lists with one object array per comparison input. Define
    the function at module level so a saved model can import it by name.
    """

    kind = "custom"
    function: Callable[[list[np.ndarray], list[np.ndarray]], np.ndarray]
    description: str

    @property
    def label(self) -> str:
        return self.description

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        n_inputs = values.n_inputs
        result = np.asarray(self.function([values.left(i) for i in range(n_inputs)],
                                          [values.right(i) for i in range(n_inputs)]))
        if result.shape != (values.size,):
            raise ConfigError(f"custom level {self.description!r}: function returned shape "
                              f"{result.shape}, expected ({values.size},)")
        return result.astype(bool)


# Kernels -------------------------------------------------------------------------------------


def _equal(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return np.asarray(left == right, dtype=bool)


def _similarity(values: ValuePairs, metric: str, i: int) -> np.ndarray:
    present = values.both_present(i)
    missing = np.inf if metric in DISTANCES else -np.inf
    out = np.full(values.size, missing)
    if metric == "jaccard":
        out[present] = _jaccard(values.left(i)[present], values.right(i)[present])
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


def _dice(values: ValuePairs, i: int) -> np.ndarray:
    from golden.privacy import dice

    present = values.both_present(i)
    out = np.full(values.size, -np.inf)
    if present.any():
        out[present] = dice(values.left(i)[present], values.right(i)[present])
    return out


def _as_text(values: np.ndarray) -> np.ndarray:
    """Object array of str (numbers and other scalars written as text)."""
    if 0 < len(values) <= FEW_VALUES and all(isinstance(v, str) for v in values):
        return values  # what infer_dtype says too, at a fraction of its cost for a few
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return values
    return np.array([str(v) for v in values], dtype=object)


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


def _jaccard(left: np.ndarray, right: np.ndarray) -> np.ndarray:
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


# The per-value transforms below have a plain-Python form for a handful of text values
# (one record being matched), where pandas' fixed cost per call would dominate.


def _few_texts(values: np.ndarray) -> bool:
    return len(values) <= pv.SMALL_INPUT and all(
        v is None or isinstance(v, str) for v in values)


def _codes_of(keys: list[Any]) -> np.ndarray:
    """Codes of hashable keys in order of first appearance, -1 for None."""
    index: dict[Any, int] = {}
    return np.array([-1 if k is None else index.setdefault(k, len(index)) for k in keys],
                    dtype=np.int64)


def _value_codes(values: np.ndarray) -> np.ndarray:
    if _few_texts(values):
        return _codes_of(list(values))
    return pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)[0]


def _as_number(values: np.ndarray) -> np.ndarray:
    return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(float)


def _first_letter(values: np.ndarray) -> np.ndarray:
    if _few_texts(values):
        return _codes_of([v[0] if v else None for v in values])
    return pd.factorize(pd.Series(values, dtype="string").str[0], use_na_sentinel=True)[0]


def _text_length(values: np.ndarray) -> np.ndarray:
    if _few_texts(values):
        return np.array([-1 if v is None else len(v) for v in values], dtype=np.int64)
    return pd.Series(values, dtype="string").str.len().fillna(-1).to_numpy(dtype=np.int64)


def _date_parts(values: np.ndarray) -> np.ndarray:
    """(year, month, day) codes of ``YYYY-MM-DD`` text, -1 where absent."""
    if _few_texts(values):
        parts = [[v and v[:4], v and v[5:7], v and v[8:10]] for v in values]
        if all(not p or (p.isascii() and p.isdigit()) for row in parts for p in row):
            return np.array([[int(p) if p else -1 for p in row] for row in parts],
                            dtype=np.int64).reshape(len(values), 3)
    text = pd.Series(values, dtype="string")
    parts = [text.str[:4], text.str[5:7], text.str[8:10]]
    return np.column_stack([pd.to_numeric(p, errors="coerce").fillna(-1).to_numpy(np.int64)
                            for p in parts])


def _as_days(values: np.ndarray) -> np.ndarray:
    if _few_texts(values) and all(v is None or _in_pandas_range(v) for v in values):
        return np.array([_iso_days(v) for v in values], dtype=float)
    parsed = pd.to_datetime(pd.Series(values, dtype=object), errors="coerce", format="ISO8601")
    days = parsed.to_numpy(dtype="datetime64[D]").astype("int64").astype(float)
    days[parsed.isna().to_numpy()] = np.nan
    return days


_ISO_DAY = re.compile("([0-9]{4})-[0-9]{2}-[0-9]{2}")
_EPOCH = dt.date(1970, 1, 1)


def _in_pandas_range(text: str) -> bool:
    """Whether ``text`` is ``YYYY-MM-DD`` with a year pandas' timestamps surely hold."""
    found = _ISO_DAY.fullmatch(text)
    return found is not None and 1678 <= int(found.group(1)) <= 2261


def _iso_days(text: str | None) -> float:
    """Days since 1970 of ``YYYY-MM-DD`` text; NaN for null or an impossible date."""
    if text is None:
        return np.nan
    try:
        return float((dt.date.fromisoformat(text) - _EPOCH).days)
    except ValueError:
        return np.nan


def _haversine(values: ValuePairs, lat: int, lon: int) -> np.ndarray:
    def radians(array: np.ndarray) -> np.ndarray:
        return np.radians(_as_number(array))

    lat1, lat2 = values.per_value("radians", lat, radians)
    lon1, lon2 = values.per_value("radians", lon, radians)
    a = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
