r"""Text normalisers: case, accents, spaces, punctuation, ``clean_text`` and name keys.

Regular expressions here use only syntax that means the same in Python's ``re`` and in
RE2 (pyarrow's engine), and avoid ``\s``, ``\w``, ``\d`` so pandas keeps them on the fast
pyarrow path. Non-ASCII text is case-mapped with Python's own ``str.lower``/``str.upper``,
since pyarrow's mapping differs ("ß" → "ẞ"). Each normaliser's per-value form uses the
same compiled expressions and the same rules.

Examples
--------
>>> import pandas as pd
>>> names = pd.Series(["  José  O'Neil-Smith ", None, "..."])
>>> clean_text(names).tolist()
['jose oneil smith', nan, nan]
>>> clean_value("  José  O'Neil-Smith ")
'jose oneil smith'
"""

from __future__ import annotations

import re
import string as _string
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from golden.errors import ConfigError
from golden.values.normaliser import Argument, Normaliser, PerValue, plain
from golden.values.strings import as_str, finish, map_distinct, via_distinct

__all__ = [
    "DELETED_RE",
    "NORMALISERS",
    "PUNCTUATION",
    "WHITESPACE",
    "clean_text",
    "clean_value",
    "collapse_spaces",
    "escape_chars",
    "first",
    "first_surname",
    "initial",
    "last",
    "lower",
    "name_tokens",
    "remove_spaces",
    "strip_accents",
    "strip_punctuation",
    "upper",
]

# --------------------------------------------------------------------------- #
# character classes (valid in both Python re and RE2)
# --------------------------------------------------------------------------- #

