"""Relatives among the candidate pairs: found where they outnumber the matches and differ
where matches agree, and only there."""

from __future__ import annotations

import itertools

import numpy as np

from golden.model.em import Patterns
from golden.model.related import RelatedClass, evidence_levels, find_related_class
from golden.model.training import fit_em

# Comparisons: surname, street, zip, first name, birth date (two levels each: differ, agree).
STRANGERS = [0.01, 0.02, 0.05, 0.01, 0.002]


def candidates(classes: dict[str, tuple[int, list[float]]]) -> Patterns:
    """Expected pattern counts of classes of pairs (size, agreement share per comparison)."""
    gammas = np.array(list(itertools.product([0, 1], repeat=5)), dtype=np.int8)
    counts = sum(size * np.prod(np.where(gammas == 1, agree, 1 - np.asarray(agree)), axis=1)
                 for size, agree in classes.values())
    return Patterns(gammas, np.asarray(counts, dtype=np.float64))


def random_u() -> list[np.ndarray]:
    return [np.array([1 - a, a]) for a in STRANGERS]


def found(patterns: Patterns) -> RelatedClass | None:
    u = random_u()
    first = fit_em(patterns, u, fixed_m=frozenset(), start_m=None, max_iter=500, tol=1e-7)
    return find_related_class(patterns, u, first, max_iter=1_000, tol=1e-7)


def test_relatives_outnumbering_the_matches_are_found() -> None:
    # Households: same surname, street and zip, a different first name and birth date.
    patterns = candidates({"matches": (300, [0.9, 0.85, 0.95, 0.9, 0.95]),
                           "relatives": (1_500, [0.97, 0.97, 0.99, 0.02, 0.01]),
                           "others": (2_000, [0.3, 0.05, 0.6, 0.02, 0.005])})
    related = found(patterns)
    assert related is not None
    assert set(related.comparisons) == {3, 4}  # the first name and the birth date
    assert abs(related.match.proportion - 300 / 3_800) < 0.02
    assert related.match.m[3][1] > 0.8  # a match's first name agrees


def test_without_relatives_two_classes_stand() -> None:
    patterns = candidates({"matches": (300, [0.9, 0.85, 0.95, 0.9, 0.95]),
                           "others": (3_500, [0.3, 0.05, 0.6, 0.02, 0.005])})
    assert found(patterns) is None


def test_the_same_entity_elsewhere_is_not_taken_for_relatives() -> None:
    # An applicant's many records: the name agrees, the place rarely (weak evidence even
    # among the records that match closely): not a family.
    patterns = candidates({"matches": (300, [0.95, 0.3, 0.4, 0.95, 0.9]),
                           "elsewhere": (1_500, [0.97, 0.03, 0.06, 0.9, 0.85]),
                           "others": (2_000, [0.3, 0.05, 0.6, 0.02, 0.005])})
    assert found(patterns) is None


def test_agreement_counts_from_the_first_level_of_evidence() -> None:
    # A similar surname (level 1) is evidence of a match; a similar birth year is not.
    m = [np.array([0.1, 0.2, 0.7]), np.array([0.1, 0.1, 0.8])]
    u = [np.array([0.8, 0.15, 0.05]), np.array([0.5, 0.3, 0.2])]
    assert evidence_levels(m, u) == [1, 2]


def test_fewer_relatives_than_matches_are_found_but_do_not_replace_two_classes() -> None:
    # Households among many duplicates (as in golden's own generator): what relatives share
    # is still weighed as one group, but two classes learn the matches well enough.
    patterns = candidates({"matches": (1_500, [0.9, 0.85, 0.95, 0.9, 0.95]),
                           "relatives": (600, [0.97, 0.97, 0.99, 0.02, 0.01]),
                           "others": (2_000, [0.3, 0.05, 0.6, 0.02, 0.005])})
    related = found(patterns)
    assert related is not None and not related.outnumber
    assert set(related.shared) >= {0, 1}  # surname and street
