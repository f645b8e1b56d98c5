"""Postal addresses: distinct street addresses with postcodes, buildings of flats, previous
addresses of people who moved, and the street, city and postcode columns of records."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
import pyarrow as pa

from golden.datasets.people.arrays import fill, rank_within, render, split_total, text
from golden.datasets.people.vocabulary import Vocabulary, spellings

_DISTRICTS = 20  # postcode districts per postcode area
_FLAT_SHARE = 0.12  # households living in a multi-unit building
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


@dataclass(frozen=True)
class Addresses:
    """Postal addresses as integer codes; the strings are built per record.

    Examples
    --------
    >>> from golden.datasets.people.vocabulary import load_vocabulary
    >>> homes = draw_addresses(np.random.default_rng(0), load_vocabulary(), np.array([0, 0, 1]))
    >>> homes.take(np.array([2, 0])).town.tolist()
    [1, 0]
    """

    number: np.ndarray
    street: np.ndarray
    street_type: np.ndarray
    town: np.ndarray
    postcode: np.ndarray  # district * 4000 + inward code (0..3999)
    flat: np.ndarray  # 0 when not a flat

    def take(self, index: np.ndarray) -> Addresses:
        return Addresses(*(getattr(self, f.name)[index] for f in fields(self)))

    def put(self, rows: np.ndarray, other: Addresses) -> Addresses:
        """A copy with `rows` replaced by `other`."""
        columns = {f.name: getattr(self, f.name).copy() for f in fields(self)}
        for name, column in columns.items():
            column[rows] = getattr(other, name)
        return Addresses(**columns)


def draw_addresses(rng: np.random.Generator, vocab: Vocabulary, town: np.ndarray) -> Addresses:
    """Distinct street addresses in the given towns, with postcodes.

    A road is a street name and type in one postcode district of a town, so a
    town has several Church Roads, as real towns do.

    Examples
    --------
    >>> from golden.datasets.people.vocabulary import load_vocabulary
    >>> homes = draw_addresses(np.random.default_rng(0), load_vocabulary(), np.zeros(500, int))
    >>> keys = np.stack([homes.number, homes.street, homes.street_type, homes.postcode // 4000])
    >>> len(np.unique(keys, axis=1)[0])
    500
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
        todo = np.flatnonzero(rank_within(address))
    road = _road_key(town, district, street, street_type)
    postcode = district * 4000 + _inward_codes(rng, road, number)
    return Addresses(number, street, street_type, town, postcode, np.zeros(n, dtype=np.int64))


def _road_key(
    town: np.ndarray, district: np.ndarray, street: np.ndarray, street_type: np.ndarray
) -> np.ndarray:
    return ((town * 100 + district) * 10_000 + street) * 100 + street_type


def _inward_codes(rng: np.random.Generator, road: np.ndarray, number: np.ndarray) -> np.ndarray:
    """Inward postcode halves, encoded 0..3999, shared by stretches of 20 house numbers."""
    units, unit = np.unique(road * 50 + number // 20, return_inverse=True)
    return rng.integers(0, 4000, size=units.size)[unit]


def into_buildings(rng: np.random.Generator, homes: Addresses) -> Addresses:
    """Move some households into shared buildings: one street address, numbered flats.

    Examples
    --------
    >>> from golden.datasets.people.vocabulary import load_vocabulary
    >>> rng = np.random.default_rng(0)
    >>> homes = into_buildings(rng, draw_addresses(rng, load_vocabulary(), np.zeros(500, int)))
    >>> bool((homes.flat > 0).any()), int(homes.flat.min())
    (True, 0)
    """
    flats = np.flatnonzero(rng.random(homes.number.size) < _FLAT_SHARE)
    sizes = split_total(lambda k: rng.integers(2, 9, size=k), flats.size, mean=5.0)
    building = np.repeat(np.arange(sizes.size), sizes)
    first = (np.cumsum(sizes) - sizes)[building]
    address = np.arange(homes.number.size)
    address[flats] = flats[first]
    flat = np.zeros(homes.number.size, dtype=np.int64)
    flat[flats] = np.arange(flats.size) - first + 1
    return replace(homes.take(address), flat=flat)


def with_previous_addresses(
    rng: np.random.Generator, vocab: Vocabulary, homes: Addresses, moved: np.ndarray
) -> Addresses:
    """Each record's address: its person's home, or a previous address where `moved`.

    Examples
    --------
    >>> from golden.datasets.people.vocabulary import load_vocabulary
    >>> rng, vocab = np.random.default_rng(0), load_vocabulary()
    >>> homes = draw_addresses(rng, vocab, np.array([0, 0]))
    >>> moved = with_previous_addresses(rng, vocab, homes, np.array([False, True]))
    >>> bool(moved.street[0] == homes.street[0]), moved.number.size
    (True, 2)
    """
    rows = np.flatnonzero(moved)
    local = rng.random(rows.size) < 0.6
    town = np.where(local, homes.town[rows], vocab.towns.draw(rng, rows.size))
    return homes.put(rows, draw_addresses(rng, vocab, town))


def address_columns(
    rng: np.random.Generator, vocab: Vocabulary, addresses: Addresses
) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Street, city and postcode strings, with abbreviations and flat-number styles.

    Examples
    --------
    >>> from golden.datasets.people.vocabulary import load_vocabulary
    >>> rng, vocab = np.random.default_rng(0), load_vocabulary()
    >>> street, city, postcode = address_columns(rng, vocab, draw_addresses(rng, vocab,
    ...                                                                     np.array([0])))
    >>> city.to_pylist() == [vocab.towns.text[0].as_py()], len(street), len(postcode)
    (True, 1, 1)
    """
    n = addresses.number.size
    types = vocab.street_types
    abbreviated = rng.random(n) < 0.25
    street_type = pa.concat_arrays([types.text, vocab.street_type_abbreviations]).take(
        addresses.street_type + abbreviated * len(types)
    )
    base = fill(
        "{number} {name} {type}",
        number=text(addresses.number),
        name=spellings(rng, vocab.streets, addresses.street),
        type=street_type,
    )
    style = rng.choice(len(_FLAT_TEMPLATES), size=n, p=_FLAT_TEMPLATE_P)
    style = np.where(addresses.flat > 0, style, 0)
    street = render(_FLAT_TEMPLATES, style, base=base, flat=text(addresses.flat))
    return street, vocab.towns.text.take(addresses.town), _postcode_column(rng, vocab, addresses)


def _postcode_column(rng: np.random.Generator, vocab: Vocabulary, addresses: Addresses) -> pa.Array:
    """UK-style postcodes such as ``LS6 2QT``, sometimes written without the space."""
    district, inward = np.divmod(addresses.postcode, 4000)
    letters = pa.array(list(_INWARD_LETTERS))
    squashed = (rng.random(district.size) < 0.1).astype(np.int64)
    return render(
        ("{area}{district} {digit}{a}{b}", "{area}{district}{digit}{a}{b}"),
        squashed,
        area=vocab.postcode_areas.take(addresses.town),
        district=text(district),
        digit=text(inward // 400),
        a=letters.take(inward // 20 % 20),
        b=letters.take(inward % 20),
    )
