"""Numbers as shops and forms write them: a price or an amount with its currency and its
thousands separators ("$1,999.00", "1.999,00 €", "69.71 GBP"), read as the plain number.

Examples
--------
>>> import pandas as pd
>>> amount(pd.Series(["$1,999.00", "1.999,00 €", "69.71 gbp", "12,5", "n/a", None])).tolist()
['1999.00', '1999.00', '69.71', '12.5', nan, nan]
"""

from __future__ import annotations

import re

import pandas as pd

from golden.values.normaliser import Normaliser, plain
from golden.values.strings import as_str, map_distinct, via_distinct

__all__ = ["NORMALISERS", "amount"]

_NUMBER = re.compile(r"-?\d[\d.,' \u00a0]*")
_GROUP = re.compile(r"[' \u00a0]")


def _amount_value(text: str) -> str | None:
    """One value's number as plain text (see ``amount``); None when it holds none."""
    found = _NUMBER.search(text)
    if found is None:
        return None
    number = _GROUP.sub("", found.group()).rstrip(".,")
    dot, comma = number.rfind("."), number.rfind(",")
    if dot >= 0 and comma >= 0:  # the last of the two marks the decimals
        decimal = "." if dot > comma else ","
        other = "," if decimal == "." else "."
        number = number.replace(other, "").replace(decimal, ".")
    elif comma >= 0:  # "12,5" and "1,999": decimals unless three digits follow, once
        whole, _, after = number.rpartition(",")
        thousands = number.count(",") > 1 or (len(after) == 3 and "," not in whole)
        number = number.replace(",", "") if thousands else f"{whole}.{after}"
    elif number.count(".") > 1:  # "1.999.000": thousands
        number = number.replace(".", "")
    return number or None


def amount(s: pd.Series) -> pd.Series:
    """The number in a price or amount, as plain text ``numeric_difference`` reads: the
    first number of each value, currency signs and words left out, thousands separators
    removed and a decimal comma read as a point.

    Parameters
    ----------
    s : pandas.Series
        Values of any dtype.

    Returns
    -------
    pandas.Series
        dtype ``"str"``; null where a value holds no number.
    """
    return via_distinct(as_str(s), lambda u: map_distinct(u, _amount_value))


NORMALISERS = (Normaliser("amount", amount, plain(_amount_value)),)
