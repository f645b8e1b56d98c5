"""Names: first names, surnames and nicknames drawn for the population, and the name columns
written on records, with nicknames, initials, typos and swapped first name and surname.

Spanish people have two surnames, their father's first surname and their mother's first
surname; records write both, only the first, or the two swapped, with or without a
leading particle ("de la Fuente", "Fuente"), and shorten compound given names ("María
José", "María", "M. José", "Mª José")."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from golden.datasets.people.arrays import apply_to_rows, render, replace_rows
from golden.datasets.people.noise import with_typos
from golden.datasets.people.population import CHILD, ELDER, PARTNER, Households, Population
from golden.datasets.people.vocabulary import SpanishVocabulary, Vocabulary, spellings

# Probability that a person takes the head of household's surname, by role.
_TAKES_HEAD_SURNAME = np.array([1.0, 0.75, 0.92, 0.6, 0.0])
# Spanish children whose parents put the mother's surname first.
_MOTHERS_FIRST = 0.03
# Spanish compound given names as recorded: in full, the short form ("María", or "Carmen"
# for María del Carmen), the first part as an initial ("M. José"), "Mª José" for María.
_GIVEN_FORM_P = np.array([0.76, 0.12, 0.07, 0.05])
# Spanish surnames as recorded: both, the first only, the two swapped by a form.
_SURNAME_TEMPLATES = ("{a} {b}", "{a}", "{b} {a}")
_SURNAME_TEMPLATE_P = np.array([0.77, 0.19, 0.04])
_DROPS_PARTICLE = 0.2  # records writing "Fuente" for "de la Fuente"


def draw_first_names(rng: np.random.Generator, vocab: Vocabulary, sex: np.ndarray) -> np.ndarray:
    """First-name codes drawn among the names of each person's sex.

    Examples
    --------
    >>> from golden.datasets.people.vocabulary import load_vocabulary
    >>> vocab = load_vocabulary()
    >>> codes = draw_first_names(np.random.default_rng(0), vocab, np.array([0, 1, 1]))
    >>> vocab.first_sex[codes].tolist()
    [0, 1, 1]
    """
    first = np.empty(sex.size, dtype=np.int64)
    for value in (0, 1):
        rows = np.flatnonzero(sex == value)
        codes = np.flatnonzero(vocab.first_sex == value)
        first[rows] = rng.choice(codes, size=rows.size, p=vocab.first_names.p[codes])
    return first


def draw_surnames(
    rng: np.random.Generator, vocab: Vocabulary, households: Households
) -> np.ndarray:
    """Surname codes; family members mostly share the head's surname.

    Examples
    --------
    >>> from golden.datasets.people.population import draw_households
    >>> from golden.datasets.people.vocabulary import load_vocabulary
    >>> rng = np.random.default_rng(0)
    >>> households = draw_households(rng, 1_000)
    >>> surname = draw_surnames(rng, load_vocabulary(), households)
    >>> bool((surname == surname[households.head][households.of_person]).mean() > 0.8)
    True
    """
    own = vocab.surnames.draw(rng, households.role.size)
    head = own[households.head][households.of_person]
    shares = rng.random(own.size) < _TAKES_HEAD_SURNAME[households.role]
    return np.where(shares, head, own)


def draw_spanish_surnames(
    rng: np.random.Generator,
    vocab: Vocabulary,
    households: Households,
    sex: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """First and second surname codes, inherited the Spanish way.

    Heads, partners and flat-sharers have their own two surnames. A family's
    children take their father's first surname and then their mother's (a few
    the other way round); a parent missing from the household passes on a
    surname nobody else there has. A grandparent is the head's father (whose
    first surname is the head's first) or mother (the head's second).

    Examples
    --------
    >>> from golden.datasets.people.population import draw_households, draw_sexes
    >>> from golden.datasets.people.vocabulary import load_vocabulary
    >>> rng = np.random.default_rng(0)
    >>> households = draw_households(rng, 1_000)
    >>> sex = draw_sexes(rng, households)
    >>> first, second = draw_spanish_surnames(rng, load_vocabulary("es"), households, sex)
    >>> head = households.head[households.of_person]
    >>> child, heads_first = households.role == CHILD, first[head]
    >>> bool(((first == heads_first) | (second == heads_first))[child].all())
    True
    """
    role, household, head = households.role, households.of_person, households.head
    own = vocab.surnames.draw(rng, role.size), vocab.surnames.draw(rng, role.size)
    absent = vocab.surnames.draw(rng, head.size)  # first surname of a parent living elsewhere
    partner = np.full(head.size, -1)
    partner[household[role == PARTNER]] = np.flatnonzero(role == PARTNER)
    has_partner = partner >= 0
    other = np.where(has_partner, own[0][np.maximum(partner, 0)], absent)
    head_is_father = (sex[head] == 1) | (has_partner & (sex[np.maximum(partner, 0)] == 0))
    father = np.where(head_is_father, own[0][head], other)[household]
    mother = np.where(head_is_father, other, own[0][head])[household]
    swapped = rng.random(role.size) < _MOTHERS_FIRST
    child = role == CHILD
    first = np.where(child, np.where(swapped, mother, father), own[0])
    second = np.where(child, np.where(swapped, father, mother), own[1])
    of_head = np.where(sex == 1, own[0][head][household], own[1][head][household])
    first = np.where(role == ELDER, of_head, first)
    return first, second


def draw_nicknames(
    rng: np.random.Generator, vocab: Vocabulary, first: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each person's nickname (-1 if their name has none) and whether they go by it.

    Examples
    --------
    >>> from golden.datasets.people.vocabulary import load_vocabulary
    >>> vocab = load_vocabulary()
    >>> nickname, _ = draw_nicknames(np.random.default_rng(0), vocab, np.array([0]))
    >>> vocab.first_names.text[0].as_py(), vocab.nicknames[int(nickname[0])].as_py()
    ('James', 'Jimmy')
    """
    count = vocab.nickname_count[first]
    nickname = vocab.nickname_start[first] + (rng.random(first.size) * count).astype(np.int64)
    nickname = np.where(count > 0, nickname, -1)
    return nickname, (count > 0) & (rng.random(first.size) < 0.25)


