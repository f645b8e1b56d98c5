"""The training procedure: λ, m and u from the comparison patterns any engine hands back.

u comes from random pairs; a first EM over the candidate pairs finds where matches are; m is
learned in training passes (or taken from labelled matches); a last EM, m and u held, finds
the share of candidates that match, from which λ follows (or from deterministic rules).
Where relatives outnumber the matches among the candidates (``golden.model.related``), m
and λ come from a three-class EM instead; where relatives are found at all, what they share
is corrected as one dependent group.
"""

from __future__ import annotations

import itertools
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
    DependenceCorrection,
    agreement_correlations,
    dependence_corrections,
    dependent_groups,
    posterior,
    strong_dependencies,
)
from golden.model.em import (
    M_PRIOR,
    EMResult,
    Patterns,
    expectation_maximisation,
    level_shares,
    log_likelihood,
)
from golden.model.related import (
    NO_EVIDENCE_BITS,
    RelatedClass,
    evidence_bits,
    evidence_levels,
    find_related_class,
)
from golden.model.strata import stratified_random_patterns
from golden.model.training import UNSEEN_PAIRS, TrainingPairs, fit_em, fit_session_m

# A training pass has learned what its key shares (a surname's family, a town), not the
# entity, when its 'match' class holds both more than this many times the matches that EM
# over all candidates and all comparisons expects among the same pairs, and more than
# MANY_MATCHES_PER_RECORD matches per record. (Either alone is no proof: that EM can miss
# true matches, and entities can be large.)
COLLAPSE_RATIO = 2.0
MANY_MATCHES_PER_RECORD = 10
# Rounds of λ from the scores, then u from the random pairs weighed by their probability of
# being non-matches.
U_ROUNDS = 3
# Below this weight at its agreement (top) level, 8x likelier among matches, no comparison
# tells a match from a non-match.
DISTINCT_BITS = 3.0


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
    correct_dependence: bool = True


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
    corrections: list[DependenceCorrection]
    related: RelatedClass | None


def learn(training: TrainingPairs, comparisons: Sequence[Comparison], blocking: Blocking,
          settings: TrainingSettings, labels: Any = None) -> LearnedParameters:
    """Learn the parameters from the comparison patterns of an engine's pairs.

    Comparisons that agree together among non-matches (``Linker.dependence_``) get a
    correction (``settings.correct_dependence``), and λ is made consistent with the scores
    and bounded by what the records can hold. Warns (``DataWarning``) about strongly
    dependent comparisons and an impossible λ; raises ``ConfigError`` when blocking found no
    candidate pairs.
    """
    rng = np.random.default_rng(settings.random_state)
    n_levels = [c.n_levels for c in comparisons]

    random_patterns = stratified_random_patterns(
        training, comparisons, training.random_patterns(settings.u_max_pairs, rng), rng)
    u_random = level_shares(random_patterns, n_levels, smoothing=UNSEEN_PAIRS)
    patterns = training.candidate_patterns()
    if training.n_candidates == 0:
        raise ConfigError("blocking found no candidate pairs: nothing to learn from; use "
                          "broader blocking rules")
    first = fit_em(patterns, u_random, fixed_m=frozenset(), start_m=None,
                   max_iter=settings.max_iter, tol=settings.tol)
    related = None
    if labels is not None:
        m = level_shares(training.labelled_patterns(labels), n_levels, smoothing=M_PRIOR)
    else:
        related = find_related_class(patterns, u_random, first, max_iter=settings.max_iter,
                                     tol=settings.tol)
        if related is not None and related.outnumber:  # every pass would learn them too
            first, m = related.match, related.match.m
        else:
            m = _session_m(training, comparisons, u_random, first, blocking, settings, rng)
    # With m fixed at what a match looks like and u at what the first pass found the
    # candidates' non-matches look like, EM finds the share of candidates that are
    # matches. (Left free, u can absorb the matches too and the share collapses.)
    every = frozenset(range(len(m)))
    final = expectation_maximisation(patterns, m, first.u, first.proportion,
                                     fixed_m=every, fixed_u=every,
                                     max_iter=settings.max_iter, tol=settings.tol)
    names = [c.name for c in comparisons]
    relatives_outnumber = related is not None and related.outnumber
    tops = (evidence_levels(m, u_random) if relatives_outnumber
            else [c.n_levels - 1 for c in comparisons])
    lambda_ = _prior(training, final.proportion * training.n_candidates, settings)
    non_match = 1 - posterior(random_patterns, EMResult(m, u_random, lambda_, 0, True))
    dependence = agreement_correlations(patterns, posterior(patterns, final),
                                        random_patterns, non_match, names, tops)
    groups = dependent_groups(dependence, names, [] if related is None else [related.shared])
    corrections = (dependence_corrections(random_patterns, non_match, groups, tops)
                   if settings.correct_dependence else [])
    u, proposed = u_random, lambda_
    for round_ in range(U_ROUNDS + 1):
        if round_:
            u = _non_match_shares(random_patterns, m, u, lambda_, n_levels)
        # Relatives score as matches under independence (they agree on what a family
        # shares): the three classes' share of matches is the better count.
        if settings.deterministic_rules is None and not relatives_outnumber:
            proposed = self_consistent_prior(patterns, m, u, corrections,
                                             training.total_pairs(), lambda_)
        lambda_ = _bounded(proposed, training, warn=round_ == U_ROUNDS)
    _warn_dependence(dependence, corrected=bool(corrections))
    _warn_indistinct(m, u, names)
    return LearnedParameters(m=m, u=u, u_candidates=final.u, lambda_=lambda_,
                             n_iter=first.n_iter + final.n_iter,
                             converged=first.converged and final.converged,
                             n_candidates=training.n_candidates, dependence=dependence,
                             corrections=corrections, related=related)


