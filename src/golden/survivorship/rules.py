"""Survivorship rules (specs): how a rule ranks an entity's candidate records."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import numpy as np

from golden._base.spec import Spec
from golden.errors import ConfigError
from golden.values import Expr


class Candidates(Protocol):
    """What a rule sees of one target's candidate records (every entity's records holding a
    usable value), each array aligned with ``rows``."""

    rows: np.ndarray

    def recency(self, column: str | None) -> np.ndarray:
        """Newest timestamp first, missing last (``column`` None: the builder's)."""

    def age(self, column: str | None) -> np.ndarray:
        """Oldest timestamp first, missing last."""

    def support(self, normalise: Expr | None) -> np.ndarray:
        """How many candidates of the same entity share each candidate's value."""

    def source_rank(self, order: tuple[str, ...]) -> np.ndarray:
        """Position of each candidate's source in ``order``."""

    def completeness(self, within_target: bool = False) -> np.ndarray:
        """How many attributes (or the target's) each candidate fills."""

    def text_length(self) -> np.ndarray:
        """Length of the value as text."""

    def value_rank(self) -> np.ndarray:
        """Ranks of the values in ascending order."""

    def custom_scores(self, func: Callable[..., Any], label: str) -> np.ndarray:
        """Scores of a custom rule, one finite number per candidate."""


ALL_VALUES_ORDERS = ("frequency", "recent", "first")


class Rule(Spec):
    """A survivorship rule. Lower sort keys win; see ``sort_keys``."""

    #: False for rules that have no meaning for a coherent group of attributes.
    for_groups: ClassVar[bool] = True

    @property
    def label(self) -> str:
        """Short readable name, used in provenance."""
        return self.kind.removeprefix("survivorship.")

    def then(self, tie_break: Rule) -> Ranked:
        """This rule, with ties broken by ``tie_break``.

        Examples
        --------
        >>> most_frequent().then(source_priority(["crm"])).label
        'most_frequent then source_priority(crm)'
        """
        return Ranked((self, tie_break))

    def sort_keys(self, candidates: Candidates) -> list[np.ndarray]:
        """One integer or float array per criterion, most significant first; lower wins."""
        raise NotImplementedError

    def timestamp_columns(self) -> tuple[str | None, ...]:
        """The timestamp columns this rule reads (None: the builder's ``timestamp``)."""
        return ()

    def uses_source(self) -> bool:
        """Whether this rule needs the builder's ``source`` column."""
        return False

    def expressions(self) -> tuple[Expr, ...]:
        """Expressions this rule evaluates on the records."""
        return ()


@dataclass(frozen=True)
class Ranked(Rule):
    """Several rules in order: each breaks the ties the previous ones leave."""

    kind = "survivorship.ranked"
    rules: tuple[Rule, ...]

    def __post_init__(self) -> None:
        rules = tuple(self.rules)
        object.__setattr__(self, "rules", rules)
        problems = [f"ranked: got {rule!r}, expected a survivorship rule that picks one value"
                    for rule in rules if not isinstance(rule, Rule) or isinstance(rule, AllValues)]
        if len(rules) < 2:
            problems.append(f"ranked: got {len(rules)} rule(s), expected two or more")
        if problems:
            raise ConfigError(problems)

    @property
    def for_groups(self) -> bool:  # type: ignore[override]
        return all(rule.for_groups for rule in self.rules)

    @property
    def label(self) -> str:
        return " then ".join(rule.label for rule in self.rules)

    def then(self, tie_break: Rule) -> Ranked:
        return Ranked((*self.rules, tie_break))

    def sort_keys(self, candidates: Candidates) -> list[np.ndarray]:
        return [key for rule in self.rules for key in rule.sort_keys(candidates)]

    def timestamp_columns(self) -> tuple[str | None, ...]:
        return tuple(c for rule in self.rules for c in rule.timestamp_columns())

    def uses_source(self) -> bool:
        return any(rule.uses_source() for rule in self.rules)

    def expressions(self) -> tuple[Expr, ...]:
        return tuple(e for rule in self.rules for e in rule.expressions())


def _check_column(name: str, value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        raise ConfigError(f"{name}: got {value!r}, expected a column name or None")


def _check_normalise(value: object) -> None:
    if value is not None and not isinstance(value, Expr):
        raise ConfigError(
            f"normalise: got {value!r}, expected an expression such as "
            "gd.col('email').lower(), or None for case, accent and whitespace folding"
        )


@dataclass(frozen=True)
class MostRecent(Rule):
    """The value of the record with the latest timestamp in column ``by``."""

    kind = "survivorship.most_recent"
    by: str | None = None

    def __post_init__(self) -> None:
        _check_column("by", self.by)

    @property
    def label(self) -> str:
        return f"most_recent({self.by})" if self.by else "most_recent"

    def sort_keys(self, candidates: Candidates) -> list[np.ndarray]:
        return [candidates.recency(self.by)]

    def timestamp_columns(self) -> tuple[str | None, ...]:
        return (self.by,)


@dataclass(frozen=True)
class Earliest(Rule):
    """The value of the record with the earliest timestamp in column ``by``."""

    kind = "survivorship.earliest"
    by: str | None = None

    def __post_init__(self) -> None:
        _check_column("by", self.by)

    @property
    def label(self) -> str:
        return f"earliest({self.by})" if self.by else "earliest"

    def sort_keys(self, candidates: Candidates) -> list[np.ndarray]:
        return [candidates.age(self.by)]

    def timestamp_columns(self) -> tuple[str | None, ...]:
        return (self.by,)


@dataclass(frozen=True)
class MostFrequent(Rule):
    """The value held by the most records of the entity, compared after ``normalise``.

    Without ``normalise`` text is compared ignoring case, accents and whitespace.
    The winning record's own spelling is kept.
    """

    kind = "survivorship.most_frequent"
    normalise: Expr | None = None

    def __post_init__(self) -> None:
        _check_normalise(self.normalise)

    @property
    def label(self) -> str:
        if self.normalise is None:
            return "most_frequent"
        return f"most_frequent({self.normalise.label})"

    def sort_keys(self, candidates: Candidates) -> list[np.ndarray]:
        return [-candidates.support(self.normalise)]

    def expressions(self) -> tuple[Expr, ...]:
        return (self.normalise,) if self.normalise is not None else ()


@dataclass(frozen=True)
class SourcePriority(Rule):
    """The value from the most trusted source that has one; unlisted sources come last."""

    kind = "survivorship.source_priority"
    order: tuple[str, ...]

    def __post_init__(self) -> None:
        order = (self.order,) if isinstance(self.order, str) else tuple(self.order)
        object.__setattr__(self, "order", order)
        if not order or not all(isinstance(s, str) and s for s in order) or (
                len(set(order)) != len(order)):
            raise ConfigError(f"source_priority: got {self.order!r}, expected a non-empty "
                              "list of distinct source names, most trusted first")

    @property
    def label(self) -> str:
        return f"source_priority({', '.join(self.order)})"

    def sort_keys(self, candidates: Candidates) -> list[np.ndarray]:
        return [candidates.source_rank(self.order)]

    def uses_source(self) -> bool:
        return True


@dataclass(frozen=True)
class MostComplete(Rule):
    """The value of the most complete record.

    For a coherent group, the record filling the most of the group's attributes wins;
    ties (and single attributes) go to the record filling the most of the builder's
    attributes.
    """

    kind = "survivorship.most_complete"

    def sort_keys(self, candidates: Candidates) -> list[np.ndarray]:
        return [-candidates.completeness(within_target=True), -candidates.completeness()]


@dataclass(frozen=True)
class FirstNonNull(Rule):
    """The first usable value in input order."""

    kind = "survivorship.first_non_null"

    def sort_keys(self, candidates: Candidates) -> list[np.ndarray]:
        return [candidates.rows]


@dataclass(frozen=True)
class Longest(Rule):
    """The longest text (summed over the attributes of a group)."""

    kind = "survivorship.longest"

    def sort_keys(self, candidates: Candidates) -> list[np.ndarray]:
        return [-candidates.text_length()]


@dataclass(frozen=True)
class Shortest(Rule):
    """The shortest text (summed over the attributes of a group)."""

    kind = "survivorship.shortest"

    def sort_keys(self, candidates: Candidates) -> list[np.ndarray]:
        return [candidates.text_length()]


@dataclass(frozen=True)
class Minimum(Rule):
    """The smallest value: numbers and dates by value, text alphabetically."""

    kind = "survivorship.minimum"
    for_groups: ClassVar[bool] = False

    def sort_keys(self, candidates: Candidates) -> list[np.ndarray]:
        return [candidates.value_rank()]


@dataclass(frozen=True)
class Maximum(Rule):
    """The largest value: numbers and dates by value, text alphabetically."""

    kind = "survivorship.maximum"
    for_groups: ClassVar[bool] = False

    def sort_keys(self, candidates: Candidates) -> list[np.ndarray]:
        return [-candidates.value_rank()]


@dataclass(frozen=True)
class Custom(Rule):
    """A vectorised rule of your own: ``func(values, records)`` scores the candidates.

    ``values`` holds the candidate values (a DataFrame for a group) and ``records`` the
    candidates' full records with an ``entity_id`` column, on the same index. The
    function returns one number per candidate; the highest score in each entity wins.
    Define it at module level so the rule can be saved.
    """

    kind = "survivorship.custom"
    func: Callable[..., Any]
    name: str = ""

    def __post_init__(self) -> None:
        if not callable(self.func):
            raise ConfigError(f"custom: func got {self.func!r}, expected a function "
                              "func(values, records) returning one score per candidate")

    @property
    def label(self) -> str:
        return f"custom({self.name or getattr(self.func, '__name__', 'func')})"

    def sort_keys(self, candidates: Candidates) -> list[np.ndarray]:
        return [-candidates.custom_scores(self.func, self.label)]


@dataclass(frozen=True)
class AllValues(Rule):
    """Every distinct value of the entity, as a list (emails, phones, loyalty cards).

    Values are deduplicated after ``normalise`` (default: ignoring case, accents and
    whitespace) and ordered by ``order``: ``"frequency"`` (held by the most records
    first), ``"recent"`` (most recently seen first) or ``"first"`` (input order).
    """

    kind = "survivorship.all_values"
    for_groups: ClassVar[bool] = False
    normalise: Expr | None = None
    order: str = "frequency"

    def __post_init__(self) -> None:
        _check_normalise(self.normalise)
        if self.order not in ALL_VALUES_ORDERS:
            raise ConfigError(f"all_values: order got {self.order!r}, expected one of "
                              f"{list(ALL_VALUES_ORDERS)}")

    @property
    def label(self) -> str:
        return f"all_values({self.order})"

    def then(self, tie_break: Rule) -> Ranked:
        raise ConfigError("all_values keeps every value, so it takes no tie-break: "
                          "choose its order with all_values(order=...)")

    def sort_keys(self, candidates: Candidates) -> list[np.ndarray]:
        if self.order == "frequency":
            return [-candidates.support(self.normalise)]
        if self.order == "recent":
            return [candidates.recency(None)]
        return [candidates.rows]

    def timestamp_columns(self) -> tuple[str | None, ...]:
        return (None,) if self.order == "recent" else ()

    def expressions(self) -> tuple[Expr, ...]:
        return (self.normalise,) if self.normalise is not None else ()


def most_recent(by: str | None = None) -> MostRecent:
    """The value of the most recently updated record.

    Parameters
    ----------
    by : str, optional
        Timestamp column; default the builder's ``timestamp``. Records without a
        timestamp rank last.

    Examples
    --------
    >>> most_recent("updated_at")
    MostRecent(by='updated_at')
    """
    return MostRecent(by)


def earliest(by: str | None = None) -> Earliest:
    """The value of the earliest record (e.g. the date a customer first signed up).

    Examples
    --------
    >>> earliest("created_at").label
    'earliest(created_at)'
    """
    return Earliest(by)


def most_frequent(normalise: Expr | None = None) -> MostFrequent:
    """The value most records agree on.

    Parameters
    ----------
    normalise : Expr, optional
        How values are compared, e.g. ``gd.col("phone").phone()``. Default: text
        ignoring case, accents and whitespace; other types as they are.

    Examples
    --------
    >>> most_frequent().label
    'most_frequent'
    """
    return MostFrequent(normalise)


def source_priority(order: Sequence[str]) -> SourcePriority:
    """The value from the most trusted source that has one.

    Examples
    --------
    >>> source_priority(["crm", "app", "web"]).order
    ('crm', 'app', 'web')
    """
    return SourcePriority(tuple(order))


def most_complete() -> MostComplete:
    """The value of the record that fills the most attributes.

    Examples
    --------
    >>> most_complete().label
    'most_complete'
    """
    return MostComplete()


def first_non_null() -> FirstNonNull:
    """The first usable value in input order.

    Examples
    --------
    >>> first_non_null().label
    'first_non_null'
    """
    return FirstNonNull()


def longest() -> Longest:
    """The longest text, e.g. a full first name over an initial.

    Examples
    --------
    >>> longest().label
    'longest'
    """
    return Longest()


def shortest() -> Shortest:
    """The shortest text.

    Examples
    --------
    >>> shortest().label
    'shortest'
    """
    return Shortest()


def minimum() -> Minimum:
    """The smallest value (numbers, dates, or text in alphabetical order).

    Examples
    --------
    >>> minimum().label
    'minimum'
    """
    return Minimum()


def maximum() -> Maximum:
    """The largest value (numbers, dates, or text in alphabetical order).

    Examples
    --------
    >>> maximum().label
    'maximum'
    """
    return Maximum()


def all_values(normalise: Expr | None = None, order: str = "frequency") -> AllValues:
    """Every distinct value, as a list; see ``AllValues``.

    Examples
    --------
    >>> import golden as gd
    >>> all_values(gd.col("email").email(), order="recent").label
    'all_values(recent)'
    """
    return AllValues(normalise, order)


def custom(func: Callable[..., Any], name: str = "") -> Custom:
    """A rule of your own: ``func(values, records)`` returns scores, highest wins.

    Examples
    --------
    >>> def verified_first(values, records):
    ...     return records["verified"].astype(float)
    >>> custom(verified_first).label
    'custom(verified_first)'
    """
    return Custom(func, name)
