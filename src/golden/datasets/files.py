"""Tables of records read from files: CSV as text, or Parquet."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

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
        If ``path`` is not a file or has another suffix.

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
    if path.suffix.lower() in (".parquet", ".pq"):
        return pd.read_parquet(path)
    if path.suffix.lower() in (".csv", ".txt"):
        return pd.read_csv(path, dtype=str, skipinitialspace=True)
    raise ConfigError(f"{option}: {path.name} must be .csv or .parquet")
