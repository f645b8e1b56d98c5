r"""Vectorised value normalisers and key transforms.

These are the kernels behind golden's expression specs (``col("surname").lower()``,
``col("surname").soundex()``, ``col("dob").year()`` ...), used both for blocking
keys and for comparisons.

Contract shared by every function here:

* The input is a ``pandas.Series`` (other array-likes are wrapped in one);
  the output is a new Series with the same length, index and name.
* Nulls stay null: ``None``, ``NaN``, ``pd.NA`` and ``NaT`` in give null out.
  A value that normalises to the empty string also becomes null, so an empty
  key never makes two records look alike.
* Text results use the pandas string dtype with ``NaN`` as the missing value,
  ``pd.StringDtype(na_value=np.nan)`` (spelt ``"str"``, the default string
  dtype of pandas 3; pyarrow storage when pyarrow is installed). On pandas 2.2
  the same family is spelt ``pd.StringDtype("pyarrow_numpy")``. Missing values
  in text results are therefore ``NaN``. Date results use ``datetime64[ns]``.
* Input of any dtype is accepted by the text functions: numbers are written
  as text first, and whole-number floats lose their ``.0`` (a postcode or phone
  column read as ``float`` because of missing values gives ``"12345"``, not
  ``"12345.0"``).
* Work that has no vectorised form (accent stripping, case mapping of
  non-ASCII text, phonetic codes, token sorting, date parsing) runs once per
  distinct value, and the results are mapped back onto the rows by their
  factorize codes.

Results do not depend on the string storage (pyarrow or python): regular
expressions here use only syntax that means the same in Python's ``re``
and in RE2 (and avoid ``\s``, ``\w``, ``\d`` so pandas keeps them on the
fast pyarrow path), and non-ASCII text is case-mapped with Python's own
``str.lower``/``str.upper``, since pyarrow's mapping differs ("ß" → "ẞ").

Examples
--------
>>> import pandas as pd
>>> from golden.values.normalise import clean_text, soundex
>>> names = pd.Series(["  José  O'Neil-Smith ", None, "..."])
>>> clean_text(names).tolist()
['jose oneil smith', nan, nan]
>>> soundex(pd.Series(["Robert", "Rupert"])).tolist()
['R163', 'R163']
"""

from __future__ import annotations

import datetime as _dt
import string as _string
import unicodedata
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import jellyfish
import numpy as np
import pandas as pd

from golden.errors import ConfigError

__all__ = [
    "clean_text",
    "collapse_spaces",
    "date_iso",
    "date_text",
    "digits_only",
    "email",
    "email_domain",
    "email_user",
    "first",
    "house_number",
    "initial",
    "last",
    "lower",
    "match_rating_codex",
    "metaphone",
    "month",
    "name_tokens",
    "nysiis",
    "parse_date",
    "phone",
    "remove_spaces",
    "soundex",
    "strip_accents",
    "strip_punctuation",
    "upper",
    "year",
    "year_month",
]


# --------------------------------------------------------------------------- #
# dtype plumbing
# --------------------------------------------------------------------------- #


def _resolve_str_dtype() -> pd.StringDtype:
    """The NaN-missing string dtype: ``"str"`` on pandas >= 2.3, ``pyarrow_numpy`` on 2.2."""
    try:
        return pd.StringDtype(na_value=np.nan)
    except TypeError:  # pragma: no cover - pandas < 2.3
        try:
            return pd.StringDtype("pyarrow_numpy")
        except ImportError:
            return pd.StringDtype("python")


#: The dtype of every text result (``pd.StringDtype(na_value=np.nan)``, i.e. ``"str"``).
_STR: pd.StringDtype = _resolve_str_dtype()

_DATETIME = "datetime64[ns]"
_MIN_YEAR = 1850
_MAX_YEAR = 2100


def _as_series(s: Any) -> pd.Series:
    if isinstance(s, pd.Series):
        return s
    if isinstance(s, (pd.Index, np.ndarray, list, tuple, pd.api.extensions.ExtensionArray)):
        return pd.Series(s)
    raise TypeError(f"s: got {type(s).__name__}, expected a pandas Series")


