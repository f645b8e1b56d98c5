"""Diagnose comparisons that are not independent given match status.

Fellegi–Sunter multiplies the evidence of each comparison as if they were independent
among matches and among non-matches. Address parts (street, city, postcode) are not: they
agree together, so their evidence is counted several times over, and EM can learn "same
area" instead of "same person". This module measures, within each class, how strongly the
agreement of two comparisons goes together.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from golden._em import EMResult, Patterns, log_likelihood

STRONG = 0.6
ALMOST_IDENTICAL = 0.95


def posterior(patterns: Patterns, result: EMResult) -> np.ndarray:
    """P(match | pattern) under the fitted mixture."""
    logit = (np.log(result.proportion) - np.log1p(-result.proportion)
             + log_likelihood(patterns, result.m) - log_likelihood(patterns, result.u))
    return 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))


def agreement_correlations(matches: Patterns, match_weight: np.ndarray, non_matches: Patterns,
                           non_match_weight: np.ndarray, names: list[str],
                           top_levels: list[int]) -> pd.DataFrame:
    """Correlation of top-level agreement between every two comparisons, among matches and
    among non-matches (patterns weighted by each class's probability), nulls left out.

    Matches are measured on the candidate pairs; non-matches on random pairs, where the
    blocking rules do not force agreement on their keys.

    Examples
    --------
    >>> import numpy as np
    >>> g = np.array([[1, 1], [0, 0], [1, 0], [0, 1]], dtype=np.int8)
    >>> p = Patterns(g, np.array([50.0, 50, 1, 1]))
    >>> table = agreement_correlations(p, np.ones(4), p, np.ones(4), ["city", "postcode"], [1, 1])
    >>> round(float(table["non_matches"].iloc[0]), 2)
    0.96
    """
    rows = []
    for a, b in itertools.combinations(range(len(names)), 2):
        rows.append({
            "comparison_a": names[a],
            "comparison_b": names[b],
            "matches": _agreement_corr(matches, match_weight, a, b, top_levels),
            "non_matches": _agreement_corr(non_matches, non_match_weight, a, b, top_levels),
        })
    return pd.DataFrame(rows, columns=["comparison_a", "comparison_b", "matches", "non_matches"])


def _agreement_corr(patterns: Patterns, weight: np.ndarray, a: int, b: int,
                    top_levels: list[int]) -> float:
    ga, gb = patterns.gammas[:, a], patterns.gammas[:, b]
    both = (ga >= 0) & (gb >= 0)
    agree_a = (ga == top_levels[a]).astype(float)[both]
    agree_b = (gb == top_levels[b]).astype(float)[both]
    return _weighted_corr(agree_a, agree_b, (patterns.counts * weight)[both])


def strong_dependencies(table: pd.DataFrame, limit: float = STRONG) -> pd.DataFrame:
    """Rows whose agreement goes together among non-matches (correlation >= ``limit``), or
    is all but identical among matches (>= ``ALMOST_IDENTICAL``).

    The first is the harmful kind: records of different people that agree on one get the
    other's agreement weight as well ("same area" counted twice). The second is what EM
    shows when it has learned "same area" as its match class. Negative correlations are
    expected from OR-ed blocking rules and are not reported.
    """
    return table[(table["non_matches"] >= limit) | (table["matches"] >= ALMOST_IDENTICAL)]


def _weighted_corr(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    total = w.sum()
    if total <= 0:
        return float("nan")
    mx, my = (w * x).sum() / total, (w * y).sum() / total
    cov = (w * (x - mx) * (y - my)).sum() / total
    var = ((w * (x - mx) ** 2).sum() / total) * ((w * (y - my) ** 2).sum() / total)
    return float(cov / np.sqrt(var)) if var > 0 else float("nan")
