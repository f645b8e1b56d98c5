"""Blocking rules: specs, OR de-duplication, link types, guards, analysis."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import golden as gd
from golden import ConfigError, DataWarning, SchemaError
from golden._base.spec import spec_from_dict

PEOPLE = pd.DataFrame({
    "unique_id": [1, 2, 3, 4, 5, 6],
    "first": ["ann", "ann", "bob", "bob", "cy", None],
    "surname": ["lee", "lee", "lee", "ng", "ng", "ng"],
    "dob": ["1990-01-02", "1990-05-06", "1985-01-01", "1985-01-01", "1990-01-01", None],
    "emails": [["a@x.com", "b@y.com"], ["b@y.com"], [], None, ["c@z.com"], ["c@z.com", "a@x.com"]],
})


def pairs_of(frame: pd.DataFrame) -> set[tuple[int, int]]:
    return set(zip(frame["unique_id_l"], frame["unique_id_r"], strict=True))


def test_block_on_equal_keys_and_skips_nulls() -> None:
    pairs = gd.generate_pairs(PEOPLE, gd.block_on("first"))
    assert pairs_of(pairs) == {(1, 2), (3, 4)}


def test_block_on_several_keys_requires_all() -> None:
    pairs = gd.generate_pairs(PEOPLE, gd.block_on("first", "surname"))
    assert pairs_of(pairs) == {(1, 2)}


def test_key_transforms() -> None:
    pairs = gd.generate_pairs(PEOPLE, gd.block_on(gd.col("dob").year()))
    assert pairs_of(pairs) == {(1, 2), (1, 5), (2, 5), (3, 4)}
    assert pairs_of(gd.generate_pairs(PEOPLE, gd.block_on(gd.col("surname").soundex()))) == {
        (1, 2), (1, 3), (2, 3), (4, 5), (4, 6), (5, 6)}


def test_or_rules_give_each_pair_once_tagged_with_first_rule() -> None:
    rules = gd.block_on("first") | gd.block_on("surname")
    pairs = gd.generate_pairs(PEOPLE, rules)
    keys = list(zip(pairs["unique_id_l"], pairs["unique_id_r"], strict=True))
    assert len(keys) == len(set(keys))
    tagged = dict(zip(keys, pairs["rule"], strict=True))
    assert tagged[(1, 2)] == 0 and tagged[(3, 4)] == 0
    assert tagged[(1, 3)] == 1 and tagged[(4, 5)] == 1


def test_sorted_neighbourhood() -> None:
    pairs = gd.generate_pairs(PEOPLE, gd.sorted_neighbourhood("dob", window=2))
    # sorted dob: 3, 4 (1985-01-01), 5 (1990-01-01), 1, 2
    assert pairs_of(pairs) == {(3, 4), (4, 5), (1, 5), (1, 2)}


def test_block_on_any_value_of_a_list() -> None:
    pairs = gd.generate_pairs(PEOPLE, gd.block_on_any("emails"))
    assert pairs_of(pairs) == {(1, 2), (1, 6), (5, 6)}


def test_block_on_any_of_delimited_text_normalised() -> None:
    frame = pd.DataFrame({"unique_id": [1, 2, 3],
                          "phones": ["07700 900123; 020 7946 0000", "+44 7700 900123", "999"]})
    pairs = gd.generate_pairs(frame, gd.block_on_any(gd.col("phones").phone(), sep=";"))
    assert pairs_of(pairs) == {(1, 2)}


def test_multi_valued_rule_in_an_or_is_deduplicated() -> None:
    rules = gd.block_on("surname") | gd.block_on_any("emails")
    pairs = gd.generate_pairs(PEOPLE, rules)
    assert len(pairs) == len(pairs_of(pairs))
    assert pairs_of(pairs) == pairs_of(gd.generate_pairs(PEOPLE, gd.block_on("surname"))) | {
        (1, 6)}


def test_link_only_pairs_across_sources() -> None:
    a = PEOPLE.iloc[:3]
    b = PEOPLE.iloc[3:]
    pairs = gd.generate_pairs([a, b], gd.block_on("first"), link_type="link")
    assert set(zip(pairs["source_l"], pairs["source_r"], strict=True)) == {("0", "1")}
    assert pairs_of(pairs) == {(3, 4)}  # (1, 2) share a name but not across sources
    both = gd.generate_pairs({"crm": a, "web": b}, gd.block_on(gd.col("dob").year()),
                             link_type="link_and_dedupe")
    assert {(1, 2), (1, 5), (2, 5), (3, 4)} == pairs_of(both)


def test_runaway_block_is_skipped_with_a_warning_naming_the_key() -> None:
    frame = pd.DataFrame({"unique_id": range(12), "phone": ["0800"] * 10 + ["1", "1"]})
    with pytest.warns(DataWarning, match=r"phone='0800' \(10 records\)"):
        pairs = gd.generate_pairs(frame, gd.block_on("phone", max_block_size=5))
    assert pairs_of(pairs) == {(10, 11)}
    with pytest.raises(ConfigError, match="max_block_size"):
        gd.generate_pairs(frame, gd.block_on("phone", max_block_size=5, oversize="error"))
    with pytest.warns(DataWarning, match="split into runs of 5 records"):
        capped = gd.generate_pairs(frame, gd.block_on("phone", max_block_size=5,
                                                      oversize="cap"))
    runs = [set(range(0, 5)), set(range(5, 10))]
    expected = {(a, b) for run in runs for a in run for b in run if a < b} | {(10, 11)}
    assert pairs_of(capped) == expected
    shuffled = frame.sample(frac=1, random_state=0)
    with pytest.warns(DataWarning):
        again = gd.generate_pairs(shuffled, gd.block_on("phone", max_block_size=5,
                                                        oversize="cap"))
    assert {tuple(sorted(p)) for p in pairs_of(again)} == expected


def test_analysis_of_a_capped_multi_valued_rule() -> None:
    frame = pd.DataFrame({"unique_id": range(12), "tags": [["a", "b"]] * 10 + [["c"]] * 2})
    rule = gd.block_on_any("tags", max_block_size=3, oversize="cap")
    with pytest.warns(DataWarning, match="split into runs"):
        counts = gd.analyse_blocking(frame, [rule])
        pairs = gd.generate_pairs(frame, [rule])
    assert counts["cumulative_pairs"].iloc[-1] == len(pairs)
    assert ("tags (part of a capped block)", 3) in counts["largest_blocks"].iloc[0]


def test_max_pairs_guard_names_the_exploding_rule() -> None:
    frame = pd.DataFrame({"unique_id": range(100), "country": ["uk"] * 100, "x": range(100)})
    with pytest.raises(ConfigError, match="rule 'country' alone gives 4,950"):
        gd.generate_pairs(frame, [gd.block_on("x"), gd.block_on("country")], max_pairs=1000)


def test_analysis_counts_without_pairs_match_generation() -> None:
    rules = [gd.block_on("first"), gd.block_on("surname"), gd.block_on(gd.col("dob").year())]
    counts = gd.analyse_blocking(PEOPLE, rules)
    pairs = gd.generate_pairs(PEOPLE, rules)
    assert counts["new_pairs"].tolist() == pairs["rule"].value_counts().sort_index().tolist()
    assert counts["cumulative_pairs"].iloc[-1] == len(pairs)
    assert counts["largest_blocks"].iloc[1][0] == ("surname='lee'", 3)


def test_specs_are_values() -> None:
    rule = gd.block_on("first", gd.col("dob").year())
    assert rule == gd.block_on("first", gd.col("dob").year())
    assert hash(rule) == hash(gd.block_on("first", gd.col("dob").year()))
    combined = rule | gd.sorted_neighbourhood("surname") | gd.block_on_any("emails", sep=";")
    assert spec_from_dict(combined.to_dict()) == combined
    assert (gd.block_on("a") & gd.block_on("b")) == gd.block_on("a", "b")
    with pytest.raises(TypeError, match="no truth value"):
        bool(rule)


def test_bad_rules_report_every_problem() -> None:
    with pytest.raises(ConfigError) as info:
        gd.block_on(max_block_size=1, oversize="trim")
    assert len(info.value.problems) == 3
    with pytest.raises(ConfigError, match="window"):
        gd.sorted_neighbourhood("x", window=1)
    with pytest.raises(ConfigError, match="column name or col"):
        gd.block_on(3)  # type: ignore[arg-type]


def test_missing_columns_are_reported_together() -> None:
    with pytest.raises(SchemaError) as info:
        gd.generate_pairs(PEOPLE, [gd.block_on("frist"), gd.block_on("postcode")])
    assert len(info.value.problems) == 2
    assert "did you mean 'first'" in str(info.value)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", None]),
                          st.sampled_from(["x", "y", None])), min_size=2, max_size=25),
       st.randoms())
def test_row_order_never_changes_the_pairs(rows: list[tuple], rnd: object) -> None:
    frame = pd.DataFrame(rows, columns=["k1", "k2"]).assign(unique_id=range(len(rows)))
    rules = gd.block_on("k1") | gd.block_on("k2")
    expected = pairs_of(gd.generate_pairs(frame, rules))
    shuffled = frame.sample(frac=1, random_state=rnd.randint(0, 999))  # type: ignore[attr-defined]
    got = {tuple(sorted(p)) for p in pairs_of(gd.generate_pairs(shuffled, rules))}
    assert got == expected
    brute = {(i, j) for i, j in itertools.combinations(range(len(rows)), 2)
             if any(rows[i][k] is not None and rows[i][k] == rows[j][k] for k in (0, 1))}
    assert expected == brute


def test_pairs_use_compact_integers() -> None:
    from golden.blocking import candidate_pairs
    from golden.records import prepare_records

    data = prepare_records(PEOPLE, unique_id="unique_id", source=None, link_type="dedupe",
                           columns=["surname"])
    pairs = candidate_pairs(data, gd.block_on("surname") | gd.block_on("first"), "dedupe")
    assert pairs.left.dtype == np.int32 and (pairs.left < pairs.right).all()


def test_unparseable_dates_are_counted_and_reported() -> None:
    frame = pd.DataFrame({"unique_id": [1, 2, 3, 4],
                          "dob": ["1990-01-02", "02/01/1990", "soon", "31/02/1990"]})
    with pytest.warns(DataWarning, match=r"'dob': 2 value\(s\) are not dates.*'soon'"):
        pairs = gd.generate_pairs(frame, gd.block_on(gd.col("dob").date()))
    assert pairs_of(pairs) == {(1, 2)}
