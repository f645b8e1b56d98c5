"""The word lists the generator samples from, read once from ``golden/datasets/data``.

Each list is plain UTF-8 text, one entry per line, commonest first: sampling weights fall
off with the line number, so a few surnames are very common and most are rare, as in real
data.

- ``first_names.txt``: ``name,sex`` with sex ``F`` or ``M``.
- ``nicknames.txt``: ``formal name,nickname[,nickname...]``.
- ``surnames.txt``, ``streets.txt``, ``email_domains.txt``: one value a line.
- ``street_types.txt``: ``full,abbreviation``, e.g. ``Road,Rd``.
- ``towns.txt``: ``town,postcode area,dialling code without its 0``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pyarrow as pa


@dataclass(frozen=True)
class Words:
    """A word list with sampling probabilities that fall off with rank.

    Examples
    --------
    >>> import numpy as np
    >>> words = Words.of(["Zoë", "Anne"], np.array([0.5, 0.5]))
    >>> len(words), words.plain.to_pylist(), words.key.to_pylist()
    (2, ['Zoe', 'Anne'], ['zoe', 'anne'])
    """

    text: pa.Array  # as written
    plain: pa.Array  # accents removed
    key: pa.Array  # lower-case ASCII letters only, for email addresses
    p: np.ndarray

    @classmethod
    def of(cls, words: Sequence[str], p: np.ndarray) -> Words:
        plain = [_strip_accents(word) for word in words]
        keys = ["".join(c for c in word.lower() if c.isalnum()) for word in plain]
        return cls(pa.array(words), pa.array(plain), pa.array(keys), p)

    def __len__(self) -> int:
        return len(self.text)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(len(self), size=size, p=self.p)


@dataclass(frozen=True)
class Vocabulary:
    """Every word list the generator samples from.

    Examples
    --------
    >>> vocab = load_vocabulary()
    >>> vocab.street_types.text[0].as_py(), vocab.street_type_abbreviations[0].as_py()
    ('Road', 'Rd')
    """

    first_names: Words  # probabilities are within each sex
    first_sex: np.ndarray  # 0 female, 1 male
    nicknames: pa.Array
    nickname_start: np.ndarray  # per first name, its first nickname's position in nicknames
    nickname_count: np.ndarray  # per first name, how many nicknames it has
    surnames: Words
    streets: Words
    street_types: Words
    street_type_abbreviations: pa.Array
    type_clash: np.ndarray  # [street, street type]: the street name already ends with the type
    towns: Words
    postcode_areas: pa.Array
    dialling_codes: np.ndarray  # without the leading 0
    domains: Words


@cache
def load_vocabulary() -> Vocabulary:
    """Load the word lists shipped in ``golden/datasets/data``.

    Examples
    --------
    >>> load_vocabulary().first_names.text[0].as_py()
    'James'
    """
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
    return Vocabulary(
        first_names=Words.of(first, _rank_p_by_group(sex, offset=10)),
        first_sex=sex,
        nicknames=pa.array([nick for name in first for nick in nick_rows.get(name, ())]),
        nickname_start=np.cumsum(counts) - counts,
        nickname_count=counts,
        surnames=Words.of(surnames, _rank_p(len(surnames), offset=20)),
        streets=Words.of(street_names, _rank_p(len(street_names), offset=10)),
        street_types=Words.of(
            [row[0] for row in type_rows], _rank_p(len(type_rows), offset=1, exponent=1.5)
        ),
        street_type_abbreviations=pa.array([row[1] for row in type_rows]),
        type_clash=np.array(
            [[name.split()[-1] == row[0] for row in type_rows] for name in street_names]
        ),
        towns=Words.of([row[0] for row in town_rows], _rank_p(len(town_rows), offset=3)),
        postcode_areas=pa.array([row[1] for row in town_rows]),
        dialling_codes=np.array([int(row[2]) for row in town_rows]),
        domains=Words.of(domains, _rank_p(len(domains), offset=0.5, exponent=1.6)),
    )


def _rows(filename: str) -> list[list[str]]:
    """Comma-separated fields of every non-blank line of a data file."""
    path = resources.files("golden.datasets").joinpath("data", filename)
    text = path.read_text(encoding="utf-8")
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


def spellings(rng: np.random.Generator, words: Words, code: np.ndarray) -> pa.Array:
    """Words as written, with accents dropped in some records.

    Examples
    --------
    >>> import numpy as np
    >>> words = Words.of(["Zoë"], np.array([1.0]))
    >>> sorted(set(spellings(np.random.default_rng(0), words, np.zeros(20, int)).to_pylist()))
    ['Zoe', 'Zoë']
    """
    plain = rng.random(code.size) < 0.3
    return pa.concat_arrays([words.text, words.plain]).take(code + plain * len(words))
