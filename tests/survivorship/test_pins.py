"""Pinned values in golden records: a person's value wins over every survivorship rule, for an
entity or for whichever entity holds a record, with provenance; groups stay coherent;
conflicting and unknown pins are refused by name; files load; Spark gives the same."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import golden as gd
from golden import survivorship as sv

ADDRESS = ["street", "city", "postcode"]


def people() -> pd.DataFrame:
    """Two customers: Ann (three records, two sources) and Bob (one record)."""
    return pd.DataFrame({
        "unique_id": ["c1", "w1", "w2", "c2"],
        "source": ["crm", "web", "web", "crm"],
        "name": ["Ann Lee", "ann lee", "Anne Lee", "Bob Ray"],
        "email": ["ann@old.org", "ann@web.org", "ann@web.org", "bob@ray.org"],
        "street": ["1 High St", "2 Low Rd", "2 low rd", "9 Elm St"],
        "city": ["Leeds", "York", None, "Hull"],
        "postcode": ["LS1 1AA", "YO1 2BB", "YO1 2BB", "HU1 1CC"],
        "age": [30, 31, 31, 40],
        "updated_at": ["2024-01-01", "2025-01-01", "2023-01-01", "2022-01-01"],
    })


def clusters(ids: tuple[object, object] = (1, 2)) -> pd.DataFrame:
    ann, bob = ids
    return pd.DataFrame({"unique_id": ["c1", "w1", "w2", "c2"], "entity_id": [ann, ann, ann, bob]})


def builder(**params) -> gd.GoldenRecordBuilder:
    return gd.GoldenRecordBuilder(**{
        "rules": {"address": sv.most_recent()}, "groups": {"address": ADDRESS},
        "source": "source", "timestamp": "updated_at", **params})


def pins(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


def golden(result: gd.GoldenRecords, entity: object, attribute: str) -> object:
    return result.records.set_index("entity_id").at[entity, attribute]


def provenance(result: gd.GoldenRecords, entity: object, attribute: str) -> dict:
    rows = result.provenance_of(entity).loc[attribute]
    assert len(rows) == 1, rows
    return {k: (None if not isinstance(v, list) and pd.isna(v) else v)
            for k, v in rows.iloc[0].to_dict().items()}


# Pins by entity and by record --------------------------------------------------------


def test_a_pin_for_an_entity_gives_its_value_and_says_who_chose_it() -> None:
    result = builder().build(people(), clusters(), pins=pins(
        entity_id=[1], attribute=["email"], value=["ann@new.org"], by=["ana"],
        reason=["customer phoned"]))
    assert golden(result, 1, "email") == "ann@new.org"
    assert golden(result, 2, "email") == "bob@ray.org"  # other entities untouched
    row = provenance(result, 1, "email")
    assert row["rule"] == "pinned by ana: customer phoned"
    assert (row["unique_id"], row["source"], row["timestamp"]) == (None, None, None)
    assert (row["support"], row["candidates"]) == (0, 3)  # no record holds it; 3 offered one


def test_a_pin_through_a_record_follows_the_record_to_its_entity() -> None:
    pinned = pins(unique_id=["w2"], attribute=["name"], value=["Anne Lee"], by=["bo"],
                  reason=["passport"])
    for ids in [(1, 2), (70, 5), ("ann", "bob")]:  # entity ids change between runs
        result = builder().build(people(), clusters(ids), pins=pinned)
        assert golden(result, ids[0], "name") == "Anne Lee"
        assert golden(result, ids[1], "name") == "Bob Ray"
        row = provenance(result, ids[0], "name")
        assert row["rule"] == "pinned by bo: passport"
        # the record it was pinned through, and how many records hold the value
        assert (row["unique_id"], row["source"], row["timestamp"]) == ("w2", "web",
                                                                        "2023-01-01")
        assert row["support"] == 1


def test_a_record_pin_with_its_source_when_ids_repeat_across_sources() -> None:
    records = people().assign(unique_id=["1", "1", "2", "2"])
    linked = clusters().assign(unique_id=records["unique_id"], source=records["source"])
    pinned = pins(unique_id=["1"], source=["web"], attribute=["age"], value=[32])
    result = builder().build(records, linked, pins=pinned)
    assert golden(result, 1, "age") == 32
    assert provenance(result, 1, "age")["source"] == "web"
    with pytest.raises(gd.ConfigError, match=r"record '1' is in several sources \(crm, web\)"):
        builder().build(records, linked, pins=pinned.drop(columns="source"))


@pytest.mark.parametrize(("by", "reason", "rule"), [
    ("ana", "moved house", "pinned by ana: moved house"),
    ("ana", None, "pinned by ana"),
    (None, "moved house", "pinned: moved house"),
    (None, None, "pinned"),
])
def test_provenance_rule_text(by: str | None, reason: str | None, rule: str) -> None:
    result = builder().build(people(), clusters(), pins=pins(
        entity_id=[2], attribute=["name"], value=["Robert Ray"], by=[by], reason=[reason]))
    assert provenance(result, 2, "name")["rule"] == rule


def test_pinned_values_take_the_attributes_type() -> None:
    # from a CSV every value is text: an age pinned as "41" is the number 41
    result = builder().build(people(), clusters(), pins=pins(
        entity_id=["2"], attribute=["age"], value=["41"]))
    assert result.records["age"].tolist() == [31, 41]
    assert result.records["age"].dtype == np.int64
    with pytest.raises(gd.ConfigError, match=r"'age' holds numbers, but it is pinned to "
                                             r"\['forty'\]"):
        builder().build(people(), clusters(), pins=pins(
            entity_id=[2], attribute=["age"], value=["forty"]))


# A pin beats every rule ---------------------------------------------------------------


def by_length(values: pd.Series, records: pd.DataFrame) -> np.ndarray:
    return values.str.len().to_numpy(dtype=float)


@pytest.mark.parametrize("rule", [
    sv.most_recent(), sv.earliest(), sv.most_frequent(), sv.source_priority(["crm", "web"]),
    sv.most_complete(), sv.first_non_null(), sv.longest(), sv.shortest(), sv.minimum(),
    sv.maximum(), sv.custom(by_length), sv.most_frequent().then(sv.most_recent()),
], ids=lambda rule: rule.label)
def test_a_pin_beats_every_rule(rule: sv.Rule) -> None:
    pinned = pins(entity_id=[1], attribute=["name"], value=["A. Lee"], by=["ana"])
    result = builder(rules={"name": rule}).build(people(), clusters(), pins=pinned)
    assert golden(result, 1, "name") == "A. Lee"
    assert provenance(result, 1, "name")["rule"] == "pinned by ana"
    assert golden(result, 2, "name") == "Bob Ray"


def test_a_pin_of_a_list_attribute_is_its_whole_list() -> None:
    rules = {"email": sv.all_values()}
    one = builder(rules=rules).build(people(), clusters(), pins=pins(
        entity_id=[1], attribute=["email"], value=["ann@new.org"]))
    assert golden(one, 1, "email") == ["ann@new.org"]
    several = builder(rules=rules).build(people(), clusters(), pins=pins(
        entity_id=[1], attribute=["email"], value=[["ann@new.org", "ann@web.org"]]))
    assert golden(several, 1, "email") == ["ann@new.org", "ann@web.org"]
    rows = several.provenance_of(1).loc["email"]
    assert rows["value"].tolist() == ["ann@new.org", "ann@web.org"]
    assert rows["support"].tolist() == [0, 2]
    assert golden(several, 2, "email") == ["bob@ray.org"]


def test_pins_hold_over_suppressed_records_and_opt_outs() -> None:
    # suppression says which records' values rules may use; a pin is a person's choice
    records = people().assign(deleted=[True, True, True, False],
                              email_opt_out=[False, False, False, True])
    builder_ = builder(suppress_records="deleted", suppress_values={"email": "email_opt_out"})
    plain = builder_.build(records, clusters())
    assert pd.isna(golden(plain, 1, "name")) and pd.isna(golden(plain, 2, "email"))
    result = builder_.build(records, clusters(), pins=pins(
        unique_id=["c1", "c2"], attribute=["name", "email"],
        value=["Ann Lee", "bob@new.org"]))
    assert golden(result, 1, "name") == "Ann Lee"  # found through a suppressed record
    assert golden(result, 2, "email") == "bob@new.org"
    # no usable record holds it: suppressed values do not count as support
    assert provenance(result, 1, "name")["support"] == 0


# Coherent groups ----------------------------------------------------------------------


def test_pinning_every_part_of_a_group_gives_that_address() -> None:
    result = builder().build(people(), clusters(), pins=pins(
        entity_id=[1, 1, 1], attribute=ADDRESS, value=["5 New Rd", "Bath", "BA1 1AA"],
        by=["ana"] * 3, reason=["moved"] * 3))
    assert [golden(result, 1, c) for c in ADDRESS] == ["5 New Rd", "Bath", "BA1 1AA"]
    assert {provenance(result, 1, c)["rule"] for c in ADDRESS} == {"pinned by ana: moved"}


def test_pinning_one_part_takes_the_rest_from_a_record_holding_it() -> None:
    # most_recent would pick w1 (York); the pinned postcode is c1's, so c1's street and city
    result = builder().build(people(), clusters(), pins=pins(
        entity_id=[1], attribute=["postcode"], value=["ls1 1aa"], by=["ana"]))
    assert [golden(result, 1, c) for c in ADDRESS] == ["1 High St", "Leeds", "ls1 1aa"]
    assert provenance(result, 1, "postcode")["rule"] == "pinned by ana"
    street = provenance(result, 1, "street")
    assert (street["unique_id"], street["rule"]) == ("c1", "most_recent, agreeing with the pin")


def test_the_group_rule_chooses_among_the_records_holding_the_pinned_part() -> None:
    # w1 and w2 both hold YO1 2BB; most_recent picks w1, w2's street only if it were newer
    records = people().assign(updated_at=["2026-01-01", "2023-01-01", "2025-01-01",
                                          "2022-01-01"])
    result = builder().build(records, clusters(), pins=pins(
        entity_id=[1], attribute=["postcode"], value=["YO1 2BB"]))
    assert golden(result, 1, "street") == "2 low rd"  # w2, the newest holding YO1 2BB
    assert golden(result, 1, "city") == "York"  # w2 has no city: completed from w1
    assert provenance(result, 1, "city")["rule"] == "most_recent, agreeing with the pin, " \
                                                    "completed"


def test_a_part_no_record_holds_is_refused_naming_entity_and_group() -> None:
    with pytest.raises(gd.ConfigError) as caught:
        builder().build(people(), clusters(), pins=pins(
            entity_id=[1], attribute=["postcode"], value=["ZZ9 9ZZ"]))
    message = str(caught.value)
    assert "entity 1" in message and "'postcode': 'ZZ9 9ZZ'" in message
    assert "group 'address'" in message and "pin every part" in message


def test_a_group_name_is_not_an_attribute_to_pin() -> None:
    with pytest.raises(gd.ConfigError, match=r"'address' is a group; pin its parts "
                                             r"\(street, city, postcode\)"):
        builder().build(people(), clusters(), pins=pins(
            entity_id=[1], attribute=["address"], value=["5 New Rd, Bath"]))


# Conflicting pins ---------------------------------------------------------------------


def test_two_records_pinned_apart_in_one_entity_without_times_are_refused() -> None:
    # w1 and c1 were two entities when they were pinned; now they are one
    conflicting = pins(unique_id=["c1", "w1"], attribute=["email"] * 2,
                       value=["ann@a.org", "ann@b.org"], by=["ana", "bo"])
    with pytest.raises(gd.ConfigError) as caught:
        builder().build(people(), clusters(), pins=conflicting)
    message = str(caught.value)
    assert "entity 1 has 'email' pinned to 'ann@a.org' (by ana, through record 'c1')" in message
    assert "'ann@b.org' (by bo, through record 'w1')" in message


def test_the_latest_pin_wins_and_a_merge_conflict_is_said() -> None:
    conflicting = pins(unique_id=["c1", "w1"], attribute=["email"] * 2,
                       value=["ann@a.org", "ann@b.org"], at=["2025-03-01", "2025-01-01"])
    with pytest.warns(gd.DataWarning, match="the latest, 'ann@a.org'"):
        result = builder().build(people(), clusters(), pins=conflicting)
    assert golden(result, 1, "email") == "ann@a.org"


def test_a_newer_pin_of_the_same_entity_replaces_the_older_quietly() -> None:
    log = pins(entity_id=[1, 1], attribute=["email"] * 2, value=["ann@a.org", "ann@b.org"],
               at=["2025-01-01", "2025-06-01T10:00:00+02:00"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = builder().build(people(), clusters(), pins=log)
    assert golden(result, 1, "email") == "ann@b.org"


def test_pins_agreeing_on_a_value_are_not_a_conflict() -> None:
    same = pins(unique_id=["c1", "w1"], attribute=["email"] * 2,
                value=["Ann@New.org", "ann@new.org"], by=["ana", "bo"])
    result = builder().build(people(), clusters(), pins=same)
    assert golden(result, 1, "email") == "Ann@New.org"


def test_a_newer_partial_group_pin_replaces_the_whole_older_one() -> None:
    log = pins(entity_id=[1, 1, 1, 1], attribute=[*ADDRESS, "postcode"],
               value=["5 New Rd", "Bath", "BA1 1AA", "YO1 2BB"],
               at=["2024-01-01"] * 3 + ["2025-01-01"])
    result = builder().build(people(), clusters(), pins=log)
    # not 5 New Rd, Bath, YO1 2BB (a mix): the address of the record at YO1 2BB
    assert [golden(result, 1, c) for c in ADDRESS] == ["2 Low Rd", "York", "YO1 2BB"]


# Refused input ------------------------------------------------------------------------


def test_unknown_attribute_is_named_with_the_builders_attributes() -> None:
    with pytest.raises(gd.ConfigError) as caught:
        builder().build(people(), clusters(), pins=pins(
            entity_id=[1], attribute=["emial"], value=["x@y.org"]))
    message = str(caught.value)
    assert "'emial' is not an attribute" in message
    assert "['street', 'city', 'postcode', 'name', 'email', 'age']" in message


def test_unknown_entity_and_record_are_named() -> None:
    with pytest.raises(gd.SchemaError) as caught:
        builder().build(people(), clusters(), pins=pins(
            entity_id=[99, None], unique_id=[None, "x9"], attribute=["email"] * 2,
            value=["a@b.org"] * 2))
    message = str(caught.value)
    assert "entity_id 99 is not among the entities" in message
    assert "pin through one of its records (unique_id)" in message
    assert "record 'x9' (unique_id) is not among the records" in message


@pytest.mark.parametrize(("table", "said"), [
    ({"entity_id": [1], "unique_id": ["c1"], "attribute": ["age"], "value": [3]},
     "give both an entity_id and a unique_id"),
    ({"entity_id": [None], "unique_id": [None], "attribute": ["age"], "value": [3]},
     "give neither"),
    ({"entity_id": [1], "attribute": ["age"], "value": [None]}, "rows [0] have no value"),
    ({"entity_id": [1], "attribute": ["age"], "value": ["  "]}, "rows [0] have no value"),
    ({"entity_id": [1], "attribute": [None], "value": [3]}, "rows [0] have no attribute"),
    ({"entity_id": [1], "attribute": ["age"], "value": [3], "at": ["last week"]},
     "column 'at' holds ['last week']"),
])
def test_malformed_pins_are_refused(table: dict, said: str) -> None:
    with pytest.raises(gd.ConfigError, match=re.escape(said)):
        builder().build(people(), clusters(), pins=pd.DataFrame(table))


def test_a_pins_table_without_its_columns_is_a_schema_error() -> None:
    with pytest.raises(gd.SchemaError, match=r"\['value', 'entity_id or unique_id'\]"):
        builder().build(people(), clusters(), pins=pd.DataFrame({"attribute": ["age"]}))


def test_refused_pins_change_nothing_and_no_pins_change_nothing() -> None:
    records, entities = people(), clusters()
    before = records.copy()
    plain = builder().build(records, entities)
    with pytest.raises(gd.ConfigError):
        builder().build(records, entities, pins=pins(entity_id=[1], attribute=["nope"],
                                                     value=[1]))
    pd.testing.assert_frame_equal(records, before)
    empty = builder().build(records, entities, pins=pins(entity_id=[], attribute=[], value=[]))
    pd.testing.assert_frame_equal(empty.records, plain.records)
    pd.testing.assert_frame_equal(empty.provenance, plain.provenance)


# Files --------------------------------------------------------------------------------


def test_load_pins_from_csv_keeps_text_as_written(tmp_path: Path) -> None:
    path = tmp_path / "pins.csv"
    path.write_text("entity_id,unique_id,attribute,value,by,at,reason\n"
                    "2,,postcode,01234,ana,2025-06-01,moved\n"
                    ",c1,age,33,bo,,birth certificate\n", encoding="utf-8")
    loaded = gd.load_pins(path)
    assert loaded["value"].tolist() == ["01234", "33"]
    assert loaded["at"].iloc[0] == pd.Timestamp("2025-06-01", tz="UTC")
    # ids read as text match the records' numbers
    result = builder(rules=None, groups=None).build(people(), clusters(), pins=loaded)
    assert golden(result, 2, "postcode") == "01234"
    assert golden(result, 1, "age") == 33
    assert provenance(result, 1, "age")["rule"] == "pinned by bo: birth certificate"


def test_load_pins_from_parquet(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    path = tmp_path / "pins.parquet"
    pins(unique_id=["w1"], attribute=["email"], value=["ann@p.org"], by=["ana"],
         at=[pd.Timestamp("2025-01-01", tz="UTC")], reason=["form"]).to_parquet(path)
    loaded = gd.load_pins(path)
    result = builder().build(people(), clusters(), pins=loaded)
    assert golden(result, 1, "email") == "ann@p.org"
    assert provenance(result, 1, "email")["rule"] == "pinned by ana: form"


@pytest.mark.parametrize(("content", "error", "said"), [
    ("attribute,value\nage,3\n", gd.SchemaError, "'entity_id or unique_id'"),
    ("entity_id,attribute,value\n1,age,\n", gd.ConfigError, "have no value"),
])
def test_load_pins_checks_the_file(tmp_path: Path, content: str, error: type, said: str
                                   ) -> None:
    path = tmp_path / "pins.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(error, match=re.escape(said)) as caught:
        gd.load_pins(path)
    assert "pins.csv" in str(caught.value)


def test_load_pins_refuses_other_formats(tmp_path: Path) -> None:
    with pytest.raises(gd.ConfigError, match="neither CSV nor Parquet"):
        gd.load_pins(tmp_path / "pins.xlsx")


def test_the_documented_example_runs() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "golden_records.md").read_text(
        encoding="utf-8")
    section = page.split("## Pinned values", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```python\n(.*?)^```", section, re.S | re.M)
    assert blocks
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "docs/golden_records.md (Pinned values)", "exec"), namespace)


# Spark --------------------------------------------------------------------------------


def test_spark_gives_the_same_pinned_golden_records(spark) -> None:
    records, entities = people(), clusters()
    table = pins(entity_id=[None, None, 2], unique_id=["w2", "c1", None],
                 attribute=["name", "postcode", "email"],
                 value=["Anne Lee", "LS1 1AA", "bob@new.org"],
                 by=["ana", "bo", None], reason=["passport", None, "phoned"])
    expected = builder().build(records, entities, pins=table)
    engine = gd.SparkEngine(spark)
    built = builder(engine=engine).build(
        spark.createDataFrame(records), spark.createDataFrame(entities), pins=table)
    got = engine.to_pandas(built.records).sort_values("entity_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected.records, check_dtype=False)
    keys = ["entity_id", "attribute", "position"]
    want = expected.provenance.astype({"attribute": str}).sort_values(keys)
    have = engine.to_pandas(built.provenance).astype({"attribute": str}).sort_values(keys)
    for column in ("value", "unique_id", "source", "rule", "support", "candidates"):
        assert want[column].astype(str).tolist() == have[column].astype(str).tolist(), column


def test_spark_refuses_the_same_pins_with_the_same_errors(spark) -> None:
    engine = gd.SparkEngine(spark)
    records, entities = spark.createDataFrame(people()), spark.createDataFrame(clusters())
    spark_builder = builder(engine=engine)
    with pytest.raises(gd.SchemaError, match="entity_id 99 is not among"):
        spark_builder.build(records, entities, pins=pins(entity_id=["99"], attribute=["age"],
                                                         value=[3]))
    with pytest.raises(gd.SchemaError, match="record 'x9'"):
        spark_builder.build(records, entities, pins=pins(unique_id=["x9"], attribute=["age"],
                                                         value=[3]))
    with pytest.raises(gd.ConfigError, match="pins conflict: entity 1"):
        spark_builder.build(records, entities, pins=pins(
            unique_id=["c1", "w1"], attribute=["email"] * 2, value=["a@b.org", "c@d.org"]))
    with pytest.raises(gd.ConfigError, match="group 'address'"):
        spark_builder.build(records, entities, pins=pins(
            entity_id=[1], attribute=["postcode"], value=["ZZ9 9ZZ"]))


def test_record_ids_read_as_text_find_records_numbered_by_integers() -> None:
    records = people().assign(unique_id=[11, 12, 13, 14])
    entities = clusters().assign(unique_id=records["unique_id"])
    result = builder().build(records, entities, pins=pins(
        unique_id=["13"], attribute=["name"], value=["Anne Lee"]))
    assert golden(result, 1, "name") == "Anne Lee"
    assert provenance(result, 1, "name")["unique_id"] == 13
