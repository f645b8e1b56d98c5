"""Date levels: dates within some days of each other, day and month transposed; dates of
any year from 0001 to 9999."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from golden.comparisons.levels.base import Level, ValuePairs
from golden.comparisons.levels.transforms import as_days, date_parts
from golden.errors import ConfigError


@dataclass(frozen=True)
class DateWithin(Level):
    """Dates (ISO strings or datetimes) at most ``days`` days apart."""

    kind = "date_within"
    days: float
    input: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.days, int | float) or self.days < 0:
            raise ConfigError(f"days: got {self.days!r}, expected a number of days >= 0")

    @property
    def label(self) -> str:
        for unit, size in (("years", 365.25), ("months", 30.4375)):
            if self.days >= size and (self.days / size) == round(self.days / size):
                return f"within {round(self.days / size)} {unit}"
        return f"within {self.days:g} days"

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        left, right = values.per_value("days", self.input, as_days)
        return np.nan_to_num(np.abs(left - right), nan=np.inf) <= self.days


@dataclass(frozen=True)
class DayMonthSwapped(Level):
    """Same year, and day and month transposed (ISO dates): 1990-03-04 vs 1990-04-03."""

    kind = "day_month_swapped"
    input: int = 0

    @property
    def label(self) -> str:
        return "day and month swapped"

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        left, right = values.per_value("date_parts", self.input, date_parts)
        year, month, day = 0, 1, 2
        return ((left[:, year] >= 0) & (left[:, year] == right[:, year])
                & (left[:, month] == right[:, day]) & (left[:, day] == right[:, month])
                & (left[:, month] != left[:, day]))