def _scalar_to_str(value: Any) -> str | None:
    """Text form of one non-null scalar of an object column."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        f = float(value)
        if np.isnan(f):
            return None
        if f.is_integer() and abs(f) < 2**53:
            return str(int(f))
        return str(f)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value)


def _take(values: Any, codes: np.ndarray, like: pd.Series) -> pd.Series:
    """Map per-distinct text ``values`` back onto rows of ``like``; code -1 gives null."""
    arr = values if getattr(values, "dtype", None) == _STR else pd.array(values, dtype=_STR)
    taken = arr.take(np.asarray(codes, dtype=np.intp), allow_fill=True)
    return pd.Series(taken, index=like.index, name=like.name, copy=False)


def as_str(s: Any) -> pd.Series:
    """``s`` as a Series of dtype ``_STR``, numbers written without a spurious ``.0``."""
    s = _as_series(s)
    dtype = s.dtype
    if dtype == _STR:
        return s
    if isinstance(dtype, pd.StringDtype):
        return s.astype(_STR)
    if isinstance(dtype, pd.CategoricalDtype):
        cats = as_str(pd.Series(dtype.categories))
        return _take(cats.array, s.cat.codes.to_numpy(), s)
    if pd.api.types.is_float_dtype(dtype):
        vals = s.to_numpy(dtype=float, na_value=np.nan)
        finite = vals[~np.isnan(vals)]
        if (
            np.isfinite(finite).all()
            and (finite == np.trunc(finite)).all()
            and (np.abs(finite) < 2**53).all()
        ):
            return s.astype("Int64").astype(_STR)
        return s.astype(_STR)
    if pd.api.types.is_object_dtype(dtype):
        kind = pd.api.types.infer_dtype(s, skipna=True)
        if kind in ("string", "empty"):
            return s.astype(_STR)
        codes, uniques = pd.factorize(s)
        texts = [_scalar_to_str(u) for u in np.asarray(uniques, dtype=object)]
        return _take(texts, codes, s)
    return s.astype(_STR)


def _finish(s: pd.Series) -> pd.Series:
    """Cast to ``_STR`` and turn empty strings into nulls."""
    if s.dtype != _STR:
        s = s.astype(_STR)
    empty = (s.str.len() == 0).fillna(False).astype(bool)
    if empty.any():
        s = s.mask(empty)
    return s


def _map_distinct(s: pd.Series, func: Callable[[str], str | None]) -> pd.Series:
    """Apply a scalar ``func`` once per distinct non-null value of a ``_STR`` Series."""
    codes, uniques = pd.factorize(s)
    results = [func(u) for u in uniques.to_numpy(dtype=object)]
    return _take(results, codes, s)


def _via_distinct(s: pd.Series, func: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a vectorised ``func`` to the distinct values of ``s`` only, then map back."""
    codes, uniques = pd.factorize(s)
    out = func(pd.Series(uniques, dtype=_STR))
    return _take(_finish(out).array, codes, s)


def _check_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ConfigError(f"{name}: got {value!r}, expected an integer >= {minimum}")
    if value < minimum:
        raise ConfigError(f"{name}: got {value!r}, expected an integer >= {minimum}")
    return int(value)


# --------------------------------------------------------------------------- #
# character classes (valid in both Python re and RE2)
# --------------------------------------------------------------------------- #

# Literal characters rather than \s: pandas sends patterns with \s to Python's slower re.
_WS = " \t\n\r\f\v\x1c\x1d\x1e\x1f\x85\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_APOSTROPHES = "'`´‘’‛ʼ′"
_PUNCT_CHARS = (
    "".join(c for c in _string.punctuation if c not in _APOSTROPHES)
    + "‐‑‒–—―‖“”„‟«»‹›¡¿·•…§¶†‡″‴、。，．：；！？（）［］｛｝【】「」『』〈〉《》¦¨¯¸°±×÷¬"
)


def _escape(chars: str) -> str:
    """``chars`` escaped for use inside ``[...]`` (ASCII punctuation gets a backslash)."""
    return "".join("\\" + c if c in _string.punctuation else c for c in chars)


_ZERO_WIDTH_RE = f"[{_ZERO_WIDTH}]+"
_WS_RUN_RE = f"[{_WS}]+"
_TRIM_RE = f"^[{_WS}]+|[{_WS}]+$"
_DELETE_RE = f"[{_escape(_APOSTROPHES)}{_ZERO_WIDTH}]+"  # removed by strip_punctuation
_SPACE_RE = f"[{_escape(_PUNCT_CHARS)}{_WS}]+"  # become one space in strip_punctuation

