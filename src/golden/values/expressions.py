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
from golden.values.dates import parse_date
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
        (-1 for null). Values that a date step cannot parse become null, with a
        ``DataWarning`` that counts the rows and shows examples.
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
            _warn_unparseable_dates(distinct, weights, self.column, normaliser.unparseable_dates)
        # e.g. the parts of email()'s canonical addresses are split off, not validated again
        shorter = normaliser.shortcut(tuple(args), previous)
        if shorter is not None and len(distinct) > per_value.SMALL_INPUT:
            return shorter(distinct)
        return per_value.run(name, distinct, *args)

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

    def phone(self) -> Expr:
        """Canonical national phone number (digits, leading 0)."""
        return self._then("phone")

    def email(self) -> Expr:
        """Canonical e-mail address (lower-case, no +tag, gmail dots removed)."""
        return self._then("email")

    def email_user(self) -> Expr:
        """The canonical e-mail's local part."""
        return self._then("email_user")

    def email_domain(self) -> Expr:
        """The canonical e-mail's domain."""
        return self._then("email_domain")

    def date(self) -> Expr:
        """Parse dates from common formats into ISO ``YYYY-MM-DD`` (unparseable → null)."""
        return self._then("date_iso")

    def date_text(self) -> Expr:
        """As ``date``, but invalid ``YYYYMMDD`` values ("19551192") are kept as text so
        typo levels can still compare them."""
        return self._then("date_text")

    def year(self) -> Expr:
        """Year of a date."""
        return self._then("year")

    def month(self) -> Expr:
        """Month of a date."""
        return self._then("month")

    def year_month(self) -> Expr:
        """Year and month of a date."""
        return self._then("year_month")

    def name_tokens(self) -> Expr:
        """Clean, sorted, de-duplicated name tokens (word order ignored)."""
        return self._then("name_tokens")

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


def _warn_unparseable_dates(values: pd.Series, weights: np.ndarray, column: str, fate: str
                            ) -> None:
    """Warn about distinct ``values`` (held ``weights`` times each) that are not dates and
    meet ``fate``."""
    if per_value.is_iso_dates(values):
        return
    parsed, _ = parse_date(values)
    bad = (values.notna() & ~values.astype("string").str.strip().eq("").fillna(False)
           & parsed.isna()).to_numpy(dtype=bool)
    failed = int(weights[bad].sum()) if len(weights) == len(bad) else int(bad.sum())
    if failed:
        examples = values[bad].head(3).tolist()
        warnings.warn(
            f"column {column!r}: {failed:,} value(s) are not dates in a recognised format "
            f"and are {fate}, e.g. {examples}",
            DataWarning,
            stacklevel=4,
        )


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
