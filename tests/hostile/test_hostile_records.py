"""Hostile values in records, in batch (fit, predict, golden records) and in the resolver.

Every case ends in a result, or in a ``GoldenError`` naming the column (batch), or in a
rejection of the one record with the rest of its batch stored (resolver): never a raw
exception from pandas, pyarrow, json or SQLite, never a silent NaN.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hostile_data import UNREADABLE, fit_linker, fuzz, outcome, with_value
from hypothesis import given
from hypothesis import strategies as st

import golden as gd
from golden._base.cells import is_null

FUZZ = fuzz(20)
STORED = fuzz(12)  # each example adds to a store: a tenth of a second


@pytest.fixture
def resolver(linker: gd.Linker, tmp_path: Path):
    with gd.Resolver(tmp_path / "store.db", linker) as opened:
        yield opened


def own_entities(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"unique_id": frame["unique_id"], "entity_id": np.arange(len(frame))})


def stages(linker: gd.Linker, frame: pd.DataFrame) -> dict[str, Any]:
    return {"fit": lambda: fit_linker(frame, quiet=False), "predict": lambda: linker.predict(frame),
            "golden records": lambda: gd.GoldenRecordBuilder().build(frame, own_entities(frame))}


# Values of a type nothing can read ----------------------------------------------------------


@pytest.mark.parametrize("name", UNREADABLE)
def test_batch_refuses_a_value_no_comparison_can_read(records, linker, name) -> None:
    frame = with_value(records, "first_name", 3, UNREADABLE[name])
    for stage, call in stages(linker, frame).items():
        kind, error = outcome(call)
        assert kind == "error" and isinstance(error, gd.SchemaError), stage
        assert "'first_name'" in str(error) and "position 3" in str(error), stage


@pytest.mark.parametrize("name", UNREADABLE)
def test_the_resolver_rejects_that_record_and_stores_the_rest(records, resolver, name) -> None:
    batch = records.iloc[:5].to_dict("records")
    batch[2] = {**batch[2], "first_name": UNREADABLE[name]}
    kind, added = outcome(lambda: resolver.add(batch))
    assert kind == "ok" and added.rejected["position"].tolist() == [2]
    assert "'first_name'" in added.rejected["reason"][0]
    assert len(added.records) == len(resolver) == 4 and resolver.check().ok


# Text that is not valid Unicode, infinite numbers --------------------------------------------


def test_batch_reads_lone_surrogates_escaped_and_says_so(records, linker, tmp_path) -> None:
    frame = with_value(with_value(records, "first_name", 3, "Ann\udcff"),
                       "first_name", 4, "Ann\udcfe")
    for call in stages(linker, frame).values():
        with pytest.warns(gd.DataWarning, match=r"'first_name': 2 value\(s\) hold a lone"):
            built = call()  # the golden records come last
    assert {"Ann\\udcff", "Ann\\udcfe"} <= set(built.records["first_name"])  # told apart
    built.records.to_parquet(tmp_path / "golden.parquet")  # writable as UTF-8 now
    assert frame["first_name"].iloc[3] == "Ann\udcff"  # the caller's frame is untouched


@pytest.mark.parametrize("column", ["first_name", "unique_id"])
def test_the_resolver_rejects_text_that_is_not_unicode(records, resolver, column) -> None:
    batch = records.iloc[:4].to_dict("records")
    batch[1] = {**batch[1], column: "x\udcff"}
    kind, added = outcome(lambda: resolver.add(batch))
    assert kind == "ok" and added.rejected["position"].tolist() == [1]
    assert "lone surrogate" in added.rejected["reason"][0]
    assert len(resolver) == 3 and resolver.check().ok


@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_batch_reads_an_infinite_number_as_missing(records, linker, value) -> None:
    paired = set(linker.predict(records)["unique_id_l"])
    row = int(np.flatnonzero(records["unique_id"].isin(paired) & records["age"].notna())[0])
    frame = with_value(records, "age", row, value)
    with pytest.warns(gd.DataWarning, match=r"'age': 1 value\(s\) are infinite"):
        pairs = linker.predict(frame)
    assert np.isfinite(pairs["match_weight"]).all()
    assert pairs["match_probability"].between(0, 1).all()
    uid = frame["unique_id"].iloc[row]
    touching = pairs[(pairs["unique_id_l"] == uid) | (pairs["unique_id_r"] == uid)]
    assert len(touching) and (touching["gamma_age"] == -1).all()  # compared as missing
    with pytest.warns(gd.DataWarning, match="infinite"):
        built = gd.GoldenRecordBuilder().build(frame, own_entities(frame))
    assert np.isfinite(built.records["age"].dropna()).all()


@pytest.mark.parametrize("typed", [True, False])
def test_the_resolver_rejects_an_infinite_number(records, resolver, typed) -> None:
    batch = records.iloc[:4].copy()
    batch["age"] = batch["age"].astype(float if typed else object)
    batch.iloc[2, batch.columns.get_loc("age")] = -np.inf
    kind, added = outcome(lambda: resolver.add(batch))
    assert kind == "ok" and added.rejected["position"].tolist() == [2]
    assert "'age' is infinite" in added.rejected["reason"][0]
    assert len(resolver) == 3


# Ids -------------------------------------------------------------------------------------

BAD_IDS = {"NaN": float("nan"), "None": None, "repeated": "REPEATED", "surrogate": "x\udcff",
           "dict": {"a": 1}, "list": ["a"], "infinite": float("inf"), "bytes": b"a1"}


@pytest.mark.parametrize("name", BAD_IDS)
def test_batch_refuses_an_id_that_is_missing_repeated_or_unreadable(records, linker,
                                                                    name) -> None:
    value = records["unique_id"].iloc[4] if name == "repeated" else BAD_IDS[name]
    frame = with_value(records, "unique_id", 3, value)
    for stage, call in stages(linker, frame).items():
        kind, error = outcome(call)
        assert kind == "error" and isinstance(error, gd.SchemaError), stage
        assert "unique_id" in str(error), stage


@pytest.mark.parametrize("name", BAD_IDS)
def test_the_resolver_rejects_a_record_whose_id_it_cannot_keep(records, resolver,
                                                               name) -> None:
    batch = records.iloc[:5].to_dict("records")
    batch[3] = {**batch[3], "unique_id": batch[4]["unique_id"] if name == "repeated"
                else BAD_IDS[name]}
    kind, added = outcome(lambda: resolver.add(batch))
    assert kind == "ok"
    assert added.rejected["position"].tolist() == [4 if name == "repeated" else 3]
    assert "unique_id" in added.rejected["reason"].iloc[0]
    assert len(resolver) == 4 and resolver.check().ok


# Column names, records with nothing to compare ------------------------------------------


def renamed(records: pd.DataFrame, problem: str) -> tuple[pd.DataFrame, str]:
    if problem == "repeated":
        return pd.concat([records, records[["surname"]]], axis=1), "'surname' appears 2 times"
    frame = records.copy()
    frame.columns = pd.Index([("ci\udcffty" if c == "city" else c) for c in frame.columns],
                             dtype=object)
    return frame, "lone surrogate"


@pytest.mark.parametrize("problem", ["repeated", "surrogate"])
def test_column_names_golden_cannot_tell_apart_are_refused(records, linker, resolver,
                                                           problem) -> None:
    frame, said = renamed(records.iloc[:40], problem)
    calls = {**stages(linker, frame), "add": lambda: resolver.add(frame)}
    for stage, call in calls.items():
        kind, error = outcome(call)
        assert kind == "error" and isinstance(error, gd.SchemaError), stage
        assert said in str(error), stage
    assert len(resolver) == 0  # the whole batch refused, nothing written


def test_a_record_with_only_an_id_is_an_entity_of_its_own(records, linker, resolver) -> None:
    frame = pd.concat([records.iloc[:60], pd.DataFrame({"unique_id": ["only"]})],
                      ignore_index=True)
    kind, pairs = outcome(lambda: linker.predict(frame))
    assert kind == "ok" and "only" not in set(pairs["unique_id_l"]) | set(pairs["unique_id_r"])
    clusters = linker.cluster(pairs, frame, threshold=0.5)
    assert outcome(lambda: gd.GoldenRecordBuilder().build(frame, clusters))[0] == "ok"
    kind, added = outcome(lambda: resolver.add([{"unique_id": "only"}, {"unique_id": "bare",
                                                                         "surname": None}]))
    assert kind == "ok" and list(added.records["action"]) == ["new entity"] * 2
    assert resolver.golden(int(added.records["entity_id"][0]))["n_records"] == 1
    assert resolver.match({"unique_id": "probe"}).empty and resolver.check().ok


# Any mix of values --------------------------------------------------------------------------

HOSTILE = [*UNREADABLE.values(), "x\udcff", float("inf"), float("-inf")]
ODD_BUT_FINE = ["", " ", "ＡＮＮ", "😀 O'Brien-Smith", "\x00", 0, -1, 2**62, 1.5, None,
                float("nan"), True, dt.date(1850, 1, 1), pd.Timestamp("2020-02-29"),
                ["a", "b"], []]
READ = ["first_name", "surname", "dob", "age"]  # by the linker
COLUMNS = [*READ, "email", "city"]
CELLS = st.lists(st.tuples(st.integers(0, 7), st.sampled_from(COLUMNS),
                           st.sampled_from(range(len(HOSTILE) + len(ODD_BUT_FINE)))),
                 max_size=6)


def planted(frame: pd.DataFrame, cells: list[tuple[int, str, int]]
            ) -> tuple[pd.DataFrame, dict[tuple[int, str], Any]]:
    """``frame`` with the cells' values, and the final value of each cell."""
    values = [*HOSTILE, *ODD_BUT_FINE]
    final = {(row, column): values[i] for row, column, i in cells}
    for (row, column), value in final.items():
        frame = with_value(frame, column, row, value)
    return frame, final


