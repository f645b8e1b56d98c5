"""What only the Spark engine does: distributed blocking with guarded and multi-valued rules,
the rules it refuses, bad records, distributed connected components (the results every engine
shares are checked in test_conformance.py)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

import golden as gd
from golden import comparisons as cmp
from golden.blocking import candidate_pairs as local_candidates
from golden.engines.spark import blocking as spark_blocking
from golden.engines.spark.records import prepare
from golden.records import prepare_records

pytestmark = [pytest.mark.spark,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
              pytest.mark.filterwarnings("ignore::golden.DataWarning")]



def by_id(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def assert_same_entities(local: pd.DataFrame, remote: Any) -> None:
    remote = remote.toPandas()
    assert list(remote.columns) == list(local.columns)
    keys = [c for c in ("source", "unique_id") if c in local.columns]
    pd.testing.assert_frame_equal(by_id(local, keys).astype(str), by_id(remote, keys).astype(str))


@pytest.fixture(scope="module")
def engine(spark: Any) -> gd.SparkEngine:
    return gd.SparkEngine(spark)


# Blocking rules, guards, errors -------------------------------------------------------------


@pytest.fixture(scope="module")
def small(spark: Any) -> tuple[pd.DataFrame, Any]:
    rng = np.random.default_rng(3)
    n = 400
    frame = pd.DataFrame({
        "unique_id": np.arange(n)[::-1],
        "city": rng.choice(["a", "b", "c", None], n),
        "zip": rng.choice([f"{i:03d}" for i in range(40)], n),
        "emails": [";".join(rng.choice(["x@y", "z@w", "q@r", "m@n", "k@l"], 2)) for _ in range(n)],
    })
    frame = by_id(frame, ["unique_id"])
    return frame, spark.createDataFrame(frame)


def test_guarded_and_multi_valued_rules_give_the_same_pairs(small, engine) -> None:
    frame, remote = small
    blocking = (gd.block_on("city", max_block_size=90)
                | gd.block_on("zip", gd.col("city").upper())
                | gd.block_on_any("emails", sep=";", max_block_size=120, oversize="cap"))
    columns = ["city", "zip", "emails"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = prepare_records(frame, unique_id="unique_id", source=None, link_type="dedupe",
                               columns=columns)
        local = local_candidates(data, blocking, "dedupe")
        covered = [int(rule.index(data).covers(local.left, local.right).sum())
                   for rule in blocking.rules]
        records = prepare(remote, unique_id="unique_id", source=None, link_type="dedupe",
                          columns=columns)
        found = spark_blocking.candidate_pairs(records, blocking, "dedupe", None)
        counted = spark_blocking.count_table(records, blocking, "dedupe", None)
    assert any("max_block_size=90" in str(w.message) for w in caught)
    assert any("split into runs of 120" in str(w.message) for w in caught)
    spark = found.frame.toPandas().sort_values(["row_l", "row_r"]).reset_index(drop=True)
    expected = pd.DataFrame({"row_l": local.left, "row_r": local.right, "rule": local.rule})
    expected = expected.sort_values(["row_l", "row_r"]).reset_index(drop=True)
    assert len(spark) == found.count == len(expected) > 0
    assert (spark[["row_l", "row_r", "rule"]].to_numpy() == expected.to_numpy()).all()
    new = np.bincount(local.rule, minlength=len(blocking.rules))
    assert counted["pairs"].tolist() == covered
    assert counted["new_pairs"].tolist() == new.tolist()
    assert counted["cumulative_pairs"].tolist() == np.cumsum(new).tolist()


def test_rules_that_cannot_be_distributed_or_are_too_big_are_refused(small, engine) -> None:
    _, remote = small
    comparisons = [cmp.exact("zip")]
    with pytest.raises(gd.ConfigError, match=r"sorted\(zip, window=3\)"):
        gd.Linker(comparisons, gd.sorted_neighbourhood("zip", 3), engine=engine).fit(remote)
    with pytest.raises(gd.ConfigError, match="more than max_pairs=10"):
        gd.Linker(comparisons, gd.block_on("city"), max_pairs=10, engine=engine).fit(remote)
    with pytest.raises(gd.ConfigError, match="max_block_size=20"):
        gd.Linker(comparisons, gd.block_on("city", max_block_size=20, oversize="error"),
                  engine=engine).fit(remote)


def test_bad_records_are_reported_at_once(spark, engine) -> None:
    remote = spark.createDataFrame(pd.DataFrame({"unique_id": [1, 1, None],
                                                 "city": ["a", "a", "b"]}))
    with pytest.raises(gd.SchemaError) as error:
        gd.Linker([cmp.exact("city")], gd.block_on("city"), engine=engine).fit(remote)
    assert len(error.value.problems) == 2
    with pytest.raises(gd.SchemaError, match=r"'zip' .* is missing"):
        gd.Linker([cmp.exact("zip")], gd.block_on("city"), engine=engine).fit(remote)


# Connected components ---------------------------------------------------------------------


def test_components_match_the_local_engine(spark, engine) -> None:
    rng = np.random.default_rng(7)
    chain = [(i, i + 1) for i in range(30)]  # a long path: several rounds
    random = [tuple(e) for e in rng.integers(100, 400, size=(500, 2))]
    left, right = np.array(chain + random).T
    pairs = pd.DataFrame({"unique_id_l": left, "unique_id_r": right,
                          "match_probability": rng.random(len(left))})
    records = pd.DataFrame({"unique_id": np.arange(450)})
    linker = gd.Linker([cmp.exact("x")], gd.block_on("x"))
    local = linker.cluster(pairs, records, threshold=[0.2, 0.6])
    remote = linker.set_params(engine=engine).cluster(
        spark.createDataFrame(pairs), spark.createDataFrame(records), threshold=[0.2, 0.6])
    assert_same_entities(local, remote)


# Free text ------------------------------------------------------------------------------------


def test_free_text_word_weights_and_scores_are_the_local_engines(spark, engine) -> None:
    """Word weights are counted over every record on Spark (each batch sees a few records)
    and saved in the comparisons; scores are the local engine's."""
    frame = pd.DataFrame({
        "unique_id": range(8),
        "name": ["Sony black tv kdl40", "black tv kdl40", "Sony black tv", "LG black tv",
                 "Sony radio", "LG radio black", "Panasonic black tv", None],
    })

    def fitted(chosen: gd.SparkEngine | None, records: Any) -> gd.Linker:
        linker = gd.Linker([cmp.free_text("name")],
                           gd.block_on_any(gd.col("name").clean(), sep=" "),
                           random_state=0, engine=chosen)
        return linker.fit(records)

    local = fitted(None, frame)
    remote = fitted(engine, spark.createDataFrame(frame).repartition(4))
    assert remote.comparisons_ == local.comparisons_
    given = pd.DataFrame({"unique_id_l": [0, 2, 4], "unique_id_r": [1, 3, 5]})
    scored = local.predict(frame, pairs=given)
    remote_scored = remote.predict(spark.createDataFrame(frame),
                                   pairs=spark.createDataFrame(given)).toPandas()
    np.testing.assert_allclose(by_id(remote_scored, ["unique_id_l"])["match_weight"],
                               by_id(scored, ["unique_id_l"])["match_weight"])


