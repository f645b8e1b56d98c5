"""Random pairs stratified on exact agreement: the weights of a uniform sample, the
resolution of a large one where agreement is rare."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import golden as gd
from golden import comparisons as cmp
from golden.model.strata import stratified_random_patterns


@pytest.fixture(scope="module")
def people():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gd.datasets.make_people(20_000, random_state=1).drop(
            columns=["person_id", "household_id"])


def linker_for(u_max_pairs: int) -> gd.Linker:
    return gd.Linker([cmp.name("first_name"), cmp.name("surname"), cmp.date_of_birth("dob"),
                      cmp.postcode("postcode")],
                     [gd.block_on("surname", "postcode"), gd.block_on("first_name", "dob")],
                     u_max_pairs=u_max_pairs, random_state=0)


def test_strata_keep_the_uniform_weights_and_see_more(people) -> None:
    linker = linker_for(10_000)
    training = gd.LocalEngine().training_pairs(linker.plan(), people)
    rng = np.random.default_rng(0)
    uniform = training.random_patterns(10_000, rng)
    stratified = stratified_random_patterns(training, linker.comparisons, uniform, rng)
    assert stratified.counts.sum() == pytest.approx(uniform.counts.sum())
    first = 0  # the first stratum: pairs with the same first name
    top = linker.comparisons[first].n_levels - 1
    same = uniform.gammas[:, first] == top
    restratified = stratified.gammas[:, first] == top
    assert stratified.counts[restratified].sum() == pytest.approx(uniform.counts[same].sum())
    assert stratified.seen[restratified].sum() > 50 * uniform.counts[same].sum()


def test_a_family_is_seen_where_few_random_pairs_agree_twice(people) -> None:
    # With 10,000 uniform random pairs among 20,000 people, pairs sharing a surname and a
    # postcode (a family) are too few to measure: the overcount was NaN and the surname and
    # postcode of relatives counted as independent evidence.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        linker = linker_for(10_000).fit(people)
    table = linker.dependence_.set_index(["comparison_a", "comparison_b"])
    assert table.loc[("surname", "postcode"), "overcount_bits"] > 3
    groups = [{linker.comparisons_[j].name for j in c.comparisons}
              for c in linker.dependence_corrections_]
    assert {"surname", "postcode"} in groups
