"""Tables of records read from files: CSV as text, or Parquet."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pyarrow as pa

from golden.errors import ConfigError

__all__ = ["read_table"]


def read_table(path: str | Path, option: str = "input") -> pd.DataFrame:
    """A CSV (read as text) or Parquet file; a clear error, naming ``option``, otherwise.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.csv`` or ``.txt`` file (every column read as text, leading spaces dropped) or a
        ``.parquet`` or ``.pq`` file.
    option : str, default "input"
        The option or argument that named the file, for the error message.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    golden.ConfigError
        If ``path`` is not a file, has another suffix, or cannot be read as one: empty,
        not UTF-8 text, a CSV header naming a column twice, not Parquet inside.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "people.csv"
    >>> _ = path.write_text("unique_id,zip\\n1, 01234\\n")
    >>> read_table(path).to_dict("records")
    [{'unique_id': '1', 'zip': '01234'}]
    >>> read_table(path.with_suffix(".xlsx"), "--data")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    golden.errors.ConfigError: --data: '...people.xlsx' is not a file
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{option}: {str(path)!r} is not a file")
    suffix = path.suffix.lower()
    if suffix not in (".parquet", ".pq", ".csv", ".txt"):
        raise ConfigError(f"{option}: {path.name} must be .csv or .parquet")
    try:
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(path)
        _refuse_repeated_header(path, option)
        return pd.read_csv(path, dtype=str, skipinitialspace=True)
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{option}: {path.name} is not UTF-8 text ({exc.reason} at byte "
                          f"{exc.start}); save it as UTF-8 and try again") from exc
    except pd.errors.EmptyDataError as exc:
        raise ConfigError(f"{option}: {path.name} is empty; give a file with a header "
                          "and records") from exc
    except (pa.ArrowException, pd.errors.ParserError) as exc:
        raise ConfigError(f"{option}: {path.name} cannot be read as {suffix[1:]} "
                          f"({str(exc)[:200]})") from exc


def _refuse_repeated_header(path: Path, option: str) -> None:
    """A CSV header that names a column twice (pandas would rename the second ``x.1``)."""
    with path.open(encoding="utf-8", newline="") as file:
        header = next(csv.reader(file), [])
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise ConfigError(f"{option}: {path.name} names the column(s) {repeated} more than "
                          "once in its header; rename or drop the copies")
