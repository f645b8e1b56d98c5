"""Carrying entity ids across a re-clustering."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from golden.clustering.entity_ids import carry_ids


def _allocator(start: int = 100):
    counter = iter(range(start, 10**6))
    return lambda n: [next(counter) for _ in range(n)]


def test_a_new_entity_made_of_parts_of_two_old_ones_is_given_once() -> None:
    # entity 7 keeps cluster 0, entity 9 keeps cluster 2; one record of each forms cluster 1
    changes = carry_ids(np.array([0, 0, 1, 1, 2, 2]), np.array([7, 7, 7, 9, 9, 9]),
                        _allocator())
    assert changes.ids.tolist() == [7, 7, 100, 100, 9, 9]
    assert changes.split == [(7, 100), (9, 100)]
    assert changes.given == [100]


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(-1, 5)), min_size=1, max_size=30))
def test_ids_are_never_given_twice_and_old_ids_survive_once(rows: list) -> None:
    cluster = np.unique([c for c, _ in rows], return_inverse=True)[1]
    previous = np.array([p for _, p in rows])
    changes = carry_ids(cluster, previous, _allocator())
    assert len(changes.given) == len(set(changes.given))
    assert not set(changes.given) & set(previous.tolist())
    survivors = set(changes.ids.tolist()) - set(changes.given)
    assert survivors <= set(previous[previous >= 0].tolist())
    # one id per cluster, one cluster per id
    assert len(set(zip(cluster.tolist(), changes.ids.tolist(), strict=True))) == len(
        set(cluster.tolist())) == len(set(changes.ids.tolist()))
