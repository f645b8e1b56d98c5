"""Accuracy metrics against known truth: scored pairs, blocking and clusters."""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from golden.errors import ConfigError, DataWarning, SchemaError

_IntArray: TypeAlias = npt.NDArray[np.int64]
_BoolArray: TypeAlias = npt.NDArray[np.bool_]
_FloatArray: TypeAlias = npt.NDArray[np.float64]

_LEFT = "unique_id_l"
_RIGHT = "unique_id_r"
_ID = "unique_id"
_ENTITY = "entity_id"
_PROBABILITY = "match_probability"


@dataclass(frozen=True)
class _Labelled:
    """Distinct in-scope predicted pairs, each marked true or false."""

    is_true: _BoolArray
    scores: _FloatArray | None
    n_true: int
    n_records: int | None


# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------


def truth_pairs(truth: pd.Series | pd.DataFrame, source: pd.Series | None = None) -> pd.DataFrame:
    """List every pair of records that the truth says are the same entity.

    Parameters
    ----------
    truth : pandas.Series or pandas.DataFrame
        Truth labels indexed by ``unique_id`` (or a frame with ``unique_id`` and
        one label column). Records with a null label are singletons.
    source : pandas.Series, optional
        Source of each record, indexed by ``unique_id``. When given (link
        setting), only pairs whose records come from different sources are
        returned.

    Returns
    -------
    pandas.DataFrame
        Columns ``unique_id_l`` and ``unique_id_r`` with ``unique_id_l <
        unique_id_r``, sorted by both.

    Raises
    ------
    SchemaError
        If ids are null, duplicated, or cannot be ordered against each other, or
        ``source`` lacks a record.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.Series(["x", "y", "x", "x"], index=["d", "c", "b", "a"])
    >>> truth_pairs(truth)
      unique_id_l unique_id_r
    0           a           b
    1           a           d
    2           b           d
    >>> source = pd.Series([1, 1, 2, 1], index=["d", "c", "b", "a"])
    >>> truth_pairs(truth, source=source)
      unique_id_l unique_id_r
    0           a           b
    1           b           d
    """
    labels = _truth_series(truth)
    try:
        by_id = np.asarray(labels.index.argsort(), dtype=np.int64)
    except TypeError as exc:
        raise SchemaError(
            "truth: unique_id values must be mutually comparable to put pairs in "
            f"canonical order; got index dtype {labels.index.dtype}"
        ) from exc
    entity = _dense_codes(labels)[by_id]
    by_entity = np.argsort(entity, kind="stable")
    first, second = _within_group_pairs(entity[by_entity])
    left, right = by_entity[first], by_entity[second]
    if source is not None:
        src = _source_on(labels.index, source)[by_id]
        cross = src[left] != src[right]
        left, right = left[cross], right[cross]
    order = np.lexsort((right, left))
    ids = labels.index.take(by_id)
    return pd.DataFrame({_LEFT: ids.take(left[order]), _RIGHT: ids.take(right[order])})


