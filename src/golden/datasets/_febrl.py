"""FEBRL3, a small public dataset with known truth, shipped with golden (BSD-3; see
``data/febrl/LICENSE.txt``)."""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = ["load_febrl3"]


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
    path = resources.files(__package__).joinpath("data", "febrl", "dataset3.csv.gz")
    with path.open("rb") as handle:
        return pd.read_csv(handle, compression="gzip", skipinitialspace=True, dtype=str)
