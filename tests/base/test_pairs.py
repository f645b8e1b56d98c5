"""Pair enumeration kernels: exhaustive checks against brute force."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from golden._base.pairs import combine_codes, count_group_pairs, window_pairs, within_group_pairs

codes_strategy = st.lists(st.integers(-1, 4), min_size=0, max_size=40)


def brute_group_pairs(codes: list[int]) -> set[tuple[int, int]]:
    return {(i, j) for i, j in itertools.combinations(range(len(codes)), 2)
            if codes[i] >= 0 and codes[i] == codes[j]}


@given(codes_strategy)
def test_within_group_pairs_equals_brute_force(codes: list[int]) -> None:
    left, right = within_group_pairs(np.array(codes, dtype=np.int64))
    got = list(zip(left.tolist(), right.tolist(), strict=True))
    assert len(got) == len(set(got)), "every pair once"
    assert all(a < b for a, b in got), "no self-pairs, left < right"
    assert set(got) == brute_group_pairs(codes)


@given(codes_strategy, st.lists(st.integers(0, 2), min_size=40, max_size=40))
def test_count_group_pairs_matches_enumeration(codes: list[int], sources: list[int]) -> None:
    array = np.array(codes, dtype=np.int64)
    source = np.array(sources[: len(codes)], dtype=np.int16)
    pairs = brute_group_pairs(codes)
    assert count_group_pairs(array, source, False) == len(pairs)
    cross = {(i, j) for i, j in pairs if source[i] != source[j]}
    assert count_group_pairs(array, source, True) == len(cross)


def test_window_pairs_pairs_neighbours_only() -> None:
    left, right = window_pairs(np.array([4, 2, 0, 3]), 3)
    assert set(zip(left.tolist(), right.tolist(), strict=True)) == {
        (2, 4), (0, 4), (0, 2), (0, 3), (2, 3)}


@given(st.lists(st.tuples(st.integers(-1, 3), st.integers(-1, 3)), max_size=30))
def test_combine_codes_groups_equal_combinations(rows: list[tuple[int, int]]) -> None:
    a = np.array([r[0] for r in rows], dtype=np.int64)
    b = np.array([r[1] for r in rows], dtype=np.int64)
    combined = combine_codes(a, b)
    for i, j in itertools.combinations(range(len(rows)), 2):
        null_i = min(rows[i]) < 0
        if null_i:
            assert combined[i] == -1
        elif min(rows[j]) >= 0:
            assert (combined[i] == combined[j]) == (rows[i] == rows[j])


@given(st.lists(st.integers(-1, 3), min_size=2, max_size=30), st.integers(0, 2**16))
def test_sampled_group_pairs_are_real_pairs_and_cover_all(codes: list[int], seed: int) -> None:
    from golden._base.pairs import sample_group_pairs

    expected = brute_group_pairs(codes)
    left, right = sample_group_pairs(np.array(codes, dtype=np.int64), 4000,
                                     np.random.default_rng(seed))
    got = set(zip(left.tolist(), right.tolist(), strict=True))
    assert got <= expected
    if expected and len(expected) <= 20:
        assert got == expected, "4,000 draws reach every one of at most 20 pairs"


def test_sampled_group_pairs_are_uniform() -> None:
    from golden._base.pairs import sample_group_pairs

    codes = np.array([0] * 30 + [1] * 3)  # 435 + 3 pairs
    left, right = sample_group_pairs(codes, 200_000, np.random.default_rng(1))
    share_small = np.mean(left >= 30)
    assert abs(share_small - 3 / 438) < 0.002
    counts = np.unique(left * 100 + right, return_counts=True)[1]
    assert len(counts) == 438 and counts.min() > 300
