"""Two-surname names (``cmp.surnames``): order, particles, the first surname alone."""

from __future__ import annotations

import pandas as pd
import pytest

from golden import comparisons as cmp
from golden.comparisons.vectors import ComparisonIndex
from golden.records import prepare_records


def levels_of(pairs: list[tuple[str, str]]) -> list[str]:
    values = [v for pair in pairs for v in pair]
    records = prepare_records(pd.DataFrame({"id": range(len(values)), "surname": values}),
                              unique_id="id", source=None, link_type="dedupe",
                              columns=["surname"])
    comparison = cmp.surnames("surname")
    left = pd.RangeIndex(0, len(values), 2).to_numpy()
    gammas = ComparisonIndex(comparison, records).gammas(left, left + 1)
    labels = dict(comparison.level_labels())
    return [labels[int(g)] for g in gammas]


@pytest.mark.parametrize(("a", "b", "level"), [
    ("García López", "GARCÍA LÓPEZ", "exact"),
    ("García López", "López García", "same surnames, any order"),
    ("de la Fuente Ruiz", "Fuente Ruiz", "same surnames, any order"),
    ("Martínez-Soler", "Martínez Soler", "exact"),
    ("García", "García López", "first surname alone"),
    ("García López", "García", "first surname alone"),
    ("García López", "Pérez García", "a surname shared"),
    ("García López", "Fernández Ruiz", "else"),
])
def test_two_surname_variants_get_their_level(a: str, b: str, level: str) -> None:
    assert levels_of([(a, b)]) == [level]


def test_one_surname_against_another_single_one_is_not_the_first_surname_alone() -> None:
    assert levels_of([("García", "López")]) == ["else"]
