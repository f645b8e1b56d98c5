"""The true population: people in households, each with a role, a sex and a date of birth,
and the ``Population`` that holds everything drawn about them before any record is taken."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from golden.datasets.people.addresses import Addresses
from golden.datasets.people.arrays import split_total
from golden.datasets.people.dates import days_in_years

# Household roles.
HEAD, PARTNER, CHILD, ELDER, SHARER = range(5)
# Household sizes 1, 2, ... 6.
_HOUSEHOLD_SIZE_P = np.array([0.30, 0.34, 0.15, 0.13, 0.06, 0.02])

_SHARING_SHARE = 0.1  # households of two or more unrelated flat-sharers
_PARTNER_SHARE = 0.75  # family households of two or more with a couple at their head
_ELDER_SHARE = 0.12  # family households of three or more with a grandparent


@dataclass(frozen=True)
class Households:
    """Who lives with whom.

    Examples
    --------
    >>> import numpy as np
    >>> households = draw_households(np.random.default_rng(0), 10)
    >>> int(households.size.sum()), households.of_person.size
    (10, 10)
    """

    size: np.ndarray
    sharing: np.ndarray  # per household: unrelated flat-sharers rather than a family
    head: np.ndarray  # index of each household's first member, its head
    of_person: np.ndarray  # household of each person
    role: np.ndarray  # role of each person


@dataclass(frozen=True)
class Population:
    """The true people, before any record is taken of them.

    Examples
    --------
    >>> from golden.datasets.people.generator import draw_population
    >>> from golden.datasets.people.vocabulary import load_vocabulary
    >>> population = draw_population(np.random.default_rng(0), load_vocabulary(), 50)
    >>> population.first.size, population.homes.number.size == population.households.size.size
    (50, True)
    """

    households: Households
    homes: Addresses  # per household
    first: np.ndarray  # first-name code
    surname: np.ndarray  # surname code (Spanish: the first surname)
    surname2: np.ndarray  # Spanish: the second surname's code; -1 for English people
    dob: np.ndarray  # days since 1970-01-01
    nickname: np.ndarray  # position in vocab.nicknames, -1 when the name has none
    prefers_nickname: np.ndarray
    mobile: np.ndarray  # national number without the 0, 0 when none
    landline: np.ndarray  # per household, 0 when none
    landline_area_digits: np.ndarray  # per household
    # pool: people's own addresses, households' family addresses, then each of those at
    # another domain (its second half)
    email_local: pa.Array
    email_domain: np.ndarray  # domain code of each pool entry
    email: np.ndarray  # per person, position in the pool, -1 when none


def draw_households(rng: np.random.Generator, n_people: int) -> Households:
    """Group people into households and give each a role in it.

    Examples
    --------
    >>> households = draw_households(np.random.default_rng(0), 1_000)
    >>> bool((households.role[households.head] == HEAD).all())
    True
    """
    sizes = split_total(
        lambda k: 1 + rng.choice(_HOUSEHOLD_SIZE_P.size, size=k, p=_HOUSEHOLD_SIZE_P),
        n_people,
        mean=float(np.arange(1, _HOUSEHOLD_SIZE_P.size + 1) @ _HOUSEHOLD_SIZE_P),
    )
    head = np.cumsum(sizes) - sizes
    household = np.repeat(np.arange(sizes.size), sizes)
    member = np.arange(n_people) - head[household]
    u = rng.random((3, sizes.size))
    sharers = (sizes > 1) & (u[0] < _SHARING_SHARE)
    partner = (sizes > 1) & ~sharers & (u[1] < _PARTNER_SHARE)
    elder = (sizes > 2) & ~sharers & (u[2] < _ELDER_SHARE)
    role = np.select(
        [
            member == 0,
            sharers[household],
            (member == 1) & partner[household],
            (member == sizes[household] - 1) & elder[household],
        ],
        [HEAD, SHARER, PARTNER, ELDER],
        default=CHILD,
    )
    return Households(sizes, sharers, head, household, role)


def draw_sexes(rng: np.random.Generator, households: Households) -> np.ndarray:
    """0 for female, 1 for male; partners are mostly of the other sex than the head.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> sorted(set(draw_sexes(rng, draw_households(rng, 100)).tolist()))
    [0, 1]
    """
    sex = rng.integers(2, size=households.role.size)
    head_sex = sex[households.head][households.of_person]
    opposite = (households.role == PARTNER) & (rng.random(sex.size) < 0.95)
    return np.where(opposite, 1 - head_sex, sex)


def draw_birth_dates(rng: np.random.Generator, households: Households) -> np.ndarray:
    """Days since 1970-01-01: children a generation after the head, elders one before.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> years = draw_birth_dates(rng, draw_households(rng, 100)).astype("datetime64[D]")
    >>> bool(years.min() >= np.datetime64("1920-01-01") and years.max() < np.datetime64("2011"))
    True
    """
    role, household = households.role, households.of_person
    n_households = households.size.size
    head = np.clip(np.rint(rng.normal(1972, 15, n_households)), 1932, 2004).astype(np.int64)
    has_child = np.bincount(household, weights=role == CHILD, minlength=n_households) > 0
    has_elder = np.bincount(household, weights=role == ELDER, minlength=n_households) > 0
    head = np.where(has_child, np.minimum(head, 1988), head)
    head = np.where(has_elder, np.maximum(head, 1958), head)
    base = head[household]
    n = role.size
    child_span = np.minimum(base + 40, 2010) - (base + 20) + 1
    year = np.select(
        [role == PARTNER, role == CHILD, role == ELDER, role == SHARER],
        [
            base + np.rint(rng.normal(0, 3, n)).astype(np.int64),
            base + 20 + (rng.random(n) * child_span).astype(np.int64),
            base - rng.integers(22, 38, n),
            base + rng.integers(-4, 5, n),
        ],
        default=base,
    )
    return days_in_years(rng, np.clip(year, 1920, 2010))
