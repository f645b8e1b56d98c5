"""The word lists the generator samples from, read once per locale from
``golden/datasets/data``.

Each list is plain UTF-8 text, one entry per line, commonest first: sampling weights fall
off with the line number, so a few surnames are very common and most are rare, as in real
data.

English (``locale="en"``):

- ``first_names.txt``: ``name,sex`` with sex ``F`` or ``M``.
- ``nicknames.txt``: ``formal name,nickname[,nickname...]``.
- ``surnames.txt``, ``streets.txt``, ``email_domains.txt``: one value a line.
- ``street_types.txt``: ``full,abbreviation``, e.g. ``Road,Rd``.
- ``towns.txt``: ``town,postcode area,dialling code without its 0``.

Spanish (``locale="es"``), the same lists with an ``_es`` suffix, and:

- ``first_names_es.txt``: ``name,sex[,short form]``; a compound given name ("María del
  Carmen") may name the part its bearers go by ("Carmen"), otherwise its first part.
- the familiar forms are those of ``hypocorisms_es.txt`` (``name: form, form``), the table
  golden's name comparisons read; a compound name also has its short form's familiar forms.
- ``streets_es.txt``: street names without their type ("de la Constitución").
- ``street_types_es.txt``: ``full,abbreviation``, e.g. ``Avenida,Avda.``.
- ``towns_es.txt``: ``town,first postcode,number of postcodes,landline area code``; the
  first two digits of a postcode are the province's.
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

    @classmethod
    def blocks(cls, *lists: Sequence[str]) -> Words:
        """Equally long lists one after the other, for choosing a form by ``code + k * n``
        (sampling probabilities are uniform and unused)."""
        words = [word for block in lists for word in block]
        return cls.of(words, np.full(len(words), 1 / len(words)))


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

    @property
    def locale(self) -> str:
        return "en"


@dataclass(frozen=True)
class SpanishVocabulary(Vocabulary):
    """The Spanish word lists: ``postcode_areas`` hold each town's province (the first two
    digits of its postcodes), ``dialling_codes`` its landline area code ("91", "954"), and
    Spanish names have compound given names and surnames with particles.

    Examples
    --------
    >>> vocab = load_vocabulary("es")
    >>> n, code = len(vocab.first_names), vocab.first_names.text.to_pylist().index("María José")
    >>> [vocab.given_forms.text[code + k * n].as_py() for k in range(4)]
    ['María José', 'María', 'M. José', 'Mª José']
    >>> vocab.surname_forms.text[vocab.surnames.text.to_pylist().index("del Río")
    ...                          + len(vocab.surnames)].as_py()
    'Río'
    """

    # per first name, in four blocks of len(first_names): as written, the short form its
    # bearers go by, its first part as an initial ("M. José"), "Mª" for María ("Mª José");
    # a name of one part is itself in every block
    given_forms: Words
    compound: np.ndarray  # per first name: of two or more parts
    given_initials: pa.Array  # per first name: its parts' initials, "jl" for José Luis
    # per surname, in two blocks: as written, then without a leading particle ("Fuente")
    surname_forms: Words
    postcode_first: np.ndarray  # per town, its first postcode
    postcode_count: np.ndarray  # per town, how many postcodes follow from the first

    @property
    def locale(self) -> str:
        return "es"


LOCALES = ("en", "es")
_PARTICLES = frozenset({"de", "del", "la", "las", "los", "y"})


@cache
def load_vocabulary(locale: str = "en") -> Vocabulary:
    """Load the word lists of `locale` (``"en"`` or ``"es"``) shipped in
    ``golden/datasets/data``.

    Examples
    --------
    >>> load_vocabulary().first_names.text[0].as_py()
    'James'
    >>> load_vocabulary("es").locale, load_vocabulary("es").towns.text[0].as_py()
    ('es', 'Madrid')
    """
    if locale == "es":
        return _spanish_vocabulary()
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


def _spanish_vocabulary() -> SpanishVocabulary:
    """The ``_es`` word lists, with the familiar forms of ``hypocorisms_es.txt``."""
    first_rows = _rows("first_names_es.txt")
    first = [row[0] for row in first_rows]
    sex = np.array([row[1] == "M" for row in first_rows], dtype=np.int64)
    short = [row[2] if len(row) > 2 else row[0].split()[0] for row in first_rows]
    familiar = _familiar_forms()
    nicknames = [
        list(dict.fromkeys([*familiar.get(name.lower(), ()), *familiar.get(s.lower(), ())]))
        for name, s in zip(first, short, strict=True)
    ]
    counts = np.array([len(forms) for forms in nicknames])
    surnames = [row[0] for row in _rows("surnames_es.txt")]
    street_names = [row[0] for row in _rows("streets_es.txt")]
    type_rows = _rows("street_types_es.txt")
    town_rows = _rows("towns_es.txt")
    domains = [row[0] for row in _rows("email_domains_es.txt")]
    return SpanishVocabulary(
        first_names=Words.of(first, _rank_p_by_group(sex, offset=10)),
        first_sex=sex,
        nicknames=pa.array([form for forms in nicknames for form in forms], pa.string()),
        nickname_start=np.cumsum(counts) - counts,
        nickname_count=counts,
        surnames=Words.of(surnames, _rank_p(len(surnames), offset=5)),
        streets=Words.of(street_names, _rank_p(len(street_names), offset=10)),
        street_types=Words.of(
            [row[0] for row in type_rows], _rank_p(len(type_rows), offset=0.3, exponent=2.0)
        ),
        street_type_abbreviations=pa.array([row[1] for row in type_rows]),
        type_clash=np.zeros((len(street_names), len(type_rows)), dtype=bool),
        towns=Words.of([row[0] for row in town_rows], _rank_p(len(town_rows), offset=3)),
        postcode_areas=pa.array([row[1][:2] for row in town_rows]),
        dialling_codes=np.array([int(row[3]) for row in town_rows]),
        domains=Words.of(domains, _rank_p(len(domains), offset=0.5, exponent=1.4)),
        given_forms=Words.blocks(first, short, *_initialled(first)),
        compound=np.array([" " in name for name in first]),
        given_initials=pa.array([_initials(name) for name in first]),
        surname_forms=Words.blocks(surnames, [_without_particle(name) for name in surnames]),
        postcode_first=np.array([int(row[1]) for row in town_rows]),
        postcode_count=np.array([int(row[2]) for row in town_rows]),
    )


def _familiar_forms() -> dict[str, list[str]]:
    """``hypocorisms_es.txt``: each name (lower case) and its familiar forms, capitalised."""
    table = {}
    for line in _lines("hypocorisms_es.txt"):
        if line.startswith("#"):
            continue
        name, forms = line.split(":", 1)
        table[name.strip()] = [form.strip().capitalize() for form in forms.split(",")]
    return table


def _initialled(names: list[str]) -> tuple[list[str], list[str]]:
    """Compound names with the first part as an initial: "M. José", and "Mª José" for María
    (other names have the initial in both)."""
    dotted, ordinal = [], []
    for name in names:
        first, _, rest = name.partition(" ")
        dotted.append(f"{first[0]}. {rest}" if rest else name)
        ordinal.append(f"Mª {rest}" if rest and first == "María" else dotted[-1])
    return dotted, ordinal


def _initials(name: str) -> str:
    """Lower-case initials of a given name's parts, particles left out: "mc" for María del
    Carmen."""
    parts = [part for part in _strip_accents(name).lower().split() if part not in _PARTICLES]
    return "".join(part[0] for part in parts)


def _without_particle(surname: str) -> str:
    """A surname without its leading particle: "de la Fuente" -> "Fuente"."""
    parts = surname.split()
    while len(parts) > 1 and parts[0] in _PARTICLES:
        parts = parts[1:]
    return " ".join(parts)


def _lines(filename: str) -> list[str]:
    """Every non-blank line of a data file, stripped."""
    path = resources.files("golden.datasets").joinpath("data", filename)
    text = path.read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def _rows(filename: str) -> list[list[str]]:
    """Comma-separated fields of every non-blank line of a data file."""
    return [line.split(",") for line in _lines(filename)]


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


def spellings(
    rng: np.random.Generator, words: Words, code: np.ndarray, plain: np.ndarray | None = None
) -> pa.Array:
    """Words as written, with accents dropped in some records (those where `plain` is set,
    when it is given).

    Examples
    --------
    >>> import numpy as np
    >>> words = Words.of(["Zoë"], np.array([1.0]))
    >>> sorted(set(spellings(np.random.default_rng(0), words, np.zeros(20, int)).to_pylist()))
    ['Zoe', 'Zoë']
    """
    if plain is None:
        plain = rng.random(code.size) < 0.3
    return pa.concat_arrays([words.text, words.plain]).take(code + plain * len(words))
