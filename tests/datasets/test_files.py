"""Tests for golden.datasets.read_table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from golden import ConfigError
from golden.datasets import read_table


def test_csv_is_read_as_text_without_leading_spaces(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("unique_id,postcode,dob\n1, 01234,1990-01-01\n2,,1985-02-03\n")
    table = read_table(path)
    assert table["postcode"].tolist()[0] == "01234"
    assert table["unique_id"].tolist() == ["1", "2"]
    assert table["postcode"].isna().tolist() == [False, True]


def test_parquet_keeps_its_types(tmp_path: Path) -> None:
    frame = pd.DataFrame({"unique_id": [1, 2], "score": [0.5, 0.25]})
    frame.to_parquet(tmp_path / "people.parquet", index=False)
    frame.to_parquet(tmp_path / "people.PQ", index=False)
    pd.testing.assert_frame_equal(read_table(tmp_path / "people.parquet"), frame)
    pd.testing.assert_frame_equal(read_table(str(tmp_path / "people.PQ")), frame)


def test_errors_name_the_option(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"--labels: .*missing\.csv' is not a file"):
        read_table(tmp_path / "missing.csv", "--labels")
    (tmp_path / "people.xlsx").write_bytes(b"")
    with pytest.raises(ConfigError, match=r"input: people.xlsx must be .csv or .parquet"):
        read_table(tmp_path / "people.xlsx")