def hostile_rows(final: dict[tuple[int, str], Any]) -> set[int]:
    return {row for (row, _), value in final.items()
            if any(value is h for h in HOSTILE)}


@pytest.fixture(scope="module")
def shared(linker: gd.Linker, tmp_path_factory: pytest.TempPathFactory):
    """One store for every example of a property (each example brings new ids)."""
    with gd.Resolver(tmp_path_factory.mktemp("fuzz") / "store.db", linker) as opened:
        yield opened, itertools.count()


def fresh_ids(frame: pd.DataFrame, counter: Iterator[int]) -> pd.DataFrame:
    return frame.assign(unique_id=[f"fuzz:{next(counter)}" for _ in range(len(frame))])


@STORED
@given(cells=CELLS, start=st.integers(0, 280))
def test_any_mix_of_values_is_stored_or_rejected_record_by_record(records, shared, cells,
                                                                  start) -> None:
    resolver, counter = shared
    batch = fresh_ids(records.iloc[start:start + 8].reset_index(drop=True), counter)
    batch, final = planted(batch, cells)
    before = len(resolver)
    kind, added = outcome(lambda: resolver.add(batch))
    assert kind == "ok"
    assert set(added.rejected["position"]) == hostile_rows(final)
    assert len(added.records) + len(added.rejected) == 8
    assert len(resolver) == before + len(added.records) and resolver.check().ok
    for _, row in added.records.iterrows():  # nothing lost: text reads back as given
        given_row = batch[batch["unique_id"] == row["unique_id"]].iloc[0]
        held = resolver.entity(int(row["entity_id"]))
        held = held[held["unique_id"] == row["unique_id"]].iloc[0]
        for column in ("first_name", "email"):
            value = given_row[column]
            assert (is_null(held[column]) if is_null(value) else
                    not isinstance(value, str) or held[column] == value), column


