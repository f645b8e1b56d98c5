"""Fellegi–Sunter scoring: match weights from m and u, term-frequency adjustments, probability."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from golden.comparisons.vectors import ComparisonIndex

TF_MINIMUM = 1e-6


def prior_weight(lambda_: float) -> float:
    """log2 prior odds of a match.

    Examples
    --------
    >>> prior_weight(0.5)
    0.0
    """
    return float(np.log2(lambda_) - np.log2(1.0 - lambda_))


def probability(match_weight: np.ndarray) -> np.ndarray:
    """Match probability from a match weight (log2 odds).

    Examples
    --------
    >>> probability(np.array([0.0, 10.0])).round(4).tolist()
    [0.5, 0.999]
    """
    return 1.0 / (1.0 + np.exp2(-np.asarray(match_weight, dtype=np.float64)))


@dataclass(frozen=True)
class WeightTable:
    """Per comparison, the weight of each gamma level (log2 m/u); null levels weigh 0."""

    log2_m: list[np.ndarray]
    log2_u: list[np.ndarray]
    tf_gammas: list[tuple[int, ...]]
    prior: float

    @classmethod
    def build(cls, m: Sequence[np.ndarray], u: Sequence[np.ndarray],
              tf_gammas: Sequence[tuple[int, ...]], lambda_: float) -> WeightTable:
        return cls([np.log2(x) for x in m], [np.log2(x) for x in u], list(tf_gammas),
                   prior_weight(lambda_))

    def level_weights(self, j: int) -> np.ndarray:
        """Weights of comparison ``j``, indexed by gamma + 1 (index 0 is the null level)."""
        return np.concatenate([[0.0], self.log2_m[j] - self.log2_u[j]])

    def comparison_weights(self, j: int, gammas: np.ndarray, index: ComparisonIndex,
                           left: np.ndarray) -> np.ndarray:
        """Weights of comparison ``j`` for pairs with these gammas, term frequencies applied."""
        weights = self.level_weights(j)[gammas.astype(np.int64) + 1]
        if not self.tf_gammas[j]:
            return weights
        tf = gammas == self.tf_gammas[j][0]
        for gamma in self.tf_gammas[j][1:]:
            tf |= gammas == gamma
        if tf.any():
            share = np.maximum(index.value_frequencies(left[tf]), TF_MINIMUM)
            weights[tf] = self.log2_m[j][gammas[tf]] - np.log2(share)
        return weights


def score_pairs(table: WeightTable, indexes: Sequence[ComparisonIndex], gammas: np.ndarray,
                left: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Match weight per pair (float64) and the per-comparison weights, shape
    (n_pairs, n_comparisons), as float32 (explanations need no more precision)."""
    total = np.full(len(gammas), table.prior)
    parts = np.empty(gammas.shape, dtype=np.float32)
    for j, index in enumerate(indexes):
        weights = table.comparison_weights(j, gammas[:, j], index, left)
        total += weights
        parts[:, j] = weights
    return total, parts
