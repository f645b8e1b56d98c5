"""Bloom-filter encodings compared: the Dice coefficient of base64 filters (CLKs, from
``golden.privacy.bloom_encode``)."""

from __future__ import annotations

import base64
from collections.abc import Sequence

import numpy as np
import pandas as pd

from golden.errors import ConfigError


def dice(left: Sequence[str] | pd.Series, right: Sequence[str] | pd.Series) -> np.ndarray:
    """Dice coefficient 2|A∩B| / (|A| + |B|) of pairs of base64 Bloom filters.

    Examples
    --------
    >>> dice(["/wA=", "/wA="], ["DwA=", "/wA="]).round(2).tolist()  # 8 and 4 bits set
    [0.67, 1.0]
    """
    a, b = _unpack(np.asarray(left, dtype=object)), _unpack(np.asarray(right, dtype=object))
    if a.shape != b.shape:
        raise ConfigError(f"dice: the filters differ in length ({a.shape[1]} and "
                          f"{b.shape[1]} bytes); encode both sides with the same settings")
    shared = np.bitwise_count(a & b).sum(axis=1, dtype=np.int64)
    total = np.bitwise_count(a).sum(axis=1, dtype=np.int64) + np.bitwise_count(b).sum(
        axis=1, dtype=np.int64)
    return np.divide(2 * shared, total, out=np.zeros(len(a)), where=total > 0)


def _unpack(values: np.ndarray) -> np.ndarray:
    """Base64 filters as a (n, bytes) uint8 matrix."""
    if len(values) == 0:
        return np.zeros((0, 0), dtype=np.uint8)
    raw = [base64.b64decode(v) for v in values]
    return np.frombuffer(b"".join(raw), dtype=np.uint8).reshape(len(raw), -1)