def _warn_indistinct(m: list[np.ndarray], u: list[np.ndarray], names: list[str]) -> None:
    """Warn when no comparison's agreement (its top level) is even ``DISTINCT_BITS`` (8
    times) likelier among matches than among non-matches: nothing tells them apart (as when
    the records are copies of one record)."""
    best = [float(np.log2(mj[-1] / uj[-1])) for mj, uj in zip(m, u, strict=True)]
    if max(best) < DISTINCT_BITS:
        warnings.warn(
            "the model cannot tell matches from non-matches: no comparison is even 8 times "
            "as likely to agree among matches as among random pairs "
            f"({', '.join(names)}). "
            "The records may repeat one value (placeholders, a default), or the comparisons "
            "read columns that do not identify the entity; check the data and compare "
            "names, dates of birth or identifiers", DataWarning, stacklevel=4)


def self_consistent_prior(patterns: Patterns, m: list[np.ndarray], u: list[np.ndarray],
                          corrections: Sequence[DependenceCorrection], total_pairs: int,
                          start: float) -> float:
    """λ such that the model predicts as many matches among the candidates as λ implies
    among all pairs (pairs blocking did not find taken as non-matches): the fixed point of
    λ = sum P(match | pattern; m, u, λ) / total pairs, the largest one below ``start``'s
    order of magnitude. The scores predict with is then consistent with its own prior.

    Examples
    --------
    Of 1,000 candidates among 10,000 pairs, 10 agree (a 90x likelier sign of a match than
    not): they are the matches the model expects.

    >>> g = np.array([[1], [0]], dtype=np.int8)
    >>> p = Patterns(g, np.array([10.0, 990.0]))
    >>> m, u = [np.array([0.1, 0.9])], [np.array([0.99, 0.01])]
    >>> round(self_consistent_prior(p, m, u, [], 10_000, 1e-3) * 10_000, 1)
    10.0
    """
    llr = (log_likelihood(patterns, m) - log_likelihood(patterns, u)) / np.log(2)
    for correction in corrections:
        llr = llr + correction.weights(patterns.gammas)
    total = max(total_pairs, 1)

    def excess(log_lambda: float) -> float:
        lam = np.exp(log_lambda)
        weight = np.log2(lam) - np.log2(-np.expm1(log_lambda)) + llr
        expected = float((patterns.counts / (1.0 + np.exp2(-np.clip(weight, -1e3, 1e3)))).sum())
        return expected / total - lam

    low, high = np.log(1e-15), np.log1p(-1e-9)
    if excess(low) <= 0:
        return start
    for _ in range(200):
        middle = (low + high) / 2
        low, high = (middle, high) if excess(middle) > 0 else (low, middle)
    return float(np.exp(low))