#: White space, for use inside ``[...]``; literal characters rather than ``\s``, which
#: sends a pattern to Python's slower ``re`` in pandas.
WHITESPACE = (
    " \t\n\r\f\v\x1c\x1d\x1e\x1f\x85\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_APOSTROPHES = "'`´‘’‛ʼ′"
#: The punctuation that ``strip_punctuation`` turns into a space (apostrophes are deleted).
PUNCTUATION = (
    "".join(c for c in _string.punctuation if c not in _APOSTROPHES)
    + "‐‑‒–—―‖“”„‟«»‹›¡¿·•…§¶†‡″‴、。，．：；！？（）［］｛｝【】「」『』〈〉《》¦¨¯¸°±×÷¬"
)


def escape_chars(chars: str) -> str:
    r"""``chars`` escaped for use inside ``[...]`` (ASCII punctuation gets a backslash).

    Examples
    --------
    >>> print(escape_chars("a-]"))
    a\-\]
    """
    return "".join("\\" + c if c in _string.punctuation else c for c in chars)


_ZERO_WIDTH_RE = f"[{_ZERO_WIDTH}]+"
_WS_RUN_RE = f"[{WHITESPACE}]+"
#: Apostrophes and zero-width characters: what ``strip_punctuation`` deletes.
DELETED_RE = f"[{escape_chars(_APOSTROPHES)}{_ZERO_WIDTH}]+"
_SPACE_RE = f"[{escape_chars(PUNCTUATION)}{WHITESPACE}]+"  # one space in strip_punctuation

_SPECIAL_LETTERS = str.maketrans(
    {
        "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
        "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
        "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i", "ħ": "h", "Ħ": "H",
    }
)  # fmt: skip


# --------------------------------------------------------------------------- #
# vectorised kernels
# --------------------------------------------------------------------------- #


def _collapse(s: pd.Series) -> pd.Series:
    s = s.str.replace(_ZERO_WIDTH_RE, "", regex=True)
    return s.str.replace(_WS_RUN_RE, " ", regex=True).str.strip(" ")


def _strip_punct(s: pd.Series) -> pd.Series:
    s = s.str.replace(DELETED_RE, "", regex=True)
    return s.str.replace(_SPACE_RE, " ", regex=True).str.strip(" ")


def _deaccent_scalar(value: str) -> str:
    value = value.translate(_SPECIAL_LETTERS)
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _non_ascii(s: pd.Series) -> np.ndarray:
    return s.str.contains("[^\x00-\x7f]", regex=True, na=False).to_numpy(dtype=bool)


def _patch(
    out: pd.Series, s: pd.Series, rows: np.ndarray, func: Callable[[str], str | None]
) -> pd.Series:
    """``out`` with the ``rows`` replaced by ``func`` of ``s``, computed once per distinct value."""
    if not rows.any():
        return out
    converted = map_distinct(s[rows], func)
    arr = out.array.copy()
    arr[rows] = converted.array
    return pd.Series(arr, index=out.index, name=out.name, copy=False)


def _strip_accents(s: pd.Series) -> pd.Series:
    return _patch(s, s, _non_ascii(s), _deaccent_scalar)


def _lower(s: pd.Series) -> pd.Series:
    # Python's full case mapping for non-ASCII text: pyarrow's differs ("İ", new letters)
    return _patch(s.str.lower(), s, _non_ascii(s), str.lower)


def _upper(s: pd.Series) -> pd.Series:
    # Python's full case mapping for non-ASCII text: pyarrow's gives "ß" -> "ẞ", not "SS"
    return _patch(s.str.upper(), s, _non_ascii(s), str.upper)


def _clean(s: pd.Series) -> pd.Series:
    return _strip_punct(_lower(_strip_accents(s)))


def _sorted_tokens(value: str) -> str:
    return " ".join(sorted(set(value.split(" "))))


def _check_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ConfigError(f"{name}: got {value!r}, expected an integer >= {minimum}")
    if value < minimum:
        raise ConfigError(f"{name}: got {value!r}, expected an integer >= {minimum}")
    return int(value)


def lower(s: pd.Series) -> pd.Series:
    """Lower-case text.

    Uses Python's full Unicode case mapping, whatever the string storage.

    Parameters
    ----------
    s : pandas.Series
        Values of any dtype; non-text values are written as text first.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; nulls and empty strings give null.

    Examples
    --------
    >>> import pandas as pd
    >>> lower(pd.Series(["SMITH", None, ""])).tolist()
    ['smith', nan, nan]
    """
    return finish(_lower(as_str(s)))


def upper(s: pd.Series) -> pd.Series:
    """Upper-case text.

    Uses Python's full Unicode case mapping, whatever the string storage
    ("ß" becomes "SS").

    Parameters
    ----------
    s : pandas.Series
        Values of any dtype; non-text values are written as text first.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; nulls and empty strings give null.

    Examples
    --------
    >>> import pandas as pd
    >>> upper(pd.Series(["sw1a 1aa", "Straße", None])).tolist()
    ['SW1A 1AA', 'STRASSE', nan]
    """
    return finish(_upper(as_str(s)))


def strip_accents(s: pd.Series) -> pd.Series:
    """Remove diacritics, keeping the base letters.

    Uses Unicode NFKD decomposition and drops combining marks, after mapping
    letters that do not decompose: ß→ss, æ→ae, œ→oe, ø→o, ł→l, đ/ð→d, þ→th,
    ı→i, ħ→h (and their capitals). NFKD also folds compatibility forms, e.g.
    the ligature "ﬁ" becomes "fi" and full-width letters become ASCII. Case is
    kept. Only values with non-ASCII characters are processed, once per
    distinct value.

    Parameters
    ----------
    s : pandas.Series
        Values of any dtype; non-text values are written as text first.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; nulls and empty strings give null.

    Examples
    --------
    >>> import pandas as pd
    >>> strip_accents(pd.Series(["José Müller", "Łódź", "Straße", None])).tolist()
    ['Jose Muller', 'Lodz', 'Strasse', nan]
    """
    return finish(_strip_accents(as_str(s)))


def collapse_spaces(s: pd.Series) -> pd.Series:
    """Trim, and collapse each run of whitespace to one space.

    Unicode spaces (no-break space, thin space, ideographic space ...) count as
    whitespace; zero-width characters (U+200B-U+200D, U+2060, U+FEFF) are removed.

    Parameters
    ----------
    s : pandas.Series
        Values of any dtype; non-text values are written as text first.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; nulls and blank strings give null.

    Examples
    --------
    >>> import pandas as pd
    >>> collapse_spaces(pd.Series(["  John \\t  Smith ", "   ", None])).tolist()
    ['John Smith', nan, nan]
    """
    return finish(_collapse(as_str(s)))


def remove_spaces(s: pd.Series) -> pd.Series:
    """Remove all whitespace (for codes such as postcodes: "SW1A 1AA" → "SW1A1AA").

    Examples
    --------
    >>> import pandas as pd
    >>> remove_spaces(pd.Series(["SW1A 1AA", " ", None])).tolist()
    ['SW1A1AA', nan, nan]
    """
    return finish(_collapse(as_str(s)).str.replace(" ", "", regex=False))


def strip_punctuation(s: pd.Series) -> pd.Series:
    """Remove punctuation.

    Apostrophes (``' ` ´ ‘ ’ ‛ ʼ ′``) are deleted, so "O'Neil" becomes "ONeil";
    every other punctuation mark or symbol from ASCII, plus common Unicode
    dashes, quotes, guillemets and CJK punctuation, becomes a space. Spaces
    are then collapsed and the value trimmed (as ``collapse_spaces``).
    Case and accents are kept.

    Parameters
    ----------
    s : pandas.Series
        Values of any dtype; non-text values are written as text first.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; nulls and values left empty give null.

    Examples
    --------
    >>> import pandas as pd
    >>> strip_punctuation(pd.Series(["o'neil-smith", "St. John's, Rd", "--", None])).tolist()
    ['oneil smith', 'St Johns Rd', nan, nan]
    """
    return finish(_strip_punct(as_str(s)))


def clean_text(s: pd.Series) -> pd.Series:
    """Default normalisation for names and free text.

    ``strip_accents``, then ``lower``, then ``strip_punctuation``
    (which also collapses spaces).

    Parameters
    ----------
    s : pandas.Series
        Values of any dtype; non-text values are written as text first.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; nulls and values left empty give null.

    Examples
    --------
    >>> import pandas as pd
    >>> clean_text(pd.Series(["  Zoë  O'BRIEN-Smith. ", "?!", None])).tolist()
    ['zoe obrien smith', nan, nan]
    """
    return finish(_clean(as_str(s)))


def name_tokens(s: pd.Series) -> pd.Series:
    """Word-order-free key: ``clean_text``, then tokens sorted, deduplicated, space-joined.

    Parameters
    ----------
    s : pandas.Series
        Values of any dtype; non-text values are written as text first.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; nulls and values left empty give null.

    Examples
    --------
    >>> import pandas as pd
    >>> name_tokens(pd.Series(["Smith  JOHN", "John Smith", "anne anne b", None])).tolist()
    ['john smith', 'john smith', 'anne b', nan]
    """

    def kernel(u: pd.Series) -> pd.Series:
        return map_distinct(finish(_clean(u)), _sorted_tokens)

    return via_distinct(as_str(s), kernel)


# Words that join or lead surnames ("de la Fuente", "García y López", "van der Berg"): read
# by the first-surname key, the two-surname levels and the full-name splitter alike.
SURNAME_PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "i", "e", "da", "das",
                               "do", "dos", "di", "van", "von", "der", "den"})


