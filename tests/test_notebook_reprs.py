"""Notebook displays (``_repr_html_``): the Linker (fitted or not), comparisons, households,
golden records and a store's check show as small HTML tables, with every user-given text
escaped."""

from __future__ import annotations

import warnings
from html import escape

import pandas as pd
import pytest

import golden as gd
from golden import comparisons as cmp
from golden.model.dependence import DependenceCorrection
from golden.model.related import Relatives
from golden.resolver.codecs import Hasher
from golden.resolver.health import FORGET, RESTORE, check_store
from golden.resolver.store import Store

EVIL = "<script>alert(1)</script>"


def assert_safe(html: str) -> None:
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def make_linker() -> gd.Linker:
    return gd.Linker(
        comparisons=[cmp.name("first_name"), cmp.name("surname"), cmp.date_of_birth("dob"),
                     cmp.exact(EVIL, name="evil", term_frequency=True)],
        blocking=[gd.block_on("surname"), gd.block_on(EVIL)],
        random_state=0,
    )


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    people = gd.datasets.make_people(1_000, random_state=1)
    people[EVIL] = people["postcode"].astype(str).str[:3] + EVIL
    return people


@pytest.fixture(scope="module")
def fitted(people: pd.DataFrame) -> gd.Linker:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make_linker().fit(people)


def test_unfitted_linker_shows_its_configuration() -> None:
    linker = make_linker()
    html = linker._repr_html_()
    assert "not fitted" in html and "link_type=dedupe" in html
    for name in ("first_name", "surname", "dob", "evil"):
        assert name in html
    for _, label in cmp.name("first_name").level_labels():
        assert f"<td>{escape(label)}" in html
    assert "exact (term frequency)" in html
    assert "λ" not in html and "weight (bits)" not in html
    assert_safe(html)
    assert repr(linker).startswith("Linker(comparisons=[")  # the plain repr is unchanged


def test_unfitted_linker_with_a_bad_configuration_still_shows() -> None:
    html = gd.Linker(comparisons=[EVIL], blocking=EVIL)._repr_html_()
    assert "not fitted" in html
    assert "<script" not in html.lower()


def test_fitted_linker_shows_lambda_and_each_levels_weights(fitted: gd.Linker) -> None:
    html = fitted._repr_html_()
    assert ">fitted" in html and "not fitted" not in html
    assert "λ" in html and f"{fitted.lambda_:.4g}" in html
    assert f"{fitted.n_candidates_:,}" in html
    assert "converged" in html and "EM iterations" in html
    assert "weight (bits)" in html
    weights = fitted.weight_table()
    for j, comparison in enumerate(fitted.comparisons_):
        assert comparison.name in html
        for gamma, label in comparison.level_labels():
            assert escape(label) in html
            if gamma >= 0:
                assert f"{weights.level_weights(j)[gamma + 1]:+.2f}" in html
    assert_safe(html)


def test_fitted_linker_shows_dependence_and_relatives(fitted: gd.Linker) -> None:
    linker = gd.Linker.from_dict(fitted.to_dict())
    linker.dependence_corrections_ = [DependenceCorrection((1, 3), (1, 1),
                                                           (0.0, 0.0, 0.0, -3.25))]
    linker.relatives_ = Relatives(share=0.125, differ_on=("first_name",))
    html = linker._repr_html_()
    assert "Dependence corrections" in html and "surname, evil" in html and "-3.25" in html
    assert "Relatives" in html and "0.125" in html
    assert "candidate pairs" in html  # a loaded model has no count: the row is empty
    assert_safe(html)


def test_comparison_shows_its_levels() -> None:
    comparison = cmp.jaro_winkler(EVIL, name="surname")
    html = comparison._repr_html_()
    assert "surname" in html
    for gamma, label in comparison.level_labels():
        assert f'<td class="num">{gamma}</td><td>{escape(label)}</td>' in html
    assert_safe(html)


