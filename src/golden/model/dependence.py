"""Diagnose comparisons that are not independent given match status.

Fellegi–Sunter multiplies the evidence of each comparison as if they were independent
among matches and among non-matches. Address parts (street, city, postcode) are not: they
agree together, so their evidence is counted several times over, and EM can learn "same
area" instead of "same person". This module measures, within each class, how strongly the
agreement of two comparisons goes together.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from golden.model.em import EMResult, Patterns, log_likelihood

STRONG = 0.6
ALMOST_IDENTICAL = 0.95
OVERCOUNT_BITS = 3.0  # joint agreement 8x more frequent among non-matches than independence
MIN_JOINT_PAIRS = 10.0  # non-match pairs seen agreeing on both, for a reliable ratio


def posterior(patterns: Patterns, result: EMResult) -> np.ndarray:
    """P(match | pattern) under the fitted mixture."""
    logit = (np.log(result.proportion) - np.log1p(-result.proportion)
             + log_likelihood(patterns, result.m) - log_likelihood(patterns, result.u))
    return 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))


def agreement_correlations(matches: Patterns, match_weight: np.ndarray, non_matches: Patterns,
                           non_match_weight: np.ndarray, names: list[str],
                           agree_from: list[int]) -> pd.DataFrame:
    """Correlation of agreement (level ``agree_from[j]`` or above; the top level by default)
    between every two comparisons, among matches and
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
            "matches": _agreement_corr(matches, match_weight, a, b, agree_from),
            "non_matches": _agreement_corr(non_matches, non_match_weight, a, b, agree_from),
            "overcount_bits": _overcount_bits(non_matches, non_match_weight, a, b, agree_from),
        })
    return pd.DataFrame(rows, columns=["comparison_a", "comparison_b", "matches", "non_matches",
                                       "overcount_bits"])


def _overcount_bits(patterns: Patterns, weight: np.ndarray, a: int, b: int,
                    agree_from: list[int]) -> float:
    """log2 of how much more often two comparisons agree together among non-matches than
    independence predicts: the weight Fellegi–Sunter adds in error when both agree.

    Correlation misses this when joint agreement is rare (relatives sharing a surname and a
    postcode are few among all pairs, yet most pairs agreeing on both are relatives).
    NaN when too few pairs agree on both to tell.
    """
    ga, gb = patterns.gammas[:, a], patterns.gammas[:, b]
    both = (ga >= 0) & (gb >= 0)
    w = (patterns.counts * weight)[both]
    agree_a, agree_b = (ga >= agree_from[a])[both], (gb >= agree_from[b])[both]
    joint, total = float(w[agree_a & agree_b].sum()), float(w.sum())
    seen = float((patterns.seen * weight)[both][agree_a & agree_b].sum())
    if seen < MIN_JOINT_PAIRS or total <= 0:
        return float("nan")
    p_a, p_b = float(w[agree_a].sum()) / total, float(w[agree_b].sum()) / total
    return float(np.log2(joint / total / (p_a * p_b)))


def _agreement_corr(patterns: Patterns, weight: np.ndarray, a: int, b: int,
                    agree_from: list[int]) -> float:
    ga, gb = patterns.gammas[:, a], patterns.gammas[:, b]
    both = (ga >= 0) & (gb >= 0)
    agree_a = (ga >= agree_from[a]).astype(float)[both]
    agree_b = (gb >= agree_from[b]).astype(float)[both]
    return _weighted_corr(agree_a, agree_b, (patterns.counts * weight)[both])


def strong_dependencies(table: pd.DataFrame, limit: float = STRONG) -> pd.DataFrame:
    """Rows whose agreement goes together among non-matches (correlation >= ``limit``, or
    joint agreement over-counted by ``OVERCOUNT_BITS`` or more), or is all but identical
    among matches (>= ``ALMOST_IDENTICAL``).

    The first is the harmful kind: records of different people that agree on one get the
    other's agreement weight as well ("same area" counted twice). The second is what EM
    shows when it has learned "same area" as its match class. Negative correlations are
    expected from OR-ed blocking rules and are not reported.
    """
    return table[(table["non_matches"] >= limit) | (table["matches"] >= ALMOST_IDENTICAL)
                 | (table["overcount_bits"] >= OVERCOUNT_BITS)]


