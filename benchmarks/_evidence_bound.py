"""How much household truth the raw records reveal end to end: the households benchmark's
evidence bound (``household_evidence_bound``).

``_gr_child.household_ceiling`` takes the people as given. Here an oracle also has to find
them: it knows the truth, but joins two records of a person, or places a part of a person
in its household, only where the records hold evidence for it. It never joins or places
wrongly, so its precision is 1; it does not guess either, so where the evidence is
ambiguous (a name two people hold, a postcode several households share) it leaves the
records apart. Its recall estimates the best any method can reach on these records; a
method that guesses well could pass it only by a little, and pays in precision.

Evidence that joins two records of one person (values compared as the household and
person models normalise them; a value held by more than ``PLACEHOLDER_HOLDERS`` people is
a placeholder and joins nothing):

* the same e-mail address, phone number, date of birth, postcode or street line;
* the same e-mail user (the part before the ``@``) and surname, or first name;
* a date of birth with one of year, month and day mistyped, and the same surname and
  initial, or first name; a phone number with one end mistyped, and the same surname;
* a name no other person holds: the full name, or the initial and the Soundex code of
  the surname, each alone or with the town.

Evidence that places a part (the records joined) in its true household:

* a street at the household's home: the postcode the household's records give most, or
  no postcode and the town they give most;
* a phone number or e-mail address that another member of the household holds;
* the home postcode without a street, where no other household has a street at that
  postcode, or only the true household has the part's surname there.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

PLACEHOLDER_HOLDERS = 5  # a value held by more people says nothing about who is who


def household_evidence_bound(people: pd.DataFrame) -> dict[str, Any]:
    """Precision, recall and F1 over records of the evidence oracle (module docstring),
    and how many records it leaves apart from their person's largest part."""
    values = _Values(people)
    part = _parts(values)
    placed = _placed(values, part)
    split_off = ~in_largest_part(values.person, part)
    return {"n_records_split_off": int(split_off.sum()),
            "n_records_unplaced": int((~placed).sum()),
            **oracle_scores(people, placed, part)}


def oracle_scores(people: pd.DataFrame, placed: np.ndarray, alone: np.ndarray
                  ) -> dict[str, float]:
    """Pairwise precision, recall and F1 over records of an oracle that puts each record
    where ``placed`` in its true household, and the others in households of their own,
    one per value of ``alone``."""
    import golden as gd

    household = people["household_id"].astype(str).to_numpy()
    oracle = np.where(placed, household, "alone " + np.asarray(alone).astype(str))
    scores = gd.evaluate.cluster_metrics(
        pd.DataFrame({"unique_id": people["unique_id"], "entity_id": oracle}),
        people.set_index("unique_id")["household_id"])
    return {k: scores[k] for k in ("pairwise_precision", "pairwise_recall", "pairwise_f1")}


def in_largest_part(person: np.ndarray, part: np.ndarray) -> np.ndarray:
    """Per record, whether its part is its person's largest (on a tie, the first part)."""
    sizes = (pd.DataFrame({"person": person, "part": part}).groupby(["person", "part"]).size()
             .rename("n").reset_index().sort_values(["person", "n"], ascending=[True, False]))
    largest = sizes.drop_duplicates("person").set_index("person")["part"]
    return np.asarray(part) == pd.Series(person).map(largest).to_numpy()


def shared_in_household(values: pd.Series, person: np.ndarray, household: np.ndarray
                        ) -> np.ndarray:
    """Per record, whether another member of its household holds its value."""
    held = pd.DataFrame({"value": np.asarray(values, dtype=object), "person": person,
                         "household": household}).dropna()
    holders = held.groupby(["value", "household"])["person"].transform("nunique")
    shared = np.zeros(len(person), dtype=bool)
    shared[held.index[holders.to_numpy() > 1]] = True
    return shared


class _Values:
    """The records' values, normalised once, placeholders removed."""

    def __init__(self, people: pd.DataFrame) -> None:
        import golden as gd

        def normalised(expr: Any) -> pd.Series:
            return pd.Series(np.asarray(expr.evaluate(people), dtype=object))

        self.person = people["person_id"].to_numpy()
        self.household = people["household_id"].to_numpy()
        self.email = self._without_placeholders(normalised(gd.col("email").email()))
        self.phone = self._without_placeholders(normalised(gd.col("phone").phone()))
        self.dob = self._without_placeholders(normalised(gd.col("dob").date()))
        self.user = self.email.str.split("@").str[0]  # placeholders' users left out too
        self.postcode = normalised(gd.col("postcode").upper().remove_spaces())
        self.street = normalised(gd.col("street").clean().remove_spaces())
        self.first = normalised(gd.col("first_name").clean())
        self.surname = normalised(gd.col("surname").clean())
        self.initial = normalised(gd.col("first_name").initial())
        self.soundex = normalised(gd.col("surname").clean().soundex())
        self.town = normalised(gd.col("city").clean())

    def _without_placeholders(self, values: pd.Series) -> pd.Series:
        return values.where(_holders(values, self.person) <= PLACEHOLDER_HOLDERS)


