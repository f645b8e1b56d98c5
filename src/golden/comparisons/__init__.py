"""Comparisons: how two records' values are compared, as an ordered list of levels.

A comparison has a null level (either value missing, gamma -1), then its levels from most
to least similar (gamma K … 1), then an "else" level (gamma 0). The ready-made functions
below cover common customer attributes; ``Comparison`` builds any other.

Examples
--------
>>> from golden import comparisons as cmp
>>> [label for _, label in cmp.name("first_name").level_labels()][:4]
['null', 'exact', 'same in Latin letters', 'jaro_winkler >= 0.92']
"""

from __future__ import annotations

from golden.comparisons.levels import (
    Agree,
    Alias,
    AllOf,
    CompoundShortened,
    Custom,
    DateWithin,
    DayMonthSwapped,
    DiceAtLeast,
    DistanceWithin,
    Exact,
    FirstSurname,
    Initial,
    Level,
    NumericDifference,
    Phonetic,
    SameSurnames,
    SharedSurname,
    SharedValues,
    Similarity,
    Swapped,
    Transliterated,
    WordsCosine,
    WordWeights,
)
from golden.comparisons.library import (
    Comparison,
    absolute_difference,
    bloom_dice,
    custom,
    damerau_levenshtein,
    date,
    date_of_birth,
    distance_km,
    email,
    exact,
    forename_surname,
    free_text,
    jaccard,
    jaro,
    jaro_winkler,
    joint,
    levenshtein,
    name,
    percentage_difference,
    phone,
    postcode,
    shared_values,
    surnames,
)

__all__ = [
    "Agree",
    "Alias",
    "AllOf",
    "Comparison",
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
    "WordWeights",
    "WordsCosine",
    "absolute_difference",
    "bloom_dice",
    "custom",
    "damerau_levenshtein",
    "date",
    "date_of_birth",
    "distance_km",
    "email",
    "exact",
    "forename_surname",
    "free_text",
    "jaccard",
    "jaro",
    "jaro_winkler",
    "joint",
    "levenshtein",
    "name",
    "percentage_difference",
    "phone",
    "postcode",
    "shared_values",
    "surnames",
]
