"""The dependence diagnostic: address parts that agree together are reported."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import golden as gd
from golden import comparisons as cmp
from golden.model.dependence import STRONG, agreement_correlations, strong_dependencies
from golden.model.em import Patterns


def test_independent_comparisons_have_low_correlation() -> None:
    rng = np.random.default_rng(0)
    gammas = (rng.random((20_000, 2)) < 0.3).astype(np.int8)
    patterns = Patterns.from_gammas(gammas)
    weights = np.ones(len(patterns.counts))
    table = agreement_correlations(patterns, weights, patterns, weights, ["a", "b"], [1, 1])
    assert abs(table["non_matches"].iloc[0]) < 0.05
    assert strong_dependencies(table).empty


def test_linker_warns_about_address_parts_agreeing_together() -> None:
    rng = np.random.default_rng(1)
    n = 3_000
    town = rng.integers(0, 40, n)
    frame = pd.DataFrame({
        "unique_id": range(n),
        "name": [f"person{i % 1_500}" for i in range(n)],
        "city": [f"city{t}" for t in town],
        "postcode": [f"pc{t}" for t in town],
    })
    linker = gd.Linker([cmp.exact("name"), cmp.exact("city"), cmp.exact("postcode")],
                       [gd.block_on("name"), gd.block_on("city")], random_state=0)
    with pytest.warns(gd.DataWarning, match="city ~ postcode"), warnings.catch_warnings():
        warnings.simplefilter("ignore", gd.ConvergenceWarning)
        linker.fit(frame)
    row = linker.dependence_.query("comparison_a == 'city' and comparison_b == 'postcode'")
    assert row["non_matches"].iloc[0] > 0.9


def test_blocking_keys_are_not_reported_as_dependent(fake_1000) -> None:
    linker = gd.Linker([cmp.name("first_name"), cmp.name("surname"), cmp.date_of_birth("dob")],
                       [gd.block_on("first_name"), gd.block_on("surname")], random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", gd.DataWarning)
        linker.fit(fake_1000)
    assert linker.dependence_["non_matches"].abs().max() < 0.6


def test_rare_joint_agreement_is_caught_when_correlation_is_not() -> None:
    # 1M non-matches: 1% agree on a, 1% on b; independence predicts 100 agreeing on both,
    # but 2,000 relatives do (20x, 4.3 bits) while the correlation stays small.
    g = np.array([[1, 1], [1, 0], [0, 1], [0, 0]], dtype=np.int8)
    counts = np.array([2_000, 8_000, 8_000, 982_000], dtype=float)
    patterns = Patterns(g, counts)
    table = agreement_correlations(patterns, np.ones(4), patterns, np.ones(4), ["surname",
                                   "postcode"], [1, 1])
    row = table.iloc[0]
    assert row["non_matches"] < STRONG
    assert row["overcount_bits"] == pytest.approx(np.log2(2_000 / 1e6 / (0.01 * 0.01)))
    assert len(strong_dependencies(table)) == 1
