"""Comparisons and their levels: gammas on hand-made pairs, distinct-pair evaluation, specs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import golden as gd
from golden import ConfigError
from golden import comparisons as cmp
from golden._base.spec import spec_from_dict
from golden.comparisons.vectors import ComparisonIndex
from golden.records import prepare_records


def gammas(comparison: cmp.Comparison, left: list, right: list) -> list[int]:
    """Gamma for each (left[i], right[i]) pair of single-input values."""
    columns = comparison.columns
    frame = pd.DataFrame({"unique_id": range(2 * len(left))})
    for column in columns:
        frame[column] = pd.Series([*left, *right], dtype=object)
    data = prepare_records(frame, unique_id="unique_id", source=None, link_type="dedupe",
                           columns=columns)
    index = ComparisonIndex(comparison, data)
    rows = np.arange(len(left))
    return index.gammas(rows, rows + len(left)).tolist()


def level_of(comparison: cmp.Comparison, label: str) -> int:
    return dict((lab, g) for g, lab in comparison.level_labels())[label]


def test_name_levels_in_order() -> None:
    c = cmp.name("n")
    got = gammas(c, ["Smith", "Müller", "Jon", "Catherine", "Stephen", "Thomas", "J",
                     None, "Smith"],
                 ["smith", "Mueller", "John", "Cathy", "Steven", "Thompson", "John", "x",
                  "Zhao"])
    assert got == [level_of(c, "exact"), level_of(c, "same in Latin letters"),
                   level_of(c, "jaro_winkler >= 0.92"), level_of(c, "familiar form"),
                   level_of(c, "same metaphone"), level_of(c, "jaro_winkler >= 0.8"),
                   level_of(c, "initial matches"), -1, 0]


def test_edit_distance_levels() -> None:
    c = cmp.levenshtein("code", (1, 2))
    assert gammas(c, ["abcd", "abcd", "abcd", "abcd"], ["abcd", "abce", "abef", "wxyz"]) == [
        3, 2, 1, 0]
    d = cmp.damerau_levenshtein("code", (1,))
    assert gammas(d, ["abcd"], ["abdc"]) == [1]


def test_date_of_birth_levels_parse_formats() -> None:
    c = cmp.date_of_birth("dob")
    got = gammas(c, ["1990-03-04", "19900304", "04/03/1990", "1990-03-04", "1990-03-04",
                     "1990-03-04", "not a date"],
                 ["1990-03-04", "1990-04-03", "1990-03-05", "1990-03-25", "1990-12-01",
                  "1985-01-01", "1990-03-04"])
    labels = dict(c.level_labels())
    assert [labels[g] for g in got] == [
        "exact", "day and month swapped", "damerau_levenshtein <= 1", "within 1 months",
        "within 1 years", "within 10 years", "null"]


def test_email_levels() -> None:
    c = cmp.email("email")
    got = gammas(c, ["A.B+news@gmail.com", "ann@x.com", "ann.lee@x.com", "bob@x.com", "bob@x.com"],
                 ["ab@googlemail.com", "ann@y.org", "ann.leee@y.org", "zed@x.com", "zed@y.com"])
    labels = dict(c.level_labels())
    assert [labels[g] for g in got] == ["exact", "same user", "jaro_winkler >= 0.88 (user)",
                                        "same domain", "else"]


def test_postcode_prefix_levels() -> None:
    c = cmp.postcode("pc")
    got = gammas(c, ["sw1a 1aa", "SW1A 1AA", "SW1A 1AA", "SW1A 1AA", "SW1A 1AA"],
                 ["SW1A1AA", "SW1A 2BB", "SW1 9ZZ", "SW2 1AA", "N1 1AA"])
    assert got == [4, 3, 2, 1, 0]


def test_forename_surname_swap() -> None:
    c = cmp.forename_surname("first", "last")
    frame = pd.DataFrame({"unique_id": [1, 2, 3, 4], "first": ["ann", "lee", "ann", None],
                          "last": ["lee", "ann", "lee", "lee"]})
    data = prepare_records(frame, unique_id="unique_id", source=None, link_type="dedupe",
                           columns=["first", "last"])
    index = ComparisonIndex(c, data)
    labels = dict(c.level_labels())
    got = index.gammas(np.array([0, 0, 0]), np.array([1, 2, 3]))
    assert [labels[g] for g in got] == ["swapped", "exact and exact (input 1)", "null"]


def test_jaccard_shared_values_numeric_distance() -> None:
    assert gammas(cmp.jaccard("t", (0.5,)), ["acme ltd", "acme ltd", "a b c"],
                  ["acme ltd", "ltd acme co", "x y"]) == [2, 1, 0]
    shared = cmp.shared_values("phones", (2, 1), sep=";")
    assert gammas(shared, ["1;2;3", "1;2", "1"], ["2;3", "2;9", "9"]) == [2, 1, 0]
    num = cmp.absolute_difference("age", (1, 5))
    assert gammas(num, [30, 30, 30, 30], [30, 31, 34, 50]) == [3, 2, 1, 0]
    pct = cmp.percentage_difference("income", (0.1,))
    assert gammas(pct, [100.0, 100.0], [95.0, 50.0]) == [1, 0]


def test_distance_km() -> None:
    c = cmp.distance_km("lat", "lon", km=(1, 100))
    frame = pd.DataFrame({"unique_id": [1, 2, 3, 4], "lat": [51.5007, 51.5033, 51.4545, None],
                          "lon": [-0.1246, -0.1196, -2.5879, 0.0]})
    data = prepare_records(frame, unique_id="unique_id", source=None, link_type="dedupe",
                           columns=["lat", "lon"])
    got = ComparisonIndex(c, data).gammas(np.array([0, 0, 0]), np.array([1, 2, 3]))
    assert got.tolist() == [2, 0, -1]  # 0.4 km, ~170 km, null


def distinct_length(left: list[np.ndarray], right: list[np.ndarray]) -> np.ndarray:
    return (pd.Series(left[0]).str.len() == pd.Series(right[0]).str.len()).to_numpy()


def test_custom_comparison_and_its_json_round_trip() -> None:
    c = cmp.custom("same_len", ["code"], [("same length", distinct_length)])
    assert gammas(c, ["abc", "abc"], ["xyz", "wx"]) == [1, 0]
    assert spec_from_dict(c.to_dict(), functions=[distinct_length]) == c
    with pytest.raises(ConfigError, match="test_comparisons:distinct_length"):
        spec_from_dict(c.to_dict())  # a saved spec names its function; it is never imported
    lambda_comparison = cmp.custom("x", ["code"], [("l", lambda a, b: a[0] == b[0])])
    with pytest.raises(ConfigError, match="lambda"):
        lambda_comparison.to_dict()


def test_every_ready_made_comparison_round_trips() -> None:
    library = [cmp.exact("a", term_frequency=True), cmp.jaro_winkler("a"), cmp.jaro("a"),
               cmp.levenshtein("a"), cmp.damerau_levenshtein("a"), cmp.jaccard("a"),
               cmp.absolute_difference("a", (1,)), cmp.percentage_difference("a", (0.1,)),
               cmp.date("a"), cmp.date_of_birth("a"), cmp.distance_km("a", "b"),
               cmp.shared_values("a", sep=";"), cmp.name("a"), cmp.forename_surname("a", "b"),
               cmp.email("a"), cmp.postcode("a")]
    for comparison in library:
        assert spec_from_dict(comparison.to_dict()) == comparison
        assert hash(comparison) == hash(spec_from_dict(comparison.to_dict()))


def test_similarities_are_computed_once_per_distinct_value_pair(monkeypatch) -> None:
    from golden.comparisons.levels import text as text_levels

    calls: list[int] = []
    real = text_levels.process.cpdist

    def counting(left, right, **kwargs):
        calls.append(len(left))
        return real(left, right, **kwargs)

    monkeypatch.setattr(text_levels.process, "cpdist", counting)
    c = cmp.jaro_winkler("n", (0.9,))
    got = gammas(c, ["anne", "anne", "anne", "bob"] * 50, ["ann", "ann", "ann", "rob"] * 50)
    assert got[:4] == [1, 1, 1, 0]
    assert calls == [2], "two distinct value pairs, one kernel call"


def test_invalid_comparisons_report_problems() -> None:
    with pytest.raises(ConfigError, match="similarity in"):
        cmp.jaro_winkler("a", (1.5,))
    with pytest.raises(ConfigError, match="whole number of edits"):
        cmp.levenshtein("a", (0.5,))  # type: ignore[arg-type]
    with pytest.raises(ConfigError) as info:
        cmp.Comparison("bad name", (), ())
    assert len(info.value.problems) == 4
    with pytest.raises(ConfigError, match="term_frequency=True needs an exact level"):
        cmp.Comparison("x", (gd.col("a"),), (cmp.Similarity("jaro", 0.9),), term_frequency=True)


def test_shared_values_counts_agree_for_short_and_very_long_lists() -> None:
    import golden.comparisons as cmp_module
    many = "|".join(f"t{i}" for i in range(40))  # wider than the fast path holds
    frame = pd.DataFrame({"unique_id": [1, 2, 3, 4, 5],
                          "tags": ["a|b", "b|c|a", None, many, "t3|t39|zz"]})
    comparison = cmp_module.shared_values("tags", at_least=(2, 1), sep="|")
    from golden.comparisons.vectors import comparison_indexes, gamma_matrix
    from golden.records import prepare_records
    data = prepare_records(frame, unique_id="unique_id", source=None, link_type="dedupe",
                           columns=["tags"])
    index = comparison_indexes(data, [comparison])
    left, right = np.array([0, 0, 3, 1]), np.array([1, 3, 4, 2])
    gammas = gamma_matrix(index, left, right)[:, 0].tolist()
    assert gammas == [2, 0, 2, -1]  # a|b vs b|c|a: 2 shared; t3, t39 shared with the long list


def _gammas(frame: pd.DataFrame, comparison, left: list[int], right: list[int]) -> list[int]:
    from golden.comparisons.vectors import comparison_indexes, gamma_matrix
    data = prepare_records(frame, unique_id="unique_id", source=None, link_type="dedupe",
                           columns=list(comparison.columns))
    index = comparison_indexes(data, [comparison])
    return gamma_matrix(index, np.array(left), np.array(right))[:, 0].tolist()


def test_joint_levels_are_the_subsets_that_agree_largest_first() -> None:
    family = cmp.joint("family", ["surname", "postcode", "phone"])
    labels = [label for _, label in family.level_labels()]
    assert labels == ["null", "surname, postcode, phone agree", "surname, postcode agree",
                      "surname, phone agree", "postcode, phone agree", "surname agree",
                      "postcode agree", "phone agree", "else"]
    frame = pd.DataFrame({
        "unique_id": range(6),
        "surname": ["Smith", "SMITH", "Smith", None, "Jones", None],
        "postcode": ["LS1", "LS1", "LS2", "LS1", "LS9", None],
        "phone": ["1", "1", "1", None, "2", "1"],
    })
    # all three; surname and phone; postcode only (surname missing on one side); nothing in
    # common; no column present on both sides (null), even though each side has something
    assert _gammas(frame, family, [0, 0, 0, 0, 3], [1, 2, 3, 4, 5]) == [7, 5, 2, 0, -1]


def test_joint_validates_and_round_trips() -> None:
    with pytest.raises(ConfigError, match="expected 2 to 4"):
        cmp.joint("one", ["surname"])
    with pytest.raises(ConfigError, match="null_if"):
        cmp.Comparison("x", ("a",), (cmp.Exact(),), null_if="some")
    family = cmp.joint("family", ["surname", gd.col("phone").phone()])
    assert spec_from_dict(family.to_dict()) == family


@pytest.mark.parametrize("per_chunk", [3, 40])
def test_gammas_of_a_few_records_equal_those_among_many(per_chunk: int) -> None:
    from golden.comparisons.vectors import comparison_indexes, gamma_matrix
    from golden.datasets import make_people
    from golden.demo import COMPARISONS

    people = make_people(1_500, random_state=4)
    comparisons = [*COMPARISONS, cmp.postcode("postcode"), cmp.name("surname"),
                   cmp.exact("city", term_frequency=True)]
    columns = sorted({c for comparison in comparisons for c in comparison.columns})

    def gammas(frame: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        data = prepare_records(frame.reset_index(drop=True), unique_id="unique_id",
                               source=None, link_type="dedupe", columns=columns)
        return gamma_matrix(comparison_indexes(data, comparisons), left, right)

    rng = np.random.default_rng(0)
    rows = people.groupby("person_id").indices.values()
    same = [(r[0], r[-1]) for r in rows if len(r) > 1]  # records of one person
    left = np.r_[[a for a, _ in same], rng.integers(0, len(people), 500)]
    right = np.r_[[b for _, b in same], rng.integers(0, len(people), 500)]
    expected = gammas(people, left, right)  # thousands of records and pairs
    assert len(np.unique(expected, axis=0)) > 20
    for start in range(0, len(left), per_chunk):
        chunk = np.r_[left[start:start + per_chunk], right[start:start + per_chunk]]
        held, position = np.unique(chunk, return_inverse=True)
        n = len(chunk) // 2
        got = gammas(people.iloc[held], position[:n], position[n:])
        np.testing.assert_array_equal(got, expected[start:start + per_chunk])


@st.composite
def _typo_pairs(draw: st.DrawFn) -> tuple[str | None, str | None]:
    """A value and another, often one edit away (swap, substitution, insertion, deletion)."""
    text = draw(st.text(alphabet="ab1-é", min_size=1, max_size=6) | st.none())
    if text is None or draw(st.booleans()):
        return text, draw(st.text(alphabet="ab1-é", min_size=1, max_size=6) | st.none())
    i = draw(st.integers(0, len(text) - 1))
    edit = draw(st.sampled_from(["swap", "substitute", "insert", "delete"]))
    if edit == "swap" and i + 1 < len(text):
        return text, text[:i] + text[i + 1] + text[i] + text[i + 2:]
    if edit == "substitute":
        return text, text[:i] + draw(st.sampled_from("ab1-é")) + text[i + 1:]
    if edit == "insert":
        return text, text[:i] + draw(st.sampled_from("ab1-é")) + text[i:]
    return text, (text[:i] + text[i + 1:]) or None


@settings(max_examples=60, deadline=None)
@given(st.lists(_typo_pairs(), min_size=1, max_size=30))
def test_typo_levels_equal_rapidfuzz_edit_distances(pairs: list) -> None:
    from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

    left = [a for a, _ in pairs]
    right = [b for _, b in pairs]
    for metric, scorer in (("levenshtein", Levenshtein.distance),
                           ("damerau_levenshtein", DamerauLevenshtein.distance)):
        comparison = cmp.Comparison("x", ("x",), (cmp.Similarity(metric, 0),
                                                  cmp.Similarity(metric, 1)))
        expected = [-1 if a is None or b is None
                    else 2 if scorer(a, b) == 0 else 1 if scorer(a, b) == 1 else 0
                    for a, b in pairs]
        assert gammas(comparison, left, right) == expected, metric


def test_typo_levels_on_long_text_equal_rapidfuzz() -> None:
    base = "Flat 12, 148 Saint Bartholomew's Road, Little Snoring"  # longer than 32 characters
    left = [base, base, base, base, "short"]
    right = [base, base.replace("Road", "Raod"), base.replace("148", "149"),
             base.replace("Road", "Rd"), "shrot"]
    for metric, expected in (("damerau_levenshtein", [2, 1, 1, 0, 1]),
                             ("levenshtein", [2, 0, 1, 0, 0])):
        comparison = cmp.Comparison("x", ("x",), (cmp.Similarity(metric, 0),
                                                  cmp.Similarity(metric, 1)))
        assert gammas(comparison, left, right) == expected, metric
