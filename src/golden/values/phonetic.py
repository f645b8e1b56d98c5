"""Phonetic codes: soundex, metaphone, NYSIIS and the match-rating codex.

Each code is computed with ``jellyfish`` on the ``clean_text`` of a value, keeping the
letters a-z only, once per distinct value.

Examples
--------
>>> import pandas as pd
>>> soundex(pd.Series(["Robert", "Rupert"])).tolist()
['R163', 'R163']
"""

from __future__ import annotations

import string as _string
from collections.abc import Callable

import jellyfish
import pandas as pd

from golden.values.normaliser import Normaliser, PerValue, plain
from golden.values.strings import as_str, map_distinct, via_distinct
from golden.values.text import clean_text, clean_value

__all__ = ["NORMALISERS", "match_rating_codex", "metaphone", "nysiis", "soundex"]

_ASCII_LETTERS = frozenset(_string.ascii_lowercase)


def _phonetic_code(encoder: Callable[[str], str]) -> Callable[[str], str | None]:
    """``encoder`` of a cleaned value's ASCII letters (None when there are none)."""
    def encode(value: str) -> str | None:
        letters = "".join(c for c in value if c in _ASCII_LETTERS)
        if not letters:
            return None
        try:
            return encoder(letters) or None
        except ValueError:  # e.g. match_rating_codex on non-alphabetic input
            return None

    return encode


def _phonetic(s: pd.Series, encoder: Callable[[str], str]) -> pd.Series:
    encode = _phonetic_code(encoder)

    def kernel(u: pd.Series) -> pd.Series:
        return map_distinct(clean_text(u), encode)

    return via_distinct(as_str(s), kernel)


def soundex(s: pd.Series) -> pd.Series:
    """Soundex code (e.g. "R163").

    The value is ``clean_text``-ed (so accented Latin letters become
    plain ones), then everything but the letters a-z is removed: a multi-word
    value is encoded as one word, and a value in another script has no code.
    Codes are computed with ``jellyfish`` once per distinct value.

    Parameters
    ----------
    s : pandas.Series
        Values of any dtype; non-text values are written as text first.

    Returns
    -------
    pandas.Series
        dtype ``"str"``, upper-case codes; null when there are no letters.

    Examples
    --------
    >>> import pandas as pd
    >>> soundex(pd.Series(["Robert", "Rupert", "O'Neil", "123", None])).tolist()
    ['R163', 'R163', 'O540', nan, nan]
    """
    return _phonetic(s, jellyfish.soundex)


def metaphone(s: pd.Series) -> pd.Series:
    """Metaphone code.

    The value is ``clean_text``-ed (so accented Latin letters become
    plain ones), then everything but the letters a-z is removed: a multi-word
    value is encoded as one word, and a value in another script has no code.
    Codes are computed with ``jellyfish`` once per distinct value.

    Parameters
    ----------
    s : pandas.Series
        Values of any dtype; non-text values are written as text first.

    Returns
    -------
    pandas.Series
        dtype ``"str"``, upper-case codes; null when there is nothing to encode.

    Examples
    --------
    >>> import pandas as pd
    >>> metaphone(pd.Series(["Stephen", "Steven", "Knight", None])).tolist()
    ['STFN', 'STFN', 'NT', nan]
    """
    return _phonetic(s, jellyfish.metaphone)


def nysiis(s: pd.Series) -> pd.Series:
    """NYSIIS code.

    The value is ``clean_text``-ed (so accented Latin letters become
    plain ones), then everything but the letters a-z is removed: a multi-word
    value is encoded as one word, and a value in another script has no code.
    Codes are computed with ``jellyfish`` once per distinct value.

    Parameters
    ----------
    s : pandas.Series
        Values of any dtype; non-text values are written as text first.

    Returns
    -------
    pandas.Series
        dtype ``"str"``, upper-case codes; null when there are no letters.

    Examples
    --------
    >>> import pandas as pd
    >>> nysiis(pd.Series(["Macintosh", "Mackintosh", None])).tolist()
    ['MCANT', 'MCANT', nan]
    """
    return _phonetic(s, jellyfish.nysiis)


def match_rating_codex(s: pd.Series) -> pd.Series:
    """Match Rating Approach codex.

    The value is ``clean_text``-ed (so accented Latin letters become
    plain ones), then everything but the letters a-z is removed: a multi-word
    value is encoded as one word, and a value in another script has no code.
    Codes are computed with ``jellyfish`` once per distinct value.

    Parameters
    ----------
    s : pandas.Series
        Values of any dtype; non-text values are written as text first.

    Returns
    -------
    pandas.Series
        dtype ``"str"``, upper-case codes; null when there are no letters.

    Examples
    --------
    >>> import pandas as pd
    >>> match_rating_codex(pd.Series(["Byrne", "Boern", None])).tolist()
    ['BYRN', 'BRN', nan]
    """
    return _phonetic(s, jellyfish.match_rating_codex)


def _phonetic_value(encoder: Callable[[str], str]) -> Callable[[], PerValue]:
    encode = _phonetic_code(encoder)

    def one(text: str) -> str | None:
        cleaned = clean_value(text)
        return encode(cleaned) if cleaned else None

    return plain(one)


NORMALISERS = (
    Normaliser("soundex", soundex, _phonetic_value(jellyfish.soundex)),
    Normaliser("metaphone", metaphone, _phonetic_value(jellyfish.metaphone)),
    Normaliser("nysiis", nysiis, _phonetic_value(jellyfish.nysiis)),
    Normaliser("match_rating_codex", match_rating_codex,
               _phonetic_value(jellyfish.match_rating_codex)),
)
