"""Accuracy of clusters against the truth: B-cubed and pairwise, for entities and households."""

from __future__ import annotations

import numpy as np
import pandas as pd

from golden.errors import SchemaError
from golden.evaluate.counting import IntArray, confusion_summary, n_pairs, ratio, value_counts
from golden.evaluate.labels import (
    ENTITY_ID,
    UNIQUE_ID,
    dense_codes,
    factorize_ids,
    require_columns,
    truth_series,
    warn_absent,
)


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
    require_columns(clusters, [UNIQUE_ID, ENTITY_ID], "clusters")
    labels = truth_series(truth)
    (truth_at, cluster_at), uniques = factorize_ids(
        [("truth", labels.index), ("clusters", clusters[UNIQUE_ID])]
    )
    if clusters[UNIQUE_ID].duplicated().any():
        raise SchemaError("clusters: unique_id must be unique; each record belongs to one cluster")
    n = len(uniques)
    warn_absent(n - len(labels), "clusters", stacklevel=3)
    true = _spread(truth_at, dense_codes(labels), n)
    pred = _spread(cluster_at, dense_codes(clusters[ENTITY_ID]), n)
    n_true_codes = int(true.max(initial=-1)) + 1
    cells, in_cell = value_counts(pred * n_true_codes + true)
    size_pred = np.bincount(pred)
    size_true = np.bincount(true)
    squared = in_cell.astype(np.float64) ** 2
    precision = ratio(float((squared / size_pred[cells // n_true_codes]).sum()), n)
    recall = ratio(float((squared / size_true[cells % n_true_codes]).sum()), n)
    pairwise = confusion_summary(n_pairs(in_cell), n_pairs(size_pred), n_pairs(size_true))
    return {
        "bcubed_precision": precision,
        "bcubed_recall": recall,
        "bcubed_f1": ratio(2 * precision * recall, precision + recall),
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
    require_columns(members, [ENTITY_ID, "household_id"], "members")
    require_columns(clusters, [UNIQUE_ID, ENTITY_ID], "clusters")
    household = members.set_index(ENTITY_ID)["household_id"]
    per_record = clusters[ENTITY_ID].map(household)
    return cluster_metrics(pd.DataFrame({UNIQUE_ID: clusters[UNIQUE_ID].to_numpy(),
                                         ENTITY_ID: per_record.to_numpy()}), truth)


def _spread(positions: IntArray, codes: IntArray, n: int) -> IntArray:
    """Codes placed at ``positions`` of an array of ``n``; unfilled slots become singletons."""
    out = np.full(n, -1, dtype=np.int64)
    out[positions] = codes
    missing = out < 0
    out[missing] = codes.max(initial=-1) + 1 + np.arange(np.count_nonzero(missing))
    return out
