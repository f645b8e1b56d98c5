"""Address normalisers: the house number of an address line.

Examples
--------
>>> import pandas as pd
>>> house_number(pd.Series(["Flat 3, 12 High St", "The Cottage"])).tolist()
['3', nan]
"""

from __future__ import annotations

import re

import pandas as pd

from golden.values.normaliser import Decline, Normaliser, plain
from golden.values.strings import as_str, finish

__all__ = ["NORMALISERS", "house_number"]

# the first stand-alone run of digits with the letters after it ("12", "12a", "12th")
_HOUSE_TOKEN_RE = r"(?s)^.*?(?:^|[^0-9a-z])([0-9]+[a-z]*).*"
_BARE_TOKEN_RE = "[0-9]+[a-z]*"
_LONG_SUFFIX_RE = "^([0-9]+)[a-z][a-z]+$"


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
    token = text.str.replace(_HOUSE_TOKEN_RE, r"\1", regex=True)
    # a value with no such number is left unchanged and cannot look like a bare token
    found = token.str.fullmatch(_BARE_TOKEN_RE, na=False).to_numpy(dtype=bool)
    token = token.where(found).str.replace(_LONG_SUFFIX_RE, r"\1", regex=True)
    return finish(token)


_HOUSE_TOKEN = re.compile(_HOUSE_TOKEN_RE)
_BARE_TOKEN = re.compile(_BARE_TOKEN_RE)
_LONG_SUFFIX = re.compile(_LONG_SUFFIX_RE)


def _house_number_value(text: str) -> str | None:
    if not text.isascii():
        raise Decline  # pyarrow and Python case-map some non-ASCII letters differently
    token = _HOUSE_TOKEN.sub(r"\1", text.lower())
    if not _BARE_TOKEN.fullmatch(token):
        return None
    return _LONG_SUFFIX.sub(r"\1", token) or None


NORMALISERS = (Normaliser("house_number", house_number, plain(_house_number_value)),)
