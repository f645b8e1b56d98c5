"""The README's Python examples run as written, with no warning from golden, and twice.

Every ```python block of README.md runs, in order, sharing one namespace (as a reader would
paste them), in an empty working directory, with golden's own warning classes turned into
errors; the folders the blocks make with ``tempfile.mkdtemp()`` land in pytest's temporary
directory. Running them all a second time in the same place proves that nothing the first run
left behind (a model file, a resolver store) gets in the way.
"""

from __future__ import annotations

import re
import tempfile
import warnings
from pathlib import Path

import pytest

from golden import errors

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
GOLDEN_WARNINGS = tuple(c for c in vars(errors).values()
                        if isinstance(c, type) and issubclass(c, Warning))


def run_readme(capsys: pytest.CaptureFixture[str]) -> str:
    blocks = BLOCK.findall(README.read_text(encoding="utf-8"))
    namespace: dict = {"__name__": "readme"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # other libraries' deprecations are not the README's
        for category in GOLDEN_WARNINGS:
            warnings.simplefilter("error", category)
        for number, block in enumerate(blocks, start=1):
            exec(compile(block, f"README.md (python block {number})", "exec"), namespace)
    return capsys.readouterr().out


def test_golden_has_warning_classes() -> None:
    assert {"DataWarning", "ConvergenceWarning"} <= {c.__name__ for c in GOLDEN_WARNINGS}


def test_readme_examples_run_as_written(tmp_path, monkeypatch, capsys) -> None:
    blocks = BLOCK.findall(README.read_text(encoding="utf-8"))
    assert len(blocks) >= 3, "README has a quick start, golden records and a resolver example"
    work, temp = tmp_path / "work", tmp_path / "temp"
    work.mkdir()
    temp.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    for attempt in ("first", "second"):
        out = run_readme(capsys)
        f1 = re.search(r"pairwise precision \S+ recall \S+ F1 (\d\.\d+)", out)
        assert f1 and float(f1.group(1)) >= 0.9, (attempt, out[:2000])
        assert "B-cubed F1" in out and "entity_id" in out
        assert "composition" in out and "dwelling_type" in out
    assert not list(work.iterdir()), "README examples write to temporary folders only"
    written = sorted(p.name for p in temp.rglob("*") if p.is_file())
    assert written.count("model.json") == 2 and written.count("customers.db") == 2, written
