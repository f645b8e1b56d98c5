"""The distribution's name: free on the package index (``golden`` there is another project),
and the one every install hint names."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import golden as gd
from golden.bench import _versions

ROOT = Path(__file__).resolve().parents[1]
DISTRIBUTION = "golden-records"
# `pip install golden`, `golden[plot]`: the other project's name where ours belongs
WRONG = re.compile(r"pip install ['\"]?golden(?![-\w])"
                   r"|(?<![-\w])golden\[(plot|spark|test|docs|bench)\]")


def test_the_distribution_is_named_golden_records() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == DISTRIBUTION
    assert project["scripts"]["golden"] == "golden.cli:main"  # the command keeps its name


def test_installed_metadata_is_found_under_the_name() -> None:
    assert metadata.version(DISTRIBUTION) == gd.__version__
    assert _versions()["golden"] == gd.__version__  # what bench records with each result


def test_every_install_hint_names_the_distribution() -> None:
    files = [ROOT / "README.md", *(ROOT / "docs").rglob("*.md"), *(ROOT / "src").rglob("*.py"),
             *(ROOT / "examples").rglob("*.py")]
    wrong = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
             for path in files
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if WRONG.search(line)]
    assert not wrong, "\n".join(wrong)
    assert f'pip install "{DISTRIBUTION}[plot]"' in (ROOT / "README.md").read_text("utf-8")
