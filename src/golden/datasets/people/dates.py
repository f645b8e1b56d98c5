"""Dates as days since 1970-01-01: birth dates drawn within years, and the ``dob`` and
``updated_at`` columns written on records, with the errors dates of birth pick up."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from golden.datasets.people.arrays import fill

_PLACEHOLDER_DOB = np.datetime64("1900-01-01", "D").astype(np.int64)
_UPDATED_FROM = np.datetime64("2015-01-01T00:00:00", "s").astype(np.int64)
_UPDATED_TO = np.datetime64("2026-12-31T23:59:59", "s").astype(np.int64)


def year_start(years: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of the first of January of each of `years`.

    Examples
    --------
    >>> import numpy as np
    >>> year_start(np.array([1970, 1971, 1969]))
    array([   0,  365, -365])
    """
    return (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)


def days_in_years(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    """A uniformly random day (days since 1970-01-01) in each of `years`.

    Examples
    --------
    >>> import numpy as np
    >>> days = days_in_years(np.random.default_rng(0), np.array([1970, 1999]))
    >>> days.astype("datetime64[D]").astype("datetime64[Y]")
    array(['1970', '1999'], dtype='datetime64[Y]')
    """
    start = year_start(years)
    return start + (rng.random(years.size) * (year_start(years + 1) - start)).astype(np.int64)


def dob_column(rng: np.random.Generator, dob: np.ndarray, placeholder: np.ndarray) -> pa.Array:
    """ISO dates of birth with day/month swaps, one-digit typos and placeholders.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> dob_column(rng, np.array([0, 10_000]), np.array([0.0, 1.0])).to_pylist()
    ['1970-01-01', '1900-01-01']
    """
    year, month, day = _ymd(dob)
    swap = (rng.random(dob.size) < 0.02) & (day <= 12) & (day != month)
    month, day = np.where(swap, day, month), np.where(swap, month, day)
    year, month, day = _digit_typo(rng, year, month, day, rng.random(dob.size) < 0.02)
    days = _from_ymd(year, month, day)
    days = np.where(rng.random(dob.size) < placeholder, _PLACEHOLDER_DOB, days)
    return pc.cast(pa.array(days.astype(np.int32), type=pa.date32()), pa.string())


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of days since 1970-01-01."""
    date = days.astype("datetime64[D]")
    month_start = date.astype("datetime64[M]")
    first_of_year = date.astype("datetime64[Y]")
    year = first_of_year.astype(np.int64) + 1970
    month = (month_start - first_of_year.astype("datetime64[M]")).astype(np.int64) + 1
    day = (date - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def _from_ymd(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01, with days past the end of the month moved back to it."""
    start = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    first_day = start.astype("datetime64[D]").astype(np.int64)
    length = (start + 1).astype("datetime64[D]").astype(np.int64) - first_day
    return first_day + np.minimum(day, length) - 1


def _digit_typo(
    rng: np.random.Generator, year: np.ndarray, month: np.ndarray, day: np.ndarray, hit: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Change the last digit of the year, month or day where `hit`.

    A change that would give an invalid month or day changes the year instead.
    """
    n = year.size
    field = rng.choice(3, size=n, p=[0.4, 0.2, 0.4])

    def retyped(value: np.ndarray) -> np.ndarray:
        return value - value % 10 + (value % 10 + rng.integers(1, 10, size=n)) % 10

    new_month, new_day = retyped(month), retyped(day)
    month_ok = hit & (field == 1) & (new_month >= 1) & (new_month <= 12)
    day_ok = hit & (field == 2) & (new_day >= 1) & (new_day <= 28)
    year_hit = hit & ~month_ok & ~day_ok
    return (
        np.where(year_hit, retyped(year), year),
        np.where(month_ok, new_month, month),
        np.where(day_ok, new_day, day),
    )


def updated_at(
    rng: np.random.Generator, person: np.ndarray, movers: np.ndarray, moved: np.ndarray
) -> pa.Array:
    """ISO timestamps; a mover's old-address record predates their other records.

    Examples
    --------
    >>> import numpy as np
    >>> stamps = updated_at(np.random.default_rng(0), np.array([0, 0]), np.array([True]),
    ...                     np.array([True, False])).to_pylist()
    >>> stamps[0] < stamps[1], stamps[0][:2], len(stamps[0])
    (True, '20', 19)
    """
    u = rng.random(person.size)
    move = rng.uniform(0.2, 0.8, size=movers.size)[person]  # when in the period they moved
    fraction = np.where(movers[person], np.where(moved, u * move, move + u * (1 - move)), u)
    seconds = _UPDATED_FROM + (fraction * (_UPDATED_TO - _UPDATED_FROM)).astype(np.int64)
    day, second = np.divmod(seconds, 86_400)
    return fill(
        "{d}T{t}",
        d=pc.cast(pa.array(day.astype(np.int32), type=pa.date32()), pa.string()),
        t=pc.cast(pa.array(second.astype(np.int32), type=pa.time32("s")), pa.string()),
    )
