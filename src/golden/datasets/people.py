"""Synthetic customer records with known truth, for testing and benchmarking.

The generator first builds a population: households (couples, families with
children, three generations, flat-sharers) living at postal addresses, some of
them flats in the same building. It then emits one or more records per person
from several source systems and corrupts each record the way real customer
data is corrupted. Numbers are handled with numpy and strings with pyarrow
compute kernels: no Python loop runs over people or records.

The word lists in ``data/`` are plain UTF-8 text, one entry per line, commonest
first: sampling weights fall off with the line number, so a few surnames are
very common and most are rare, as in real data.

- ``first_names.txt``: ``name,sex`` with sex ``F`` or ``M``.
- ``nicknames.txt``: ``formal name,nickname[,nickname...]``.
- ``surnames.txt``, ``streets.txt``, ``email_domains.txt``: one value a line.
- ``street_types.txt``: ``full,abbreviation``, e.g. ``Road,Rd``.
- ``towns.txt``: ``town,postcode area,dialling code without its 0``.
"""

from __future__ import annotations

import numbers
import string
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from functools import cache
from importlib import resources
from typing import TypeGuard

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from golden.errors import ConfigError

__all__ = ["make_people"]

COLUMNS = (
    "unique_id",
    "source",
    "first_name",
    "surname",
    "dob",
    "email",
    "phone",
    "street",
    "city",
    "postcode",
    "updated_at",
    "person_id",
    "household_id",
)

# Household roles.
_HEAD, _PARTNER, _CHILD, _ELDER, _SHARER = range(5)
# Probability that a person takes the head of household's surname, by role.
_TAKES_HEAD_SURNAME = np.array([1.0, 0.75, 0.92, 0.6, 0.0])
# Household sizes 1, 2, ... 6.
_HOUSEHOLD_SIZE_P = np.array([0.30, 0.34, 0.15, 0.13, 0.06, 0.02])

_SHARING_SHARE = 0.1  # households of two or more unrelated flat-sharers
_PARTNER_SHARE = 0.75  # family households of two or more with a couple at their head
_ELDER_SHARE = 0.12  # family households of three or more with a grandparent
_DISTRICTS = 20  # postcode districts per postcode area
_FLAT_SHARE = 0.12  # households living in a multi-unit building
_MOVER_SHARE = 0.2  # people with several records whose oldest record has an old address
_LANDLINE_SHARE = 0.35
_FAMILY_EMAIL_SHARE = 0.2

_EMAIL_TEMPLATES = (
    "{f}.{s}",
    "{f}{s}",
    "{fi}{s}",
    "{f}.{s}{yy}",
    "{f}_{s}",
    "{s}{fi}",
    "{f}{yy}",
    "{f}{si}{nn}",
)
_EMAIL_TEMPLATE_P = np.array([0.33, 0.15, 0.12, 0.12, 0.06, 0.05, 0.09, 0.08])
_FAMILY_EMAIL_TEMPLATES = ("the{s}s", "{s}family", "{s}home")
_PHONE_TEMPLATES = (
    "0{area} {local}",
    "0{area}{head}{tail}",
    "+44 {area} {local}",
    "+44{area}{head}{tail}",
    "(0{area}){head}-{tail}",
    "0{area}-{head}-{tail}",
)
_PHONE_TEMPLATE_P = np.array([0.45, 0.25, 0.1, 0.1, 0.05, 0.05])
_FLAT_TEMPLATES = (
    "{base}",
    "Flat {flat}, {base}",
    "Flat {flat} {base}",
    "{base}, Flat {flat}",
    "Apartment {flat}, {base}",
    "{flat}/{base}",
)
_FLAT_TEMPLATE_P = np.array([0.1, 0.5, 0.15, 0.1, 0.1, 0.05])  # "{base}": flat number lost
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in the inward half of UK postcodes

_GENERIC_PHONE = "07000 000000"
_GENERIC_EMAILS = ("noemail@example.com", "none@example.com", "no.email@example.com")
_GMAIL_DOMAINS = ("gmail.com", "googlemail.com")  # one mailbox; dots in the user are ignored
_PLACEHOLDER_DOB = np.datetime64("1900-01-01", "D").astype(np.int64)
_UPDATED_FROM = np.datetime64("2015-01-01T00:00:00", "s").astype(np.int64)
_UPDATED_TO = np.datetime64("2026-12-31T23:59:59", "s").astype(np.int64)

_QWERTY = (
    "q:wa w:qeas e:wrsd r:etdf t:ryfg y:tugh u:yihj i:uojk o:ipkl p:ol "
    "a:qwsz s:awedxz d:serfcx f:drtgvc g:ftyhbv h:gyujnb j:huikmn k:jiolm l:kop "
    "z:asx x:zsdc c:xdfv v:cfgb b:vghn n:bhjm m:njk "
    "0:9 1:2 2:13 3:24 4:35 5:46 6:57 7:68 8:79 9:80"
)


@dataclass(frozen=True)
class _Profile:
    """How one source system captures, and mangles, customer records."""

    missing: Mapping[str, float]  # column -> probability the value was not captured
    typo: float  # probability of one typo in a name
    all_caps: float  # probability the system stored the record in upper case
    initial: float  # probability only the first initial of the first name was kept
    generic_phone: float  # probability the phone is the shared placeholder
    generic_email: float  # probability the email is a "no email" placeholder
    placeholder_dob: float  # probability the dob is 1900-01-01


_PROFILES = {
    "crm": _Profile(
        missing={"first_name": 0.01, "dob": 0.08, "email": 0.15, "phone": 0.1,
                 "street": 0.03, "city": 0.03, "postcode": 0.03},
        typo=0.03, all_caps=0.05, initial=0.03,
        generic_phone=0.01, generic_email=0.02, placeholder_dob=0.005,
    ),
    "web": _Profile(
        missing={"dob": 0.35, "phone": 1.0, "street": 1.0, "city": 0.3, "postcode": 0.05},
        typo=0.02, all_caps=0.0, initial=0.0,
        generic_phone=0.0, generic_email=0.005, placeholder_dob=0.0,
    ),
    "app": _Profile(
        missing={"dob": 0.15, "email": 0.02, "phone": 0.05,
                 "street": 0.5, "city": 0.4, "postcode": 0.5},
        typo=0.04, all_caps=0.0, initial=0.01,
        generic_phone=0.0, generic_email=0.005, placeholder_dob=0.0,
    ),
    "callcentre": _Profile(
        missing={"first_name": 0.02, "surname": 0.01, "dob": 0.6, "email": 1.0,
                 "phone": 0.02, "street": 0.1, "city": 0.1, "postcode": 0.15},
        typo=0.07, all_caps=0.5, initial=0.02,
        generic_phone=0.06, generic_email=0.0, placeholder_dob=0.0,
    ),
}  # fmt: skip


