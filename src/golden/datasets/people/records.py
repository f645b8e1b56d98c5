"""Records taken of the population: each person's records from random source systems, every
one corrupted independently, in random order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from golden.datasets.people.addresses import address_columns, with_previous_addresses
from golden.datasets.people.arrays import fill, rank_within, text
from golden.datasets.people.dates import dob_column, updated_at
from golden.datasets.people.emails import email_column
from golden.datasets.people.names import record_names
from golden.datasets.people.noise import (
    with_case_noise,
    with_missing,
    with_stray_spaces,
    with_typos,
)
from golden.datasets.people.phones import phone_column
from golden.datasets.people.population import Population
from golden.datasets.people.sources import PROFILES
from golden.datasets.people.vocabulary import Vocabulary

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
_MOVER_SHARE = 0.2  # people with several records whose oldest record has an old address


def draw_records(
    rng: np.random.Generator,
    vocab: Vocabulary,
    population: Population,
    counts: np.ndarray,
    sources: tuple[str, ...],
) -> pd.DataFrame:
    """Emit `counts[i]` corrupted records of person i, in random order.

    Examples
    --------
    >>> from golden.datasets.people.generator import draw_population
    >>> from golden.datasets.people.vocabulary import load_vocabulary
    >>> rng, vocab = np.random.default_rng(0), load_vocabulary()
    >>> population = draw_population(rng, vocab, 3)
    >>> records = draw_records(rng, vocab, population, np.array([2, 1, 1]), ("crm",))
    >>> records["person_id"].value_counts().sort_index().tolist(), tuple(records) == COLUMNS
    ([2, 1, 1], True)
    """
    order = rng.permutation(int(counts.sum()))
    person = np.repeat(np.arange(counts.size), counts)[order]
    first_of_person = np.zeros(order.size, dtype=bool)
    first_of_person[np.cumsum(counts) - counts] = True
    source = rng.integers(len(sources), size=person.size)
    profiles = [PROFILES.get(name, PROFILES["crm"]) for name in sources]

    def per_record(attribute: str) -> np.ndarray:
        return np.array([getattr(profile, attribute) for profile in profiles])[source]

    movers = _movers(rng, counts)
    moved = movers[person] & first_of_person[order]
    first, surname = record_names(
        rng, vocab, population, person, per_record("initial"), per_record("typo")
    )
    homes = population.homes.take(population.households.of_person[person])
    addresses = with_previous_addresses(rng, vocab, homes, moved)
    street, city, postcode = address_columns(rng, vocab, addresses)
    columns = {
        "first_name": first,
        "surname": surname,
        "dob": dob_column(rng, population.dob[person], per_record("placeholder_dob")),
        "email": email_column(rng, vocab, population, person, per_record("generic_email")),
        "phone": phone_column(
            rng, population, person, per_record("generic_phone"), locale=vocab.locale
        ),
        "street": with_typos(rng, street, per_record("typo") / 2),
        "city": city,
        "postcode": postcode,
    }
    columns = with_case_noise(rng, columns, per_record("all_caps"))
    columns = with_stray_spaces(rng, columns)
    columns = with_missing(rng, columns, profiles, source)
    columns["updated_at"] = updated_at(rng, person, movers, moved)
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
    number = pc.utf8_lpad(text(rank_within(small)), width, "0")
    return fill("{s}:{n}", s=pa.array(sources).take(source), n=number)