def pairwise_metrics(
    pairs: pd.DataFrame,
    truth: pd.Series | pd.DataFrame,
    *,
    threshold: float | None = None,
    score: str = _PROBABILITY,
    source: pd.Series | None = None,
) -> dict[str, float]:
    """Precision, recall and F1 of predicted pairs against the truth.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Predicted pairs: ``unique_id_l``, ``unique_id_r`` and, when
        ``threshold`` is given, the ``score`` column.
    truth : pandas.Series or pandas.DataFrame
        Truth column (Series indexed by ``unique_id``, or frame with
        ``unique_id`` and one label column) or truth pairs (frame with
        ``unique_id_l`` and ``unique_id_r``).
    threshold : float, optional
        Pairs scoring at least ``threshold`` are predicted matches (null scores
        never are). None (default) predicts every given pair.
    score : str, default "match_probability"
        Column of ``pairs`` compared with ``threshold``.
    source : pandas.Series, optional
        Source of each record, indexed by ``unique_id`` (link setting): only
        cross-source pairs count, predicted and true.

    Returns
    -------
    dict
        ``precision``, ``recall``, ``f1`` (floats, NaN when undefined) and
        ``tp``, ``fp``, ``fn``, ``n_predicted``, ``n_true`` (ints).

    Raises
    ------
    SchemaError
        If a needed column is missing or ids are null.
    ConfigError
        If ``score`` is not a numeric column of ``pairs`` or ``threshold`` is not
        a finite number (a probability in [0, 1] for ``match_probability``).

    Warns
    -----
    DataWarning
        If pair ids are absent from a truth column; they count as singletons.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.Series(["x", "x", "x", "y"], index=[1, 2, 3, 4])
    >>> pairs = pd.DataFrame({
    ...     "unique_id_l": [1, 3, 2, 3],
    ...     "unique_id_r": [2, 1, 4, 3],
    ...     "match_probability": [0.9, 0.4, 0.8, 1.0],
    ... })
    >>> m = pairwise_metrics(pairs, truth, threshold=0.5)
    >>> m["tp"], m["fp"], m["fn"], m["precision"], m["recall"]
    (1, 1, 2, 0.5, 0.3333333333333333)
    """
    if threshold is not None:
        _check_threshold(threshold, score)
    labelled = _label(pairs, truth, score=None if threshold is None else score, source=source)
    predicted = labelled.is_true
    if threshold is not None and labelled.scores is not None:
        predicted = predicted[labelled.scores >= threshold]
    return _summary(int(np.count_nonzero(predicted)), len(predicted), labelled.n_true)


def precision_recall_curve(
    pairs: pd.DataFrame,
    truth: pd.Series | pd.DataFrame,
    *,
    score: str = _PROBABILITY,
    source: pd.Series | None = None,
) -> pd.DataFrame:
    """Precision and recall at every distinct score threshold.

    One sort of the scores and a cumulative sum of true matches give every
    threshold at once.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Scored pairs: ``unique_id_l``, ``unique_id_r`` and ``score``.
    truth : pandas.Series or pandas.DataFrame
        Truth column or truth pairs, as in ``pairwise_metrics``.
    score : str, default "match_probability"
        Numeric column of ``pairs``; pairs with a null score are never predicted.
    source : pandas.Series, optional
        Source of each record (link setting), as in ``pairwise_metrics``.

    Returns
    -------
    pandas.DataFrame
        One row per distinct score, ascending: ``threshold``, ``precision``,
        ``recall``, ``f1`` and the int counts ``tp``, ``fp``, ``fn`` of
        predicting the pairs scoring at least ``threshold``.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.Series(["x", "x", "x", "y"], index=[1, 2, 3, 4])
    >>> pairs = pd.DataFrame({
    ...     "unique_id_l": [1, 3, 2],
    ...     "unique_id_r": [2, 1, 4],
    ...     "match_probability": [0.9, 0.4, 0.8],
    ... })
    >>> precision_recall_curve(pairs, truth).round(3)
       threshold  precision  recall     f1  tp  fp  fn
    0        0.4      0.667   0.667  0.667   2   1   1
    1        0.8      0.500   0.333  0.400   1   1   2
    2        0.9      1.000   0.333  0.500   1   0   2
    """
    return _curve(_label(pairs, truth, score=score, source=source))


def best_threshold(
    pairs: pd.DataFrame,
    truth: pd.Series | pd.DataFrame,
    *,
    score: str = _PROBABILITY,
    source: pd.Series | None = None,
) -> dict[str, float]:
    """The score threshold that maximises pairwise F1.

    Parameters
    ----------
    pairs, truth, score, source
        As in ``precision_recall_curve``.

    Returns
    -------
    dict
        ``threshold``, ``precision``, ``recall`` and ``f1`` at the best
        threshold; among ties the highest threshold wins. All NaN when no pair
        has a score.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.Series(["x", "x", "x", "y"], index=[1, 2, 3, 4])
    >>> pairs = pd.DataFrame({
    ...     "unique_id_l": [1, 3, 2],
    ...     "unique_id_r": [2, 1, 4],
    ...     "match_probability": [0.9, 0.4, 0.8],
    ... })
    >>> best_threshold(pairs, truth)["threshold"]
    0.4
    """
    curve = _curve(_label(pairs, truth, score=score, source=source))
    if curve.empty:
        return dict.fromkeys(("threshold", "precision", "recall", "f1"), float("nan"))
    f1 = curve["f1"].to_numpy()
    best = curve.iloc[len(f1) - 1 - int(np.argmax(f1[::-1]))]
    return {key: float(best[key]) for key in ("threshold", "precision", "recall", "f1")}


