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


def test_row_thinning_keeps_each_pair_alike() -> None:
    from golden._base.pairs import RowThinning, within_group_pairs

    codes = np.array([0] * 300 + [1] * 30)  # 44,850 + 435 pairs
    kept = []
    for seed in range(200):
        thinning = RowThinning.for_pairs(45_285, 4_500, np.random.default_rng(seed))
        left, _ = within_group_pairs(np.where(thinning.keeps(np.arange(330)), codes, -1))
        kept.append((len(left), int(np.sum(left >= 300))))
    total, small = np.array(kept).sum(axis=0)
    assert abs(total / 200 - 4_500) < 200  # about the wanted number of pairs
    assert abs(small / total - 435 / 45_285) < 0.003  # small groups not favoured


def test_row_thinning_is_the_same_wherever_it_runs() -> None:
    from golden._base.pairs import HASH_PRIME, RowThinning

    thinning = RowThinning.for_pairs(10**9, 10**6, np.random.default_rng(3))
    rows = np.array([0, 1, 2**31 - 2])
    by_hand = [(int(r) * thinning.a + thinning.b) % HASH_PRIME < thinning.threshold
               for r in rows]
    assert thinning.keeps(rows).tolist() == by_hand  # no overflow at the largest row
