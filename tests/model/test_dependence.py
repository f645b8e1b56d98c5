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


def michigan_linker(**options: object) -> gd.Linker:
    """What a user writes for two voter rolls: names, birth year, gender, address parts."""
    return gd.Linker(
        [cmp.name("firstname"), cmp.name("lastname"), cmp.name("middlename"),
         cmp.exact("birthyear"), cmp.exact("gender"), cmp.jaro_winkler("street_name"),
         cmp.exact("city"), cmp.exact("zip")],
        [gd.block_on("lastname"), gd.block_on("firstname", "birthyear"), gd.block_on("zip")],
        link_type="link", random_state=0, **options)


def test_address_parts_agreeing_together_are_weighed_as_they_agree(michigan) -> None:
    # Voters of one town share its city and zip: counted as independent evidence, two
    # strangers from one town looked like one voter and F1 at p >= 0.5 was 0.29.
    # Voters of one town outnumber the links among the candidates: they are found as
    # relatives of the matches (agreeing on the town, differing on the names).
    a, b, truth = michigan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gd.DataWarning)
        linker = michigan_linker().fit([a, b])
        pairs = linker.predict([a, b])
    assert linker.relatives_ is not None and "firstname" in linker.relatives_.differ_on
    groups = [[linker.comparisons_[j].name for j in c.comparisons]
              for c in linker.dependence_corrections_]
    town = next(g for g in groups if "zip" in g)
    assert "city" in town
    correction = linker.dependence_corrections_[groups.index(town)]
    assert min(correction.bits) < -4 and max(correction.bits) <= 0  # taken back, never added
    assert "mw_dependence" in pairs.columns
    parts = pairs.filter(like="mw_").sum(axis=1) + linker.weight_table().prior
    assert np.allclose(parts, pairs["match_weight"], atol=1e-3)
    scores = gd.evaluate.pairwise_metrics(pairs, truth, threshold=0.5)
    assert scores["f1"] > 0.95
    assert "dependence" in linker.explain(pairs.iloc[0])["step"].tolist()


def test_the_correction_can_be_left_to_the_user(michigan) -> None:
    a, b, _ = michigan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        linker = michigan_linker(correct_dependence=False).fit([a, b])
    assert linker.dependence_corrections_ == []
    assert "mw_dependence" not in linker.predict([a, b]).columns
