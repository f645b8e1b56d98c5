"""Fellegi–Sunter scoring: match weights from m and u, term-frequency adjustments, probability."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from golden.comparisons.vectors import ComparisonIndex
from golden.model.dependence import DependenceCorrection

TF_MINIMUM = 1e-6
#: The name of the weight part that corrects for comparisons agreeing together
#: (``mw_dependence`` in ``Linker.predict``'s output).
DEPENDENCE_PART = "dependence"


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
    """Per comparison, the weight of each gamma level (log2 m/u); null levels weigh 0.
    ``corrections`` add the weight groups of dependent comparisons get back for agreeing
    together (see ``golden.model.dependence``)."""

    log2_m: list[np.ndarray]
    log2_u: list[np.ndarray]
    tf_gammas: list[tuple[int, ...]]
    prior: float
    corrections: tuple[DependenceCorrection, ...] = ()

    @classmethod
    def build(cls, m: Sequence[np.ndarray], u: Sequence[np.ndarray],
              tf_gammas: Sequence[tuple[int, ...]], lambda_: float,
              corrections: Sequence[DependenceCorrection] = ()) -> WeightTable:
        return cls([np.log2(x) for x in m], [np.log2(x) for x in u], list(tf_gammas),
                   prior_weight(lambda_), tuple(corrections))

    def part_names(self, comparison_names: Sequence[str]) -> list[str]:
        """The names of ``score_pairs``' weight parts: each comparison's, then
        ``DEPENDENCE_PART`` when there are corrections."""
        return [*comparison_names, *([DEPENDENCE_PART] if self.corrections else [])]

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
    """Match weight per pair (float64) and its parts, one column per ``table.part_names``
    (each comparison's weight, then the dependence correction if any), as float32
    (explanations need no more precision)."""
    total = np.full(len(gammas), table.prior)
    n = len(indexes)
    parts = np.empty((len(gammas), n + bool(table.corrections)), dtype=np.float32)
    for j, index in enumerate(indexes):
        weights = table.comparison_weights(j, gammas[:, j], index, left)
        total += weights
        parts[:, j] = weights
    if table.corrections:
        correction = np.zeros(len(gammas))
        for group in table.corrections:
            correction += group.weights(gammas)
        total += correction
        parts[:, n] = correction
    return total, parts
