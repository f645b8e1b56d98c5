"""What the hostile-input suite shares: small generated people (with a numeric ``age``), a
linker fitted on them in a fraction of a second, ``outcome``, which lets a call end in a
result or a ``GoldenError`` and fails the test on anything else, and ``fuzz``, the
settings of its property tests."""

from __future__ import annotations

import traceback
import warnings
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

import golden as gd
from golden import comparisons as cmp

UNREADABLE = {  # values no comparison can read and no store can hold
    "dict": {"a": 1},
    "set": {"Ann"},
    "bytes": b"Ann",
    "Decimal": Decimal("1.5"),
    "complex": 1j,
    "object": object(),
    "list holding a dict": ["Ann", {"a": 1}],
    "list of lists": [["Ann"]],
}


def make_records(n: int = 600, seed: int = 5) -> pd.DataFrame:
    """Generated people without their truth, ``age`` a float column."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        people = gd.datasets.make_people(n, random_state=seed)
    people = people.drop(columns=["person_id", "household_id"])
    born = pd.to_datetime(people["dob"], errors="coerce", format="mixed")
    return people.assign(age=(2026 - born.dt.year).astype(float))


def fit_linker(records: pd.DataFrame, *, quiet: bool = True) -> gd.Linker:
    """Names, date of birth and age (a number), blocked on surname and date of birth."""
    with warnings.catch_warnings():
        if quiet:
            warnings.simplefilter("ignore")
        return gd.Linker([cmp.name("first_name"), cmp.name("surname"), cmp.date_of_birth("dob"),
                          cmp.absolute_difference("age", [1, 5])],
                         [gd.block_on("surname"), gd.block_on("dob")],
                         random_state=0).fit(records)


def outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    """``("ok", result)`` or ``("error", the GoldenError)``; any other exception fails."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return "ok", call()
    except gd.GoldenError as error:
        return "error", error
    except Exception:  # what the suite exists to catch
        pytest.fail(f"a raw exception escaped:\n{traceback.format_exc()}")


def with_value(records: pd.DataFrame, column: str, position: int, value: Any) -> pd.DataFrame:
    """A copy of ``records`` with one value replaced (the column as objects, but for a
    float in a float column)."""
    copy = records.copy()
    if isinstance(value, float) and copy[column].dtype == float:
        copy.iloc[position, copy.columns.get_loc(column)] = value
        return copy
    values = copy[column].astype(object).tolist()
    values[position] = value
    copy[column] = pd.Series(values, index=copy.index, dtype=object)
    return copy


def fuzz(max_examples: int) -> settings:
    """A property test's settings: few examples, the same ones on every run (derandomized,
    so a run that passes passes again), no deadline (the machine may be busy)."""
    return settings(max_examples=max_examples, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