def _first_surname_of(cleaned: str) -> str | None:
    words = [w for w in cleaned.split() if w not in SURNAME_PARTICLES]
    return words[0] if words else None


def first_surname(s: pd.Series) -> pd.Series:
    """The first surname of a two-surname name (``clean_text``, particles left out):
    "García López", "GARCÍA" and "de la Fuente Ruiz" give "garcia", "garcia" and
    "fuente". A key for names that come with one surname or two.

    Parameters
    ----------
    s : pandas.Series
        Values of any dtype; non-text values are written as text first.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; nulls and values left empty give null.

    Examples
    --------
    >>> import pandas as pd
    >>> first_surname(pd.Series(["García López", "de la Fuente Ruiz", "Del", None])).tolist()
    ['garcia', 'fuente', nan, nan]
    """

    def kernel(u: pd.Series) -> pd.Series:
        return map_distinct(finish(_clean(u)), _first_surname_of)

    return via_distinct(as_str(s), kernel)


def first(s: pd.Series, n: int) -> pd.Series:
    """The first ``n`` characters.

    Parameters
    ----------
    s : pandas.Series
        Values of any dtype; non-text values are written as text first.
    n : int
        Number of characters, at least 1.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; nulls and empty strings give null.

    Raises
    ------
    ConfigError
        If ``n`` is not an integer >= 1.

    Examples
    --------
    >>> import pandas as pd
    >>> first(pd.Series(["smith", "li", None]), 3).tolist()
    ['smi', 'li', nan]
    """
    n = _check_int("n", n, 1)
    return finish(as_str(s).str.slice(0, n))


