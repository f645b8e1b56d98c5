"""Reading a batch of records: as a frame, each id and value checked, the accepted records
encoded and the others rejected with a reason."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from golden._base.cells import (
    SURROGATE,
    bad_cells,
    column_problems,
    is_null,
    problem_text,
    value_kind,
)
from golden.errors import ConfigError, SchemaError
from golden.resolver.codecs import encode_records


def as_frame(records: Any) -> pd.DataFrame:
    """Records given as a frame, a dict (one record) or a list of dicts, as a frame; a
    ``SchemaError`` for column names that repeat or are not valid Unicode.

    Examples
    --------
    >>> as_frame({"unique_id": 1, "name": "Ann"})
       unique_id name
    0          1  Ann
    """
    if isinstance(records, Mapping):
        records = [records]
    if isinstance(records, pd.DataFrame):
        frame = records
    elif isinstance(records, Iterable) and not isinstance(records, str | bytes):
        items = list(records)
        if not all(isinstance(r, Mapping) for r in items):
            raise ConfigError(f"records: got a {type(records).__name__} of "
                              f"{sorted({type(r).__name__ for r in items})}, expected a "
                              "DataFrame, a dict (one record) or a list of dicts")
        frame = _frame_of_dicts(items)
    else:
        raise ConfigError(f"records: got {type(records).__name__}, expected a DataFrame, a "
                          "dict (one record) or a list of dicts")
    problems = column_problems(frame.columns)
    if problems:
        raise SchemaError(problems)
    return frame


def _frame_of_dicts(records: list[Mapping[str, Any]]) -> pd.DataFrame:
    """A frame of dicts; as objects where text is not valid Unicode (pandas' text cannot
    hold it), so those records are rejected one by one."""
    try:
        return pd.DataFrame(records)
    except UnicodeEncodeError:
        names = pd.Index(list(dict.fromkeys(k for r in records for k in r)), dtype=object)
        return pd.DataFrame(records, columns=names, dtype=object)


def validate(frame: pd.DataFrame, unique_id: str,
             forgotten: Callable[[list[Any]], set[Any]]) -> tuple[dict[Any, str], pd.DataFrame]:
    """The accepted records as JSON by id, and the rejected ones: ``position``,
    ``unique_id`` (when readable) and ``reason``. ``forgotten`` tells which ids may not
    return.

    Examples
    --------
    >>> frame = pd.DataFrame({"unique_id": [1, 1, None], "name": ["Ann", "Bob", "Cy"]})
    >>> encoded, rejected = validate(frame, "unique_id", lambda ids: set())
    >>> encoded
    {1: '{"name": "Ann", "unique_id": 1}'}
    >>> rejected["reason"].tolist()
    ['unique_id 1 appears more than once in this batch', 'no unique_id (every record needs one)']
    """
    uid = unique_id
    ids = frame[uid].tolist() if uid in frame.columns else [None] * len(frame)
    reasons = [_id_problem(uid, value) for value in ids]
    ids = [plain_id(v) if r is None else v for v, r in zip(ids, reasons, strict=True)]
    tombstoned = forgotten([v for v, r in zip(ids, reasons, strict=True) if r is None])
    seen: set[Any] = set()
    for position, value in enumerate(ids):
        if reasons[position] is not None:
            continue
        if value in seen:
            reasons[position] = f"{uid} {value!r} appears more than once in this batch"
        elif value in tombstoned:
            reasons[position] = f"{uid} {value!r} was forgotten on request and may not return"
        seen.add(value)
    for column, values in frame.items():
        if column == uid:
            continue  # said above
        for kind, rows in bad_cells(values).items():  # each value looked at only if needed
            for position in rows.tolist():
                problem = problem_text(kind, values.iloc[position])
                reasons[position] = "; ".join(
                    filter(None, [reasons[position], f"{column!r} {problem}"]))
    accepted = [i for i, r in enumerate(reasons) if r is None]
    kept = frame.iloc[accepted].copy()
    if len(kept):
        kept[uid] = pd.Series([ids[i] for i in accepted], index=kept.index, dtype=object)
    encoded = dict(zip([ids[i] for i in accepted], encode_records(kept), strict=True))
    bad = [i for i, r in enumerate(reasons) if r is not None]
    rejected = pd.DataFrame({
        "position": pd.Series(bad, dtype=np.int64),
        "unique_id": pd.Series([None if is_null(ids[i]) or isinstance(ids[i], list) else ids[i]
                                for i in bad], dtype=object),  # as given, even unreadable
        "reason": pd.Series([reasons[i] for i in bad], dtype=object)})
    return encoded, rejected


def plain_id(value: Any) -> Any:
    """A record id as stored: whole floats as ints, numpy scalars as Python ones.

    Examples
    --------
    >>> plain_id(np.float64(3.0)), plain_id(np.int64(4)), plain_id("a")
    (3, 4, 'a')
    """
    if isinstance(value, float | np.floating):
        return int(value)
    return value.item() if isinstance(value, np.generic) else value


def _id_problem(column: str, value: Any) -> str | None:
    if isinstance(value, bool | np.bool_):
        return f"{column} {value!r} is a boolean; expected text or a whole number"
    if isinstance(value, str) and value_kind(value) == SURROGATE:
        return f"{column} {value!r} {problem_text(SURROGATE, value)}"
    if isinstance(value, str | int | np.integer):
        return None
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return f"no {column} (every record needs one)"
        if float(value).is_integer():
            return None
    if value is None or value is pd.NA:
        return f"no {column} (every record needs one)"
    return f"{column} {value!r} is a {type(value).__name__}; expected text or a whole number"
