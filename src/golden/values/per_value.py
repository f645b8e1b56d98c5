"""Run normalisers by name, on a handful of values one by one, else vectorised.

The vectorised kernels cost tens of microseconds per pandas or pyarrow call whatever the
number of values, so one record through a dozen expressions takes tens of milliseconds.
So each normaliser may also have a per-value form that works on one Python string, with
the same regular expressions and the same rules (see ``golden.values.registry``); ``run``
uses it for inputs of at most ``SMALL_INPUT`` values and the vectorised kernel otherwise.
A form that cannot be sure of a value (a date in anything but ISO form, say) declines,
and the whole input goes to the vectorised kernel. Tests check both give the same result
on generated values.

Examples
--------
>>> import pandas as pd
>>> run("email", pd.Series([" John.Smith+news@GoogleMail.com ", None])).tolist()
['johnsmith@gmail.com', nan]
>>> run("date_iso", pd.Series(["1971-06-01", "1/6/1971"])).tolist()  # the second declines
['1971-06-01', '1971-06-01']
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import pandas as pd

from golden._base.cells import is_null
from golden.values.normaliser import Decline, PerValue
from golden.values.registry import NORMALISERS
from golden.values.strings import holds_text, scalar_to_str, text_like

__all__ = ["SMALL_INPUT", "Decline", "evaluate", "is_iso_dates", "run", "run_list",
           "run_steps"]

SMALL_INPUT = 1_000  # values up to which the per-value forms beat the vectorised kernels


class _Steps(Protocol):
    """Something with normaliser steps, such as an ``Expr``."""

    @property
    def steps(self) -> tuple[tuple[Any, ...], ...]: ...


def run(name: str, values: pd.Series, *args: Any) -> pd.Series:
    """The normaliser ``name`` (see ``golden.values.registry``) applied to ``values``.

    Examples
    --------
    >>> run("first", pd.Series(["Smith", None]), 2).tolist()
    ['Sm', nan]
    """
    if holds_text(values):
        texts = _by_value(name, values.tolist(), args)
        if texts is not None:
            return text_like(texts, values)
    return NORMALISERS[name].vectorised(values, *args)


def run_steps(names: Sequence[str], values: pd.Series) -> pd.Series:
    """Argument-free normalisers ``names`` applied in turn, in one pass per value when
    there are few values.

    Examples
    --------
    >>> run_steps(["lower", "collapse_spaces"], pd.Series(["  Ann  LEE ", None])).tolist()
    ['ann lee', nan]
    """
    forms = [_form((name,)) for name in names]
    if holds_text(values) and None not in forms:
        texts = _by_value_steps(forms, values.tolist())  # type: ignore[arg-type]
        if texts is not None:
            return text_like(texts, values)
    for name in names:
        values = run(name, values)
    return values


def _by_value_steps(forms: Sequence[PerValue], values: list[Any]) -> list[str | None] | None:
    """Each value through ``forms`` in turn (None once a form gives None); None when
    there are too many values or a form declines one."""
    if len(values) > SMALL_INPUT:
        return None
    out: list[str | None] = []
    try:
        for text in map(_text, values):
            for one in forms:
                if text is None:
                    break
                text = one(text)
            out.append(text)
    except Decline:
        return None
    return out


def run_list(name: str, values: Sequence[Any] | np.ndarray, *args: Any) -> list[Any]:
    """``run`` on plain values, returning a list (None for null) with no Series in between
    when there are few of them.

    Examples
    --------
    >>> run_list("metaphone", ["John", None])
    ['JN', None]
    """
    texts = _by_value(name, values, args)
    if texts is not None:
        return texts
    out = NORMALISERS[name].vectorised(pd.Series(list(values), dtype=object), *args)
    return out.astype(object).where(out.notna(), None).tolist()


def _by_value(name: str, values: Sequence[Any] | np.ndarray, args: tuple[Any, ...]
              ) -> list[str | None] | None:
    """The per-value form of ``name`` on a few values; None when there are too many, the
    step has no such form, or the form declines one of them."""
    one = _form((name, *args)) if len(values) <= SMALL_INPUT else None
    if one is None:
        return None
    try:
        return [None if text is None else one(text) for text in map(_text, values)]
    except Decline:
        return None


def _text(value: Any) -> str | None:
    """One value as text, as ``as_str`` writes it (None for null)."""
    if isinstance(value, str):
        return value
    if is_null(value):
        return None
    if isinstance(value, dt.date | pd.Timestamp | np.datetime64):
        raise Decline  # the date kernels read these as dates, not text
    return scalar_to_str(value)


def is_iso_dates(values: pd.Series) -> bool:
    """Whether a few values are all null or valid ISO dates, of any year (nothing to warn
    of unless a date step was given a range).

    Examples
    --------
    >>> is_iso_dates(pd.Series(["1630-08-01", None])), is_iso_dates(pd.Series(["1971-02-31"]))
    (True, False)
    """
    return _by_value("date_iso", values, ()) is not None


@functools.cache
def _form(step: tuple[Any, ...]) -> PerValue | None:
    normaliser = NORMALISERS.get(step[0])
    if normaliser is None or normaliser.per_value is None:
        return None
    return normaliser.per_value(*step[1:])


def evaluate(expr: _Steps, value: Any) -> Any:
    """``expr`` applied to one raw scalar (None for null), by the per-value forms; raises
    ``Decline`` when one of them cannot be sure (the caller runs the batch path instead).

    Examples
    --------
    >>> from golden import col
    >>> evaluate(col("email").email().email_domain(), " Ann@GoogleMail.com ")
    'gmail.com'
    >>> evaluate(col("dob").date(), "1/6/1971")
    Traceback (most recent call last):
    ...
    golden.values.normaliser.Decline
    """
    if isinstance(value, list | tuple | np.ndarray):
        raise Decline
    if not expr.steps:
        return None if is_null(value) else value
    text = _text(value)
    for step in expr.steps:
        if text is None:
            return None
        form = _form(step)
        if form is None:
            raise Decline
        text = form(text)
    return text

