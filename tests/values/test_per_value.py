"""The per-value forms of the normalisers give exactly what the vectorised kernels give."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from golden.datasets import make_people
from golden.values import per_value as _per_value
from golden.values.registry import NORMALISERS

STEPS = [(name,) for name, normaliser in NORMALISERS.items()
         if normaliser.per_value is not None and name not in ("first", "last")]
STEPS += [("first", 1), ("first", 3), ("last", 2), ("phone", "1"), ("phone", "+353"),
          ("date_iso", "1900-01-01"), ("date_iso", None, "2030-12-31"),
          ("date_text", "1630-08-01", "2100-01-01")]

# Letters, digits, the punctuation and whitespace the kernels treat specially, accents,
# ligatures and case-mapping oddities, zero-width characters.
ALPHABET = ("abcxyzABCXYZ0123456789 \t\n\u00a0\u2009@+.-_'’,/()#ºª"
            "éÉñÑçüßẞæøłİıǅ\u200b\u0301")
TEXT = st.text(alphabet=ALPHABET, max_size=24)
VALUE = st.one_of(TEXT, st.none(), st.integers(-10**6, 10**12), st.floats(allow_nan=True),
                  st.sampled_from(["1971-06-01", "2024-02-29", "2023-02-29", "1849-12-31",
                                   "1971-6-1", "01/06/1971", "1630-08-01", "0950-01-01",
                                   "2500-12-31", "0000-01-01", "1630-02-29", "01/08/1630",
                                   "16300801", "18401192", "john.smith+x@GoogleMail.com",
                                   " a.b@example.co.uk ", "+44 (0)7700 900123 ext. 12",
                                   "0044 7700900123", "447700900123", "221B Baker St"]))


def _both(step: tuple, values: list) -> tuple[pd.Series, pd.Series]:
    series = pd.Series(values, dtype=object)
    vectorised = NORMALISERS[step[0]].vectorised(series, *step[1:])
    return _per_value.run(step[0], series, *step[1:]), vectorised


@pytest.mark.parametrize("step", STEPS, ids=lambda s: "-".join(map(str, s)))
@settings(max_examples=60, deadline=None)
@given(values=st.lists(VALUE, min_size=1, max_size=24))
def test_per_value_forms_equal_the_vectorised_kernels(step: tuple, values: list) -> None:
    fast, vectorised = _both(step, values)
    assert fast.dtype == vectorised.dtype
    pd.testing.assert_series_equal(fast, vectorised)


@pytest.mark.parametrize("step", STEPS, ids=lambda s: "-".join(map(str, s)))
def test_per_value_forms_on_generated_customers(step: tuple) -> None:
    people = make_people(400, random_state=3)
    for column in ["first_name", "surname", "dob", "email", "phone", "street", "postcode"]:
        values = people[column].tolist()
        for start in range(0, len(values), _per_value.SMALL_INPUT):
            fast, vectorised = _both(step, values[start:start + _per_value.SMALL_INPUT])
            pd.testing.assert_series_equal(fast, vectorised)


def test_a_value_the_form_is_unsure_of_goes_to_the_vectorised_kernel() -> None:
    values = pd.Series(["1971-06-01", "1 June 1971", np.nan], dtype=object)
    assert _per_value.run("date_iso", values).tolist() == ["1971-06-01", "1971-06-01", np.nan]
    assert not _per_value.is_iso_dates(values)


def test_large_inputs_use_the_vectorised_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    counting = replace(NORMALISERS["clean_text"], vectorised=lambda s: calls.append(len(s)) or s)
    monkeypatch.setitem(NORMALISERS, "clean_text", counting)
    _per_value.run("clean_text", pd.Series(["a"] * (_per_value.SMALL_INPUT + 1)))
    _per_value.run("clean_text", pd.Series(["a"] * _per_value.SMALL_INPUT))
    assert calls == [_per_value.SMALL_INPUT + 1]


LEVEL_TRANSFORMS = ["value_codes", "first_letter", "text_length", "date_parts", "as_days"]


@pytest.mark.parametrize("name", LEVEL_TRANSFORMS)
@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(st.none(), TEXT, st.sampled_from(
    ["1971-06-01", "1955-11-92", "1971", "+1971-06-01", "19 1-0 -1", "", "éa",
     "1600-01-01", "2262-05-01", "2024-02-29", "2023-02-29", "1971-06-01T10:00",
     "0950-01-01", "0001-01-01", "9999-12-31", "0000-01-01", "1630-02-29", "1630-08-01T10:00"])),
    min_size=1, max_size=24))
def test_level_transforms_of_a_few_values_equal_the_pandas_path(name: str, values: list
                                                                ) -> None:
    from golden.comparisons.levels import transforms

    transform = getattr(transforms, name)
    few = np.array(values, dtype=object)
    # padding past SMALL_INPUT sends the same values down the pandas path
    padded = np.array(values + ["zz"] * (_per_value.SMALL_INPUT + 1), dtype=object)
    np.testing.assert_array_equal(transform(few), transform(padded)[:len(values)])


@pytest.mark.parametrize("name", ["metaphone", "date_iso", "clean_text"])
def test_run_list_equals_run(name: str) -> None:
    values = ["John", None, "1971-06-01", "1/6/1971", "  Zoë O'Brien "]
    expected = _per_value.run(name, pd.Series(values, dtype=object))
    got = _per_value.run_list(name, values)
    assert got == [None if pd.isna(v) else v for v in expected]
    many = values * 300  # past SMALL_INPUT: the vectorised kernel
    assert _per_value.run_list(name, many) == got * 300


@pytest.mark.parametrize("names", [("lower", "strip_accents", "collapse_spaces"),
                                   ("clean_text", "metaphone"), ("email", "email_domain")])
@settings(max_examples=60, deadline=None)
@given(values=st.lists(VALUE, min_size=1, max_size=24))
def test_run_steps_equals_the_steps_one_after_another(names: tuple, values: list) -> None:
    series = pd.Series(values, dtype=object)
    chained = series
    for name in names:
        chained = NORMALISERS[name].vectorised(chained)
    pd.testing.assert_series_equal(_per_value.run_steps(names, series), chained,
                                   check_dtype=False)
