"""Golden records: every survivorship rule, ties, nulls, opt-outs, groups and provenance."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import golden as gd
from golden import survivorship as sv
from golden.datasets import make_people


def frame(**columns: list) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"unique_id": [f"r{i}" for i in range(n)], **columns})


def build(records: pd.DataFrame, entities: list, **params) -> gd.GoldenRecords:
    clusters = pd.DataFrame({"unique_id": records["unique_id"], "entity_id": entities})
    return gd.GoldenRecordBuilder(**params).build(records, clusters)


def golden_values(result: gd.GoldenRecords, column: str) -> list:
    return [None if pd.isna(v) else v for v in result.records[column]]


def winners(result: gd.GoldenRecords, column: str) -> list:
    rows = result.provenance[result.provenance["attribute"] == column]
    return rows.sort_values("entity_id")["unique_id"].tolist()


STAMPS = ["2020-01-01", "2024-05-01", "2022-03-01", None]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (sv.most_recent("ts"), "b"),
        (sv.earliest("ts"), "a"),
        (sv.first_non_null(), "a"),
        (sv.longest(), "ccc"),
        (sv.shortest(), "a"),
        (sv.minimum(), "a"),
        (sv.maximum(), "dd"),
        (sv.source_priority(["web", "crm"]), "b"),
        (sv.source_priority(["app"]), "ccc"),
    ],
)
def test_single_value_rules_pick_the_expected_record(rule: sv.Rule, expected: str) -> None:
    records = frame(x=["a", "b", "ccc", "dd"], ts=STAMPS, src=["crm", "web", "app", "crm"])
    result = build(records, [1, 1, 1, 1], rules={"x": rule}, attributes=["x"], source="src")
    assert golden_values(result, "x") == [expected]


def test_most_recent_ignores_records_without_a_timestamp() -> None:
    records = frame(x=["old", "none"], ts=["2020-01-01", None])
    result = build(records, [1, 1], rules={"x": sv.most_recent("ts")}, attributes=["x"])
    assert golden_values(result, "x") == ["old"]


def test_most_frequent_compares_folded_text_and_keeps_a_real_spelling() -> None:
    records = frame(x=["Smith", "SMITH ", "Smyth", "smíth"], ts=STAMPS)
    result = build(records, [1] * 4, attributes=["x"], timestamp="ts")
    assert golden_values(result, "x")[0] in {"Smith", "SMITH ", "smíth"}
    assert result.provenance["support"].tolist() == [3]
    assert result.provenance["candidates"].tolist() == [4]


def test_most_frequent_breaks_ties_by_most_recent_then_input_order() -> None:
    records = frame(x=["a", "b", "a", "b"], ts=["2020-01-01", "2021-01-01", "2019-01-01",
                                              "2018-01-01"])
    by_time = build(records, [1] * 4, attributes=["x"], timestamp="ts")
    assert golden_values(by_time, "x") == ["b"]
    by_order = build(records.drop(columns="ts"), [1] * 4)
    assert golden_values(by_order, "x") == ["a"]


def test_stated_tie_break_with_then() -> None:
    records = frame(x=["a", "b"], src=["web", "crm"])
    rule = sv.most_frequent().then(sv.source_priority(["crm"]))
    result = build(records, [1, 1], rules={"x": rule}, attributes=["x"], source="src")
    assert golden_values(result, "x") == ["b"]
    assert result.provenance["rule"].tolist() == ["most_frequent then source_priority(crm)"]


def test_source_priority_falls_back_when_the_trusted_source_is_empty() -> None:
    records = frame(x=[None, "web value", "app value"], src=["crm", "web", "app"])
    rule = sv.source_priority(["crm", "app", "web"])
    result = build(records, [1, 1, 1], rules={"x": rule}, attributes=["x"], source="src")
    assert golden_values(result, "x") == ["app value"]


def test_nulls_never_win_and_an_all_null_entity_gets_null_without_provenance() -> None:
    records = frame(x=[None, "b", None, None])
    result = build(records, [1, 1, 2, 2], rules={"x": sv.first_non_null()})
    assert golden_values(result, "x") == ["b", None]
    assert result.provenance["entity_id"].tolist() == [1]


def test_numbers_and_dates_keep_their_dtype_and_order_by_value() -> None:
    records = frame(n=[9, 10, 2], d=pd.to_datetime(["2020-01-02", "2019-05-05", "2021-01-01"]))
    result = build(records, [1, 1, 1], rules={"n": sv.maximum(), "d": sv.minimum()})
    assert result.records["n"].tolist() == [10]  # by value, not as text ("9" > "10")
    assert result.records["d"].tolist() == [pd.Timestamp("2019-05-05")]
    assert pd.api.types.is_datetime64_any_dtype(result.records["d"])


def test_most_complete_prefers_the_fullest_record() -> None:
    records = frame(x=["a", "b"], y=[None, "y"], z=[None, "z"])
    result = build(records, [1, 1], rules={"x": sv.most_complete()})
    assert golden_values(result, "x") == ["b"]


def verified_first(values: pd.Series, records: pd.DataFrame) -> np.ndarray:
    return records["verified"].to_numpy(dtype=float)


def test_custom_rule_scores_candidates_and_sees_entity_ids() -> None:
    records = frame(x=["a", "b", "c"], verified=[0, 1, 0])
    rule = sv.custom(verified_first)
    result = build(records, [7, 7, 8], rules={"x": rule}, attributes=["x"])
    assert golden_values(result, "x") == ["b", "c"]
    assert result.provenance["rule"].iloc[0] == "custom(verified_first)"


def wrong_length(values: pd.Series, records: pd.DataFrame) -> list[float]:
    return [1.0]


def test_custom_rule_with_a_bad_result_names_the_attribute() -> None:
    records = frame(x=["a", "b"])
    with pytest.raises(gd.ConfigError, match="custom\\(wrong_length\\) for 'x'"):
        build(records, [1, 1], rules={"x": sv.custom(wrong_length)})


def test_all_values_deduplicates_after_normalisation_in_frequency_order() -> None:
    records = frame(
        email=["Ann@X.org", "ann@x.org ", "ann.lee@y.com", None, "bob@z.net"],
        ts=["2020-01-01", "2021-01-01", "2025-01-01", "2026-01-01", "2020-01-01"],
    )
    rule = sv.all_values(gd.col("email").email())
    result = build(records, [1, 1, 1, 1, 2], rules={"email": rule}, attributes=["email"],
                   timestamp="ts")
    lists = result.records["email"].tolist()
    assert [list(v) for v in lists] == [["ann@x.org ", "ann.lee@y.com"], ["bob@z.net"]]
    prov = result.provenance
    assert prov["position"].tolist() == [0, 1, 0]
    assert prov["support"].tolist() == [2, 1, 1]


def test_all_values_in_recent_and_input_order() -> None:
    records = frame(p=["1", "2", "3"], ts=["2021-01-01", "2023-01-01", "2022-01-01"])
    recent = build(records, [1, 1, 1], rules={"p": sv.all_values(order="recent")},
                   attributes=["p"], timestamp="ts")
    first = build(records, [1, 1, 1], rules={"p": sv.all_values(order="first")},
                  attributes=["p"], timestamp="ts")
    assert list(recent.records["p"][0]) == ["2", "3", "1"]
    assert list(first.records["p"][0]) == ["1", "2", "3"]


def test_all_values_entity_without_values_is_null() -> None:
    records = frame(p=[None, "2"])
    result = build(records, [1, 2], rules={"p": sv.all_values()})
    assert pd.isna(result.records["p"][0]) and list(result.records["p"][1]) == ["2"]


ADDRESS = {"address": ["street", "city", "postcode"]}


def test_coherent_group_comes_from_one_record_not_a_frankenstein() -> None:
    records = frame(
        street=["1 Old Road", "9 New Street", None],
        city=["Leeds", "York", "Bath"],
        postcode=["LS1 1AA", None, "BA1 1AA"],
        ts=["2020-01-01", "2024-01-01", "2023-01-01"],
    )
    result = build(records, [1, 1, 1], groups=ADDRESS, rules={"address": sv.most_recent()},
                   timestamp="ts")
    row = result.records.iloc[0]
    assert (row["street"], row["city"]) == ("9 New Street", "York")
    assert pd.isna(row["postcode"])  # not borrowed from another record
    assert set(winners(result, "street") + winners(result, "city")) == {"r1"}


def test_most_complete_group_prefers_the_fullest_address() -> None:
    records = frame(street=["1 Old Road", None], city=["Leeds", "York"],
                    postcode=["LS1 1AA", None], ts=["2020-01-01", "2024-01-01"])
    result = build(records, [1, 1], groups=ADDRESS,
                   rules={"address": sv.most_complete().then(sv.most_recent())}, timestamp="ts")
    assert result.records[["street", "city", "postcode"]].iloc[0].tolist() == [
        "1 Old Road", "Leeds", "LS1 1AA"]


def test_most_frequent_group_counts_whole_addresses() -> None:
    records = frame(street=["1 A Road", "1 a road", "2 B Road"], city=["Leeds", "LEEDS", "Leeds"])
    result = build(records, [1, 1, 1], groups={"address": ["street", "city"]})
    assert result.records["street"].iloc[0] in {"1 A Road", "1 a road"}


def test_suppressed_records_are_never_used() -> None:
    records = frame(x=["opted out", "kept", "only opted out"], ts=["2025-01-01", "2020-01-01",
                                                                   "2025-01-01"],
                    opt_out=[True, False, True])
    result = build(records, [1, 1, 2], rules={"x": sv.most_recent()}, timestamp="ts",
                   suppress_records="opt_out")
    assert golden_values(result, "x") == ["kept", None]
    assert "opted out" not in result.provenance["value"].tolist()
    assert result.records["n_records"].tolist() == [2, 1]


def test_suppressed_values_only_hide_that_attribute() -> None:
    records = frame(email=["hidden@x.org", "seen@y.org"], name=["Ann", "Anne"],
                    no_email=[True, None], ts=["2025-01-01", "2020-01-01"])
    result = build(records, [1, 1], rules={"email": sv.most_recent(), "name": sv.most_recent()},
                   timestamp="ts", suppress_values={"email": "no_email"})
    assert golden_values(result, "email") == ["seen@y.org"]
    assert golden_values(result, "name") == ["Ann"]


def test_suppression_honoured_by_all_values_and_groups() -> None:
    records = frame(email=["a@x.org", "b@x.org"], street=["1 Road", "2 Road"],
                    city=["Leeds", "York"], stop=[True, False])
    result = build(records, [1, 1], rules={"email": sv.all_values()},
                   groups={"address": ["street", "city"]}, suppress_records="stop")
    assert list(result.records["email"][0]) == ["b@x.org"]
    assert result.records[["street", "city"]].iloc[0].tolist() == ["2 Road", "York"]


def test_suppression_column_must_be_boolean() -> None:
    records = frame(x=["a"], stop=["Y"])
    with pytest.raises(gd.ConfigError, match="suppress_records: column 'stop' must be boolean"):
        build(records, [1], suppress_records="stop")


def test_link_clusters_join_on_source_and_id() -> None:
    records = pd.DataFrame({"unique_id": ["1", "1"], "source": ["crm", "web"],
                            "x": ["crm value", "web value"]})
    clusters = pd.DataFrame({"source": ["crm", "web"], "unique_id": ["1", "1"],
                             "entity_id": [5, 6]})
    result = gd.GoldenRecordBuilder(source="source").build(records, clusters)
    assert golden_values(result, "x") == ["crm value", "web value"]
    assert result.provenance["source"].tolist() == ["crm", "web"]


# --- errors ---------------------------------------------------------------------------


def test_every_configuration_problem_is_reported_at_once() -> None:
    records = frame(x=["a"], y=["b"])
    builder = gd.GoldenRecordBuilder(
        rules={"x": sv.most_recent(), "nope": sv.longest(), "address": sv.minimum()},
        groups={"address": ["x", "y"]},
    )
    with pytest.raises(gd.ConfigError) as err:
        builder.build(records, pd.DataFrame({"unique_id": ["r0"], "entity_id": [1]}))
    text = str(err.value)
    assert "'nope' is not an attribute or group" in text
    assert "'x' is not an attribute or group (it belongs to group 'address'" in text
    assert "minimum cannot choose a coherent group" in text


def test_rule_needing_a_timestamp_or_source_says_so() -> None:
    records = frame(x=["a"])
    builder = gd.GoldenRecordBuilder(rules={"x": sv.most_recent().then(sv.source_priority("a"))})
    with pytest.raises(gd.ConfigError) as err:
        builder.build(records, pd.DataFrame({"unique_id": ["r0"], "entity_id": [1]}))
    assert "needs a timestamp column" in str(err.value)
    assert "needs the builder's source column" in str(err.value)


def test_missing_columns_are_a_schema_error() -> None:
    records = frame(x=["a"])
    builder = gd.GoldenRecordBuilder(rules={"x": sv.most_recent("updated")},
                                     attributes=["x", "phone"])
    with pytest.raises(gd.SchemaError) as err:
        builder.build(records, pd.DataFrame({"unique_id": ["r0"], "entity_id": [1]}))
    assert "'phone' is missing" in str(err.value) and "'updated' is missing" in str(err.value)


def test_records_without_an_entity_are_an_error_not_dropped() -> None:
    records = frame(x=["a", "b"])
    with pytest.raises(gd.SchemaError, match="1 record\\(s\\) have no entity"):
        gd.GoldenRecordBuilder().build(
            records, pd.DataFrame({"unique_id": ["r0"], "entity_id": [1]}))


def test_rule_specs_validate_and_round_trip() -> None:
    with pytest.raises(gd.ConfigError, match="order got 'newest'"):
        sv.all_values(order="newest")
    with pytest.raises(gd.ConfigError, match="non-empty list of distinct source names"):
        sv.source_priority([])
    with pytest.raises(gd.ConfigError, match="takes no tie-break"):
        sv.all_values().then(sv.longest())
    with pytest.raises(TypeError, match="no truth value"):
        bool(sv.longest())
    builder = gd.GoldenRecordBuilder(
        {"email": sv.all_values(gd.col("email").email(), "recent"),
         "name": sv.source_priority(["crm"]).then(sv.custom(verified_first)),
         "address": sv.most_complete()},
        groups={"address": ["street", "city"]}, timestamp="ts", source="src",
        suppress_values={"email": "no_email"})
    again = gd.GoldenRecordBuilder.from_dict(json.loads(json.dumps(builder.to_dict())),
                                             functions=[verified_first])
    assert again.get_params() == {**builder.get_params(),
                                  "groups": {"address": ["street", "city"]}}


# --- on generated people ---------------------------------------------------------------


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    return make_people(5_000, random_state=11)


@pytest.fixture(scope="module")
def people_golden(people: pd.DataFrame) -> gd.GoldenRecords:
    clusters = pd.DataFrame({"unique_id": people["unique_id"], "entity_id": people["person_id"]})
    builder = gd.GoldenRecordBuilder(
        rules={"email": sv.all_values(gd.col("email").email()),
               "phone": sv.all_values(gd.col("phone").phone(), order="recent"),
               "address": sv.most_recent(), "first_name": sv.longest().then(sv.most_frequent())},
        attributes=["first_name", "surname", "dob", "email", "phone"],
        groups={"address": ["street", "city", "postcode"]},
        source="source", timestamp="updated_at")
    return builder.build(people, clusters)


def test_one_golden_record_per_entity(people: pd.DataFrame,
                                      people_golden: gd.GoldenRecords) -> None:
    records = people_golden.records
    assert records["entity_id"].tolist() == sorted(people["person_id"].unique())
    assert records["n_records"].sum() == len(people)


def test_every_golden_value_traces_to_a_real_source_value(
        people: pd.DataFrame, people_golden: gd.GoldenRecords) -> None:
    prov = people_golden.provenance
    source_rows = people.set_index("unique_id").loc[prov["unique_id"]]
    for attribute, rows in prov.groupby("attribute"):
        original = source_rows[attribute].to_numpy()[rows.index]
        assert (original == rows["value"].to_numpy()).all(), attribute
    assert (source_rows["source"].to_numpy() == prov["source"].to_numpy()).all()
    # ... and the value came from a record of that very entity
    assert (source_rows["person_id"].to_numpy() == prov["entity_id"].to_numpy()).all()


def test_every_non_null_golden_value_has_provenance(people_golden: gd.GoldenRecords) -> None:
    records = people_golden.records.set_index("entity_id")
    prov = people_golden.provenance
    for attribute in ["first_name", "surname", "dob", "street", "city", "postcode"]:
        filled = set(records.index[records[attribute].notna()])
        assert filled == set(prov.loc[prov["attribute"] == attribute, "entity_id"]), attribute
    n_emails = records["email"].dropna().map(len).sum()
    assert n_emails == (prov["attribute"] == "email").sum()


def test_most_recent_address_is_the_current_home(people: pd.DataFrame,
                                                 people_golden: gd.GoldenRecords) -> None:
    newest = people.sort_values("updated_at").dropna(subset=["postcode"]).groupby("person_id")
    expected = newest["postcode"].last()
    got = people_golden.records.set_index("entity_id")["postcode"].dropna()
    agree = (expected.reindex(got.index) == got).mean()
    assert agree > 0.97  # differs only where the newest record has no address at all


def test_provenance_of_one_entity(people_golden: gd.GoldenRecords) -> None:
    entity = people_golden.records["entity_id"].iloc[0]
    view = people_golden.provenance_of(entity)
    assert {"first_name", "surname"} <= set(view.index.get_level_values("attribute"))
    with pytest.raises(gd.SchemaError, match="not among the golden records"):
        people_golden.provenance_of("no such entity")


def test_group_gaps_are_completed_from_an_agreeing_record_only() -> None:
    records = frame(
        street=[None, "12 Acacia Road", "9 Old Lane"],
        city=["Leeds", "LEEDS", "York"],
        postcode=["LS6 2QT", "LS6 2QT", None],
        ts=["2025-01-01", "2020-01-01", "2022-01-01"],
    )
    result = build(records, [1, 1, 1], groups=ADDRESS, rules={"address": sv.most_recent()},
                   timestamp="ts")
    assert result.records[["street", "city", "postcode"]].iloc[0].tolist() == [
        "12 Acacia Road", "Leeds", "LS6 2QT"]  # not 9 Old Lane: York disagrees with Leeds
    prov = result.provenance.set_index("attribute")
    assert prov.loc["street", "unique_id"] == "r1"
    assert prov.loc["street", "rule"] == "most_recent, completed"
    assert prov.loc["city", "rule"] == "most_recent"


def test_a_postcode_written_without_its_space_still_agrees() -> None:
    records = frame(street=[None, "12 Acacia Road"], city=["leeds", "Leeds"],
                    postcode=["LS62QT", "LS6 2QT"], ts=["2025-01-01", "2020-01-01"])
    result = build(records, [1, 1], groups=ADDRESS, rules={"address": sv.most_recent()},
                   timestamp="ts")
    assert result.records[["street", "postcode"]].iloc[0].tolist() == [
        "12 Acacia Road", "LS62QT"]  # completed; the winner keeps its own spelling


def test_completion_never_mixes_two_disagreeing_records() -> None:
    records = frame(street=[None, "1 A Road", "2 B Road"], city=[None, "Leeds", "York"],
                    postcode=["LS1 1AA", "LS1 1AA", "LS1 1AA"],
                    ts=["2025-01-01", "2021-01-01", "2020-01-01"])
    result = build(records, [1, 1, 1], groups=ADDRESS, rules={"address": sv.most_recent()},
                   timestamp="ts")
    assert result.records[["street", "city"]].iloc[0].tolist() == ["1 A Road", "Leeds"]


def test_attributes_cannot_overwrite_the_output_columns() -> None:
    records = frame(x=["a"], n_records=[5])
    with pytest.raises(gd.ConfigError, match="'n_records' is a column of the golden records"):
        build(records, [1])


def test_a_column_with_no_values_gives_nulls_and_no_provenance() -> None:
    records = frame(name=["Ann", "Ann", "Bob"], email=[np.nan, np.nan, np.nan])
    result = build(records, [1, 1, 2])
    assert golden_values(result, "email") == [None, None]
    assert set(result.provenance["attribute"]) == {"name"}


def test_values_that_are_lists_count_as_one_value() -> None:
    records = frame(customer_no=["C1", ["C1", "C2"], ["C1", "C2"]])
    result = build(records, [1, 1, 1])
    assert result.records["customer_no"].tolist() == [["C1", "C2"]]
    assert winners(result, "customer_no") == ["r1"]
