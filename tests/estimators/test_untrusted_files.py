"""A saved model, rule set or resolver store is data: loading one never imports or runs
the code it names. Custom functions come from the caller."""

from __future__ import annotations

import json
import sqlite3
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

import golden as gd
from golden import comparisons as cmp
from golden import survivorship as sv


def same_initial(left: list[np.ndarray], right: list[np.ndarray]) -> np.ndarray:
    return (pd.Series(left[0]).str[:1] == pd.Series(right[0]).str[:1]).to_numpy()


def newest_first(values: pd.Series, records: pd.DataFrame) -> np.ndarray:
    return np.arange(len(values), dtype=float)


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gd.datasets.make_people(1_000, random_state=2).drop(
            columns=["person_id", "household_id"])


@pytest.fixture(scope="module")
def custom_linker(people) -> gd.Linker:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gd.Linker([cmp.name("first_name"), cmp.name("surname"), cmp.date_of_birth("dob"),
                          cmp.custom("initial", ["surname"], [("same initial", same_initial)])],
                         [gd.block_on("surname"), gd.block_on("dob")],
                         random_state=0).fit(people)


def with_function(model: dict, path: str) -> dict:
    """The model with its custom level's function replaced by ``path``, as an attacker
    would edit the file."""
    text = json.dumps(model).replace(f"{__name__}:same_initial", path)
    return json.loads(text)


def test_a_model_naming_a_function_does_not_import_it(custom_linker, tmp_path,
                                                       monkeypatch) -> None:
    marker = tmp_path / "ran"
    (tmp_path / "planted.py").write_text(
        f"open({str(marker)!r}, 'w').write('ran')\ndef f(left, right):\n    return left\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "model.json"
    for named in ("planted:f", "os:system", "subprocess:call"):
        path.write_text(json.dumps(with_function(custom_linker.to_dict(), named)))
        with pytest.raises(gd.ConfigError, match=f"{named}.*functions="):
            gd.Linker.load(path)
    assert not marker.exists() and "planted" not in sys.modules


def test_the_caller_hands_back_the_functions(custom_linker, people, tmp_path) -> None:
    path = tmp_path / "model.json"
    custom_linker.save(path)
    for functions in ([same_initial], {f"{__name__}:same_initial": same_initial}):
        loaded = gd.Linker.load(path, functions=functions)
        pd.testing.assert_frame_equal(loaded.predict(people.head(300)),
                                      custom_linker.predict(people.head(300)))
    with pytest.raises(gd.ConfigError, match="not functions"):
        gd.Linker.load(path, functions={"x:y": "not a function"})


def test_a_rule_set_naming_a_function_does_not_import_it() -> None:
    builder = gd.GoldenRecordBuilder({"email": sv.custom(newest_first)})
    saved = json.loads(json.dumps(builder.to_dict()).replace(
        f"{__name__}:newest_first", "os:system"))
    with pytest.raises(gd.ConfigError, match="os:system"):
        gd.GoldenRecordBuilder.from_dict(saved)
    again = gd.GoldenRecordBuilder.from_dict(builder.to_dict(), functions=[newest_first])
    assert again.rules == builder.rules


def test_a_store_naming_a_function_does_not_import_it(custom_linker, people,
                                                       tmp_path) -> None:
    path = tmp_path / "customers.db"
    with gd.Resolver(path, custom_linker) as resolver:  # the linker's functions are known
        resolver.add(people.head(50))
    with pytest.raises(gd.ConfigError, match=r"same_initial.*functions="):
        gd.Resolver(path)
    with gd.Resolver(path, functions=[same_initial]) as resolver:
        assert len(resolver.add(people.iloc[50:60]).records) == 10


@pytest.fixture(scope="module")
def saved(people) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        linker = gd.Linker([cmp.name("first_name"), cmp.name("surname"),
                            cmp.date_of_birth("dob")],
                           [gd.block_on("surname"), gd.block_on("dob")],
                           random_state=0).fit(people)
    return linker.to_dict()


def edited(model: dict, *path_and_value: object) -> dict:
    """A deep copy of ``model`` with the value at a key path replaced (or deleted when the
    value is ``DELETE``)."""
    *keys, value = path_and_value
    copy = json.loads(json.dumps(model))
    node = copy
    for key in keys[:-1]:
        node = node[key]
    if value is DELETE:
        del node[keys[-1]]
    else:
        node[keys[-1]] = value
    return copy


DELETE = object()
NAN = float("nan")


@pytest.mark.parametrize(("change", "named"), [
    (("parameters", "lambda", NAN), "parameters.lambda"),
    (("parameters", "lambda", 0), "parameters.lambda"),
    (("parameters", "lambda", 5), "parameters.lambda"),
    (("parameters", "lambda", 1e308), "parameters.lambda"),
    (("parameters", "lambda", "0.1"), "parameters.lambda"),
    (("parameters", "m", "surname", [NAN] * 6), "parameters.m.surname"),
    (("parameters", "m", "surname", [-0.5, 0.5, 0.25, 0.25, 0.25, 0.25]),
     "parameters.m.surname"),
    (("parameters", "m", "surname", [1e308] * 6), "parameters.m.surname"),
    (("parameters", "u", "surname", [0.0] * 6), "parameters.u.surname"),
    (("parameters", "u", "surname", [0.5, 0.5]), "parameters.u.surname"),
    (("parameters", "u", "dob", DELETE), "parameters.u"),
    (("parameters", "m", DELETE), "parameters ['m']"),
    (("comparisons", DELETE), "'comparisons' is missing"),
    (("comparisons", {}), "'comparisons' must be a JSON array"),
    (("settings", "no_such_setting", 1), "no_such_setting"),
    (("settings", "unique_id", 7), "unique_id"),
])
def test_a_damaged_model_is_refused_naming_file_and_key(saved, tmp_path, change,
                                                        named) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(edited(saved, *change)))
    with pytest.raises(gd.ConfigError) as caught:
        gd.Linker.load(path)
    assert str(path) in str(caught.value) and named in str(caught.value)


