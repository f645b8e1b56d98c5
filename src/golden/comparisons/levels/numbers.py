"""Numeric levels: absolute or relative differences, and great-circle distances."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from golden.comparisons.levels.base import Level, ValuePairs
from golden.comparisons.levels.transforms import as_number
from golden.errors import ConfigError

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class NumericDifference(Level):
    """Absolute difference at most ``threshold`` (``relative=True``: relative to the larger)."""

    kind = "numeric_difference"
    threshold: float
    relative: bool = False
    input: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.threshold, int | float) or self.threshold < 0:
            raise ConfigError(f"threshold: got {self.threshold!r}, expected a number >= 0")

    @property
    def label(self) -> str:
        return (f"within {self.threshold:.0%}" if self.relative
                else f"abs difference <= {self.threshold}")

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        left, right = values.per_value("number", self.input, as_number)
        diff = np.abs(left - right)
        if self.relative:
            diff = diff / np.maximum(np.abs(left), np.abs(right)).clip(min=1e-300)
        return np.nan_to_num(diff, nan=np.inf) <= self.threshold


@dataclass(frozen=True)
class DistanceWithin(Level):
    """Great-circle distance between (latitude, longitude) inputs at most ``km``."""

    kind = "distance_within"
    km: float
    latitude: int = 0
    longitude: int = 1

    @property
    def label(self) -> str:
        return f"within {self.km:g} km"

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        distance = values.cached(("haversine", self.latitude, self.longitude),
                                 lambda: _haversine(values, self.latitude, self.longitude))
        return np.nan_to_num(distance, nan=np.inf) <= self.km


def _haversine(values: ValuePairs, lat: int, lon: int) -> np.ndarray:
    def radians(array: np.ndarray) -> np.ndarray:
        return np.radians(as_number(array))

    lat1, lat2 = values.per_value("radians", lat, radians)
    lon1, lon2 = values.per_value("radians", lon, radians)
    a = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
