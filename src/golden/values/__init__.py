"""Values: normalisers (vectorised and per value) and column expressions (``col``)."""

from __future__ import annotations

from golden.values.expressions import Expr, as_expr, col, expand
from golden.values.normalise import (
    as_str,
    clean_text,
    email,
    lower,
    phone,
    remove_spaces,
    strip_accents,
    upper,
)

__all__ = [
    "Expr",
    "as_expr",
    "as_str",
    "clean_text",
    "col",
    "email",
    "expand",
    "lower",
    "phone",
    "remove_spaces",
    "strip_accents",
    "upper",
]