def test_households_show_counts_sizes_and_each_frame() -> None:
    members = pd.DataFrame({"entity_id": [1, 2, 3], "household_id": [10, 10, 11],
                            EVIL: [EVIL, "b", "c"]})
    households = pd.DataFrame({"household_id": [10, 11], "size": [2, 1],
                               "composition": ["couple", "single"]})
    dwellings = pd.DataFrame({"building_key": ["12 acacia road", EVIL], "households": [1, 1],
                              "dwelling_type": ["single-unit", "single-unit"]})
    html = gd.Households(members, households, dwellings)._repr_html_()
    assert "2 households" in html and "3 people" in html and "2 dwellings" in html
    assert "Households by size" in html and "50.0%" in html
    for caption in ("households: 2 rows", "members: 3 rows", "dwellings: 2 rows"):
        assert caption in html
    assert "couple" in html
    assert_safe(html)


def test_households_from_the_grouper_show(people: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        homes = gd.HouseholdGrouper(reference_date="2026-01-01").fit_transform(
            people.rename(columns={"unique_id": "entity_id"}).head(300))
    html = homes._repr_html_()
    assert f"{len(homes.households):,} households" in html
    assert "<script" not in html.lower()


def golden_records() -> gd.GoldenRecords:
    records = pd.DataFrame({"unique_id": ["a", "b", "c", "d"],
                            "name": ["Ann Lee", EVIL, EVIL, "Bob Ray"],
                            "email": ["ann@x.org", None, "ann@x.org", "bob@y.org"]})
    clusters = pd.DataFrame({"unique_id": ["a", "b", "c", "d"], "entity_id": [1, 1, 1, 2]})
    pins = pd.DataFrame({"entity_id": [2], "attribute": ["email"], "value": ["bob@new.org"],
                         "by": [EVIL], "reason": [EVIL]})
    return gd.GoldenRecordBuilder().build(records, clusters, pins=pins)


def test_golden_records_show_counts_head_and_rules() -> None:
    result = golden_records()
    html = result._repr_html_()
    assert "2 entities" in html and "2 attributes" in html
    assert f"{len(result.provenance):,} values traced" in html
    assert "records: 2 rows × 4 columns" in html
    assert result.records["name"].tolist() == [EVIL, "Bob Ray"]
    assert "ann@x.org" in html and "bob@new.org" in html
    assert "Rules used per attribute" in html
    used = result.provenance[~result.provenance["rule"].str.startswith("pinned")]
    for rule in used["rule"].unique():
        assert f"<td>{escape(rule)}</td>" in html
    assert "<td>pinned</td>" in html  # pins are counted together, their reasons not shown
    assert_safe(html)  # the golden name is <script>: it shows escaped


def test_golden_records_show_at_most_five_rows_and_twelve_columns() -> None:
    records = pd.DataFrame({"entity_id": range(8), "n_records": 1,
                            **{f"{EVIL}{i}": [EVIL] * 8 for i in range(15)}})
    html = gd.GoldenRecords(records, pd.DataFrame())._repr_html_()
    assert "8 entities" in html and "15 attributes" in html
    assert "8 rows × 17 columns (first 12 shown)" in html
    assert html.count("<tr>") == 1 + 5
    assert "Rules used" not in html  # no provenance, no summary
    assert_safe(html)


def test_a_sound_store_check_shows_ok() -> None:
    html = check_store(Store(":memory:"), Hasher(b"k" * 32), full=True)._repr_html_()
    assert "ok" in html and "SQLite integrity_check" in html and "0 records" in html
    assert "<table>" not in html


def test_a_failed_store_check_shows_each_problem_with_what_to_do() -> None:
    check = gd.StoreCheck([f"SQLite quick_check: row 3 missing; {RESTORE}",
                           f"1 records in no active entity: {RESTORE}",
                           f"record {EVIL!r} is held although it was forgotten: {FORGET}",
                           f"{EVIL} of an unknown kind"], "quick_check", 12)
    html = check._repr_html_()
    assert "4 problems" in html and "12 records" in html and "ok" not in html
    assert "<th scope=\"col\">what to do</th>" in html
    assert "<td>SQLite quick_check: row 3 missing</td>" in html
    assert f"<td>1 records in no active entity</td><td>{escape(RESTORE)}</td>" in html
    assert f"<td>{escape(FORGET)}</td>" in html
    assert "of an unknown kind</td><td></td>" in html
    assert_safe(html)
