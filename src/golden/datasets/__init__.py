"""Data for entity resolution: synthetic customers and public datasets with known truth, for
testing and benchmarking, and tables of records read from files.

Examples
--------
>>> from golden.datasets import make_people
>>> make_people(10).shape
(10, 13)
"""

from __future__ import annotations

from golden.datasets.febrl import load_febrl3, load_febrl4
from golden.datasets.files import read_table
from golden.datasets.people import make_people

__all__ = ["load_febrl3", "load_febrl4", "make_people", "read_table"]
