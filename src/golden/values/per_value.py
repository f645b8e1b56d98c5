"""Per-value forms of the normalisers, for a handful of values (one record being matched).

The vectorised kernels in ``golden.values.normalise`` cost tens of microseconds per pandas or
pyarrow call whatever the number of values, so one record through a dozen expressions
takes tens of milliseconds. Here each normaliser also has a form that works on one Python
string, with the same regular expressions and the same rules; ``run`` uses it for inputs of
at most ``SMALL_INPUT`` values and the vectorised kernel otherwise. A form that cannot be
sure of a value (a date in anything but ISO form, say) declines, and the whole input goes
to the vectorised kernel. Tests check both give the same result on generated values.

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
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import jellyfish
import numpy as np
import pandas as pd

from golden.values import normalise as nz

if TYPE_CHECKING:
    from golden.values.expressions import Expr

SMALL_INPUT = 1_000  # values up to which the per-value forms beat the vectorised kernels

PerValue = Callable[[str], "str | None"]


class Decline(Exception):
    """A per-value form cannot be sure of a value: the vectorised kernel decides."""


def run(name: str, values: pd.Series, *args: Any) -> pd.Series:
    """The normaliser ``name`` (of ``golden.values.normalise``) applied to ``values``."""
    if values.dtype == object or values.dtype == nz._STR:
        texts = _by_value(name, values.tolist(), args)
        if texts is not None:
            return pd.Series(texts, dtype=nz._STR, index=values.index, name=values.name)
    return getattr(nz, name)(values, *args)


def run_steps(names: Sequence[str], values: pd.Series) -> pd.Series:
    """Argument-free normalisers ``names`` applied in turn, in one pass per value when
    there are few values.

    Examples
    --------
    >>> run_steps(["lower", "collapse_spaces"], pd.Series(["  Ann  LEE ", None])).tolist()
    ['ann lee', nan]
    """
    forms = [_form((name,)) for name in names]
    if (values.dtype == object or values.dtype == nz._STR) and None not in forms:
        texts = _by_value_steps(forms, values.tolist())  # type: ignore[arg-type]
        if texts is not None:
            return pd.Series(texts, dtype=nz._STR, index=values.index, name=values.name)
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
    out = getattr(nz, name)(pd.Series(list(values), dtype=object), *args)
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
    """One value as text, as ``_normalise.as_str`` writes it (None for null)."""
    if isinstance(value, str):
        return value
    if _is_null(value):
        return None
    if isinstance(value, dt.date | pd.Timestamp | np.datetime64):
        raise Decline  # the date kernels read these as dates, not text
    return nz._scalar_to_str(value)


def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_ZERO_WIDTH = _compiled(nz._ZERO_WIDTH_RE)
_WS_RUN = _compiled(nz._WS_RUN_RE)
_TRIM = _compiled(nz._TRIM_RE)
_DELETE = _compiled(nz._DELETE_RE)
_SPACE = _compiled(nz._SPACE_RE)
_NOT_DIGIT = _compiled("[^0-9]")
_EXTENSION = _compiled(nz._EXTENSION_RE)
_TRUNK_ZERO = _compiled(rf"\([{nz._WS}]*0[{nz._WS}]*\)")
_PLUS = _compiled(f"^[{nz._WS}(]*\\+")
_EMAIL = _compiled(nz._EMAIL_RE)
_ISO_DATE = _compiled("([0-9]{4})-([0-9]{2})-([0-9]{2})")
_HOUSE_TOKEN = _compiled(r"(?s)^.*?(?:^|[^0-9a-z])([0-9]+[a-z]*).*")
_BARE_TOKEN = _compiled("[0-9]+[a-z]*")
_LONG_SUFFIX = _compiled("^([0-9]+)[a-z][a-z]+$")


# Text --------------------------------------------------------------------------------


def _strip_accents(text: str) -> str:
    return text if text.isascii() else nz._deaccent_scalar(text)


def _collapse(text: str) -> str:
    return _WS_RUN.sub(" ", _ZERO_WIDTH.sub("", text)).strip(" ")


def _strip_punct(text: str) -> str:
    return _SPACE.sub(" ", _DELETE.sub("", text)).strip(" ")


def _clean(text: str) -> str:
    return _strip_punct(_strip_accents(text).lower())


def _constant(form: PerValue) -> Callable[[], PerValue]:
    """A form without arguments."""
    return lambda: form


def _first(n: int) -> PerValue:
    n = nz._check_int("n", n, 1)
    return lambda text: text[:n] or None


def _last(n: int) -> PerValue:
    n = nz._check_int("n", n, 1)
    return lambda text: text[-n:] or None


def _house_number(text: str) -> str | None:
    if not text.isascii():
        raise Decline  # pyarrow and Python case-map some non-ASCII letters differently
    token = _HOUSE_TOKEN.sub(r"\1", text.lower())
    if not _BARE_TOKEN.fullmatch(token):
        return None
    return _LONG_SUFFIX.sub(r"\1", token) or None


def _name_tokens(text: str) -> str | None:
    cleaned = _clean(text)
    return " ".join(sorted(set(cleaned.split(" ")))) if cleaned else None


def _phonetic(encoder: Callable[[str], str]) -> Callable[[], PerValue]:
    encode = nz._phonetic_code(encoder)

    def one(text: str) -> str | None:
        cleaned = _clean(text)
        return encode(cleaned) if cleaned else None

    return _constant(one)


# Phones and e-mails --------------------------------------------------------------------


def _phone(default_country_code: str = "44") -> PerValue:
    cc = nz._check_country_code(default_country_code)

    def one(text: str) -> str | None:
        raw = _TRUNK_ZERO.sub("", _EXTENSION.sub("", text))
        plus = _PLUS.search(raw) is not None
        digits = _NOT_DIGIT.sub("", raw)
        starts0 = digits.startswith("0")
        has00 = not plus and digits.startswith("00")
        bare_intl = (not plus and not starts0 and digits.startswith(cc)
                     and len(digits) >= len(cc) + nz._NATIONAL_MIN_LEN)
        body = digits[2:] if has00 else digits
        if plus or has00 or bare_intl:
            out = ("0" + body[len(cc):].lstrip("0") if body.startswith(cc)
                   else "00" + body)
        else:
            out = digits if starts0 else "0" + digits
        prefix = 2 if out.startswith("00") else 1
        if len(out) < nz._MIN_PHONE_DIGITS or len(out) - prefix > nz._MAX_PHONE_DIGITS:
            return None
        return out

    return one


def _email_parts(text: str) -> tuple[str, str] | None:
    text = _TRIM.sub("", text).lower()
    if not _EMAIL.fullmatch(text):
        return None
    at = text.index("@")
    local, domain = text[:at].split("+", 1)[0], text[at + 1:]
    if domain in nz._GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return (local, domain) if local else None


def _email(text: str) -> str | None:
    parts = _email_parts(text)
    return None if parts is None else f"{parts[0]}@{parts[1]}"


def _email_user(text: str) -> str | None:
    parts = _email_parts(text)
    return None if parts is None else parts[0]


def _email_domain(text: str) -> str | None:
    parts = _email_parts(text)
    return None if parts is None else parts[1]


# Dates ---------------------------------------------------------------------------------


def _date_iso(text: str) -> str | None:
    """An ISO date in range, as it is; anything else declines."""
    found = _ISO_DATE.fullmatch(text)
    if found is None:
        raise Decline
    year, month, day = map(int, found.groups())
    try:
        dt.date(year, month, day)
    except ValueError:
        raise Decline from None
    if not nz._MIN_YEAR <= year <= nz._MAX_YEAR:
        raise Decline
    return text


def is_iso_dates(values: pd.Series) -> bool:
    """Whether a few values are all null or valid ISO dates in range (nothing to warn of).

    Examples
    --------
    >>> is_iso_dates(pd.Series(["1971-06-01", None])), is_iso_dates(pd.Series(["1971-02-31"]))
    (True, False)
    """
    if len(values) > SMALL_INPUT:
        return False
    try:
        for text in map(_text, values):
            if text is not None:
                _date_iso(text)
    except Decline:
        return False
    return True


FORMS: dict[str, Callable[..., PerValue]] = {
    "lower": _constant(lambda text: text.lower() or None),
    "upper": _constant(lambda text: text.upper() or None),
    "strip_accents": _constant(lambda text: _strip_accents(text) or None),
    "collapse_spaces": _constant(lambda text: _collapse(text) or None),
    "remove_spaces": _constant(lambda text: _collapse(text).replace(" ", "") or None),
    "strip_punctuation": _constant(lambda text: _strip_punct(text) or None),
    "clean_text": _constant(lambda text: _clean(text) or None),
    "name_tokens": _constant(_name_tokens),
    "first": _first,
    "last": _last,
    "initial": _constant(lambda text: _clean(text)[:1] or None),
    "house_number": _constant(_house_number),
    "soundex": _phonetic(jellyfish.soundex),
    "metaphone": _phonetic(jellyfish.metaphone),
    "nysiis": _phonetic(jellyfish.nysiis),
    "match_rating_codex": _phonetic(jellyfish.match_rating_codex),
    "digits_only": _constant(lambda text: _NOT_DIGIT.sub("", text) or None),
    "phone": _phone,
    "email": _constant(_email),
    "email_user": _constant(_email_user),
    "email_domain": _constant(_email_domain),
    "date_iso": _constant(_date_iso),
    "date_text": _constant(_date_iso),  # a valid date reads the same in both
}


@functools.cache
def _form(step: tuple[Any, ...]) -> PerValue | None:
    factory = FORMS.get(step[0])
    return None if factory is None else factory(*step[1:])


def evaluate(expr: Expr, value: Any) -> Any:
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
    golden.values.per_value.Decline
    """
    if isinstance(value, list | tuple | np.ndarray):
        raise Decline
    if not expr.steps:
        return None if _is_null(value) else value
    text = _text(value)
    for step in expr.steps:
        if text is None:
            return None
        form = _form(step)
        if form is None:
            raise Decline
        text = form(text)
    return text


def _is_null(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, float) and value != value)