def make_people(
    n_records: int = 5_000,
    *,
    duplicate_rate: float = 0.5,
    sources: tuple[str, ...] = ("crm", "web", "app", "callcentre"),
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Generate realistic, messy customer records whose true identities are known.

    A population of people living in households is drawn first; each person
    then gets one or more records from random source systems, and every record
    is corrupted independently: typos, nicknames, swapped first name and
    surname, accents dropped, initials, day and month of birth swapped, one
    wrong digit in the date of birth, an older address, case and whitespace
    noise, missing values and placeholder values shared by unrelated records.

    Parameters
    ----------
    n_records : int, default 5000
        Exact number of rows returned.
    duplicate_rate : float, default 0.5
        Expected share of records that are not the first record of their
        person, in ``[0, 1)``. About ``n_records * (1 - duplicate_rate)``
        people are generated; records per person follow a geometric
        distribution.
    sources : tuple of str, default ("crm", "web", "app", "callcentre")
        Source systems, drawn uniformly for each record. The four default
        names have their own column coverage (see Notes); any other name
        behaves like ``"crm"``.
    random_state : int or None, default 0
        Seed of the single random generator; the same arguments give the same
        frame. ``None`` draws fresh entropy.

    Returns
    -------
    pandas.DataFrame
        One row per record, in random order, with columns

        - ``unique_id``: ``"<source>:<zero-padded number>"``, unique.
        - ``source``: one of `sources`.
        - ``first_name``, ``surname``, ``email``, ``city``: text.
        - ``dob``: ISO date ``"YYYY-MM-DD"``.
        - ``phone``: UK number written in one of several styles.
        - ``street``: e.g. ``"12 Acacia Road"`` or ``"Flat 3, 12 Acacia Rd"``.
        - ``postcode``: UK-like, e.g. ``"LS6 2QT"``.
        - ``updated_at``: ISO timestamp ``"YYYY-MM-DDTHH:MM:SS"`` in 2015-2026.
        - ``person_id`` (int): truth, equal for records of the same person.
        - ``household_id`` (int): truth, equal for people living together.

        Text columns use pandas' default string dtype (``object`` before
        pandas 3); missing values are nulls, never the string ``"nan"``.

    Raises
    ------
    golden.ConfigError
        If `n_records` is not a positive integer, `duplicate_rate` is not in
        ``[0, 1)``, or `sources` is not a non-empty tuple of distinct names.

    Notes
    -----
    What each source captures:

    ==========  ==============================================================
    crm         every column; a few values missing, some first names reduced
                to an initial, occasional placeholder phone, email or dob
    web         no ``phone`` and no ``street``; ``dob`` often missing
    app         ``street`` and ``postcode`` missing together in about half the
                records; ``city`` often missing
    callcentre  no ``email``; ``dob`` usually missing; half the records in
                upper case; a placeholder phone shared by many records
    ==========  ==============================================================

    Households share an address, usually a surname, sometimes a landline and
    sometimes a family email address. Several unrelated households may share
    a building (same street address, different flat number). A person with
    several records sometimes has an older address on their earliest record,
    and sometimes an address at another e-mail provider. An e-mail mailbox
    belongs to one person or one family (as providers see it: Gmail ignores
    dots), apart from the placeholders.

    Examples
    --------
    >>> from golden.datasets import make_people
    >>> df = make_people(1_000, random_state=1)
    >>> len(df), df["unique_id"].is_unique
    (1000, True)
    >>> list(df.columns[:6])
    ['unique_id', 'source', 'first_name', 'surname', 'dob', 'email']
    >>> bool(df["person_id"].nunique() < len(df))
    True
    """
    sources = _checked(n_records, duplicate_rate, sources)
    rng = np.random.default_rng(random_state)
    vocab = _vocab()
    counts = _records_per_person(rng, int(n_records), float(duplicate_rate))
    population = _population(rng, vocab, counts.size)
    return _records(rng, vocab, population, counts, sources)


# --- parameters ---------------------------------------------------------------------------------


def _checked(n_records: object, duplicate_rate: object, sources: object) -> tuple[str, ...]:
    """Validate the parameters of ``make_people``; return the sources as a tuple."""
    problems = []
    if not (_is_int(n_records) and n_records > 0):
        problems.append(f"n_records: got {n_records!r}, expected a positive integer")
    if not (_is_real(duplicate_rate) and 0 <= duplicate_rate < 1):
        problems.append(f"duplicate_rate: got {duplicate_rate!r}, expected a number in [0, 1)")
    names = _source_names(sources)
    if names is None:
        problems.append(
            f"sources: got {sources!r}, expected a non-empty tuple of distinct non-empty names"
        )
    if problems or names is None:
        raise ConfigError(problems)
    return names


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value: object) -> TypeGuard[float]:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _source_names(sources: object) -> tuple[str, ...] | None:
    """The sources as a tuple, or None when they are not distinct non-empty strings."""
    if isinstance(sources, str) or not isinstance(sources, Iterable):
        return None
    names = tuple(sources)
    valid = all(isinstance(name, str) and name for name in names)
    if not names or not valid or len(set(names)) != len(names):
        return None
    return names


# --- word lists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Words:
    """A word list with sampling probabilities that fall off with rank."""

    text: pa.Array  # as written
    plain: pa.Array  # accents removed
    key: pa.Array  # lower-case ASCII letters only, for email addresses
    p: np.ndarray

    @classmethod
    def of(cls, words: Sequence[str], p: np.ndarray) -> _Words:
        plain = [_strip_accents(word) for word in words]
        keys = ["".join(c for c in word.lower() if c.isalnum()) for word in plain]
        return cls(pa.array(words), pa.array(plain), pa.array(keys), p)

    def __len__(self) -> int:
        return len(self.text)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(len(self), size=size, p=self.p)


@dataclass(frozen=True)
class _Vocab:
    """Every word list the generator samples from."""

    first_names: _Words  # probabilities are within each sex
    first_sex: np.ndarray  # 0 female, 1 male
    nicknames: pa.Array
    nickname_start: np.ndarray  # per first name, its first nickname's position in nicknames
    nickname_count: np.ndarray  # per first name, how many nicknames it has
    surnames: _Words
    streets: _Words
    street_types: _Words
    street_type_abbreviations: pa.Array
    type_clash: np.ndarray  # [street, street type]: the street name already ends with the type
    towns: _Words
    postcode_areas: pa.Array
    dialling_codes: np.ndarray  # without the leading 0
    domains: _Words


@cache
def _vocab() -> _Vocab:
    """Load the word lists shipped in ``golden/datasets/data``."""
    first_rows = _rows("first_names.txt")
    first = [row[0] for row in first_rows]
    sex = np.array([row[1] == "M" for row in first_rows], dtype=np.int64)
    nick_rows = {row[0]: row[1:] for row in _rows("nicknames.txt")}
    counts = np.array([len(nick_rows.get(name, ())) for name in first])
    surnames = [row[0] for row in _rows("surnames.txt")]
    street_names = [row[0] for row in _rows("streets.txt")]
    type_rows = _rows("street_types.txt")
    town_rows = _rows("towns.txt")
    domains = [row[0] for row in _rows("email_domains.txt")]
    return _Vocab(
        first_names=_Words.of(first, _rank_p_by_group(sex, offset=10)),
        first_sex=sex,
        nicknames=pa.array([nick for name in first for nick in nick_rows.get(name, ())]),
        nickname_start=np.cumsum(counts) - counts,
        nickname_count=counts,
        surnames=_Words.of(surnames, _rank_p(len(surnames), offset=20)),
        streets=_Words.of(street_names, _rank_p(len(street_names), offset=10)),
        street_types=_Words.of(
            [row[0] for row in type_rows], _rank_p(len(type_rows), offset=1, exponent=1.5)
        ),
        street_type_abbreviations=pa.array([row[1] for row in type_rows]),
        type_clash=np.array(
            [[name.split()[-1] == row[0] for row in type_rows] for name in street_names]
        ),
        towns=_Words.of([row[0] for row in town_rows], _rank_p(len(town_rows), offset=3)),
        postcode_areas=pa.array([row[1] for row in town_rows]),
        dialling_codes=np.array([int(row[2]) for row in town_rows]),
        domains=_Words.of(domains, _rank_p(len(domains), offset=0.5, exponent=1.6)),
    )


def _rows(filename: str) -> list[list[str]]:
    """Comma-separated fields of every non-blank line of a data file."""
    text = resources.files(__package__).joinpath("data", filename).read_text(encoding="utf-8")
    return [line.strip().split(",") for line in text.splitlines() if line.strip()]


def _rank_p_by_group(group: np.ndarray, offset: float) -> np.ndarray:
    """Zipf-like probabilities by rank within each group, summing to 1 in each group."""
    p = np.empty(group.size)
    for value in np.unique(group):
        p[group == value] = _rank_p(int((group == value).sum()), offset)
    return p


def _rank_p(n: int, offset: float, exponent: float = 1.0) -> np.ndarray:
    """Zipf-like probabilities for ranks 1..n."""
    weights = 1.0 / (np.arange(1, n + 1) + offset) ** exponent
    return weights / weights.sum()


def _strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --- population ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Addresses:
    """Postal addresses as integer codes; the strings are built per record."""

    number: np.ndarray
    street: np.ndarray
    street_type: np.ndarray
    town: np.ndarray
    postcode: np.ndarray  # district * 4000 + inward code (0..3999)
    flat: np.ndarray  # 0 when not a flat

    def take(self, index: np.ndarray) -> _Addresses:
        return _Addresses(*(getattr(self, f.name)[index] for f in fields(self)))

    def put(self, rows: np.ndarray, other: _Addresses) -> _Addresses:
        """A copy with `rows` replaced by `other`."""
        columns = {f.name: getattr(self, f.name).copy() for f in fields(self)}
        for name, column in columns.items():
            column[rows] = getattr(other, name)
        return _Addresses(**columns)


@dataclass(frozen=True)
class _Households:
    """Who lives with whom."""

    size: np.ndarray
    sharing: np.ndarray  # per household: unrelated flat-sharers rather than a family
    head: np.ndarray  # index of each household's first member, its head
    of_person: np.ndarray  # household of each person
    role: np.ndarray  # role of each person


@dataclass(frozen=True)
class _Population:
    """The true people, before any record is taken of them."""

    households: _Households
    homes: _Addresses  # per household
    first: np.ndarray  # first-name code
    surname: np.ndarray  # surname code
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


def _population(rng: np.random.Generator, vocab: _Vocab, n_people: int) -> _Population:
    """Draw `n_people` people living in households at addresses."""
    households = _households(rng, n_people)
    sex = _sexes(rng, households)
    dob = _birth_dates(rng, households)
    first = _draw_first_names(rng, vocab, sex)
    surname = _surnames(rng, vocab, households)
    towns = vocab.towns.draw(rng, households.size.size)
    homes = _into_buildings(rng, _addresses(rng, vocab, towns))
    landline, area_digits = _landlines(rng, vocab, homes.town)
    nickname, prefers = _nicknames(rng, vocab, first)
    email_local, email_domain, email = _emails(rng, vocab, households, first, surname, dob)
    return _Population(
        households=households,
        homes=homes,
        first=first,
        surname=surname,
        dob=dob,
        nickname=nickname,
        prefers_nickname=prefers,
        mobile=_mobiles(rng, dob),
        landline=landline,
        landline_area_digits=area_digits,
        email_local=email_local,
        email_domain=email_domain,
        email=email,
    )


def _records_per_person(
    rng: np.random.Generator, n_records: int, duplicate_rate: float
) -> np.ndarray:
    """Geometric records-per-person counts summing to exactly `n_records`."""
    p = 1.0 - duplicate_rate
    return _split_total(lambda k: rng.geometric(p, size=k), n_records, mean=1.0 / p)


def _split_total(draw: Callable[[int], np.ndarray], total: int, mean: float) -> np.ndarray:
    """Positive group sizes from `draw`, the last one trimmed so that they sum to `total`."""
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    chunks, drawn = [], 0
    while drawn < total:
        chunks.append(draw(int((total - drawn) / mean * 1.05) + 16).astype(np.int64))
        drawn += int(chunks[-1].sum())
    sizes = np.concatenate(chunks)
    ends = np.cumsum(sizes)
    n_groups = int(np.searchsorted(ends, total)) + 1
    sizes = sizes[:n_groups]
    sizes[-1] -= ends[n_groups - 1] - total
    return sizes


def _households(rng: np.random.Generator, n_people: int) -> _Households:
    """Group people into households and give each a role in it."""
    sizes = _split_total(
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
        [_HEAD, _SHARER, _PARTNER, _ELDER],
        default=_CHILD,
    )
    return _Households(sizes, sharers, head, household, role)


def _sexes(rng: np.random.Generator, households: _Households) -> np.ndarray:
    """0 for female, 1 for male; partners are mostly of the other sex than the head."""
    sex = rng.integers(2, size=households.role.size)
    head_sex = sex[households.head][households.of_person]
    opposite = (households.role == _PARTNER) & (rng.random(sex.size) < 0.95)
    return np.where(opposite, 1 - head_sex, sex)


def _birth_dates(rng: np.random.Generator, households: _Households) -> np.ndarray:
    """Days since 1970-01-01: children a generation after the head, elders one before."""
    role, household = households.role, households.of_person
    n_households = households.size.size
    head = np.clip(np.rint(rng.normal(1972, 15, n_households)), 1932, 2004).astype(np.int64)
    has_child = np.bincount(household, weights=role == _CHILD, minlength=n_households) > 0
    has_elder = np.bincount(household, weights=role == _ELDER, minlength=n_households) > 0
    head = np.where(has_child, np.minimum(head, 1988), head)
    head = np.where(has_elder, np.maximum(head, 1958), head)
    base = head[household]
    n = role.size
    child_span = np.minimum(base + 40, 2010) - (base + 20) + 1
    year = np.select(
        [role == _PARTNER, role == _CHILD, role == _ELDER, role == _SHARER],
        [
            base + np.rint(rng.normal(0, 3, n)).astype(np.int64),
            base + 20 + (rng.random(n) * child_span).astype(np.int64),
            base - rng.integers(22, 38, n),
            base + rng.integers(-4, 5, n),
        ],
        default=base,
    )
    return _days_in_years(rng, np.clip(year, 1920, 2010))


def _days_in_years(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    """A uniformly random day (days since 1970-01-01) in each of `years`."""
    start = _year_start(years)
    return start + (rng.random(years.size) * (_year_start(years + 1) - start)).astype(np.int64)


def _year_start(years: np.ndarray) -> np.ndarray:
    return (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)


def _draw_first_names(rng: np.random.Generator, vocab: _Vocab, sex: np.ndarray) -> np.ndarray:
    """First-name codes drawn among the names of each person's sex."""
    first = np.empty(sex.size, dtype=np.int64)
    for value in (0, 1):
        rows = np.flatnonzero(sex == value)
        codes = np.flatnonzero(vocab.first_sex == value)
        first[rows] = rng.choice(codes, size=rows.size, p=vocab.first_names.p[codes])
    return first