_SPECIAL_LETTERS = str.maketrans(
    {
        "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
        "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
        "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i", "ħ": "h", "Ħ": "H",
    }
)  # fmt: skip


# --------------------------------------------------------------------------- #
# text
# --------------------------------------------------------------------------- #


def _trim(s: pd.Series) -> pd.Series:
    return s.str.replace(_TRIM_RE, "", regex=True)


def _collapse(s: pd.Series) -> pd.Series:
    s = s.str.replace(_ZERO_WIDTH_RE, "", regex=True)
    return s.str.replace(_WS_RUN_RE, " ", regex=True).str.strip(" ")


def _strip_punct(s: pd.Series) -> pd.Series:
    s = s.str.replace(_DELETE_RE, "", regex=True)
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
    converted = _map_distinct(s[rows], func)
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
    return _finish(_lower(as_str(s)))


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
    return _finish(_upper(as_str(s)))


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
    return _finish(_strip_accents(as_str(s)))


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
    return _finish(_collapse(as_str(s)))


def remove_spaces(s: pd.Series) -> pd.Series:
    """Remove all whitespace (for codes such as postcodes: "SW1A 1AA" → "SW1A1AA").

    Examples
    --------
    >>> import pandas as pd
    >>> remove_spaces(pd.Series(["SW1A 1AA", " ", None])).tolist()
    ['SW1A1AA', nan, nan]
    """
    return _finish(_collapse(as_str(s)).str.replace(" ", "", regex=False))


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
    return _finish(_strip_punct(as_str(s)))


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
    return _finish(_clean(as_str(s)))


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

    def sort_tokens(value: str) -> str:
        return " ".join(sorted(set(value.split(" "))))

    def kernel(u: pd.Series) -> pd.Series:
        return _map_distinct(_finish(_clean(u)), sort_tokens)

    return _via_distinct(as_str(s), kernel)


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
    return _finish(as_str(s).str.slice(0, n))


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
    return _finish(as_str(s).str.slice(-n))


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
    return _finish(_clean(as_str(s)).str.slice(0, 1))


def house_number(s: pd.Series) -> pd.Series:
    """The first stand-alone number in an address, with a one-letter suffix if present.

    A number counts when it starts the value or follows a character that is
    not a letter or digit (so the "1" in "SW1A" is skipped). One letter
    directly after the digits is kept ("12a", "221B" → "221b"); longer letter
    runs are not ("12th" → "12"). Output is lower case.

    Parameters
    ----------
    s : pandas.Series
        Address text of any dtype.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; null when there is no number.

    Examples
    --------
    >>> import pandas as pd
    >>> addresses = pd.Series(["221B Baker St", "Flat 3, 12 High St", "12th Floor", "The Cottage"])
    >>> house_number(addresses).tolist()
    ['221b', '3', '12', nan]
    """
    text = as_str(s).str.lower()
    # the first stand-alone run of digits with the letters after it ("12", "12a", "12th")
    token = text.str.replace(r"(?s)^.*?(?:^|[^0-9a-z])([0-9]+[a-z]*).*", r"\1", regex=True)
    # a value with no such number is left unchanged and cannot look like a bare token
    found = token.str.fullmatch("[0-9]+[a-z]*", na=False).to_numpy(dtype=bool)
    token = token.where(found).str.replace("^([0-9]+)[a-z][a-z]+$", r"\1", regex=True)
    return _finish(token)


# --------------------------------------------------------------------------- #
# phonetic codes
# --------------------------------------------------------------------------- #


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
        return _map_distinct(_finish(_clean(u)), encode)

    return _via_distinct(as_str(s), kernel)


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


# --------------------------------------------------------------------------- #
# phones and emails
# --------------------------------------------------------------------------- #


def digits_only(s: pd.Series) -> pd.Series:
    """Keep ASCII digits only.

    Parameters
    ----------
    s : pandas.Series
        Values of any dtype; whole-number floats are written without ``.0``.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; null when no digit is left.

    Examples
    --------
    >>> import pandas as pd
    >>> digits_only(pd.Series(["+44 (0)7700-900123", "n/a", None])).tolist()
    ['4407700900123', nan, nan]
    """
    return _finish(as_str(s).str.replace("[^0-9]", "", regex=True))