@FUZZ
@given(cells=CELLS)
def test_any_mix_of_values_is_scored_or_refused_naming_the_column(records, linker,
                                                                  cells) -> None:
    frame, final = planted(records.iloc[:120], cells)
    kind, result = outcome(lambda: linker.predict(frame))
    unreadable = {column for (_, column), value in final.items()  # in a column it reads
                  if any(value is u for u in UNREADABLE.values()) and column in READ}
    if unreadable:
        assert kind == "error" and any(repr(c) in str(result) for c in unreadable)
    else:
        assert kind == "ok" and np.isfinite(result["match_weight"]).all()
        assert result["match_probability"].between(0, 1).all()


@STORED
@given(first=st.text(st.characters(categories=["L", "M", "N", "P", "S", "Z", "C"]),
                     max_size=12),
       last=st.text(max_size=12))
def test_any_text_reads_back_exactly_or_is_rejected(records, shared, first, last) -> None:
    resolver, counter = shared
    record = {**fresh_ids(records.iloc[:1], counter).iloc[0].to_dict(), "first_name": first,
              "surname": last}
    kind, added = outcome(lambda: resolver.add([record]))
    assert kind == "ok"
    valid = all(not 0xD800 <= ord(c) <= 0xDFFF for c in first)
    assert len(added.records) == int(valid) and len(added.rejected) == int(not valid)
    if valid:
        held = resolver.entity(int(added.records["entity_id"][0]))
        held = held[held["unique_id"] == record["unique_id"]].iloc[0]
        assert (held["first_name"], held["surname"]) == (first, last)
