"""Names: first names, surnames and nicknames drawn for the population, and the name columns
written on records, with nicknames, initials, typos and swapped first name and surname."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from golden.datasets.people.arrays import apply_to_rows, replace_rows
from golden.datasets.people.noise import with_typos
from golden.datasets.people.population import Households, Population
from golden.datasets.people.vocabulary import Vocabulary, spellings

# Probability that a person takes the head of household's surname, by role.
_TAKES_HEAD_SURNAME = np.array([1.0, 0.75, 0.92, 0.6, 0.0])


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
    surname = with_typos(rng, spellings(rng, vocab.surnames, population.surname[person]), typo)
    swap = pa.array(rng.random(person.size) < 0.01)
    return pc.if_else(swap, surname, first), pc.if_else(swap, first, surname)


def _given_names(
    rng: np.random.Generator, vocab: Vocabulary, population: Population, person: np.ndarray
) -> pa.Array:
    """First names as recorded: people who go by a nickname are mostly recorded by it."""
    nickname = population.nickname[person]
    p = np.where(population.prefers_nickname[person], 0.7, 0.04)
    uses = (nickname >= 0) & (rng.random(person.size) < p)
    formal = spellings(rng, vocab.first_names, population.first[person])
    return replace_rows(formal, uses, vocab.nicknames.take(nickname[uses]))
