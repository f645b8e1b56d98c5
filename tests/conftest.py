"""Shared fixtures: the public datasets with known truth in ../shared/data, FEBRL3 fitted
once, and one local Spark session for the whole run (the ``spark`` marker)."""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

import golden as gd
from golden.bench import default_config

SHARED = Path(os.environ.get("GOLDEN_SHARED_DATA",
                             Path(__file__).resolve().parents[1].parent / "shared" / "data"))


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects, so ``-m "not spark"`` sees the marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that uses the ``spark`` fixture is marked ``spark``."""
    for item in items:
        if "spark" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.spark)


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """Under ``pytest -n 2`` (``make test``), every test whose id names Spark runs in one
    worker, so one JVM serves them all and each Spark run is made once; the other tests are
    spread one by one. (pytest-xdist's own ``loadgroup`` cannot set a group on pytest 9.2,
    whose node ids are read-only.)"""
    from xdist.scheduler import LoadScopeScheduling

    class SparkTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "spark" if "spark" in nodeid.lower() else nodeid

    return SparkTogether(config, log)


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared dataset {path} is not present (set GOLDEN_SHARED_DATA)")
    return path


def load_febrl(name: str) -> pd.DataFrame:
    """A FEBRL file with a ``truth`` column (the original record's number)."""
    frame = pd.read_csv(_need(SHARED / "febrl" / name), skipinitialspace=True, dtype=str)
    frame["truth"] = frame["rec_id"].str.extract(r"rec-(\d+)-")[0]
    return frame


@pytest.fixture(scope="session")
def febrl1() -> pd.DataFrame:
    return load_febrl("dataset1.csv")


@pytest.fixture(scope="session")
def febrl3() -> pd.DataFrame:
    return load_febrl("dataset3.csv")


@pytest.fixture(scope="session")
def febrl4() -> tuple[pd.DataFrame, pd.DataFrame]:
    return load_febrl("dataset4a.csv"), load_febrl("dataset4b.csv")


@pytest.fixture(scope="session")
def fake_1000() -> pd.DataFrame:
    return pd.read_csv(_need(SHARED / "splink" / "fake_1000.csv"))


@pytest.fixture(scope="session")
def fake_1000_labels() -> pd.DataFrame:
    return pd.read_csv(_need(SHARED / "splink" / "fake_1000_labels.csv"))


@pytest.fixture(scope="session")
def michigan() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Two snapshots of real Michigan voter rolls (1,500 records each, 150 voters in both),
    ids prefixed ``a``/``b``, and the true links (``unique_id_l``, ``unique_id_r``)."""
    folder = SHARED / "dev" / "michigan_voters_sample"
    frames = []
    for side in "ab":
        frame = pd.read_csv(_need(folder / f"michiganvoters_1500_0.1_{side}.csv"), dtype=str)
        frames.append(frame.assign(unique_id=side + frame.pop("id")))
    gold = pd.read_csv(folder / "michiganvoters_1500_0.1_gold.csv", dtype=str)
    truth = pd.DataFrame({"unique_id_l": "a" + gold["id1"], "unique_id_r": "b" + gold["id2"]})
    return frames[0], frames[1], truth


@pytest.fixture(scope="session")
def census() -> tuple[pd.DataFrame, pd.Series]:
    """A census simulation (828 records, RIDDLE): relatives share a surname and an address;
    each of 345 people has two records, none with the first name written the same. The
    truth is each record's person (records of no pair are their own)."""
    folder = SHARED / "dev" / "census_riddle"
    records = pd.read_csv(_need(folder / "processed_census_a.csv"), dtype=str)
    gold = pd.read_csv(folder / "processed_census_gold.csv", dtype=str)
    truth = pd.Series(records["id"].to_numpy(), index=records["id"].to_numpy())
    truth[gold["id2"].to_numpy()] = gold["id1"].to_numpy()
    return records, truth


@pytest.fixture(scope="session")
def patstat() -> tuple[pd.DataFrame, pd.Series]:
    """Patent applicants (2,379 records; coordinates (0, 0) mean unknown) and their true
    entity (``leuven_id``) by ``person_id``."""
    folder = SHARED / "dev" / "dedupe_patstat"
    records = pd.read_csv(_need(folder / "patstat_input.csv"), dtype=str)
    unknown = (records["Lat"].astype(float) == 0) & (records["Lng"].astype(float) == 0)
    records[["Lat", "Lng"]] = records[["Lat", "Lng"]].astype(float).mask(unknown, axis=0)
    truth = pd.read_csv(folder / "patstat_reference.csv", dtype=str)
    return records, truth.set_index("person_id")["leuven_id"]


@dataclass(frozen=True)
class FittedRun:
    """FEBRL3 with golden's shipped configuration, fitted once for the whole test run."""

    linker: gd.Linker
    records: pd.DataFrame
    truth: pd.Series
    pairs: pd.DataFrame
    clusters: pd.DataFrame


@pytest.fixture(scope="session")
def febrl3_fitted() -> FittedRun:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        records = gd.datasets.load_febrl3()
        linker = default_config("febrl3").linker.fit(records)
        pairs = linker.predict(records)
        clusters = linker.cluster(pairs, records, threshold=0.5)
    truth = pd.Series(records["rec_id"].str.extract(r"rec-(\d+)-")[0].to_numpy(),
                      index=records["rec_id"])
    return FittedRun(linker, records, truth, pairs, clusters)


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One local Spark session (two cores) shared by every Spark test; skipped without
    pyspark or Java."""
    pytest.importorskip("pyspark")
    if shutil.which("java") is None and "JAVA_HOME" not in os.environ:
        pytest.skip("Spark needs Java (set JAVA_HOME or put java on PATH)")
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    work = tmp_path_factory.mktemp("spark")
    session = (SparkSession.builder.master("local[2]").appName("golden-tests")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.default.parallelism", "2")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .config("spark.sql.warehouse.dir", str(work / "warehouse"))
               .config("spark.local.dir", str(work / "local"))
               .config("spark.driver.memory", "2g")
               .config("spark.sql.session.timeZone", "UTC")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(str(work / "checkpoints"))
    yield session
    session.stop()
