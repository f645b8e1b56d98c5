"""Date comparisons on dates of any year, and the optional date range of their input."""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import golden as gd
from golden import ConfigError, DataWarning
from golden import comparisons as cmp
from golden.comparisons.levels.transforms import as_days, date_parts
from golden.comparisons.vectors import ComparisonIndex
from golden.config import linker_config
from golden.records import prepare_records
from golden.values import per_value


def labelled(comparison: cmp.Comparison, left: list, right: list) -> list[str]:
    """The level label of each (left[i], right[i]) pair of single-input values."""
    frame = pd.DataFrame({"unique_id": range(2 * len(left)),
                          "dob": pd.Series([*left, *right], dtype=object)})
    data = prepare_records(frame, unique_id="unique_id", source=None, link_type="dedupe",
                           columns=["dob"])
    rows = np.arange(len(left))
    labels = dict(comparison.level_labels())
    return [labels[g] for g in ComparisonIndex(comparison, data).gammas(rows, rows + len(left))]


def test_old_dates_of_birth_compare_as_dates() -> None:
    got = labelled(cmp.date_of_birth("dob"),
                   ["1630-08-01", "01/08/1630", "1630-03-04", "1630-08-01", "1630-08-01",
                    "0950-06-01", "2500-12-31"],
                   ["1630-08-01", "1630-08-01", "1630-04-03", "1630-08-20", "1631-03-01",
                    "0950-06-12", "2500-12-10"])
    assert got == ["exact", "exact", "day and month swapped", "within 1 months",
                   "within 1 years", "within 1 months", "within 1 months"]


def test_old_dates_compare_as_dates() -> None:
    got = labelled(cmp.date("dob"), ["1630-08-01", "1630-08-01", "1630-08-01", "1630-08-01"],
                   ["1630-08-01", "1630-08-25", "1632-06-01", "1700-01-01"])
    assert got == ["exact", "within 31 days", "within 3653 days", "else"]


def test_a_date_range_on_the_comparison_makes_dates_outside_it_missing() -> None:
    comparison = cmp.date_of_birth("dob", earliest="1900-01-01")
    assert comparison.inputs == (gd.col("dob").date_text(earliest="1900-01-01"),)
    with pytest.warns(DataWarning, match="outside earliest='1900-01-01'"):
        got = labelled(comparison, ["1630-08-01", "1971-06-01"], ["1630-08-01", "1971-06-01"])
    assert got == ["null", "exact"]
    bounded = cmp.date("dob", latest="2030-12-31")
    assert bounded.inputs == (gd.col("dob").date(latest="2030-12-31"),)


def test_a_range_needs_the_comparison_to_parse_the_dates() -> None:
    with pytest.raises(ConfigError, match="earliest"):
        cmp.date(gd.col("dob").year(), earliest="1900-01-01")
    with pytest.raises(ConfigError, match="latest"):
        cmp.date_of_birth(gd.col("dob").date(), latest="2030-12-31")
    with pytest.raises(ConfigError, match="earliest"):
        cmp.date_of_birth("dob", earliest="1900")


def test_day_counts_and_parts_of_any_year() -> None:
    days = as_days(np.array(["1630-08-01", "0001-01-01", "9999-12-31", "1970-01-02", None,
                             "1630-02-29", "0000-01-01"], dtype=object))
    epoch = dt.date(1970, 1, 1).toordinal()
    expected = [dt.date(1630, 8, 1).toordinal() - epoch, 1 - epoch,
                dt.date(9999, 12, 31).toordinal() - epoch, 1.0, np.nan, np.nan, np.nan]
    np.testing.assert_array_equal(days, expected)
    parts = date_parts(np.array(["1630-08-01", "0950-12-31"], dtype=object))
    assert parts.tolist() == [[1630, 8, 1], [950, 12, 31]]


@settings(max_examples=100, deadline=None)
@given(days=st.lists(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
                     min_size=1, max_size=10))
def test_day_counts_are_the_proleptic_gregorian_ordinal(days: list[dt.date]) -> None:
    texts = [d.isoformat() for d in days]
    expected = [d.toordinal() - dt.date(1970, 1, 1).toordinal() for d in days]
    few = np.array(texts, dtype=object)
    many = np.array(texts + ["zz"] * (per_value.SMALL_INPUT + 1), dtype=object)
    np.testing.assert_array_equal(as_days(few), expected)
    np.testing.assert_array_equal(as_days(many)[:len(texts)], expected)


def test_day_counts_of_datetimes_are_unchanged() -> None:
    values = np.array([pd.Timestamp("1971-06-01 10:00"), dt.date(1971, 6, 2), "1971-06-03"],
                      dtype=object)
    base = np.datetime64("1971-06-01", "D").astype(np.int64)
    np.testing.assert_array_equal(as_days(values), [base, base + 1, base + 2])


def test_a_configuration_passes_the_date_range_on() -> None:
    config = linker_config({
        "comparisons": [{"function": "date_of_birth", "column": "dob", "earliest": "1900-01-01"},
                        {"function": "date", "column": "signup", "latest": "2030-12-31"}],
        "blocking": [{"keys": [{"column": "dob",
                                "steps": [["date", {"earliest": "1900-01-01"}]]}]}],
    })
    dob, signup = config.linker.comparisons
    assert dob.inputs == (gd.col("dob").date_text(earliest="1900-01-01"),)
    assert signup.inputs == (gd.col("signup").date(latest="2030-12-31"),)
    assert config.linker.blocking[0].keys == (gd.col("dob").date(earliest="1900-01-01"),)


def test_a_configuration_reports_a_bad_date_range() -> None:
    with pytest.raises(ConfigError) as info:
        linker_config({
            "comparisons": [{"function": "date_of_birth", "column": "dob", "earliest": "1900"}],
            "blocking": [{"keys": [{"column": "dob", "steps": [["date", {"latest": 2000}]]}]}],
        })
    problems = info.value.problems
    assert any("comparisons[0]" in p and "earliest" in p for p in problems)
    assert any("blocking[0]" in p and "latest" in p for p in problems)


def test_load_config_reads_the_date_range_from_toml(tmp_path) -> None:
    path = tmp_path / "dates.toml"
    path.write_text(
        '[[comparisons]]\nfunction = "date_of_birth"\ncolumn = "dob"\n'
        'earliest = "1800-01-01"\n\n'
        '[[blocking]]\n'
        'keys = [{ column = "dob", steps = [["year", { latest = "2030-12-31" }]] }]\n',
        encoding="utf-8")
    config = gd.load_config(path)
    assert config.linker.comparisons[0].inputs == (
        gd.col("dob").date_text(earliest="1800-01-01"),)
    frame = pd.DataFrame({"unique_id": [1, 2, 3],
                          "dob": ["1630-08-01", "01/08/1630", "2500-01-01"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        pairs = gd.generate_pairs(frame, config.linker.blocking[0])
    assert len(pairs) == 1
