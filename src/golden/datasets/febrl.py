"""FEBRL3 and FEBRL4, small public datasets with known truth, shipped with golden (BSD-3;
see ``data/febrl/LICENSE.txt``)."""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = ["load_febrl3", "load_febrl4"]


def load_febrl3() -> pd.DataFrame:
    """FEBRL3: 5,000 synthetic Australian person records of 2,000 people, for deduplication.

    Returns
    -------
    pandas.DataFrame
        Text columns ``rec_id``, ``given_name``, ``surname``, ``street_number``,
        ``address_1``, ``address_2``, ``suburb``, ``postcode``, ``state``,
        ``date_of_birth`` (YYYYMMDD), ``soc_sec_id``. The truth is in ``rec_id``:
        ``rec-<N>-org`` is an original and ``rec-<N>-dup-<k>`` a corrupted copy of it;
        records sharing ``N`` are one person (6,538 true pairs).

    Examples
    --------
    >>> records = load_febrl3()
    >>> records.shape
    (5000, 11)
    >>> person = records["rec_id"].str.extract(r"rec-(\\d+)-")[0]
    >>> int(person.nunique())
    2000
    """
    return _read("dataset3")


def load_febrl4() -> tuple[pd.DataFrame, pd.DataFrame]:
    """FEBRL4: two files of 5,000 synthetic person records each, for linking; every record
    of the first has exactly one corrupted copy in the second.

    Returns
    -------
    tuple of two DataFrames
        The columns of ``load_febrl3``; ``rec-<N>-org`` in the first file and
        ``rec-<N>-dup-0`` in the second are the same person (5,000 true links).

    Examples
    --------
    >>> a, b = load_febrl4()
    >>> a.shape, b.shape
    ((5000, 11), (5000, 11))
    >>> b["rec_id"].str.contains("-dup-").all()
    np.True_
    """
    return _read("dataset4a"), _read("dataset4b")


def _read(name: str) -> pd.DataFrame:
    path = resources.files(__package__).joinpath("data", "febrl", f"{name}.csv.gz")
    with path.open("rb") as handle:
        return pd.read_csv(handle, compression="gzip", skipinitialspace=True, dtype=str)
