"""Hostile model files, rule sets and configurations: edited anywhere, cut short, nested
without end, naming a module an attacker planted.

A file is data: loading one never imports or runs what it names, and it either loads into a
model that scores (finite weights, probabilities in [0, 1]) or is refused with a
``ConfigError``. The planted-module proof for ``Linker.load`` itself is
tests/estimators/test_untrusted_files.py; here the same for stores, rule sets and TOML.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hostile_data import fuzz, outcome
from hypothesis import given
from hypothesis import strategies as st

import golden as gd
from golden import comparisons as cmp
from golden import survivorship as sv

FUZZ = fuzz(40)
DELETE = "<delete>"
JUNK = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(),
                 st.text(max_size=8), st.lists(st.integers(-3, 3), max_size=4),
                 st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
                 st.just(DELETE))


@pytest.fixture(scope="module")
def model(linker: gd.Linker) -> dict[str, Any]:
    return linker.to_dict()


def places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in a JSON document, containers included."""
    found = [path] if path else []
    children = (node.items() if isinstance(node, dict) else enumerate(node)
                if isinstance(node, list) else ())
    for key, child in children:
        found += places(child, (*path, key))
    return found


def edited(model: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    copy = json.loads(json.dumps(model))
    node = copy
    for key in path[:-1]:
        node = node[key]
    if value == DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return copy


def scores(linker: gd.Linker, records: pd.DataFrame) -> None:
    """Predict, and if it works, the weights are finite and the probabilities in [0, 1]."""
    kind, pairs = outcome(lambda: linker.predict(records))
    if kind == "ok":
        assert np.isfinite(pairs["match_weight"]).all()
        assert pairs["match_probability"].between(0, 1).all()


@FUZZ
@given(data=st.data())
def test_a_model_edited_anywhere_scores_or_is_refused(records, model, tmp_path, data) -> None:
    where = data.draw(st.sampled_from(places(model)), label="where")
    path = tmp_path / "model.json"
    path.write_text(json.dumps(edited(model, where, data.draw(JUNK, label="value"))))
    kind, loaded = outcome(lambda: gd.Linker.load(path))
    if kind == "error":
        assert isinstance(loaded, gd.ConfigError) and str(path) in str(loaded)
    else:
        scores(loaded, records)


@FUZZ
@given(cut=st.floats(0, 1, exclude_max=True))
def test_a_model_cut_short_is_refused(model, tmp_path, cut) -> None:
    text = json.dumps(model)
    path = tmp_path / "model.json"
    path.write_text(text[:int(cut * len(text))])
    kind, error = outcome(lambda: gd.Linker.load(path))
    assert kind == "error" and isinstance(error, gd.ConfigError) and str(path) in str(error)


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a": ' * 100_000, "1" * 100_000,
                                  '"' + "\\ud800" * 1000 + '"'])
def test_a_model_nested_without_end_or_absurd_is_refused(tmp_path, text) -> None:
    path = tmp_path / "model.json"
    path.write_text(text)
    kind, error = outcome(lambda: gd.Linker.load(path))
    assert kind == "error" and isinstance(error, gd.ConfigError)


# Planted modules ---------------------------------------------------------------------------


def same_initial(left: list[np.ndarray], right: list[np.ndarray]) -> np.ndarray:
    return (pd.Series(left[0]).str[:1] == pd.Series(right[0]).str[:1]).to_numpy()


def newest_first(values: pd.Series, records: pd.DataFrame) -> np.ndarray:
    return np.arange(len(values), dtype=float)


@pytest.fixture
def planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A module on the import path that leaves a marker file if it is ever imported."""
    marker = tmp_path / "planted-ran"
    (tmp_path / "planted.py").write_text(
        f"open({str(marker)!r}, 'w').write('ran')\n"
        "def f(*args):\n    return args[0]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return marker


def never_ran(marker: Path) -> None:
    assert not marker.exists() and "planted" not in sys.modules


def naming_planted(saved: dict[str, Any], name: str) -> str:
    return json.dumps(saved).replace(f"{__name__}:{name}", "planted:f")


def test_a_store_naming_a_planted_module_never_imports_it(records, planted, tmp_path) -> None:
    linker = gd.Linker([cmp.name("surname"),
                        cmp.custom("initial", ["surname"], [("same", same_initial)])],
                       gd.block_on("dob"), random_state=0)
    outcome(lambda: linker.fit(records))
    path = tmp_path / "store.db"
    with gd.Resolver(path, linker) as resolver:
        resolver.add(records.iloc[:20])
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'model'",
                   (naming_planted(linker.to_dict(), "same_initial"),))
    kind, error = outcome(lambda: gd.Resolver(path))
    assert kind == "error" and "planted:f" in str(error) and "functions=" in str(error)
    never_ran(planted)


def test_a_rule_set_naming_a_planted_module_never_imports_it(planted) -> None:
    saved = gd.GoldenRecordBuilder({"email": sv.custom(newest_first)}).to_dict()
    kind, error = outcome(lambda: gd.GoldenRecordBuilder.from_dict(
        json.loads(naming_planted(saved, "newest_first"))))
    assert kind == "error" and "planted:f" in str(error)
    never_ran(planted)


@pytest.mark.parametrize("table", ["comparisons", "blocking"])
def test_a_toml_configuration_naming_a_planted_module_never_imports_it(planted, tmp_path,
                                                                       table) -> None:
    config = tmp_path / "golden.toml"
    entries = {"comparisons": 'function = "name"\ncolumn = "surname"',
               "blocking": 'function = "block_on"\ncolumns = ["dob"]'}
    entries[table] = 'function = "planted:f"\ncolumn = "surname"'
    config.write_text("\n".join(f"[[{name}]]\n{text}" for name, text in entries.items()))
    kind, error = outcome(lambda: gd.load_config(config))
    assert kind == "error" and "planted:f" in str(error)
    never_ran(planted)


@FUZZ
@given(data=st.data())
def test_a_rule_set_edited_anywhere_builds_or_is_refused(records, data) -> None:
    builder = gd.GoldenRecordBuilder({"email": sv.all_values(), "city": sv.most_recent()},
                                     groups={"address": ["street", "postcode"]},
                                     timestamp="updated_at", source="source")
    saved = builder.to_dict()
    where = data.draw(st.sampled_from(places(saved)), label="where")
    kind, loaded = outcome(lambda: gd.GoldenRecordBuilder.from_dict(
        edited(saved, where, data.draw(JUNK, label="value"))))
    if kind == "ok":
        clusters = pd.DataFrame({"unique_id": records["unique_id"],
                                 "entity_id": np.arange(len(records)) // 3})
        outcome(lambda: loaded.build(records, clusters))