@pytest.mark.parametrize("content", [b"", b"   \n", b'{"format": "golden.linker",',
                                     b"\x89PNG\r\n\x1a\n\x00\x00", b"[1, 2, 3]", b"null"])
def test_a_file_that_is_not_a_model_is_refused(tmp_path, content) -> None:
    path = tmp_path / "model.json"
    path.write_bytes(content)
    with pytest.raises(gd.ConfigError, match="model"):
        gd.Linker.load(path)


def test_a_store_with_a_damaged_model_is_refused(saved, people, tmp_path) -> None:
    linker = gd.Linker.from_dict(saved)
    path = tmp_path / "customers.db"
    with gd.Resolver(path, linker) as resolver:
        resolver.add(people.head(20))
    with sqlite3.connect(path) as db:  # edited in place, as by another program
        db.execute("UPDATE meta SET value = ? WHERE key = 'model'",
                   (json.dumps(edited(saved, "parameters", "lambda", 0)),))
    with pytest.raises(gd.ConfigError, match=r"stored model.*parameters\.lambda"):
        gd.Resolver(path)


@pytest.mark.parametrize("threshold", [7, -0.2, float("nan"), [0.5, 1.5], "0.5", True])
def test_cluster_refuses_a_threshold_that_is_not_a_probability(people, saved,
                                                               threshold) -> None:
    linker = gd.Linker.from_dict(saved)
    pairs = linker.predict(people.head(200))
    with pytest.raises(gd.ConfigError, match="threshold"):
        linker.cluster(pairs, people.head(200), threshold=threshold)
    assert len(gd.cluster_pairs(pairs, people.head(200), threshold=7.0,
                                score="match_weight")) == 200  # a weight may be any number
