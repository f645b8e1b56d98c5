"""A person's decisions in batch clustering: a decided match joins two records' entities, a
decided non-match keeps them apart through any chain, contradictions are refused by name,
and bad decision tables are refused naming the column."""

from __future__ import annotations

import pandas as pd
import pytest

import golden as gd
from golden import cluster_pairs
from golden.errors import ConfigError, SchemaError


def pairs_of(*links: tuple[str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(links, columns=["unique_id_l", "unique_id_r", "match_probability"])


def decided(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "decision"])


def entity_of(clusters: pd.DataFrame) -> dict[str, int]:
    return dict(zip(clusters["unique_id"], clusters["entity_id"], strict=True))


def test_a_decided_match_joins_two_entities_the_scores_keep_apart() -> None:
    pairs = pairs_of(("a", "b", 0.99), ("c", "d", 0.95), ("b", "c", 0.10))
    entity = entity_of(cluster_pairs(pairs, decisions=decided(("a", "d", "match"))))
    assert len({entity[r] for r in "abcd"}) == 1


def test_a_decided_non_match_cuts_the_weakest_path_between_them() -> None:
    # a-b-c-d is one chain of strong links; a and d are different people, and the
    # weakest link on the way (c-d) is the one cut
    pairs = pairs_of(("a", "b", 0.99), ("b", "c", 0.97), ("c", "d", 0.6))
    entity = entity_of(cluster_pairs(pairs, decisions=decided(("a", "d", "non_match")),
                                     min_density=None))
    assert entity["a"] == entity["b"] == entity["c"] != entity["d"]


def test_a_non_match_holds_across_every_path() -> None:
    pairs = pairs_of(("a", "b", 0.9), ("b", "c", 0.9), ("a", "x", 0.8), ("x", "c", 0.7),
                     ("c", "y", 0.95))
    entity = entity_of(cluster_pairs(pairs, decisions=decided(("a", "c", "non_match")),
                                     min_density=None))
    assert entity["a"] != entity["c"]
    assert entity["a"] == entity["b"] == entity["x"]  # the strongest links are kept
    assert entity["c"] == entity["y"]


def test_entities_the_decisions_do_not_touch_are_unchanged() -> None:
    pairs = pairs_of(("a", "b", 0.99), ("b", "c", 0.97), ("p", "q", 0.9), ("q", "r", 0.8))
    before = cluster_pairs(pairs, min_density=None)
    after = cluster_pairs(pairs, decisions=decided(("a", "c", "non_match")), min_density=None)
    untouched = before["unique_id"].isin(["p", "q", "r"])
    assert entity_of(before[untouched]).keys() == entity_of(after[untouched]).keys()
    assert after.loc[untouched, "entity_id"].nunique() == 1


def test_decisions_hold_at_every_threshold() -> None:
    pairs = pairs_of(("a", "b", 0.99), ("b", "c", 0.97), ("c", "d", 0.3))
    clusters = cluster_pairs(pairs, threshold=[0.9, 0.2],
                             decisions=decided(("a", "c", "non_match"), ("d", "e", "match")))
    for column in ("entity_id_0.9", "entity_id_0.2"):
        entity = dict(zip(clusters["unique_id"], clusters[column], strict=True))
        assert entity["a"] != entity["c"] and entity["d"] == entity["e"]


def test_matches_that_chain_across_a_non_match_are_refused_by_name() -> None:
    decisions = decided(("a", "b", "match"), ("b", "c", "match"), ("a", "c", "non_match"))
    with pytest.raises(ConfigError, match=r"a and c is a non_match, but the matches "
                                          r"a and b, b and c join them"):
        cluster_pairs(pairs_of(("a", "x", 0.9)), decisions=decisions)


def test_one_pair_decided_both_ways_is_refused() -> None:
    with pytest.raises(ConfigError, match="both as a match and as a non-match"):
        cluster_pairs(pairs_of(("a", "b", 0.9)),
                      decisions=decided(("a", "b", "match"), ("b", "a", "non_match")))


@pytest.mark.parametrize(("decisions", "message"), [
    (decided(("a", "b", "same")), "column 'decision' holds \\['same'\\]"),
    (pd.DataFrame({"unique_id_l": ["a"], "decision": ["match"]}), r"\['unique_id_r'\]"),
    (decided(("a", "a", "match")), "against itself"),
    (decided(("a", None, "match")), "no record id"),  # type: ignore[arg-type]
])
def test_a_bad_decisions_table_is_refused_naming_the_problem(decisions: pd.DataFrame,
                                                             message: str) -> None:
    with pytest.raises((ConfigError, SchemaError), match=message):
        cluster_pairs(pairs_of(("a", "b", 0.9)), decisions=decisions)


def test_a_decision_about_a_record_that_does_not_exist_is_refused() -> None:
    records = pd.DataFrame({"unique_id": ["a", "b"]})
    with pytest.raises(SchemaError, match=r"\['zz'\]"):
        cluster_pairs(pairs_of(("a", "b", 0.9)), records, decisions=decided(("a", "zz", "match")))


def test_decisions_read_from_csv_and_parquet(tmp_path) -> None:
    table = pd.DataFrame({"unique_id_l": [1, 2], "unique_id_r": [3, 4],
                          "decision": ["match", "Non-Match"], "by": ["ana", "ana"],
                          "reason": ["same passport", "twins"]})
    table.to_csv(tmp_path / "d.csv", index=False)
    table.to_parquet(tmp_path / "d.parquet")
    for path in (tmp_path / "d.csv", tmp_path / "d.parquet"):
        loaded = gd.load_decisions(path)
        assert loaded["decision"].tolist() == ["match", "non_match"]
        assert loaded["reason"].tolist() == ["same passport", "twins"]
    (tmp_path / "d.xlsx").write_text("")
    with pytest.raises(ConfigError, match="neither CSV nor Parquet"):
        gd.load_decisions(tmp_path / "d.xlsx")


def test_a_stewards_decisions_correct_febrl3s_entities(febrl3_fitted) -> None:
    """The entities golden got wrong on FEBRL3, corrected by decisions: every record pair
    it joined wrongly is a non-match, every true pair it split a match. Afterwards the
    entities are the truth, and no other record moves."""
    run = febrl3_fitted
    entity = run.clusters.set_index("unique_id")["entity_id"]
    truth = run.truth
    pairs = run.pairs[run.pairs["match_probability"] >= 0.5]
    same_entity = (entity[pairs["unique_id_l"]].to_numpy()
                   == entity[pairs["unique_id_r"]].to_numpy())
    same_person = (truth[pairs["unique_id_l"]].to_numpy()
                   == truth[pairs["unique_id_r"]].to_numpy())
    wrong = pairs[same_entity & ~same_person]
    members = truth.groupby(truth).groups
    missed = [(a, b) for ids in members.values() for a in ids for b in ids
              if a < b and entity[a] != entity[b]]
    decisions = pd.concat([
        decided(*((a, b, "non_match") for a, b in zip(wrong["unique_id_l"],
                                                      wrong["unique_id_r"], strict=True))),
        decided(*((a, b, "match") for a, b in missed))], ignore_index=True)
    assert len(decisions) > 0
    records = run.records[["rec_id"]].rename(columns={"rec_id": "unique_id"})
    after = gd.cluster_pairs(run.pairs, records, decisions=decisions)
    scores = gd.evaluate.cluster_metrics(after, truth)
    assert scores["bcubed_f1"] == 1.0


def test_a_decisions_table_trains_like_labels() -> None:
    people = gd.datasets.make_people(2_000, random_state=3)
    truth = people.set_index("unique_id")["person_id"]
    records = people.drop(columns=["person_id", "household_id"])
    linker = gd.Linker([gd.comparisons.name("first_name"), gd.comparisons.name("surname"),
                        gd.comparisons.date_of_birth("dob")],
                       gd.block_on("surname"), random_state=0)
    pairs = linker.fit_predict(records)
    sample = pairs.head(300)
    same = (truth[sample["unique_id_l"]].to_numpy() == truth[sample["unique_id_r"]].to_numpy())
    labels = sample[["unique_id_l", "unique_id_r"]].assign(is_match=same)
    decisions = gd.clustering.decisions.labels_as_decisions(labels, by="ana", reason="checked")
    from_labels = gd.Linker(**linker.get_params()).fit(records, labels=labels)
    from_decisions = gd.Linker(**linker.get_params()).fit(records, labels=decisions)
    for name in from_labels.m_:
        assert from_labels.m_[name].tolist() == from_decisions.m_[name].tolist()
    assert set(decisions["by"]) == {"ana"}

    learner = gd.ActiveLearner(linker, records).add_labels(labels, save=False)
    saved = learner.decisions(by="ana")
    assert (saved["decision"] == "match").tolist() == learner.labels_["is_match"].tolist()
    clusters = linker.cluster(pairs, records, decisions=saved)
    entity = clusters.set_index("unique_id")["entity_id"]
    apart = saved[saved["decision"] == "non_match"]
    assert (entity[apart["unique_id_l"]].to_numpy()
            != entity[apart["unique_id_r"]].to_numpy()).all()
