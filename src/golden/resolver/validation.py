"""Reading a batch of records: as a frame, each id and value checked, the accepted records
encoded and the others rejected with a reason."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from golden.errors import ConfigError
from golden.resolver.codecs import encode_records, is_null, value_problem


def as_frame(records: Any) -> pd.DataFrame:
    """Records given as a frame, a dict (one record) or a list of dicts, as a frame.

    Examples
    --------
    >>> as_frame({"unique_id": 1, "name": "Ann"})
       unique_id name
    0          1  Ann
    """
    if isinstance(records, pd.DataFrame):
        return records
    if isinstance(records, Mapping):
        return pd.DataFrame([records])
    if isinstance(records, Iterable) and not isinstance(records, str | bytes):
        items = list(records)
        if all(isinstance(r, Mapping) for r in items):
            return pd.DataFrame(items)
    raise ConfigError(f"records: got {type(records).__name__}, expected a DataFrame, a dict "
                      "(one record) or a list of dicts")


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
        if values.dtype != object:
            continue  # typed columns hold only storable values
        for position, value in enumerate(values.tolist()):
            problem = value_problem(value)
            if problem is not None:
                reasons[position] = "; ".join(
                    filter(None, [reasons[position], f"{column!r} {problem}"]))
    accepted = [i for i, r in enumerate(reasons) if r is None]
    kept = frame.iloc[accepted].copy()
    if len(kept):
        kept[uid] = pd.Series([ids[i] for i in accepted], index=kept.index, dtype=object)
    encoded = dict(zip([ids[i] for i in accepted], encode_records(kept), strict=True))
    rejected = pd.DataFrame(
        [(i, None if is_null(ids[i]) or isinstance(ids[i], list) else ids[i], r)
         for i, r in enumerate(reasons) if r is not None],
        columns=["position", "unique_id", "reason"])
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
