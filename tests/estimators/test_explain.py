"""Explanations: waterfalls, what holds an entity together, why two records are apart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import golden as gd


@pytest.fixture
def fitted(febrl3_fitted):
    run = febrl3_fitted
    return run.linker, run.records, run.pairs, run.clusters


def test_waterfall_adds_up_to_the_pair_score(fitted) -> None:
    linker, _, pairs, _ = fitted
    for _, pair in pairs.sample(20, random_state=0).iterrows():
        steps = linker.explain(pair)
        dependence = ["dependence"] if linker.dependence_corrections_ else []
        assert steps["step"].tolist() == ["prior", *[c.name for c in linker.comparisons_],
                                          *dependence, "total"]
        total = steps.iloc[-1]
        assert total["weight"] == pytest.approx(pair["match_weight"], abs=1e-3)
        assert total["probability"] == pytest.approx(pair["match_probability"], abs=1e-6)
        assert steps["cumulative"].iloc[-2] == pytest.approx(total["weight"])


def test_levels_are_labelled(fitted) -> None:
    linker, _, pairs, _ = fitted
    steps = linker.explain(pairs.iloc[0]).set_index("step")
    labels = dict(linker.comparisons_[0].level_labels())
    name = linker.comparisons_[0].name
    assert steps.loc[name, "label"] == labels[int(steps.loc[name, "level"])]


def test_explain_by_ids_and_by_raw_records(fitted) -> None:
    linker, records, pairs, _ = fitted
    pair = pairs.iloc[5]
    by_row = linker.explain(pair)
    by_ids = linker.explain((pair["unique_id_l"], pair["unique_id_r"]), records)
    assert np.allclose(by_row["weight"], by_ids["weight"])
    a = records.iloc[0].to_dict()
    raw = linker.explain((a, dict(a, given_name="zzz")))
    assert raw.set_index("step").loc["given_name", "label"] == "else"
    with pytest.raises(gd.ConfigError, match="pass the records"):
        linker.explain(("x", "y"))


def test_why_gives_a_spanning_tree_with_the_weakest_link(fitted) -> None:
    linker, _, pairs, clusters = fitted
    entity = clusters["entity_id"].value_counts().index[0]
    size = int((clusters["entity_id"] == entity).sum())
    links = linker.why(entity, pairs, clusters)
    assert len(links) == size - 1
    assert links["match_weight"].is_monotonic_decreasing
    assert links["weakest"].tolist() == [False] * (size - 2) + [True]
    ids = set(links["unique_id_l"]) | set(links["unique_id_r"])
    assert len(ids) == size  # the tree reaches every record
    single = clusters["entity_id"].value_counts().index[-1]
    assert linker.why(single, pairs, clusters).empty
    with pytest.raises(gd.SchemaError, match="not in the clusters"):
        linker.why("no such entity", pairs, clusters)


def test_why_not_says_why_two_records_are_apart(fitted) -> None:
    linker, records, pairs, clusters = fitted
    entity = clusters.set_index("unique_id")["entity_id"]
    together = linker.why(clusters["entity_id"].value_counts().index[0], pairs, clusters)
    a, b = together.iloc[0][["unique_id_l", "unique_id_r"]]
    assert linker.why_not(a, b, pairs, clusters, records)["reason"] == (
        "they are in the same entity")
    low = pairs[pairs["match_probability"] < 0.5].iloc[0]
    answer = linker.why_not(low["unique_id_l"], low["unique_id_r"], pairs, clusters, records)
    assert answer["candidate"] and "below the threshold 0.5" in answer["reason"]
    far = clusters[entity.reindex(clusters["unique_id"]).to_numpy() != entity[a]]
    other = next(u for u in far["unique_id"]
                 if not ((pairs["unique_id_l"] == a) & (pairs["unique_id_r"] == u)).any()
                 and not ((pairs["unique_id_l"] == u) & (pairs["unique_id_r"] == a)).any())
    answer = linker.why_not(a, other, pairs, clusters, records)
    assert not answer["candidate"] and "no blocking rule" in answer["reason"]
    assert isinstance(answer["waterfall"], pd.DataFrame)


def test_raw_records_without_data_get_plain_level_weights(fitted) -> None:
    linker, records, _, _ = fitted
    a = records.iloc[0].to_dict()
    alone = linker.explain((a, dict(a))).set_index("step")
    with_data = linker.explain((a, dict(a)), records).set_index("step")
    table = linker.weight_table()
    j = [c.name for c in linker.comparisons_].index("surname")
    top = len(linker.comparisons_[j].levels)
    assert alone.loc["surname", "weight"] == pytest.approx(table.level_weights(j)[top + 1])
    assert alone.loc["surname", "weight"] > 1  # an exact match is evidence, not ~0
    assert with_data.loc["surname", "weight"] > 0
