"""Metrics of scored pairs: precision, recall and F1 against the truth, the curve over every
threshold, the best threshold, and estimates without labels."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from golden.errors import ConfigError, SchemaError
from golden.evaluate.counting import (
    BoolArray,
    FloatArray,
    confusion_summary,
    ratio,
    within_group_pairs,
)
from golden.evaluate.labelling import LabelledPairs, label_pairs
from golden.evaluate.labels import (
    MATCH_PROBABILITY,
    UNIQUE_ID_L,
    UNIQUE_ID_R,
    dense_codes,
    require_columns,
    source_on,
    truth_series,
)


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
    labels = truth_series(truth)
    try:
        by_id = np.asarray(labels.index.argsort(), dtype=np.int64)
    except TypeError as exc:
        raise SchemaError(
            "truth: unique_id values must be mutually comparable to put pairs in "
            f"canonical order; got index dtype {labels.index.dtype}"
        ) from exc
    entity = dense_codes(labels)[by_id]
    by_entity = np.argsort(entity, kind="stable")
    first, second = within_group_pairs(entity[by_entity])
    left, right = by_entity[first], by_entity[second]
    if source is not None:
        src = source_on(labels.index, source)[by_id]
        cross = src[left] != src[right]
        left, right = left[cross], right[cross]
    order = np.lexsort((right, left))
    ids = labels.index.take(by_id)
    return pd.DataFrame({UNIQUE_ID_L: ids.take(left[order]), UNIQUE_ID_R: ids.take(right[order])})


def pairwise_metrics(
    pairs: pd.DataFrame,
    truth: pd.Series | pd.DataFrame,
    *,
    threshold: float | None = None,
    score: str = MATCH_PROBABILITY,
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
    labelled = label_pairs(pairs, truth, score=None if threshold is None else score, source=source)
    predicted = labelled.is_true
    if threshold is not None and labelled.scores is not None:
        predicted = predicted[labelled.scores >= threshold]
    return confusion_summary(int(np.count_nonzero(predicted)), len(predicted), labelled.n_true)


def precision_recall_curve(
    pairs: pd.DataFrame,
    truth: pd.Series | pd.DataFrame,
    *,
    score: str = MATCH_PROBABILITY,
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
    return _curve(label_pairs(pairs, truth, score=score, source=source))


def best_threshold(
    pairs: pd.DataFrame,
    truth: pd.Series | pd.DataFrame,
    *,
    score: str = MATCH_PROBABILITY,
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
    curve = _curve(label_pairs(pairs, truth, score=score, source=source))
    if curve.empty:
        return dict.fromkeys(("threshold", "precision", "recall", "f1"), float("nan"))
    f1 = curve["f1"].to_numpy()
    best = curve.iloc[len(f1) - 1 - int(np.argmax(f1[::-1]))]
    return {key: float(best[key]) for key in ("threshold", "precision", "recall", "f1")}


def _curve(labelled: LabelledPairs) -> pd.DataFrame:
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
    require_columns(labelled, ["match_probability", "is_match"], "labelled")
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


def _chosen_threshold(score: FloatArray, truth: BoolArray, precision: float | None
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
    require_columns(pairs, [MATCH_PROBABILITY], "pairs")
    _check_threshold(threshold, MATCH_PROBABILITY)
    p = pairs[MATCH_PROBABILITY].to_numpy(dtype=np.float64)
    p = p[~np.isnan(p)]
    chosen = p[p >= threshold]
    precision = float(chosen.mean()) if chosen.size else float("nan")
    recall = float(chosen.sum() / p.sum()) if p.sum() > 0 else float("nan")
    return {"precision": precision, "recall": recall,
            "f1": ratio(2 * precision * recall, precision + recall),
            "expected_matches": float(p.sum())}


def _check_threshold(threshold: float, score: str) -> None:
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, numbers.Real)
        or not np.isfinite(threshold)
    ):
        raise ConfigError(f"threshold: got {threshold!r}, expected a finite number")
    if score == MATCH_PROBABILITY and not 0.0 <= threshold <= 1.0:
        raise ConfigError(
            f"threshold: got {threshold!r}, expected a probability in [0, 1] "
            f"for score {MATCH_PROBABILITY!r}"
        )
