"""Accuracy metrics against known truth: scored pairs, blocking and clusters.

Every function compares predictions with a known truth, given either as a
*truth column* (a Series indexed by ``unique_id``, or a DataFrame with
``unique_id`` and one label column; equal labels mean the same real entity) or,
where pairs are scored, as *truth pairs* (a DataFrame with ``unique_id_l`` and
``unique_id_r``).

Conventions shared by every function:

* pair order never matters: ``(a, b)`` and ``(b, a)`` are one pair, and a pair
  listed more than once counts once, with its highest score;
* self pairs ``(a, a)`` are ignored;
* ids that the truth column does not know are their own singleton entities, and
  a ``golden.DataWarning`` says how many there were; a null truth label or
  cluster id also makes its record a singleton;
* with ``source`` (a Series indexed by ``unique_id`` naming each record's source
  data set: the link setting) only pairs of records from different sources are in
  scope, so pairs within one source are ignored on the predicted and the true
  side alike;
* a ratio whose denominator is zero is NaN; pairwise F1 is
  ``2 tp / (n_predicted + n_true)``, which equals the harmonic mean of precision
  and recall whenever both are defined.

Everything is vectorised: ids are encoded once to integer codes, pairs become
int64 keys ``min * n + max``, and counts come from sorts and group sizes, never
from enumerating pairs.

Examples
--------
>>> import pandas as pd
>>> from golden.evaluate import pairwise_metrics
>>> truth = pd.Series(["x", "x", "y", "y"], index=[1, 2, 3, 4])
>>> pairs = pd.DataFrame({"unique_id_l": [2, 1], "unique_id_r": [1, 3]})
>>> pairwise_metrics(pairs, truth)["precision"]
0.5
"""

from __future__ import annotations

from golden.evaluate.blocking import blocking_metrics
from golden.evaluate.clusters import cluster_metrics, household_metrics
from golden.evaluate.pairs import (
    best_threshold,
    estimated_metrics,
    labelled_threshold,
    pairwise_metrics,
    precision_recall_curve,
    truth_pairs,
)

__all__ = [
    "best_threshold",
    "blocking_metrics",
    "cluster_metrics",
    "estimated_metrics",
    "household_metrics",
    "labelled_threshold",
    "pairwise_metrics",
    "precision_recall_curve",
    "truth_pairs",
]
