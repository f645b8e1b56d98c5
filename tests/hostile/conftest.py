"""The records and the linker every module of the hostile-input suite starts from (made
once: a fraction of a second)."""

from __future__ import annotations

import pandas as pd
import pytest
from hostile_data import fit_linker, make_records

import golden as gd


@pytest.fixture(scope="session")
def records() -> pd.DataFrame:
    return make_records(400)


@pytest.fixture(scope="session")
def linker(records: pd.DataFrame) -> gd.Linker:
    return fit_linker(records)