def labelled_threshold(
    labelled: pd.DataFrame,
    *,
    precision: float | None = None,
    n_boot: int = 200,
    random_state: int | None = 0,
) -> dict[str, float]:
    """The threshold chosen on labelled pairs, with a bootstrap interval.

    Without ``precision``, the threshold that maximises F1 over the labelled pairs; with
    it, the lowest threshold whose precision reaches the target (most recall at that
    precision). ``low`` / ``high`` are the 5th and 95th percentiles of the threshold
    chosen on ``n_boot`` resamples of the labels.

    Parameters
    ----------
    labelled : pandas.DataFrame
        ``match_probability`` and ``is_match`` (bool) of each labelled pair; pairs that
        blocking never proposed can have a null probability (never predicted).

    Returns
    -------
    dict
        ``threshold``, ``low``, ``high``, and ``precision``, ``recall``, ``f1`` on the
        labels at the threshold.

    Examples
    --------
    >>> import pandas as pd
    >>> labelled = pd.DataFrame({"match_probability": [0.95, 0.8, 0.6, 0.3, 0.1],
    ...                          "is_match": [True, True, False, True, False]})
    >>> chosen = labelled_threshold(labelled)
    >>> chosen["threshold"], round(chosen["f1"], 3)
    (0.3, 0.857)
    >>> labelled_threshold(labelled, precision=1.0)["threshold"]
    0.8
    """
    _require_columns(labelled, ["match_probability", "is_match"], "labelled")
    score = labelled["match_probability"].to_numpy(dtype=np.float64)
    truth = labelled["is_match"].to_numpy(dtype=bool)
    if not truth.any() or truth.all():
        raise ConfigError("labelled_threshold: needs labelled matches and non-matches")
    chosen = _chosen_threshold(score, truth, precision)
    rng = np.random.default_rng(random_state)
    resampled = [_chosen_threshold(score[i], truth[i], precision)[0]
                 for i in (rng.integers(0, len(score), len(score)) for _ in range(n_boot))]
    boot = np.asarray([b for b in resampled if b == b])
    low, high = (np.percentile(boot, [5, 95]) if boot.size else (np.nan, np.nan))
    return {"threshold": chosen[0], "low": float(low), "high": float(high),
            "precision": chosen[1], "recall": chosen[2], "f1": chosen[3]}


def _chosen_threshold(score: _FloatArray, truth: _BoolArray, precision: float | None
                      ) -> tuple[float, float, float, float]:
    """(threshold, precision, recall, f1) at the best threshold among the scores."""
    candidates = np.unique(score[~np.isnan(score)])
    if candidates.size == 0 or not truth.any():
        return (np.nan, np.nan, np.nan, np.nan)
    predicted = np.nan_to_num(score, nan=-1.0)[:, None] >= candidates[None, :]
    tp = (predicted & truth[:, None]).sum(axis=0)
    n_pred = predicted.sum(axis=0)
    prec = np.divide(tp, n_pred, out=np.zeros(len(candidates)), where=n_pred > 0)
    rec = tp / truth.sum()
    f1 = np.divide(2 * prec * rec, prec + rec, out=np.zeros(len(candidates)),
                   where=prec + rec > 0)
    if precision is None:
        best = len(f1) - 1 - int(np.argmax(f1[::-1]))  # ties: the highest threshold
    else:
        meets = np.flatnonzero(prec >= precision)
        if meets.size == 0:
            return (np.nan, np.nan, np.nan, np.nan)
        best = int(meets[0])
    return (float(candidates[best]), float(prec[best]), float(rec[best]), float(f1[best]))


