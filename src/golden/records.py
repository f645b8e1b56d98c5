"""Prepare input records: validate the schema, number the rows, encode values as integer codes.

Every later stage works on internal row numbers (0..n-1) and on dictionary codes of the
values it needs, computed once per expression and cached on ``Records``.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from golden._base.cells import (
    FIXES,
    INFINITE,
    SURROGATE,
    TYPE,
    bad_cells,
    column_problems,
    problem_text,
)
from golden._base.parallel import PARALLEL_WORK, thread_map, thread_results
from golden._base.progress import progress
from golden.errors import ConfigError, DataWarning, SchemaError
from golden.values import Expr, expand

LINK_TYPES = ("dedupe", "link", "link_and_dedupe")
DEFAULT_SOURCE = "source_dataset"

RecordsInput: TypeAlias = pd.DataFrame | Sequence[pd.DataFrame] | Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class Encoded:
    """Dictionary encoding of one expression: ``values[codes[i]]`` is row i's value (-1: null)."""

    codes: np.ndarray
    values: np.ndarray


class NormalisedMemo:
    """Normalised values remembered across ``Records`` over different rows of the same data
    (successive batches, one record at a time): each raw value is normalised once per
    expression. At most ``limit`` values are kept per expression; past that it starts over.

    Examples
    --------
    >>> from golden import col
    >>> memo = NormalisedMemo()
    >>> memo.normalise(col("name").lower(), pd.Series(["Ann", "BOB"])).tolist()
    ['ann', 'bob']
    >>> memo.normalise(col("name").lower(), pd.Series(["BOB", "Cy"])).tolist()  # Cy is new
    ['bob', 'cy']
    >>> small = NormalisedMemo(limit=2)
    >>> small.normalise(col("name").lower(), pd.Series(["Ann", "Bob"])).tolist()
    ['ann', 'bob']
    >>> small.normalise(col("name").lower(), pd.Series(["Bob", "Cy"])).tolist()  # over: anew
    ['bob', 'cy']
    """

    def __init__(self, limit: int = 100_000) -> None:
        self.limit = limit
        self._tables: dict[Expr, dict[object, object]] = {}
        self._dtypes: dict[Expr, object] = {}

    def normalise(self, expr: Expr, distinct: pd.Series) -> pd.Series:
        """``expr``'s steps applied to distinct raw values."""
        if distinct.empty:
            return expr.apply_to_distinct(distinct, np.zeros(0, dtype=np.int64))
        table = self._tables.setdefault(expr, {})
        raw = distinct.tolist()
        missing = [v for v in dict.fromkeys(raw) if v not in table]
        if missing:
            if len(table) + len(missing) > self.limit:  # start over with these values
                table.clear()
                missing = list(dict.fromkeys(raw))
            computed = expr.apply_to_distinct(pd.Series(missing, dtype=distinct.dtype),
                                              np.arange(len(missing)))
            table.update(zip(missing, computed.tolist(), strict=True))
            self._dtypes[expr] = computed.dtype
        return pd.Series([table[v] for v in raw], dtype=self._dtypes[expr])