def _weighted_corr(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    total = w.sum()
    if total <= 0:
        return float("nan")
    mx, my = (w * x).sum() / total, (w * y).sum() / total
    cov = (w * (x - mx) * (y - my)).sum() / total
    var = ((w * (x - mx) ** 2).sum() / total) * ((w * (y - my) ** 2).sum() / total)
    return float(cov / np.sqrt(var)) if var > 0 else float("nan")


def dependent_groups(table: pd.DataFrame, names: list[str],
                     together: Sequence[tuple[int, ...]] = ()) -> list[tuple[int, ...]]:
    """Groups of comparisons (by position) linked by strong dependence among non-matches
    (``non_matches`` >= ``STRONG`` or ``overcount_bits`` >= ``OVERCOUNT_BITS``) or known to
    agree together (``together``: what relatives share), each group's comparisons in
    order; comparisons in no group are left out.

    Examples
    --------
    >>> table = pd.DataFrame({"comparison_a": ["city", "name"], "comparison_b": ["zip", "zip"],
    ...                       "matches": [0.1, 0.0], "non_matches": [0.9, 0.0],
    ...                       "overcount_bits": [6.0, 0.1]})
    >>> dependent_groups(table, ["name", "city", "zip"])
    [(1, 2)]
    >>> dependent_groups(table, ["name", "city", "zip"], together=[(0, 2)])
    [(0, 1, 2)]
    """
    flagged = table[(table["non_matches"] >= STRONG) | (table["overcount_bits"] >= OVERCOUNT_BITS)]
    group_of = {name: i for i, name in enumerate(names)}

    def root(i: int) -> int:
        while group_of[names[i]] != i:
            i = group_of[names[i]]
        return i

    links = [(names.index(row.comparison_a), names.index(row.comparison_b))
             for row in flagged.itertuples()]
    links += [(group[0], j) for group in together for j in group[1:]]
    for first, second in links:
        a, b = root(first), root(second)
        group_of[names[max(a, b)]] = min(a, b)
    members: dict[int, list[int]] = {}
    for i in range(len(names)):
        members.setdefault(root(i), []).append(i)
    return [tuple(group) for group in members.values() if len(group) > 1]


@dataclass(frozen=True)
class DependenceCorrection:
    """The weight a group of comparisons gets back for agreeing together as often as
    non-matches do, rather than as independence predicts.

    ``bits[a]`` is added to a pair's match weight, where bit ``k`` of ``a`` says whether the
    group's ``k``-th comparison agrees (at level ``agree_from[k]`` or above):
    ``-log2(u(a) / prod u_k(a_k))``, the joint share of agreement pattern ``a`` among
    non-matches against the product of its comparisons' shares.

    Examples
    --------
    >>> correction = DependenceCorrection((0, 1), (1, 1), (0.0, 0.0, 0.0, -6.0))
    >>> correction.weights(np.array([[1, 1], [1, 0], [-1, 1]], dtype=np.int8)).tolist()
    [-6.0, 0.0, 0.0]
    """

    comparisons: tuple[int, ...]
    agree_from: tuple[int, ...]
    bits: tuple[float, ...]

    def patterns(self, gammas: np.ndarray) -> np.ndarray:
        """Each pair's agreement pattern over the group (bit ``k``: comparison ``k`` at level
        ``agree_from[k]`` or above)."""
        code = np.zeros(len(gammas), dtype=np.int64)
        for k, (j, level) in enumerate(zip(self.comparisons, self.agree_from, strict=True)):
            code |= (gammas[:, j] >= level).astype(np.int64) << k
        return code

    def weights(self, gammas: np.ndarray) -> np.ndarray:
        """The correction of each pair (rows of a gamma matrix), in bits."""
        return np.asarray(self.bits)[self.patterns(gammas)]


def dependence_corrections(random_patterns: Patterns, non_match_weight: np.ndarray,
                           groups: list[tuple[int, ...]], agree_from: list[int]
                           ) -> list[DependenceCorrection]:
    """One correction per group, from random pairs weighted as non-matches (half a pair of
    prior at each pattern, so a pattern never seen is rare, not impossible); corrections
    only ever take weight away.

    Examples
    --------
    >>> import numpy as np
    >>> g = np.array([[1, 1], [1, 0], [0, 1], [0, 0]], dtype=np.int8)
    >>> relatives = Patterns(g, np.array([2_000.0, 8_000, 8_000, 982_000]))
    >>> [round(b, 1) for b in dependence_corrections(relatives, np.ones(4), [(0, 1)],
    ...                                             [1, 1])[0].bits]
    [-0.0, 0.0, 0.0, -4.3]
    """
    w = random_patterns.counts * non_match_weight
    total = float(w.sum())
    out = []
    for group in groups:
        tops = tuple(agree_from[j] for j in group)
        correction = DependenceCorrection(group, tops, ())
        code = correction.patterns(random_patterns.gammas)
        n = 1 << len(group)
        joint = (np.bincount(code, weights=w, minlength=n) + 0.5) / (total + 0.5 * n)
        log_ratio = np.log2(joint)
        for k in range(len(group)):
            agrees = (np.arange(n) >> k) & 1 == 1
            share = joint[agrees].sum()
            log_ratio -= np.where(agrees, np.log2(share), np.log2(1 - share))
        # Only weight that independence over-counts is taken back: a pattern rarer among
        # non-matches than independence says (a city without its region) is as likely a
        # data error among matches, which random pairs cannot tell.
        out.append(DependenceCorrection(group, tops,
                                        tuple(np.minimum(-log_ratio, 0.0).tolist())))
    return out
