"""Fitting comparisons: what their levels learn from the records (the word weights of
free-text levels), once, before any pair is compared.

Each engine says how many records hold each distinct value of an input (counted in this
process, or on Spark); the fitted comparisons carry what was learned, so every later use
(prediction, the resolver, a saved model) weighs values the same way.

Examples
--------
>>> import pandas as pd
>>> from golden import comparisons as cmp
>>> from golden.records import prepare_records
>>> records = prepare_records(pd.DataFrame({"id": [1, 2, 3], "title": ["a b", "a c", "a"]}),
...                           unique_id="id", source=None, link_type="dedupe",
...                           columns=["title"])
>>> fitted, = fit_comparisons([cmp.free_text("title")], local_value_counts(records))
>>> fitted.levels[1].weights.words
('a',)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np

from golden.comparisons.levels.words import WordsCosine, WordWeights
from golden.comparisons.library import Comparison
from golden.comparisons.vectors import EncodedRecords
from golden.values import Expr

# An input's distinct values, and how many records hold each.
ValueCounts = Callable[[Expr], tuple[np.ndarray, np.ndarray]]


def fit_comparisons(comparisons: Sequence[Comparison], value_counts: ValueCounts
                    ) -> tuple[Comparison, ...]:
    """The comparisons with their free-text levels' word weights learned from
    ``value_counts`` (learned afresh, once per input, whatever they held before)."""
    fitted = []
    for comparison in comparisons:
        learned: dict[int, WordWeights] = {}
        levels = []
        for level in comparison.levels:
            if isinstance(level, WordsCosine):
                if level.input not in learned:
                    learned[level.input] = WordWeights.learn(
                        *value_counts(comparison.inputs[level.input]))
                level = dataclasses.replace(level, weights=learned[level.input])
            levels.append(level)
        fitted.append(dataclasses.replace(comparison, levels=tuple(levels)) if learned
                      else comparison)
    return tuple(fitted)


def local_value_counts(records: EncodedRecords) -> ValueCounts:
    """``ValueCounts`` of records in this process."""
    def counts(expr: Expr) -> tuple[np.ndarray, np.ndarray]:
        encoded = records.encode(expr)
        held = encoded.codes[encoded.codes >= 0]
        return encoded.values, np.bincount(held, minlength=len(encoded.values))

    return counts
