"""Postal addresses: distinct street addresses with postcodes, buildings of flats, previous
addresses of people who moved, and the street, city and postcode columns of records."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from golden.datasets.people.arrays import fill, padded, rank_within, render, split_total, text
from golden.datasets.people.vocabulary import SpanishVocabulary, Vocabulary, spellings

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

# Spanish addresses: "Calle Mayor, 12, 3º B", "C/ Mayor 12 3B", "Calle Mayor 12, piso 3,
# puerta B"; the number follows the street name, after ", ", " " or ", nº ".
_SPANISH_NUMBER_TEMPLATES = ("{street}, {number}", "{street} {number}", "{street}, nº {number}")
_SPANISH_NUMBER_P = np.array([0.55, 0.38, 0.07])
_SPANISH_FLAT_TEMPLATES = (
    "{base}",
    "{base}, {floor_o} {door_o}",
    "{base} {floor_c}{door_c}",
    "{base}, piso {floor_p}, puerta {door_p}",
)
_SPANISH_FLAT_TEMPLATE_P = np.array([0.1, 0.5, 0.25, 0.15])  # "{base}": flat lost
_SPANISH_FLAT_SHARE = 0.55  # households living in a block of flats, as most Spaniards do
# Doors on a landing: lettered, numbered ("2ª") or left and right; ordinal and other forms.
_DOOR_LETTERS = ("A", "B", "C", "D")
_DOOR_SIDES = (("izq.", "dcha."), ("Izda.", "Dcha."), ("izquierda", "derecha"))
_SIDE_STYLE_P = np.array([0.5, 0.3, 0.2])
_UNPADDED_POSTCODE = 0.04  # "8001" for 08001: the postcode went through a spreadsheet


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
    postcode: np.ndarray  # district * 4000 + inward code (0..3999); Spanish: the postcode
    flat: np.ndarray  # 0 when not a flat, else its place in the building (1, 2, ...)

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
        if isinstance(vocab, SpanishVocabulary):  # a postcode of the town
            count = vocab.postcode_count[town[todo]]
            district[todo] = (rng.random(todo.size) * count).astype(np.int64)
        else:
            district[todo] = rng.integers(1, _DISTRICTS + 1, size=todo.size)
        street[todo] = vocab.streets.draw(rng, todo.size)
        kind = vocab.street_types.draw(rng, todo.size)
        street_type[todo] = np.where(vocab.type_clash[street[todo], kind], 0, kind)
        number[todo] = np.minimum(rng.geometric(0.03, size=todo.size), 999)
        address = _road_key(town, district, street, street_type) * 1000 + number
        todo = np.flatnonzero(rank_within(address))
    road = _road_key(town, district, street, street_type)
    if isinstance(vocab, SpanishVocabulary):
        postcode = vocab.postcode_first[town] + district
    else:
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


def into_buildings(
    rng: np.random.Generator, homes: Addresses, *, spanish: bool = False
) -> Addresses:
    """Move some households into shared buildings: one street address, numbered flats.

    A British building holds 2 to 8 flats; Spanish blocks hold 2 to 16, and more
    households live in them.

    Examples
    --------
    >>> from golden.datasets.people.vocabulary import load_vocabulary
    >>> rng = np.random.default_rng(0)
    >>> homes = into_buildings(rng, draw_addresses(rng, load_vocabulary(), np.zeros(500, int)))
    >>> bool((homes.flat > 0).any()), int(homes.flat.min())
    (True, 0)
    """
    share, largest = (_SPANISH_FLAT_SHARE, 16) if spanish else (_FLAT_SHARE, 8)
    flats = np.flatnonzero(rng.random(homes.number.size) < share)
    sizes = split_total(
        lambda k: rng.integers(2, largest + 1, size=k), flats.size, mean=(2 + largest) / 2
    )
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
    if isinstance(vocab, SpanishVocabulary):
        return _spanish_address_columns(rng, vocab, addresses)
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


def _spanish_address_columns(
    rng: np.random.Generator, vocab: SpanishVocabulary, addresses: Addresses
) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Spanish street lines ("Avda. de la Constitución, 45, 2º izq."), towns with or
    without accents, and five-digit postcodes."""
    n = addresses.number.size
    types = vocab.street_types
    abbreviated = rng.random(n) < 0.3
    street_type = pa.concat_arrays([types.text, vocab.street_type_abbreviations]).take(
        addresses.street_type + abbreviated * len(types)
    )
    name = fill("{type} {name}", type=street_type,
                name=spellings(rng, vocab.streets, addresses.street))
    squeezed = pc.replace_substring(name, "C/ ", "C/")  # "C/Mayor"
    name = pc.if_else(pa.array(rng.random(n) < 0.2), squeezed, name)
    base = render(
        _SPANISH_NUMBER_TEMPLATES,
        rng.choice(len(_SPANISH_NUMBER_TEMPLATES), size=n, p=_SPANISH_NUMBER_P),
        street=name,
        number=text(addresses.number),
    )
    style = rng.choice(len(_SPANISH_FLAT_TEMPLATES), size=n, p=_SPANISH_FLAT_TEMPLATE_P)
    style = np.where(addresses.flat > 0, style, 0)
    street = render(_SPANISH_FLAT_TEMPLATES, style, base=base,
                    **_spanish_unit_parts(rng, addresses))
    city = spellings(rng, vocab.towns, addresses.town)
    unpadded = (rng.random(n) < _UNPADDED_POSTCODE).astype(np.int64)
    postcode = render(("{padded}", "{plain}"), unpadded,
                      padded=padded(addresses.postcode, 5), plain=text(addresses.postcode))
    return street, city, postcode