# Decisions ------------------------------------------------------------------------------------


def test_decisions_give_the_local_engines_entities(spark, engine) -> None:
    """A decided match joining two components, a decided non-match cutting a chain (in a
    component of two records too) and one touching a record no pair names."""
    pairs = pd.DataFrame(
        [("a", "b", 0.99), ("b", "c", 0.97), ("c", "d", 0.6), ("p", "q", 0.9),
         ("x", "y", 0.95), ("m", "n", 0.2)],
        columns=["unique_id_l", "unique_id_r", "match_probability"])
    decisions = pd.DataFrame({"unique_id_l": ["a", "x", "q", "n"],
                              "unique_id_r": ["d", "y", "m", "z"],
                              "decision": ["non_match", "non_match", "match", "match"]})
    records = pd.DataFrame({"unique_id": list("abcdpqxymnz")})
    linker = gd.Linker([cmp.exact("name")], gd.block_on("name"))
    for min_density in (None, 0.5):
        local = linker.cluster(pairs, records, min_density=min_density, decisions=decisions)
        remote = gd.Linker([cmp.exact("name")], gd.block_on("name"), engine=engine).cluster(
            spark.createDataFrame(pairs), spark.createDataFrame(records),
            min_density=min_density, decisions=decisions)
        assert_same_entities(local, remote)
    entity = dict(zip(local["unique_id"], local["entity_id"], strict=True))
    assert entity["a"] != entity["d"] and entity["x"] != entity["y"]
    assert entity["p"] == entity["q"] == entity["m"] != entity["n"] == entity["z"]
