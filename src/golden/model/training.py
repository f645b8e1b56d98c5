"""Estimating Fellegi–Sunter parameters: u from random pairs, m and the match share by EM."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from golden.model.em import EMResult, Patterns, expectation_maximisation, level_shares

if TYPE_CHECKING:
    from golden.blocking import Blocking, BlockingRule
    from golden.comparisons import Comparison
    from golden.records import Records

START_M_TOP = 0.8


class TrainingPairs(Protocol):
    """What learning the parameters needs from an engine: the comparison patterns (distinct
    gamma rows with counts) of a few sets of pairs, and pair counts.

    Each engine generates and compares the pairs its own way (numpy arrays in this process,
    joins and ``mapInPandas`` on Spark) and hands back only these small aggregates; EM and
    everything after it run once, in ``golden.model.learning.learn``, whatever the engine.
    """

    @property
    def link_type(self) -> str:
        """``"dedupe"``, ``"link"`` or ``"link_and_dedupe"``."""

    @property
    def comparisons(self) -> tuple[Comparison, ...]:
        """The comparisons, fitted on the records (free-text levels' word weights)."""

    @property
    def source_sizes(self) -> list[int]:
        """How many records each source holds (one number for a dedupe)."""

    @property
    def n_candidates(self) -> int:
        """How many candidate pairs the blocking rules found (after ``candidate_patterns``)."""

    def random_patterns(self, max_pairs: int, rng: np.random.Generator) -> Patterns:
        """Patterns of ``random_pairs(records, link_type, max_pairs, rng)``."""

    def candidate_patterns(self) -> Patterns:
        """Patterns of the candidate pairs of the prediction blocking rules."""

    def covered_patterns(self, rule_number: int) -> Patterns:
        """Patterns of the candidate pairs that rule ``rule_number`` finds (first or not)."""

    def rule_patterns(self, rule: BlockingRule, max_pairs: int, rng: np.random.Generator
                      ) -> Patterns:
        """Patterns of a training rule's pairs, or of a random sample of ``max_pairs``."""

    def labelled_patterns(self, labels: Any) -> Patterns:
        """Patterns of the labelled matches."""

    def count_candidates(self, blocking: Blocking) -> int:
        """How many distinct pairs the OR-ed rules find."""

    def total_pairs(self) -> int:
        """Pairs a full comparison would make (see ``total_pairs``)."""


def total_pairs(records: Records, link_type: str) -> int:
    """Number of pairs a full comparison would make (the prior's denominator)."""
    n = records.n
    if link_type != "link":
        return n * (n - 1) // 2
    sizes = np.bincount(records.source_codes).astype(np.int64)
    return int((sizes.sum() ** 2 - (sizes**2).sum()) // 2)


def random_pairs(records: Records, link_type: str, max_pairs: int,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``max_pairs`` random pairs (drawn with replacement), or every pair when there are fewer.

    For ``link`` only cross-source pairs are drawn.
    """
    n = records.n
    available = total_pairs(records, link_type)
    if available <= max_pairs:
        left, right = np.triu_indices(n, k=1)
    else:
        left = rng.integers(0, n, size=max_pairs)
        right = rng.integers(0, n - 1, size=max_pairs)
        right = right + (right >= left)
    if link_type == "link":
        keep = records.source_codes[left] != records.source_codes[right]
        left, right = left[keep], right[keep]
    return left, right


# A level no random pair reached is rare, not impossible: count it as half a pair seen, so
# its u is about 1 / (2 * pairs sampled) rather than a vanishing pseudo-count that would
# give it an unbounded weight (a rule-of-thumb bound; the true u is below about 3 / pairs).
UNSEEN_PAIRS = 0.5


def starting_m(n_levels: Sequence[int]) -> list[np.ndarray]:
    """A neutral m: most matches at the top level, the rest spread evenly below it."""
    out = []
    for k in n_levels:
        m = np.full(k, (1 - START_M_TOP) / max(k - 1, 1))
        m[-1] = START_M_TOP
        out.append(m / m.sum())
    return out


def fit_em(patterns: Patterns, u_random: list[np.ndarray], *, fixed_m: frozenset[int],
           start_m: list[np.ndarray] | None, max_iter: int, tol: float) -> EMResult:
    """EM on candidate-pair patterns, m, u and the match share all free.

    Blocked non-matches agree on blocking columns far more often than random pairs, so u
    is re-estimated for the candidate population (starting from the random-pair u); the
    random-pair u is what scoring uses. The start splits patterns by their weight under
    the starting m and random u, which steers EM to the match / non-match split rather
    than to "same area" or "same family".
    """
    n_levels = [len(u) for u in u_random]
    m0 = start_m or starting_m(n_levels)
    logit = _log_bayes_factor(patterns, m0, u_random)
    seed = (logit > np.median(np.repeat(logit, patterns.counts.astype(np.int64)))
            ).astype(float) if len(logit) else logit
    share = float(np.clip((patterns.counts * seed).sum() / max(patterns.counts.sum(), 1),
                          1e-6, 1 - 1e-6))
    m_start = [m0[j] if j in fixed_m else s for j, s in
               enumerate(level_shares(patterns, n_levels, seed))]
    u_start = level_shares(patterns, n_levels, 1 - seed)
    return expectation_maximisation(patterns, m_start, u_start, share, fixed_m=fixed_m,
                                    max_iter=max_iter, tol=tol)


def fit_session_m(patterns: Patterns, u_random: list[np.ndarray], blocked: frozenset[int],
                  start_m: list[np.ndarray], *, max_iter: int, tol: float) -> EMResult:
    """EM for one training pass blocked on some columns: the comparisons reading them are
    left out (every pair agrees on them), u is held at the random-pair u, and m is learned
    for the others.
    """
    gammas = patterns.gammas.copy()
    gammas[:, sorted(blocked)] = -1
    session = Patterns.from_gammas(gammas, patterns.counts)
    all_fixed = frozenset(range(len(u_random)))
    logit = _log_bayes_factor(session, start_m, u_random)
    share = float(np.clip(np.average(logit > 0, weights=session.counts), 1e-6, 1 - 1e-6))
    return expectation_maximisation(session, start_m, u_random, share, fixed_m=blocked,
                                    fixed_u=all_fixed, max_iter=max_iter, tol=tol)


def _log_bayes_factor(patterns: Patterns, m: list[np.ndarray], u: list[np.ndarray]
                      ) -> np.ndarray:
    total = np.zeros(len(patterns.counts))
    for j in range(len(m)):
        g = patterns.gammas[:, j].astype(np.int64)
        total += np.where(g >= 0, np.log(m[j][np.maximum(g, 0)] / u[j][np.maximum(g, 0)]), 0)
    return total
