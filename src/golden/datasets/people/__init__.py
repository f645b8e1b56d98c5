"""Synthetic customer records with known truth, for testing and benchmarking.

The generator first builds a population: households (couples, families with
children, three generations, flat-sharers) living at postal addresses, some of
them flats in the same building. It then emits one or more records per person
from several source systems and corrupts each record the way real customer
data is corrupted. Numbers are handled with numpy and strings with pyarrow
compute kernels: no Python loop runs over people or records.

The names, streets, towns and e-mail domains come from the word lists in
``golden/datasets/data`` (see ``vocabulary``).

Examples
--------
>>> from golden.datasets.people import make_people
>>> make_people(5, random_state=0)["source"].isin(["crm", "web", "app", "callcentre"]).all()
np.True_
"""

from __future__ import annotations

from golden.datasets.people.generator import make_people

__all__ = ["make_people"]
