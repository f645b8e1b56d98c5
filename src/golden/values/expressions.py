"""Column expressions: a column plus a chain of vectorised normalisers and key transforms.

Expressions are specs used wherever a value is needed: blocking keys, comparison inputs.

Examples
--------
>>> import pandas as pd
>>> from golden import col
>>> df = pd.DataFrame({"surname": ["Smith", "Smyth ", None]})
>>> col("surname").clean().soundex().evaluate(df).tolist()
['S530', 'S530', nan]
>>> col("surname").first(3).label
'first(surname, 3)'
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from golden._base.spec import Spec
from golden.errors import ConfigError, DataWarning
from golden.values import per_value
from golden.values.contact import check_phone_region
from golden.values.dates import date_iso, out_of_range
from golden.values.registry import NORMALISERS


@dataclass(frozen=True)
class Expr(Spec):
    """A column and the normalisers applied to it, in order.

    Build one with ``col``; each method returns a new expression.
    """

    kind = "expr"
    column: str
    steps: tuple[tuple[Any, ...], ...] = ()

    def __post_init__(self) -> None:
        problems = []
        if not isinstance(self.column, str) or not self.column:
            problems.append(f"column: got {self.column!r}, expected a non-empty column name")
        steps = tuple(tuple(step) for step in self.steps)
        object.__setattr__(self, "steps", steps)
        for step in steps:
            if not step or step[0] not in NORMALISERS:
                problems.append(f"step {step!r} is unknown; expected one of {sorted(NORMALISERS)}")
            elif (problem := NORMALISERS[step[0]].problem(step[1:])) is not None:
                problems.append(problem)
        if problems:
            raise ConfigError(problems)

    def _then(self, *step: Any) -> Expr:
        return Expr(self.column, (*self.steps, tuple(step)))

    @property
    def label(self) -> str:
        """A readable name such as ``soundex(surname)``."""
        text = self.column
        for name, *args in self.steps:
            text = f"{name}({', '.join([text, *map(str, args)])})"
        return text

    def evaluate(self, frame: pd.DataFrame) -> pd.Series:
        """Compute the expression on ``frame`` (vectorised)."""
        return self.apply_steps(frame[self.column])

    def apply_steps(self, values: pd.Series) -> pd.Series:
        """Apply this expression's steps to already-selected values (e.g. exploded lists).

        The steps run once per distinct value (see ``apply_to_distinct``).
        """
        if not self.steps:
            return values
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        distinct = self.apply_to_distinct(pd.Series(uniques), codes)
        return expand(distinct, codes).set_axis(values.index).rename(values.name)

    def apply_to_distinct(self, distinct: pd.Series, codes: np.ndarray) -> pd.Series:
        """Apply the steps to the distinct values of a column, whose rows hold ``codes``
        (-1 for null). Values that a date step cannot parse, and dates outside the range
        it was given, become null, with a ``DataWarning`` for each kind that counts the
        rows and shows examples.
        """
        weights = np.bincount(codes[codes >= 0], minlength=len(distinct))
        previous = None
        for step in self.steps:
            distinct = self.apply_step(step, distinct, weights, previous)
            previous = step
        return distinct

    def apply_step(self, step: tuple[Any, ...], distinct: pd.Series, weights: np.ndarray,
                   previous: tuple[Any, ...] | None = None) -> pd.Series:
        """Apply one step to distinct values, each held by ``weights`` rows; ``previous``
        is the step that made them, if any (some steps are cheaper after another)."""
        name, *args = step
        normaliser = NORMALISERS[name]
        if normaliser.unparseable_dates is not None:
            # a date step's arguments are its range: (earliest, latest)
            _warn_about_dates(distinct, weights, self.column, normaliser.unparseable_dates,
                              *args)
        # e.g. the parts of email()'s canonical addresses are split off, not validated again
        shorter = normaliser.shortcut(tuple(args), previous)
        if shorter is not None and len(distinct) > per_value.SMALL_INPUT:
            out = shorter(distinct)
        else:
            out = per_value.run(name, distinct, *args)
        if normaliser.unreadable is not None:
            _warn_about_unreadable(distinct, out, weights, self.column,
                                   normaliser.unreadable(*args))
        return out

    @property
    def parent(self) -> Expr:
        """The expression without its last step."""
        return Expr(self.column, self.steps[:-1])

    # Normalisers -------------------------------------------------------------------
    def lower(self) -> Expr:
        """Lower-case."""
        return self._then("lower")

    def upper(self) -> Expr:
        """Upper-case."""
        return self._then("upper")

    def strip_accents(self) -> Expr:
        """Remove accents ("José" → "Jose")."""
        return self._then("strip_accents")

    def strip_punctuation(self) -> Expr:
        """Remove punctuation."""
        return self._then("strip_punctuation")

    def collapse_spaces(self) -> Expr:
        """Trim and collapse runs of white space."""
        return self._then("collapse_spaces")

    def remove_spaces(self) -> Expr:
        """Remove all white space (codes such as postcodes)."""
        return self._then("remove_spaces")

    def clean(self) -> Expr:
        """Accents, case, punctuation and spaces normalised: the default for names."""
        return self._then("clean_text")

    def digits_only(self) -> Expr:
        """Keep digits only."""
        return self._then("digits_only")

    def phone(self, region: str | None = None) -> Expr:
        """Canonical phone number.

        With a ``region`` (a two-letter code such as "ES", "GB" or "US"): the number in
        E.164 form ("+34612345678"), read by libphonenumber, numbers written without their
        country read as numbers of ``region`` (see ``golden.values.contact.phone_e164``);
        values that are not phone numbers become null, with a ``DataWarning`` that counts
        them. Without one: golden's first, UK-centred national key (digits with a leading
        "0": "+44 7700 900123" → "07700900123"), which saved models name ``phone``.

        Examples
        --------
        >>> import pandas as pd
        >>> col("phone").phone(region="ES").label
        'phone_e164(phone, ES)'
        >>> col("phone").phone(region="US").evaluate(
        ...     pd.DataFrame({"phone": ["(415) 555-2671", "+1 415-555-2671"]})).tolist()
        ['+14155552671', '+14155552671']
        >>> col("phone").phone().label
        'phone(phone)'
        """
        if region is None:
            return self._then("phone")
        return self.phone_e164(region)

    def phone_e164(self, region: str | None = None) -> Expr:
        """Phone number in E.164 form read by libphonenumber: ``phone(region=...)``, and,
        with no region, only numbers written with "+" and their country code.

        Examples
        --------
        >>> col("phone").phone_e164("ES") == col("phone").phone(region="ES")
        True
        """
        if region is None:
            return self._then("phone_e164")
        return self._then("phone_e164", check_phone_region(region, "phone(region)"))

    def phone_national(self) -> Expr:
        """The national significant number of an E.164 number (its digits after the
        country code; null for anything else).

        Examples
        --------
        >>> col("phone").phone(region="ES").phone_national().label
        'phone_national(phone_e164(phone, ES))'
        """
        return self._then("phone_national")

    def email(self) -> Expr:
        """Canonical e-mail address (lower-case, no +tag, gmail dots removed)."""
        return self._then("email")

    def email_user(self) -> Expr:
        """The canonical e-mail's local part."""
        return self._then("email_user")

    def email_domain(self) -> Expr:
        """The canonical e-mail's domain."""
        return self._then("email_domain")

    def date(self, *, earliest: str | None = None, latest: str | None = None) -> Expr:
        """Parse dates of any year from common formats into ISO ``YYYY-MM-DD``
        (unparseable → null). With ``earliest`` / ``latest`` (ISO dates, both included),
        dates outside that range are treated as missing too.

        Examples
        --------
        >>> col("dob").date(earliest="1900-01-01").label
        'date_iso(dob, 1900-01-01)'
        """
        return self._then("date_iso", *_date_range(earliest, latest))

    def date_text(self, *, earliest: str | None = None, latest: str | None = None) -> Expr:
        """As ``date``, but invalid ``YYYYMMDD`` values ("19551192") are kept as text so
        typo levels can still compare them."""
        return self._then("date_text", *_date_range(earliest, latest))

    def year(self, *, earliest: str | None = None, latest: str | None = None) -> Expr:
        """Year of a date; ``earliest`` / ``latest`` as in ``date``."""
        return self._then("year", *_date_range(earliest, latest))

    def month(self, *, earliest: str | None = None, latest: str | None = None) -> Expr:
        """Month of a date; ``earliest`` / ``latest`` as in ``date``."""
        return self._then("month", *_date_range(earliest, latest))

    def year_month(self, *, earliest: str | None = None, latest: str | None = None) -> Expr:
        """Year and month of a date; ``earliest`` / ``latest`` as in ``date``."""
        return self._then("year_month", *_date_range(earliest, latest))

    def name_tokens(self) -> Expr:
        """Clean, sorted, de-duplicated name tokens (word order ignored)."""
        return self._then("name_tokens")

    def amount(self) -> Expr:
        """The number in a price or amount ("$1,999.00", "1.999,00 €" -> "1999.00")."""
        return self._then("amount")

    def first_surname(self) -> Expr:
        """The first surname of a two-surname name, cleaned, particles left out."""
        return self._then("first_surname")

    def first(self, n: int) -> Expr:
        """First ``n`` characters."""
        return self._then("first", n)

    def last(self, n: int) -> Expr:
        """Last ``n`` characters."""
        return self._then("last", n)

    def soundex(self) -> Expr:
        """Soundex code."""
        return self._then("soundex")

    def metaphone(self) -> Expr:
        """Metaphone code."""
        return self._then("metaphone")

    def nysiis(self) -> Expr:
        """NYSIIS code."""
        return self._then("nysiis")

    def match_rating_codex(self) -> Expr:
        """Match-rating-approach codex."""
        return self._then("match_rating_codex")

    def initial(self) -> Expr:
        """First letter."""
        return self._then("initial")

    def house_number(self) -> Expr:
        """House number from an address line."""
        return self._then("house_number")


