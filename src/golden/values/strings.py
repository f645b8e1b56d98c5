"""The string dtype of text results, and the plumbing every normaliser shares.

Text results have the pandas string dtype with ``NaN`` as the missing value, ``STR``. The
helpers here write any input as such text, map work done once per distinct value back
onto the rows, and turn empty strings into nulls. They read ``STR`` when they run, so one
assignment to it changes the storage every normaliser uses.

Examples
--------
>>> import pandas as pd
>>> as_str(pd.Series([12345.0, None])).tolist()
['12345', nan]
>>> finish(as_str(pd.Series(["a", ""]))).tolist()
['a', nan]
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd


def _resolve_str_dtype() -> pd.StringDtype:
    """The NaN-missing string dtype: ``"str"`` on pandas >= 2.3, ``pyarrow_numpy`` on 2.2."""
    try:
        return pd.StringDtype(na_value=np.nan)
    except TypeError:  # pragma: no cover - pandas < 2.3
        try:
            return pd.StringDtype("pyarrow_numpy")
        except ImportError:
            return pd.StringDtype("python")


#: The dtype of every text result (``pd.StringDtype(na_value=np.nan)``, i.e. ``"str"``).
STR: pd.StringDtype = _resolve_str_dtype()


def as_series(s: Any) -> pd.Series:
    """``s`` as a Series: array-likes are wrapped, anything else is a ``TypeError``.

    Examples
    --------
    >>> as_series(["a", "b"]).tolist()
    ['a', 'b']
    """
    if isinstance(s, pd.Series):
        return s
    if isinstance(s, (pd.Index, np.ndarray, list, tuple, pd.api.extensions.ExtensionArray)):
        return pd.Series(s)
    raise TypeError(f"s: got {type(s).__name__}, expected a pandas Series")


def scalar_to_str(value: Any) -> str | None:
    """Text form of one non-null scalar of an object column (None for a float NaN).

    Examples
    --------
    >>> scalar_to_str(12.0), scalar_to_str(1.5), scalar_to_str(b"ab")
    ('12', '1.5', 'ab')
    """
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        f = float(value)
        if np.isnan(f):
            return None
        if f.is_integer() and abs(f) < 2**53:
            return str(int(f))
        return str(f)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value)


def take(values: Any, codes: np.ndarray, like: pd.Series) -> pd.Series:
    """Map per-distinct text ``values`` back onto rows of ``like``; code -1 gives null.

    Examples
    --------
    >>> import numpy as np
    >>> take(["a", "b"], np.array([1, -1, 0]), pd.Series([0, 1, 2])).tolist()
    ['b', nan, 'a']
    """
    arr = values if getattr(values, "dtype", None) == STR else pd.array(values, dtype=STR)
    taken = arr.take(np.asarray(codes, dtype=np.intp), allow_fill=True)
    return pd.Series(taken, index=like.index, name=like.name, copy=False)


def as_str(s: Any) -> pd.Series:
    """``s`` as a Series of dtype ``STR``, numbers written without a spurious ``.0``.

    Examples
    --------
    >>> as_str(pd.Series([1.0, 2.5, None])).tolist()
    ['1.0', '2.5', nan]
    >>> as_str(pd.Series([7, 1971], dtype=object)).tolist()
    ['7', '1971']
    """
    s = as_series(s)
    dtype = s.dtype
    if dtype == STR:
        return s
    if isinstance(dtype, pd.StringDtype):
        return s.astype(STR)
    if isinstance(dtype, pd.CategoricalDtype):
        cats = as_str(pd.Series(dtype.categories))
        return take(cats.array, s.cat.codes.to_numpy(), s)
    if pd.api.types.is_float_dtype(dtype):
        vals = s.to_numpy(dtype=float, na_value=np.nan)
        finite = vals[~np.isnan(vals)]
        if (
            np.isfinite(finite).all()
            and (finite == np.trunc(finite)).all()
            and (np.abs(finite) < 2**53).all()
        ):
            return s.astype("Int64").astype(STR)
        return s.astype(STR)
    if pd.api.types.is_object_dtype(dtype):
        kind = pd.api.types.infer_dtype(s, skipna=True)
        if kind in ("string", "empty"):
            return s.astype(STR)
        codes, uniques = pd.factorize(s)
        texts = [scalar_to_str(u) for u in np.asarray(uniques, dtype=object)]
        return take(texts, codes, s)
    return s.astype(STR)


def finish(s: pd.Series) -> pd.Series:
    """Cast to ``STR`` and turn empty strings into nulls.

    Examples
    --------
    >>> finish(pd.Series(["x", "", None])).tolist()
    ['x', nan, nan]
    """
    if s.dtype != STR:
        s = s.astype(STR)
    empty = (s.str.len() == 0).fillna(False).astype(bool)
    if empty.any():
        s = s.mask(empty)
    return s


def map_distinct(s: pd.Series, func: Callable[[str], str | None]) -> pd.Series:
    """Apply a scalar ``func`` once per distinct non-null value of a ``STR`` Series.

    Examples
    --------
    >>> map_distinct(as_str(pd.Series(["ab", None, "ab"])), str.upper).tolist()
    ['AB', nan, 'AB']
    """
    codes, uniques = pd.factorize(s)
    results = [func(u) for u in uniques.to_numpy(dtype=object)]
    return take(results, codes, s)


def via_distinct(s: pd.Series, func: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a vectorised ``func`` to the distinct values of ``s`` only, then map back
    (empty results become null).

    Examples
    --------
    >>> via_distinct(as_str(pd.Series(["a", "b", "a"])), lambda u: u + "!").tolist()
    ['a!', 'b!', 'a!']
    """
    codes, uniques = pd.factorize(s)
    out = func(pd.Series(uniques, dtype=STR))
    return take(finish(out).array, codes, s)


def from_arrow(values: Any) -> pd.Series:
    """A pyarrow text array as a Series of dtype ``STR``.

    Examples
    --------
    >>> import pyarrow as pa
    >>> from_arrow(pa.array(["a", None])).tolist()
    ['a', nan]
    """
    return pd.Series(STR.__from_arrow__(values), copy=False)


def holds_text(values: pd.Series) -> bool:
    """Whether ``values`` are of dtype ``object`` or ``STR`` (not numbers or dates).

    Examples
    --------
    >>> holds_text(pd.Series(["a"], dtype=object)), holds_text(pd.Series([1]))
    (True, False)
    """
    return values.dtype == object or values.dtype == STR


def text_like(texts: list[str | None], like: pd.Series) -> pd.Series:
    """``texts`` as a Series of dtype ``STR`` with the index and name of ``like``.

    Examples
    --------
    >>> text_like(["a", None], pd.Series([1, 2], name="x")).tolist()
    ['a', nan]
    """
    return pd.Series(texts, dtype=STR, index=like.index, name=like.name)
