"""Households: which entities live together, with roles, composition and dwelling type.

A household is a relationship between entities, never a merge: every person keeps
their golden record and gains a ``household_id``. Entities are linked by a second
Fellegi–Sunter model, learned without labels by the library's own
``golden.Linker``, over evidence of living together: the same standardised
dwelling (building and flat), the same postcode, a shared surname, landline or
family email address, and any disclosed shared keys (a joint account number).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from golden import comparisons as cmp
from golden._base.estimator import Estimator
from golden._base.pairs import within_group_pairs
from golden.blocking import block_on, block_on_any
from golden.clustering.components import cluster_pairs
from golden.engines.choose import checked_engine
from golden.errors import ConfigError, DataWarning, NotFittedError, SchemaError
from golden.estimators.linker import Linker
from golden.households.address import (
    complete_postcodes,
    reconcile_streets,
    standardise_address,
)
from golden.households.display import households_html
from golden.values import as_str, clean_text, email, phone

if TYPE_CHECKING:
    from golden.engines.protocol import Engine

HEAD_CRITERIA = ("role", "primary", "oldest_adult")
COMPOSITIONS = ("single person", "couple", "family with children", "multi-generational",
                "unrelated adults sharing", "adult family")
_UNKNOWN_UNIT = "?"  # no flat given, in a building where flats are seen
_NO_UNIT = "-"  # no flat given, in a building where none is seen: a house
_GENERATION_GAP = 16  # years between consecutive members' ages that mark a new generation
_SEP = "|"
_PLACEHOLDER_HOLDERS = 50  # a phone or e-mail held by more entities is a placeholder
_EM_MAX_ITER = 1_000  # the household model's EM needs over 300 passes on the demo's data


@dataclass(frozen=True)
class Households:
    """The result of ``HouseholdGrouper.transform``.

    Attributes
    ----------
    members : DataFrame
        The input entities, each with ``household_id``, ``age``, ``is_adult``,
        ``is_head`` and the standardised ``address_key`` and ``building_key``.
    households : DataFrame
        One row per household: ``household_id``, ``size``, ``adults``, ``children``,
        ``head_entity_id``, ``composition``, ``address_key``, ``building_key``.
    dwellings : DataFrame
        One row per building (street address): ``building_key``, ``households``,
        ``units`` (distinct flat numbers seen), ``surnames`` and ``dwelling_type``
        (``"single-unit"`` or ``"multi-unit"``).
    """

    members: pd.DataFrame
    households: pd.DataFrame
    dwellings: pd.DataFrame

    def _repr_html_(self) -> str:
        """Counts, households by size and the head of each frame, as HTML for notebooks."""
        return households_html(self.members, self.households, self.dwellings)


class HouseholdGrouper(Estimator):
    """Group entities (e.g. golden records) into households.

    Parameters
    ----------
    street, postcode : str
        Street line (house number, street, flat) and postcode columns.
    city : str or None
        Town column: a street address matches without a postcode only in the same town.
    surname, phone, email : str or None
        Evidence columns (text, or lists such as golden records' ``all_values``);
        None leaves one out.
    dob : str or None
        Date of birth, for ages, adults and children, and the head of household.
    shared_keys : list of str
        Columns that, when equal, disclose that two people live together (a joint
        account or family-membership number).
    role : str or None
        Disclosed household role column; values in ``head_roles`` mark the head.
    primary : str or None
        Boolean column marking primary account holders.
    head_rule : list of str
        Order in which the head is chosen: ``"role"``, ``"primary"``, ``"oldest_adult"``
        (the oldest member is the last resort).
    head_roles : list of str
        Values of ``role`` that mean head of household (compared case-insensitively).
    reference_date : str or date, optional
        Date ages are computed at; default today.
    adult_age : int
        Age from which a member counts as an adult.
    threshold : float
        Match probability from which two entities are in one household.
    entity_id : str
        Entity id column.
    random_state : int or None
        Seed for the household model's training.
    engine : LocalEngine, SparkEngine or None
        None (or ``golden.LocalEngine()``) works in this process on pandas DataFrames.
        With a ``golden.SparkEngine`` the entities are a Spark DataFrame and so are the
        three tables returned; the
        household model links entities to each other across the whole data, so the
        entities are collected to the driver and grouped there.

    Examples
    --------
    >>> import golden as gd
    >>> people = gd.datasets.make_people(2_000, duplicate_rate=0.0, random_state=5)
    >>> people = people.rename(columns={"person_id": "entity_id"})
    >>> homes = gd.HouseholdGrouper(reference_date="2026-01-01").fit_transform(people)
    >>> sorted(homes.households.columns)[:4]
    ['address_key', 'adults', 'building_key', 'children']
    """

    #: Composition labels a household can get.
    COMPOSITIONS = COMPOSITIONS

    def __init__(
        self,
        *,
        street: str = "street",
        postcode: str = "postcode",
        city: str | None = "city",
        surname: str | None = "surname",
        phone: str | None = "phone",
        email: str | None = "email",
        dob: str | None = "dob",
        shared_keys: Sequence[str] = (),
        role: str | None = None,
        primary: str | None = None,
        head_rule: Sequence[str] = HEAD_CRITERIA,
        head_roles: Sequence[str] = ("head",),
        reference_date: str | dt.date | None = None,
        adult_age: int = 18,
        threshold: float = 0.5,
        entity_id: str = "entity_id",
        random_state: int | None = 0,
        engine: Engine | None = None,
    ) -> None:
        self.street = street
        self.postcode = postcode
        self.city = city
        self.surname = surname
        self.phone = phone
        self.email = email
        self.dob = dob
        self.shared_keys = shared_keys
        self.role = role
        self.primary = primary
        self.head_rule = head_rule
        self.head_roles = head_roles
        self.reference_date = reference_date
        self.adult_age = adult_age
        self.threshold = threshold
        self.entity_id = entity_id
        self.random_state = random_state
        self.engine = engine

    # Public ---------------------------------------------------------------------------

    def fit(self, entities: pd.DataFrame) -> HouseholdGrouper:
        """Learn the household model (λ, m, u over entity pairs) without labels."""
        evidence = self._evidence(self._local(entities))
        with _each_warning_once():
            self.linker_ = self._linker().fit(evidence)
        return self

    def transform(self, entities: pd.DataFrame) -> Households:
        """Households of ``entities`` with the fitted model; see ``Households``."""
        if not hasattr(self, "linker_"):
            raise NotFittedError("HouseholdGrouper is not fitted: call fit(entities) first, "
                                 "or fit_transform(entities)")
        entities = self._local(entities)
        evidence = self._evidence(entities)
        with _each_warning_once():
            pairs = self.linker_.predict(evidence, threshold=self.threshold)
        return self._distributed(self._households(entities, evidence, pairs))

    def fit_transform(self, entities: pd.DataFrame) -> Households:
        """``fit``, then ``transform`` on the same entities (prepared once)."""
        entities = self._local(entities)
        evidence = self._evidence(entities)
        with _each_warning_once():
            self.linker_ = self._linker()
            pairs = self.linker_.fit_predict(evidence, threshold=self.threshold)
        return self._distributed(self._households(entities, evidence, pairs))

    def _local(self, entities: Any) -> pd.DataFrame:
        """The entities as pandas (collected from the engine's frame)."""
        return checked_engine(self.engine).to_pandas(entities)

    def _distributed(self, households: Households) -> Households:
        """The tables as the engine's frames."""
        engine = checked_engine(self.engine)
        return Households(*(engine.from_pandas(frame) for frame in
                            (households.members, households.households, households.dwellings)))

    def _linker(self) -> Linker:
        # Agreeing together on the address, the surname and a family e-mail address is what
        # a household is, not dependence to correct: random pairs that share an address are
        # mostly members of one household, so a correction learned from them would take
        # back the very evidence of living together (the address parts are already one
        # comparison).
        return Linker(self._comparisons(), self._blocking(), unique_id=self.entity_id,
                      correct_dependence=False, max_iter=_EM_MAX_ITER,
                      random_state=self.random_state, progress=False)

    def _households(self, entities: pd.DataFrame, evidence: pd.DataFrame, pairs: pd.DataFrame
                    ) -> Households:
        """Cluster the scored pairs (and the dwellings) into households; roles and labels."""
        # two known flats of one building are two dwellings: never one household
        apart = pairs["gamma_address"].to_numpy() == _gamma_of("same building, other flat")
        pairs = pd.concat([pairs.loc[~apart, ["unique_id_l", "unique_id_r", "match_probability"]],
                           _same_dwelling_pairs(evidence, self.entity_id)], ignore_index=True)
        ids = evidence[[self.entity_id]].rename(columns={self.entity_id: "unique_id"})
        clusters = cluster_pairs(pairs, ids, threshold=self.threshold, warn_size=None)
        household = clusters.set_index("unique_id")["entity_id"].reindex(
            evidence[self.entity_id]).to_numpy()
        household = _placed_by_postcode(household, evidence)
        members = entities.assign(
            household_id=household,
            address_key=evidence["hh_address"].to_numpy(),
            building_key=evidence["hh_building"].to_numpy(),
        )
        members = self._with_ages_and_heads(members)
        return Households(members, self._summaries(members), _dwellings(members, self.surname))

    # Evidence -------------------------------------------------------------------------

    def _columns(self) -> list[str]:
        named = [self.street, self.postcode, self.city, self.surname, self.phone, self.email,
                 self.dob, self.role, self.primary, *self.shared_keys]
        return [c for c in named if c is not None]

    def _check(self, entities: pd.DataFrame) -> None:
        problems = []
        if not isinstance(entities, pd.DataFrame):
            raise ConfigError(f"entities: got {type(entities).__name__}, expected a DataFrame "
                              "of entities (e.g. GoldenRecords.records)")
        unknown = [c for c in self.head_rule if c not in HEAD_CRITERIA]
        if unknown or isinstance(self.head_rule, str):
            problems.append(f"head_rule: got {self.head_rule!r}, expected a list drawn from "
                            f"{list(HEAD_CRITERIA)}")
        if not 0 < self.threshold <= 1:
            problems.append(f"threshold: got {self.threshold!r}, expected a probability in (0, 1]")
        if isinstance(self.shared_keys, str):
            problems.append(f"shared_keys: got {self.shared_keys!r}, expected a list of columns")
        if problems:
            raise ConfigError(problems)
        missing = [c for c in [self.entity_id, *self._columns()] if c not in entities.columns]
        if missing:
            raise SchemaError([f"entities: column {c!r} is missing; pass its name, or None to "
                               "do without it" for c in missing])
        if entities[self.entity_id].isna().any() or entities[self.entity_id].duplicated().any():
            raise SchemaError(f"entities: {self.entity_id!r} must be unique and not null: one "
                              "row per entity")

    def _evidence(self, entities: pd.DataFrame) -> pd.DataFrame:
        """One row per entity with the standardised columns the household model compares."""
        self._check(entities)
        address = standardise_address(_first_values(entities[self.street]),
                                      _first_values(entities[self.postcode]))
        town = self._town(entities)
        if town is not None:  # a street address without its postcode takes the others'
            address = complete_postcodes(address, town)
        address = reconcile_streets(address)
        unit = _units(address)
        evidence = pd.DataFrame({
            self.entity_id: entities[self.entity_id].to_numpy(),
            "hh_building": address["building_key"].to_numpy(),
            "hh_unit": unit.to_numpy(),
            "hh_address": address["address_key"].to_numpy(),
            "hh_postcode": address["postcode"].to_numpy(),
            "hh_street": self._street_in_town(address, town),
        })
        # Null only when there is no address at all: then the address says nothing.
        evidence["hh_located"] = evidence["hh_street"].fillna(evidence["hh_postcode"])
        for column in ("hh_postcode", "hh_building", "hh_unit", "hh_street"):
            evidence[f"{column}_code"] = _codes(evidence[column])
        if self.surname:
            evidence["hh_surname"] = clean_text(
                _first_values(entities[self.surname])).to_numpy()
        if self.phone:
            evidence["hh_phones"] = _joined(entities[self.phone], phone,
                                            self.phone).to_numpy()
        if self.email:
            evidence["hh_emails"] = _joined(entities[self.email], email,
                                            self.email).to_numpy()
        for i, column in enumerate(self.shared_keys):
            evidence[f"hh_key{i}"] = _first_values(entities[column]).to_numpy()
        return evidence

    def _town(self, entities: pd.DataFrame) -> pd.Series | None:
        """The cleaned town of each entity; None without a ``city`` column."""
        if self.city is None:
            return None
        return clean_text(_first_values(entities[self.city]))

    @staticmethod
    def _street_in_town(address: pd.DataFrame, town: pd.Series | None) -> np.ndarray:
        """House number, street and town: a street address without its postcode. Null
        without a town, since "14 Church Road" exists in many towns."""
        if town is None:
            return np.full(len(address), np.nan, dtype=object)
        key = address["house_number"] + _SEP + address["street"] + _SEP + town.to_numpy()
        return key.to_numpy(dtype=object)

    def _comparisons(self) -> list[cmp.Comparison]:
        comparisons = [cmp.custom(
            "address", ["hh_located", "hh_postcode_code", "hh_building_code", "hh_unit_code",
                        "hh_street_code"], _address_levels())]
        if self.surname:
            comparisons.append(cmp.name("hh_surname", name="surname"))
        if self.phone:
            comparisons.append(cmp.shared_values("hh_phones", at_least=(1,), sep=_SEP,
                                                 name="phone"))
        if self.email:
            comparisons.append(cmp.shared_values("hh_emails", at_least=(1,), sep=_SEP,
                                                 name="email"))
        comparisons += [cmp.exact(f"hh_key{i}", name=f"shared_{_identifier(c)}")
                        for i, c in enumerate(self.shared_keys)]
        return comparisons

    def _blocking(self) -> Any:
        rules = block_on("hh_postcode") | block_on("hh_street")
        if self.phone:
            rules = rules | block_on_any("hh_phones", sep=_SEP, max_block_size=None)
        if self.email:
            rules = rules | block_on_any("hh_emails", sep=_SEP, max_block_size=None)
        for i in range(len(self.shared_keys)):
            rules = rules | block_on(f"hh_key{i}")
        return rules

    # Roles and summaries --------------------------------------------------------------

    def _reference(self) -> pd.Timestamp:
        if self.reference_date is None:
            return pd.Timestamp(dt.date.today())
        try:
            return pd.Timestamp(self.reference_date)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"reference_date: got {self.reference_date!r}, expected a date "
                              "such as '2026-01-01'") from exc

    def _with_ages_and_heads(self, members: pd.DataFrame) -> pd.DataFrame:
        if self.dob:
            born = pd.to_datetime(_first_values(members[self.dob]), errors="coerce",
                                  format="ISO8601")
            exact = _years_between(born, self._reference())
            exact[(exact < 0) | (exact > 120)] = np.nan  # placeholder or future dates
        else:
            exact = np.full(len(members), np.nan)
        age = np.floor(exact)
        is_adult = np.where(np.isnan(age), True, age >= self.adult_age)  # unknown: adult
        members = members.assign(age=age, is_adult=is_adult)
        return members.assign(is_head=self._heads(members, exact))

    def _heads(self, members: pd.DataFrame, age: np.ndarray) -> np.ndarray:
        """One head per household, by the criteria of ``head_rule`` in order."""
        keys = []
        for criterion in self.head_rule:
            if criterion == "role" and self.role:
                roles = _first_values(members[self.role]).astype(object).str.lower()
                wanted = {r.lower() for r in self.head_roles}
                keys.append(~roles.isin(wanted).to_numpy())
            elif criterion == "primary" and self.primary:
                keys.append(~members[self.primary].fillna(False).to_numpy(dtype=bool))
            elif criterion == "oldest_adult":
                keys.append(~members["is_adult"].to_numpy(dtype=bool))
        keys.append(np.where(np.isnan(age), np.inf, -age))  # oldest; unknown ages last
        household = pd.factorize(members["household_id"])[0]
        order = np.lexsort([np.arange(len(members)), *reversed(keys), household])
        first = np.r_[True, household[order][1:] != household[order][:-1]]
        head = np.zeros(len(members), dtype=bool)
        head[order[first]] = True
        return head

    def _summaries(self, members: pd.DataFrame) -> pd.DataFrame:
        grouped = members.groupby("household_id", sort=True)
        summary = pd.DataFrame({
            "size": grouped.size(),
            "adults": grouped["is_adult"].sum().astype(np.int64),
            "head_entity_id": members.loc[members["is_head"]].set_index("household_id")[
                self.entity_id],
            "address_key": grouped["address_key"].first(),
            "building_key": grouped["building_key"].first(),
        })
        summary.insert(2, "children", summary["size"] - summary["adults"])
        summary["composition"] = _compositions(members, self.surname)
        return summary.reset_index()


# Comparison levels (module level, so a saved household model can import them) -----------


# Inputs: 0 any address, then codes (NaN for null) of 1 postcode, 2 building, 3 flat
# (code 0: a flat not given in a block of flats) and 4 house number, street and town.


def _address_levels() -> list[tuple[str, Any]]:
    """The address comparison's levels, the most alike first."""
    return [("same dwelling", same_dwelling),
            ("same street address, postcode unknown", same_street_postcode_unknown),
            ("same building, flat unknown", same_building_unit_unknown),
            ("same postcode, street unknown", same_postcode_street_unknown),
            ("same building, other flat", same_building_other_unit),
            ("same postcode", same_postcode)]


def _gamma_of(level: str) -> int:
    """The address comparison's gamma for ``level`` (0 is "else", the first level is
    the highest)."""
    names = [name for name, _ in _address_levels()]
    return len(names) - names.index(level)


def same_dwelling(left: list[np.ndarray], right: list[np.ndarray]) -> np.ndarray:
    """Same building and the same known flat (or a house: no flats at that address)."""
    return _same(left[2], right[2]) & _same(left[3], right[3]) & (_number(left[3]) != 0)


def same_street_postcode_unknown(left: list[np.ndarray], right: list[np.ndarray]
                                 ) -> np.ndarray:
    """Same house number and street; at least one side has no postcode."""
    return _same(left[4], right[4]) & (np.isnan(_number(left[1])) | np.isnan(_number(right[1])))


def same_building_unit_unknown(left: list[np.ndarray], right: list[np.ndarray]) -> np.ndarray:
    """Same block of flats; one side (or both) does not say which flat."""
    unknown = (_number(left[3]) == 0) | (_number(right[3]) == 0)
    return _same(left[2], right[2]) & unknown


def same_postcode_street_unknown(left: list[np.ndarray], right: list[np.ndarray]
                                 ) -> np.ndarray:
    """Same postcode; at least one side has no street address."""
    return _same(left[1], right[1]) & (np.isnan(_number(left[2])) | np.isnan(_number(right[2])))


def same_building_other_unit(left: list[np.ndarray], right: list[np.ndarray]) -> np.ndarray:
    """Same building, different flats."""
    return _same(left[2], right[2])


def same_postcode(left: list[np.ndarray], right: list[np.ndarray]) -> np.ndarray:
    """Same postcode, different street addresses."""
    return _same(left[1], right[1])


def _same(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return _number(left) == _number(right)  # NaN (null) never equals anything


def _number(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


def _codes(values: pd.Series) -> np.ndarray:
    """Float codes of a text column (NaN for null); ``"?"`` (flat unknown) gets 0."""
    codes, uniques = pd.factorize(values)
    if _UNKNOWN_UNIT in set(uniques):
        swap = int(pd.Index(uniques).get_loc(_UNKNOWN_UNIT))
        codes = np.where(codes == swap, -2, codes)
        codes = np.where(codes == 0, swap, codes)
        codes = np.where(codes == -2, 0, codes)
    return np.where(codes >= 0, codes, np.nan)


# Helpers ----------------------------------------------------------------------------


def _placed_by_postcode(household: np.ndarray, evidence: pd.DataFrame) -> np.ndarray:
    """Households none of whose members has a street address join the one household that
    lives at their postcode, when exactly one does (people known only by a postcode, such
    as web sign-ups, would otherwise stay alone). Household ids stay canonical: the joined
    household keeps its id."""
    frame = pd.DataFrame({"household": household, "postcode": evidence["hh_postcode"].to_numpy(),
                          "located": evidence["hh_building"].notna().to_numpy()})
    located = frame[frame["located"]].dropna(subset=["postcode"])
    at_postcode = located.groupby("postcode")["household"].agg(["nunique", "first"])
    sole = at_postcode.loc[at_postcode["nunique"] == 1, "first"]
    has_street = frame.groupby("household")["located"].any()
    streetless = frame[~frame["household"].map(has_street)].dropna(subset=["postcode"])
    counts = streetless.groupby(["household", "postcode"]).size().rename("n").reset_index()
    commonest = counts.sort_values(["household", "n", "postcode"], ascending=[True, False, True])
    postcode = commonest.drop_duplicates("household").set_index("household")["postcode"]
    moves = postcode.map(sole).dropna()
    if moves.empty:
        return household
    where = pd.Index(moves.index).get_indexer(household)
    moved = household.copy()
    moved[where >= 0] = moves.to_numpy()[where[where >= 0]]
    return moved


@contextmanager
def _each_warning_once() -> Iterator[None]:
    """Re-issue the warnings raised inside once each (the household model blocks the same
    entities in several steps, and would repeat, e.g., a shared placeholder phone)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for message in dict.fromkeys((w.category, str(w.message)) for w in caught):
        warnings.warn(message[1], message[0], stacklevel=4)


def _same_dwelling_pairs(evidence: pd.DataFrame, entity_id: str) -> pd.DataFrame:
    """Every pair of entities at one standardised dwelling, with probability 1: they live
    together. Someone in a block of flats whose flat is not known could live in any flat,
    and is left to the model. (Dwellings are small, so the pairs are few.)"""
    known = evidence["hh_unit"] != _UNKNOWN_UNIT
    codes = pd.factorize(evidence["hh_address"].where(known))[0]
    left, right = within_group_pairs(codes)
    ids = evidence[entity_id].to_numpy()
    return pd.DataFrame({"unique_id_l": ids[left], "unique_id_r": ids[right],
                         "match_probability": 1.0})


def _units(address: pd.DataFrame) -> pd.Series:
    """The flat, ``"?"`` when not given in a block of flats, ``"-"`` for a house."""
    building = address["building_key"]
    blocks = building[address["unit"].notna()].dropna().unique()
    missing = address["unit"].isna() & building.notna()
    unit = address["unit"].astype(object).copy()
    unit[missing] = np.where(building[missing].isin(blocks), _UNKNOWN_UNIT, _NO_UNIT)
    return unit


def _years_between(born: pd.Series, reference: pd.Timestamp) -> np.ndarray:
    """Exact age in years (fractional) at ``reference``; NaN where the birth date is unknown."""
    days = (reference - born).dt.days.to_numpy(dtype=np.float64, na_value=np.nan)
    return days / 365.2425


def _first_values(values: pd.Series) -> pd.Series:
    """A list column's first element per row (other columns unchanged)."""
    if not _is_list_column(values):
        return values
    positional = values.reset_index(drop=True).explode()
    first = positional.groupby(level=0).first().reindex(range(len(values)))
    return pd.Series(first.to_numpy(dtype=object), index=values.index, name=values.name)


def _joined(values: pd.Series, normalise: Any, column: str) -> pd.Series:
    """Every value of a text or list column, normalised and joined with ``|``.

    A value held by more than 50 entities is a placeholder ("07000 000000", a "no e-mail"
    address), not a family's: it is left out, with a warning, so that it neither blocks
    nor counts as a shared value.

    >>> _joined(pd.Series([["A@x.org", "b@x.org"], None]), email, "email")[0]
    'a@x.org|b@x.org'
    """
    exploded = values.explode() if _is_list_column(values) else values
    row = pd.factorize(exploded.index)[0] if len(exploded) else np.zeros(0, dtype=np.int64)
    text = normalise(as_str(pd.Series(exploded.to_numpy(dtype=object))))
    placeholders = _placeholders(text, row, column)
    keep = (text.notna() & ~text.isin(placeholders)).to_numpy()
    counts = np.bincount(row[keep], minlength=len(values))
    offsets = pa.array(np.r_[0, np.cumsum(counts)].astype(np.int32))
    lists = pa.ListArray.from_arrays(offsets, pa.array(text[keep].to_numpy(dtype=object),
                                                       type=pa.string()))
    joined = pc.binary_join(lists, _SEP).to_pandas()
    return pd.Series(joined.to_numpy(dtype=object), index=values.index).where(counts > 0)


def _placeholders(text: pd.Series, row: np.ndarray, column: str) -> pd.Index:
    """The values held by more than ``_PLACEHOLDER_HOLDERS`` rows, with a warning."""
    held = pd.DataFrame({"value": text.to_numpy(), "row": row}).dropna().drop_duplicates()
    holders = held["value"].value_counts()
    shared = holders[holders > _PLACEHOLDER_HOLDERS]
    if len(shared):
        shown = ", ".join(f"{value!r} ({n:,} entities)" for value, n in shared.head(5).items())
        more = f" and {len(shared) - 5} more" if len(shared) > 5 else ""
        warnings.warn(f"households: {column!r}: {len(shared)} value(s) held by more than "
                      f"{_PLACEHOLDER_HOLDERS} entities are placeholders, not a household's, "
                      f"and were left out: {shown}{more}", DataWarning, stacklevel=2)
    return shared.index


def _is_list_column(values: pd.Series) -> bool:
    """Whether a column holds lists (Arrow lists, or Python lists/arrays in an object column)."""
    if isinstance(values.dtype, pd.ArrowDtype):
        arrow = values.dtype.pyarrow_dtype
        return bool(pa.types.is_list(arrow) or pa.types.is_large_list(arrow))
    first = values.dropna().head(1).tolist()
    return values.dtype == object and bool(first) and isinstance(
        first[0], list | tuple | np.ndarray)


def _identifier(column: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in column)


def _compositions(members: pd.DataFrame, surname: str | None) -> pd.Series:
    """A composition label per household, from its members' ages and surnames."""
    household = members["household_id"]
    age = members["age"]
    sizes = household.groupby(household).size()
    children = (~members["is_adult"]).groupby(household).sum()
    generations = _generations(household, age)
    if surname:
        names = clean_text(_first_values(members[surname]))
        by_household = names.groupby(household)
        shared = by_household.count() > by_household.nunique()
    else:
        shared = pd.Series(True, index=children.index)
    label = pd.Series("adult family", index=sizes.index, dtype=object)
    label[(generations == 1) & ~shared] = "unrelated adults sharing"
    label[(generations == 1) & (sizes == 2)] = "couple"
    label[(generations == 1) & (sizes == 2) & ~shared & (_age_gap(household, age) > 10)] = (
        "unrelated adults sharing")
    label[generations >= 3] = "multi-generational"
    label[(children > 0) & (generations < 3)] = "family with children"
    label[sizes == 1] = "single person"
    return label


def _generations(household: pd.Series, age: pd.Series) -> pd.Series:
    """Generations per household: 1 + the gaps of 16+ years between consecutive ages."""
    frame = pd.DataFrame({"h": household.to_numpy(), "age": age.to_numpy()}).dropna()
    frame = frame.sort_values(["h", "age"])
    gap = frame.groupby("h")["age"].diff() >= _GENERATION_GAP
    counted = gap.groupby(frame["h"]).sum() + 1
    return counted.reindex(household.unique(), fill_value=1).sort_index()


def _age_gap(household: pd.Series, age: pd.Series) -> pd.Series:
    grouped = age.groupby(household)
    return (grouped.max() - grouped.min()).fillna(0)


def _dwellings(members: pd.DataFrame, surname: str | None) -> pd.DataFrame:
    """Per building: households, distinct flats, surnames and the dwelling type."""
    located = members.dropna(subset=["building_key"])
    units = located["address_key"].str.rsplit("|", n=1).str[-1].replace("", np.nan)
    grouped = located.groupby("building_key", sort=True)
    out = pd.DataFrame({
        "households": grouped["household_id"].nunique(),
        "units": units.groupby(located["building_key"]).nunique(),
    })
    if surname:
        names = clean_text(_first_values(located[surname]))
        out["surnames"] = names.groupby(located["building_key"]).nunique()
    else:
        out["surnames"] = 0
    many_strangers = (out["households"] >= 2) & (out["surnames"] >= 3)
    out["dwelling_type"] = np.where((out["units"] >= 2) | many_strangers, "multi-unit",
                                    "single-unit")
    return out.reset_index()


__all__ = ["HouseholdGrouper", "Households"]