def _spanish_unit_parts(rng: np.random.Generator, addresses: Addresses) -> dict[str, pa.Array]:
    """Floor and door of each flat, as ``floor_o``/``door_o`` ("3º", "B", "2ª", "izq."),
    compact ``floor_c``/``door_c`` ("3" + "B", "3" + " 2") and after "piso"/"puerta".

    A building's doors are lettered, numbered or left and right, with two to four flats
    a landing, and some have flats on the ground floor (*bajo*): all fixed by the building,
    so every record of a flat names the same floor and door.
    """
    building = addresses.town * 7 + addresses.street * 17 + addresses.number * 31
    scheme = building % 3  # 0 lettered, 1 numbered, 2 left and right
    per_floor = np.where(scheme == 2, 2, 2 + building // 3 % 3)
    ground = (building // 9 % 4 == 0).astype(np.int64)  # flats on the ground floor
    place = np.maximum(addresses.flat, 1) - 1
    floor, door = place // per_floor + 1 - ground, place % per_floor
    sides = rng.choice(len(_DOOR_SIDES), size=floor.size, p=_SIDE_STYLE_P)
    side = pa.array([s for pair in _DOOR_SIDES for s in pair]).take(sides * 2 + door % 2)
    letter = pa.array(_DOOR_LETTERS).take(door)
    number = text(door + 1)
    door_text = render(("{letter}", "{number}", "{side}"), scheme,
                       letter=letter, number=number, side=side)
    ordinal = render(("{letter}", "{number}ª", "{side}"), scheme,
                     letter=letter, number=number, side=side)
    bajo = pa.array(floor == 0)
    floor_text = text(floor)
    spaced = ((scheme > 0) | (floor == 0)).astype(np.int64)
    return {
        "floor_o": pc.if_else(bajo, "Bajo", fill("{f}º", f=floor_text)),
        "door_o": ordinal,
        "floor_c": pc.if_else(bajo, "Bajo", floor_text),
        "door_c": render(("{d}", " {d}"), spaced, d=door_text),
        "floor_p": pc.if_else(bajo, "bajo", floor_text),
        "door_p": door_text,
    }
