"""Contact details: digits, phone numbers, e-mail addresses and their parts.

Examples
--------
>>> import pandas as pd
>>> phone(pd.Series(["+44 7700 900123", "07700 900123"])).tolist()
['07700900123', '07700900123']
>>> email(pd.Series([" John.Smith+news@GoogleMail.com "])).tolist()
['johnsmith@gmail.com']
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from golden.errors import ConfigError
from golden.values.normaliser import Argument, Normaliser, PerValue, plain
from golden.values.strings import as_str, finish
from golden.values.text import WHITESPACE, lower

__all__ = [
    "NORMALISERS",
    "canonical_email_domain",
    "canonical_email_user",
    "digits_only",
    "email",
    "email_domain",
    "email_user",
    "phone",
]

_NOT_DIGIT_RE = "[^0-9]"
_EXTENSION_RE = (
    f"(?i)[{WHITESPACE}]*(?:ext(?:ension)?\\.?|x)[{WHITESPACE}]*[0-9]+[{WHITESPACE}]*$"
)
_TRUNK_ZERO_RE = rf"\([{WHITESPACE}]*0[{WHITESPACE}]*\)"
_PLUS_RE = f"^[{WHITESPACE}(]*\\+"
_MIN_PHONE_DIGITS = 7
_MAX_PHONE_DIGITS = 15  # E.164 maximum, country code included
_NATIONAL_MIN_LEN = 9
_TRIM_RE = f"^[{WHITESPACE}]+|[{WHITESPACE}]+$"
_EMAIL_RE = f"[^@{WHITESPACE}]+@[^@{WHITESPACE}]+\\.[^@{WHITESPACE}]+"
_GMAIL_DOMAINS = ("gmail.com", "googlemail.com")


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
    return finish(as_str(s).str.replace(_NOT_DIGIT_RE, "", regex=True))


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
    raw = raw.str.replace(_TRUNK_ZERO_RE, "", regex=True)
    plus = raw.str.contains(_PLUS_RE, regex=True, na=False).to_numpy(dtype=bool)
    d = raw.str.replace(_NOT_DIGIT_RE, "", regex=True)
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
    return finish(out.mask(too_short | too_long))


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


def _email_parts(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = lower(as_str(s).str.replace(_TRIM_RE, "", regex=True))
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
    return finish(local + "@" + domain)


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
    return finish(_email_parts(s)[0])


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
    return finish(_email_parts(s)[1])


def canonical_email_user(s: pd.Series) -> pd.Series:
    """``email_user`` of addresses already in ``email``'s canonical form: the part before
    the "@", without validating again.

    Examples
    --------
    >>> import pandas as pd
    >>> canonical_email_user(email(pd.Series(["J.Smith+x@GMAIL.com", "bad", None]))).tolist()
    ['jsmith', nan, nan]
    """
    return finish(as_str(s).str.replace("@.*", "", regex=True))


def canonical_email_domain(s: pd.Series) -> pd.Series:
    """``email_domain`` of addresses already in ``email``'s canonical form.

    Examples
    --------
    >>> import pandas as pd
    >>> canonical_email_domain(email(pd.Series(["J.Smith+x@GMAIL.com", None]))).tolist()
    ['gmail.com', nan]
    """
    return finish(as_str(s).str.replace("^[^@]*@", "", regex=True))


# --------------------------------------------------------------------------- #
# per-value forms (the same expressions, compiled)
# --------------------------------------------------------------------------- #

_NOT_DIGIT = re.compile(_NOT_DIGIT_RE)
_EXTENSION = re.compile(_EXTENSION_RE)
_TRUNK_ZERO = re.compile(_TRUNK_ZERO_RE)
_PLUS = re.compile(_PLUS_RE)
_TRIM = re.compile(_TRIM_RE)
_EMAIL = re.compile(_EMAIL_RE)


def _phone_value(default_country_code: str = "44") -> PerValue:
    cc = _check_country_code(default_country_code)

    def one(text: str) -> str | None:
        raw = _TRUNK_ZERO.sub("", _EXTENSION.sub("", text))
        plus = _PLUS.search(raw) is not None
        digits = _NOT_DIGIT.sub("", raw)
        starts0 = digits.startswith("0")
        has00 = not plus and digits.startswith("00")
        bare_intl = (not plus and not starts0 and digits.startswith(cc)
                     and len(digits) >= len(cc) + _NATIONAL_MIN_LEN)
        body = digits[2:] if has00 else digits
        if plus or has00 or bare_intl:
            out = ("0" + body[len(cc):].lstrip("0") if body.startswith(cc)
                   else "00" + body)
        else:
            out = digits if starts0 else "0" + digits
        prefix = 2 if out.startswith("00") else 1
        if len(out) < _MIN_PHONE_DIGITS or len(out) - prefix > _MAX_PHONE_DIGITS:
            return None
        return out

    return one


def _email_parts_value(text: str) -> tuple[str, str] | None:
    text = _TRIM.sub("", text).lower()
    if not _EMAIL.fullmatch(text):
        return None
    at = text.index("@")
    local, domain = text[:at].split("+", 1)[0], text[at + 1:]
    if domain in _GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return (local, domain) if local else None


def _email_value(text: str) -> str | None:
    parts = _email_parts_value(text)
    return None if parts is None else f"{parts[0]}@{parts[1]}"


def _email_user_value(text: str) -> str | None:
    parts = _email_parts_value(text)
    return None if parts is None else parts[0]


def _email_domain_value(text: str) -> str | None:
    parts = _email_parts_value(text)
    return None if parts is None else parts[1]


def _is_country_code(value: Any) -> bool:
    try:
        _check_country_code(value)
    except ConfigError:
        return False
    return True


_COUNTRY_CODE = Argument("default_country_code", _is_country_code,
                         "a country calling code of 1 to 3 digits such as '44' or '1'",
                         required=False)

NORMALISERS = (
    Normaliser("digits_only", digits_only,
               plain(lambda text: _NOT_DIGIT.sub("", text) or None)),
    Normaliser("phone", phone, _phone_value, (_COUNTRY_CODE,)),
    Normaliser("email", email, plain(_email_value)),
    Normaliser("email_user", email_user, plain(_email_user_value),
               after={"email": canonical_email_user}),
    Normaliser("email_domain", email_domain, plain(_email_domain_value),
               after={"email": canonical_email_domain}),
)
