"""The engine parameter, without a Spark session: the missing-extra error and validation."""

from __future__ import annotations

import pandas as pd
import pytest

import golden as gd
from golden import comparisons as cmp


def test_missing_pyspark_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from golden.engines.spark import engine as module

    monkeypatch.setattr(module.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(gd.MissingDependencyError, match=r"golden-records\[spark\]"):
        gd.SparkEngine(object())


def test_engine_parameters_are_checked_at_once() -> None:
    pytest.importorskip("pyspark")
    with pytest.raises(gd.ConfigError) as error:
        gd.SparkEngine("spark", group_records=0)
    assert len(error.value.problems) == 2
    assert "spark: got str" in str(error.value) and "group_records" in str(error.value)


def test_an_engine_must_be_an_engine() -> None:
    records = pd.DataFrame({"unique_id": [1, 2], "surname": ["a", "b"], "dob": ["x", "x"]})
    linker = gd.Linker([cmp.name("surname")], gd.block_on("dob"), engine="spark")  # type: ignore[arg-type]
    with pytest.raises(gd.ConfigError, match="engine: got 'spark'"):
        linker.fit(records)
    with pytest.raises(gd.ConfigError, match="engine: got 'spark'"):
        gd.GoldenRecordBuilder(engine="spark").build(  # type: ignore[arg-type]
            records, pd.DataFrame({"unique_id": [1, 2], "entity_id": [0, 0]}))


def test_saved_configurations_leave_the_engine_out() -> None:
    builder = gd.GoldenRecordBuilder(engine=None)
    assert "engine" not in builder.to_dict()["params"]