def estimated_metrics(pairs: pd.DataFrame, threshold: float = 0.5) -> dict[str, float]:
    """Precision and recall estimated without labels, from the model's own probabilities.

    If the probabilities are right, the expected number of true matches among the pairs
    predicted at ``threshold`` is the sum of their probabilities, and among all candidate
    pairs the sum of all probabilities (as fastLink reports). Recall is relative to the
    candidate pairs: matches that blocking never proposed are not counted.

    Examples
    --------
    >>> import pandas as pd
    >>> pairs = pd.DataFrame({"match_probability": [0.99, 0.9, 0.6, 0.2, 0.01]})
    >>> {k: round(v, 3) for k, v in estimated_metrics(pairs).items()}
    {'precision': 0.83, 'recall': 0.922, 'f1': 0.874, 'expected_matches': 2.7}
    """
    _require_columns(pairs, [_PROBABILITY], "pairs")
    _check_threshold(threshold, _PROBABILITY)
    p = pairs[_PROBABILITY].to_numpy(dtype=np.float64)
    p = p[~np.isnan(p)]
    chosen = p[p >= threshold]
    precision = float(chosen.mean()) if chosen.size else float("nan")
    recall = float(chosen.sum() / p.sum()) if p.sum() > 0 else float("nan")
    return {"precision": precision, "recall": recall,
            "f1": _ratio(2 * precision * recall, precision + recall),
            "expected_matches": float(p.sum())}


def blocking_metrics(
    pairs: pd.DataFrame,
    truth: pd.Series | pd.DataFrame,
    *,
    n_records: int | None = None,
    source: pd.Series | None = None,
) -> dict[str, float]:
    """How many true pairs blocking kept, and how much work it saved.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Candidate pairs with ``unique_id_l`` and ``unique_id_r``.
    truth : pandas.Series or pandas.DataFrame
        Truth column or truth pairs, as in ``pairwise_metrics``.
    n_records : int, optional
        Number of records blocked (dedupe setting). Defaults to the size of the
        truth column plus any pair ids it lacks; required for truth pairs unless
        ``source`` is given.
    source : pandas.Series, optional
        Source of every record, indexed by ``unique_id`` (link setting). The
        possible pairs are then the cross-source ones, ``sum_{s<t} n_s n_t``
        (the product of the two sizes when linking two sources).

    Returns
    -------
    dict
        ``pair_completeness`` (share of true pairs among the candidates: the
        recall of blocking), ``reduction_ratio`` (``1 - n_candidates /
        n_possible_pairs``), and the int counts ``n_candidates``,
        ``n_possible_pairs``, ``n_true``, ``n_true_found``.

    Raises
    ------
    ConfigError
        If ``n_records`` is not a non-negative int, is needed but missing, or
        disagrees with the size of ``source``.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.Series(["x", "x", "y", "y", "z"], index=[1, 2, 3, 4, 5])
    >>> candidates = pd.DataFrame({"unique_id_l": [1, 3], "unique_id_r": [2, 5]})
    >>> m = blocking_metrics(candidates, truth)
    >>> m["pair_completeness"], m["reduction_ratio"], m["n_possible_pairs"]
    (0.5, 0.8, 10)
    """
    _check_n_records(n_records, source)
    labelled = _label(pairs, truth, score=None, source=source)
    n_possible = _n_possible_pairs(labelled, n_records, source)
    n_candidates = len(labelled.is_true)
    n_found = int(np.count_nonzero(labelled.is_true))
    return {
        "pair_completeness": _ratio(n_found, labelled.n_true),
        "reduction_ratio": 1.0 - _ratio(n_candidates, n_possible),
        "n_candidates": n_candidates,
        "n_possible_pairs": n_possible,
        "n_true": labelled.n_true,
        "n_true_found": n_found,
    }


