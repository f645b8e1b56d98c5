"""How the resolver writes values into its store: records and prepared comparison inputs as
JSON text (dates and timestamps tagged), and keyed hashes of the values it must not hold in
plaintext.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from golden._base.cells import is_null


class Hasher:
    """Keyed hashes (HMAC-BLAKE2b) of values, so keys and identifiers are stored without
    their plaintext.

    Examples
    --------
    >>> hasher = Hasher(b"k" * 32)
    >>> hasher.integer("smith") == hasher.integer("smith") != hasher.integer("smyth")
    True
    >>> len(hasher.text("record-1"))
    32
    """

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def integer(self, value: str) -> int:
        """A signed 64-bit keyed hash (an SQLite integer)."""
        digest = hashlib.blake2b(value.encode(), digest_size=8, key=self.secret).digest()
        return int.from_bytes(digest, "big", signed=True)

    def integers(self, values: Sequence[str] | np.ndarray) -> np.ndarray:
        """``integer`` of each value."""
        return np.fromiter((self.integer(v) for v in values), dtype=np.int64, count=len(values))

    def text(self, value: Any) -> str:
        """A hex keyed hash of a record id (for tombstones and the audit log)."""
        message = json.dumps(value).encode()
        return hmac.new(self.secret, message, hashlib.blake2b).hexdigest()[:32]


# Record values as JSON -----------------------------------------------------------------


def encode_record(record: dict[str, Any]) -> str:
    """A record as JSON text: nulls dropped, keys sorted, dates and timestamps tagged.

    Examples
    --------
    >>> encode_record({"b": float("nan"), "a": pd.Timestamp("2024-01-02"), "n": np.int64(3)})
    '{"a": {"$t": "2024-01-02T00:00:00"}, "n": 3}'
    """
    kept = {k: encode_value(v) for k, v in record.items() if not is_null(v)}
    return json.dumps(kept, sort_keys=True, ensure_ascii=False, allow_nan=False)


def encode_records(frame: pd.DataFrame) -> list[str]:
    """``encode_record`` of every row, column by column.

    Examples
    --------
    >>> encode_records(pd.DataFrame({"a": [1.0, None], "b": ["x", "y"]}))
    ['{"a": 1.0, "b": "x"}', '{"b": "y"}']
    """
    columns = _json_columns(frame)
    names = sorted(columns)
    return [json.dumps({n: columns[n][0][i] for n in names if columns[n][1][i]},
                       ensure_ascii=False, allow_nan=False) for i in range(len(frame))]


def encode_groups(frame: pd.DataFrame, starts: Sequence[int]) -> list[str]:
    """Each run of rows ``starts[k]:starts[k + 1]`` (the last to the end) as one JSON object
    of column lists (nulls as null): ``pd.DataFrame(decode_record(text))`` reads it back.

    Examples
    --------
    >>> encode_groups(pd.DataFrame({"a": [1, 2, 3], "b": ["x", None, "z"]}), [0, 2])
    ['{"a": [1, 2], "b": ["x", null]}', '{"a": [3], "b": ["z"]}']
    >>> encode_groups(pd.DataFrame({"a": []}), [])
    []
    """
    columns = {name: [v if keep else None for v, keep in zip(*listed, strict=True)]
               for name, listed in _json_columns(frame).items()}
    ends = [*starts[1:], len(frame)] if len(starts) else []
    return [json.dumps({n: values[s:e] for n, values in columns.items()},
                       ensure_ascii=False, allow_nan=False) for s, e in zip(starts, ends,
                                                                            strict=True)]


def _json_columns(frame: pd.DataFrame) -> dict[str, tuple[list[Any], list[bool]]]:
    """Per column, its values as JSON holds them and whether each is present."""
    columns = {}
    for name, values in frame.items():
        present = values.notna().to_numpy() if values.dtype != object else np.array(
            [not is_null(v) for v in values], dtype=bool)
        if values.dtype == object or pd.api.types.is_datetime64_any_dtype(values):
            listed = [encode_value(v) if keep else None
                      for v, keep in zip(values.tolist(), present, strict=True)]
        else:
            listed = values.tolist()
        columns[str(name)] = (listed, present.tolist())
    return columns


def decode_record(text: str) -> Any:
    """The record ``encode_record`` wrote.

    Examples
    --------
    >>> decode_record('{"a": {"$t": "2024-01-02T00:00:00"}, "n": 3}')
    {'a': Timestamp('2024-01-02 00:00:00'), 'n': 3}
    """
    return load_json(text, _decode_tagged)


def decode_many(texts: Sequence[str]) -> list[Any]:
    """``decode_record`` of each text, parsed in one call.

    Examples
    --------
    >>> decode_many(['{"a": 1}', '{"d": {"$d": "2024-01-02"}}'])
    [{'a': 1}, {'d': datetime.date(2024, 1, 2)}]
    """
    joined = f"[{','.join(texts)}]"
    return load_json(joined, _decode_tagged if '{"$' in joined else None)


def load_json(text: str, object_hook: Any = None) -> Any:
    """JSON read back from the store; text nested too deeply to read (written by no
    golden) is a ``json.JSONDecodeError``, as any other damage is."""
    try:
        return json.loads(text, object_hook=object_hook)
    except RecursionError as exc:
        raise json.JSONDecodeError("nested too deeply", text[:100], 0) from exc


def encode_prepared(values: Sequence[Any]) -> str:
    """Prepared values as a JSON list (dates and timestamps tagged, as in records).

    Examples
    --------
    >>> text = encode_prepared(["ann", None, pd.Timestamp("2024-01-02"), ("a", "b")])
    >>> text
    '["ann", null, {"$t": "2024-01-02T00:00:00"}, ["a", "b"]]'
    >>> decode_prepared([text])
    [['ann', None, Timestamp('2024-01-02 00:00:00'), ('a', 'b')]]
    """
    return json.dumps([None if is_null(v) else encode_value(v) for v in values],
                      ensure_ascii=False, allow_nan=False)


def decode_prepared(texts: Sequence[str]) -> list[list[Any]]:
    """The prepared values ``encode_prepared`` wrote, one list per text (lists come back as
    tuples, as ``Records`` holds them)."""
    return [[tuple(v) if isinstance(v, list) else v for v in values]
            if "[" in text[1:] else values  # a row without lists is read as it is
            for text, values in zip(texts, decode_many(texts), strict=True)]


def encode_value(value: Any) -> Any:
    """A value as JSON can hold it (dates and timestamps tagged)."""
    if type(value) is str:
        return value
    if isinstance(value, list | tuple | np.ndarray):
        return [None if is_null(v) else encode_value(v) for v in value]
    if isinstance(value, pd.Timestamp | dt.datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _decode_tagged(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "$t" in obj:
            return pd.Timestamp(obj["$t"])
        if "$d" in obj:
            return dt.date.fromisoformat(obj["$d"])
    return obj


def frame_of(rows: Sequence[tuple[int, str]]) -> pd.DataFrame:
    """Decoded records ``(row_id, json)`` as a frame indexed by row id, in the given order."""
    frame = pd.DataFrame.from_records(decode_many([data for _, data in rows]))
    frame.index = pd.Index([row for row, _ in rows], name="row_id", dtype=np.int64)
    return frame
