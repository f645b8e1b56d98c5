"""Phone numbers: mobiles of people and landlines of households, and the ``phone`` column of
records, written in the styles people use, with a placeholder shared by unrelated records."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from golden.datasets.people.arrays import padded, render, replace_rows, text
from golden.datasets.people.dates import year_start
from golden.datasets.people.population import Population
from golden.datasets.people.vocabulary import Vocabulary

_LANDLINE_SHARE = 0.35
_PHONE_TEMPLATES = (
    "0{area} {local}",
    "0{area}{head}{tail}",
    "+44 {area} {local}",
    "+44{area}{head}{tail}",
    "(0{area}){head}-{tail}",
    "0{area}-{head}-{tail}",
)
_PHONE_TEMPLATE_P = np.array([0.45, 0.25, 0.1, 0.1, 0.05, 0.05])
_GENERIC_PHONE = "07000 000000"
# Spanish numbers have nine digits, mobiles 6xx or 71x-74x and landlines 9xx, grouped
# 3+2+2+2 or 3+3+3, with or without +34 or 0034.
_SPANISH_PHONE_TEMPLATES = (
    "{n}",
    "{a} {b} {c} {d}",
    "{a} {m} {z}",
    "+34 {a} {b} {c} {d}",
    "+34{n}",
    "0034{n}",
    "{a}-{m}-{z}",
    "+34 {a} {m} {z}",
)
_SPANISH_PHONE_TEMPLATE_P = np.array([0.32, 0.2, 0.14, 0.12, 0.07, 0.05, 0.05, 0.05])
_SPANISH_GENERIC_PHONE = "600 000 000"
_SPANISH_MOBILE_7 = 0.1  # mobiles in the newer 71x-74x range


def draw_mobiles(rng: np.random.Generator, dob: np.ndarray) -> np.ndarray:
    """UK mobile numbers 074xx-079xx without the leading 0; 0 for people without one.

    Examples
    --------
    >>> mobile = draw_mobiles(np.random.default_rng(0), np.zeros(100, dtype=np.int64))
    >>> bool(((mobile == 0) | ((mobile >= 7_400_000_000) & (mobile < 8_000_000_000))).all())
    True
    """
    young = dob >= year_start(np.array(2006))
    has = rng.random(dob.size) < np.where(young, 0.5, 0.9)
    number = 7_400_000_000 + rng.integers(0, 600_000_000, size=dob.size)
    return np.where(has, number, 0)


def draw_spanish_mobiles(rng: np.random.Generator, dob: np.ndarray) -> np.ndarray:
    """Spanish mobile numbers 6xx xxx xxx or 71x-74x xxx xxx; 0 for people without one.

    Examples
    --------
    >>> mobile = draw_spanish_mobiles(np.random.default_rng(0), np.zeros(100, dtype=np.int64))
    >>> bool(((mobile == 0) | ((mobile >= 600_000_000) & (mobile < 750_000_000))).all())
    True
    """
    young = dob >= year_start(np.array(2006))
    has = rng.random(dob.size) < np.where(young, 0.5, 0.9)
    newer = rng.random(dob.size) < _SPANISH_MOBILE_7
    number = np.where(
        newer,
        710_000_000 + rng.integers(0, 40_000_000, size=dob.size),
        600_000_000 + rng.integers(0, 100_000_000, size=dob.size),
    )
    return np.where(has, number, 0)


def draw_landlines(
    rng: np.random.Generator, vocab: Vocabulary, town: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Household landlines in the town's dialling code (0 when none) and area-code digits.

    British national numbers have ten digits after the 0, Spanish ones nine.

    Examples
    --------
    >>> from golden.datasets.people.vocabulary import load_vocabulary
    >>> vocab = load_vocabulary()
    >>> landline, digits = draw_landlines(np.random.default_rng(0), vocab, np.zeros(50, int))
    >>> area = int(vocab.dialling_codes[0])
    >>> bool((landline[landline > 0] // 10 ** (10 - digits[0]) == area).all())
    True
    """
    area = vocab.dialling_codes[town]
    area_digits = np.floor(np.log10(area)).astype(np.int64) + 1
    scale = 10 ** ((9 if vocab.locale == "es" else 10) - area_digits)
    local = scale // 5 + (rng.random(town.size) * (scale - scale // 5)).astype(np.int64)
    has = rng.random(town.size) < _LANDLINE_SHARE
    return np.where(has, area * scale + local, 0), area_digits


