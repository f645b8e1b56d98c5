"""Relatives taken for matches: a third class of candidate pairs.

Blocking on a surname or an address finds relatives of one household as well as the
duplicates of one person. Where relatives outnumber the duplicates, a two-class EM learns
"same household" (agreeing on surname and address, disagreeing on the first name) as its
match class. A three-class mixture separates them: matches, relatives, and the other
candidates. The relatives' class carries no evidence (agrees no more than random pairs do)
on a comparison where matches carry plenty: the first name of a sibling. What they share
(surname, address, phone) agrees together among non-matches far more often than
independence says, whether or not they outnumber the matches.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from golden.errors import ConvergenceWarning
from golden.model.em import (
    M_PRIOR,
    SMOOTHING,
    EMResult,
    Patterns,
    class_posteriors,
    level_shares,
    mixture_em,
)
from golden.model.training import starting_m

# A class whose level shares on a comparison are within this many bits (Kullback–Leibler)
# of random pairs' says nothing about that comparison...
NO_EVIDENCE_BITS = 0.5
# ... where the match class's shares are at least this far from them.
EVIDENCE_BITS = 3.0


@dataclass(frozen=True)
class Relatives:
    """What a user sees of a class of relatives: their share of the candidate pairs and
    the comparisons they differ on where matches agree (a sibling's first name)."""

    share: float
    differ_on: tuple[str, ...]


@dataclass(frozen=True)
class RelatedClass:
    """A class of related non-matches found among the candidate pairs.

    ``match`` is the match class against all other candidates (its ``u``: the level shares
    of the relatives and the rest together); ``share`` the relatives' share of the
    candidates; ``comparisons`` where they disagree like
    strangers while matches agree; ``shared`` where they agree (what a family shares).
    """

    match: EMResult
    share: float
    comparisons: tuple[int, ...]
    shared: tuple[int, ...]

    @property
    def outnumber(self) -> bool:
        """Whether the relatives are at least as many as the matches: then two classes
        learn them, not the matches."""
        return self.share >= self.match.proportion


def evidence_bits(shares: np.ndarray, u: np.ndarray) -> float:
    """How far a class's level shares are from random pairs' (KL divergence, bits).

    Examples
    --------
    >>> round(evidence_bits(np.array([0.1, 0.9]), np.array([0.99, 0.01])), 1)
    5.5
    >>> evidence_bits(np.array([0.99, 0.01]), np.array([0.99, 0.01]))
    0.0
    """
    return float((shares * np.log2(shares / u)).sum())


def find_related_class(patterns: Patterns, u_random: list[np.ndarray], first: EMResult, *,
                       max_iter: int, tol: float) -> RelatedClass | None:
    """Fit matches, relatives and the rest to the candidates' patterns, starting the
    relatives from ``first`` (two-class EM's match class) and the matches from agreement on
    every comparison. The relatives count only when they carry no evidence on some
    comparison where the matches carry plenty (``NO_EVIDENCE_BITS``, ``EVIDENCE_BITS``);
    otherwise ``None``.
    """
    n_levels = [len(u) for u in u_random]
    if len(n_levels) < 3 or len(patterns.counts) == 0:
        return None
    share = first.proportion
    with warnings.catch_warnings():  # said below, if the fit is used
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = mixture_em(patterns, [starting_m(n_levels), first.m, first.u],
                         [share / 5, share * 4 / 5, 1 - share], fixed=[frozenset()] * 3,
                         smoothing=[M_PRIOR, M_PRIOR, SMOOTHING], max_iter=max_iter, tol=tol)
    evidence = [[evidence_bits(shares, u) for shares, u in zip(c, u_random, strict=True)]
                for c in fit.classes[:2]]
    match = int(np.argmax([sum(e) for e in evidence]))
    relatives = 1 - match
    unlike = tuple(j for j in range(len(n_levels))
                   if evidence[relatives][j] < NO_EVIDENCE_BITS
                   and evidence[match][j] >= EVIDENCE_BITS)
    if not unlike:
        return None
    if not fit.converged:
        warnings.warn(f"EM over matches, relatives and the other candidates did not converge in "
                      f"max_iter={max_iter} iterations; raise max_iter or tol",
                      ConvergenceWarning, stacklevel=4)
    other = 1 - class_posteriors(patterns, fit.classes, fit.shares)[:, match]
    return RelatedClass(
        match=EMResult(fit.classes[match], level_shares(patterns, n_levels, other),
                       float(fit.shares[match]), fit.n_iter, fit.converged),
        share=float(fit.shares[relatives]), comparisons=unlike,
        shared=tuple(j for j, bits in enumerate(evidence[relatives]) if bits >= EVIDENCE_BITS))


def evidence_levels(m: list[np.ndarray], u: list[np.ndarray]) -> list[int]:
    """Per comparison, the lowest level above "else" that is evidence for a match (m > u),
    or the top level: relatives agree on similar surnames as well as on the same one, so
    their agreement is counted from there.

    Examples
    --------
    >>> m = [np.array([0.1, 0.3, 0.6]), np.array([0.9, 0.1])]
    >>> u = [np.array([0.9, 0.05, 0.05]), np.array([0.5, 0.5])]
    >>> evidence_levels(m, u)
    [1, 1]
    """
    levels = []
    for mj, uj in zip(m, u, strict=True):
        above = np.flatnonzero(mj[1:] > uj[1:])
        levels.append(int(above[0]) + 1 if len(above) else len(mj) - 1)
    return levels