def _non_match_shares(random_patterns: Patterns, m: list[np.ndarray], u: list[np.ndarray],
                      lambda_: float, n_levels: list[int]) -> list[np.ndarray]:
    """u from the random pairs with their matches taken out: each pair weighed by its
    probability of being a non-match. Random pairs are a λ : 1 − λ mixture; where λ is not
    negligible (a few entities of hundreds of records), agreement among them is not
    agreement among non-matches. With one comparison a pair's weight would be read off the
    level being estimated (circular): each level keeps its random pairs less the matches
    λ · m expects there instead.

    Examples
    --------
    A tenth of random pairs match; matches agree on both comparisons, non-matches on each
    one time in ten, independently. Among all random pairs each agrees 0.2 of the time;
    rounds bring u to the non-matches' 0.1.

    >>> g = np.array([[1, 1], [1, 0], [0, 1], [0, 0]], dtype=np.int8)
    >>> p = Patterns(g, np.array([100 + 9.0, 90, 90, 810]))
    >>> m, u = [np.array([0.01, 0.99])] * 2, [np.array([0.8, 0.2])] * 2
    >>> for _ in range(3):
    ...     u = _non_match_shares(p, m, u, 0.1, [2, 2])
    >>> [round(float(x[1]), 2) for x in u]
    [0.1, 0.1]
    """
    if len(m) < 2:
        counts = level_shares(random_patterns, n_levels, smoothing=0.0)[0] \
            * random_patterns.counts.sum()
        kept = np.maximum(counts - lambda_ * random_patterns.counts.sum() * m[0], 0.0)
        return [(kept + UNSEEN_PAIRS) / (kept.sum() + UNSEEN_PAIRS * len(kept))]
    non_match = 1 - posterior(random_patterns, EMResult(m, u, lambda_, 0, True))
    return level_shares(random_patterns, n_levels, weights=non_match, smoothing=UNSEEN_PAIRS)


def _bounded(lambda_: float, training: TrainingPairs, *, warn: bool = True) -> float:
    """λ within what the records can hold, with a warning when it was not."""
    most = max_matches(training.source_sizes, training.link_type, training.n_candidates)
    total = max(training.total_pairs(), 1)
    if lambda_ * total <= most or not warn:
        return min(lambda_, most / total)
    n_records = sum(training.source_sizes)
    warnings.warn(
        f"the model implies {lambda_ * total:,.0f} matching pairs among {n_records:,} "
        f"records, more than they can hold ({most:,.0f}: "
        + ("each record matching at most one of each other source, among the candidate "
           "pairs" if training.link_type == "link" else "the candidate pairs blocking found")
        + "); λ is capped there. The model has probably learned 'same place' or 'same "
        "family' rather than 'same person': see the other warnings and Linker.dependence_, "
        "and compare person-level fields (names, dates of birth)", DataWarning, stacklevel=4)
    return most / total


def max_matches(source_sizes: Sequence[int], link_type: str, n_candidates: int) -> float:
    """The most matching pairs the model can find: the candidate pairs, and for a link at
    most one-to-one between each two sources. (A dedupe's entities can be of any size:
    applicants' names on patents recur hundreds of times.)

    Examples
    --------
    >>> max_matches([1_500, 500], "link", 10_000), max_matches([1_000], "dedupe", 7_000)
    (500.0, 7000.0)
    """
    if link_type == "link":
        one_to_one = sum(min(a, b) for a, b in itertools.combinations(source_sizes, 2))
        return float(min(one_to_one, n_candidates))
    return float(n_candidates)