def phone_column(
    rng: np.random.Generator,
    population: Population,
    person: np.ndarray,
    generic: np.ndarray,
    *,
    locale: str = "en",
) -> pa.Array:
    """Each record's phone, mobile or the household landline, written in a random style
    (British, or Spanish with `locale` ``"es"``).

    Examples
    --------
    >>> from golden.datasets.people.generator import draw_population
    >>> from golden.datasets.people.vocabulary import load_vocabulary
    >>> rng = np.random.default_rng(0)
    >>> population = draw_population(rng, load_vocabulary(), 10)
    >>> phone_column(rng, population, np.array([0, 1]), np.array([1.0, 1.0])).to_pylist()
    ['07000 000000', '07000 000000']
    """
    household = population.households.of_person[person]
    mobile = population.mobile[person]
    landline = population.landline[household]
    use_landline = (landline > 0) & ((mobile == 0) | (rng.random(person.size) < 0.25))
    number = np.where(use_landline, landline, mobile)
    area_digits = np.where(use_landline, population.landline_area_digits[household], 4)
    has = number > 0
    spanish = locale == "es"
    written = (
        _spanish_phone_strings(rng, number[has])
        if spanish
        else _phone_strings(rng, number[has], area_digits[has])
    )
    phone = replace_rows(pa.nulls(person.size, pa.string()), has, written)
    placeholder = rng.random(person.size) < generic
    generic_phone = _SPANISH_GENERIC_PHONE if spanish else _GENERIC_PHONE
    repeated = pa.array([generic_phone]).take(np.zeros(int(placeholder.sum()), dtype=np.int64))
    return replace_rows(phone, placeholder, repeated)


def _phone_strings(
    rng: np.random.Generator, number: np.ndarray, area_digits: np.ndarray
) -> pa.Array:
    """Format national numbers (without the 0) as UK phone numbers in random styles."""
    local_digits = 10 - area_digits
    area, local = np.divmod(number, 10**local_digits)
    tail_digits = np.where(local_digits >= 7, 4, 3)
    head, tail = np.divmod(local, 10**tail_digits)
    head_text = padded(head, local_digits - tail_digits)
    tail_text = padded(tail, tail_digits)
    grouped = render(
        ("{h}{t}", "{h} {t}"), (local_digits >= 7).astype(np.int64), h=head_text, t=tail_text
    )
    style = rng.choice(len(_PHONE_TEMPLATES), size=number.size, p=_PHONE_TEMPLATE_P)
    return render(
        _PHONE_TEMPLATES, style, area=text(area), local=grouped, head=head_text, tail=tail_text
    )


def _spanish_phone_strings(rng: np.random.Generator, number: np.ndarray) -> pa.Array:
    """Format nine-digit Spanish numbers in random styles: "612 34 56 78", "612345678",
    "+34 612 34 56 78", "0034612345678", "612-345-678"."""
    a, rest = np.divmod(number, 1_000_000)
    b, c, d = rest // 10_000, rest // 100 % 100, rest % 100
    style = rng.choice(len(_SPANISH_PHONE_TEMPLATES), size=number.size,
                       p=_SPANISH_PHONE_TEMPLATE_P)
    return render(_SPANISH_PHONE_TEMPLATES, style, n=text(number), a=text(a),
                  b=padded(b, 2), c=padded(c, 2), d=padded(d, 2),
                  m=padded(rest // 1000, 3), z=padded(rest % 1000, 3))