def expand(distinct: pd.Series, codes: np.ndarray) -> pd.Series:
    """Row values from distinct values and the rows' codes (-1: null), index 0..n-1."""
    if distinct.empty:
        return distinct.reindex(range(len(codes)))
    return distinct.take(np.maximum(codes, 0)).where(codes >= 0).reset_index(drop=True)


def _date_range(earliest: str | None, latest: str | None) -> tuple[str | None, ...]:
    """A date step's arguments: ``(earliest, latest)`` without trailing Nones, so a step
    with no range stays ``("date_iso",)``."""
    if latest is not None:
        return (earliest, latest)
    return () if earliest is None else (earliest,)


def _warn_about_dates(values: pd.Series, weights: np.ndarray, column: str, fate: str,
                      earliest: str | None = None, latest: str | None = None) -> None:
    """Warn about distinct ``values`` (held ``weights`` times each) that are not dates and
    meet ``fate``, and, apart, about dates outside ``earliest`` / ``latest``."""
    iso_already = per_value.is_iso_dates(values)
    if iso_already and earliest is None and latest is None:
        return
    iso = values if iso_already else date_iso(values)
    present = (values.notna() & ~values.astype("string").str.strip().eq("").fillna(False)
               ).to_numpy(dtype=bool)
    not_dates = present & iso.isna().to_numpy(dtype=bool)
    outside = out_of_range(iso, earliest, latest)
    given = " / ".join(f"{name}={bound!r}" for name, bound in
                       (("earliest", earliest), ("latest", latest)) if bound is not None)
    for bad, what, fix in (
        (not_dates, f"are not dates in any format golden reads and are {fate}",
         "to read another format, parse the column first with "
         "golden.values.dates.parse_date(..., formats=[...])"),
        (outside, f"are dates outside {given} and are treated as missing",
         "to keep them, widen earliest= / latest= or leave them out"),
    ):
        rows = int(weights[bad].sum()) if len(weights) == len(bad) else int(bad.sum())
        if rows:
            examples = values[bad].head(3).tolist()
            warnings.warn(f"column {column!r}: {rows:,} value(s) {what}, e.g. {examples}; {fix}",
                          DataWarning, stacklevel=4)