def record_names(
    rng: np.random.Generator,
    vocab: Vocabulary,
    population: Population,
    person: np.ndarray,
    initial: np.ndarray,
    typo: np.ndarray,
) -> tuple[pa.Array, pa.Array]:
    """First name and surname columns, with nicknames, initials, typos and swaps.

    ``initial`` and ``typo`` are each record's probabilities of keeping only the first
    initial of the first name, and of a typo in each name.

    Examples
    --------
    >>> from golden.datasets.people.generator import draw_population
    >>> from golden.datasets.people.vocabulary import load_vocabulary
    >>> rng, vocab = np.random.default_rng(0), load_vocabulary()
    >>> population = draw_population(rng, vocab, 10)
    >>> never = np.zeros(3)
    >>> first, surname = record_names(rng, vocab, population, np.array([0, 0, 1]), never, never)
    >>> len(first), len(surname)
    (3, 3)
    """
    first = _given_names(rng, vocab, population, person)
    first = apply_to_rows(
        lambda v: pc.utf8_slice_codeunits(v, 0, 1), first, rng.random(person.size) < initial
    )
    first = with_typos(rng, first, typo)
    if isinstance(vocab, SpanishVocabulary):
        surname = _spanish_surnames(rng, vocab, population, person)
    else:
        surname = spellings(rng, vocab.surnames, population.surname[person])
    surname = with_typos(rng, surname, typo)
    swap = pa.array(rng.random(person.size) < 0.01)
    return pc.if_else(swap, surname, first), pc.if_else(swap, first, surname)


def _given_names(
    rng: np.random.Generator, vocab: Vocabulary, population: Population, person: np.ndarray
) -> pa.Array:
    """First names as recorded: people who go by a nickname are mostly recorded by it, and
    Spanish compound names are sometimes shortened ("M. José")."""
    nickname = population.nickname[person]
    p = np.where(population.prefers_nickname[person], 0.7, 0.04)
    uses = (nickname >= 0) & (rng.random(person.size) < p)
    code = population.first[person]
    if isinstance(vocab, SpanishVocabulary):
        form = rng.choice(_GIVEN_FORM_P.size, size=person.size, p=_GIVEN_FORM_P)
        form = np.where(vocab.compound[code], form, 0)
        formal = spellings(rng, vocab.given_forms, code + form * len(vocab.first_names))
    else:
        formal = spellings(rng, vocab.first_names, code)
    return replace_rows(formal, uses, vocab.nicknames.take(nickname[uses]))


def _spanish_surnames(
    rng: np.random.Generator, vocab: SpanishVocabulary, population: Population, person: np.ndarray
) -> pa.Array:
    """Both surnames, the first only, or both swapped; particles dropped in some records, and
    accents dropped from both surnames of a record or neither."""
    bare = (rng.random(person.size) < _DROPS_PARTICLE) * len(vocab.surnames)
    plain = rng.random(person.size) < 0.3
    first = spellings(rng, vocab.surname_forms, population.surname[person] + bare, plain)
    second = spellings(rng, vocab.surname_forms, population.surname2[person] + bare, plain)
    style = rng.choice(len(_SURNAME_TEMPLATES), size=person.size, p=_SURNAME_TEMPLATE_P)
    return render(_SURNAME_TEMPLATES, style, a=first, b=second)
