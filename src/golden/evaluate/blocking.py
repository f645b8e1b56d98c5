"""How good a blocking is: the share of true pairs it kept, and how much work it saved."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from golden.errors import ConfigError
from golden.evaluate.counting import ratio
from golden.evaluate.labelling import LabelledPairs, label_pairs


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
    labelled = label_pairs(pairs, truth, score=None, source=source)
    n_possible = _n_possible_pairs(labelled, n_records, source)
    n_candidates = len(labelled.is_true)
    n_found = int(np.count_nonzero(labelled.is_true))
    return {
        "pair_completeness": ratio(n_found, labelled.n_true),
        "reduction_ratio": 1.0 - ratio(n_candidates, n_possible),
        "n_candidates": n_candidates,
        "n_possible_pairs": n_possible,
        "n_true": labelled.n_true,
        "n_true_found": n_found,
    }


def _n_possible_pairs(
    labelled: LabelledPairs, n_records: int | None, source: pd.Series | None
) -> int:
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


def _check_n_records(n_records: int | None, source: pd.Series | None) -> None:
    if n_records is None:
        return
    if isinstance(n_records, bool) or not isinstance(n_records, numbers.Integral) or n_records < 0:
        raise ConfigError(f"n_records: got {n_records!r}, expected a non-negative int")
    if source is not None and n_records != len(source):
        raise ConfigError(f"n_records: got {n_records}, but source describes {len(source)} records")