def _warn_about_unreadable(values: pd.Series, normalised: pd.Series, weights: np.ndarray,
                           column: str, fate_and_fix: tuple[str, str]) -> None:
    """Warn about distinct ``values`` (held ``weights`` times each) that are present but
    became null: values a step could not read, which meet ``fate`` (and ``fix`` says what
    to do)."""
    fate, fix = fate_and_fix
    present = (values.notna() & ~values.astype("string").str.strip().eq("").fillna(False)
               ).to_numpy(dtype=bool)
    bad = present & normalised.isna().to_numpy(dtype=bool)
    rows = int(weights[bad].sum()) if len(weights) == len(bad) else int(bad.sum())
    if rows:
        examples = values[bad].head(3).tolist()
        warnings.warn(f"column {column!r}: {rows:,} value(s) {fate}, e.g. {examples}; {fix}",
                      DataWarning, stacklevel=4)


def col(column: str) -> Expr:
    """Refer to a column, to build a blocking key or comparison input.

    Examples
    --------
    >>> col("dob").year().label
    'year(dob)'
    """
    return Expr(column)


def as_expr(value: str | Expr, parameter: str) -> Expr:
    """Accept a column name or an expression; anything else is a ``ConfigError``."""
    if isinstance(value, Expr):
        return value
    if isinstance(value, str):
        return Expr(value)
    raise ConfigError(
        f"{parameter}: got {value!r} ({type(value).__name__}), expected a column name or col(...)"
    )
