"""Name levels for what a person recognises at a glance: a familiar form of a given name
(Bob = Robert, Pepe = José, Lola = Dolores), a compound given name shortened (María José =
María = M. José = Mª José) and a name written in another script (Иванов = Ivanov) or with its
umlaut spelled out (Müller = Mueller).

English familiar forms come from the ``nicknames`` package (a hand-curated dataset); the
Spanish ones from golden's own table (``golden/datasets/data/hypocorisms_es.txt``). Both are
looked up once per distinct value, after the same cleaning the values had.

Examples
--------
>>> aliases_of("bob") >= {"robert"}, aliases_of("pepe") >= {"jose"}
(True, True)
>>> transliterated(np.array(["иванов", "mueller", None], dtype=object)).tolist()
['ivanov', 'muller', None]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
from anyascii import anyascii
from nicknames import NickNamer

from golden.comparisons.levels.base import Level, ValuePairs
from golden.comparisons.levels.sets import shared_tokens, token_incidence
from golden.comparisons.levels.transforms import value_codes
from golden.values import clean_text

SPANISH = "hypocorisms_es.txt"
FEW_PAIRS = 64  # pairs up to which Python sets beat building a sparse incidence
SPELLED_UMLAUT = re.compile(r"([aou])e")


@cache
def _familiar_forms() -> dict[str, frozenset[str]]:
    """Each familiar form (cleaned) and the names it stands for, Spanish table included."""
    table: dict[str, set[str]] = {}
    text = resources.files("golden.datasets").joinpath("data", SPANISH).read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, forms = line.split(":", 1)
        cleaned = clean_text(pd.Series([name, *forms.split(",")])).tolist()
        for form in cleaned[1:]:
            table.setdefault(form, set()).add(cleaned[0])
    return {form: frozenset(names) for form, names in table.items()}


@cache
def _english() -> NickNamer:
    return NickNamer()


def aliases_of(name: str) -> frozenset[str]:
    """The name itself and the names it is a familiar form of (English and Spanish)."""
    return frozenset({name, *_english().canonicals_of(name),
                      *_familiar_forms().get(name, ())})


def _alias_sets(values: np.ndarray) -> np.ndarray:
    """Each value's ``aliases_of``, and its first part's for a compound name ("Juan Carlos"
    is Juan, so Juanito), as a list (an object array of lists, None for null)."""
    out = np.empty(len(values), dtype=object)
    out[:] = [None if v is None else
              sorted(aliases_of(str(v)) | aliases_of(str(v).split(" ", 1)[0])) for v in values]
    return out


def transliterated(values: np.ndarray) -> np.ndarray:
    """Each value in Latin letters (``anyascii``), case-folded, with a spelled-out umlaut
    ("ue", "oe", "ae") read as the bare vowel; None stays None."""
    return np.array([None if v is None else
                     SPELLED_UMLAUT.sub(r"\1", anyascii(str(v)).casefold())
                     for v in values], dtype=object)


@dataclass(frozen=True)
class Alias(Level):
    """The two values differ, but one is a familiar form of the other, or both are of one
    name: Bob and Robert, Bobby and Rob, Pepe and José, Concha and Concepción.

    Examples
    --------
    >>> Alias().label
    'familiar form'
    """

    kind = "alias"
    input: int = 0

    @property
    def label(self) -> str:
        return "familiar form"

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        present = values.both_present(self.input)
        left, right = values.codes(present)
        out = np.zeros(values.size, dtype=bool)
        if len(left) <= FEW_PAIRS:  # a record matched alone: sets beat a sparse matrix
            sets = values.per_value_table(
                ("alias sets", self.input), self.input,
                lambda v: [None if a is None else frozenset(a) for a in _alias_sets(v)])
            out[present] = [bool(sets[a] & sets[b]) for a, b in
                            zip(left.tolist(), right.tolist(), strict=True)]
        else:
            incidence = values.per_value_table(
                ("aliases", self.input), self.input,
                lambda v: token_incidence(_alias_sets(v), None))
            out[present] = shared_tokens(incidence, left, right) > 0
        return out & ~values.same(self.input)


@dataclass(frozen=True)
class Transliterated(Level):
    """The values are equal once written in Latin letters: Иванов and Ivanov, Müller and
    Mueller.

    Examples
    --------
    >>> Transliterated().label
    'same in Latin letters'
    """

    kind = "transliterated"
    input: int = 0

    @property
    def label(self) -> str:
        return "same in Latin letters"

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        left, right = values.per_value("latin", self.input,
                                       lambda v: value_codes(transliterated(v)))
        return (left >= 0) & (left == right)


@cache
def _mens_names() -> frozenset[str]:
    """Given names that are men's (golden's name lists): "María José" is never "José"."""
    data = resources.files("golden.datasets").joinpath("data")
    names = [line.split(",")[0] for name in ("first_names.txt", "first_names_es.txt")
             for line in data.joinpath(name).read_text("utf-8").splitlines()
             if line.split(",")[1:2] == ["M"]]
    return frozenset(clean_text(pd.Series(names, dtype=object)).dropna())


def _words(values: np.ndarray) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = [None if v is None else str(v).split() for v in values]
    return out


MARIAN = ("maria", "ma", "m", "mari")  # "María (del) Carmen" is called Carmen
GIVEN_PARTICLES = ("de", "del", "la", "los", "las")


def shortened(short: list[str], long: list[str]) -> bool:
    """Whether ``short`` is ``long`` with parts left out at the end or cut to their start
    (an initial, "Mª"), or ``long`` is "María (del) <name>" and ``short`` the name; the two
    differing and one of them compound.

    Examples
    --------
    >>> shortened(["m", "jose"], ["maria", "jose"]), shortened(["maria"], ["maria", "jose"])
    (True, True)
    >>> shortened(["carmen"], ["maria", "del", "carmen"])
    True
    >>> shortened(["dolores"], ["maria", "dolores"])
    True
    >>> shortened(["jose"], ["maria", "jose"]), shortened(["jo"], ["john"])  # José: a man's
    (False, False)
    """
    if len(short) > len(long) or max(len(short), len(long)) < 2 or short == long:
        return False
    if long[0] in MARIAN and [w for w in long[1:] if w not in GIVEN_PARTICLES] == short \
            and " ".join(short) not in _mens_names():
        return True
    return all(b.startswith(a) for a, b in zip(short, long, strict=False))


@dataclass(frozen=True)
class CompoundShortened(Level):
    """A compound given name written shorter: its first part alone or its parts cut to
    their start ("María José" and "María", "M. José", "Mª José"; "José Luis" and "J. L.").

    Examples
    --------
    >>> CompoundShortened().label
    'compound name shortened'
    """

    kind = "compound_shortened"
    input: int = 0

    @property
    def label(self) -> str:
        return "compound name shortened"

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        words = values.per_value_table(("words", self.input), self.input, _words)
        counts = values.per_value_table(
            ("word counts", self.input), self.input,
            lambda v: np.array([0 if w is None else len(w) for w in _words(v)]))
        present = values.both_present(self.input)
        left, right = values.codes(present)
        compound = np.maximum(counts[left], counts[right]) >= 2
        out = np.zeros(values.size, dtype=bool)
        rows = np.flatnonzero(present)[compound]
        out[rows] = [shortened(words[a], words[b]) or shortened(words[b], words[a])
                     for a, b in zip(left[compound].tolist(), right[compound].tolist(),
                                     strict=True)]
        return out
