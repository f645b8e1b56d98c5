"""``golden report`` from the command line: a link job from two files, no matplotlib needed,
and every check made before the model is fitted."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

import golden as gd
from golden import cli

CONFIG = Path(__file__).resolve().parents[2] / "src" / "golden" / "configs" / "people.toml"


def embedded(path: Path) -> dict:
    found = re.search(r'<script type="application/json" id="report-data">(.*?)</script>',
                      path.read_text(encoding="utf-8"), re.S)
    assert found is not None
    return json.loads(found.group(1))


@pytest.fixture(scope="module")
def two_files(tmp_path_factory) -> tuple[Path, Path]:
    people = gd.datasets.make_people(2_000, random_state=7).drop(columns="household_id")
    folder = tmp_path_factory.mktemp("link")
    crm, web = people[people["source"] == "crm"], people[people["source"] != "crm"]
    crm.to_csv(folder / "crm.csv", index=False)
    web.to_parquet(folder / "web.parquet")
    return folder / "crm.csv", folder / "web.parquet"


@pytest.mark.filterwarnings("ignore::golden.DataWarning")  # a small link job's warnings
def test_a_link_job_reports_from_two_files(two_files, tmp_path, capsys) -> None:
    out = tmp_path / "link.html"
    code = cli.main(["report", *map(str, two_files), "--config", str(CONFIG), "--out", str(out),
                     "--truth", "person_id"])
    assert code == 0, capsys.readouterr().err
    assert f"wrote {out}" in capsys.readouterr().out
    data = embedded(out)
    assert data["title"] == "golden report: crm.csv + web.parquet"
    assert data["summary"]["link type"] == "link"
    rows = data["pairs"]["rows"]
    sources = {(p["l"].split("/")[0], p["r"].split("/")[0]) for p in rows}
    assert sources == {("crm", "web")}  # keyed source/id, across the files only
    assert data["truth"]["pairwise"]["f1"] > 0.8
    assert data["golden"] is not None and data["households"] is not None
    some = rows[0]["l"]
    assert data["records"]["values"][some][data["records"]["columns"].index("source_dataset")] \
        == "crm"


def test_report_needs_no_matplotlib(two_files, tmp_path, monkeypatch) -> None:
    for module in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, module)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib fails
    out = tmp_path / "dedupe.html"
    assert cli.main(["report", str(two_files[1]), "--config", str(CONFIG), "--out", str(out),
                     "--quiet"]) == 0
    assert embedded(out)["summary"]["link type"] == "dedupe"
    assert sys.modules["matplotlib"] is None


def test_bad_settings_are_refused_before_fitting(two_files, tmp_path, capsys,
                                                 monkeypatch) -> None:
    def no_fitting(*args, **kwargs):
        raise AssertionError("the model was fitted before the settings were checked")

    monkeypatch.setattr(gd.Linker, "fit_predict", no_fitting)
    out = tmp_path / "report.html"
    out.write_text("an earlier report")
    run = ["report", *map(str, two_files), "--config", str(CONFIG)]
    assert cli.main([*run, "--out", str(out)]) == 1
    assert "pass --force to replace it" in capsys.readouterr().err
    assert out.read_text() == "an earlier report"
    assert cli.main([*run, "--out", str(tmp_path)]) == 1
    assert "is a folder" in capsys.readouterr().err
    assert cli.main([*run, "--out", str(out), "--force", "--threshold", "1.5"]) == 1
    assert "--threshold: got 1.5" in capsys.readouterr().err
    assert cli.main([*run, "--out", str(out), "--force", "--truth", "nope"]) == 1
    assert "--truth: column 'nope' is not in the input (crm, web)" in capsys.readouterr().err
