r"""Values: normalisers (vectorised and per value) and column expressions (``col``).

Each normaliser is declared once in its subject module (``text``, ``phonetic``,
``contact``, ``dates``, ``addresses``), with its vectorised kernel, its per-value form and
its arguments; ``registry`` gathers them, and ``Expr`` (``col("surname").soundex()``)
and ``per_value`` read them from there.

Contract shared by every normaliser:

* The input is a ``pandas.Series`` (other array-likes are wrapped in one);
  the output is a new Series with the same length, index and name.
* Nulls stay null: ``None``, ``NaN``, ``pd.NA`` and ``NaT`` in give null out.
  A value that normalises to the empty string also becomes null, so an empty
  key never makes two records look alike.
* Text results use the pandas string dtype with ``NaN`` as the missing value,
  ``pd.StringDtype(na_value=np.nan)`` (spelt ``"str"``, the default string
  dtype of pandas 3; pyarrow storage when pyarrow is installed). On pandas 2.2
  the same family is spelt ``pd.StringDtype("pyarrow_numpy")``. Missing values
  in text results are therefore ``NaN``. Date results use ``datetime64[s]``.
* Input of any dtype is accepted by the text functions: numbers are written
  as text first, and whole-number floats lose their ``.0`` (a postcode or phone
  column read as ``float`` because of missing values gives ``"12345"``, not
  ``"12345.0"``).
* Work that has no vectorised form (accent stripping, case mapping of
  non-ASCII text, phonetic codes, token sorting, date parsing) runs once per
  distinct value, and the results are mapped back onto the rows by their
  factorize codes.

Results do not depend on the string storage (pyarrow or python): regular
expressions use only syntax that means the same in Python's ``re`` and in RE2, and
non-ASCII text is case-mapped by Python (see ``golden.values.text``).

Examples
--------
>>> import pandas as pd
>>> from golden.values import clean_text, col
>>> clean_text(pd.Series(["  José  O'Neil-Smith ", None, "..."])).tolist()
['jose oneil smith', nan, nan]
>>> col("surname").soundex().evaluate(pd.DataFrame({"surname": ["Robert", "Rupert"]})).tolist()
['R163', 'R163']
"""

from __future__ import annotations

from golden.values.contact import email, phone
from golden.values.expressions import Expr, as_expr, col, expand
from golden.values.strings import as_str, finish, from_arrow, take, via_distinct
from golden.values.text import (
    DELETED_RE,
    PUNCTUATION,
    WHITESPACE,
    clean_text,
    escape_chars,
    lower,
    remove_spaces,
    strip_accents,
    upper,
)

__all__ = [
    "DELETED_RE",
    "PUNCTUATION",
    "WHITESPACE",
    "Expr",
    "as_expr",
    "as_str",
    "clean_text",
    "col",
    "email",
    "escape_chars",
    "expand",
    "finish",
    "from_arrow",
    "lower",
    "phone",
    "remove_spaces",
    "strip_accents",
    "take",
    "upper",
    "via_distinct",
]
