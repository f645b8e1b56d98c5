"""Names the way customers write them: familiar forms (Bob = Robert, Pepe = José) and other
scripts or spellings (Иванов = Ivanov, Müller = Mueller) are levels of ``cmp.name``."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import golden as gd
from golden import comparisons as cmp
from golden.comparisons.vectors import ComparisonIndex
from golden.records import prepare_records


def levels_of(pairs: list[tuple[str, str]]) -> list[str]:
    """The ``name`` level label of each pair of first names."""
    values = [v for pair in pairs for v in pair]
    records = prepare_records(pd.DataFrame({"id": range(len(values)), "first_name": values}),
                              unique_id="id", source=None, link_type="dedupe",
                              columns=["first_name"])
    comparison = cmp.name("first_name")
    index = ComparisonIndex(comparison, records)
    left = pd.Series(range(0, len(values), 2)).to_numpy()
    gammas = index.gammas(left, left + 1)
    labels = dict((g, label) for g, label in comparison.level_labels())
    return [labels[int(g)] for g in gammas]


@pytest.mark.parametrize(("a", "b"), [
    ("Bob", "Robert"), ("Peggy", "Margaret"), ("Bill", "William"), ("Bobby", "Rob"),
    ("Pepe", "José"), ("Paco", "Francisco"), ("Manolo", "Manuel"), ("Lola", "Dolores"),
    ("Concha", "Concepción"), ("Nacho", "Ignacio"), ("Maite", "María Teresa"),
    ("PACO", "francisco"),
])
def test_a_familiar_form_is_recognised_both_ways(a: str, b: str) -> None:
    assert levels_of([(a, b), (b, a)]) == ["familiar form", "familiar form"]


@pytest.mark.parametrize(("a", "b"), [
    ("Иванов", "Ivanov"), ("Müller", "Mueller"), ("Schröder", "Schroeder"),
])
def test_a_name_in_another_script_or_spelling_is_the_same_in_latin_letters(a: str, b: str
                                                                          ) -> None:
    assert levels_of([(a, b)]) == ["same in Latin letters"]


def test_unrelated_names_are_no_familiar_form() -> None:
    assert levels_of([("Pepe", "Paco"), ("Robert", "Margaret"), ("Lola", "Concha")]) == [
        "else", "else", "else"]


def test_the_generators_nicknames_now_count_as_evidence() -> None:
    """``make_people`` writes a share of first names as nicknames; with the familiar-form
    level those pairs weigh for a match instead of against it."""
    people = gd.datasets.make_people(5_000, random_state=4)
    records = people.drop(columns=["person_id", "household_id"])
    linker = gd.Linker([cmp.name("first_name"), cmp.name("surname"),
                        cmp.date_of_birth("dob"), cmp.email("email")],
                       [gd.block_on("surname"), gd.block_on("dob")], random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        linker.fit(records)
    gamma = dict((label, g) for g, label in linker.comparisons_[0].level_labels())
    m, u = linker.m_["first_name"], linker.u_["first_name"]
    familiar = gamma["familiar form"]
    assert m[familiar] / u[familiar] > 8  # more than 3 bits for a match


@pytest.mark.parametrize(("a", "b"), [
    ("María José", "María"), ("María José", "M. José"), ("María Dolores", "Mª D."),
    ("José Luis", "J. L."), ("M. José", "María José"),
])
def test_a_compound_given_name_written_shorter_is_recognised(a: str, b: str) -> None:
    assert levels_of([(a, b)]) == ["compound name shortened"]


def test_the_second_part_alone_is_not_the_compound_name() -> None:
    assert levels_of([("José", "María José")]) != ["compound name shortened"]