class Records:
    """Validated records with internal row numbers and cached encodings.

    Parameters
    ----------
    frame : DataFrame
        The records, one per row (already concatenated across sources).
    unique_id : str
        Column of record ids, unique within a source.
    source : str or None
        Column naming each record's source, or None for a single source.
    memo : NormalisedMemo, optional
        Normalised values shared with other ``Records`` over the same data.
    """

    def __init__(self, frame: pd.DataFrame, unique_id: str, source: str | None,
                 memo: NormalisedMemo | None = None) -> None:
        self.frame = frame.reset_index(drop=True)
        self.memo = memo
        self.unique_id = unique_id
        self.source = source
        self.n = len(self.frame)
        if source is None:
            self.source_codes = np.zeros(self.n, dtype=np.int16)
            self.source_names = np.array([""], dtype=object)
        else:
            codes, names = pd.factorize(self.frame[source], sort=True)
            self.source_codes = codes.astype(np.int16)
            self.source_names = np.asarray(names, dtype=object)
        self._columns: dict[str, tuple[np.ndarray, pd.Series]] = {}
        self._distinct_values: dict[Expr, pd.Series] = {}
        self._values: dict[Expr, pd.Series] = {}
        self._encoded: dict[Expr, Encoded] = {}

    @property
    def ids(self) -> pd.Series:
        """The unique id column."""
        return self.frame[self.unique_id]

    def pair_ids(self, left: np.ndarray, right: np.ndarray) -> dict[str, pd.Series]:
        """``unique_id_l``/``unique_id_r`` (and ``source_l``/``source_r`` for several
        sources) of pairs of row numbers, keeping the columns' dtypes."""
        def take(column: pd.Series, rows: np.ndarray) -> pd.Series:
            return column.take(rows).reset_index(drop=True)

        columns = {"unique_id_l": take(self.ids, left), "unique_id_r": take(self.ids, right)}
        if self.source is None:
            return columns
        sources = self.frame[self.source]
        return {"source_l": take(sources, left), **columns, "source_r": take(sources, right)}

    @property
    def id_rank(self) -> np.ndarray:
        """Each row's rank in (source, unique id) order: an order independent of row order."""
        if not hasattr(self, "_id_rank"):
            keys = [self.ids.to_numpy()]
            if self.source is not None:
                keys.append(self.frame[self.source].to_numpy())
            order = np.lexsort(keys)
            self._id_rank = np.empty(self.n, dtype=np.int64)
            self._id_rank[order] = np.arange(self.n)
        return self._id_rank

    @property
    def n_sources(self) -> int:
        """How many sources the records come from."""
        return len(self.source_names)

    def _distinct(self, column: str) -> tuple[np.ndarray, pd.Series]:
        """A column's row codes and distinct values (cached): every expression on the column
        is computed on its distinct values only."""
        if column not in self._columns:
            values = self.frame[column]
            try:
                codes, uniques = pd.factorize(values, use_na_sentinel=True)
            except TypeError:  # lists of values (multi-valued attributes) are not hashable
                values = values.map(lambda v: tuple(v) if isinstance(v, list | np.ndarray) else v)
                codes, uniques = pd.factorize(values, use_na_sentinel=True)
            self._columns[column] = (codes.astype(np.int32), pd.Series(uniques))
        return self._columns[column]

    def _normalised(self, expr: Expr) -> tuple[np.ndarray, pd.Series]:
        """Row codes into the column's distinct values, and those values normalised.

        Cached per expression, so ``col("email").email().email_user()`` reuses the
        canonical e-mails computed for ``col("email").email()``.
        """
        codes, distinct = self._distinct(expr.column)
        if not expr.steps:
            return codes, distinct
        if expr not in self._distinct_values and self.memo is not None:
            self._distinct_values[expr] = self.memo.normalise(expr, distinct)
        if expr not in self._distinct_values:
            _, base = self._normalised(expr.parent)
            weights = np.bincount(codes[codes >= 0], minlength=len(base))
            previous = expr.steps[-2] if len(expr.steps) > 1 else None
            self._distinct_values[expr] = expr.apply_step(expr.steps[-1], base, weights,
                                                          previous)
        return codes, self._distinct_values[expr]

    def values(self, expr: Expr) -> pd.Series:
        """The expression's values for every row (cached)."""
        if expr not in self._values:
            self._values[expr] = expand(*reversed(self._normalised(expr)))
        return self._values[expr]

    def encode_all(self, exprs: Iterable[Expr], show_progress: bool | None = False) -> None:
        """Encode several expressions ahead of use, on threads: first each input column's
        distinct values, then one column's expressions per thread (in turn, so each reuses
        its parent's values), the largest work first. PyArrow's string kernels and the hash
        tables release the GIL, so columns normalise side by side."""
        by_column: dict[str, list[Expr]] = {}
        for expr in dict.fromkeys(exprs):
            by_column.setdefault(expr.column, []).append(expr)
        n_jobs = None if self.n >= PARALLEL_WORK else 1
        thread_map(self._distinct, by_column, n_jobs=n_jobs)
        work = sorted(by_column.values(), reverse=True,
                      key=lambda column: len(column) * len(self._distinct(column[0].column)[1]))
        done = thread_results(lambda column: [self.encode(expr) for expr in column], work,
                              n_jobs=n_jobs)
        for _ in progress(done, "preparing", show_progress, total=len(work)):
            pass

    def encode(self, expr: Expr) -> Encoded:
        """Integer codes of the expression's values (cached); nulls are -1."""
        if expr not in self._encoded:
            raw_codes, normalised = self._normalised(expr)
            distinct_codes, uniques = pd.factorize(normalised, use_na_sentinel=True)
            codes = np.where(raw_codes >= 0, distinct_codes[np.maximum(raw_codes, 0)]
                             if len(distinct_codes) else -1, -1)
            self._encoded[expr] = Encoded(codes.astype(np.int32), np.asarray(uniques))
        return self._encoded[expr]


