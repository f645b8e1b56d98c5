"""Predicted pairs labelled against the truth: reduced to distinct in-scope pairs, each marked
true or false, with its highest score.

Pairs become int64 keys ``min * n + max`` of ids encoded once to integer codes, so every step
is a sort or a lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from golden.errors import ConfigError
from golden.evaluate.counting import BoolArray, FloatArray, IntArray, n_true_pairs, run_starts
from golden.evaluate.labels import (
    UNIQUE_ID_L,
    UNIQUE_ID_R,
    dense_codes,
    factorize_ids,
    require_columns,
    source_on,
    truth_series,
    warn_absent,
)


@dataclass(frozen=True)
class LabelledPairs:
    """Distinct in-scope predicted pairs, each marked true or false.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.Series(["x", "x", "y"], index=[1, 2, 3])
    >>> pairs = pd.DataFrame({"unique_id_l": [1, 2, 1], "unique_id_r": [2, 1, 3]})
    >>> labelled = label_pairs(pairs, truth, score=None, source=None)
    >>> labelled.is_true, labelled.n_true
    (array([ True, False]), 1)
    """

    is_true: BoolArray
    scores: FloatArray | None
    n_true: int
    n_records: int | None


def label_pairs(
    pairs: pd.DataFrame,
    truth: pd.Series | pd.DataFrame,
    *,
    score: str | None,
    source: pd.Series | None,
) -> LabelledPairs:
    """Reduce ``pairs`` to distinct in-scope pairs and mark the true ones.

    Must be called directly by a public function, for the warning's stacklevel.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"unique_id_l": [1], "unique_id_r": [2]})
    >>> pairs = pd.DataFrame({"unique_id_l": [2, 1], "unique_id_r": [1, 3],
    ...                       "match_probability": [0.9, 0.2]})
    >>> label_pairs(pairs, truth, score="match_probability", source=None).scores
    array([0.9, 0.2])
    """
    require_columns(pairs, [UNIQUE_ID_L, UNIQUE_ID_R], "pairs")
    scores = None if score is None else _score_values(pairs, score)
    if _is_pair_frame(truth):
        return _label_by_pairs(pairs, truth, scores, source)
    labelled, n_absent = _label_by_column(pairs, truth_series(truth), scores, source)
    warn_absent(n_absent, "pairs", stacklevel=4)
    return labelled


def _label_by_column(
    pairs: pd.DataFrame,
    labels: pd.Series,
    scores: FloatArray | None,
    source: pd.Series | None,
) -> tuple[LabelledPairs, int]:
    (left, right), uniques = factorize_ids(
        [("pairs", pairs[UNIQUE_ID_L]), ("pairs", pairs[UNIQUE_ID_R])]
    )
    n = len(uniques)
    truth_entity = dense_codes(labels)
    position = labels.index.get_indexer(uniques)
    known = position >= 0
    entity = -1 - np.arange(n, dtype=np.int64)  # distinct negative codes: singletons
    entity[known] = truth_entity[position[known]]
    src = None if source is None else source_on(uniques, source)
    truth_src = None if source is None else source_on(labels.index, source)
    keys, scores = _distinct_keys(left, right, n, src, scores)
    is_true = entity[keys // n] == entity[keys % n]
    n_absent = n - int(np.count_nonzero(known))
    n_true = n_true_pairs(truth_entity, truth_src)
    return LabelledPairs(is_true, scores, n_true, len(labels) + n_absent), n_absent


def _label_by_pairs(
    pairs: pd.DataFrame,
    truth: pd.DataFrame,
    scores: FloatArray | None,
    source: pd.Series | None,
) -> LabelledPairs:
    (left, right, true_left, true_right), uniques = factorize_ids(
        [
            ("pairs", pairs[UNIQUE_ID_L]),
            ("pairs", pairs[UNIQUE_ID_R]),
            ("truth", truth[UNIQUE_ID_L]),
            ("truth", truth[UNIQUE_ID_R]),
        ]
    )
    n = len(uniques)
    src = None if source is None else source_on(uniques, source)
    true_keys, _ = _distinct_keys(true_left, true_right, n, src, None)
    keys, scores = _distinct_keys(left, right, n, src, scores)
    return LabelledPairs(_member(keys, true_keys), scores, len(true_keys), None)


def _distinct_keys(
    left: IntArray,
    right: IntArray,
    n: int,
    src: IntArray | None,
    scores: FloatArray | None,
) -> tuple[IntArray, FloatArray | None]:
    """Sorted distinct keys ``min * n + max`` of in-scope pairs, each with its max score."""
    keep = left != right
    if src is not None:
        keep &= src[left] != src[right]
    left, right = left[keep], right[keep]
    keys = np.minimum(left, right) * n + np.maximum(left, right)
    if scores is None:
        keys = np.sort(keys)
        return keys[run_starts(keys)], None
    order = np.argsort(keys)
    keys, kept = keys[order], scores[keep][order]
    if len(keys) == 0:
        return keys, kept
    starts = np.flatnonzero(run_starts(keys))
    return keys[starts], np.fmax.reduceat(kept, starts)  # fmax skips NaN


def _member(keys: IntArray, sorted_keys: IntArray) -> BoolArray:
    """Whether each of ``keys`` is in the sorted array ``sorted_keys``."""
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[at] == keys


def _is_pair_frame(truth: pd.Series | pd.DataFrame) -> bool:
    return isinstance(truth, pd.DataFrame) and {UNIQUE_ID_L, UNIQUE_ID_R} <= set(truth.columns)


def _score_values(pairs: pd.DataFrame, score: str) -> FloatArray:
    if score not in pairs.columns:
        raise ConfigError(
            f"score: column {score!r} is not in pairs; present columns: {list(pairs.columns)}"
        )
    values = pairs[score]
    if not is_numeric_dtype(values) or is_bool_dtype(values):
        raise ConfigError(f"score: column {score!r} must be numeric, got dtype {values.dtype}")
    return values.to_numpy(dtype=np.float64, na_value=np.nan)