def _joined(*parts: pd.Series) -> pd.Series:
    """Values joined with ``|``, null where any part is null."""
    out = parts[0].astype(object)
    for part in parts[1:]:
        out = out + "|" + part.astype(object)
    return out.where(pd.concat(parts, axis=1).notna().all(axis=1))


def _parts(v: _Values) -> np.ndarray:
    """Per record, its part: the records of its person it is joined to by evidence."""
    name_keys = [_joined(v.first, v.surname), _joined(v.initial, v.soundex)]
    name_keys += [_joined(key, v.town) for key in name_keys]
    day = v.dob.astype("string")
    one_part_mistyped = [day.str[:7], day.str[:4] + day.str[7:], day.str[5:]]
    keys = [v.email, v.phone, v.dob, v.postcode, v.street,
            _joined(v.user, v.surname), _joined(v.user, v.first),
            _joined(v.surname, v.phone.str[:-4]), _joined(v.surname, v.phone.str[-6:]),
            *[_joined(v.surname, v.initial, part) for part in one_part_mistyped],
            *[_joined(v.first, part) for part in one_part_mistyped],
            *[_held_by_one_person(key, v.person) for key in name_keys]]
    left, right = [], []
    for key in keys:
        group = pd.factorize(pd.MultiIndex.from_arrays([v.person, key.to_numpy(dtype=object)]))[0]
        group = np.where(key.notna().to_numpy(), group, -1)
        rows = np.flatnonzero(group >= 0)
        first = pd.Series(rows).groupby(group[rows]).transform("first").to_numpy()
        left.append(first)
        right.append(rows)
    n = len(v.person)
    graph = coo_matrix((np.ones(sum(map(len, left)), dtype=np.int8),
                        (np.concatenate(left), np.concatenate(right))), shape=(n, n))
    return connected_components(graph.tocsr(), directed=False)[1].astype(np.int64)


def _held_by_one_person(key: pd.Series, person: np.ndarray) -> pd.Series:
    return key.where(_holders(key, person) == 1)


def _holders(values: pd.Series, person: np.ndarray) -> pd.Series:
    """Per record, how many people hold its value (null where the value is)."""
    held = pd.DataFrame({"value": values, "person": person}).dropna().drop_duplicates()
    return values.map(held["value"].value_counts())


def _placed(v: _Values, part: np.ndarray) -> np.ndarray:
    """Per record, whether its part holds evidence of its true household."""
    household = pd.Series(v.household)
    home_postcode = _commonest(v.postcode, household)
    home_town = _commonest(v.town, household)
    at_home = v.postcode.eq(household.map(home_postcode))
    street_at_home = v.street.notna() & (
        at_home | (v.postcode.isna() & v.town.eq(household.map(home_town))))
    evidence = street_at_home.to_numpy().copy()
    for contact in (v.email, v.phone):
        evidence |= shared_in_household(contact, v.person, v.household)
    located = pd.DataFrame({"postcode": v.postcode, "household": v.household,
                            "surname": v.surname})[street_at_home.to_numpy()]
    households_there = v.postcode.map(located.groupby("postcode")["household"].nunique())
    own_there = pd.MultiIndex.from_arrays([v.postcode, v.household]).isin(
        pd.MultiIndex.from_frame(located[["postcode", "household"]]))
    sole = (households_there.fillna(0).to_numpy() == 0) | (
        (households_there.to_numpy() == 1) & own_there)
    by_name = located.dropna().groupby(["postcode", "surname"])["household"].agg(
        ["nunique", "first"]).reindex(pd.MultiIndex.from_arrays([v.postcode, v.surname]))
    named = (by_name["nunique"].to_numpy() == 1) & (by_name["first"].to_numpy() == v.household)
    evidence |= (at_home & v.street.isna()).to_numpy() & (sole | named)
    return pd.Series(evidence).groupby(part).transform("any").to_numpy()


def _commonest(values: pd.Series, by: pd.Series) -> pd.Series:
    """Per group of ``by``, its most frequent non-null value (the first on a tie)."""
    counts = pd.DataFrame({"by": by, "value": values}).dropna().value_counts(sort=False)
    counts = counts.rename("n").reset_index().sort_values(["by", "n"], ascending=[True, False],
                                                          kind="stable")
    return counts.drop_duplicates("by").set_index("by")["value"]
