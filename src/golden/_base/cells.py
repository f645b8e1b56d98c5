"""Values golden cannot read, found column by column.

Three problems: a value of a type golden cannot compare or store (a dict, a set, bytes, a
Decimal...), text holding a lone surrogate (half of a UTF-16 pair, as bytes decoded with
``errors="surrogateescape"`` give: it cannot be written as UTF-8) and an infinite number.

A column's dtype is read first, so a typed column (numbers, dates, pandas text) costs a
glance; only object columns that are not plain text are looked at value by value.

Examples
--------
>>> values = pd.Series(["Ann", {"a": 1}, "Bo\\udcff", float("inf"), None], dtype=object)
>>> {kind: rows.tolist() for kind, rows in bad_cells(values).items()}
{'type': [1], 'surrogate': [2], 'infinite': [3]}
>>> bad_cells(pd.Series([1.0, float("-inf")]))[INFINITE].tolist()
[1]
>>> print(value_problem(b"Ann"))
is a bytes; expected text, a number, a date or a list of those: convert it, or leave the column out
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

TYPE, SURROGATE, INFINITE = "type", "surrogate", "infinite"
SCALARS = (str, bool, int, float, np.generic, dt.date, pd.Timestamp)
UNREADABLE = (bytes, bytearray, complex, np.complexfloating, np.void)
LISTS = (list, tuple, np.ndarray)
# object columns pandas infers to hold only these need no look at each value
CLEAN_KINDS = frozenset({"empty", "integer", "boolean", "date", "datetime", "datetime64"})
FIXES = {  # what to do, by problem
    TYPE: "expected text, a number, a date or a list of those: convert it, or leave the "
          "column out",
    SURROGATE: "fix the file's encoding, or decode it with errors='replace'",
    INFINITE: "give a finite number, or leave the value empty",
}


def is_null(value: Any) -> bool:
    """Whether a scalar is missing (None, NaN, NaT, pd.NA); lists never are.

    Examples
    --------
    >>> is_null(float("nan")), is_null(pd.NaT), is_null([None]), is_null("")
    (True, True, False, False)
    """
    if value is None:
        return True
    if type(value) is str:  # the common case, checked before the slower isinstance
        return False
    if isinstance(value, str | int | list | tuple | np.ndarray | dict | set):
        return False
    if isinstance(value, float):
        return value != value
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def value_kind(value: Any, *, lists: bool = True) -> str | None:
    """Which problem a value has (``TYPE``, ``SURROGATE`` or ``INFINITE``), or None.

    A list (or tuple, or array) of readable scalars is readable, unless ``lists=False``.

    Examples
    --------
    >>> value_kind("Ann"), value_kind(["a", "b"]), value_kind(["a", "b"], lists=False)
    (None, None, 'type')
    >>> value_kind({"a"}), value_kind("\\ud800"), value_kind(np.float32("-inf"))
    ('type', 'surrogate', 'infinite')
    """
    if type(value) is str:
        return None if value.isascii() or _encodes(value) else SURROGATE
    if isinstance(value, LISTS):
        if not lists:
            return TYPE
        kinds = [value_kind(v, lists=False) for v in value]
        return next((k for k in kinds if k is not None), None)
    if isinstance(value, UNREADABLE) or not (isinstance(value, SCALARS) or is_null(value)):
        return TYPE
    if isinstance(value, str):  # a subclass of str, e.g. numpy's
        return None if _encodes(value) else SURROGATE
    if isinstance(value, float | np.floating) and math.isinf(value):
        return INFINITE
    return None


def value_problem(value: Any) -> str | None:
    """Why a value cannot be read or stored, or None.

    Examples
    --------
    >>> value_problem([1, {"a": 1}]).split(";")[0]
    'holds dict values'
    >>> value_problem(float("inf")), value_problem(3.5)
    ('is infinite; give a finite number, or leave the value empty', None)
    """
    kind = value_kind(value)
    return None if kind is None else problem_text(kind, value)


def problem_text(kind: str, value: Any) -> str:
    """What is wrong with a value of a ``kind`` of problem, and what to do."""
    if kind == TYPE:
        inner = next((v for v in value if value_kind(v, lists=False) is not None), None) \
            if isinstance(value, LISTS) else None
        if inner is not None:
            return f"holds {type(inner).__name__} values; {FIXES[kind]}"
        return f"is a {type(value).__name__}; {FIXES[kind]}"
    if kind == SURROGATE:
        return f"holds a lone surrogate (text that is not valid Unicode); {FIXES[kind]}"
    return f"is infinite; {FIXES[kind]}"


def bad_cells(values: pd.Series, *, lists: bool = True) -> dict[str, np.ndarray]:
    """The positions of a column's unreadable values, by problem (problems found only).

    ``lists=False`` counts lists as unreadable (an id column).
    """
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        return {kind: np.flatnonzero(np.isin(codes, rows)) for kind, rows in
                bad_cells(pd.Series(values.cat.categories), lists=lists).items()}
    if pd.api.types.is_float_dtype(dtype):
        return _infinite(values.to_numpy(dtype=np.float64, na_value=np.nan))
    if _readable_dtype(dtype):
        return {}
    inferred = (pd.api.types.infer_dtype(values, skipna=True)
                if pd.api.types.is_object_dtype(dtype) else "")
    if inferred in CLEAN_KINDS or (inferred == "string" and _all_encode(values)):
        return {}
    if inferred in ("floating", "mixed-integer-float"):
        try:
            return _infinite(pd.to_numeric(values).to_numpy(dtype=np.float64,
                                                            na_value=np.nan))
        except (TypeError, ValueError, OverflowError):
            pass  # looked at value by value below
    kinds = np.array([value_kind(v, lists=lists) for v in values.tolist()], dtype=object)
    return {kind: np.flatnonzero(kinds == kind) for kind in (TYPE, SURROGATE, INFINITE)
            if (kinds == kind).any()}


def column_problems(columns: Iterable[Any], where: str = "records") -> list[str]:
    """Column names golden cannot tell apart or store: repeated, or not valid Unicode.

    Examples
    --------
    >>> print(*column_problems(["id", "name", "name", "ok\\udcff"]), sep="\\n")
    ... # doctest: +NORMALIZE_WHITESPACE
    records: column 'name' appears 2 times; rename or drop the copies
        (e.g. records.loc[:, ~records.columns.duplicated()])
    records: column name 'ok\\udcff' holds a lone surrogate (not valid Unicode); rename it
    """
    problems = [f"{where}: column {name!r} appears {count} times; rename or drop the copies "
                "(e.g. records.loc[:, ~records.columns.duplicated()])"
                for name, count in Counter(list(columns)).items() if count > 1]
    problems += [f"{where}: column name {name!r} holds a lone surrogate (not valid Unicode); "
                 "rename it" for name in dict.fromkeys(columns)
                 if isinstance(name, str) and value_kind(name) == SURROGATE]
    return problems


def _readable_dtype(dtype: Any) -> bool:
    """Numbers, booleans, dates and pandas text: readable by construction."""
    return not pd.api.types.is_object_dtype(dtype) and (
        pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_integer_dtype(dtype)
        or pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_string_dtype(dtype))


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _all_encode(values: pd.Series) -> bool:
    """Whether every text of an object column of text encodes as UTF-8 (checked in C)."""
    try:
        pa.array(values.to_numpy(), type=pa.string(), from_pandas=True)
    except (UnicodeEncodeError, pa.ArrowException):
        return False
    return True


def _infinite(numbers: np.ndarray) -> dict[str, np.ndarray]:
    rows = np.flatnonzero(np.isinf(numbers))
    return {INFINITE: rows} if rows.size else {}
