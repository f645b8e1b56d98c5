"""Truth handling shared by the metrics: the column names, truth labels and sources checked and
encoded to integer codes, and the checks and warning every metric gives alike."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from golden.errors import ConfigError, DataWarning, SchemaError
from golden.evaluate.counting import IntArray

UNIQUE_ID_L = "unique_id_l"
UNIQUE_ID_R = "unique_id_r"
UNIQUE_ID = "unique_id"
ENTITY_ID = "entity_id"
MATCH_PROBABILITY = "match_probability"


def truth_series(truth: pd.Series | pd.DataFrame) -> pd.Series:
    """Truth labels as a Series indexed by unique_id.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"unique_id": [1, 2], "person": ["x", "x"]})
    >>> truth_series(frame).to_dict()
    {1: 'x', 2: 'x'}
    """
    if isinstance(truth, pd.DataFrame):
        if UNIQUE_ID not in truth.columns:
            raise SchemaError(
                "truth: column 'unique_id' is missing; expected 'unique_id' and one label "
                f"column; present columns: {list(truth.columns)}"
            )
        others = [column for column in truth.columns if column != UNIQUE_ID]
        if len(others) != 1:
            raise SchemaError(
                "truth: expected 'unique_id' and exactly one label column; "
                f"present columns: {list(truth.columns)}"
            )
        labels = truth.set_index(UNIQUE_ID)[others[0]]
    elif isinstance(truth, pd.Series):
        labels = truth
    else:
        raise ConfigError(
            f"truth: expected a pandas Series or DataFrame, got {type(truth).__name__}"
        )
    if labels.index.hasnans:
        raise SchemaError("truth: unique_id contains nulls")
    if labels.index.has_duplicates:
        raise SchemaError("truth: unique_id must be unique; each record has one truth label")
    return labels


def source_on(ids: pd.Index, source: pd.Series) -> IntArray:
    """Source codes of ``ids``; every id must have a non-null source.

    Examples
    --------
    >>> import pandas as pd
    >>> source = pd.Series(["a", "b", "a"], index=[1, 2, 3])
    >>> source_on(pd.Index([3, 2]), source)
    array([0, 1])
    """
    if not isinstance(source, pd.Series):
        raise ConfigError(
            f"source: expected a pandas Series indexed by unique_id, got {type(source).__name__}"
        )
    if source.index.has_duplicates:
        raise SchemaError("source: unique_id index must be unique")
    if source.isna().any():
        raise SchemaError(f"source: {int(source.isna().sum())} null values")
    position = source.index.get_indexer(ids)
    absent = position < 0
    if absent.any():
        examples = list(ids[absent][:3])
        raise SchemaError(
            f"source: no value for {int(absent.sum())} unique_id values, e.g. {examples}"
        )
    return pd.factorize(source)[0].astype(np.int64)[position]


def factorize_ids(
    parts: list[tuple[str, pd.Series | pd.Index]],
) -> tuple[list[IntArray], pd.Index]:
    """Encode several id collections to shared integer codes; nulls are a SchemaError.

    Examples
    --------
    >>> import pandas as pd
    >>> (left, right), uniques = factorize_ids([("pairs", pd.Series(["a", "b"])),
    ...                                         ("pairs", pd.Series(["b", "c"]))])
    >>> left, right, list(uniques)
    (array([0, 1]), array([1, 2]), ['a', 'b', 'c'])
    """
    indexes = [pd.Index(values) for _, values in parts]
    codes, uniques = pd.factorize(indexes[0].append(indexes[1:]))
    split = np.split(codes.astype(np.int64), np.cumsum([len(ix) for ix in indexes])[:-1])
    for (name, _), part in zip(parts, split, strict=True):
        if (part < 0).any():
            raise SchemaError(f"{name}: {int((part < 0).sum())} null unique_id values")
    return split, pd.Index(uniques)


def dense_codes(values: pd.Series) -> IntArray:
    """Integer codes of ``values``; each null gets a code of its own (a singleton).

    Examples
    --------
    >>> import pandas as pd
    >>> dense_codes(pd.Series(["x", None, "x", None]))
    array([0, 1, 0, 2])
    """
    codes = pd.factorize(values)[0].astype(np.int64)
    missing = codes < 0
    codes[missing] = codes.max(initial=-1) + 1 + np.arange(np.count_nonzero(missing))
    return codes


def require_columns(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    """Raise if ``frame`` (the parameter ``name``) is not a DataFrame with ``columns``.

    Examples
    --------
    >>> import pandas as pd
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a"], "pairs")
    >>> require_columns(pd.DataFrame({"a": [1]}), ["b"], "pairs")
    Traceback (most recent call last):
    ...
    golden.errors.SchemaError: pairs: column 'b' is missing; present columns: ['a']
    """
    if not isinstance(frame, pd.DataFrame):
        raise ConfigError(f"{name}: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise SchemaError(
            [
                f"{name}: column {column!r} is missing; present columns: {list(frame.columns)}"
                for column in missing
            ]
        )


def warn_absent(n_absent: int, what: str, *, stacklevel: int) -> None:
    """Warn that ``n_absent`` ids of ``what`` are unknown to the truth (silent when none).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_absent(2, "pairs", stacklevel=2)
    >>> str(caught[0].message)[:44]
    '2 unique_id values in pairs are absent from '
    """
    if n_absent:
        warnings.warn(
            f"{n_absent} unique_id values in {what} are absent from truth and were treated "
            "as singleton entities (check that the id dtypes match)",
            DataWarning,
            stacklevel=stacklevel,
        )
