"""EM on pattern counts: recovers parameters, handles empty levels, warns when not converged."""

from __future__ import annotations

import numpy as np
import pytest

from golden import ConvergenceWarning
from golden.model.em import Patterns, expectation_maximisation, level_shares
from golden.model.training import fit_em


def simulate(n: int, share: float, m: list[np.ndarray], u: list[np.ndarray],
             rng: np.random.Generator) -> np.ndarray:
    is_match = rng.random(n) < share
    gammas = np.empty((n, len(m)), dtype=np.int8)
    for j, (mj, uj) in enumerate(zip(m, u, strict=True)):
        gammas[:, j] = np.where(is_match, rng.choice(len(mj), n, p=mj),
                                rng.choice(len(uj), n, p=uj))
    return gammas


TRUE_M = [np.array([0.05, 0.15, 0.8]), np.array([0.1, 0.9]), np.array([0.02, 0.08, 0.2, 0.7])]
TRUE_U = [np.array([0.85, 0.1, 0.05]), np.array([0.7, 0.3]), np.array([0.9, 0.05, 0.03, 0.02])]


def test_recovers_simulated_parameters() -> None:
    rng = np.random.default_rng(0)
    gammas = simulate(200_000, 0.2, TRUE_M, TRUE_U, rng)
    patterns = Patterns.from_gammas(gammas)
    assert patterns.counts.sum() == 200_000 and len(patterns.counts) <= 3 * 2 * 4
    result = fit_em(patterns, TRUE_U, fixed_m=frozenset(), start_m=None, max_iter=200, tol=1e-7)
    assert result.converged
    assert result.proportion == pytest.approx(0.2, abs=0.01)
    for got, want in zip(result.m + result.u, TRUE_M + TRUE_U, strict=True):
        np.testing.assert_allclose(got, want, atol=0.02)


def test_null_gammas_are_ignored() -> None:
    rng = np.random.default_rng(1)
    gammas = simulate(50_000, 0.3, TRUE_M, TRUE_U, rng)
    gammas[rng.random(len(gammas)) < 0.3, 1] = -1
    result = fit_em(Patterns.from_gammas(gammas), TRUE_U, fixed_m=frozenset(), start_m=None,
                    max_iter=200, tol=1e-7)
    np.testing.assert_allclose(result.m[1], TRUE_M[1], atol=0.03)


def test_empty_levels_keep_weights_finite() -> None:
    gammas = np.array([[2, 1]] * 30 + [[0, 0]] * 300, dtype=np.int8)  # level 1 never seen
    shares = level_shares(Patterns.from_gammas(gammas), [3, 2])
    assert all((s > 0).all() and np.isclose(s.sum(), 1) for s in shares)
    result = fit_em(Patterns.from_gammas(gammas), shares, fixed_m=frozenset(), start_m=None,
                    max_iter=100, tol=1e-6)
    weights = [np.log2(m / u) for m, u in zip(result.m, result.u, strict=True)]
    assert all(np.isfinite(w).all() for w in weights)


def test_fixed_m_is_held() -> None:
    rng = np.random.default_rng(2)
    gammas = simulate(20_000, 0.2, TRUE_M, TRUE_U, rng)
    start = [np.array([0.3, 0.3, 0.4]), TRUE_M[1], TRUE_M[2]]
    result = fit_em(Patterns.from_gammas(gammas), TRUE_U, fixed_m=frozenset({0}),
                    start_m=start, max_iter=500, tol=1e-6)
    np.testing.assert_array_equal(result.m[0], start[0])


def test_warns_when_not_converged() -> None:
    rng = np.random.default_rng(3)
    patterns = Patterns.from_gammas(simulate(5_000, 0.2, TRUE_M, TRUE_U, rng))
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        result = expectation_maximisation(patterns, TRUE_M, TRUE_U, 0.5, max_iter=1, tol=1e-12)
    assert not result.converged and result.n_iter == 1


def test_patterns_of_many_comparisons_do_not_collide() -> None:
    rng = np.random.default_rng(4)
    gammas = rng.integers(-1, 9, size=(5_000, 24)).astype(np.int8)
    gammas[:2500] = gammas[0]
    patterns = Patterns.from_gammas(gammas)
    assert len(patterns.counts) == len(np.unique(gammas, axis=0))
    first = np.flatnonzero((patterns.gammas == gammas[0]).all(axis=1))
    assert patterns.counts[first].tolist() == [2500.0]
