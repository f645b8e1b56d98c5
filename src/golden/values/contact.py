"""Contact details: digits, phone numbers, e-mail addresses and their parts.

Examples
--------
>>> import pandas as pd
>>> phone(pd.Series(["+44 7700 900123", "07700 900123"])).tolist()
['07700900123', '07700900123']
>>> phone_e164(pd.Series(["+34 612 34 56 78", "612 345 678"]), region="ES").tolist()
['+34612345678', '+34612345678']
>>> email(pd.Series([" John.Smith+news@GoogleMail.com "])).tolist()
['johnsmith@gmail.com']
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import phonenumbers

from golden.errors import ConfigError
from golden.values.normaliser import Argument, Normaliser, PerValue, plain
from golden.values.strings import as_str, finish, map_distinct
from golden.values.text import WHITESPACE, lower

__all__ = [
    "NORMALISERS",
    "canonical_email_domain",
    "canonical_email_user",
    "check_phone_region",
    "digits_only",
    "email",
    "email_domain",
    "email_user",
    "phone",
    "phone_e164",
    "phone_national",
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


# Separators people write inside phone numbers (spaces, brackets, dots, hyphens, dashes,
# slashes); libphonenumber reads everything else itself (the letters of vanity numbers,
# ";ext=", non-ASCII digits). Removing them first makes formats of one number one value.
_PHONE_SEPARATORS_RE = f"[{WHITESPACE}().\\-/\u2010-\u2015]"
_POSSIBLE = phonenumbers.ValidationResult.IS_POSSIBLE
# Country calling codes are prefix-free (E.164), so one alternation finds a number's code.
_CALLING_CODE_RE = "\\+(?:{})".format(
    "|".join(map(str, sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE))))
_E164_RE = _CALLING_CODE_RE + "[0-9]+"
_SUGGESTED_REGIONS = {"UK": "GB", "EL": "GR"}  # codes people use that ISO 3166 does not


def check_phone_region(region: Any, parameter: str = "region") -> str | None:
    """A phone region as libphonenumber names it: a two-letter ISO 3166 code, upper-cased
    ("es" → "ES"); None stays None.

    Raises
    ------
    ConfigError
        If ``region`` is not a region libphonenumber knows; the message says what to write
        instead (a calling code such as 34 names its region: ``region='ES'``).

    Examples
    --------
    >>> check_phone_region("es"), check_phone_region(None)
    ('ES', None)
    >>> check_phone_region(34)
    Traceback (most recent call last):
    ...
    golden.errors.ConfigError: region: got 34, expected a two-letter region code such as \
'ES', 'GB' or 'US' (ISO 3166-1 alpha-2); 34 is a country calling code: write region='ES'
    """
    if region is None:
        return None
    if isinstance(region, str) and region.strip().upper() in phonenumbers.SUPPORTED_REGIONS:
        return region.strip().upper()
    fix = ""
    if isinstance(region, (int, np.integer)) and not isinstance(region, (bool, np.bool_)):
        named = phonenumbers.region_code_for_country_code(int(region))
        if named in phonenumbers.SUPPORTED_REGIONS:
            fix = f"; {region} is a country calling code: write {parameter}={named!r}"
    elif isinstance(region, str) and region.strip().upper() in _SUGGESTED_REGIONS:
        fix = f"; write {parameter}={_SUGGESTED_REGIONS[region.strip().upper()]!r}"
    raise ConfigError(f"{parameter}: got {region!r}, expected a two-letter region code such as "
                      f"'ES', 'GB' or 'US' (ISO 3166-1 alpha-2){fix}")


def _is_region(value: Any) -> bool:
    """Whether ``value`` is a region as steps hold it: upper-case and known."""
    return isinstance(value, str) and value in phonenumbers.SUPPORTED_REGIONS


def _e164(text: str, region: str | None) -> str | None:
    """One phone number (separators already removed) in E.164 form, or None."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_possible_number_with_reason(number) != _POSSIBLE:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_e164(s: pd.Series, region: str | None = None) -> pd.Series:
    """Phone numbers in E.164 form ("+34612345678"), read by libphonenumber.

    A number written with its country ("+34 612 34 56 78", or "0034 612345678" where
    ``region`` dials out with "00") keeps it; a number written without one ("612 345
    678", "(415) 555-2671") is read as a number of ``region``, its trunk prefix removed
    ("07700 900123" in GB). An extension at the end ("x123", "ext. 123") is dropped.

    A value becomes null when libphonenumber cannot read it, or when its length cannot be
    that of a number of its country (too short, too long, a local number without its area
    code). Numbers are not checked against the ranges operators have been given: those
    change with every release of libphonenumber, and keys must not; so fictional numbers
    (07700 900123, 555 numbers) are kept, and a number written without its country in a
    source of another country keeps its digits (under the wrong country code), which
    ``golden.comparisons.phone`` still matches by its national number.

    libphonenumber costs some 20 µs a value, so the work is done once per distinct value,
    after separators are removed (so "612 34 56 78" and "612345678" are read once).

    Parameters
    ----------
    s : pandas.Series
        Phone numbers of any dtype.
    region : str, optional
        Region of numbers written without their country: a two-letter code such as "ES",
        "GB" or "US". None: only numbers written with "+" and their country are read.

    Returns
    -------
    pandas.Series
        dtype ``"str"``.

    Raises
    ------
    ConfigError
        If ``region`` is not a region code libphonenumber knows.

    Examples
    --------
    >>> import pandas as pd
    >>> phone_e164(pd.Series(["+34 612 34 56 78", "0034612345678", "612 345 678", "123",
    ...                       None]), region="ES").tolist()
    ['+34612345678', '+34612345678', '+34612345678', nan, nan]
    >>> phone_e164(pd.Series(["(415) 555-2671", "+1 415-555-2671"]), region="US").tolist()
    ['+14155552671', '+14155552671']
    >>> phone_e164(pd.Series(["+44 (0)7700 900123", "07700 900123"])).tolist()
    ['+447700900123', nan]
    """
    region = check_phone_region(region)
    text = as_str(s).str.replace(_EXTENSION_RE, "", regex=True)
    text = text.str.replace(_PHONE_SEPARATORS_RE, "", regex=True)
    return finish(map_distinct(text, lambda one: _e164(one, region)))


