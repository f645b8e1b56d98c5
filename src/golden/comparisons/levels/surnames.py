"""Levels for two-surname names (Spanish, Portuguese, much of Latin America): a person is
"García López" in one system, "García" in another and "López García" where a form put
the mother's surname first; particles ("de la Fuente", "del Río") come and go.

Each distinct value is read once into its surname words, particles left out.

Examples
--------
>>> surname_words(np.array(["García López", "de la Fuente y Ruiz", None], dtype=object)
...               ).tolist()
[['garcia', 'lopez'], ['fuente', 'ruiz'], None]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from golden.comparisons.levels.base import Level, ValuePairs
from golden.comparisons.levels.sets import shared_tokens, token_incidence
from golden.comparisons.levels.transforms import value_codes
from golden.values import clean_text
from golden.values.text import SURNAME_PARTICLES


def surname_words(values: np.ndarray) -> np.ndarray:
    """Each value's surname words (cleaned, particles and hyphens out); None for null,
    and for a value that is only particles."""
    cleaned = clean_text(pd.Series(values, dtype=object).astype("string").str.replace(
        "-", " ", regex=False))
    out = np.empty(len(values), dtype=object)
    out[:] = [None if pd.isna(text) else
              ([w for w in str(text).split() if w not in SURNAME_PARTICLES] or None)
              for text in cleaned]
    return out


def _joined(words: np.ndarray, pick: str) -> np.ndarray:
    """Per value, its surname words as one key: all in order, sorted, or the first."""
    def key(w: list[str] | None) -> str | None:
        if w is None:
            return None
        return " ".join(sorted(w)) if pick == "sorted" else w[0]

    return np.array([key(w) for w in words], dtype=object)


@dataclass(frozen=True)
class SameSurnames(Level):
    """The same surname words in another order, or with particles added or left out:
    "López García" and "García López", "de la Fuente" and "Fuente".

    Examples
    --------
    >>> SameSurnames().label
    'same surnames, any order'
    """

    kind = "same_surnames"
    input: int = 0

    @property
    def label(self) -> str:
        return "same surnames, any order"

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        left, right = values.per_value(
            "sorted surnames", self.input,
            lambda v: value_codes(_joined(surname_words(v), "sorted")))
        return (left >= 0) & (left == right)


@dataclass(frozen=True)
class FirstSurname(Level):
    """One value is a single surname, the other's first: "García" and "García López" (the
    first surname used alone, as most forms do).

    Examples
    --------
    >>> FirstSurname().label
    'first surname alone'
    """

    kind = "first_surname"
    input: int = 0

    @property
    def label(self) -> str:
        return "first surname alone"

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        def firsts_and_counts(v: np.ndarray) -> np.ndarray:
            words = surname_words(v)
            codes = value_codes(_joined(words, "first"))
            counts = np.array([0 if w is None else len(w) for w in words], dtype=np.int64)
            return codes * 64 + np.minimum(counts, 63)

        left, right = values.per_value("first surname", self.input, firsts_and_counts)
        one_left, one_right = left % 64 == 1, right % 64 == 1
        same_first = (left >= 0) & (right >= 0) & (left // 64 == right // 64)
        return same_first & (one_left != one_right)


@dataclass(frozen=True)
class SharedSurname(Level):
    """The values share a surname word in any position: "García López" and "Pérez García"
    (a parent and child, or one person whose second surname was dropped in one system and
    the first in the other).

    Examples
    --------
    >>> SharedSurname().label
    'a surname shared'
    """

    kind = "shared_surname"
    input: int = 0

    @property
    def label(self) -> str:
        return "a surname shared"

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        present = values.both_present(self.input)
        incidence = values.per_value_table(
            ("surname words", self.input), self.input,
            lambda v: token_incidence(surname_words(v), None))
        out = np.zeros(values.size, dtype=bool)
        out[present] = shared_tokens(incidence, *values.codes(present)) > 0
        return out
