"""Shared fixtures: the public datasets with known truth in ../shared/data."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

SHARED = Path(os.environ.get("GOLDEN_SHARED_DATA",
                             Path(__file__).resolve().parents[1].parent / "shared" / "data"))


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared dataset {path} is not present (set GOLDEN_SHARED_DATA)")
    return path


def load_febrl(name: str) -> pd.DataFrame:
    """A FEBRL file with a ``truth`` column (the original record's number)."""
    frame = pd.read_csv(_need(SHARED / "febrl" / name), skipinitialspace=True, dtype=str)
    frame["truth"] = frame["rec_id"].str.extract(r"rec-(\d+)-")[0]
    return frame


@pytest.fixture(scope="session")
def febrl3() -> pd.DataFrame:
    return load_febrl("dataset3.csv")


@pytest.fixture(scope="session")
def febrl4() -> tuple[pd.DataFrame, pd.DataFrame]:
    return load_febrl("dataset4a.csv"), load_febrl("dataset4b.csv")


@pytest.fixture(scope="session")
def fake_1000() -> pd.DataFrame:
    return pd.read_csv(_need(SHARED / "splink" / "fake_1000.csv"))


@pytest.fixture(scope="session")
def fake_1000_labels() -> pd.DataFrame:
    return pd.read_csv(_need(SHARED / "splink" / "fake_1000_labels.csv"))