def _surnames(rng: np.random.Generator, vocab: _Vocab, households: _Households) -> np.ndarray:
    """Surname codes; family members mostly share the head's surname."""
    own = vocab.surnames.draw(rng, households.role.size)
    head = own[households.head][households.of_person]
    shares = rng.random(own.size) < _TAKES_HEAD_SURNAME[households.role]
    return np.where(shares, head, own)


def _nicknames(
    rng: np.random.Generator, vocab: _Vocab, first: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each person's nickname (-1 if their name has none) and whether they go by it."""
    count = vocab.nickname_count[first]
    nickname = vocab.nickname_start[first] + (rng.random(first.size) * count).astype(np.int64)
    nickname = np.where(count > 0, nickname, -1)
    return nickname, (count > 0) & (rng.random(first.size) < 0.25)


def _mobiles(rng: np.random.Generator, dob: np.ndarray) -> np.ndarray:
    """UK mobile numbers 074xx-079xx without the leading 0; 0 for people without one."""
    young = dob >= _year_start(np.array(2006))
    has = rng.random(dob.size) < np.where(young, 0.5, 0.9)
    number = 7_400_000_000 + rng.integers(0, 600_000_000, size=dob.size)
    return np.where(has, number, 0)


def _landlines(
    rng: np.random.Generator, vocab: _Vocab, town: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Household landlines in the town's dialling code (0 when none) and area-code digits."""
    area = vocab.dialling_codes[town]
    area_digits = np.floor(np.log10(area)).astype(np.int64) + 1
    scale = 10 ** (10 - area_digits)
    local = scale // 5 + (rng.random(town.size) * (scale - scale // 5)).astype(np.int64)
    has = rng.random(town.size) < _LANDLINE_SHARE
    return np.where(has, area * scale + local, 0), area_digits


def _addresses(rng: np.random.Generator, vocab: _Vocab, town: np.ndarray) -> _Addresses:
    """Distinct street addresses in the given towns, with postcodes.

    A road is a street name and type in one postcode district of a town, so a
    town has several Church Roads, as real towns do.
    """
    n = town.size
    district, street, street_type, number = (np.empty(n, dtype=np.int64) for _ in range(4))
    todo = np.arange(n)
    while todo.size:
        district[todo] = rng.integers(1, _DISTRICTS + 1, size=todo.size)
        street[todo] = vocab.streets.draw(rng, todo.size)
        kind = vocab.street_types.draw(rng, todo.size)
        street_type[todo] = np.where(vocab.type_clash[street[todo], kind], 0, kind)
        number[todo] = np.minimum(rng.geometric(0.03, size=todo.size), 999)
        address = _road_key(town, district, street, street_type) * 1000 + number
        todo = np.flatnonzero(_rank_within(address))
    road = _road_key(town, district, street, street_type)
    postcode = district * 4000 + _inward_codes(rng, road, number)
    return _Addresses(number, street, street_type, town, postcode, np.zeros(n, dtype=np.int64))


def _road_key(
    town: np.ndarray, district: np.ndarray, street: np.ndarray, street_type: np.ndarray
) -> np.ndarray:
    return ((town * 100 + district) * 10_000 + street) * 100 + street_type


def _inward_codes(rng: np.random.Generator, road: np.ndarray, number: np.ndarray) -> np.ndarray:
    """Inward postcode halves, encoded 0..3999, shared by stretches of 20 house numbers."""
    units, unit = np.unique(road * 50 + number // 20, return_inverse=True)
    return rng.integers(0, 4000, size=units.size)[unit]


def _into_buildings(rng: np.random.Generator, homes: _Addresses) -> _Addresses:
    """Move some households into shared buildings: one street address, numbered flats."""
    flats = np.flatnonzero(rng.random(homes.number.size) < _FLAT_SHARE)
    sizes = _split_total(lambda k: rng.integers(2, 9, size=k), flats.size, mean=5.0)
    building = np.repeat(np.arange(sizes.size), sizes)
    first = (np.cumsum(sizes) - sizes)[building]
    address = np.arange(homes.number.size)
    address[flats] = flats[first]
    flat = np.zeros(homes.number.size, dtype=np.int64)
    flat[flats] = np.arange(flats.size) - first + 1
    return replace(homes.take(address), flat=flat)


def _emails(
    rng: np.random.Generator,
    vocab: _Vocab,
    households: _Households,
    first: np.ndarray,
    surname: np.ndarray,
    dob: np.ndarray,
) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Pool of email local parts with domains, and each person's position in the pool.

    The pool holds one address per person followed by one family address per
    household, then the same addresses at another domain (an old or second
    account). No two entries share a mailbox: a number is appended where one
    is taken. Children often have no address of their own and use the
    family's or the head's.
    """
    n_people, n_households = first.size, households.size.size
    own = _own_email_locals(rng, vocab, first, surname, dob)
    family = _render(
        _FAMILY_EMAIL_TEMPLATES,
        rng.integers(len(_FAMILY_EMAIL_TEMPLATES), size=n_households),
        s=vocab.surnames.key.take(surname[households.head]),
    )
    local = pa.concat_arrays([own, family])
    primary = vocab.domains.draw(rng, len(local))
    domain = np.concatenate([primary, _other_domains(rng, vocab, primary)])
    local = _unique_mailboxes(pa.concat_arrays([local, local]), vocab.domains.text.take(domain))

    household = households.of_person
    young = dob >= _year_start(np.array(2006))
    has_own = rng.random(n_people) < np.where(young, 0.1, 0.9)
    has_family = (households.size > 1) & ~households.sharing
    has_family &= rng.random(n_households) < _FAMILY_EMAIL_SHARE
    uses_family = has_family[household] & (~has_own | (rng.random(n_people) < 0.5))
    email = np.where(has_own, np.arange(n_people), -1)
    email = np.where(uses_family, n_people + household, email)
    borrows_head = (email < 0) & (households.role == _CHILD) & (rng.random(n_people) < 0.5)
    email = np.where(borrows_head, email[households.head][household], email)
    return local, domain, email


def _own_email_locals(
    rng: np.random.Generator, vocab: _Vocab, first: np.ndarray, surname: np.ndarray, dob: np.ndarray
) -> pa.Array:
    """Personal email local parts such as ``john.smith`` or ``jsmith84``."""
    f = vocab.first_names.key.take(first)
    s = vocab.surnames.key.take(surname)
    year = dob.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    template = rng.choice(len(_EMAIL_TEMPLATES), size=first.size, p=_EMAIL_TEMPLATE_P)
    return _render(
        _EMAIL_TEMPLATES,
        template,
        f=f,
        s=s,
        fi=pc.utf8_slice_codeunits(f, 0, 1),
        si=pc.utf8_slice_codeunits(s, 0, 1),
        yy=_padded(year % 100, 2),
        nn=_text(rng.integers(1, 1000, size=first.size)),
    )


def _other_domains(rng: np.random.Generator, vocab: _Vocab, domain: np.ndarray) -> np.ndarray:
    """A domain drawn for each entry, never the entry's own `domain`."""
    other = vocab.domains.draw(rng, domain.size)
    same = other == domain
    while same.any():
        other[same] = vocab.domains.draw(rng, int(same.sum()))
        same = other == domain
    return other


def _unique_mailboxes(local: pa.Array, domain: pa.Array) -> pa.Array:
    """Append 1, 2, ... to local parts whose mailbox an earlier entry already holds.

    A mailbox is an address as its provider sees it: Gmail ignores dots in the local
    part, and googlemail.com is gmail.com, so ``john.smith@gmail.com`` and
    ``johnsmith@googlemail.com`` are one mailbox and one person's.
    """
    while True:
        repeat = _rank_within(pc.dictionary_encode(_mailbox(local, domain)).indices.to_numpy())
        again = repeat > 0
        if not again.any():
            return local
        local = _replace(local, again,
                         _fill("{v}{n}", v=local.filter(again), n=_text(repeat[again])))


def _mailbox(local: pa.Array, domain: pa.Array) -> pa.Array:
    """``user@domain`` in lower case, with Gmail's dots dropped and its two domains one."""
    gmail = pc.is_in(domain, value_set=pa.array(_GMAIL_DOMAINS))
    user = pc.if_else(gmail, pc.replace_substring(local, ".", ""), local)
    domain = pc.if_else(gmail, pa.scalar(_GMAIL_DOMAINS[0]), domain)
    return pc.utf8_lower(_fill("{user}@{domain}", user=user, domain=domain))


# --- records ------------------------------------------------------------------------------------


def _records(
    rng: np.random.Generator,
    vocab: _Vocab,
    population: _Population,
    counts: np.ndarray,
    sources: tuple[str, ...],
) -> pd.DataFrame:
    """Emit `counts[i]` corrupted records of person i, in random order."""
    order = rng.permutation(int(counts.sum()))
    person = np.repeat(np.arange(counts.size), counts)[order]
    first_of_person = np.zeros(order.size, dtype=bool)
    first_of_person[np.cumsum(counts) - counts] = True
    source = rng.integers(len(sources), size=person.size)
    profiles = [_PROFILES.get(name, _PROFILES["crm"]) for name in sources]

    def per_record(attribute: str) -> np.ndarray:
        return np.array([getattr(profile, attribute) for profile in profiles])[source]

    movers = _movers(rng, counts)
    moved = movers[person] & first_of_person[order]
    first, surname = _names(rng, vocab, population, person, per_record)
    addresses = _record_addresses(rng, vocab, population, person, moved)
    street, city, postcode = _address_columns(rng, vocab, addresses)
    columns = {
        "first_name": first,
        "surname": surname,
        "dob": _dob_column(rng, population.dob[person], per_record("placeholder_dob")),
        "email": _email_column(rng, vocab, population, person, per_record("generic_email")),
        "phone": _phone_column(rng, population, person, per_record("generic_phone")),
        "street": _with_typos(rng, street, per_record("typo") / 2),
        "city": city,
        "postcode": postcode,
    }
    columns = _with_case_noise(rng, columns, per_record("all_caps"))
    columns = _with_stray_spaces(rng, columns)
    columns = _with_missing(rng, columns, profiles, source)
    columns["updated_at"] = _updated_at(rng, person, movers, moved)
    frame = {
        "unique_id": _record_ids(sources, source),
        "source": pa.array(sources).take(source),
        **columns,
        "person_id": person,
        "household_id": population.households.of_person[person],
    }
    return pa.table({name: frame[name] for name in COLUMNS}).to_pandas()


def _movers(rng: np.random.Generator, counts: np.ndarray) -> np.ndarray:
    """People with several records whose earliest record has their previous address."""
    return (counts > 1) & (rng.random(counts.size) < _MOVER_SHARE)


def _record_ids(sources: tuple[str, ...], source: np.ndarray) -> pa.Array:
    """``"<source>:<number>"``, numbered from 0 within each source in row order."""
    width = max(6, len(str(source.size)))
    small = source.astype(np.min_scalar_type(len(sources)))  # small integers sort fastest
    number = pc.utf8_lpad(_text(_rank_within(small)), width, "0")
    return _fill("{s}:{n}", s=pa.array(sources).take(source), n=number)


def _names(
    rng: np.random.Generator,
    vocab: _Vocab,
    population: _Population,
    person: np.ndarray,
    per_record: Callable[[str], np.ndarray],
) -> tuple[pa.Array, pa.Array]:
    """First name and surname columns, with nicknames, initials, typos and swaps."""
    first = _given_names(rng, vocab, population, person)
    initial = rng.random(person.size) < per_record("initial")
    first = _apply(lambda v: pc.utf8_slice_codeunits(v, 0, 1), first, initial)
    typo = per_record("typo")
    first = _with_typos(rng, first, typo)
    surname = _with_typos(rng, _spellings(rng, vocab.surnames, population.surname[person]), typo)
    swap = pa.array(rng.random(person.size) < 0.01)
    return pc.if_else(swap, surname, first), pc.if_else(swap, first, surname)


def _given_names(
    rng: np.random.Generator, vocab: _Vocab, population: _Population, person: np.ndarray
) -> pa.Array:
    """First names as recorded: people who go by a nickname are mostly recorded by it."""
    nickname = population.nickname[person]
    p = np.where(population.prefers_nickname[person], 0.7, 0.04)
    uses = (nickname >= 0) & (rng.random(person.size) < p)
    formal = _spellings(rng, vocab.first_names, population.first[person])
    return _replace(formal, uses, vocab.nicknames.take(nickname[uses]))


def _spellings(rng: np.random.Generator, words: _Words, code: np.ndarray) -> pa.Array:
    """Words as written, with accents dropped in some records."""
    plain = rng.random(code.size) < 0.3
    return pa.concat_arrays([words.text, words.plain]).take(code + plain * len(words))


def _with_typos(rng: np.random.Generator, column: pa.Array, p: np.ndarray) -> pa.Array:
    """One keyboard typo in each value with probability `p` (values of 3+ characters)."""
    length = pc.utf8_length(column).fill_null(0).to_numpy()
    hit = (rng.random(len(column)) < p) & (length >= 3)
    return _apply(lambda v: _typo(rng, v), column, hit)


def _typo(rng: np.random.Generator, values: pa.Array) -> pa.Array:
    """Insert, delete, substitute or transpose one character (never the first) of each value.

    Works on the UTF-32 code points of the values as a 2-D array, moving
    characters with one gather per row.
    """
    text = np.asarray(values.to_numpy(zero_copy_only=False), dtype=str)
    n, width = text.size, text.dtype.itemsize // 4 + 1
    chars = np.zeros((n, width), dtype=np.uint32)
    chars[:, :-1] = text.view(np.uint32).reshape(n, width - 1)
    length = (chars != 0).sum(axis=1)
    insert, delete, substitute, transpose = rng.integers(4, size=n) == np.arange(4)[:, None]
    at = 1 + (rng.random(n) * (length - 1 - transpose)).astype(np.int64)
    col, pos = np.arange(width), at[:, None]
    source = (
        col + np.where(delete[:, None], col >= pos, 0) - np.where(insert[:, None], col > pos, 0)
    )
    source = np.where(transpose[:, None] & (col == pos), pos + 1, source)
    source = np.where(transpose[:, None] & (col == pos + 1), pos, source)
    typed = np.take_along_axis(chars, np.minimum(source, width - 1), axis=1)
    rows = np.flatnonzero(insert | substitute)
    near = chars[rows, at[rows] - insert[rows]]
    doubled = insert[rows] & (rng.random(rows.size) < 0.5)
    typed[rows, at[rows]] = np.where(doubled, near, _mistype(rng, near))
    return pa.array(typed.view(f"<U{width}").ravel())


def _mistype(rng: np.random.Generator, chars: np.ndarray) -> np.ndarray:
    """A neighbouring key on a QWERTY keyboard (a random letter for other characters)."""
    table, count = _keyboard()
    known = chars < table.shape[0]
    code = np.where(known, chars, 0)
    pick = (rng.random(chars.size) * np.maximum(count[code], 1)).astype(np.int64)
    random_letter = rng.integers(ord("a"), ord("z") + 1, size=chars.size).astype(np.uint32)
    return np.where(known & (count[code] > 0), table[code, pick], random_letter)


@cache
def _keyboard() -> tuple[np.ndarray, np.ndarray]:
    """Neighbouring keys of each ASCII character, padded, and how many there are."""
    table = np.zeros((128, 6), dtype=np.uint32)
    count = np.zeros(128, dtype=np.int64)
    for entry in _QWERTY.split():
        key, near = entry.split(":")
        for case in (str.lower, str.upper):
            table[ord(case(key)), : len(near)] = [ord(case(c)) for c in near]
            count[ord(case(key))] = len(near)
    return table, count


def _record_addresses(
    rng: np.random.Generator,
    vocab: _Vocab,
    population: _Population,
    person: np.ndarray,
    moved: np.ndarray,
) -> _Addresses:
    """Each record's address: the home, or a previous address for movers' oldest records."""
    homes = population.homes.take(population.households.of_person[person])
    rows = np.flatnonzero(moved)
    local = rng.random(rows.size) < 0.6
    town = np.where(local, homes.town[rows], vocab.towns.draw(rng, rows.size))
    return homes.put(rows, _addresses(rng, vocab, town))


def _address_columns(
    rng: np.random.Generator, vocab: _Vocab, addresses: _Addresses
) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Street, city and postcode strings, with abbreviations and flat-number styles."""
    n = addresses.number.size
    types = vocab.street_types
    abbreviated = rng.random(n) < 0.25
    street_type = pa.concat_arrays([types.text, vocab.street_type_abbreviations]).take(
        addresses.street_type + abbreviated * len(types)
    )
    base = _fill(
        "{number} {name} {type}",
        number=_text(addresses.number),
        name=_spellings(rng, vocab.streets, addresses.street),
        type=street_type,
    )
    style = rng.choice(len(_FLAT_TEMPLATES), size=n, p=_FLAT_TEMPLATE_P)
    style = np.where(addresses.flat > 0, style, 0)
    street = _render(_FLAT_TEMPLATES, style, base=base, flat=_text(addresses.flat))
    return street, vocab.towns.text.take(addresses.town), _postcode_column(rng, vocab, addresses)


def _postcode_column(rng: np.random.Generator, vocab: _Vocab, addresses: _Addresses) -> pa.Array:
    """UK-style postcodes such as ``LS6 2QT``, sometimes written without the space."""
    district, inward = np.divmod(addresses.postcode, 4000)
    letters = pa.array(list(_INWARD_LETTERS))
    squashed = (rng.random(district.size) < 0.1).astype(np.int64)
    return _render(
        ("{area}{district} {digit}{a}{b}", "{area}{district}{digit}{a}{b}"),
        squashed,
        area=vocab.postcode_areas.take(addresses.town),
        district=_text(district),
        digit=_text(inward // 400),
        a=letters.take(inward // 20 % 20),
        b=letters.take(inward % 20),
    )


def _dob_column(rng: np.random.Generator, dob: np.ndarray, placeholder: np.ndarray) -> pa.Array:
    """ISO dates of birth with day/month swaps, one-digit typos and placeholders."""
    year, month, day = _ymd(dob)
    swap = (rng.random(dob.size) < 0.02) & (day <= 12) & (day != month)
    month, day = np.where(swap, day, month), np.where(swap, month, day)
    year, month, day = _digit_typo(rng, year, month, day, rng.random(dob.size) < 0.02)
    days = _from_ymd(year, month, day)
    days = np.where(rng.random(dob.size) < placeholder, _PLACEHOLDER_DOB, days)
    return pc.cast(pa.array(days.astype(np.int32), type=pa.date32()), pa.string())


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of days since 1970-01-01."""
    date = days.astype("datetime64[D]")
    month_start = date.astype("datetime64[M]")
    year_start = date.astype("datetime64[Y]")
    year = year_start.astype(np.int64) + 1970
    month = (month_start - year_start.astype("datetime64[M]")).astype(np.int64) + 1
    day = (date - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def _from_ymd(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01, with days past the end of the month moved back to it."""
    start = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    first_day = start.astype("datetime64[D]").astype(np.int64)
    length = (start + 1).astype("datetime64[D]").astype(np.int64) - first_day
    return first_day + np.minimum(day, length) - 1


def _digit_typo(
    rng: np.random.Generator, year: np.ndarray, month: np.ndarray, day: np.ndarray, hit: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Change the last digit of the year, month or day where `hit`.

    A change that would give an invalid month or day changes the year instead.
    """
    n = year.size
    field = rng.choice(3, size=n, p=[0.4, 0.2, 0.4])

    def retyped(value: np.ndarray) -> np.ndarray:
        return value - value % 10 + (value % 10 + rng.integers(1, 10, size=n)) % 10

    new_month, new_day = retyped(month), retyped(day)
    month_ok = hit & (field == 1) & (new_month >= 1) & (new_month <= 12)
    day_ok = hit & (field == 2) & (new_day >= 1) & (new_day <= 28)
    year_hit = hit & ~month_ok & ~day_ok
    return (
        np.where(year_hit, retyped(year), year),
        np.where(month_ok, new_month, month),
        np.where(day_ok, new_day, day),
    )


def _email_column(
    rng: np.random.Generator,
    vocab: _Vocab,
    population: _Population,
    person: np.ndarray,
    generic: np.ndarray,
) -> pa.Array:
    """Each record's email: the person's, sometimes their address at another domain, or a
    placeholder."""
    pool = population.email[person]
    missing = pool < 0
    other = rng.random(person.size) < 0.06
    pool = np.where(other & ~missing, pool + len(population.email_local) // 2, pool)
    email = _fill(
        "{local}@{domain}",
        local=population.email_local.take(pa.array(pool, mask=missing)),
        domain=vocab.domains.text.take(population.email_domain[np.maximum(pool, 0)]),
    )
    placeholder = rng.random(person.size) < generic
    choice = rng.integers(len(_GENERIC_EMAILS), size=int(placeholder.sum()))
    return _replace(email, placeholder, pa.array(_GENERIC_EMAILS).take(choice))


def _phone_column(
    rng: np.random.Generator, population: _Population, person: np.ndarray, generic: np.ndarray
) -> pa.Array:
    """Each record's phone, mobile or the household landline, written in a random style."""
    household = population.households.of_person[person]
    mobile = population.mobile[person]
    landline = population.landline[household]
    use_landline = (landline > 0) & ((mobile == 0) | (rng.random(person.size) < 0.25))
    number = np.where(use_landline, landline, mobile)
    area_digits = np.where(use_landline, population.landline_area_digits[household], 4)
    has = number > 0
    phone = _replace(
        pa.nulls(person.size, pa.string()),
        has,
        _phone_strings(rng, number[has], area_digits[has]),
    )
    placeholder = rng.random(person.size) < generic
    repeated = pa.array([_GENERIC_PHONE]).take(np.zeros(int(placeholder.sum()), dtype=np.int64))
    return _replace(phone, placeholder, repeated)


def _phone_strings(
    rng: np.random.Generator, number: np.ndarray, area_digits: np.ndarray
) -> pa.Array:
    """Format national numbers (without the 0) as UK phone numbers in random styles."""
    local_digits = 10 - area_digits
    area, local = np.divmod(number, 10**local_digits)
    tail_digits = np.where(local_digits >= 7, 4, 3)
    head, tail = np.divmod(local, 10**tail_digits)
    head_text = _padded(head, local_digits - tail_digits)
    tail_text = _padded(tail, tail_digits)
    grouped = _render(
        ("{h}{t}", "{h} {t}"), (local_digits >= 7).astype(np.int64), h=head_text, t=tail_text
    )
    style = rng.choice(len(_PHONE_TEMPLATES), size=number.size, p=_PHONE_TEMPLATE_P)
    return _render(
        _PHONE_TEMPLATES, style, area=_text(area), local=grouped, head=head_text, tail=tail_text
    )


def _updated_at(
    rng: np.random.Generator, person: np.ndarray, movers: np.ndarray, moved: np.ndarray
) -> pa.Array:
    """ISO timestamps; a mover's old-address record predates their other records."""
    u = rng.random(person.size)
    move = rng.uniform(0.2, 0.8, size=movers.size)[person]  # when in the period they moved
    fraction = np.where(movers[person], np.where(moved, u * move, move + u * (1 - move)), u)
    seconds = _UPDATED_FROM + (fraction * (_UPDATED_TO - _UPDATED_FROM)).astype(np.int64)
    day, second = np.divmod(seconds, 86_400)
    return _fill(
        "{d}T{t}",
        d=pc.cast(pa.array(day.astype(np.int32), type=pa.date32()), pa.string()),
        t=pc.cast(pa.array(second.astype(np.int32), type=pa.time32("s")), pa.string()),
    )


# --- record-level noise -------------------------------------------------------------------------

# Probabilities of leaving a value as is, or writing it in upper, lower or title case.
_CASE_NOISE_P = {
    "first_name": np.array([0.93, 0.02, 0.03, 0.02]),
    "surname": np.array([0.93, 0.02, 0.03, 0.02]),
    "street": np.array([0.93, 0.02, 0.03, 0.02]),
    "city": np.array([0.93, 0.02, 0.03, 0.02]),
    "postcode": np.array([0.97, 0.0, 0.03, 0.0]),
}


def _with_case_noise(
    rng: np.random.Generator, columns: dict[str, pa.Array], all_caps: np.ndarray
) -> dict[str, pa.Array]:
    """Upper-case whole records of shouting systems; upper, lower or title-case a few values."""
    caps = rng.random(all_caps.size) < all_caps
    noisy = dict(columns)
    noisy["email"] = _apply(pc.utf8_upper, noisy["email"], caps)
    for name, p in _CASE_NOISE_P.items():
        case = np.where(caps, 1, rng.choice(p.size, size=caps.size, p=p))
        column = _apply(pc.utf8_upper, noisy[name], case == 1)
        column = _apply(pc.utf8_lower, column, case == 2)
        noisy[name] = _apply(pc.utf8_title, column, case == 3)
    return noisy


def _with_stray_spaces(
    rng: np.random.Generator, columns: dict[str, pa.Array]
) -> dict[str, pa.Array]:
    """Add a leading, trailing or doubled inner space to a few values."""
    noisy = dict(columns)
    for name in _CASE_NOISE_P:
        n = len(noisy[name])
        kind = np.where(rng.random(n) < 0.02, rng.integers(3, size=n), -1)
        column = _apply(lambda v: _fill(" {v}", v=v), noisy[name], kind == 0)
        column = _apply(lambda v: _fill("{v} ", v=v), column, kind == 1)
        noisy[name] = _apply(
            lambda v: pc.replace_substring(v, " ", "  ", max_replacements=1), column, kind == 2
        )
    return noisy


def _with_missing(
    rng: np.random.Generator,
    columns: dict[str, pa.Array],
    profiles: list[_Profile],
    source: np.ndarray,
) -> dict[str, pa.Array]:
    """Blank values each source did not capture; address fields tend to go missing together."""
    address = rng.random(source.size)
    blanked = {}
    for name, column in columns.items():
        p = np.array([profile.missing.get(name, 0.0) for profile in profiles])[source]
        u = address if name in ("street", "city", "postcode") else rng.random(source.size)
        blanked[name] = pc.if_else(pa.array(u < p), pa.scalar(None, pa.string()), column)
    return blanked


# --- vectorised helpers -------------------------------------------------------------------------


def _rank_within(keys: np.ndarray) -> np.ndarray:
    """Position of each element among the elements with the same key (0 for the first).

    Only the elements whose key repeats are argsorted, so mostly-unique keys are cheap.
    """
    ordered = np.sort(keys)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    rank = np.zeros(keys.size, dtype=np.int64)
    if not repeated.size:
        return rank
    found = np.minimum(np.searchsorted(repeated, keys), repeated.size - 1)
    rows = np.flatnonzero(repeated[found] == keys)
    rows = rows[np.argsort(keys[rows], kind="stable")]
    group = keys[rows]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    rank[rows] = np.arange(rows.size) - np.repeat(starts, np.diff(np.r_[starts, rows.size]))
    return rank


def _text(values: np.ndarray) -> pa.Array:
    """Integers as decimal strings."""
    return pc.cast(pa.array(values), pa.string())


def _padded(values: np.ndarray, width: np.ndarray | int) -> pa.Array:
    """Non-negative integers as zero-padded strings of a per-row width (at most 9 digits)."""
    return pc.utf8_slice_codeunits(_text(10 ** np.asarray(width, dtype=np.int64) + values), 1)


def _replace(column: pa.Array, mask: np.ndarray, values: pa.Array) -> pa.Array:
    """`column` with the rows where `mask` is set replaced, in order, by `values`."""
    return pc.replace_with_mask(column, pa.array(mask, type=pa.bool_()), values)


def _apply(
    function: Callable[[pa.Array], pa.Array], column: pa.Array, mask: np.ndarray
) -> pa.Array:
    """`column` with `function` applied to the rows where `mask` is set."""
    return _replace(column, mask, function(column.filter(mask)))


def _fill(template: str, **parts: pa.Array) -> pa.Array:
    """Fill a ``str.format``-style template row by row from equally long string arrays."""
    segments: list[str | pa.Array] = []
    for literal, field in _parsed(template):
        if literal:
            segments.append(literal)
        if field is not None:
            segments.append(parts[field])
    return pc.binary_join_element_wise(*segments, "")


def _parsed(template: str) -> list[tuple[str, str | None]]:
    """(literal text, field name or None) pairs of a ``str.format``-style template."""
    return [(literal, field) for literal, field, _, _ in string.Formatter().parse(template)]


def _render(templates: Sequence[str], choice: np.ndarray, **parts: pa.Array) -> pa.Array:
    """Row i is ``templates[choice[i]]`` filled from row i of `parts`."""
    order = np.argsort(choice, kind="stable")
    bounds = np.searchsorted(choice[order], np.arange(len(templates) + 1))
    pieces = []
    for template, lo, hi in zip(templates, bounds[:-1], bounds[1:], strict=True):
        used = {field for _, field in _parsed(template) if field is not None}
        pieces.append(_fill(template, **{name: parts[name].take(order[lo:hi]) for name in used}))
    inverse = np.empty_like(order)
    inverse[order] = np.arange(order.size)
    return pa.concat_arrays(pieces).take(inverse)
