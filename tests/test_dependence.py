"""The dependence diagnostic: address parts that agree together are reported."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import golden as gd
from golden import comparisons as cmp
from golden._dependence import agreement_correlations, strong_dependencies
from golden._em import Patterns


def test_independent_comparisons_have_low_correlation() -> None:
    rng = np.random.default_rng(0)
    gammas = (rng.random((20_000, 2)) < 0.3).astype(np.int8)
    table = agreement_correlations(Patterns.from_gammas(gammas), np.full(4, 0.0),
                                   ["a", "b"], [1, 1])
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
    assert row[["matches", "non_matches"]].max(axis=1).iloc[0] > 0.9
