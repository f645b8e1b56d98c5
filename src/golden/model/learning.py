"""The training procedure: λ, m and u from the comparison patterns any engine hands back.

u comes from random pairs; a first EM over the candidate pairs finds where matches are; m is
learned in training passes (or taken from labelled matches); a last EM, m and u held, finds
the share of candidates that match, from which λ follows (or from deterministic rules).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from golden._base.progress import progress
from golden.blocking import Blocking
from golden.comparisons import Comparison
from golden.errors import ConfigError, DataWarning
from golden.model.dependence import (
    ALMOST_IDENTICAL,
    OVERCOUNT_BITS,
    STRONG,
    agreement_correlations,
    posterior,
    strong_dependencies,
)
from golden.model.em import M_PRIOR, EMResult, expectation_maximisation, level_shares
from golden.model.training import UNSEEN_PAIRS, TrainingPairs, fit_em, fit_session_m


@dataclass(frozen=True)
class TrainingSettings:
    """How to learn: sample sizes, EM's stopping rule, the training passes and the prior."""

    u_max_pairs: int
    training_max_pairs: int
    max_iter: int
    tol: float
    random_state: int | np.random.Generator | None
    training_blocking: Blocking | None = None
    deterministic_rules: Blocking | None = None
    recall: float = 0.8
    progress: bool | None = None


@dataclass(frozen=True)
class LearnedParameters:
    """What training learned, per comparison in order."""

    m: list[np.ndarray]
    u: list[np.ndarray]
    u_candidates: list[np.ndarray]
    lambda_: float
    n_iter: int
    converged: bool
    n_candidates: int
    dependence: pd.DataFrame


def learn(training: TrainingPairs, comparisons: Sequence[Comparison], blocking: Blocking,
          settings: TrainingSettings, labels: Any = None) -> LearnedParameters:
    """Learn the parameters from the comparison patterns of an engine's pairs.

    Warns (``DataWarning``) about strongly dependent comparisons; raises ``ConfigError``
    when blocking found no candidate pairs.
    """
    rng = np.random.default_rng(settings.random_state)
    n_levels = [c.n_levels for c in comparisons]

    random_patterns = training.random_patterns(settings.u_max_pairs, rng)
    u_random = level_shares(random_patterns, n_levels, smoothing=UNSEEN_PAIRS)
    patterns = training.candidate_patterns()
    if training.n_candidates == 0:
        raise ConfigError("blocking found no candidate pairs: nothing to learn from; use "
                          "broader blocking rules")
    first = fit_em(patterns, u_random, fixed_m=frozenset(), start_m=None,
                   max_iter=settings.max_iter, tol=settings.tol)
    if labels is not None:
        m = level_shares(training.labelled_patterns(labels), n_levels, smoothing=M_PRIOR)
    else:
        m = _session_m(training, comparisons, u_random, first.m, blocking, settings, rng)
    # With m fixed at what a match looks like and u at what the first pass found the
    # candidates' non-matches look like, EM finds the share of candidates that are
    # matches. (Left free, u can absorb the matches too and the share collapses.)
    every = frozenset(range(len(m)))
    final = expectation_maximisation(patterns, m, first.u, first.proportion,
                                     fixed_m=every, fixed_u=every,
                                     max_iter=settings.max_iter, tol=settings.tol)
    lambda_ = _prior(training, final.proportion * training.n_candidates, settings)
    at_random = EMResult(m, u_random, lambda_, 0, True)
    dependence = agreement_correlations(
        patterns, posterior(patterns, final),
        random_patterns, 1 - posterior(random_patterns, at_random),
        [c.name for c in comparisons], [c.n_levels - 1 for c in comparisons])
    _warn_dependence(dependence)
    return LearnedParameters(m=m, u=u_random, u_candidates=final.u, lambda_=lambda_,
                             n_iter=first.n_iter + final.n_iter,
                             converged=first.converged and final.converged,
                             n_candidates=training.n_candidates, dependence=dependence)


def _session_m(training: TrainingPairs, comparisons: Sequence[Comparison],
               u_random: list[np.ndarray], m: list[np.ndarray], blocking: Blocking,
               settings: TrainingSettings, rng: np.random.Generator) -> list[np.ndarray]:
    """m averaged over training passes, one per rule; each pass learns m for the
    comparisons that do not read the rule's columns. Without ``training_blocking`` the
    passes are the prediction rules, over the candidate pairs already compared.
    """
    estimates: list[list[np.ndarray]] = [[] for _ in comparisons]
    own_rules = settings.training_blocking is None
    rules = blocking.rules if own_rules else settings.training_blocking.rules  # type: ignore[union-attr]
    for number, rule in enumerate(progress(rules, "training", settings.progress)):
        if own_rules:
            session_patterns = training.covered_patterns(number)
        else:
            session_patterns = training.rule_patterns(rule, settings.training_max_pairs, rng)
        blocked = frozenset(j for j, c in enumerate(comparisons)
                            if set(c.columns) & set(rule.columns))
        if len(session_patterns.counts) == 0 or len(blocked) == len(comparisons):
            continue
        session = fit_session_m(session_patterns, u_random, blocked, m,
                                max_iter=settings.max_iter, tol=settings.tol)
        for j in set(range(len(comparisons))) - blocked:
            estimates[j].append(session.m[j])
    return [np.mean(e, axis=0) if e else m[j] for j, e in enumerate(estimates)]


def _prior(training: TrainingPairs, expected_matches: float, settings: TrainingSettings
           ) -> float:
    total = max(training.total_pairs(), 1)
    if settings.deterministic_rules is not None:
        expected_matches = (training.count_candidates(settings.deterministic_rules)
                            / settings.recall)
    return float(np.clip(expected_matches / total, 1e-12, 1 - 1e-9))


def _warn_dependence(table: pd.DataFrame) -> None:
    strong = strong_dependencies(table)
    if len(strong):
        shown = "; ".join(dependence_finding(row) for row in strong.itertuples())
        warnings.warn(
            f"strongly dependent comparisons: {shown}. Fellegi–Sunter counts their agreement "
            "as independent evidence; compare each group as one with comparisons.joint(...) "
            "(e.g. a household's surname, postcode and landline), or drop one. "
            "See Linker.dependence_", DataWarning, stacklevel=4)


def dependence_finding(row: Any) -> str:
    """What was found about two comparisons, in the terms of the test that flagged them
    (a row of ``Linker.dependence_``).

    Examples
    --------
    >>> import pandas as pd
    >>> row = pd.Series({"comparison_a": "surname", "comparison_b": "postcode",
    ...                  "matches": 0.0, "non_matches": 0.1, "overcount_bits": 4.8})
    >>> head, tail = dependence_finding(row).split(": ")
    >>> head
    'surname ~ postcode (among non-matches they agree together 28x as often as if independent'
    >>> tail
    '4.8 bits too many for a pair agreeing on both)'
    """
    found = []
    if row.overcount_bits >= OVERCOUNT_BITS:
        found.append(f"among non-matches they agree together {2 ** row.overcount_bits:.0f}x "
                     "as often as if independent: "
                     f"{row.overcount_bits:.1f} bits too many for a pair agreeing on both")
    if row.non_matches >= STRONG:
        found.append(f"their agreement correlates at r={row.non_matches:.2f} among non-matches")
    if row.matches >= ALMOST_IDENTICAL:
        found.append(f"they agree or disagree together in matches (r={row.matches:.2f}): the "
                     "model may have learned 'same place' or 'same family', not 'same person'")
    return f"{row.comparison_a} ~ {row.comparison_b} ({'; '.join(found)})"