def cluster_metrics(clusters: pd.DataFrame, truth: pd.Series | pd.DataFrame) -> dict[str, float]:
    """B-cubed and pairwise accuracy of a clustering against the truth.

    Both come from the contingency table of (predicted cluster, true entity)
    group sizes, so no pair is enumerated. Records of the truth missing from
    ``clusters`` are predicted singletons; records of ``clusters`` missing from
    the truth are true singletons (with a warning).

    Parameters
    ----------
    clusters : pandas.DataFrame
        Predicted clusters: ``unique_id`` and ``entity_id`` (null means
        singleton).
    truth : pandas.Series or pandas.DataFrame
        Truth column: Series indexed by ``unique_id``, or frame with
        ``unique_id`` and one label column.

    Returns
    -------
    dict
        ``bcubed_precision``, ``bcubed_recall``, ``bcubed_f1`` (averaged over
        records), ``pairwise_precision``, ``pairwise_recall``, ``pairwise_f1``
        (pairs within predicted clusters against pairs within true entities),
        and the int counts ``n_records``, ``n_clusters``, ``n_true_clusters``,
        ``largest_cluster``.

    Raises
    ------
    SchemaError
        If a column is missing or a ``unique_id`` is null or duplicated.

    Warns
    -----
    DataWarning
        If cluster ids are absent from the truth.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.Series(["x", "x", "y", "y"], index=[1, 2, 3, 4])
    >>> clusters = pd.DataFrame({"unique_id": [1, 2, 3, 4], "entity_id": [0, 0, 0, 1]})
    >>> m = cluster_metrics(clusters, truth)
    >>> round(m["bcubed_precision"], 4), m["bcubed_recall"], m["pairwise_precision"]
    (0.6667, 0.75, 0.3333333333333333)
    """
    _require_columns(clusters, [_ID, _ENTITY], "clusters")
    labels = _truth_series(truth)
    (truth_at, cluster_at), uniques = _factorize_ids(
        [("truth", labels.index), ("clusters", clusters[_ID])]
    )
    if clusters[_ID].duplicated().any():
        raise SchemaError("clusters: unique_id must be unique; each record belongs to one cluster")
    n = len(uniques)
    _warn_absent(n - len(labels), "clusters", stacklevel=3)
    true = _spread(truth_at, _dense_codes(labels), n)
    pred = _spread(cluster_at, _dense_codes(clusters[_ENTITY]), n)
    n_true_codes = int(true.max(initial=-1)) + 1
    cells, in_cell = _value_counts(pred * n_true_codes + true)
    size_pred = np.bincount(pred)
    size_true = np.bincount(true)
    squared = in_cell.astype(np.float64) ** 2
    precision = _ratio(float((squared / size_pred[cells // n_true_codes]).sum()), n)
    recall = _ratio(float((squared / size_true[cells % n_true_codes]).sum()), n)
    pairwise = _summary(_n_pairs(in_cell), _n_pairs(size_pred), _n_pairs(size_true))
    return {
        "bcubed_precision": precision,
        "bcubed_recall": recall,
        "bcubed_f1": _ratio(2 * precision * recall, precision + recall),
        "pairwise_precision": pairwise["precision"],
        "pairwise_recall": pairwise["recall"],
        "pairwise_f1": pairwise["f1"],
        "n_records": n,
        "n_clusters": len(size_pred),
        "n_true_clusters": len(size_true),
        "largest_cluster": int(size_pred.max(initial=0)),
    }


def household_metrics(members: pd.DataFrame, clusters: pd.DataFrame,
                      truth: pd.Series | pd.DataFrame) -> dict[str, float]:
    """Household accuracy over records: ``cluster_metrics`` of each record's household.

    Parameters
    ----------
    members : pandas.DataFrame
        ``entity_id`` and ``household_id`` (e.g. ``Households.members``).
    clusters : pandas.DataFrame
        ``unique_id`` and ``entity_id`` of every record.
    truth : pandas.Series or pandas.DataFrame
        True household of each record (Series indexed by ``unique_id``, or a frame).

    Examples
    --------
    >>> import pandas as pd
    >>> members = pd.DataFrame({"entity_id": [0, 1], "household_id": [7, 7]})
    >>> clusters = pd.DataFrame({"unique_id": ["a", "b", "c"], "entity_id": [0, 0, 1]})
    >>> truth = pd.Series([1, 1, 2], index=["a", "b", "c"])
    >>> household_metrics(members, clusters, truth)["pairwise_precision"]
    0.3333333333333333
    """
    _require_columns(members, [_ENTITY, "household_id"], "members")
    _require_columns(clusters, [_ID, _ENTITY], "clusters")
    household = members.set_index(_ENTITY)["household_id"]
    per_record = clusters[_ENTITY].map(household)
    return cluster_metrics(pd.DataFrame({_ID: clusters[_ID].to_numpy(),
                                         _ENTITY: per_record.to_numpy()}), truth)


# ---------------------------------------------------------------------------
# labelling predicted pairs
# ---------------------------------------------------------------------------


def _label(
    pairs: pd.DataFrame,
    truth: pd.Series | pd.DataFrame,
    *,
    score: str | None,
    source: pd.Series | None,
) -> _Labelled:
    """Reduce ``pairs`` to distinct in-scope pairs and mark the true ones.

    Must be called directly by a public function, for the warning's stacklevel.
    """
    _require_columns(pairs, [_LEFT, _RIGHT], "pairs")
    scores = None if score is None else _score_values(pairs, score)
    if _is_pair_frame(truth):
        return _label_by_pairs(pairs, truth, scores, source)
    labelled, n_absent = _label_by_column(pairs, _truth_series(truth), scores, source)
    _warn_absent(n_absent, "pairs", stacklevel=4)
    return labelled


def _label_by_column(
    pairs: pd.DataFrame,
    labels: pd.Series,
    scores: _FloatArray | None,
    source: pd.Series | None,
) -> tuple[_Labelled, int]:
    (left, right), uniques = _factorize_ids([("pairs", pairs[_LEFT]), ("pairs", pairs[_RIGHT])])
    n = len(uniques)
    truth_entity = _dense_codes(labels)
    position = labels.index.get_indexer(uniques)
    known = position >= 0
    entity = -1 - np.arange(n, dtype=np.int64)  # distinct negative codes: singletons
    entity[known] = truth_entity[position[known]]
    src = None if source is None else _source_on(uniques, source)
    truth_src = None if source is None else _source_on(labels.index, source)
    keys, scores = _distinct_keys(left, right, n, src, scores)
    is_true = entity[keys // n] == entity[keys % n]
    n_absent = n - int(np.count_nonzero(known))
    n_true = _n_true_pairs(truth_entity, truth_src)
    return _Labelled(is_true, scores, n_true, len(labels) + n_absent), n_absent


def _label_by_pairs(
    pairs: pd.DataFrame,
    truth: pd.DataFrame,
    scores: _FloatArray | None,
    source: pd.Series | None,
) -> _Labelled:
    (left, right, true_left, true_right), uniques = _factorize_ids(
        [
            ("pairs", pairs[_LEFT]),
            ("pairs", pairs[_RIGHT]),
            ("truth", truth[_LEFT]),
            ("truth", truth[_RIGHT]),
        ]
    )
    n = len(uniques)
    src = None if source is None else _source_on(uniques, source)
    true_keys, _ = _distinct_keys(true_left, true_right, n, src, None)
    keys, scores = _distinct_keys(left, right, n, src, scores)
    return _Labelled(_member(keys, true_keys), scores, len(true_keys), None)


def _distinct_keys(
    left: _IntArray,
    right: _IntArray,
    n: int,
    src: _IntArray | None,
    scores: _FloatArray | None,
) -> tuple[_IntArray, _FloatArray | None]:
    """Sorted distinct keys ``min * n + max`` of in-scope pairs, each with its max score."""
    keep = left != right
    if src is not None:
        keep &= src[left] != src[right]
    left, right = left[keep], right[keep]
    keys = np.minimum(left, right) * n + np.maximum(left, right)
    if scores is None:
        keys = np.sort(keys)
        return keys[_run_starts(keys)], None
    order = np.argsort(keys)
    keys, kept = keys[order], scores[keep][order]
    if len(keys) == 0:
        return keys, kept
    starts = np.flatnonzero(_run_starts(keys))
    return keys[starts], np.fmax.reduceat(kept, starts)  # fmax skips NaN


def _run_starts(values: _IntArray) -> _BoolArray:
    """Whether each element of sorted ``values`` differs from the one before it."""
    starts = np.ones(len(values), dtype=bool)
    starts[1:] = values[1:] != values[:-1]
    return starts


def _value_counts(values: _IntArray) -> tuple[_IntArray, _IntArray]:
    """Distinct ``values`` in ascending order and how often each occurs.

    Sorting beats numpy 2's hash-based ``np.unique`` on millions of int64 keys.
    """
    ordered = np.sort(values)
    starts = np.flatnonzero(_run_starts(ordered))
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


def _member(keys: _IntArray, sorted_keys: _IntArray) -> _BoolArray:
    """Whether each of ``keys`` is in the sorted array ``sorted_keys``."""
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[at] == keys


def _curve(labelled: _Labelled) -> pd.DataFrame:
    """Precision-recall table from one descending sort and a cumulative sum."""
    assert labelled.scores is not None
    scored = ~np.isnan(labelled.scores)
    order = np.argsort(-labelled.scores[scored], kind="stable")
    scores = labelled.scores[scored][order]
    tp_running = np.cumsum(labelled.is_true[scored][order], dtype=np.int64)
    last = np.ones(len(scores), dtype=bool)  # last pair of each run of equal scores
    last[:-1] = scores[1:] != scores[:-1]
    n_predicted = (np.flatnonzero(last) + 1)[::-1]
    tp = tp_running[last][::-1]
    n_true = labelled.n_true
    recall = tp / n_true if n_true else np.full(len(tp), np.nan)
    return pd.DataFrame(
        {
            "threshold": scores[last][::-1],
            "precision": tp / n_predicted,
            "recall": recall,
            "f1": 2 * tp / (n_predicted + n_true),
            "tp": tp,
            "fp": n_predicted - tp,
            "fn": n_true - tp,
        }
    )


# ---------------------------------------------------------------------------
# counting
# ---------------------------------------------------------------------------


def _within_group_pairs(groups: _IntArray) -> tuple[_IntArray, _IntArray]:
    """Positions ``(i, j)``, ``i < j``, of every pair within runs of equal sorted ``groups``."""
    n = len(groups)
    starts = np.flatnonzero(_run_starts(groups))
    sizes = np.diff(np.append(starts, n))
    partners = np.repeat(starts + sizes, sizes) - np.arange(n) - 1  # later positions in the run
    left = np.repeat(np.arange(n, dtype=np.int64), partners)
    run_offset = np.repeat(np.cumsum(partners) - partners, partners)
    return left, left + np.arange(len(left), dtype=np.int64) - run_offset + 1


def _n_pairs(sizes: _IntArray) -> int:
    """Number of unordered pairs within groups of the given sizes."""
    sizes = sizes.astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def _n_true_pairs(entity: _IntArray, src: _IntArray | None) -> int:
    """Pairs sharing an entity; with ``src``, only those across sources."""
    within = _n_pairs(np.bincount(entity))
    if src is None:
        return within
    same_source = entity * (int(src.max(initial=0)) + 1) + src
    return within - _n_pairs(_value_counts(same_source)[1])


def _n_possible_pairs(labelled: _Labelled, n_records: int | None, source: pd.Series | None) -> int:
    """All pairs blocking could produce: ``n (n - 1) / 2``, or the cross-source pairs."""
    if source is not None:
        sizes = source.value_counts().to_numpy(dtype=np.int64)
        total = int(sizes.sum())
        return (total * total - int((sizes * sizes).sum())) // 2
    n = n_records if n_records is not None else labelled.n_records
    if n is None:
        raise ConfigError(
            "n_records: required when truth is given as pairs without source; "
            "the number of records cannot be inferred"
        )
    return int(n) * (int(n) - 1) // 2


def _summary(tp: int, n_predicted: int, n_true: int) -> dict[str, Any]:
    return {
        "precision": _ratio(tp, n_predicted),
        "recall": _ratio(tp, n_true),
        "f1": _ratio(2 * tp, n_predicted + n_true),
        "tp": tp,
        "fp": n_predicted - tp,
        "fn": n_true - tp,
        "n_predicted": n_predicted,
        "n_true": n_true,
    }


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / denominator if denominator else float("nan")


# ---------------------------------------------------------------------------
# encoding and validation
# ---------------------------------------------------------------------------


def _factorize_ids(
    parts: list[tuple[str, pd.Series | pd.Index]],
) -> tuple[list[_IntArray], pd.Index]:
    """Encode several id collections to shared integer codes; nulls are a SchemaError."""
    indexes = [pd.Index(values) for _, values in parts]
    codes, uniques = pd.factorize(indexes[0].append(indexes[1:]))
    split = np.split(codes.astype(np.int64), np.cumsum([len(ix) for ix in indexes])[:-1])
    for (name, _), part in zip(parts, split, strict=True):
        if (part < 0).any():
            raise SchemaError(f"{name}: {int((part < 0).sum())} null unique_id values")
    return split, pd.Index(uniques)


def _dense_codes(values: pd.Series) -> _IntArray:
    """Integer codes of ``values``; each null gets a code of its own (a singleton)."""
    codes = pd.factorize(values)[0].astype(np.int64)
    missing = codes < 0
    codes[missing] = codes.max(initial=-1) + 1 + np.arange(np.count_nonzero(missing))
    return codes


def _spread(positions: _IntArray, codes: _IntArray, n: int) -> _IntArray:
    """Codes placed at ``positions`` of an array of ``n``; unfilled slots become singletons."""
    out = np.full(n, -1, dtype=np.int64)
    out[positions] = codes
    missing = out < 0
    out[missing] = codes.max(initial=-1) + 1 + np.arange(np.count_nonzero(missing))
    return out


def _truth_series(truth: pd.Series | pd.DataFrame) -> pd.Series:
    """Truth labels as a Series indexed by unique_id."""
    if isinstance(truth, pd.DataFrame):
        if _ID not in truth.columns:
            raise SchemaError(
                "truth: column 'unique_id' is missing; expected 'unique_id' and one label "
                f"column; present columns: {list(truth.columns)}"
            )
        others = [column for column in truth.columns if column != _ID]
        if len(others) != 1:
            raise SchemaError(
                "truth: expected 'unique_id' and exactly one label column; "
                f"present columns: {list(truth.columns)}"
            )
        labels = truth.set_index(_ID)[others[0]]
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


def _is_pair_frame(truth: pd.Series | pd.DataFrame) -> bool:
    return isinstance(truth, pd.DataFrame) and {_LEFT, _RIGHT} <= set(truth.columns)


def _source_on(ids: pd.Index, source: pd.Series) -> _IntArray:
    """Source codes of ``ids``; every id must have a non-null source."""
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


def _require_columns(frame: pd.DataFrame, columns: list[str], name: str) -> None:
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


def _score_values(pairs: pd.DataFrame, score: str) -> _FloatArray:
    if score not in pairs.columns:
        raise ConfigError(
            f"score: column {score!r} is not in pairs; present columns: {list(pairs.columns)}"
        )
    values = pairs[score]
    if not is_numeric_dtype(values) or is_bool_dtype(values):
        raise ConfigError(f"score: column {score!r} must be numeric, got dtype {values.dtype}")
    return values.to_numpy(dtype=np.float64, na_value=np.nan)


def _check_threshold(threshold: float, score: str) -> None:
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, numbers.Real)
        or not np.isfinite(threshold)
    ):
        raise ConfigError(f"threshold: got {threshold!r}, expected a finite number")
    if score == _PROBABILITY and not 0.0 <= threshold <= 1.0:
        raise ConfigError(
            f"threshold: got {threshold!r}, expected a probability in [0, 1] "
            f"for score {_PROBABILITY!r}"
        )


def _check_n_records(n_records: int | None, source: pd.Series | None) -> None:
    if n_records is None:
        return
    if isinstance(n_records, bool) or not isinstance(n_records, numbers.Integral) or n_records < 0:
        raise ConfigError(f"n_records: got {n_records!r}, expected a non-negative int")
    if source is not None and n_records != len(source):
        raise ConfigError(f"n_records: got {n_records}, but source describes {len(source)} records")


def _warn_absent(n_absent: int, what: str, *, stacklevel: int) -> None:
    if n_absent:
        warnings.warn(
            f"{n_absent} unique_id values in {what} are absent from truth and were treated "
            "as singleton entities (check that the id dtypes match)",
            DataWarning,
            stacklevel=stacklevel,
        )
