"""Expectation–maximisation for the Fellegi–Sunter model, on counts of comparison patterns.

Candidate pairs are reduced to their distinct gamma patterns with counts; EM iterates on
those (a few hundred rows) rather than on every pair.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
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
    fit = mixture_em(patterns, [m, u], [proportion, 1 - proportion],
                     fixed=[fixed_m, fixed_u], smoothing=[M_PRIOR, SMOOTHING],
                     max_iter=max_iter, tol=tol, stacklevel=4)
    return EMResult(fit.classes[0], fit.classes[1], float(fit.shares[0]), fit.n_iter,
                    fit.converged)


@dataclass
class MixtureResult:
    """Fitted latent classes: each class's level shares per comparison, and its share of
    the pairs."""

    classes: list[list[np.ndarray]]
    shares: np.ndarray
    n_iter: int
    converged: bool


def class_posteriors(patterns: Patterns, classes: list[list[np.ndarray]],
                     shares: np.ndarray) -> np.ndarray:
    """P(class | pattern), one column per class.

    Examples
    --------
    >>> g = np.array([[1], [0]], dtype=np.int8)
    >>> classes = [[np.array([0.1, 0.9])], [np.array([0.9, 0.1])]]
    >>> class_posteriors(Patterns(g, np.ones(2)), classes, np.array([0.5, 0.5])).round(1)
    array([[0.9, 0.1],
           [0.1, 0.9]])
    """
    log_joint = np.stack([log_likelihood(patterns, probs) for probs in classes], axis=1)
    log_joint = log_joint + np.log(shares)
    log_joint -= log_joint.max(axis=1, keepdims=True)
    joint = np.exp(log_joint)
    return joint / joint.sum(axis=1, keepdims=True)


def mixture_em(patterns: Patterns, classes: list[list[np.ndarray]], shares: Sequence[float],
               *, fixed: Sequence[frozenset[int]], smoothing: Sequence[float],
               max_iter: int = 100, tol: float = 1e-5, stacklevel: int = 3) -> MixtureResult:
    """Latent-class EM on pattern counts: each class has its own level shares per
    comparison (independent given the class), from the given starting point. Comparisons in
    ``fixed[k]`` keep class ``k``'s starting shares; ``smoothing[k]`` is class ``k``'s
    pseudo-count per level. Shares stay within [1e-12, 1 - 1e-12]. Not converging in
    ``max_iter`` warns (``ConvergenceWarning``, pointing ``stacklevel`` frames up).

    Examples
    --------
    A thousand pairs: 100 matches agree on all five comparisons (nine times in ten),
    300 relatives on the first three only, 600 strangers one time in twenty (held fixed).

    >>> import itertools
    >>> g = np.array(list(itertools.product([0, 1], repeat=5)), dtype=np.int8)
    >>> agree = np.array([[.9] * 5, [.9, .9, .9, .05, .05], [.05] * 5])
    >>> n = sum(size * np.prod(np.where(g == 1, a, 1 - a), axis=1)
    ...         for size, a in zip([100, 300, 600], agree))
    >>> top, even, rare = np.array([0.2, 0.8]), np.array([0.5, 0.5]), np.array([0.95, 0.05])
    >>> fit = mixture_em(Patterns(g, n), [[top] * 5, [top] * 3 + [even] * 2, [rare] * 5],
    ...                  [0.2, 0.2, 0.6], fixed=[frozenset(), frozenset(), frozenset(range(5))],
    ...                  smoothing=[0.5, 0.5, 0.5], max_iter=1_000)
    >>> fit.shares.round(2).tolist()
    [0.1, 0.3, 0.6]
    """
    n_levels = [len(x) for x in classes[0]]
    current = [[x.copy() for x in probs] for probs in classes]
    weights = np.clip(np.asarray(shares, dtype=np.float64), 1e-12, 1 - 1e-12)
    total = patterns.counts.sum()
    change = np.inf
    for n_iter in range(1, max_iter + 1):
        posterior = class_posteriors(patterns, current, weights)
        new_weights = np.clip((patterns.counts[:, None] * posterior).sum(axis=0) / total,
                              1e-12, 1 - 1e-12)
        new = []
        for k, probs in enumerate(current):
            learned = level_shares(patterns, n_levels, posterior[:, k], smoothing=smoothing[k])
            new.append([probs[j] if j in fixed[k] else learned[j] for j in range(len(probs))])
        change = max(float(np.abs(new_weights - weights).max()),
                     *(float(np.abs(a - b).max()) for old, fresh in zip(current, new, strict=True)
                       for a, b in zip(old, fresh, strict=True)))
        current, weights = new, new_weights
        if change < tol:
            return MixtureResult(current, weights, n_iter, True)
    warnings.warn(
        f"EM did not converge in max_iter={max_iter} iterations (last change {change:.2g} > "
        f"tol={tol:g}); raise max_iter or tol",
        ConvergenceWarning,
        stacklevel=stacklevel,
    )
    return MixtureResult(current, weights, max_iter, False)