_EXTENSION_RE = f"(?i)[{_WS}]*(?:ext(?:ension)?\\.?|x)[{_WS}]*[0-9]+[{_WS}]*$"
_MIN_PHONE_DIGITS = 7
_MAX_PHONE_DIGITS = 15  # E.164 maximum, country code included
_NATIONAL_MIN_LEN = 9


def phone(s: pd.Series, default_country_code: str = "44") -> pd.Series:
    """Canonical phone number key (digits only).

    Steps: an extension at the end ("x123", "ext. 123") and a "(0)" trunk
    marker are removed, and the value is reduced to digits. Then:

    * International numbers, written with a leading "+" or "00", in the
      default country become national form: country code removed, a leading
      "0" added ("+44 7700 900123" and "0044 7700900123" → "07700900123").
      A stray trunk "0" after the country code is not doubled.
    * International numbers in other countries become "00" + country code +
      number ("+33 6 12 34 56 78" → "0033612345678").
    * Numbers with no prefix that start with the default country code and are
      at least 9 digits longer than it are taken as international without the
      "+" ("447700900123" → "07700900123").
    * Other numbers not starting with "0" get a leading "0" (a national number
      whose leading zero was lost in a numeric column).
    * Numbers starting with a single "0" are national and kept.

    A result with fewer than 7 digits becomes null, so the function is
    idempotent: ``phone(phone(s))`` equals ``phone(s)``. So does a value with
    more than 15 digits after its leading "0" or "00" (the E.164 maximum):
    usually two numbers in one field.

    Parameters
    ----------
    s : pandas.Series
        Phone numbers of any dtype.
    default_country_code : str, default "44"
        Country calling code of national numbers, 1 to 3 digits (a leading "+"
        is allowed; an int is accepted).

    Returns
    -------
    pandas.Series
        dtype ``"str"``.

    Raises
    ------
    ConfigError
        If ``default_country_code`` is not 1-3 digits.

    Examples
    --------
    >>> import pandas as pd
    >>> phone(pd.Series(["+44 7700 900123", "0044 7700900123", "07700 900123",
    ...                  "+44 (0)7700 900123", "+33 6 12 34 56 78", "123", None])).tolist()
    ['07700900123', '07700900123', '07700900123', '07700900123', '0033612345678', nan, nan]
    """
    cc = _check_country_code(default_country_code)
    raw = as_str(s)
    raw = raw.str.replace(_EXTENSION_RE, "", regex=True)
    raw = raw.str.replace(rf"\([{_WS}]*0[{_WS}]*\)", "", regex=True)
    plus = raw.str.contains(f"^[{_WS}(]*\\+", regex=True, na=False).to_numpy(dtype=bool)
    d = raw.str.replace("[^0-9]", "", regex=True)
    n_digits = d.str.len().to_numpy(dtype=float, na_value=0.0)
    starts00 = d.str.startswith("00", na=False).to_numpy(dtype=bool)
    starts0 = d.str.startswith("0", na=False).to_numpy(dtype=bool)
    starts_cc = d.str.startswith(cc, na=False).to_numpy(dtype=bool)

    has00 = ~plus & starts00
    bare_intl = ~plus & ~starts0 & starts_cc & (n_digits >= len(cc) + _NATIONAL_MIN_LEN)
    intl = plus | has00 | bare_intl
    national_no_zero = ~intl & ~starts0

    body = d.str.slice(2).where(has00, d)
    domestic = intl & body.str.startswith(cc, na=False).to_numpy(dtype=bool)
    national = "0" + body.str.slice(len(cc)).str.replace("^0+", "", regex=True)

    out = d.copy()
    out = out.mask(national_no_zero, "0" + d)
    out = out.mask(intl & ~domestic, "00" + body)
    out = out.mask(domestic, national)
    # judged on the result, so that phone(phone(s)) == phone(s)
    length = out.str.len().to_numpy(dtype=float, na_value=0.0)
    prefix = np.where(out.str.startswith("00", na=False).to_numpy(dtype=bool), 2, 1)
    too_short = length < _MIN_PHONE_DIGITS
    too_long = length - prefix > _MAX_PHONE_DIGITS  # e.g. two numbers in one field
    return _finish(out.mask(too_short | too_long))


