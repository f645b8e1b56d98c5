"""The Spark engine gives the local engine's results: the same candidate pairs, model JSON,
weights, entities, golden records and households (FEBRL3, FEBRL4, synthetic people), on the
one local Spark session of the test run.

The local engine runs on the records in (source, unique id) order, the order the Spark
engine numbers them in, so both draw the same random pairs for u.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

import golden as gd
from golden import comparisons as cmp
from golden import demo
from golden.bench import default_config
from golden.blocking import candidate_pairs as local_candidates
from golden.engines.spark import blocking as spark_blocking
from golden.engines.spark.records import prepare
from golden.records import prepare_records

pytestmark = [pytest.mark.spark,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
              pytest.mark.filterwarnings("ignore::golden.DataWarning")]

SYNTHETIC_RECORDS = 10_000  # the 100k check is benchmarks/spark.py --check


def by_id(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def assert_same_pairs(local: pd.DataFrame, remote: Any) -> None:
    """Same pairs, rules, gammas and weights (to 1e-9; they are in fact bit-identical)."""
    remote = remote.toPandas()
    assert list(remote.columns) == list(local.columns)
    keys = [c for c in ("source_l", "unique_id_l", "source_r", "unique_id_r")
            if c in local.columns]
    local, remote = by_id(local, keys), by_id(remote, keys)
    assert len(local) == len(remote) > 0
    pd.testing.assert_frame_equal(local[keys].astype(str), remote[keys].astype(str))
    assert (local["blocking_rule"].astype(str) == remote["blocking_rule"]).all()
    gammas = [c for c in local.columns if c.startswith(("gamma_", "mw_"))]
    assert (local[gammas].to_numpy() == remote[gammas].to_numpy()).all()
    for column in ("match_weight", "match_probability"):
        assert np.abs(local[column].to_numpy() - remote[column].to_numpy()).max() <= 1e-9


def assert_same_entities(local: pd.DataFrame, remote: Any) -> None:
    remote = remote.toPandas()
    assert list(remote.columns) == list(local.columns)
    keys = [c for c in ("source", "unique_id") if c in local.columns]
    pd.testing.assert_frame_equal(by_id(local, keys).astype(str), by_id(remote, keys).astype(str))


@dataclass(frozen=True)
class Both:
    """One configuration on both engines: fitted on each, and the locally fitted model
    predicting and clustering on Spark."""

    local: gd.Linker
    remote: gd.Linker
    local_pairs: pd.DataFrame
    remote_pairs: Any
    local_entities: pd.DataFrame
    remote_entities: Any


def run_both(engine: gd.SparkEngine, linker: gd.Linker, local_records: Any,
             remote_records: Any, **cluster: Any) -> Both:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        local = gd.Linker(**linker.get_params()).fit(local_records)
        pairs = local.predict(local_records)
        entities = local.cluster(pairs, local_records, **cluster)
        remote = gd.Linker(**{**linker.get_params(), "engine": engine}).fit(remote_records)
        loaded = gd.Linker.from_dict(local.to_dict()).set_params(engine=engine)
        remote_pairs = loaded.predict(remote_records)
        remote_entities = loaded.cluster(remote_pairs, remote_records, **cluster)
    return Both(local, remote, pairs, remote_pairs, entities, remote_entities)


def same_json(a: gd.Linker, b: gd.Linker) -> bool:
    return json.dumps(a.to_dict()) == json.dumps(b.to_dict())


@pytest.fixture(scope="module")
def engine(spark: Any) -> gd.SparkEngine:
    return gd.SparkEngine(spark)


# FEBRL3: dedupe, the shipped configuration ------------------------------------------------


@pytest.fixture(scope="module")
def febrl3(engine: gd.SparkEngine, spark: Any) -> tuple[Both, pd.DataFrame, Any]:
    records = by_id(gd.datasets.load_febrl3(), ["rec_id"])
    remote = spark.createDataFrame(records)
    return run_both(engine, default_config("febrl3").linker, records, remote,
                    threshold=0.5), records, remote


def test_febrl3_fits_the_same_model(febrl3) -> None:
    both, _, _ = febrl3
    assert same_json(both.remote, both.local)
    assert both.remote.n_candidates_ == both.local.n_candidates_ == len(both.local_pairs)


def test_febrl3_same_pairs_and_weights(febrl3) -> None:
    both, _, _ = febrl3
    assert_same_pairs(both.local_pairs, both.remote_pairs)


def test_febrl3_same_entities(febrl3) -> None:
    both, _, _ = febrl3
    assert_same_entities(both.local_entities, both.remote_entities)


# FEBRL4: linking two files, one-to-one ------------------------------------------------------


@pytest.fixture(scope="module")
def febrl4(engine: gd.SparkEngine, spark: Any) -> Both:
    a, b = (by_id(f, ["rec_id"]) for f in gd.datasets.load_febrl4())
    linker = gd.Linker(
        [cmp.name("given_name"), cmp.name("surname"), cmp.date_of_birth("date_of_birth"),
         cmp.levenshtein("soc_sec_id", (1, 2)), cmp.exact("street_number"),
         cmp.jaro_winkler("address_1", (0.9, 0.8)), cmp.levenshtein("postcode", (1,))],
        [gd.block_on("given_name"), gd.block_on("surname"), gd.block_on("date_of_birth"),
         gd.block_on("soc_sec_id")],
        link_type="link", unique_id="rec_id", u_max_pairs=200_000, random_state=0)
    return run_both(engine, linker, [a, b], [spark.createDataFrame(a), spark.createDataFrame(b)],
                    threshold=0.5, one_to_one=True)


def test_febrl4_link_is_the_same(febrl4) -> None:
    assert same_json(febrl4.remote, febrl4.local)
    assert_same_pairs(febrl4.local_pairs, febrl4.remote_pairs)
    assert_same_entities(febrl4.local_entities, febrl4.remote_entities)
    assert set(febrl4.remote_pairs.columns[:4]) == {"source_l", "unique_id_l", "source_r",
                                                    "unique_id_r"}


# Synthetic people: the demo's configuration, golden records, households -------------------


@pytest.fixture(scope="module")
def people(engine: gd.SparkEngine, spark: Any) -> tuple[Both, pd.DataFrame, Any]:
    records = by_id(gd.datasets.make_people(SYNTHETIC_RECORDS, random_state=0)
                    .drop(columns=["person_id", "household_id"]), ["unique_id"])
    linker = gd.Linker(list(demo.COMPARISONS), list(demo.BLOCKING),
                       training_blocking=list(demo.TRAINING), u_max_pairs=300_000,
                       random_state=0)
    remote = spark.createDataFrame(records)
    return run_both(engine, linker, records, remote, threshold=0.5), records, remote


def test_people_same_model_pairs_and_entities(people) -> None:
    both, _, _ = people
    assert same_json(both.remote, both.local)
    assert_same_pairs(both.local_pairs, both.remote_pairs)
    assert_same_entities(both.local_entities, both.remote_entities)


def test_people_golden_records_and_households(people, engine) -> None:
    both, records, remote = people
    local = demo.GOLDEN.build(records, both.local_entities)
    spark = demo.GOLDEN.set_params(engine=engine).build(remote, both.remote_entities)
    demo.GOLDEN.set_params(engine=None)
    golden = spark.records.toPandas()
    assert list(golden.columns) == list(local.records.columns)
    golden = by_id(golden, ["entity_id"])
    for column in local.records.columns:
        expected = local.records[column].map(lambda v: list(v) if isinstance(v, list) else v)
        got = golden[column].map(lambda v: list(v) if isinstance(v, np.ndarray) else v)
        assert expected.astype(str).tolist() == got.astype(str).tolist(), column
    keys = ["entity_id", "attribute", "position"]
    provenance = by_id(spark.provenance.toPandas(), keys)
    expected = by_id(local.provenance.astype({"attribute": str}), keys)
    for column in ("unique_id", "source", "rule", "support", "candidates"):
        assert expected[column].astype(str).tolist() == provenance[column].astype(str).tolist()

    grouper = gd.HouseholdGrouper(reference_date="2026-01-01")
    homes = grouper.fit_transform(local.records)
    remote_homes = gd.HouseholdGrouper(reference_date="2026-01-01", engine=engine
                                       ).fit_transform(spark.records)
    households = by_id(remote_homes.households.toPandas(), ["household_id"])
    assert (households["size"].to_numpy() == homes.households["size"].to_numpy()).all()
    assert set(remote_homes.members.columns) == set(homes.members.columns)


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