def last(s: pd.Series, n: int) -> pd.Series:
    """The last ``n`` characters.

    Parameters
    ----------
    s : pandas.Series
        Values of any dtype; non-text values are written as text first.
    n : int
        Number of characters, at least 1.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; nulls and empty strings give null.

    Raises
    ------
    ConfigError
        If ``n`` is not an integer >= 1.

    Examples
    --------
    >>> import pandas as pd
    >>> last(pd.Series(["07700900123", "12", None]), 4).tolist()
    ['0123', '12', nan]
    """
    n = _check_int("n", n, 1)
    return finish(as_str(s).str.slice(-n))


def initial(s: pd.Series) -> pd.Series:
    """First character of ``clean_text``.

    Parameters
    ----------
    s : pandas.Series
        Values of any dtype; non-text values are written as text first.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; nulls and values left empty give null.

    Examples
    --------
    >>> import pandas as pd
    >>> initial(pd.Series(["  Émile", "'Kate'", None])).tolist()
    ['e', 'k', nan]
    """
    return finish(_clean(as_str(s)).str.slice(0, 1))


# --------------------------------------------------------------------------- #
# per-value forms (the same expressions, compiled)
# --------------------------------------------------------------------------- #

_ZERO_WIDTH_RUN = re.compile(_ZERO_WIDTH_RE)
_WS_RUN = re.compile(_WS_RUN_RE)
_DELETED = re.compile(DELETED_RE)
_SPACE = re.compile(_SPACE_RE)


def _strip_accents_value(text: str) -> str:
    return text if text.isascii() else _deaccent_scalar(text)


def _collapse_value(text: str) -> str:
    return _WS_RUN.sub(" ", _ZERO_WIDTH_RUN.sub("", text)).strip(" ")


def _strip_punct_value(text: str) -> str:
    return _SPACE.sub(" ", _DELETED.sub("", text)).strip(" ")


def clean_value(text: str) -> str:
    """``clean_text`` of one value (the empty string where ``clean_text`` gives null).

    Examples
    --------
    >>> clean_value("Zoë O'BRIEN-Smith."), clean_value("?!")
    ('zoe obrien smith', '')
    """
    return _strip_punct_value(_strip_accents_value(text).lower())


def _name_tokens_value(text: str) -> str | None:
    cleaned = clean_value(text)
    return _sorted_tokens(cleaned) if cleaned else None


def _first_value(n: int) -> PerValue:
    n = _check_int("n", n, 1)
    return lambda text: text[:n] or None


def _last_value(n: int) -> PerValue:
    n = _check_int("n", n, 1)
    return lambda text: text[-n:] or None


_COUNT = Argument("n", lambda value: isinstance(value, int) and value >= 1,
                  "a whole number >= 1")

NORMALISERS = (
    Normaliser("lower", lower, plain(lambda text: text.lower() or None)),
    Normaliser("upper", upper, plain(lambda text: text.upper() or None)),
    Normaliser("strip_accents", strip_accents,
               plain(lambda text: _strip_accents_value(text) or None)),
    Normaliser("strip_punctuation", strip_punctuation,
               plain(lambda text: _strip_punct_value(text) or None)),
    Normaliser("collapse_spaces", collapse_spaces,
               plain(lambda text: _collapse_value(text) or None)),
    Normaliser("remove_spaces", remove_spaces,
               plain(lambda text: _collapse_value(text).replace(" ", "") or None)),
    Normaliser("clean_text", clean_text, plain(lambda text: clean_value(text) or None)),
    Normaliser("name_tokens", name_tokens, plain(_name_tokens_value)),
    Normaliser("first_surname", first_surname,
               plain(lambda text: _first_surname_of(clean_value(text)))),
    Normaliser("first", first, _first_value, (_COUNT,)),
    Normaliser("last", last, _last_value, (_COUNT,)),
    Normaliser("initial", initial, plain(lambda text: clean_value(text)[:1] or None)),
)
