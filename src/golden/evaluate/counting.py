"""Counting kernels shared by the metrics: runs in sorted int64 arrays, pairs within groups, and
ratios that are NaN when undefined."""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
FloatArray: TypeAlias = npt.NDArray[np.float64]


def run_starts(values: IntArray) -> BoolArray:
    """Whether each element of sorted ``values`` differs from the one before it.

    Examples
    --------
    >>> import numpy as np
    >>> run_starts(np.array([1, 1, 2, 5, 5]))
    array([ True, False,  True,  True, False])
    """
    starts = np.ones(len(values), dtype=bool)
    starts[1:] = values[1:] != values[:-1]
    return starts


def value_counts(values: IntArray) -> tuple[IntArray, IntArray]:
    """Distinct ``values`` in ascending order and how often each occurs.

    Sorting beats numpy 2's hash-based ``np.unique`` on millions of int64 keys.

    Examples
    --------
    >>> import numpy as np
    >>> value_counts(np.array([5, 1, 5, 2, 5]))
    (array([1, 2, 5]), array([1, 1, 3]))
    """
    ordered = np.sort(values)
    starts = np.flatnonzero(run_starts(ordered))
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


def within_group_pairs(groups: IntArray) -> tuple[IntArray, IntArray]:
    """Positions ``(i, j)``, ``i < j``, of every pair within runs of equal sorted ``groups``.

    Examples
    --------
    >>> import numpy as np
    >>> within_group_pairs(np.array([0, 0, 0, 1, 2, 2]))
    (array([0, 0, 1, 4]), array([1, 2, 2, 5]))
    """
    n = len(groups)
    starts = np.flatnonzero(run_starts(groups))
    sizes = np.diff(np.append(starts, n))
    partners = np.repeat(starts + sizes, sizes) - np.arange(n) - 1  # later positions in the run
    left = np.repeat(np.arange(n, dtype=np.int64), partners)
    run_offset = np.repeat(np.cumsum(partners) - partners, partners)
    return left, left + np.arange(len(left), dtype=np.int64) - run_offset + 1


def n_pairs(sizes: IntArray) -> int:
    """Number of unordered pairs within groups of the given sizes.

    Examples
    --------
    >>> import numpy as np
    >>> n_pairs(np.array([3, 1, 2]))
    4
    """
    sizes = sizes.astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def n_true_pairs(entity: IntArray, src: IntArray | None) -> int:
    """Pairs sharing an entity; with ``src``, only those across sources.

    Examples
    --------
    >>> import numpy as np
    >>> entity = np.array([0, 0, 0, 1])
    >>> n_true_pairs(entity, None), n_true_pairs(entity, np.array([0, 0, 1, 1]))
    (3, 2)
    """
    within = n_pairs(np.bincount(entity))
    if src is None:
        return within
    same_source = entity * (int(src.max(initial=0)) + 1) + src
    return within - n_pairs(value_counts(same_source)[1])


def confusion_summary(tp: int, n_predicted: int, n_true: int) -> dict[str, Any]:
    """Precision, recall and F1 (NaN when undefined) with the counts they come from.

    Examples
    --------
    >>> confusion_summary(1, 2, 4)["precision"], confusion_summary(0, 0, 4)["fn"]
    (0.5, 4)
    """
    return {
        "precision": ratio(tp, n_predicted),
        "recall": ratio(tp, n_true),
        "f1": ratio(2 * tp, n_predicted + n_true),
        "tp": tp,
        "fp": n_predicted - tp,
        "fn": n_true - tp,
        "n_predicted": n_predicted,
        "n_true": n_true,
    }


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator`` as a float, NaN when the denominator is zero.

    Examples
    --------
    >>> ratio(1, 4), ratio(1, 0)
    (0.25, nan)
    """
    return float(numerator) / denominator if denominator else float("nan")
