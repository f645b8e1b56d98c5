"""The README's quick start runs as written."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_quick_start_runs(tmp_path, monkeypatch, capsys) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert len(blocks) >= 2, "README has a Python quick start and a golden-record example"
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for block in blocks:  # in order, sharing names, as a reader would paste them
            exec(compile(block, str(README), "exec"), namespace)
    assert (tmp_path / "model.json").exists()
    out = capsys.readouterr().out
    assert "bcubed_f1" in out and "composition" in out and "dwelling_type" in out
