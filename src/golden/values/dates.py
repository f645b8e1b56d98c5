"""Dates: parsing from common formats, and date keys (ISO date, year, month).

A valid date is read whatever its year (0001 to 9999, the years of Python's dates). A range
is an option, off by default: with ``earliest`` / ``latest`` (ISO dates), a date outside
it is treated as missing.

Examples
--------
>>> import pandas as pd
>>> date_iso(pd.Series(["1/6/1971", "1 June 1971", "1 Aug 1630", "not a date"])).tolist()
['1971-06-01', '1971-06-01', '1630-08-01', nan]
>>> date_iso(pd.Series(["1 Aug 1630", "1/6/1971"]), earliest="1900-01-01").tolist()
[nan, '1971-06-01']
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
from golden.values.normaliser import Argument, Decline, Normaliser, PerValue, Vectorised
from golden.values.strings import as_series, as_str, finish, take
from golden.values.text import WHITESPACE, collapse_spaces

__all__ = ["NORMALISERS", "date_iso", "date_text", "month", "out_of_range", "parse_date", "year",
           "year_month"]

_DAY = "datetime64[D]"
_DATETIME = "datetime64[s]"
_NAT = np.datetime64("NaT", "D")
# the years of Python's dates, so that a value reads the same per value and vectorised
_FIRST_DAY = np.datetime64("0001-01-01", "D")
_LAST_DAY = np.datetime64("9999-12-31", "D")
# a four-digit year outside 1678-2261, which pandas' nanosecond timestamps may not hold
_YEAR_BEYOND_NS = ("(?:[03-9][0-9]{3}|1[0-5][0-9]{2}|16[0-6][0-9]|167[0-7]|226[2-9]"
                   "|22[7-9][0-9]|2[3-9][0-9]{2})")
_EIGHT_DIGITS = "[0-9]{8}"
_ISO_DATE = re.compile("([0-9]{4})-([0-9]{2})-([0-9]{2})")
_BOUND = "None or an ISO date such as '1900-01-01'"

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


def _is_iso_date(value: Any) -> bool:
    """Whether ``value`` is ``YYYY-MM-DD`` text of a valid date."""
    found = _ISO_DATE.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        return False
    try:
        _dt.date(*map(int, found.groups()))
    except ValueError:
        return False
    return True


def _is_bound(value: Any) -> bool:
    return value is None or _is_iso_date(value)


def _order_problem(earliest: str | None = None, latest: str | None = None) -> str | None:
    """What is wrong with a range whose ends are each valid (None: nothing)."""
    if earliest is not None and latest is not None and earliest > latest:
        return (f"earliest: got {earliest!r}, after latest={latest!r}; expected a range "
                "whose earliest date is on or before its latest")
    return None


def _range_problems(earliest: Any, latest: Any) -> list[str]:
    problems = [f"{name}: got {value!r}, expected {_BOUND}"
                for name, value in (("earliest", earliest), ("latest", latest))
                if not _is_bound(value)]
    order = None if problems else _order_problem(earliest, latest)
    return problems if order is None else [order]


def _check_date_options(formats: Any, dayfirst: Any, earliest: Any, latest: Any
                        ) -> tuple[str, ...]:
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
    problems.extend(_range_problems(earliest, latest))
    if problems:
        raise ConfigError(problems)
    return fmts


def out_of_range(iso: pd.Series, earliest: str | None, latest: str | None) -> np.ndarray:
    """Which ``YYYY-MM-DD`` texts lie before ``earliest`` or after ``latest`` (ISO dates,
    None for no limit); False for null.

    Examples
    --------
    >>> out_of_range(pd.Series(["1630-08-01", "1971-06-01", None]), "1900-01-01", None).tolist()
    [True, False, False]
    """
    text = as_str(iso)
    outside = np.zeros(len(text), dtype=bool)
    if earliest is not None:
        outside |= (text < earliest).to_numpy(dtype=bool, na_value=False)
    if latest is not None:
        outside |= (text > latest).to_numpy(dtype=bool, na_value=False)
    return outside


def _day_of(value: Any) -> np.datetime64:
    """The day of a date or datetime object (an aware datetime's local wall time)."""
    if isinstance(value, np.datetime64):
        return value.astype(_DAY)
    if isinstance(value, _dt.datetime):
        value = value.date()
    return np.datetime64(value, "D")


def _clean_texts(values: np.ndarray, custom_formats: bool) -> pd.Series:
    """Date texts trimmed, commas ignored; with the default formats, ordinal suffixes and a
    trailing time of day dropped too."""
    text = as_str(pd.Series(values, dtype=object))
    text = text.str.replace(",", " ", regex=False)
    if not custom_formats:
        text = text.str.replace(_TIME_RE, "", regex=True)
        text = text.str.replace(_ORDINAL_RE, r"\1", regex=True)
    return collapse_spaces(text)


def _parse_texts(text: pd.Series, fmts: tuple[str, ...]) -> np.ndarray:
    """The day each text reads as in the first format that reads it (NaT: none does).

    Each format is tried vectorised on the texts still unread; a text with a year that
    pandas' nanosecond timestamps cannot hold (pandas 2) is then read on its own.
    """
    days = np.full(len(text), _NAT)
    remaining = text.notna().to_numpy(dtype=bool, copy=True)
    for fmt in fmts:
        if not remaining.any():
            break
        cand_pos = np.flatnonzero(remaining)
        cand = text.iloc[cand_pos]
        if fmt == "%Y%m%d":
            shape = cand.str.fullmatch(_EIGHT_DIGITS, na=False).to_numpy(dtype=bool)
            cand, cand_pos = cand[shape], cand_pos[shape]
            if len(cand) == 0:
                continue
        got = pd.to_datetime(cand, format=fmt, errors="coerce")
        if isinstance(got.dtype, pd.DatetimeTZDtype):
            got = got.dt.tz_localize(None)
        got_days = got.to_numpy(dtype=_DAY)
        ok = got_days >= _FIRST_DAY  # False for NaT; pandas 3 reads a year 0000
        days[cand_pos[ok]] = got_days[ok]
        remaining[cand_pos[ok]] = False
    unread = np.flatnonzero(remaining)
    beyond = text.iloc[unread].str.contains(_YEAR_BEYOND_NS, na=False).to_numpy(dtype=bool)
    for i in unread[beyond]:
        days[i] = _strptime_day(text.iloc[i], fmts)
    return days


def _strptime_day(text: str, fmts: tuple[str, ...]) -> np.datetime64:
    """The day ``text`` reads as in the first of ``fmts`` that reads it, by Python's
    ``strptime`` (whose rules pandas' parser follows); NaT when none does."""
    for fmt in fmts:
        if fmt == "%Y%m%d" and not re.fullmatch(_EIGHT_DIGITS, text):
            continue
        try:
            return np.datetime64(_dt.datetime.strptime(text, fmt).date(), "D")
        except ValueError:
            continue
    return _NAT


def _parse_distinct(
    s: Any, formats: Any, dayfirst: Any, earliest: Any, latest: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Series]:
    """Parse the distinct values of ``s``.

    Returns the factorize codes, the days of the distinct values (``datetime64[D]``, NaT
    for values that are not dates and for dates outside the range), a per-distinct "not a
    date" flag, and the Series itself.
    """
    fmts = _check_date_options(formats, dayfirst, earliest, latest)
    s = as_series(s)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    codes, uniques = pd.factorize(s)
    days = np.full(len(uniques), _NAT)
    blank = np.zeros(len(uniques), dtype=bool)
    if pd.api.types.is_datetime64_dtype(uniques.dtype):
        days = np.asarray(uniques).astype(_DAY)  # any time of day is dropped
    else:
        values = np.asarray(uniques, dtype=object)
        is_date = np.fromiter((isinstance(v, (_dt.date, np.datetime64)) for v in values),
                              dtype=bool, count=len(values))
        for i in np.flatnonzero(is_date):
            days[i] = _day_of(values[i])
        todo = np.flatnonzero(~is_date)
        if len(todo):
            text = _clean_texts(values[todo], formats is not None)
            blank[todo] = text.isna().to_numpy()
            days[todo] = _parse_texts(text, fmts)
    days[(days < _FIRST_DAY) | (days > _LAST_DAY)] = _NAT
    failed = np.isnat(days) & ~blank
    if earliest is not None:
        days[days < np.datetime64(earliest, "D")] = _NAT
    if latest is not None:
        days[days > np.datetime64(latest, "D")] = _NAT
    return np.asarray(codes, dtype=np.intp), days, failed, s


def parse_date(
    s: pd.Series,
    *,
    formats: Sequence[str] | None = None,
    dayfirst: bool = True,
    earliest: str | None = None,
    latest: str | None = None,
) -> tuple[pd.Series, int]:
    """Parse dates written in common formats, whatever their year.

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
    a date: any time of day is dropped (values are at midnight).

    Every valid date is read, from year 0001 to 9999 (1630-08-01 as well as
    2500-12-31). To treat dates outside a range as missing, give ``earliest``
    and/or ``latest``: they are dates, so they are not counted in ``failed``.

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
    earliest, latest : str, optional
        ISO dates (``"1900-01-01"``), both included: a date before ``earliest`` or
        after ``latest`` is NaT. None (the default): no limit.

    Returns
    -------
    parsed : pandas.Series
        dtype ``datetime64[s]`` (seconds, so that any year fits); NaT for null,
        blank and unparseable values, and for dates outside the range.
    failed : int
        Number of rows with a non-null, non-blank value that is not a date.

    Raises
    ------
    ConfigError
        If ``formats``, ``dayfirst``, ``earliest`` or ``latest`` is invalid.

    Examples
    --------
    >>> import pandas as pd
    >>> parsed, failed = parse_date(pd.Series(["1971-06-01", "01/06/1971", "1 June 1971",
    ...                                        "19710601", "31/02/1971", None]))
    >>> parsed.dt.strftime("%Y-%m-%d").tolist()
    ['1971-06-01', '1971-06-01', '1971-06-01', '1971-06-01', nan, nan]
    >>> failed
    1
    >>> parsed, failed = parse_date(pd.Series(["1630-08-01", "1971-06-01"]),
    ...                             earliest="1900-01-01")
    >>> parsed.isna().tolist(), failed
    ([True, False], 0)
    """
    codes, days, failed, s = _parse_distinct(s, formats, dayfirst, earliest, latest)
    counts = np.bincount(codes[codes >= 0], minlength=len(days))
    n_failed = int(counts[failed].sum())
    values = np.append(days, _NAT).take(codes).astype(_DATETIME)
    return pd.Series(values, index=s.index, name=s.name, dtype=_DATETIME), n_failed


def _date_part(s: Any, part: slice, formats: Any, dayfirst: Any, earliest: Any, latest: Any
               ) -> pd.Series:
    """The ``part`` of each date's ``YYYY-MM-DD`` text; null for values that are not dates
    and for dates outside the range."""
    codes, days, _, s = _parse_distinct(s, formats, dayfirst, earliest, latest)
    texts = np.datetime_as_string(days, unit="D").astype(object)
    texts[np.isnat(days)] = None
    parts = as_str(pd.Series(texts, dtype=object)).str.slice(part.start, part.stop)
    return finish(take(parts.array, codes, s))


def date_iso(s: pd.Series, *, formats: Sequence[str] | None = None, dayfirst: bool = True,
             earliest: str | None = None, latest: str | None = None) -> pd.Series:
    """Date as ``"YYYY-MM-DD"`` text, a comparable key; see ``parse_date``.

    Parameters
    ----------
    s : pandas.Series
        Date text, datetimes, or a mix.
    formats : sequence of str, optional
        Passed to ``parse_date``.
    dayfirst : bool, default True
        Passed to ``parse_date``.
    earliest, latest : str, optional
        Passed to ``parse_date``: dates outside the range are null.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; null for null and unparseable values, and for dates outside
        the range.

    Examples
    --------
    >>> import pandas as pd
    >>> date_iso(pd.Series(["1/6/1971", "1971-06-01", "1 Aug 1630", "not a date", None])).tolist()
    ['1971-06-01', '1971-06-01', '1630-08-01', nan, nan]
    """
    return _date_part(s, slice(0, 10), formats, dayfirst, earliest, latest)


def date_text(
    s: pd.Series, *, earliest: str | None = None, latest: str | None = None
) -> pd.Series:
    """Like ``date_iso``, but a value that is not a valid date and reads as eight digits
    ``YYYYMMDD`` with a year from 1800 to 2099 (a typo such as "19551192") is kept as
    ``"1955-11-92"`` text, so typo-tolerant comparisons can still use it; other
    unparseable values are null. With ``earliest`` / ``latest`` (ISO dates), a date or
    kept text outside the range is null.

    Examples
    --------
    >>> import pandas as pd
    >>> date_text(pd.Series(["19551192", "04/03/1990", "1 Aug 1630", "soon", None])).tolist()
    ['1955-11-92', '1990-03-04', '1630-08-01', nan, nan]
    >>> date_text(pd.Series(["19551192", "1 Aug 1630"]), earliest="1900-01-01").tolist()
    ['1955-11-92', nan]
    """
    problems = _range_problems(earliest, latest)
    if problems:
        raise ConfigError(problems)
    iso = date_iso(s)
    digits = digits_only(s)
    looks_like_date = digits.str.len().eq(8) & digits.str.match(r"(18|19|20)[0-9]{6}$")
    kept = digits.str[:4] + "-" + digits.str[4:6] + "-" + digits.str[6:8]
    text = finish(iso.where(iso.notna(), kept.where(looks_like_date.fillna(False))))
    return text.mask(out_of_range(text, earliest, latest))


def year(s: pd.Series, *, formats: Sequence[str] | None = None, dayfirst: bool = True,
         earliest: str | None = None, latest: str | None = None) -> pd.Series:
    """Four-digit year of a date, as text; the arguments and nulls are those of ``date_iso``.

    Examples
    --------
    >>> import pandas as pd
    >>> year(pd.Series(["01/06/1971", pd.Timestamp("2001-12-31"), "0950-01-01", None])).tolist()
    ['1971', '2001', '0950', nan]
    """
    return _date_part(s, slice(0, 4), formats, dayfirst, earliest, latest)


def month(s: pd.Series, *, formats: Sequence[str] | None = None, dayfirst: bool = True,
          earliest: str | None = None, latest: str | None = None) -> pd.Series:
    """Two-digit month of a date, as text ("01" to "12"); the arguments and nulls are those
    of ``date_iso``.

    Examples
    --------
    >>> import pandas as pd
    >>> month(pd.Series(["01/06/1971", "1971-12-01", None])).tolist()
    ['06', '12', nan]
    """
    return _date_part(s, slice(5, 7), formats, dayfirst, earliest, latest)


def year_month(s: pd.Series, *, formats: Sequence[str] | None = None, dayfirst: bool = True,
               earliest: str | None = None, latest: str | None = None) -> pd.Series:
    """Year and month of a date, as ``"YYYY-MM"`` text; the arguments and nulls are those of
    ``date_iso``.

    Examples
    --------
    >>> import pandas as pd
    >>> year_month(pd.Series(["01/06/1971", None])).tolist()
    ['1971-06', nan]
    """
    return _date_part(s, slice(0, 7), formats, dayfirst, earliest, latest)


# --------------------------------------------------------------------------- #
# the registry's entries: a range as the steps' arguments; per-value form for ISO dates
# --------------------------------------------------------------------------- #


def _iso_form(earliest: str | None = None, latest: str | None = None) -> PerValue:
    """The per-value form of the ISO date steps: a valid ISO date as it is (None outside
    the range); anything else declines."""
    def form(text: str) -> str | None:
        if not _is_iso_date(text):
            raise Decline
        early = earliest is not None and text < earliest
        late = latest is not None and text > latest
        return None if early or late else text
    return form


def _with_range(kernel: Vectorised) -> Vectorised:
    """``kernel`` taking ``earliest`` and ``latest`` as a step's arguments, in that order."""
    def run(s: pd.Series, earliest: str | None = None, latest: str | None = None) -> pd.Series:
        return kernel(s, earliest=earliest, latest=latest)
    return run


_RANGE = (Argument("earliest", _is_bound, _BOUND, required=False),
          Argument("latest", _is_bound, _BOUND, required=False))
_MISSING = "treated as missing"

NORMALISERS = tuple(
    Normaliser(name, _with_range(kernel), form, _RANGE, unparseable_dates=fate,
               check=_order_problem)
    for name, kernel, form, fate in (
        ("date_iso", date_iso, _iso_form, _MISSING),
        # a valid date reads the same in both
        ("date_text", date_text, _iso_form,
         "compared as text where they read as YYYYMMDD, else treated as missing"),
        ("year", year, None, _MISSING),
        ("month", month, None, _MISSING),
        ("year_month", year_month, None, _MISSING),
    )
)
