"""Expectation–maximisation for the Fellegi–Sunter model, on counts of comparison patterns.

Candidate pairs are reduced to their distinct gamma patterns with counts; EM iterates on
those (a few hundred rows) rather than on every pair.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from golden.errors import ConvergenceWarning

SMOOTHING = 1e-3
# m's prior: half a match at each level (Jeffreys). A level no match was seen at is then
# unlikely, not impossible: after n matches its m is about 1 / (2n), so a mover or a coding
# change costs log2(1 / (2n u)) bits instead of the -16 bits a vanishing pseudo-count gave.
M_PRIOR = 0.5


@dataclass(frozen=True)
class Patterns:
    """Distinct gamma patterns (rows) and how many pairs have each; where pairs were drawn
    with unequal weights (``golden.model.strata``), ``drawn`` is how many were seen."""

    gammas: np.ndarray  # (n_patterns, n_comparisons) int8
    counts: np.ndarray  # (n_patterns,) float64
    drawn: np.ndarray | None = None  # (n_patterns,) float64; None: as counts

    @property
    def seen(self) -> np.ndarray:
        """How many pairs of each pattern were seen (``drawn``, else ``counts``)."""
        return self.counts if self.drawn is None else self.drawn

    @classmethod
    def from_gammas(cls, gammas: np.ndarray, weights: np.ndarray | None = None,
                    drawn: np.ndarray | None = None) -> Patterns:
        """Count distinct rows of a gamma matrix (optionally weighted; ``drawn``: how many
        pairs each row stands for, summed alike).

        Examples
        --------
        >>> import numpy as np
        >>> p = Patterns.from_gammas(np.array([[1, 0], [1, 0], [0, -1]], dtype=np.int8))
        >>> p.gammas.tolist(), p.counts.tolist()
        ([[0, -1], [1, 0]], [1.0, 2.0])
        """
        if len(gammas) == 0:
            return cls(gammas.reshape(0, gammas.shape[1]), np.zeros(0),
                       None if drawn is None else np.zeros(0))
        key = np.zeros(len(gammas), dtype=np.int64)
        for j in range(gammas.shape[1]):
            column = gammas[:, j].astype(np.int64) + 1
            radix = int(column.max()) + 1
            if int(key.max()) >= np.iinfo(np.int64).max // (2 * radix):
                key = pd.factorize(key, sort=True)[0].astype(np.int64)
            key = key * radix + column
        inverse, distinct = pd.factorize(key, sort=True)
        counts = np.bincount(inverse, weights=weights, minlength=len(distinct))
        first = np.zeros(len(distinct), dtype=np.int64)
        first[inverse[::-1]] = np.arange(len(key))[::-1]
        seen = (None if drawn is None else
                np.bincount(inverse, weights=drawn, minlength=len(distinct)).astype(np.float64))
        return cls(gammas[first].astype(np.int8), counts.astype(np.float64), seen)


def level_shares(patterns: Patterns, n_levels: list[int], weights: np.ndarray | None = None,
                 smoothing: float = SMOOTHING) -> list[np.ndarray]:
    """Per comparison, the share of (weighted) non-null pairs at each gamma level.

    A small pseudo-count keeps empty levels away from zero, so weights stay finite.
    """
    w = patterns.counts if weights is None else patterns.counts * weights
    shares = []
    for j, k in enumerate(n_levels):
        g = patterns.gammas[:, j].astype(np.int64)
        present = g >= 0
        counts = np.bincount(g[present], weights=w[present], minlength=k)[:k]
        shares.append((counts + smoothing) / (counts.sum() + smoothing * k))
    return shares


def log_likelihood(patterns: Patterns, probs: list[np.ndarray]) -> np.ndarray:
    """Sum over comparisons of log P(gamma | class) per pattern; null gammas add nothing."""
    total = np.zeros(len(patterns.counts))
    for j, p in enumerate(probs):
        g = patterns.gammas[:, j].astype(np.int64)
        total += np.where(g >= 0, np.log(p[np.maximum(g, 0)]), 0.0)
    return total


@dataclass
class EMResult:
    """Fitted mixture: m and u per comparison, the match share, and convergence facts."""

    m: list[np.ndarray]
    u: list[np.ndarray]
    proportion: float
    n_iter: int
    converged: bool


def expectation_maximisation(
    patterns: Patterns,
    m: list[np.ndarray],
    u: list[np.ndarray],
    proportion: float,
    *,
    fixed_m: frozenset[int] = frozenset(),
    fixed_u: frozenset[int] = frozenset(),
    max_iter: int = 100,
    tol: float = 1e-5,
) -> EMResult:
    """Two-class mixture EM on pattern counts, from the given starting point.

    Comparisons listed in ``fixed_m`` / ``fixed_u`` keep their starting m / u.

    Examples
    --------
    >>> import numpy as np
    >>> g = np.array([[2, 2], [0, 0], [0, 1], [2, 1], [0, 0]], dtype=np.int8)
    >>> p = Patterns(g, np.array([40.0, 500, 50, 5, 400]))
    >>> start_m = [np.array([.1, .2, .7])] * 2
    >>> start_u = [np.array([.8, .15, .05])] * 2
    >>> result = expectation_maximisation(p, start_m, start_u, 0.1)
    >>> result.converged, round(result.proportion, 2)
    (True, 0.05)
    """
    n_levels = [len(x) for x in m]
    m, u = [x.copy() for x in m], [x.copy() for x in u]
    for n_iter in range(1, max_iter + 1):
        log_m, log_u = log_likelihood(patterns, m), log_likelihood(patterns, u)
        logit = np.log(proportion) - np.log1p(-proportion) + log_m - log_u
        posterior = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
        new_m = level_shares(patterns, n_levels, posterior, smoothing=M_PRIOR)
        new_u = level_shares(patterns, n_levels, 1.0 - posterior)
        total = patterns.counts.sum()
        new_proportion = float(np.clip((patterns.counts * posterior).sum() / total,
                                       1e-12, 1 - 1e-12))
        new_m = [m[j] if j in fixed_m else new_m[j] for j in range(len(m))]
        new_u = [u[j] if j in fixed_u else new_u[j] for j in range(len(u))]
        change = max(
            abs(new_proportion - proportion),
            *(float(np.abs(a - b).max()) for a, b in zip(new_m + new_u, m + u, strict=True)),
        )
        m, u, proportion = new_m, new_u, new_proportion
        if change < tol:
            return EMResult(m, u, proportion, n_iter, True)
    warnings.warn(
        f"EM did not converge in max_iter={max_iter} iterations (last change {change:.2g} > "
        f"tol={tol:g}); raise max_iter or tol",
        ConvergenceWarning,
        stacklevel=3,
    )
    return EMResult(m, u, proportion, max_iter, False)
