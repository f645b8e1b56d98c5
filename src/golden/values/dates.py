"""Dates: parsing from common formats, and date keys (ISO date, year, month).

Examples
--------
>>> import pandas as pd
>>> date_iso(pd.Series(["1/6/1971", "1 June 1971", "not a date"])).tolist()
['1971-06-01', '1971-06-01', nan]
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from golden.errors import ConfigError
from golden.values.contact import digits_only
from golden.values.normaliser import Decline, Normaliser, plain
from golden.values.strings import as_series, as_str, finish, take
from golden.values.text import WHITESPACE, collapse_spaces

__all__ = ["NORMALISERS", "date_iso", "date_text", "month", "parse_date", "year", "year_month"]

_DATETIME = "datetime64[ns]"
_MIN_YEAR = 1850
_MAX_YEAR = 2100

_FORMATS_DAYFIRST: tuple[str, ...] = (
    "%Y-%m-%d",
    "%Y%m%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%B-%Y",
    "%d-%b-%Y",
    "%B %d %Y",
    "%b %d %Y",
)
_FORMATS_MONTHFIRST: tuple[str, ...] = (
    "%Y-%m-%d",
    "%Y%m%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    *_FORMATS_DAYFIRST[4:],
)
_TIME_RE = (
    f"(?i)(?:T|[{WHITESPACE}]+)[0-9]{{1,2}}:[0-9]{{2}}(?::[0-9]{{2}}(?:[.,][0-9]+)?)?"
    f"[{WHITESPACE}]*(?:am|pm)?[{WHITESPACE}]*(?:z|utc|gmt|[+-][0-9]{{2}}:?[0-9]{{2}})?$"
)
_ORDINAL_RE = r"(?i)\b([0-9]{1,2})(?:st|nd|rd|th)\b"


def _check_date_options(formats: Any, dayfirst: Any) -> tuple[str, ...]:
    problems = []
    if not isinstance(dayfirst, (bool, np.bool_)):
        problems.append(f"dayfirst: got {dayfirst!r}, expected True or False")
    fmts: tuple[str, ...] = ()
    if formats is None:
        fmts = _FORMATS_DAYFIRST if dayfirst else _FORMATS_MONTHFIRST
    elif (
        isinstance(formats, str)
        or not isinstance(formats, Sequence)
        or len(formats) == 0
        or not all(isinstance(f, str) and f for f in formats)
    ):
        problems.append(
            f"formats: got {formats!r}, expected None or a non-empty tuple of "
            "strftime format strings such as ('%d/%m/%Y', '%Y-%m-%d')"
        )
    else:
        fmts = tuple(formats)
    if problems:
        raise ConfigError(problems)
    return fmts


def _in_range(values: pd.Series) -> np.ndarray:
    years = values.dt.year.to_numpy(dtype=float, na_value=np.nan)
    return (years >= _MIN_YEAR) & (years <= _MAX_YEAR)


def _to_timestamp(value: Any) -> Any:
    nat = np.datetime64("NaT", "ns")
    try:
        ts = pd.Timestamp(value)
    except (ValueError, OverflowError, TypeError):
        return nat
    if ts is pd.NaT:
        return nat
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    if not _MIN_YEAR <= ts.year <= _MAX_YEAR:
        return nat
    return ts.as_unit("ns").to_datetime64()


def _parse_distinct(
    s: Any, formats: Any, dayfirst: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Series]:
    """Parse the distinct values of ``s``.

    Returns the factorize codes, the parsed distinct values (``datetime64[ns]``),
    a per-distinct "failed" flag, and the Series itself.
    """
    fmts = _check_date_options(formats, dayfirst)
    s = as_series(s)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    codes, uniques = pd.factorize(s)
    n = len(uniques)
    parsed = np.full(n, np.datetime64("NaT"), dtype=_DATETIME)
    blank = np.zeros(n, dtype=bool)

    if pd.api.types.is_datetime64_dtype(uniques.dtype):
        u = pd.Series(uniques)
        ok = _in_range(u)
        parsed[ok] = u[ok].to_numpy(dtype=_DATETIME)
    else:
        values = np.asarray(uniques, dtype=object)
        is_date = np.fromiter(
            (isinstance(v, (_dt.date, np.datetime64)) for v in values), dtype=bool, count=n
        )
        for i in np.flatnonzero(is_date):
            parsed[i] = _to_timestamp(values[i])
        todo = np.flatnonzero(~is_date)
        if len(todo):
            text = as_str(pd.Series(values[todo], dtype=object))
            text = text.str.replace(",", " ", regex=False)
            if formats is None:
                text = text.str.replace(_TIME_RE, "", regex=True)
                text = text.str.replace(_ORDINAL_RE, r"\1", regex=True)
            text = collapse_spaces(text)
            blank[todo] = text.isna().to_numpy()
            remaining = ~blank[todo]
            for fmt in fmts:
                if not remaining.any():
                    break
                cand_pos = np.flatnonzero(remaining)
                cand = text.iloc[cand_pos]
                if fmt == "%Y%m%d":
                    shape = cand.str.fullmatch("[0-9]{8}", na=False).to_numpy(dtype=bool)
                    cand, cand_pos = cand[shape], cand_pos[shape]
                    if len(cand) == 0:
                        continue
                got = pd.to_datetime(cand, format=fmt, errors="coerce")
                if isinstance(got.dtype, pd.DatetimeTZDtype):
                    got = got.dt.tz_localize(None)
                ok = _in_range(got)
                parsed[todo[cand_pos[ok]]] = got[ok].to_numpy(dtype=_DATETIME)
                remaining[cand_pos[ok]] = False

    parsed = parsed.astype("datetime64[D]").astype(_DATETIME)  # dates: drop the time of day
    failed = np.isnat(parsed) & ~blank
    return np.asarray(codes, dtype=np.intp), parsed, failed, s


def parse_date(
    s: pd.Series,
    *,
    formats: Sequence[str] | None = None,
    dayfirst: bool = True,
) -> tuple[pd.Series, int]:
    """Parse dates written in common formats.

    With ``formats=None`` these are tried in turn, each vectorised on the
    values still unparsed (and only once per distinct value):
    ``YYYY-MM-DD``, ``YYYYMMDD``, ``DD/MM/YYYY``, ``MM/DD/YYYY``,
    ``DD-MM-YYYY``, ``DD.MM.YYYY``, ``YYYY/MM/DD``, ``D Month YYYY``,
    ``D Mon YYYY``, ``D-Month-YYYY``, ``D-Mon-YYYY``, ``Month D YYYY`` and
    ``Mon D YYYY`` (English month names, any case). Day and month may have
    one digit. Commas are ignored, as are ordinal suffixes ("1st June 1971")
    and a trailing time of day ("1971-06-01T10:30:00Z"). With
    ``dayfirst=False`` ``MM/DD/YYYY`` is tried before ``DD/MM/YYYY``; either
    way the other order is the fallback for slash dates that only parse that
    way ("06/25/1971"). Two-digit years are not parsed by default (the century
    is a guess); pass ``formats`` with ``%y`` to accept them.

    Datetime input is taken as it is: a datetime64 column, ``datetime.date``,
    ``datetime.datetime``, ``pd.Timestamp`` or ``np.datetime64`` values in an
    object column, and time-zone-aware datetimes (their local wall time is
    kept). Whole numbers such as ``19710601`` are read as text. The result is
    a date: any time of day is dropped (values are at midnight). Dates with a
    year before 1850 or after 2100 are treated as unparseable.

    Parameters
    ----------
    s : pandas.Series
        Date text, datetimes, or a mix.
    formats : sequence of str, optional
        Formats to try instead of the defaults, in order (``pd.to_datetime``
        ``format`` strings, e.g. ``("%d/%m/%y",)``). No other clean-up than
        trimming and ignoring commas is done then.
    dayfirst : bool, default True
        Whether ambiguous slash dates are day first. Ignored with ``formats``.

    Returns
    -------
    parsed : pandas.Series
        dtype ``datetime64[ns]``; NaT for null, blank and unparseable values.
    failed : int
        Number of rows with a non-null, non-blank value that did not parse.

    Raises
    ------
    ConfigError
        If ``formats`` or ``dayfirst`` is invalid.

    Examples
    --------
    >>> import pandas as pd
    >>> parsed, failed = parse_date(pd.Series(["1971-06-01", "01/06/1971", "1 June 1971",
    ...                                        "19710601", "31/02/1971", None]))
    >>> parsed.dt.strftime("%Y-%m-%d").tolist()
    ['1971-06-01', '1971-06-01', '1971-06-01', '1971-06-01', nan, nan]
    >>> failed
    1
    """
    codes, parsed, failed, s = _parse_distinct(s, formats, dayfirst)
    counts = np.bincount(codes[codes >= 0], minlength=len(parsed))
    n_failed = int(counts[failed].sum())
    values = np.append(parsed, np.datetime64("NaT", "ns")).take(codes)
    return pd.Series(values, index=s.index, name=s.name, dtype=_DATETIME), n_failed


def _date_format(s: Any, fmt: str, formats: Any, dayfirst: Any) -> pd.Series:
    codes, parsed, _, s = _parse_distinct(s, formats, dayfirst)
    texts = pd.DatetimeIndex(parsed).strftime(fmt)
    return finish(take(np.asarray(texts, dtype=object), codes, s))


def date_iso(
    s: pd.Series, *, formats: Sequence[str] | None = None, dayfirst: bool = True
) -> pd.Series:
    """Date as ``"YYYY-MM-DD"`` text, a comparable key; see ``parse_date``.

    Parameters
    ----------
    s : pandas.Series
        Date text, datetimes, or a mix.
    formats : sequence of str, optional
        Passed to ``parse_date``.
    dayfirst : bool, default True
        Passed to ``parse_date``.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; null for null and unparseable values.

    Examples
    --------
    >>> import pandas as pd
    >>> date_iso(pd.Series(["1/6/1971", "1971-06-01", "not a date", None])).tolist()
    ['1971-06-01', '1971-06-01', nan, nan]
    """
    return _date_format(s, "%Y-%m-%d", formats, dayfirst)


def date_text(s: pd.Series) -> pd.Series:
    """Like ``date_iso``, but a value that is not a valid date and reads as eight digits
    ``YYYYMMDD`` (a typo such as "19551192") is kept as ``"1955-11-92"`` text, so
    typo-tolerant comparisons can still use it; other unparseable values are null.

    Examples
    --------
    >>> import pandas as pd
    >>> date_text(pd.Series(["19551192", "04/03/1990", "soon", None])).tolist()
    ['1955-11-92', '1990-03-04', nan, nan]
    """
    iso = date_iso(s)
    digits = digits_only(s)
    looks_like_date = digits.str.len().eq(8) & digits.str.match(r"(18|19|20)[0-9]{6}$")
    kept = digits.str[:4] + "-" + digits.str[4:6] + "-" + digits.str[6:8]
    return finish(iso.where(iso.notna(), kept.where(looks_like_date.fillna(False))))


def year(s: pd.Series, *, formats: Sequence[str] | None = None, dayfirst: bool = True) -> pd.Series:
    """Four-digit year of a date, as text; see ``parse_date``.

    Parameters
    ----------
    s : pandas.Series
        Date text, datetimes, or a mix.
    formats : sequence of str, optional
        Passed to ``parse_date``.
    dayfirst : bool, default True
        Passed to ``parse_date``.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; null for null and unparseable values.

    Examples
    --------
    >>> import pandas as pd
    >>> year(pd.Series(["01/06/1971", pd.Timestamp("2001-12-31"), None])).tolist()
    ['1971', '2001', nan]
    """
    return _date_format(s, "%Y", formats, dayfirst)


def month(
    s: pd.Series, *, formats: Sequence[str] | None = None, dayfirst: bool = True
) -> pd.Series:
    """Two-digit month of a date, as text ("01" to "12"); see ``parse_date``.

    Parameters
    ----------
    s : pandas.Series
        Date text, datetimes, or a mix.
    formats : sequence of str, optional
        Passed to ``parse_date``.
    dayfirst : bool, default True
        Passed to ``parse_date``.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; null for null and unparseable values.

    Examples
    --------
    >>> import pandas as pd
    >>> month(pd.Series(["01/06/1971", "1971-12-01", None])).tolist()
    ['06', '12', nan]
    """
    return _date_format(s, "%m", formats, dayfirst)


def year_month(
    s: pd.Series, *, formats: Sequence[str] | None = None, dayfirst: bool = True
) -> pd.Series:
    """Year and month of a date, as ``"YYYY-MM"`` text; see ``parse_date``.

    Parameters
    ----------
    s : pandas.Series
        Date text, datetimes, or a mix.
    formats : sequence of str, optional
        Passed to ``parse_date``.
    dayfirst : bool, default True
        Passed to ``parse_date``.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; null for null and unparseable values.

    Examples
    --------
    >>> import pandas as pd
    >>> year_month(pd.Series(["01/06/1971", None])).tolist()
    ['1971-06', nan]
    """
    return _date_format(s, "%Y-%m", formats, dayfirst)


# --------------------------------------------------------------------------- #
# per-value form: ISO dates only (any other value declines)
# --------------------------------------------------------------------------- #

_ISO_DATE = re.compile("([0-9]{4})-([0-9]{2})-([0-9]{2})")


def _date_iso_value(text: str) -> str | None:
    """An ISO date in range, as it is; anything else declines."""
    found = _ISO_DATE.fullmatch(text)
    if found is None:
        raise Decline
    yyyy, mm, dd = map(int, found.groups())
    try:
        _dt.date(yyyy, mm, dd)
    except ValueError:
        raise Decline from None
    if not _MIN_YEAR <= yyyy <= _MAX_YEAR:
        raise Decline
    return text


_MISSING = "treated as missing"

NORMALISERS = (
    Normaliser("date_iso", date_iso, plain(_date_iso_value), unparseable_dates=_MISSING),
    # a valid date reads the same in both
    Normaliser("date_text", date_text, plain(_date_iso_value),
               unparseable_dates="compared as text where they read as YYYYMMDD, else "
                                 "treated as missing"),
    Normaliser("year", year, unparseable_dates=_MISSING),
    Normaliser("month", month, unparseable_dates=_MISSING),
    Normaliser("year_month", year_month, unparseable_dates=_MISSING),
)
