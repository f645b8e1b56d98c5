"""The comparison library: ``Comparison`` and ready-made comparisons of customer attributes."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from golden._base.html import table
from golden._base.spec import Spec
from golden.comparisons.levels import (
    Agree,
    Alias,
    CompoundShortened,
    Custom,
    DateWithin,
    DayMonthSwapped,
    DiceAtLeast,
    DistanceWithin,
    Exact,
    FirstSurname,
    Initial,
    Level,
    NumericDifference,
    Phonetic,
    SameSurnames,
    SharedSurname,
    SharedValues,
    Similarity,
    Swapped,
    Transliterated,
    WordsCosine,
)
from golden.errors import ConfigError
from golden.values import Expr, as_expr
from golden.values.contact import check_phone_region

MAX_LEVELS = 100
MAX_JOINT_COLUMNS = 4
NULL_IF = ("any", "all")


@dataclass(frozen=True)
class Comparison(Spec):
    """One comparison: its inputs, its levels (most similar first) and options.

    Parameters
    ----------
    name : str
        Output name: columns ``gamma_<name>`` and ``mw_<name>``.
    inputs : tuple of Expr
        The values compared; most levels read input 0.
    levels : tuple of Level
        Most to least similar; null and else levels are implicit.
    term_frequency : bool
        Adjust exact-match weights by how common the value is (a match on a rare surname
        counts for more than on "Smith").
    null_inputs : tuple of int
        Inputs whose absence makes the pair "null" for this comparison (no evidence).
    null_if : {"any", "all"}
        ``"any"``: the pair is null when any of ``null_inputs`` is missing on either side.
        ``"all"``: only when none of them is present on both sides.
    """

    kind = "comparison"
    name: str
    inputs: tuple[Expr, ...]
    levels: tuple[Level, ...]
    term_frequency: bool = False
    null_inputs: tuple[int, ...] = (0,)
    null_if: str = "any"

    def __post_init__(self) -> None:
        inputs = tuple(as_expr(i, f"comparison {self.name!r} inputs") for i in self.inputs)
        object.__setattr__(self, "inputs", inputs)
        object.__setattr__(self, "levels", tuple(self.levels))
        object.__setattr__(self, "null_inputs", tuple(self.null_inputs))
        problems = []
        if not isinstance(self.name, str) or not self.name.isidentifier():
            problems.append(f"comparison name: got {self.name!r}, expected an identifier-like "
                            "name (letters, digits, underscores)")
        if not inputs:
            problems.append(f"comparison {self.name!r}: needs at least one input column")
        if not self.levels or len(self.levels) > MAX_LEVELS:
            problems.append(f"comparison {self.name!r}: needs 1 to {MAX_LEVELS} levels, got "
                            f"{len(self.levels)}")
        bad = [lv for lv in self.levels if not isinstance(lv, Level)]
        if bad:
            problems.append(f"comparison {self.name!r}: levels must be Level specs, got {bad}")
        read = sorted({i for level in self.levels if not bad for i in level.inputs_read})
        if any(not 0 <= i < len(inputs) for i in read):
            problems.append(f"comparison {self.name!r}: its levels read inputs {read}, but "
                            f"there are {len(inputs)}")
        if any(not 0 <= i < len(inputs) for i in self.null_inputs):
            problems.append(f"comparison {self.name!r}: null_inputs {self.null_inputs} refer "
                            f"to inputs that do not exist (there are {len(inputs)})")
        if self.null_if not in NULL_IF:
            problems.append(f"comparison {self.name!r}: null_if got {self.null_if!r}, "
                            f"expected one of {list(NULL_IF)}")
        if self.term_frequency and not any(lv.is_exact for lv in self.levels if not bad):
            problems.append(f"comparison {self.name!r}: term_frequency=True needs an exact level")
        if problems:
            raise ConfigError(problems)

    @property
    def columns(self) -> tuple[str, ...]:
        """Input columns the comparison reads."""
        return tuple(dict.fromkeys(i.column for i in self.inputs))

    @property
    def n_levels(self) -> int:
        """Number of gamma values besides null: the levels plus "else"."""
        return len(self.levels) + 1

    def level_labels(self) -> list[tuple[int, str]]:
        """``(gamma, label)`` for every level, null first and else last."""
        k = len(self.levels)
        return [(-1, "null"), *((k - i, lv.label) for i, lv in enumerate(self.levels)),
                (0, "else")]

    def tf_gammas(self) -> tuple[int, ...]:
        """Gamma values of exact levels that get term-frequency adjustments."""
        if not self.term_frequency:
            return ()
        k = len(self.levels)
        return tuple(k - i for i, lv in enumerate(self.levels) if lv.is_exact)

    def _repr_html_(self) -> str:
        """The comparison as HTML for notebooks: its name, columns and levels (gamma, label)."""
        tf = set(self.tf_gammas())
        rows = [[gamma, f"{label} (term frequency)" if gamma in tf else label]
                for gamma, label in self.level_labels()]
        caption = f"Comparison {self.name} ({', '.join(self.columns)})"
        return table(["gamma", "label"], rows, numeric={0}, caption=caption)


Column = str | Expr


def _comparison(column: Column, levels: Sequence[Level], name: str | None,
                term_frequency: bool = False) -> Comparison:
    expr = as_expr(column, "column")
    return Comparison(name or _default_name(expr), (expr,), tuple(levels), term_frequency)


def _default_name(expr: Expr) -> str:
    return expr.column if not expr.steps else "".join(
        c if c.isalnum() else "_" for c in expr.label).strip("_")


def _text(column: Column) -> Expr:
    expr = as_expr(column, "column")
    return expr.clean() if not expr.steps else expr


def exact(column: Column, *, term_frequency: bool = False, name: str | None = None
          ) -> Comparison:
    """Exact match or not.

    Examples
    --------
    >>> exact("postcode", term_frequency=True).tf_gammas()
    (1,)
    """
    return _comparison(column, [Exact()], name, term_frequency)


def _similarity_levels(metric: str, thresholds: Sequence[float]) -> list[Level]:
    if not thresholds:
        raise ConfigError(f"{metric}: give at least one threshold")
    return [Exact(), *(Similarity(metric, t) for t in thresholds)]


def jaro_winkler(column: Column, thresholds: Sequence[float] = (0.92, 0.8), *,
                 term_frequency: bool = False, name: str | None = None) -> Comparison:
    """Exact, then Jaro–Winkler similarity tiers.

    Examples
    --------
    >>> jaro_winkler("surname", (0.9,)).n_levels
    3
    """
    return _comparison(column, _similarity_levels("jaro_winkler", thresholds), name,
                       term_frequency)


def jaro(column: Column, thresholds: Sequence[float] = (0.92, 0.8), *,
         term_frequency: bool = False, name: str | None = None) -> Comparison:
    """Exact, then Jaro similarity tiers.

    Examples
    --------
    >>> jaro("city").levels[1].label
    'jaro >= 0.92'
    """
    return _comparison(column, _similarity_levels("jaro", thresholds), name, term_frequency)


def levenshtein(column: Column, distances: Sequence[int] = (1, 2), *,
                term_frequency: bool = False, name: str | None = None) -> Comparison:
    """Exact, then Levenshtein edit-distance tiers.

    Examples
    --------
    >>> levenshtein("postcode", (1,)).levels[1].label
    'levenshtein <= 1'
    """
    return _comparison(column, _similarity_levels("levenshtein", distances), name,
                       term_frequency)


def damerau_levenshtein(column: Column, distances: Sequence[int] = (1, 2), *,
                        term_frequency: bool = False, name: str | None = None) -> Comparison:
    """Exact, then Damerau–Levenshtein (transpositions count as one edit) tiers.

    Examples
    --------
    >>> damerau_levenshtein("phone").n_levels
    4
    """
    return _comparison(column, _similarity_levels("damerau_levenshtein", distances), name,
                       term_frequency)


def jaccard(column: Column, thresholds: Sequence[float] = (0.9, 0.6), *,
            name: str | None = None) -> Comparison:
    """Exact, then Jaccard similarity of the values' word tokens.

    Examples
    --------
    >>> jaccard("company").levels[2].label
    'jaccard >= 0.6'
    """
    return _comparison(column, _similarity_levels("jaccard", thresholds), name)


def free_text(column: Column, thresholds: Sequence[float] = (0.8, 0.6, 0.4), *,
              name: str | None = None) -> Comparison:
    """Exact, then the cosine of the values' words weighed by rarity (TF-IDF), for free
    text: product names, affiliations, titles. Rare shared words count for much, common
    ones for little; the word weights are learned by ``Linker.fit`` over every record and
    saved with the model.

    Examples
    --------
    >>> [level.label for level in free_text("title").levels]
    ['exact', 'words cosine >= 0.8', 'words cosine >= 0.6', 'words cosine >= 0.4']
    """
    if not thresholds:
        raise ConfigError("free_text: give at least one threshold")
    return _comparison(column, [Exact(), *(WordsCosine(t) for t in thresholds)], name)


def bloom_dice(column: Column, thresholds: Sequence[float] = (0.9, 0.8, 0.7), *,
               name: str | None = None) -> Comparison:
    """Exact, then Dice similarity of Bloom-filter encodings (``golden.privacy.bloom_encode``),
    for fuzzy matching without plaintext.

    Examples
    --------
    >>> [level.label for level in bloom_dice("clk").levels]
    ['exact', 'dice >= 0.9', 'dice >= 0.8', 'dice >= 0.7']
    """
    if not thresholds:
        raise ConfigError("bloom_dice: give at least one threshold")
    return _comparison(column, [Exact(), *(DiceAtLeast(t) for t in thresholds)], name)


def absolute_difference(column: Column, thresholds: Sequence[float], *,
                        name: str | None = None) -> Comparison:
    """Exact, then numeric absolute-difference tiers.

    Examples
    --------
    >>> absolute_difference("age", (1, 5)).levels[2].label
    'abs difference <= 5'
    """
    return _comparison(column, [Exact(), *(NumericDifference(t) for t in thresholds)], name)


def percentage_difference(column: Column, thresholds: Sequence[float], *,
                          name: str | None = None) -> Comparison:
    """Exact, then relative-difference tiers (0.1 = within 10% of the larger value).

    Examples
    --------
    >>> percentage_difference("income", (0.1,)).levels[1].label
    'within 10%'
    """
    return _comparison(column, [Exact(),
                                *(NumericDifference(t, relative=True) for t in thresholds)], name)


def date(column: Column, *, within_days: Sequence[float] = (31, 366, 3653),
         day_month_swap: bool = True, earliest: str | None = None, latest: str | None = None,
         name: str | None = None) -> Comparison:
    """Dates: exact, day/month swapped, then within-N-days tiers. Values are parsed from
    common formats first, whatever their year (unparseable → null); with ``earliest`` /
    ``latest`` (ISO dates), dates outside that range are treated as missing too.

    Examples
    --------
    >>> [lv.label for lv in date("signup").levels]
    ['exact', 'day and month swapped', 'within 31 days', 'within 366 days', 'within 3653 days']
    >>> date("signup", earliest="2000-01-01").inputs[0].label
    'date_iso(signup, 2000-01-01)'
    """
    expr = _dates(column, "date", earliest, latest)
    levels: list[Level] = [Exact()]
    if day_month_swap:
        levels.append(DayMonthSwapped())
    levels.extend(DateWithin(d) for d in within_days)
    return _comparison(expr, levels, name or expr.column)


def date_of_birth(column: Column, *, earliest: str | None = None, latest: str | None = None,
                  name: str | None = None) -> Comparison:
    """Dates of birth: exact, day/month swapped, one typo, within a month, a year, 10 years.

    Values are parsed from common formats, whatever their year; invalid ``YYYYMMDD`` values
    (a typo such as "19551192") are kept as text so the one-typo level can still match
    them. With ``earliest`` / ``latest`` (ISO dates), dates outside that range are treated
    as missing (say, placeholder dates such as 1800-01-01).

    Examples
    --------
    >>> date_of_birth("dob").n_levels
    7
    >>> date_of_birth("dob", earliest="1850-01-01").inputs[0].label
    'date_text(dob, 1850-01-01)'
    """
    expr = _dates(column, "date_text", earliest, latest)
    levels = [Exact(), DayMonthSwapped(), Similarity("damerau_levenshtein", 1),
              DateWithin(30.4375), DateWithin(365.25), DateWithin(3652.5)]
    return _comparison(expr, levels, name or expr.column)


def _dates(column: Column, step: str, earliest: str | None, latest: str | None) -> Expr:
    """The input of a date comparison: the column's dates read by ``step`` (``date`` or
    ``date_text``) in the range given, unless the expression has steps of its own."""
    expr = as_expr(column, "column")
    if not expr.steps:
        return getattr(expr, step)(earliest=earliest, latest=latest)
    if earliest is not None or latest is not None:
        raise ConfigError(
            f"earliest, latest: got earliest={earliest!r}, latest={latest!r} for "
            f"{expr.label}, which has steps of its own; give the range to its date step "
            f"instead, e.g. col({expr.column!r}).{step}(earliest=...)")
    return expr


def distance_km(latitude: Column, longitude: Column, km: Sequence[float] = (0.1, 1, 10), *,
                name: str = "distance") -> Comparison:
    """Great-circle distance tiers between coordinates.

    Examples
    --------
    >>> distance_km("lat", "lon").levels[0].label
    'within 0.1 km'
    """
    inputs = (as_expr(latitude, "latitude"), as_expr(longitude, "longitude"))
    return Comparison(name, inputs, tuple(DistanceWithin(k) for k in km), null_inputs=(0, 1))


def shared_values(column: Column, at_least: Sequence[int] = (2, 1), *, sep: str | None = None,
                  name: str | None = None) -> Comparison:
    """Multi-valued attributes (lists of e-mails or phones): how many values are shared.

    Examples
    --------
    >>> shared_values("phones", sep=";").levels[0].label
    '2+ shared values'
    """
    return _comparison(column, [SharedValues(k, sep) for k in at_least], name)


def name(column: Column, *, term_frequency: bool = True, name: str | None = None
         ) -> Comparison:
    """A personal name: exact, the same in Latin letters (Иванов, Ivanov; Müller, Mueller),
    Jaro–Winkler ≥ 0.92, a compound name shortened (María José, M. José), a familiar form
    (Bob, Robert; Pepe, José; Juanito, Juan Carlos), same metaphone, Jaro–Winkler ≥ 0.8,
    initial only.
    Values are cleaned (case, accents, punctuation) unless the column expression says
    otherwise.

    Examples
    --------
    >>> name("surname").term_frequency
    True
    >>> [level.label for level in name("first_name").levels][:4]
    ['exact', 'same in Latin letters', 'jaro_winkler >= 0.92', 'compound name shortened']
    """
    levels = [Exact(), Transliterated(), Similarity("jaro_winkler", 0.92),
              CompoundShortened(), Alias(), Phonetic("metaphone"),
              Similarity("jaro_winkler", 0.8), Initial()]
    expr = _text(column)
    return _comparison(expr, levels, name or expr.column, term_frequency)


def surnames(column: Column, *, term_frequency: bool = True, name: str | None = None
             ) -> Comparison:
    """Surnames where people carry two (Spanish, Portuguese, much of Latin America): exact,
    the same surnames in any order or with particles added or dropped ("López García",
    "García López"; "de la Fuente", "Fuente"), the same in Latin letters, Jaro–Winkler ≥
    0.92, the first surname alone ("García", "García López"), a surname shared in any
    position, same metaphone, Jaro–Winkler ≥ 0.8.

    Examples
    --------
    >>> [level.label for level in surnames("surname").levels][4:6]
    ['first surname alone', 'a surname shared']
    """
    levels = [Exact(), SameSurnames(), Transliterated(), Similarity("jaro_winkler", 0.92),
              FirstSurname(), SharedSurname(), Phonetic("metaphone"),
              Similarity("jaro_winkler", 0.8)]
    expr = _text(column)
    return _comparison(expr, levels, name or expr.column, term_frequency)


def forename_surname(forename: Column, surname: Column, *, name: str = "full_name"
                     ) -> Comparison:
    """Forename and surname together: both exact, swapped, surname exact and forename close,
    forename exact, surname exact.

    Examples
    --------
    >>> [lv.label for lv in forename_surname("first", "last").levels][:2]
    ['exact and exact (input 1)', 'swapped']
    """
    inputs = (_text(forename), _text(surname))
    levels = [Exact() & Exact(1), Swapped(0, 1),
              Exact(1) & Similarity("jaro_winkler", 0.88), Exact(), Exact(1)]
    return Comparison(name, inputs, tuple(levels), null_inputs=(0, 1))


def email(column: Column, *, name: str | None = None) -> Comparison:
    """E-mail: exact (canonical form), same user part, similar user part, same domain.

    Examples
    --------
    >>> [lv.label for lv in email("email").levels]
    ['exact', 'same user', 'jaro_winkler >= 0.88 (user)', 'same domain']
    """
    expr = as_expr(column, "column")
    canonical = expr.email() if not expr.steps else expr
    inputs = (canonical, canonical.email_user(), canonical.email_domain())
    levels = [Exact(), Exact(1, "user"), _UserSimilarity("jaro_winkler", 0.88, 1),
              Exact(2, "domain")]
    return Comparison(name or expr.column, inputs, tuple(levels))


@dataclass(frozen=True)
class _UserSimilarity(Similarity):
    kind = "user_similarity"

    @property
    def label(self) -> str:
        return f"{super().label} (user)"


def postcode(column: Column, *, name: str | None = None) -> Comparison:
    """Postcode: exact, then shared prefixes of decreasing length (sector, district, area).

    Spaces are removed and letters upper-cased first.

    Examples
    --------
    >>> [lv.label for lv in postcode("postcode").levels]
    ['exact', 'first 4 equal', 'first 3 equal', 'first 2 equal']
    """
    expr = as_expr(column, "column")
    expr = expr.upper().strip_punctuation().remove_spaces() if not expr.steps else expr
    inputs = (expr, expr.first(4), expr.first(3), expr.first(2))
    levels = [Exact(), _Prefix(1, length=4), _Prefix(2, length=3), _Prefix(3, length=2)]
    return Comparison(name or expr.column, inputs, tuple(levels), term_frequency=True)


@dataclass(frozen=True)
class _Prefix(Exact):
    kind = "prefix"
    length: int = 1

    @property
    def label(self) -> str:
        return f"first {self.length} equal"

    @property
    def is_exact(self) -> bool:
        return False


def joint(name: str, columns: Sequence[Column]) -> Comparison:
    """Columns that agree together for reasons other than being one person, as one comparison.

    A household shares a surname, an address and a landline. Compared one by one, each
    agreement adds its own large weight, as if independent, and two relatives look like one
    person. Compared jointly, each *combination* of agreeing columns is one level (all of
    them, then each smaller subset, largest first), with its own m and u: agreeing on all
    three counts once, as much as it is worth. Values are compared exactly (text columns
    given by name are cleaned: case, accents, punctuation and spacing); the pair is null only
    when no column is present on both sides.

    Examples
    --------
    >>> import golden as gd
    >>> family = joint("family", ["surname", gd.col("postcode").remove_spaces().upper(),
    ...                           gd.col("phone").phone()])
    >>> [label for _, label in family.level_labels()][1:4]
    ['surname, postcode, phone agree', 'surname, postcode agree', 'surname, phone agree']
    >>> family.n_levels
    8
    """
    exprs = tuple(_text(c) if isinstance(c, str) else as_expr(c, "columns") for c in columns)
    if not 2 <= len(exprs) <= MAX_JOINT_COLUMNS:
        raise ConfigError(f"joint {name!r}: got {len(exprs)} column(s), expected 2 to "
                          f"{MAX_JOINT_COLUMNS} (the levels are every subset of them)")
    labels = [e.column for e in exprs]
    levels = []
    for size in range(len(exprs), 0, -1):
        for subset in itertools.combinations(range(len(exprs)), size):
            levels.append(Agree(tuple(subset), ", ".join(labels[i] for i in subset)))
    return Comparison(name, exprs, tuple(levels), null_inputs=tuple(range(len(exprs))),
                      null_if="all")


def custom(
    name: str,
    inputs: Sequence[Column],
    levels: Sequence[tuple[str, Callable[[list[np.ndarray], list[np.ndarray]], np.ndarray]]],
    *,
    null_inputs: Sequence[int] = (0,),
) -> Comparison:
    """A comparison from vectorised functions, one per level (most similar first).

    Each function gets ``left`` and ``right``: lists with one object array per input,
    holding the distinct value pairs, and returns a boolean array.

    Examples
    --------
    >>> import pandas as pd
    >>> def same_length(left, right):
    ...     return (pd.Series(left[0]).str.len() == pd.Series(right[0]).str.len()).to_numpy()
    >>> custom("name_length", ["surname"], [("same length", same_length)]).n_levels
    2
    """
    built = tuple(Custom(function, label) for label, function in levels)
    exprs = tuple(as_expr(i, "inputs") for i in inputs)
    return Comparison(name, exprs, built, null_inputs=tuple(null_inputs))


def phone(column: Column, region: str = "GB", *, term_frequency: bool = False,
          name: str | None = None) -> Comparison:
    """A phone number: exact (E.164), same national number, same last 7 digits, last 7
    digits one edit apart.

    Numbers are read by libphonenumber into E.164 form ("+34612345678"), those written
    without their country as numbers of ``region`` (see ``golden.Expr.phone``). The levels
    after exact forgive what sources do to numbers:

    * same national number: the digits after the country code agree, the country does
      not; one source wrote the number without its country and was read in another region
      ("612 345 678" read in GB against "+34 612 34 56 78");
    * same last 7 digits: the area code differs (mistyped, or a number moved to another
      area code), or a mobile prefix is written one way and not the other;
    * last 7 digits one edit apart (Damerau–Levenshtein): a typo or two digits swapped.

    Parameters
    ----------
    column : str or Expr
        The phone column; an expression must end in ``.phone(region=...)`` (then it says
        the region, and ``region`` is not used).
    region : str, default "GB"
        Region of numbers written without their country: a two-letter code such as "ES".
    term_frequency : bool, default False
        Weigh exact matches by how common the number is (shared landlines, placeholders).
    name : str, optional
        Output name; the column's name by default.

    Examples
    --------
    >>> [level.label for level in phone("phone", region="ES").levels]
    ['exact', 'same national number', 'same last 7 digits', 'last 7 digits within 1 edit']
    >>> phone("phone", region="ES").inputs[2].label
    'last(phone_national(phone_e164(phone, ES)), 7)'
    """
    expr = as_expr(column, "column")
    if not expr.steps:
        expr = expr.phone(region=check_phone_region(region))
    elif expr.steps[-1][0] != "phone_e164":
        raise ConfigError(
            f"column: got {expr.label}, expected a column name or an expression ending in "
            f".phone(region=...), e.g. col({expr.column!r}).phone(region='ES'): phone "
            "compares numbers in E.164 form")
    national = expr.phone_national()
    levels = [Exact(), Exact(1, "national number"), Exact(2, "last 7 digits"),
              _DigitsTypo("damerau_levenshtein", 1, 2)]
    return Comparison(name or expr.column, (expr, national, national.last(7)), tuple(levels),
                      term_frequency)


@dataclass(frozen=True)
class _DigitsTypo(Similarity):
    kind = "digits_typo"

    @property
    def label(self) -> str:
        return f"last 7 digits within {self.threshold} edit"
