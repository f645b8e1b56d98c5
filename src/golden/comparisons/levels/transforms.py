"""Per-value transforms of the levels: each input's distinct values turned into codes,
numbers or date parts once, then gathered for the left and the right value of each pair.

Each has a plain-Python form for a handful of text values (one record being matched), where
pandas' fixed cost per call would dominate.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd

from golden.values import per_value as pv


def _few_texts(values: np.ndarray) -> bool:
    return len(values) <= pv.SMALL_INPUT and all(
        v is None or isinstance(v, str) for v in values)


def _codes_of(keys: list[Any]) -> np.ndarray:
    """Codes of hashable keys in order of first appearance, -1 for None."""
    index: dict[Any, int] = {}
    return np.array([-1 if k is None else index.setdefault(k, len(index)) for k in keys],
                    dtype=np.int64)


def value_codes(values: np.ndarray) -> np.ndarray:
    """Codes of the values in order of first appearance (equal values, equal codes), -1 for
    null.

    Examples
    --------
    >>> value_codes(np.array(["b", None, "a", "b"], dtype=object)).tolist()
    [0, -1, 1, 0]
    """
    if _few_texts(values):
        return _codes_of(list(values))
    return pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)[0]


def as_number(values: np.ndarray) -> np.ndarray:
    """The values as floats, NaN where a value is not a number.

    Examples
    --------
    >>> as_number(np.array(["1.5", None, "x", 2], dtype=object)).tolist()
    [1.5, nan, nan, 2.0]
    """
    return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(float)


def first_letter(values: np.ndarray) -> np.ndarray:
    """Codes of the values' first letters (equal letters, equal codes), -1 for null.

    Examples
    --------
    >>> first_letter(np.array(["Jo", "J", None, "Al"], dtype=object)).tolist()
    [0, 0, -1, 1]
    """
    if _few_texts(values):
        return _codes_of([v[0] if v else None for v in values])
    return pd.factorize(pd.Series(values, dtype="string").str[0], use_na_sentinel=True)[0]


def text_length(values: np.ndarray) -> np.ndarray:
    """Each value's length in characters, -1 for null.

    Examples
    --------
    >>> text_length(np.array(["Jo", None], dtype=object)).tolist()
    [2, -1]
    """
    if _few_texts(values):
        return np.array([-1 if v is None else len(v) for v in values], dtype=np.int64)
    return pd.Series(values, dtype="string").str.len().fillna(-1).to_numpy(dtype=np.int64)


def date_parts(values: np.ndarray) -> np.ndarray:
    """(year, month, day) codes of ``YYYY-MM-DD`` text of any year, -1 where absent.

    Examples
    --------
    >>> date_parts(np.array(["1990-03-04", None, "1630-08-01"], dtype=object)).tolist()
    [[1990, 3, 4], [-1, -1, -1], [1630, 8, 1]]
    """
    if _few_texts(values):
        parts = [[v and v[:4], v and v[5:7], v and v[8:10]] for v in values]
        if all(not p or (p.isascii() and p.isdigit()) for row in parts for p in row):
            return np.array([[int(p) if p else -1 for p in row] for row in parts],
                            dtype=np.int64).reshape(len(values), 3)
    text = pd.Series(values, dtype="string")
    parts = [text.str[:4], text.str[5:7], text.str[8:10]]
    return np.column_stack([pd.to_numeric(p, errors="coerce").fillna(-1).to_numpy(np.int64)
                            for p in parts])


def as_days(values: np.ndarray) -> np.ndarray:
    """Days since 1970 of dates (ISO text or datetimes) of any year from 0001 to 9999, NaN
    for null or not a date.

    Examples
    --------
    >>> as_days(np.array(["1970-01-02", None, "1970-02-30", "1630-08-01"], dtype=object)).tolist()
    [1.0, nan, nan, -123970.0]
    """
    if _few_texts(values) and all(v is None or _ISO_DAY.fullmatch(v) for v in values):
        return np.array([_iso_days(v) for v in values], dtype=float)
    parsed = pd.to_datetime(pd.Series(values, dtype=object), errors="coerce", format="ISO8601")
    days = parsed.to_numpy(dtype="datetime64[D]", copy=True)
    days[(days < _FIRST_DAY) | (days > _LAST_DAY)] = np.datetime64("NaT")
    out = days.astype("int64").astype(float)
    missing = np.flatnonzero(np.isnat(days))
    out[missing] = np.nan
    # pandas' nanosecond timestamps (pandas 2) hold years 1678 to 2261 only: ISO dates of
    # other years are counted one by one
    for i in missing:
        if isinstance(values[i], str) and _ISO_DAY.fullmatch(values[i]):
            out[i] = _iso_days(values[i])
    return out


_ISO_DAY = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")
# the years of Python's dates, which count the days of the few values
_FIRST_DAY = np.datetime64("0001-01-01", "D")
_LAST_DAY = np.datetime64("9999-12-31", "D")
_EPOCH = dt.date(1970, 1, 1)


def _iso_days(text: str | None) -> float:
    """Days since 1970 of ``YYYY-MM-DD`` text (the proleptic Gregorian ordinal's count);
    NaN for null or an impossible date."""
    if text is None:
        return np.nan
    try:
        return float((dt.date.fromisoformat(text) - _EPOCH).days)
    except ValueError:
        return np.nan