def _session_m(training: TrainingPairs, comparisons: Sequence[Comparison],
               u_random: list[np.ndarray], first: EMResult, blocking: Blocking,
               settings: TrainingSettings, rng: np.random.Generator) -> list[np.ndarray]:
    """m averaged over training passes, one per rule; each pass learns m for the
    comparisons that do not read the rule's columns. Without ``training_blocking`` the
    passes are the prediction rules, over the candidate pairs already compared.

    A pass is left out when its 'match' class holds more pairs than the records can hold
    as matches (a link's one-to-one bound), or when it holds both ``COLLAPSE_RATIO`` times
    the matches that ``first`` (EM over all candidates, every comparison) expects among its
    pairs and ``MANY_MATCHES_PER_RECORD`` per record, and carries no evidence on a
    comparison it learns (``NO_EVIDENCE_BITS``: its class disagrees there as random pairs
    do). A pass whose pairs really are mostly matches (an inventor's name and city) learns
    evidence on every comparison, and is kept.
    """
    many = MANY_MATCHES_PER_RECORD * sum(training.source_sizes)
    m = first.m
    estimates: list[list[np.ndarray]] = [[] for _ in comparisons]
    collapsed: list[str] = []
    own_rules = settings.training_blocking is None
    rules = blocking.rules if own_rules else settings.training_blocking.rules  # type: ignore[union-attr]
    for number, rule in enumerate(progress(rules, "training", settings.progress)):
        if own_rules:
            session_patterns = training.covered_patterns(number)
        else:
            session_patterns = training.rule_patterns(rule, settings.training_max_pairs, rng)
        blocked = frozenset(j for j, c in enumerate(comparisons)
                            if set(c.columns) & set(rule.columns))
        # A pass needs two comparisons to learn from: with one, "match" and "non-match"
        # cannot be told apart (any split of its levels fits) and EM drifts.
        if len(session_patterns.counts) == 0 or len(comparisons) - len(blocked) < 2:
            continue
        session = fit_session_m(session_patterns, u_random, blocked, m,
                                max_iter=settings.max_iter, tol=settings.tol)
        # A class far larger than all the evidence expects among the same pairs that says
        # nothing about some comparison, or larger than the records can hold, is not "same
        # entity" but what the rule's key shares (same town, same family): left out.
        pairs = float(session_patterns.counts.sum())
        implied = session.proportion * pairs
        expected = float((posterior(session_patterns, first) * session_patterns.counts).sum())
        most = max_matches(training.source_sizes, training.link_type, int(pairs))
        learned = sorted(set(range(len(comparisons))) - blocked)
        silent = min(evidence_bits(session.m[j], u_random[j]) for j in learned)
        if implied > most or (implied > max(COLLAPSE_RATIO * expected, many)
                              and silent < NO_EVIDENCE_BITS):
            collapsed.append(f"{rule.label!r} ({implied:,.0f} of {pairs:,.0f} pairs, where "
                             f"all comparisons together expect {expected:,.0f})")
            continue
        for j in set(range(len(comparisons))) - blocked:
            estimates[j].append(session.m[j])
    if collapsed:
        warnings.warn(
            f"training passes {', '.join(collapsed)} learned a 'match' class far larger than "
            "the evidence of all comparisons together, or than the records can hold as "
            "matches: they learned what their key shares (a place, a family), not the entity, "
            "and are left out; give training_blocking rules on person-level keys (a name, a "
            "date of birth, an identifier)", DataWarning, stacklevel=5)
    unlearned = [c.name for c, e in zip(comparisons, estimates, strict=True) if not e]
    if unlearned and len(comparisons) > 1:
        warnings.warn(
            f"comparisons {unlearned}: no training pass learns them beside another "
            "comparison (each pass leaves out the comparisons reading its rule's columns), "
            "so their m comes from one EM over all candidate pairs; add a training rule "
            "(training_blocking) on columns they do not read", DataWarning, stacklevel=5)
    return [np.mean(e, axis=0) if e else m[j] for j, e in enumerate(estimates)]


def _prior(training: TrainingPairs, expected_matches: float, settings: TrainingSettings
           ) -> float:
    total = max(training.total_pairs(), 1)
    if settings.deterministic_rules is not None:
        expected_matches = (training.count_candidates(settings.deterministic_rules)
                            / settings.recall)
    return float(np.clip(expected_matches / total, 1e-12, 1 - 1e-9))


def _warn_dependence(table: pd.DataFrame, *, corrected: bool) -> None:
    strong = strong_dependencies(table)
    if len(strong):
        shown = "; ".join(dependence_finding(row) for row in strong.itertuples())
        action = ("Their joint agreement is weighed as often as non-matches show it (the "
                  "mw_dependence column); to compare a group as one instead, use "
                  "comparisons.joint(...)" if corrected else
                  "Fellegi–Sunter counts their agreement as independent evidence; compare "
                  "each group as one with comparisons.joint(...) (e.g. a household's "
                  "surname, postcode and landline), or drop one")
        warnings.warn(f"strongly dependent comparisons: {shown}. {action}. "
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
