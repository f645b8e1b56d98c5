"""Every normaliser, by step name: the one table that expressions and ``per_value`` read.

A normaliser is declared once, in its subject module's ``NORMALISERS`` (see
``golden.values.normaliser``); this module gathers them.

Examples
--------
>>> NORMALISERS["soundex"].per_value is not None, NORMALISERS["year"].reads_dates
(True, True)
>>> sorted(name for name, n in NORMALISERS.items() if n.arguments)
['date_iso', 'date_text', 'first', 'last', 'month', 'phone', 'phone_e164', 'year', 'year_month']
"""

from __future__ import annotations

from collections.abc import Mapping

from golden.values import addresses, contact, dates, numbers, phonetic, text
from golden.values.normaliser import Normaliser

__all__ = ["NORMALISERS"]

#: Each normaliser by its step name.
NORMALISERS: Mapping[str, Normaliser] = {
    normaliser.name: normaliser
    for module in (text, addresses, phonetic, contact, dates, numbers)
    for normaliser in module.NORMALISERS
}
