"""The Python examples of the documentation run as written.

Every ```python block of docs/index.md, docs/getting-started.md and docs/how-to/*.md runs, in
order per page, sharing one namespace per page (as a reader would paste them), in a temporary
working directory, with warnings ignored (on the first two pages golden's own warnings are
errors); the folders the pages make with ``tempfile.mkdtemp()`` land in pytest's temporary
directory. The site itself (mkdocs) is not needed here.
"""

from __future__ import annotations

import re
import tempfile
import warnings
from pathlib import Path

import pytest

from golden.errors import ConvergenceWarning, DataWarning

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = [DOCS / "index.md", DOCS / "getting-started.md",
         *sorted((DOCS / "how-to").glob("*.md"))]
FIRST_HOUR = ("index.md", "getting-started.md")  # golden's own warnings are errors here
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def python_blocks(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text(encoding="utf-8"))


def test_pages_are_found() -> None:
    assert (DOCS / "getting-started.md").exists()
    assert len(PAGES) >= 10, [p.name for p in PAGES]
    assert python_blocks(DOCS / "getting-started.md"), "getting started has Python examples"


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_page_examples_run(page: Path, tmp_path, monkeypatch) -> None:
    text = page.read_text(encoding="utf-8")
    if "golden.plot" in text or "write_report(" in text:
        pytest.importorskip("matplotlib")  # charts and the HTML report need the plot extra
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    namespace: dict = {"__name__": f"docs_{page.stem.replace('-', '_')}"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if page.name in FIRST_HOUR:  # a first hour: no warning from golden either
            for category in (DataWarning, ConvergenceWarning):
                warnings.simplefilter("error", category)
        for number, block in enumerate(python_blocks(page), start=1):
            code = compile(block, f"{page.relative_to(DOCS.parent)} (block {number})", "exec")
            exec(code, namespace)
