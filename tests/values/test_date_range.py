"""Dates of any year are dates: parsed in every format, kept by the date steps, and warned
about only for what they are (not dates at all, or outside a range the user asked for)."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from golden import DataWarning, col
from golden._base.spec import spec_from_dict
from golden.errors import ConfigError
from golden.values import dates, strings
from golden.values import per_value as _per_value


def _evaluate(expr: Any, values: list[Any]) -> tuple[list[Any], list[str]]:
    """The expression's values (None for null) and the messages of its data warnings."""
    frame = pd.DataFrame({"dob": pd.Series(values, dtype=object)})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = expr.evaluate(frame)
    messages = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
    return [None if pd.isna(v) else v for v in out], messages


def _texts(day: dt.date) -> list[str]:
    """The date written in each default format, with a four-digit year."""
    y, m, d = f"{day.year:04d}", day.month, day.day
    month, mon = day.strftime("%B"), day.strftime("%b")
    return [f"{y}-{m:02d}-{d:02d}", f"{y}{m:02d}{d:02d}", f"{d:02d}/{m:02d}/{y}", f"{d}/{m}/{y}",
            f"{d:02d}-{m:02d}-{y}", f"{d:02d}.{m:02d}.{y}", f"{y}/{m:02d}/{d:02d}",
            f"{d} {month} {y}", f"{d} {mon.upper()} {y}", f"{d:02d}-{mon}-{y}",
            f"{d}-{month}-{y}", f"{month} {d}, {y}", f"{mon} {d} {y}",
            f"{y}-{m:02d}-{d:02d}T10:30Z", f"{d:02d}/{m:02d}/{y} 10:30",
            f" {d:02d}/{m:02d}/{y} "]  # fmt: skip


# --------------------------------------------------------------------------- #
# any year
# --------------------------------------------------------------------------- #


def test_date_step_keeps_old_and_far_future_dates_without_warning() -> None:
    values = ["1630-08-01", "2500-12-31", "0950-01-01", "01/08/1630", "1971-06-01", None]
    out, messages = _evaluate(col("dob").date(), values)
    assert out == ["1630-08-01", "2500-12-31", "0950-01-01", "1630-08-01", "1971-06-01", None]
    assert messages == []


@pytest.mark.parametrize("day", [dt.date(1630, 8, 1), dt.date(950, 1, 1), dt.date(2500, 12, 31),
                                 dt.date(1677, 9, 20), dt.date(2262, 4, 12), dt.date(1, 1, 1),
                                 dt.date(9999, 12, 31)], ids=str)
def test_every_format_reads_any_year(day: dt.date) -> None:
    texts = _texts(day)
    values = [*texts, day, dt.datetime.combine(day, dt.time(5, 30)), np.datetime64(day, "D")]
    out, failed = dates.parse_date(pd.Series(values, dtype=object))
    assert failed == 0
    assert np.datetime_as_string(out.to_numpy(), unit="D").tolist() == [day.isoformat()] * len(
        values)
    assert dates.date_iso(pd.Series(texts)).tolist() == [day.isoformat()] * len(texts)


def test_date_keys_of_old_dates() -> None:
    s = pd.Series(["1 August 1630", "0950-01-01", "31/12/2500"])
    assert dates.year(s).tolist() == ["1630", "0950", "2500"]
    assert dates.month(s).tolist() == ["08", "01", "12"]
    assert dates.year_month(s).tolist() == ["1630-08", "0950-01", "2500-12"]
    assert dates.date_text(s).tolist() == ["1630-08-01", "0950-01-01", "2500-12-31"]


def test_parse_date_gives_seconds_so_any_year_fits() -> None:
    out, failed = dates.parse_date(pd.Series(["1630-08-01", "1971-06-01 10:30", None]))
    assert out.dtype == np.dtype("datetime64[s]")
    assert out.tolist()[:2] == [pd.Timestamp("1630-08-01"), pd.Timestamp("1971-06-01")]
    assert out.dt.year.tolist()[:2] == [1630, 1971]
    assert failed == 0


