"""The golden command: dedupe, link and profile from CSV / Parquet, exit codes, outputs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import golden as gd
from golden import cli

CONFIG = Path(__file__).resolve().parents[2] / "src" / "golden" / "configs" / "people.toml"


@pytest.fixture(scope="module")
def people_csv(tmp_path_factory) -> Path:
    people = gd.datasets.make_people(2_000, random_state=6)
    path = tmp_path_factory.mktemp("cli") / "people.csv"
    people.drop(columns=["person_id", "household_id"]).to_csv(path, index=False)
    return path


def test_dedupe_writes_pairs_clusters_and_model(people_csv, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    code = cli.main(["dedupe", str(people_csv), "--config", str(CONFIG), "--out", str(out),
                     "--quiet"])
    assert code == 0
    assert {p.name for p in out.iterdir()} == {
        "pairs.parquet", "clusters.parquet", "model.json",  # the linkage
        "golden.parquet", "provenance.parquet",  # [golden] in the config
        "members.parquet", "households.parquet", "dwellings.parquet"}  # [households]
    clusters = pd.read_parquet(out / "clusters.parquet")
    assert len(clusters) == 2_000
    assert pd.read_parquet(out / "pairs.parquet")["match_probability"].min() >= 0.5
    assert gd.Linker.load(out / "model.json").lambda_ > 0
    golden = pd.read_parquet(out / "golden.parquet")
    assert len(golden) == clusters["entity_id"].nunique()
    assert isinstance(golden["email"].dropna().iloc[0], list | tuple) or hasattr(
        golden["email"].dropna().iloc[0], "__len__")
    members = pd.read_parquet(out / "members.parquet")
    assert members["household_id"].notna().all()
    summary = capsys.readouterr().out
    assert "entities" in summary and "matches (p >= 0.5)" in summary
    assert "golden records" in summary and "households" in summary


def test_dedupe_csv_output_threshold_and_seed(people_csv, tmp_path) -> None:
    out = tmp_path / "out"
    code = cli.main(["dedupe", str(people_csv), "--config", str(CONFIG), "--out", str(out),
                     "--format", "csv", "--threshold", "0.9", "--seed", "3", "--quiet"])
    assert code == 0
    assert pd.read_csv(out / "pairs.csv")["match_probability"].min() >= 0.9


def test_earlier_results_are_replaced_only_when_asked(people_csv, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    run = ["dedupe", str(people_csv), "--config", str(CONFIG), "--out", str(out), "--quiet",
           "--format", "csv"]
    assert cli.main(run) == 0
    first = (out / "clusters.csv").stat().st_mtime_ns
    capsys.readouterr()
    assert cli.main(run) == 1
    said = capsys.readouterr().err
    assert "already holds results (clusters.csv" in said and "--force" in said
    assert (out / "clusters.csv").stat().st_mtime_ns == first  # nothing was rewritten
    assert cli.main([*run, "--force"]) == 0
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")  # files golden does not write are no results
    assert cli.main([*run[:4], "--out", str(mine), "--quiet"]) == 0


def test_link_matches_across_files_only(tmp_path, capsys) -> None:
    people = gd.datasets.make_people(2_000, random_state=7).drop(
        columns=["person_id", "household_id"])
    crm, web = people[people["source"] == "crm"], people[people["source"] != "crm"]
    crm.to_parquet(tmp_path / "crm.parquet")
    web.to_parquet(tmp_path / "web.parquet")
    out = tmp_path / "out"
    code = cli.main(["link", str(tmp_path / "crm.parquet"), str(tmp_path / "web.parquet"),
                     "--config", str(CONFIG), "--out", str(out), "--quiet"])
    assert code == 0
    pairs = pd.read_parquet(out / "pairs.parquet")
    assert (pairs["source_l"] != pairs["source_r"]).all()
    assert set(pairs["source_l"]) | set(pairs["source_r"]) <= {"crm", "web"}
    provenance = pd.read_parquet(out / "provenance.parquet")
    assert set(provenance["source"]) == {"crm", "web"}  # the file each value came from


def test_profile_describes_columns_and_suggests_rules(people_csv, capsys) -> None:
    assert cli.main(["profile", str(people_csv), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "complete" in out and "distinct" in out and "top values" in out
    assert "Suggested blocking rules" in out
    assert 'keys = [{ column = "dob", steps = ["clean"] }]' in out  # TOML, as --config reads


def test_bad_input_is_exit_1_with_the_reason(people_csv, tmp_path, capsys) -> None:
    assert cli.main(["dedupe", str(tmp_path / "missing.csv"), "--config", str(CONFIG),
                     "--out", str(tmp_path)]) == 1
    assert "is not a file" in capsys.readouterr().err
    broken = tmp_path / "broken.toml"
    broken.write_text('[[comparisons]]\nfunction = "nmae"\ncolumn = "surname"\n')
    assert cli.main(["dedupe", str(people_csv), "--config", str(broken),
                     "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "did you mean 'name'" in err and "blocking is missing" in err
    assert cli.main(["dedupe", str(people_csv), "--config", str(CONFIG), "--out",
                     str(tmp_path), "--threshold", "2"]) == 1
    assert "--threshold: got 2.0" in capsys.readouterr().err


def test_usage_errors_are_exit_2(capsys) -> None:
    with pytest.raises(SystemExit) as usage:
        cli.main(["dedupe"])
    assert usage.value.code == 2
    with pytest.raises(SystemExit) as usage:
        cli.main(["link", "one.csv", "--config", "x.toml", "--out", "o"])
    assert usage.value.code == 2
    assert cli.main([]) == 2


def test_golden_section_problems_are_reported(people_csv, tmp_path, capsys) -> None:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG.read_text().replace(
        'address = { rule = "most_recent" }', 'address = { rule = "most_recnt" }').replace(
        'reference_date = "2026-01-01"', 'reference_dat = "2026-01-01"'))
    assert cli.main(["dedupe", str(people_csv), "--config", str(config),
                     "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "function 'most_recnt' is unknown (did you mean 'most_recent'?)" in err
    assert "unknown key 'reference_dat' (did you mean 'reference_date'?)" in err


def test_report_command_writes_html_with_accuracy(tmp_path, capsys) -> None:
    people = gd.datasets.make_people(1_500, random_state=8).drop(columns="household_id")
    path = tmp_path / "people.parquet"
    people.to_parquet(path)
    out = tmp_path / "report.html"
    assert cli.main(["report", str(path), "--config", str(CONFIG), "--out", str(out),
                     "--truth", "person_id", "--quiet"]) == 0
    text = out.read_text()
    assert ">Accuracy against the truth</h2>" in text and ">Households</h2>" in text
    assert "golden report: people.parquet" in text
    assert cli.main(["report", str(path), "--config", str(CONFIG), "--out", str(out),
                     "--truth", "nope", "--force"]) == 1
    assert "--truth: column 'nope' is not in the input" in capsys.readouterr().err


def test_a_mistyped_command_gets_a_suggestion(capsys) -> None:
    assert cli.main(["dedup", "people.csv"]) == 2
    assert "unknown command 'dedup'; did you mean 'dedupe'?" in capsys.readouterr().err


def test_the_demo_has_help_and_checks_its_record_count(capsys) -> None:
    with pytest.raises(SystemExit) as shown:
        cli.main(["demo", "--help"])
    assert shown.value.code == 0 and "usage: golden demo" in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:
        cli.main(["demo", "many"])
    assert refused.value.code == 2 and "invalid int value: 'many'" in capsys.readouterr().err


def test_a_reader_that_stops_early_ends_the_command_quietly() -> None:
    # `golden demo | head -1`: the pipe closes while the demo is still printing.
    import subprocess
    import sys

    shown = subprocess.run(
        f"{sys.executable} -c 'import sys, golden.cli as c; sys.exit(c.main())' demo 2000 "
        "| head -1", shell=True, capture_output=True, text=True, timeout=120, check=False)
    assert shown.stdout.startswith("golden ") and "Traceback" not in shown.stderr
