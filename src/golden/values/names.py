"""One full-name column split into given names and surnames, so a source that writes
"José Luis García López" links to one that has ``first_name`` and ``surname``.

Given names are recognised from golden's lists (the generator's first names, the English
familiar forms of the ``nicknames`` package, the Spanish names and their familiar forms);
initials ("J.", "Mª") count as given names; particles ("de", "del", "de la", "van") start
the surnames. "Surname, Given" (with a comma) is read that way round, and so is a name
whose known given names come last ("GARCÍA LÓPEZ JOSÉ LUIS").

Examples
--------
>>> split_full_name(pd.Series(["José Luis García López", "García López, María",
...                            "Mary Ann de la Fuente", "SMITH JOHN", None])
...                 ).fillna("-").values.tolist()
[['José Luis', 'García López'], ['María', 'García López'], ['Mary Ann', 'de la Fuente'], \
['JOHN', 'SMITH'], ['-', '-']]
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd
from nicknames import NickNamer

from golden.values.text import SURNAME_PARTICLES, clean_text


def _keys(words: list[str]) -> dict[str, str]:
    """Each word cleaned (case, accents, punctuation) as golden compares it."""
    cleaned = clean_text(pd.Series(words, dtype=object)).fillna("").tolist()
    return dict(zip(words, cleaned, strict=True))


@cache
def given_names() -> frozenset[str]:
    """Known given names and familiar forms, cleaned."""
    data = resources.files("golden.datasets").joinpath("data")
    names = {line.split(",")[0] for line in
             data.joinpath("first_names.txt").read_text("utf-8").splitlines() if line}
    for line in data.joinpath("hypocorisms_es.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, forms = line.split(":", 1)
            names.update(name.split())
            names.update(form.strip() for form in forms.split(","))
    first = set(names)
    nicknames = NickNamer()
    names.update(nicknames.canonical_lookup)
    names.update(nicknames.nickname_lookup)
    # the nicknames data holds words that are surnames first ("smith" for "smitty")
    surnames = {line.strip() for line in
                data.joinpath("surnames.txt").read_text("utf-8").splitlines() if line}
    names -= {s.casefold() for s in surnames - first}
    return frozenset(_keys(sorted(n for n in names if n)).values())


def _split_one(text: str, key: dict[str, str]) -> tuple[str | None, str | None]:
    if "," in text:
        surname, given = (part.strip() for part in text.split(",", 1))
        return given or None, surname or None
    words = text.split()
    if len(words) < 2:
        return None, text or None
    known = given_names()

    def is_given(word: str) -> bool:
        k = key[word]
        return k not in SURNAME_PARTICLES and (k in known or len(k) == 1 or k == "ma")

    leading = 0
    while leading < len(words) - 1:
        if is_given(words[leading]):
            leading += 1
            continue
        # "María del Carmen Ruiz": particles before a given name, within the given names
        after = leading
        while after < len(words) - 1 and key[words[after]] in SURNAME_PARTICLES:
            after += 1
        if leading == 0 or after == leading or after >= len(words) - 1 \
                or not is_given(words[after]):
            break
        leading = after + 1
    trailing = 0
    while trailing < len(words) - 1 and is_given(words[len(words) - 1 - trailing]):
        trailing += 1
    if leading == 0 and trailing > 0:  # "GARCÍA LÓPEZ JOSÉ": the given names come last
        return " ".join(words[-trailing:]), " ".join(words[:-trailing])
    leading = max(leading, 1)
    return " ".join(words[:leading]), " ".join(words[leading:])


def split_full_name(names: pd.Series) -> pd.DataFrame:
    """``first_name`` and ``surname`` from one full-name column (same index; nulls stay
    null; a single word is a surname). Each distinct value is split once."""
    text = names.astype("string").str.strip().str.replace(r"\s+", " ", regex=True)
    distinct = pd.Series(text.dropna().unique())
    key = _keys(sorted({w for v in distinct for w in str(v).split()}))
    parts = pd.DataFrame([_split_one(str(v), key) for v in distinct],
                         columns=["first_name", "surname"], index=distinct, dtype=object)
    out = parts.reindex(text.to_numpy())
    out.index = names.index
    return out.astype("string")
