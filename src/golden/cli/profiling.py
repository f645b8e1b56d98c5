"""What ``golden profile`` and ``golden init`` find in a file: the id column, and blocking
rules with the pairs each makes (counted, not built)."""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd

from golden.blocking import analyse_blocking, block_on
from golden.errors import ConfigError
from golden.values import col

SUGGESTED_MAX_PAIRS = 5_000_000  # suggest single-column rules below this many pairs


def find_unique_id(records: pd.DataFrame) -> str:
    """The id column: one with a distinct value on every record, preferring ``unique_id``,
    then ``id``, then a name ending in id (``rec_id``, ``CustomerID``), then the leftmost
    other (not one of decimals or of ISO dates and times, such as ``updated_at``).

    Examples
    --------
    >>> find_unique_id(pd.DataFrame({"name": ["a", "b"], "rec_id": [1, 2], "x": [1, 1]}))
    'rec_id'
    """
    candidates = [c for c in records.columns
                  if records[c].notna().all() and records[c].is_unique
                  and (_id_like(c) < 3 or not _measurement(records[c]))]
    if not candidates:
        raise ConfigError("--unique-id: no column looks like an id column (a distinct value "
                          "on every record, none missing, not dates or decimals); give "
                          "--unique-id COLUMN, or add an id column to the file; columns: "
                          f"{list(records.columns)}")
    return str(min(candidates, key=_id_like))


def _id_like(column: Any) -> int:
    """0 for ``unique_id``, 1 for ``id``, 2 for another name ending in id, else 3."""
    name = str(column)
    lower = name.lower()
    if lower in ("unique_id", "id"):
        return 0 if lower == "unique_id" else 1
    return 2 if re.search(r"(^|[^a-z])id$", lower) or name.endswith(("ID", "Id")) else 3


def _measurement(values: pd.Series) -> bool:
    """Decimals, or ISO dates and times: distinct by chance, not an id."""
    if pd.api.types.is_float_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return True
    if pd.api.types.is_numeric_dtype(values):
        return False
    return bool(values.head(100).astype(str).str.match(r"\d{4}-\d\d-\d\d").all())


def suggest_blocking(records: pd.DataFrame, unique_id: str, top: int = 8) -> pd.DataFrame:
    """Single cleaned columns as blocking rules (``column``), with the ``pairs`` each makes,
    cheapest first; columns whose rule would make more than ``SUGGESTED_MAX_PAIRS`` pairs are
    left out."""
    if unique_id not in records.columns:
        raise ConfigError(f"--unique-id: column {unique_id!r} is not in the input; columns: "
                          f"{list(records.columns)}")
    rows = []
    for column in records.columns:
        if column == unique_id or records[column].nunique() < 2:
            continue
        pairs = rule_pairs(records, block_on(col(column).clean(), max_block_size=None),
                           unique_id)
        if 0 < pairs <= SUGGESTED_MAX_PAIRS:
            rows.append({"column": column, "pairs": pairs})
    return pd.DataFrame(rows, columns=["column", "pairs"]).sort_values("pairs").head(top)


def rule_pairs(records: pd.DataFrame | list[pd.DataFrame], rule: Any, unique_id: str,
               link_type: str = "dedupe") -> int:
    """The candidate pairs one blocking rule makes (counted, without building them); for
    ``link_type="link"``, ``records`` is a list of frames and only pairs across them count.

    Examples
    --------
    >>> frame = pd.DataFrame({"id": [1, 2, 3], "city": ["York", "York", "Hull"]})
    >>> rule_pairs(frame, block_on("city"), "id")
    1
    """
    counted = analyse_blocking(records, [rule], unique_id=unique_id, link_type=link_type)
    return int(counted["pairs"].iloc[0])


def blocking_toml(suggestions: pd.DataFrame, unique_id: str = "unique_id") -> str:
    """The suggested rules as ``[[blocking]]`` tables of a configuration (the format
    ``golden dedupe --config`` reads), each with its pair count as a comment.

    Examples
    --------
    >>> print(blocking_toml(pd.DataFrame({"column": ["dob"], "pairs": [1200]}), "rec_id"))
    unique_id = "rec_id"
    <BLANKLINE>
    # 1,200 pairs
    [[blocking]]
    keys = [{ column = "dob", steps = ["clean"] }]
    """
    parts = [] if unique_id == "unique_id" else [f"unique_id = {toml_string(unique_id)}", ""]
    for row in suggestions.itertuples(index=False):
        parts += [f"# {row.pairs:,} pairs", "[[blocking]]",
                  f'keys = [{{ column = {toml_string(str(row.column))}, steps = ["clean"] }}]',
                  ""]
    return "\n".join(parts).rstrip("\n")


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


__all__ = ["SUGGESTED_MAX_PAIRS", "blocking_toml", "find_unique_id", "rule_pairs",
           "suggest_blocking", "toml_string"]
