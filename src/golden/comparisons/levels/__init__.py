"""Comparison levels: small specs that test a pair of values, vectorised over distinct pairs.

Examples
--------
>>> from golden.comparisons.levels import Exact, Similarity
>>> (Exact() & Similarity("jaro_winkler", 0.9)).label
'exact and jaro_winkler >= 0.9'
"""

from __future__ import annotations

from golden.comparisons.levels.aliases import Alias, CompoundShortened, Transliterated
from golden.comparisons.levels.base import Agree, AllOf, Exact, Level, ValuePairs
from golden.comparisons.levels.custom import Custom
from golden.comparisons.levels.dates import DateWithin, DayMonthSwapped
from golden.comparisons.levels.numbers import DistanceWithin, NumericDifference
from golden.comparisons.levels.sets import DiceAtLeast, SharedValues
from golden.comparisons.levels.surnames import FirstSurname, SameSurnames, SharedSurname
from golden.comparisons.levels.text import Initial, Phonetic, Similarity, Swapped
from golden.comparisons.levels.words import WordsCosine, WordWeights

__all__ = [
    "Agree",
    "Alias",
    "AllOf",
    "CompoundShortened",
    "Custom",
    "DateWithin",
    "DayMonthSwapped",
    "DiceAtLeast",
    "DistanceWithin",
    "Exact",
    "FirstSurname",
    "Initial",
    "Level",
    "NumericDifference",
    "Phonetic",
    "SameSurnames",
    "SharedSurname",
    "SharedValues",
    "Similarity",
    "Swapped",
    "Transliterated",
    "ValuePairs",
    "WordWeights",
    "WordsCosine",
]
