"""Clustering: components, singletons, several thresholds, chaining resistance, one-to-one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import golden as gd
from golden import ConfigError, DataWarning, SchemaError
from golden import comparisons as cmp


def pairs(edges: list[tuple[int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(edges, columns=["unique_id_l", "unique_id_r", "match_probability"])


def groups(clusters: pd.DataFrame, column: str = "entity_id") -> set[frozenset[int]]:
    return {frozenset(g) for g in clusters.groupby(column)["unique_id"].apply(list)}


def test_components_with_singletons_and_thresholds() -> None:
    edges = pairs([(1, 2, 0.99), (2, 3, 0.6), (4, 5, 0.4)])
    records = pd.DataFrame({"unique_id": [1, 2, 3, 4, 5, 6]})
    out = gd.cluster_pairs(edges, records, threshold=[0.5, 0.9])
    assert list(out.columns) == ["unique_id", "entity_id_0.5", "entity_id_0.9"]
    assert groups(out, "entity_id_0.5") == {frozenset({1, 2, 3}), frozenset({4}),
                                            frozenset({5}), frozenset({6})}
    assert groups(out, "entity_id_0.9") == {frozenset({1, 2}), frozenset({3}), frozenset({4}),
                                            frozenset({5}), frozenset({6})}


def test_min_density_cuts_a_weak_bridge_between_two_dense_groups() -> None:
    clique_a = [(a, b, 0.99) for a in range(5) for b in range(a + 1, 5)]
    clique_b = [(a, b, 0.98) for a in range(5, 10) for b in range(a + 1, 10)]
    bridge = [(4, 5, 0.6)]
    edges = pairs(clique_a + clique_b + bridge)
    chained = gd.cluster_pairs(edges, threshold=0.5, min_density=None)
    assert chained["entity_id"].nunique() == 1
    refined = gd.cluster_pairs(edges, threshold=0.5, min_density=0.6)
    assert groups(refined) == {frozenset(range(5)), frozenset(range(5, 10))}


def test_min_density_leaves_small_and_dense_clusters_alone() -> None:
    edges = pairs([(1, 2, 0.9), (2, 3, 0.7), (5, 6, 0.8)])
    assert groups(gd.cluster_pairs(edges, threshold=0.5, min_density=0.6)) == {
        frozenset({1, 2, 3}), frozenset({5, 6})}


def test_one_to_one_keeps_mutual_best_links() -> None:
    edges = pd.DataFrame({
        "source_l": ["a", "a", "a"], "unique_id_l": [1, 1, 2],
        "source_r": ["b", "b", "b"], "unique_id_r": [10, 11, 10],
        "match_probability": [0.9, 0.8, 0.7]})
    out = gd.cluster_pairs(edges, threshold=0.5, one_to_one=True)
    linked = out.groupby("entity_id")["unique_id"].apply(sorted).tolist()
    assert sorted(linked) == [[1, 10], [2], [11]]


def test_large_clusters_warn_and_are_reported() -> None:
    edges = pairs([(i, i + 1, 0.9) for i in range(150)])
    with pytest.warns(DataWarning, match="151 records"):
        out = gd.cluster_pairs(edges, min_density=None)
    assert gd.cluster_sizes(out).iloc[0]["size"] == 151


def test_bad_input() -> None:
    with pytest.raises(SchemaError, match="match_probability"):
        gd.cluster_pairs(pd.DataFrame({"unique_id_l": [1], "unique_id_r": [2]}))
    with pytest.raises(ConfigError, match="threshold"):
        gd.cluster_pairs(pairs([(1, 2, 0.9)]), threshold="high")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="min_density"):
        gd.cluster_pairs(pairs([(1, 2, 0.9)]), min_density=0)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 15), st.integers(0, 15), st.floats(0, 1)),
                max_size=40), st.integers(0, 2**16))
@example(edges=[(0, 1, 1.0), (0, 2, 1.0), (0, 3, 1.0), (0, 4, 1.0)], seed=0)  # tied weakest links
def test_pair_order_and_direction_never_change_clusters(edges, seed) -> None:
    edges = [e for e in edges if e[0] != e[1]]
    frame = pairs(edges)
    records = pd.DataFrame({"unique_id": range(16)})
    expected = gd.cluster_pairs(frame, records, min_density=0.5)
    rng = np.random.default_rng(seed)
    shuffled = frame.sample(frac=1, random_state=seed)
    flip = rng.random(len(shuffled)) < 0.5
    left, right = shuffled["unique_id_l"].to_numpy(), shuffled["unique_id_r"].to_numpy()
    shuffled = shuffled.assign(unique_id_l=np.where(flip, right, left),
                               unique_id_r=np.where(flip, left, right))
    got = gd.cluster_pairs(shuffled, records.sample(frac=1, random_state=seed), min_density=0.5)
    assert got.sort_values("unique_id")["entity_id"].tolist() == \
        expected.sort_values("unique_id")["entity_id"].tolist()


def test_repeated_records_are_refused_not_merged() -> None:
    records = pd.DataFrame({"unique_id": [1, 2, 2, 3]})
    with pytest.raises(SchemaError, match="2 rows repeat a unique_id"):
        gd.cluster_pairs(pairs([(1, 2, 0.9)]), records)
    people = gd.datasets.make_people(200, random_state=3)
    linker = gd.Linker([cmp.name("first_name")], gd.block_on("surname"), random_state=0)
    scored = linker.fit_predict(people)
    twice = pd.concat([people, people.head(2)], ignore_index=True)
    with pytest.raises(SchemaError, match="repeat a unique_id"):
        linker.cluster(scored, twice)
    sources = pd.DataFrame({"source": ["a", "b", "a"], "unique_id": [1, 1, 1]})
    linked = pd.DataFrame({"source_l": ["a"], "unique_id_l": [1], "source_r": ["b"],
                           "unique_id_r": [1], "match_probability": [0.9]})
    with pytest.raises(SchemaError, match="repeat a source and unique_id"):
        gd.cluster_pairs(linked, sources)
    assert len(gd.cluster_pairs(linked, sources.head(2))) == 2  # one id in two sources
