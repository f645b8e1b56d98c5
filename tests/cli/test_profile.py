"""``golden profile`` finds the id column itself and suggests blocking rules as the TOML that
``golden dedupe --config`` reads; a column name that is no comparison name gets one suggested."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest

import golden as gd
from golden import cli
from golden.cli.commands import find_unique_id

HEADER = "(with [[comparisons]] tables added):"


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    people = gd.datasets.make_people(1_000, random_state=2)
    return people.drop(columns=["person_id", "household_id"])


def suggested_toml(out: str) -> dict:
    assert HEADER in out, out
    return tomllib.loads(out.split(HEADER, 1)[1])


def test_the_id_column_is_found_without_unique_id(records, tmp_path, capsys) -> None:
    # ids not called unique_id, after another all-distinct column (updated_at, timestamps)
    renamed = records.rename(columns={"unique_id": "rec_id"})
    path = tmp_path / "customers.csv"
    renamed[["updated_at", "first_name", "rec_id", "surname", "dob"]].to_csv(path, index=False)
    assert cli.main(["profile", str(path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "id column: 'rec_id'" in out and "--unique-id" in out
    config = suggested_toml(out)
    assert config["unique_id"] == "rec_id"
    assert {"column": "dob", "steps": ["clean"]} in [b["keys"][0] for b in config["blocking"]]
    assert "rec_id" not in [b["keys"][0]["column"] for b in config["blocking"]]


def test_the_id_column_prefers_id_like_names() -> None:
    frame = pd.DataFrame({"email": ["a@x", "b@x"], "updated_at": ["2020-01-02", "2020-01-03"],
                          "CustomerID": [7, 8], "id": ["p", "q"]})
    assert find_unique_id(frame) == "id"
    assert find_unique_id(frame.drop(columns="id")) == "CustomerID"
    assert find_unique_id(frame.drop(columns=["id", "CustomerID"])) == "email"  # not dates
    assert find_unique_id(frame.assign(unique_id=[1, 2])) == "unique_id"
    holed = frame.assign(id=["p", None])  # a missing id is no id
    assert find_unique_id(holed) == "CustomerID"


def test_no_id_column_is_an_error_naming_the_option(records, tmp_path, capsys) -> None:
    path = tmp_path / "no_ids.csv"
    records[["source", "first_name", "surname", "dob"]].to_csv(path, index=False)
    assert cli.main(["profile", str(path), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "no column looks like an id column" in err and "--unique-id COLUMN" in err
    assert cli.main(["profile", str(path), "--unique-id", "nope", "--quiet"]) == 1
    assert "--unique-id: column 'nope' is not in the input" in capsys.readouterr().err


def test_suggested_rules_run_as_a_dedupe_configuration(records, tmp_path, capsys) -> None:
    path = tmp_path / "people.csv"
    records.to_csv(path, index=False)
    assert cli.main(["profile", str(path), "--quiet"]) == 0
    config = suggested_toml(capsys.readouterr().out)
    assert "unique_id" not in config  # the default id column needs no line
    config["blocking"] = config["blocking"][:3]  # the cheapest three, as a user might keep
    blocking = "\n".join(f"[[blocking]]\nkeys = [{{ column = \"{b['keys'][0]['column']}\", "
                         'steps = ["clean"] }]' for b in config["blocking"])
    toml = tmp_path / "golden.toml"
    toml.write_text('[[comparisons]]\nfunction = "name"\ncolumn = "first_name"\n\n'
                    '[[comparisons]]\nfunction = "date_of_birth"\ncolumn = "dob"\n\n' + blocking)
    assert tomllib.loads(toml.read_text())["blocking"] == config["blocking"]
    out = tmp_path / "out"
    assert cli.main(["dedupe", str(path), "--config", str(toml), "--out", str(out),
                     "--quiet"]) == 0
    assert (out / "clusters.parquet").exists()


def test_a_column_with_a_space_gets_a_comparison_name(tmp_path: Path, capsys) -> None:
    sites = pd.DataFrame({"unique_id": range(6),
                          "Site name": ["Leeds Mill", "Leeds Mill", "Leeds Mil", "Oak Farm",
                                        "Oak Farm", "Elm Yard"],
                          "town": ["Leeds", "Leeds", "Leeds", "York", "York", "Hull"]})
    path = tmp_path / "sites.csv"
    sites.to_csv(path, index=False)
    table = '[[comparisons]]\nfunction = "name"\ncolumn = "Site name"\n'
    rest = '\n[[blocking]]\nkeys = ["town"]\n'
    config = tmp_path / "sites.toml"
    config.write_text(table + rest)
    run = ["dedupe", str(path), "--config", str(config), "--out", str(tmp_path / "out"),
           "--quiet"]
    assert cli.main(run) == 1
    err = capsys.readouterr().err
    assert "comparison name: got 'Site name'" in err and 'add name = "site_name"' in err
    config.write_text(table + 'name = "site_name"\n' + rest)  # as suggested
    assert cli.main(run) == 0, capsys.readouterr().err
