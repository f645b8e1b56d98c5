"""The example scripts run as a user would run them (small inputs, real data)."""

from __future__ import annotations

import runpy
import sys
import warnings
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_customers_to_households(monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["customers_to_households.py", "3000"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        runpy.run_path(str(EXAMPLES / "customers_to_households.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "3,000 records ->" in out
    assert "Where entity" in out and "households; pairwise precision" in out
    assert "The largest household" in out