def test_datetime_columns_of_any_unit_and_year() -> None:
    old = pd.Series(np.array(["1630-08-01T05:00", "2500-12-31", "NaT"], dtype="datetime64[s]"))
    out, failed = dates.parse_date(old)
    assert out.tolist()[:2] == [pd.Timestamp("1630-08-01"), pd.Timestamp("2500-12-31")]
    assert failed == 0
    assert dates.date_iso(old).tolist() == ["1630-08-01", "2500-12-31", np.nan]


@pytest.mark.parametrize("value", ["0000-01-01", "00000101", "01/01/0000", "1630-02-29",
                                   "31/02/1630", "1630-13-01"])
def test_impossible_dates_of_any_year_are_not_dates(value: str) -> None:
    out, failed = dates.parse_date(pd.Series([value]))
    assert out.isna().all() and failed == 1


@settings(max_examples=60, deadline=None)
@given(day=st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_any_day_round_trips_through_every_format(day: dt.date) -> None:
    out = dates.date_iso(pd.Series(_texts(day)))
    assert out.tolist() == [day.isoformat()] * len(out)
    assert dates.date_iso(out).tolist() == out.tolist()


# --------------------------------------------------------------------------- #
# an explicit range
# --------------------------------------------------------------------------- #


def test_earliest_treats_older_dates_as_missing_and_says_so() -> None:
    values = ["1630-08-01", "01/08/1630", "1971-06-01", "2500-12-31", None]
    out, messages = _evaluate(col("dob").date(earliest="1900-01-01"), values)
    assert out == [None, None, "1971-06-01", "2500-12-31", None]
    assert len(messages) == 1
    assert "'dob'" in messages[0] and "outside earliest='1900-01-01'" in messages[0]
    assert "2 value(s)" in messages[0] and "1630-08-01" in messages[0]
    assert "not dates" not in messages[0] and "recognised" not in messages[0]


def test_latest_and_both_bounds() -> None:
    values = ["1630-08-01", "1971-06-01", "2500-12-31"]
    out, messages = _evaluate(col("dob").date(latest="2030-12-31"), values)
    assert out == ["1630-08-01", "1971-06-01", None]
    assert "outside latest='2030-12-31'" in messages[0]
    out, messages = _evaluate(col("dob").year(earliest="1900-01-01", latest="2030-12-31"), values)
    assert out == [None, "1971", None]
    assert "outside earliest='1900-01-01' / latest='2030-12-31'" in messages[0]


def test_bounds_are_inclusive_and_apply_to_every_date_step() -> None:
    s = pd.Series(["1900-01-01", "31/12/1899", "2000-12-31", "2001-01-01"])
    bounds = {"earliest": "1900-01-01", "latest": "2000-12-31"}
    assert dates.date_iso(s, **bounds).tolist() == ["1900-01-01", np.nan, "2000-12-31", np.nan]
    assert dates.year(s, **bounds).tolist() == ["1900", np.nan, "2000", np.nan]
    assert dates.month(s, **bounds).tolist() == ["01", np.nan, "12", np.nan]
    assert dates.year_month(s, **bounds).tolist() == ["1900-01", np.nan, "2000-12", np.nan]
    assert dates.date_text(s, **bounds).tolist() == ["1900-01-01", np.nan, "2000-12-31", np.nan]
    parsed, failed = dates.parse_date(s, **bounds)
    assert parsed.notna().tolist() == [True, False, True, False]
    assert failed == 0  # dates outside the range are dates, not failures


def test_ranges_with_python_string_storage(monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        monkeypatch.setattr(strings, "STR", pd.StringDtype("python", na_value=np.nan))
    except TypeError:  # pandas < 2.3 has no such dtype
        pytest.skip("pandas < 2.3")
    s = pd.Series(["19551192", "1840-01-01", "1971-06-01", None, "1 Aug 1630"])
    assert dates.date_text(s, earliest="1900-01-01").tolist() == [
        "1955-11-92", np.nan, "1971-06-01", np.nan, np.nan]
    assert dates.year(s, latest="1900-01-01").tolist() == [np.nan, "1840", np.nan, np.nan,
                                                           "1630"]


def test_date_text_keeps_typos_but_not_dates_outside_the_range() -> None:
    s = pd.Series(["19551192", "18401192", "1840-01-01", "soon"])
    assert dates.date_text(s).tolist() == ["1955-11-92", "1840-11-92", "1840-01-01", np.nan]
    assert dates.date_text(s, earliest="1900-01-01").tolist() == [
        "1955-11-92", np.nan, np.nan, np.nan]


def test_not_dates_and_dates_outside_the_range_are_warned_about_separately() -> None:
    values = ["31/02/1971", "soon", "soon", "1630-08-01", "1971-06-01", ""]
    out, messages = _evaluate(col("dob").date(earliest="1900-01-01"), values)
    assert out == [None, None, None, None, "1971-06-01", None]
    not_dates = [m for m in messages if "not dates" in m]
    outside = [m for m in messages if "outside" in m]
    assert len(not_dates) == len(outside) == 1 and len(messages) == 2
    assert "3 value(s)" in not_dates[0] and "'31/02/1971'" in not_dates[0]
    assert "'soon'" in not_dates[0] and "1630" not in not_dates[0]
    assert "formats=" in not_dates[0]
    assert "1 value(s)" in outside[0] and "'1630-08-01'" in outside[0]
    assert "earliest" in outside[0]


def test_a_valid_date_is_never_called_unrecognised() -> None:
    _, messages = _evaluate(col("dob").date(), ["1630-08-01", "0950-01-01", "soon"])
    assert len(messages) == 1 and "not dates" in messages[0]
    assert "1630" not in messages[0] and "0950" not in messages[0]


def test_a_few_iso_values_outside_the_range_are_warned_about() -> None:
    # the per-value path (a handful of ISO dates) warns as the vectorised one does
    _, messages = _evaluate(col("dob").date_text(latest="1999-12-31"), ["2001-01-01"])
    assert len(messages) == 1 and "outside latest='1999-12-31'" in messages[0]


@pytest.mark.parametrize("bounds", [{"earliest": "1900"}, {"latest": "01/01/1900"},
                                    {"earliest": 1900}, {"latest": "1900-02-30"},
                                    {"earliest": dt.date(1900, 1, 1)}], ids=repr)
def test_bad_bounds_are_config_errors(bounds: dict) -> None:
    name = next(iter(bounds))
    with pytest.raises(ConfigError, match=rf"^{name}: got"):
        dates.parse_date(pd.Series(["1971-06-01"]), **bounds)
    with pytest.raises(ConfigError, match=name):
        col("dob").date(**bounds)


def test_earliest_after_latest_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="earliest: got '2000-01-01', after latest"):
        dates.date_iso(pd.Series(["1971-06-01"]), earliest="2000-01-01", latest="1900-01-01")
    with pytest.raises(ConfigError, match="after latest"):
        col("dob").month(earliest="2000-01-01", latest="1900-01-01")


def test_bounds_are_part_of_the_expression() -> None:
    assert col("dob").date().steps == (("date_iso",),)
    bounded = col("dob").date(earliest="1900-01-01")
    assert bounded.steps == (("date_iso", "1900-01-01"),)
    assert col("dob").date_text(latest="2030-12-31").steps == (
        ("date_text", None, "2030-12-31"),)
    assert bounded != col("dob").date()
    assert spec_from_dict(bounded.to_dict()) == bounded


# --------------------------------------------------------------------------- #
# the per-value path agrees
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("step", [("date_iso",), ("date_iso", "1900-01-01"),
                                  ("date_text", None, "2030-12-31"),
                                  ("date_text", "1630-08-01", "1971-06-01")], ids=str)
def test_per_value_forms_of_old_dates_equal_the_kernel(step: tuple) -> None:
    values = pd.Series(["1630-08-01", "0950-01-01", "2500-12-31", "1971-06-01", "0000-01-01",
                        "1630-02-29", "19551192", None], dtype=object)
    from golden.values.registry import NORMALISERS

    vectorised = NORMALISERS[step[0]].vectorised(values, *step[1:])
    pd.testing.assert_series_equal(_per_value.run(step[0], values, *step[1:]), vectorised)
    assert _per_value.evaluate(col("dob").date(), "1630-08-01") == "1630-08-01"
    assert _per_value.is_iso_dates(pd.Series(["1630-08-01", "2500-12-31", None]))
