"""``make_people``: check the parameters, draw the population, then take records of it."""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import TypeGuard

import numpy as np
import pandas as pd

from golden.datasets.people.addresses import draw_addresses, into_buildings
from golden.datasets.people.arrays import split_total
from golden.datasets.people.emails import draw_emails
from golden.datasets.people.names import (
    draw_first_names,
    draw_nicknames,
    draw_spanish_surnames,
    draw_surnames,
)
from golden.datasets.people.phones import draw_landlines, draw_mobiles, draw_spanish_mobiles
from golden.datasets.people.population import (
    Population,
    draw_birth_dates,
    draw_households,
    draw_sexes,
)
from golden.datasets.people.records import draw_records
from golden.datasets.people.vocabulary import LOCALES, Vocabulary, load_vocabulary
from golden.errors import ConfigError

__all__ = ["make_people"]


def make_people(
    n_records: int = 5_000,
    *,
    duplicate_rate: float = 0.5,
    sources: tuple[str, ...] = ("crm", "web", "app", "callcentre"),
    locale: str = "en",
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
    locale : {"en", "es"}, default "en"
        Whose customers: British (``"en"``) or Spanish (``"es"``): names,
        surnames, addresses, postcodes, phones and e-mail providers of that
        country (see Notes). The columns are the same.
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
        - ``phone``: UK number written in one of several styles; Spanish with
          ``locale="es"``: ``"612 34 56 78"``, ``"+34 612 34 56 78"``,
          ``"0034612345678"``, ``"612-345-678"``...
        - ``street``: e.g. ``"12 Acacia Road"`` or ``"Flat 3, 12 Acacia Rd"``;
          ``"Calle Mayor, 12, 3º B"`` or ``"Avda. de la Paz 7 2 izq."`` in Spanish.
        - ``postcode``: UK-like, e.g. ``"LS6 2QT"``; Spanish: five digits whose
          first two are the town's province, ``"28013"`` for Madrid.
        - ``surname``: in Spanish, usually both surnames, ``"García López"``.
        - ``updated_at``: ISO timestamp ``"YYYY-MM-DDTHH:MM:SS"`` in 2015-2026.
        - ``person_id`` (int): truth, equal for records of the same person.
        - ``household_id`` (int): truth, equal for people living together.

        Text columns use pandas' default string dtype (``object`` before
        pandas 3); missing values are nulls, never the string ``"nan"``.

    Raises
    ------
    golden.ConfigError
        If `n_records` is not a positive integer, `duplicate_rate` is not in
        ``[0, 1)``, `sources` is not a non-empty tuple of distinct names, or
        `locale` is not ``"en"`` or ``"es"``.

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

    With ``locale="es"`` people are Spanish. Each has two surnames, the
    father's first surname and the mother's first surname, and children
    inherit them so. A record writes both surnames most of the time, only the
    first in about a fifth of records, and the two swapped in a few; a leading
    particle ("de la Fuente", "del Río") is dropped in some. Compound given
    names ("María José", "José Luis", "Francisco Javier") are common and
    sometimes shortened to one part or an initial ("María", "M. José",
    "Mª José"); the nicknames are familiar forms (Pepe for José, Lola for
    Dolores) from the table golden's name comparisons read. Addresses are
    Spanish street lines with floor and door, in the forms
    ``golden.households`` reads; postcodes match the town's province
    (sometimes without their leading zero); phones are +34 mobiles and
    landlines with the province's area code, in the styles people write them;
    e-mail addresses are at Spanish providers, built from the names without
    accents. Accents are dropped in some records, as in English.

    The English frame for a seed is the same as before `locale` existed.

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
    >>> es = make_people(1_000, locale="es", random_state=1)
    >>> es.loc[8, ["first_name", "surname", "street", "postcode"]].tolist()
    ['FRANCISCO JAVIER', 'RUEDA PRIETO', 'AVENIDA DE ESPANA, 24, PISO BAJO, PUERTA B', '50001']
    """
    sources = _checked(n_records, duplicate_rate, sources, locale)
    rng = np.random.default_rng(random_state)
    vocab = load_vocabulary(locale)
    counts = _records_per_person(rng, int(n_records), float(duplicate_rate))
    population = draw_population(rng, vocab, counts.size)
    return draw_records(rng, vocab, population, counts, sources)


def _checked(
    n_records: object, duplicate_rate: object, sources: object, locale: object
) -> tuple[str, ...]:
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
    if not (isinstance(locale, str) and locale in LOCALES):
        choices = ", ".join(repr(choice) for choice in LOCALES)
        problems.append(f"locale: got {locale!r}, expected one of {choices}")
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


def _records_per_person(
    rng: np.random.Generator, n_records: int, duplicate_rate: float
) -> np.ndarray:
    """Geometric records-per-person counts summing to exactly `n_records`."""
    p = 1.0 - duplicate_rate
    return split_total(lambda k: rng.geometric(p, size=k), n_records, mean=1.0 / p)


def draw_population(rng: np.random.Generator, vocab: Vocabulary, n_people: int) -> Population:
    """Draw `n_people` people living in households at addresses.

    Examples
    --------
    >>> population = draw_population(np.random.default_rng(0), load_vocabulary(), 100)
    >>> population.dob.size, int(population.households.size.sum())
    (100, 100)
    """
    spanish = vocab.locale == "es"
    households = draw_households(rng, n_people)
    sex = draw_sexes(rng, households)
    dob = draw_birth_dates(rng, households)
    first = draw_first_names(rng, vocab, sex)
    if spanish:
        surname, surname2 = draw_spanish_surnames(rng, vocab, households, sex)
    else:
        surname, surname2 = draw_surnames(rng, vocab, households), np.full(n_people, -1)
    towns = vocab.towns.draw(rng, households.size.size)
    homes = into_buildings(rng, draw_addresses(rng, vocab, towns), spanish=spanish)
    landline, area_digits = draw_landlines(rng, vocab, homes.town)
    nickname, prefers = draw_nicknames(rng, vocab, first)
    email_local, email_domain, email = draw_emails(
        rng, vocab, households, first, surname, dob, surname2 if spanish else None
    )
    return Population(
        households=households,
        homes=homes,
        first=first,
        surname=surname,
        surname2=surname2,
        dob=dob,
        nickname=nickname,
        prefers_nickname=prefers,
        mobile=draw_spanish_mobiles(rng, dob) if spanish else draw_mobiles(rng, dob),
        landline=landline,
        landline_area_digits=area_digits,
        email_local=email_local,
        email_domain=email_domain,
        email=email,
    )
