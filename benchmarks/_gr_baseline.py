"""The hand-written pandas baseline of the golden-record benchmark (``golden_records.py``).

What a competent pandas user writes for the same survivorship rules as the benchmark's
``GoldenRecordBuilder``, vectorised, with one ``groupby().agg(list)`` per list attribute
and no other per-entity Python loop. It keeps the rules' values and tie-breaks but
produces no provenance, suppresses nothing and does not complete a coherent group from a
second record.

* ``updated_at`` is parsed once; every rule breaks its ties by the most recent record,
  then by input order, as golden does: the records are sorted once by (entity, newest
  first) and each later sort is stable.
* address (street, city, postcode): the most recent record holding any of the three.
* surname, dob: the most frequent value per entity, compared case-folded and trimmed.
* first_name: the longest, then the most frequent (as above).
* email: every distinct address (trimmed, lower-cased), most frequent first.
* phone: every distinct number (digits only, a ``44`` / ``0044`` prefix read as ``0``),
  most recent first.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

ENTITY = "entity_id"
ADDRESS = ["street", "city", "postcode"]
COLUMNS = ["first_name", "surname", "dob", "email", "phone", *ADDRESS]


def golden_records(records: pd.DataFrame, clusters: pd.DataFrame) -> pd.DataFrame:
    """One row per entity: ``entity_id``, ``n_records`` and the :data:`COLUMNS`."""
    entity = records["unique_id"].map(clusters.set_index("unique_id")[ENTITY])
    frame = records.assign(**{ENTITY: entity.to_numpy()},
                           ts=pd.to_datetime(records["updated_at"], format="ISO8601"))
    # multi-column sort_values is a stable lexsort: ties keep input order
    recent = frame.sort_values([ENTITY, "ts"], ascending=[True, False])
    out = recent.groupby(ENTITY).size().rename("n_records").to_frame()
    out["first_name"] = _ranked(recent, "first_name", longest=True)
    for column in ("surname", "dob"):
        out[column] = _ranked(recent, column)
    out["email"] = _all_values(recent, "email", _email_key, by_frequency=True)
    out["phone"] = _all_values(recent, "phone", _phone_key, by_frequency=False)
    has_address = recent[ADDRESS].notna().any(axis=1)
    address = recent.loc[has_address, [ENTITY, *ADDRESS]].drop_duplicates(ENTITY)
    out = out.join(address.set_index(ENTITY))
    return out[["n_records", *COLUMNS]].reset_index()


def _folded(values: pd.Series) -> pd.Series:
    return values.str.strip().str.casefold()


def _email_key(values: pd.Series) -> pd.Series:
    return values.str.strip().str.lower()


def _phone_key(values: pd.Series) -> pd.Series:
    digits = values.str.replace(r"\D", "", regex=True)
    return digits.str.replace(r"^(?:00)?44(?=\d{9,})", "0", regex=True)


def _ranked(recent: pd.DataFrame, column: str, longest: bool = False) -> pd.Series:
    """Per entity, the most frequent value (the longest first if ``longest``)."""
    held = recent.loc[recent[column].notna(), [ENTITY, column]]
    held = held.assign(key=_folded(held[column]))
    held["support"] = held.groupby([ENTITY, "key"])[column].transform("size")
    keys, ascending = [ENTITY, "support"], [True, False]
    if longest:
        held["length"] = held[column].str.len()
        keys, ascending = [ENTITY, "length", "support"], [True, False, False]
    winners = held.sort_values(keys, ascending=ascending).drop_duplicates(ENTITY)
    return winners.set_index(ENTITY)[column]


def _all_values(recent: pd.DataFrame, column: str, key: Callable[[pd.Series], pd.Series],
                by_frequency: bool) -> pd.Series:
    """Per entity, the list of distinct values (by ``key``), most frequent or most recent
    first."""
    held = recent.loc[recent[column].notna(), [ENTITY, column]]
    held = held.assign(key=key(held[column]))
    if by_frequency:
        held["support"] = held.groupby([ENTITY, "key"])[column].transform("size")
        held = held.sort_values([ENTITY, "support"], ascending=[True, False])
    distinct = held.drop_duplicates([ENTITY, "key"])
    return distinct.groupby(ENTITY)[column].agg(list)