def prepare_records(
    data: RecordsInput,
    *,
    unique_id: str,
    source: str | None,
    link_type: str,
    columns: Iterable[str],
    check_repeats: bool = True,
) -> Records:
    """Validate ``data`` and wrap it as ``Records``; report every problem at once.

    ``data`` is one DataFrame, a list of DataFrames (one per source) or a mapping of
    source name to DataFrame. ``check_repeats=False`` leaves repeated ids to a caller that
    finds them on its own way (clustering numbers every id anyway). The values of
    ``columns`` and of the ids are checked as ``checked_values`` says.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": [1, 2], "name": ["a", "b"]})
    >>> prepare_records(df, unique_id="id", source=None, link_type="dedupe", columns=["name"]).n
    2
    >>> prepare_records(df, unique_id="id", source=None, link_type="dedupe", columns=["nme"])
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    golden.errors.SchemaError: column 'nme' (named by the configuration) is missing; did you ...
    """
    named = [f"{name}: got {value!r}, expected a column name" for name, value in
             (("unique_id", unique_id), ("source", source)) if not isinstance(value, str)
             and (name == "unique_id" or value is not None)]
    if named:
        raise ConfigError(named)
    frame, source = _combine_sources(data, source)
    ids = [unique_id, *([source] if source else [])]
    frame, problems = checked_values(frame, [c for c in columns if c not in ids], ids)
    problems = _schema_problems(frame, [*ids, *columns], unique_id, source,
                                check_repeats and not problems) + problems
    if problems:
        raise SchemaError(problems)
    if link_type in ("link", "link_and_dedupe") and (
        source is None or frame[source].nunique() < 2
    ):
        raise ConfigError(
            f"link_type={link_type!r} needs records from at least two sources: pass a list "
            f"of DataFrames, or name a source column with source=..."
        )
    _warn_all_null(frame, [c for c in dict.fromkeys(columns) if c != unique_id])
    return Records(frame, unique_id, source)


def checked_values(frame: pd.DataFrame, columns: Iterable[str], ids: Iterable[str | None]
                   ) -> tuple[pd.DataFrame, list[str]]:
    """``frame`` with the values of ``columns`` golden can read, and the problems it cannot
    work around (each naming the column and the fix); columns absent are left to the
    caller.

    A value of a type golden cannot compare (a dict, a set, bytes, a Decimal...) is a
    problem, and so is any unreadable value of ``ids`` (the id and source columns, passed
    through unchanged; a list is unreadable there). In ``columns``, with a ``DataWarning``:
    text holding a lone surrogate (not valid Unicode) is read with it escaped, so
    ``"Ann\\udcff"`` reads as ``"Ann\\\\udcff"`` (different bad bytes stay different), and an
    infinite number is read as missing. ``frame`` itself is never changed.

    Examples
    --------
    >>> import warnings
    >>> frame = pd.DataFrame({"id": [1, 2], "score": [1.0, float("inf")],
    ...                       "name": pd.Series(["Ann\\udcff", "Bo"], dtype=object)})
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     read, problems = checked_values(frame, ["name", "score"], ["id"])
    >>> read["name"].tolist(), read["score"].tolist(), problems, len(caught)
    (['Ann\\\\udcff', 'Bo'], [1.0, nan], [], 2)
    >>> print(*checked_values(frame.assign(name=[{"a": 1}, "Bo"]), ["name"], ["id"])[1])
    ... # doctest: +NORMALIZE_WHITESPACE
    column 'name': 1 value(s) cannot be read, e.g. the value at position 0 is a dict;
    expected text, a number, a date or a list of those: convert it, or leave the column out
    """
    id_columns = [c for c in ids if c is not None]
    problems: list[str] = []
    repaired: dict[str, pd.Series] = {}
    for column in dict.fromkeys(c for c in [*id_columns, *columns] if c in frame.columns):
        is_id = column in id_columns
        values = frame[column]
        if isinstance(values, pd.DataFrame):
            continue  # a repeated column: said by column_problems
        found = bad_cells(values, lists=not is_id)
        for kind, rows in found.items():
            if is_id or kind == TYPE:
                value = values.iloc[rows[0]]
                said = (f"is a {type(value).__name__}; expected text or a whole number"
                        if is_id and kind == TYPE else problem_text(kind, value))
                problems.append(f"column {column!r}: {len(rows)} value(s) cannot be read"
                                f"{' as ids' if is_id else ''}, e.g. the value at position "
                                f"{rows[0]} {said}")
        if found and not (is_id or TYPE in found):
            repaired[column] = _repaired(column, values, found)
    return (frame.assign(**repaired) if repaired else frame), problems


