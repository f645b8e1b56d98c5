"""The engine conformance suite: every engine gives the in-process results — the same model
JSON, candidate pairs, weights, entities, blocking counts, golden records and households — and
honours the contract of each output (FEBRL3 dedupe, FEBRL4 link, synthetic people with golden
records and households).

The reference is the estimators' default (``engine=None``). Records are given in (source,
unique id) order, the order every engine numbers them in, so each draws the same random
pairs for u. A new engine joins the suite by adding one entry to ``ENGINES``.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

import golden as gd
from golden import comparisons as cmp
from golden import demo
from golden.bench import default_config
from golden.engines.protocol import Engine

pytestmark = [pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
              pytest.mark.filterwarnings("ignore::golden.DataWarning")]

SYNTHETIC_RECORDS = 5_000  # the 100k check is benchmarks/spark.py --check
ENGINES: dict[str, Callable[[pytest.FixtureRequest], Any]] = {
    "local": lambda request: gd.LocalEngine(),
    "spark": lambda request: gd.SparkEngine(request.getfixturevalue("spark")),
}


@pytest.fixture(scope="module", params=[
    pytest.param("local"), pytest.param("spark", marks=pytest.mark.spark)])
def engine(request: pytest.FixtureRequest) -> Engine:
    return ENGINES[request.param](request)


def by_id(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def pair_keys(frame: pd.DataFrame) -> list[str]:
    return [c for c in ("source_l", "unique_id_l", "source_r", "unique_id_r")
            if c in frame.columns]


def assert_same_pairs(expected: pd.DataFrame, got: pd.DataFrame) -> None:
    """Same pairs, rules, gammas and weights (to 1e-9; they are in fact bit-identical)."""
    assert list(got.columns) == list(expected.columns)
    keys = pair_keys(expected)
    expected, got = by_id(expected, keys), by_id(got, keys)
    assert len(expected) == len(got) > 0
    pd.testing.assert_frame_equal(expected[keys].astype(str), got[keys].astype(str))
    assert (expected["blocking_rule"].astype(str) == got["blocking_rule"].astype(str)).all()
    gammas = [c for c in expected.columns if c.startswith(("gamma_", "mw_"))]
    assert (expected[gammas].to_numpy() == got[gammas].to_numpy()).all()
    for column in ("match_weight", "match_probability"):
        assert np.abs(expected[column].to_numpy() - got[column].to_numpy()).max() <= 1e-9


def assert_same_entities(expected: pd.DataFrame, got: pd.DataFrame) -> None:
    assert list(got.columns) == list(expected.columns)
    keys = [c for c in ("source", "unique_id") if c in expected.columns]
    pd.testing.assert_frame_equal(by_id(expected, keys).astype(str), by_id(got, keys).astype(str))


def assert_pair_contract(pairs: pd.DataFrame, linker: gd.Linker) -> None:
    """Each unordered pair once, no self-pairs, weight = prior + the comparisons' weights,
    probability from the weight."""
    keys = pair_keys(pairs)

    def record(columns: list[str]) -> pd.Series:
        return pairs[columns].astype(str).apply(lambda c: c + "|").sum(axis=1)

    left, right = record(keys[: len(keys) // 2]), record(keys[len(keys) // 2:])
    assert not (left == right).any()
    unordered = pd.Series(np.where(left < right, left + "~" + right, right + "~" + left))
    assert not unordered.duplicated().any()
    parts = pairs[[c for c in pairs.columns if c.startswith("mw_")]].to_numpy(np.float64)
    prior = linker.weight_table().prior
    assert np.allclose(pairs["match_weight"], prior + parts.sum(axis=1), atol=1e-3)
    expected = 1 / (1 + 2.0 ** -pairs["match_weight"].to_numpy())
    assert np.allclose(pairs["match_probability"], expected, rtol=1e-9)


@dataclass(frozen=True)
class Reference:
    """One configuration run in this process with the default engine."""

    linker: gd.Linker  # unfitted: the configuration
    records: pd.DataFrame | list[pd.DataFrame]
    cluster: dict[str, Any]
    fitted: gd.Linker
    pairs: pd.DataFrame
    entities: pd.DataFrame


@dataclass(frozen=True)
class Run:
    """The same configuration on the engine under test."""

    engine: Engine
    reference: Reference
    given: Any  # the records as the engine's frame(s)
    fitted: gd.Linker
    pairs: pd.DataFrame  # the engine's, collected
    entities: Any  # the engine's frame

    @property
    def records(self) -> pd.DataFrame | list[pd.DataFrame]:
        return self.reference.records


def reference(linker: gd.Linker, records: pd.DataFrame | list[pd.DataFrame],
              **cluster: Any) -> Reference:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = gd.Linker(**linker.get_params()).fit(records)
        pairs = fitted.predict(records)
        entities = fitted.cluster(pairs, records, threshold=0.5, **cluster)
    return Reference(linker, records, cluster, fitted, pairs, entities)


def run(engine: Engine, expected: Reference) -> Run:
    records = expected.records
    given = ([engine.from_pandas(frame) for frame in records] if isinstance(records, list)
             else engine.from_pandas(records))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = gd.Linker(**{**expected.linker.get_params(), "engine": engine}).fit(given)
        pairs = fitted.predict(given)
        entities = fitted.cluster(pairs, given, threshold=0.5, **expected.cluster)
    return Run(engine, expected, given, fitted, engine.to_pandas(pairs), entities)


def same_json(a: gd.Linker, b: gd.Linker) -> bool:
    return json.dumps(a.to_dict()) == json.dumps(b.to_dict())


def febrl3_reference() -> Reference:
    return reference(default_config("febrl3").linker,
                     by_id(gd.datasets.load_febrl3(), ["rec_id"]))


def febrl4_reference() -> Reference:
    files = [by_id(frame, ["rec_id"]) for frame in gd.datasets.load_febrl4()]
    linker = gd.Linker(
        [cmp.name("given_name"), cmp.name("surname"), cmp.date_of_birth("date_of_birth"),
         cmp.levenshtein("soc_sec_id", (1, 2)), cmp.exact("street_number"),
         cmp.jaro_winkler("address_1", (0.9, 0.8)), cmp.levenshtein("postcode", (1,))],
        [gd.block_on("given_name"), gd.block_on("surname"), gd.block_on("date_of_birth"),
         gd.block_on("soc_sec_id")],
        link_type="link", unique_id="rec_id", u_max_pairs=200_000, random_state=0)
    return reference(linker, files, one_to_one=True)


def people_reference() -> Reference:
    records = by_id(gd.datasets.make_people(SYNTHETIC_RECORDS, random_state=0)
                    .drop(columns=["person_id", "household_id"]), ["unique_id"])
    linker = gd.Linker(list(demo.COMPARISONS), list(demo.BLOCKING),
                       training_blocking=list(demo.TRAINING), u_max_pairs=300_000,
                       random_state=0)
    return reference(linker, records)


REFERENCES: dict[str, Callable[[], Reference]] = {
    "febrl3": febrl3_reference, "febrl4": febrl4_reference, "people": people_reference}
ELSEWHERE = ("febrl4", "people")  # what other engines run


@pytest.fixture(scope="module")
def runs(engine: Engine) -> Callable[[str], Run]:
    """Each configuration on the engine under test, run once (the references once for all
    engines), however the tests are ordered."""

    def get(name: str) -> Run:
        key = (type(engine).__name__, name)
        if key not in _RUN_CACHE:
            if name not in _REFERENCE_CACHE:
                _REFERENCE_CACHE[name] = REFERENCES[name]()
            _RUN_CACHE[key] = run(engine, _REFERENCE_CACHE[name])
        return _RUN_CACHE[key]

    return get


_REFERENCE_CACHE: dict[str, Reference] = {}
_RUN_CACHE: dict[tuple[str, str], Run] = {}


@pytest.fixture(params=list(REFERENCES))
def each(request: pytest.FixtureRequest, engine: Engine, runs: Callable[[str], Run]) -> Run:
    """Each configuration in turn, on the engine under test (Spark: a dedupe and a link,
    as each run there takes about half a minute)."""
    if not isinstance(engine, gd.LocalEngine) and request.param not in ELSEWHERE:
        pytest.skip(f"{request.param} runs in process; {', '.join(ELSEWHERE)} cover the engine")
    return runs(request.param)


@pytest.fixture
def febrl4(runs: Callable[[str], Run]) -> Run:
    return runs("febrl4")


@pytest.fixture
def people(runs: Callable[[str], Run]) -> Run:
    return runs("people")


def test_an_engine_satisfies_the_protocol(engine: Engine) -> None:
    assert isinstance(engine, Engine)


def test_the_same_model_is_learned(each: Run) -> None:
    expected = each.reference.fitted
    assert same_json(each.fitted, expected)
    assert each.fitted.n_candidates_ == expected.n_candidates_ == len(each.pairs)


def test_the_same_pairs_and_weights(each: Run) -> None:
    assert_same_pairs(each.reference.pairs, each.pairs)
    assert_pair_contract(each.pairs, each.fitted)


def test_the_same_entities_and_every_record_in_one(each: Run) -> None:
    result = each
    entities = result.engine.to_pandas(result.entities)
    assert_same_entities(result.reference.entities, entities)
    keys = [c for c in ("source", "unique_id") if c in entities.columns]
    frames = result.records if isinstance(result.records, list) else [result.records]
    assert len(entities) == sum(map(len, frames)) and not entities.duplicated(keys).any()


def test_a_model_fitted_here_predicts_the_same_on_the_engine(febrl4: Run) -> None:
    loaded = gd.Linker.from_dict(febrl4.reference.fitted.to_dict()).set_params(
        engine=febrl4.engine)
    pairs = febrl4.engine.to_pandas(loaded.predict(febrl4.given))
    assert_same_pairs(febrl4.reference.pairs, pairs)
    assert set(pairs.columns[:4]) == {"source_l", "unique_id_l", "source_r", "unique_id_r"}


def test_fit_predict_is_fit_then_predict(people: Run) -> None:
    linker = gd.Linker(**people.fitted.get_params())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kept = people.engine.to_pandas(linker.fit_predict(people.given, threshold=0.5))
    assert same_json(linker, people.reference.fitted)
    expected = people.reference.pairs[people.reference.pairs["match_probability"] >= 0.5]
    assert_same_pairs(expected, kept)


def test_given_pairs_are_scored_as_predicted(people: Run) -> None:
    chosen = people.reference.pairs.iloc[::97][["unique_id_l", "unique_id_r"]]
    scored = people.engine.to_pandas(people.fitted.predict(people.given, pairs=chosen))
    expected = people.reference.pairs.iloc[::97].assign(blocking_rule="given")
    assert_same_pairs(expected, scored)


def test_blocking_counts_are_the_same(febrl4: Run) -> None:
    counted = febrl4.fitted.count_pairs(febrl4.given)
    expected = febrl4.reference.fitted.count_pairs(febrl4.records)
    # the largest blocks: the same sizes (blocks of equal size may come in another order)
    sizes = [[size for _, size in blocks] for blocks in counted.pop("largest_blocks")]
    assert sizes == [[size for _, size in blocks] for blocks in expected.pop("largest_blocks")]
    pd.testing.assert_frame_equal(counted, expected, check_dtype=False)
    assert counted["cumulative_pairs"].iloc[-1] == len(febrl4.pairs)


def test_golden_records_and_households_are_the_same(people: Run) -> None:
    expected = demo.GOLDEN.build(people.records, people.reference.entities)
    builder = gd.GoldenRecordBuilder(**{**demo.GOLDEN.get_params(), "engine": people.engine})
    built = builder.build(people.given, people.entities)
    golden = by_id(people.engine.to_pandas(built.records), ["entity_id"])
    assert list(golden.columns) == list(expected.records.columns)
    assert len(golden) == people.reference.entities["entity_id"].nunique()
    for column in expected.records.columns:
        want = expected.records[column].map(lambda v: list(v) if isinstance(v, list) else v)
        got = golden[column].map(lambda v: list(v) if isinstance(v, np.ndarray) else v)
        assert want.astype(str).tolist() == got.astype(str).tolist(), column
    keys = ["entity_id", "attribute", "position"]
    provenance = by_id(people.engine.to_pandas(built.provenance).astype({"attribute": str}),
                       keys)
    want = by_id(expected.provenance.astype({"attribute": str}), keys)
    for column in ("unique_id", "source", "rule", "support", "candidates"):
        assert want[column].astype(str).tolist() == provenance[column].astype(str).tolist()
    assert provenance["unique_id"].isin(people.records["unique_id"]).all()

    homes = gd.HouseholdGrouper(reference_date="2026-01-01").fit_transform(expected.records)
    grouper = gd.HouseholdGrouper(reference_date="2026-01-01", engine=people.engine)
    found = grouper.fit_transform(built.records)
    households = by_id(people.engine.to_pandas(found.households), ["household_id"])
    assert (households["size"].to_numpy() == homes.households["size"].to_numpy()).all()
    assert set(people.engine.to_pandas(found.members).columns) == set(homes.members.columns)


def test_dependence_corrections_score_the_same(engine: Engine, michigan) -> None:
    # City and zip agree together among voters of one town: the model corrects for it
    a, b, _ = michigan
    linker = gd.Linker(
        [cmp.name("firstname"), cmp.name("lastname"), cmp.exact("birthyear"),
         cmp.exact("city"), cmp.exact("zip")],
        [gd.block_on("lastname"), gd.block_on("zip")], link_type="link", random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = reference(linker, [a, b])
    assert expected.fitted.dependence_corrections_
    loaded = gd.Linker.from_dict(expected.fitted.to_dict()).set_params(engine=engine)
    pairs = engine.to_pandas(loaded.predict([engine.from_pandas(a), engine.from_pandas(b)]))
    assert "mw_dependence" in pairs.columns
    assert_same_pairs(expected.pairs, pairs)
    assert_pair_contract(pairs, loaded)
