"""The source systems records come from, and how each captures, and mangles, customer
records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """How one source system captures, and mangles, customer records.

    Examples
    --------
    >>> PROFILES["web"].missing["phone"], PROFILES["callcentre"].all_caps
    (1.0, 0.5)
    """

    missing: Mapping[str, float]  # column -> probability the value was not captured
    typo: float  # probability of one typo in a name
    all_caps: float  # probability the system stored the record in upper case
    initial: float  # probability only the first initial of the first name was kept
    generic_phone: float  # probability the phone is the shared placeholder
    generic_email: float  # probability the email is a "no email" placeholder
    placeholder_dob: float  # probability the dob is 1900-01-01


PROFILES = {
    "crm": Profile(
        missing={"first_name": 0.01, "dob": 0.08, "email": 0.15, "phone": 0.1,
                 "street": 0.03, "city": 0.03, "postcode": 0.03},
        typo=0.03, all_caps=0.05, initial=0.03,
        generic_phone=0.01, generic_email=0.02, placeholder_dob=0.005,
    ),
    "web": Profile(
        missing={"dob": 0.35, "phone": 1.0, "street": 1.0, "city": 0.3, "postcode": 0.05},
        typo=0.02, all_caps=0.0, initial=0.0,
        generic_phone=0.0, generic_email=0.005, placeholder_dob=0.0,
    ),
    "app": Profile(
        missing={"dob": 0.15, "email": 0.02, "phone": 0.05,
                 "street": 0.5, "city": 0.4, "postcode": 0.5},
        typo=0.04, all_caps=0.0, initial=0.01,
        generic_phone=0.0, generic_email=0.005, placeholder_dob=0.0,
    ),
    "callcentre": Profile(
        missing={"first_name": 0.02, "surname": 0.01, "dob": 0.6, "email": 1.0,
                 "phone": 0.02, "street": 0.1, "city": 0.1, "postcode": 0.15},
        typo=0.07, all_caps=0.5, initial=0.02,
        generic_phone=0.06, generic_email=0.0, placeholder_dob=0.0,
    ),
}  # fmt: skip