def _repaired(column: str, values: pd.Series, found: dict[str, np.ndarray]) -> pd.Series:
    """A column with its lone surrogates escaped and its infinite numbers missing."""
    rows = np.sort(np.concatenate(list(found.values())))
    if values.dtype != object:  # numbers: infinite ones only
        fixed = values.mask(np.isin(np.arange(len(values)), rows))
    else:
        fixed = values.copy()
        fixed.iloc[rows] = pd.Series([_readable(v) for v in values.iloc[rows]], dtype=object,
                                     index=fixed.index[rows])
    for kind, said in ((SURROGATE, "hold a lone surrogate (not valid Unicode) and are read "
                        "with it escaped"), (INFINITE, "are infinite and are read as missing")):
        if kind in found:
            warnings.warn(f"column {column!r}: {len(found[kind])} value(s) {said}, e.g. at "
                          f"position {found[kind][0]}: {values.iloc[found[kind][0]]!r}; "
                          f"{FIXES[kind]}", DataWarning, stacklevel=5)
    return fixed


def _readable(value: Any) -> Any:
    """A value with lone surrogates escaped and infinite numbers missing (inside lists too)."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, list | tuple | np.ndarray):
        return [_readable(v) for v in value]
    return None if isinstance(value, float | np.floating) and np.isinf(value) else value


def _combine_sources(data: RecordsInput, source: str | None) -> tuple[pd.DataFrame, str | None]:
    if isinstance(data, pd.DataFrame):
        _refuse_bad_columns(data.columns, "records")
        return data, source
    if isinstance(data, Mapping):
        names, frames = list(data.keys()), list(data.values())
    elif isinstance(data, Sequence) and not isinstance(data, str):
        frames = list(data)
        names = [str(i) for i in range(len(frames))]
    else:
        raise ConfigError(
            f"records: got {type(data).__name__}, expected a DataFrame, a list of DataFrames "
            "or a dict of source name to DataFrame"
        )
    bad = [n for n, f in zip(names, frames, strict=True) if not isinstance(f, pd.DataFrame)]
    if not frames or bad:
        raise ConfigError(f"records: every item must be a DataFrame; not DataFrames: {bad}")
    for name, frame in zip(names, frames, strict=True):
        _refuse_bad_columns(frame.columns, f"records[{name!r}]")
    column = source or DEFAULT_SOURCE
    tagged = [f.assign(**{column: name}) for name, f in zip(names, frames, strict=True)]
    return pd.concat(tagged, ignore_index=True), column


def _refuse_bad_columns(columns: pd.Index, where: str) -> None:
    problems = column_problems(columns, where)
    if problems:
        raise SchemaError(problems)


def _schema_problems(
    frame: pd.DataFrame, needed: list[str], unique_id: str, source: str | None,
    check_repeats: bool = True,
) -> list[str]:
    present = [str(c) for c in frame.columns]
    problems = []
    for column in dict.fromkeys(needed):
        if column not in frame.columns:
            close = difflib.get_close_matches(column, present, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ";"
            problems.append(
                f"column {column!r} (named by the configuration) is missing{hint} "
                f"Columns present: {present}"
            )
    if frame.empty:
        problems.append("the input has no rows: pass at least one record")
    if unique_id in frame.columns and not frame.empty:
        problems.extend(_id_problems(frame, unique_id, source, check_repeats))
    return problems


def _id_problems(frame: pd.DataFrame, unique_id: str, source: str | None,
                 check_repeats: bool = True) -> list[str]:
    ids = frame[unique_id]
    problems = []
    n_null = int(ids.isna().sum())
    if n_null:
        problems.append(f"unique id column {unique_id!r} has {n_null} null value(s); every "
                        "record needs an id")
    if not check_repeats or ids.is_unique:  # unique overall is unique within each source
        return problems
    keys = [unique_id] if source is None or source not in frame.columns else [source, unique_id]
    duplicated = frame.duplicated(subset=keys, keep=False) & ids.notna()
    if duplicated.any():
        examples = ids[duplicated].drop_duplicates().head(5).tolist()
        scope = "" if len(keys) == 1 else " within a source"
        problems.append(
            f"unique id column {unique_id!r} has {int(duplicated.sum())} rows with repeated "
            f"ids{scope}, e.g. {examples}; ids must be unique (drop or rename duplicates)"
        )
    return problems


def _warn_all_null(frame: pd.DataFrame, columns: list[str]) -> None:
    empty = [c for c in columns if frame[c].isna().all()]
    if empty:
        warnings.warn(
            f"column(s) {empty} are entirely null: they cannot help matching",
            DataWarning,
            stacklevel=3,
        )


def validate_link_type(link_type: object) -> list[str]:
    """Problems with a ``link_type`` value (empty when valid)."""
    if link_type in LINK_TYPES:
        return []
    return [f"link_type: got {link_type!r}, expected one of {list(LINK_TYPES)}"]