def phone_national(s: pd.Series) -> pd.Series:
    """The national significant number of E.164 numbers (``phone_e164``'s form): the
    digits after the country calling code. Null for anything else.

    Two sources that write one number with different country codes (one of them read with
    the wrong default region) agree on it.

    Parameters
    ----------
    s : pandas.Series
        Numbers in E.164 form.

    Returns
    -------
    pandas.Series
        dtype ``"str"``.

    Examples
    --------
    >>> import pandas as pd
    >>> phone_national(pd.Series(["+34612345678", "+14155552671", "+447700900123",
    ...                           "612345678", None])).tolist()
    ['612345678', '4155552671', '7700900123', nan, nan]
    """
    text = as_str(s)
    e164 = text.str.fullmatch(_E164_RE, na=False).to_numpy(dtype=bool)
    return finish(text.str.replace(f"^{_CALLING_CODE_RE}", "", regex=True).where(e164))


def _unreadable_phones(region: str | None = None) -> tuple[str, str]:
    """What becomes of values ``phone_e164`` cannot read, and what to do about it."""
    if region is None:
        return ("are not phone numbers written with '+' and their country code, and are "
                "treated as missing", "to read numbers written without one, give "
                "phone(region=...), e.g. region='ES'")
    return (f"are not phone numbers of region {region!r} nor numbers written with their "
            "country code, and are treated as missing",
            "check the region given to phone(region=...) and that the column holds phone "
            "numbers")


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
_PHONE_SEPARATORS = re.compile(_PHONE_SEPARATORS_RE)
_E164 = re.compile(_E164_RE)
_CALLING_CODE = re.compile(f"^{_CALLING_CODE_RE}")


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


def _phone_e164_value(region: str | None = None) -> PerValue:
    region = check_phone_region(region)

    def one(text: str) -> str | None:
        return _e164(_PHONE_SEPARATORS.sub("", _EXTENSION.sub("", text)), region)

    return one


def _phone_national_value(text: str) -> str | None:
    if _E164.fullmatch(text) is None:
        return None
    return _CALLING_CODE.sub("", text, count=1) or None


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

_REGION = Argument("region", _is_region,
                   "a two-letter region code such as 'ES', 'GB' or 'US' (upper-case)",
                   required=False)

NORMALISERS = (
    Normaliser("digits_only", digits_only,
               plain(lambda text: _NOT_DIGIT.sub("", text) or None)),
    Normaliser("phone", phone, _phone_value, (_COUNTRY_CODE,)),
    Normaliser("phone_e164", phone_e164, _phone_e164_value, (_REGION,),
               unreadable=_unreadable_phones),
    Normaliser("phone_national", phone_national, plain(_phone_national_value)),
    Normaliser("email", email, plain(_email_value)),
    Normaliser("email_user", email_user, plain(_email_user_value),
               after={"email": canonical_email_user}),
    Normaliser("email_domain", email_domain, plain(_email_domain_value),
               after={"email": canonical_email_domain}),
)