def _check_country_code(code: Any) -> str:
    if isinstance(code, (int, np.integer)) and not isinstance(code, (bool, np.bool_)):
        code = str(int(code))
    if isinstance(code, str):
        text = code.strip().removeprefix("+")
        if text.isascii() and text.isdigit() and 1 <= len(text) <= 3 and text[0] != "0":
            return text
    raise ConfigError(
        f"default_country_code: got {code!r}, expected a country calling code of "
        "1 to 3 digits such as '44' or '1'"
    )


_EMAIL_RE = f"[^@{_WS}]+@[^@{_WS}]+\\.[^@{_WS}]+"
_GMAIL_DOMAINS = ("gmail.com", "googlemail.com")


def _email_parts(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = _lower(_trim(as_str(s)))
    text = text.where(text.str.fullmatch(_EMAIL_RE, na=False).to_numpy(dtype=bool))
    # valid values hold exactly one "@" and no whitespace (so no newline for "." to miss);
    # the local part ends at the "@" or at a "+tag" before it
    local = text.str.replace("[+@].*", "", regex=True)
    domain = text.str.replace("^[^@]*@", "", regex=True)
    gmail = domain.isin(_GMAIL_DOMAINS).to_numpy(dtype=bool)
    if gmail.any():
        local = local.mask(gmail, local.str.replace(".", "", regex=False))
        domain = domain.mask(gmail, "gmail.com")
    bad = (local.str.len() == 0).fillna(True).astype(bool).to_numpy()
    local = local.mask(bad)
    domain = domain.mask(bad)
    return local, domain


def email(s: pd.Series) -> pd.Series:
    """Canonical e-mail address.

    Trimmed and lower-cased; a "+tag" is removed from the local part; for
    gmail.com and googlemail.com the dots in the local part are removed and
    the domain becomes gmail.com. Invalid addresses (not exactly one "@",
    an empty part, whitespace inside, or a domain without an inner dot) give
    null.

    Parameters
    ----------
    s : pandas.Series
        E-mail addresses of any dtype.

    Returns
    -------
    pandas.Series
        dtype ``"str"``.

    Examples
    --------
    >>> import pandas as pd
    >>> email(pd.Series([" John.Smith+news@GoogleMail.com ", "j.smith@example.co.uk",
    ...                  "not-an-email", "a@b@c.com", None])).tolist()
    ['johnsmith@gmail.com', 'j.smith@example.co.uk', nan, nan, nan]
    """
    local, domain = _email_parts(s)
    return _finish(local + "@" + domain)


def email_user(s: pd.Series) -> pd.Series:
    """Local part (before "@") of the canonical ``email``.

    Parameters
    ----------
    s : pandas.Series
        E-mail addresses of any dtype.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; null for invalid addresses.

    Examples
    --------
    >>> import pandas as pd
    >>> email_user(pd.Series(["J.Smith+x@gmail.com", "bad", None])).tolist()
    ['jsmith', nan, nan]
    """
    return _finish(_email_parts(s)[0])


def email_domain(s: pd.Series) -> pd.Series:
    """Domain (after "@") of the canonical ``email``.

    Parameters
    ----------
    s : pandas.Series
        E-mail addresses of any dtype.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; null for invalid addresses.

    Examples
    --------
    >>> import pandas as pd
    >>> email_domain(pd.Series(["a@GoogleMail.com", "b@Example.org", "bad", None])).tolist()
    ['gmail.com', 'example.org', nan, nan]
    """
    return _finish(_email_parts(s)[1])


def canonical_email_user(s: pd.Series) -> pd.Series:
    """``email_user`` of addresses already in ``email``'s canonical form: the part before
    the "@", without validating again.

    Examples
    --------
    >>> import pandas as pd
    >>> canonical_email_user(email(pd.Series(["J.Smith+x@GMAIL.com", "bad", None]))).tolist()
    ['jsmith', nan, nan]
    """
    return _finish(as_str(s).str.replace("@.*", "", regex=True))


def canonical_email_domain(s: pd.Series) -> pd.Series:
    """``email_domain`` of addresses already in ``email``'s canonical form.

    Examples
    --------
    >>> import pandas as pd
    >>> canonical_email_domain(email(pd.Series(["J.Smith+x@GMAIL.com", None]))).tolist()
    ['gmail.com', nan]
    """
    return _finish(as_str(s).str.replace("^[^@]*@", "", regex=True))


# --------------------------------------------------------------------------- #
# dates
# --------------------------------------------------------------------------- #

_FORMATS_DAYFIRST: tuple[str, ...] = (
    "%Y-%m-%d",
    "%Y%m%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%B-%Y",
    "%d-%b-%Y",
    "%B %d %Y",
    "%b %d %Y",
)
_FORMATS_MONTHFIRST: tuple[str, ...] = (
    "%Y-%m-%d",
    "%Y%m%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    *_FORMATS_DAYFIRST[4:],
)
_TIME_RE = (
    f"(?i)(?:T|[{_WS}]+)[0-9]{{1,2}}:[0-9]{{2}}(?::[0-9]{{2}}(?:[.,][0-9]+)?)?"
    f"[{_WS}]*(?:am|pm)?[{_WS}]*(?:z|utc|gmt|[+-][0-9]{{2}}:?[0-9]{{2}})?$"
)
_ORDINAL_RE = r"(?i)\b([0-9]{1,2})(?:st|nd|rd|th)\b"


def _check_date_options(formats: Any, dayfirst: Any) -> tuple[str, ...]:
    problems = []
    if not isinstance(dayfirst, (bool, np.bool_)):
        problems.append(f"dayfirst: got {dayfirst!r}, expected True or False")
    fmts: tuple[str, ...] = ()
    if formats is None:
        fmts = _FORMATS_DAYFIRST if dayfirst else _FORMATS_MONTHFIRST
    elif (
        isinstance(formats, str)
        or not isinstance(formats, Sequence)
        or len(formats) == 0
        or not all(isinstance(f, str) and f for f in formats)
    ):
        problems.append(
            f"formats: got {formats!r}, expected None or a non-empty tuple of "
            "strftime format strings such as ('%d/%m/%Y', '%Y-%m-%d')"
        )
    else:
        fmts = tuple(formats)
    if problems:
        raise ConfigError(problems)
    return fmts


def _in_range(values: pd.Series) -> np.ndarray:
    years = values.dt.year.to_numpy(dtype=float, na_value=np.nan)
    return (years >= _MIN_YEAR) & (years <= _MAX_YEAR)


def _to_timestamp(value: Any) -> Any:
    nat = np.datetime64("NaT", "ns")
    try:
        ts = pd.Timestamp(value)
    except (ValueError, OverflowError, TypeError):
        return nat
    if ts is pd.NaT:
        return nat
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    if not _MIN_YEAR <= ts.year <= _MAX_YEAR:
        return nat
    return ts.as_unit("ns").to_datetime64()


def _parse_distinct(
    s: Any, formats: Any, dayfirst: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Series]:
    """Parse the distinct values of ``s``.

    Returns the factorize codes, the parsed distinct values (``datetime64[ns]``),
    a per-distinct "failed" flag, and the Series itself.
    """
    fmts = _check_date_options(formats, dayfirst)
    s = _as_series(s)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    codes, uniques = pd.factorize(s)
    n = len(uniques)
    parsed = np.full(n, np.datetime64("NaT"), dtype=_DATETIME)
    blank = np.zeros(n, dtype=bool)

    if pd.api.types.is_datetime64_dtype(uniques.dtype):
        u = pd.Series(uniques)
        ok = _in_range(u)
        parsed[ok] = u[ok].to_numpy(dtype=_DATETIME)
    else:
        values = np.asarray(uniques, dtype=object)
        is_date = np.fromiter(
            (isinstance(v, (_dt.date, np.datetime64)) for v in values), dtype=bool, count=n
        )
        for i in np.flatnonzero(is_date):
            parsed[i] = _to_timestamp(values[i])
        todo = np.flatnonzero(~is_date)
        if len(todo):
            text = as_str(pd.Series(values[todo], dtype=object))
            text = text.str.replace(",", " ", regex=False)
            if formats is None:
                text = text.str.replace(_TIME_RE, "", regex=True)
                text = text.str.replace(_ORDINAL_RE, r"\1", regex=True)
            text = _finish(_collapse(text))
            blank[todo] = text.isna().to_numpy()
            remaining = ~blank[todo]
            for fmt in fmts:
                if not remaining.any():
                    break
                cand_pos = np.flatnonzero(remaining)
                cand = text.iloc[cand_pos]
                if fmt == "%Y%m%d":
                    shape = cand.str.fullmatch("[0-9]{8}", na=False).to_numpy(dtype=bool)
                    cand, cand_pos = cand[shape], cand_pos[shape]
                    if len(cand) == 0:
                        continue
                got = pd.to_datetime(cand, format=fmt, errors="coerce")
                if isinstance(got.dtype, pd.DatetimeTZDtype):
                    got = got.dt.tz_localize(None)
                ok = _in_range(got)
                parsed[todo[cand_pos[ok]]] = got[ok].to_numpy(dtype=_DATETIME)
                remaining[cand_pos[ok]] = False

    parsed = parsed.astype("datetime64[D]").astype(_DATETIME)  # dates: drop the time of day
    failed = np.isnat(parsed) & ~blank
    return np.asarray(codes, dtype=np.intp), parsed, failed, s


def parse_date(
    s: pd.Series,
    *,
    formats: Sequence[str] | None = None,
    dayfirst: bool = True,
) -> tuple[pd.Series, int]:
    """Parse dates written in common formats.

    With ``formats=None`` these are tried in turn, each vectorised on the
    values still unparsed (and only once per distinct value):
    ``YYYY-MM-DD``, ``YYYYMMDD``, ``DD/MM/YYYY``, ``MM/DD/YYYY``,
    ``DD-MM-YYYY``, ``DD.MM.YYYY``, ``YYYY/MM/DD``, ``D Month YYYY``,
    ``D Mon YYYY``, ``D-Month-YYYY``, ``D-Mon-YYYY``, ``Month D YYYY`` and
    ``Mon D YYYY`` (English month names, any case). Day and month may have
    one digit. Commas are ignored, as are ordinal suffixes ("1st June 1971")
    and a trailing time of day ("1971-06-01T10:30:00Z"). With
    ``dayfirst=False`` ``MM/DD/YYYY`` is tried before ``DD/MM/YYYY``; either
    way the other order is the fallback for slash dates that only parse that
    way ("06/25/1971"). Two-digit years are not parsed by default (the century
    is a guess); pass ``formats`` with ``%y`` to accept them.

    Datetime input is taken as it is: a datetime64 column, ``datetime.date``,
    ``datetime.datetime``, ``pd.Timestamp`` or ``np.datetime64`` values in an
    object column, and time-zone-aware datetimes (their local wall time is
    kept). Whole numbers such as ``19710601`` are read as text. The result is
    a date: any time of day is dropped (values are at midnight). Dates with a
    year before 1850 or after 2100 are treated as unparseable.

    Parameters
    ----------
    s : pandas.Series
        Date text, datetimes, or a mix.
    formats : sequence of str, optional
        Formats to try instead of the defaults, in order (``pd.to_datetime``
        ``format`` strings, e.g. ``("%d/%m/%y",)``). No other clean-up than
        trimming and ignoring commas is done then.
    dayfirst : bool, default True
        Whether ambiguous slash dates are day first. Ignored with ``formats``.

    Returns
    -------
    parsed : pandas.Series
        dtype ``datetime64[ns]``; NaT for null, blank and unparseable values.
    failed : int
        Number of rows with a non-null, non-blank value that did not parse.

    Raises
    ------
    ConfigError
        If ``formats`` or ``dayfirst`` is invalid.

    Examples
    --------
    >>> import pandas as pd
    >>> parsed, failed = parse_date(pd.Series(["1971-06-01", "01/06/1971", "1 June 1971",
    ...                                        "19710601", "31/02/1971", None]))
    >>> parsed.dt.strftime("%Y-%m-%d").tolist()
    ['1971-06-01', '1971-06-01', '1971-06-01', '1971-06-01', nan, nan]
    >>> failed
    1
    """
    codes, parsed, failed, s = _parse_distinct(s, formats, dayfirst)
    counts = np.bincount(codes[codes >= 0], minlength=len(parsed))
    n_failed = int(counts[failed].sum())
    values = np.append(parsed, np.datetime64("NaT", "ns")).take(codes)
    return pd.Series(values, index=s.index, name=s.name, dtype=_DATETIME), n_failed


def _date_format(s: Any, fmt: str, formats: Any, dayfirst: Any) -> pd.Series:
    codes, parsed, _, s = _parse_distinct(s, formats, dayfirst)
    texts = pd.DatetimeIndex(parsed).strftime(fmt)
    out = pd.Series(np.asarray(texts, dtype=object)).astype(_STR)
    return _finish(_take(out.array, codes, s))


def date_iso(
    s: pd.Series, *, formats: Sequence[str] | None = None, dayfirst: bool = True
) -> pd.Series:
    """Date as ``"YYYY-MM-DD"`` text, a comparable key; see ``parse_date``.

    Parameters
    ----------
    s : pandas.Series
        Date text, datetimes, or a mix.
    formats : sequence of str, optional
        Passed to ``parse_date``.
    dayfirst : bool, default True
        Passed to ``parse_date``.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; null for null and unparseable values.

    Examples
    --------
    >>> import pandas as pd
    >>> date_iso(pd.Series(["1/6/1971", "1971-06-01", "not a date", None])).tolist()
    ['1971-06-01', '1971-06-01', nan, nan]
    """
    return _date_format(s, "%Y-%m-%d", formats, dayfirst)


def date_text(s: pd.Series) -> pd.Series:
    """Like ``date_iso``, but a value that is not a valid date and reads as eight digits
    ``YYYYMMDD`` (a typo such as "19551192") is kept as ``"1955-11-92"`` text, so
    typo-tolerant comparisons can still use it; other unparseable values are null.

    Examples
    --------
    >>> import pandas as pd
    >>> date_text(pd.Series(["19551192", "04/03/1990", "soon", None])).tolist()
    ['1955-11-92', '1990-03-04', nan, nan]
    """
    iso = date_iso(s)
    digits = digits_only(s)
    looks_like_date = digits.str.len().eq(8) & digits.str.match(r"(18|19|20)[0-9]{6}$")
    kept = digits.str[:4] + "-" + digits.str[4:6] + "-" + digits.str[6:8]
    return _finish(iso.where(iso.notna(), kept.where(looks_like_date.fillna(False))))


def year(s: pd.Series, *, formats: Sequence[str] | None = None, dayfirst: bool = True) -> pd.Series:
    """Four-digit year of a date, as text; see ``parse_date``.

    Parameters
    ----------
    s : pandas.Series
        Date text, datetimes, or a mix.
    formats : sequence of str, optional
        Passed to ``parse_date``.
    dayfirst : bool, default True
        Passed to ``parse_date``.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; null for null and unparseable values.

    Examples
    --------
    >>> import pandas as pd
    >>> year(pd.Series(["01/06/1971", pd.Timestamp("2001-12-31"), None])).tolist()
    ['1971', '2001', nan]
    """
    return _date_format(s, "%Y", formats, dayfirst)


def month(
    s: pd.Series, *, formats: Sequence[str] | None = None, dayfirst: bool = True
) -> pd.Series:
    """Two-digit month of a date, as text ("01" to "12"); see ``parse_date``.

    Parameters
    ----------
    s : pandas.Series
        Date text, datetimes, or a mix.
    formats : sequence of str, optional
        Passed to ``parse_date``.
    dayfirst : bool, default True
        Passed to ``parse_date``.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; null for null and unparseable values.

    Examples
    --------
    >>> import pandas as pd
    >>> month(pd.Series(["01/06/1971", "1971-12-01", None])).tolist()
    ['06', '12', nan]
    """
    return _date_format(s, "%m", formats, dayfirst)


def year_month(
    s: pd.Series, *, formats: Sequence[str] | None = None, dayfirst: bool = True
) -> pd.Series:
    """Year and month of a date, as ``"YYYY-MM"`` text; see ``parse_date``.

    Parameters
    ----------
    s : pandas.Series
        Date text, datetimes, or a mix.
    formats : sequence of str, optional
        Passed to ``parse_date``.
    dayfirst : bool, default True
        Passed to ``parse_date``.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; null for null and unparseable values.

    Examples
    --------
    >>> import pandas as pd
    >>> year_month(pd.Series(["01/06/1971", None])).tolist()
    ['1971-06', nan]
    """
    return _date_format(s, "%Y-%m", formats, dayfirst)
