"""What every blocking rule is: ``BlockingRule``, their OR ``Blocking``, and ``RuleIndex``,
what a rule computes over records to enumerate and recognise its pairs.

A rule says which pairs of records are worth comparing. Several rules are OR-ed: each pair
is produced once and tagged with the first rule that found it.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from golden._base.spec import Spec
from golden.errors import ConfigError
from golden.values import Expr
from golden.values import per_value as pv

if TYPE_CHECKING:
    from golden.records import Records


class BlockingRule(Spec):
    """Base of blocking rules; combine rules with ``|`` (OR)."""

    @property
    @abstractmethod
    def label(self) -> str:
        """A readable description."""

    @property
    @abstractmethod
    def columns(self) -> tuple[str, ...]:
        """Input columns the rule reads."""

    @abstractmethod
    def index(self, records: Records) -> RuleIndex:
        """Precompute what the rule needs to enumerate and recognise its pairs."""

    @property
    def encoded(self) -> tuple[Expr, ...]:
        """Expressions ``index`` reads as ``Records.encode`` codes (to encode ahead)."""
        return ()

    def block_keys(self, records: Records) -> tuple[np.ndarray, np.ndarray]:
        """Each record's block keys as text, for looking records up one at a time:
        ``(rows, keys)``, a row once per key it holds. Two records are a pair of the rule
        when they share a key."""
        raise ConfigError(f"blocking rule {self.label!r} depends on every record's position "
                          "and cannot be looked up one record at a time; use block_on or "
                          "block_on_any rules")

    def keys_of_one(self, record: Mapping[str, Any]) -> list[str]:
        """One record's block keys, as ``block_keys`` writes them, computed value by value
        (golden's per-value normalisers); ``Decline`` when a value needs the batch path."""
        raise pv.Decline

    def __or__(self, other: BlockingRule | Blocking) -> Blocking:
        return Blocking((self,)) | other

    @property
    def rules(self) -> tuple[BlockingRule, ...]:
        """The rules OR-ed together (just this one)."""
        return (self,)


@dataclass(frozen=True)
class Blocking(Spec):
    """Several blocking rules OR-ed together, in priority order."""

    kind = "any_of"
    rules: tuple[BlockingRule, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", tuple(self.rules))
        bad = [r for r in self.rules if not isinstance(r, BlockingRule)]
        if bad or not self.rules:
            raise ConfigError(f"blocking: expected one or more blocking rules, got {bad or '()'}")

    def __or__(self, other: BlockingRule | Blocking) -> Blocking:
        if not isinstance(other, BlockingRule | Blocking):
            return NotImplemented
        return Blocking((*self.rules, *other.rules))

    @property
    def columns(self) -> tuple[str, ...]:
        """Every input column the rules read."""
        return tuple(dict.fromkeys(c for r in self.rules for c in r.columns))

    @property
    def encoded(self) -> tuple[Expr, ...]:
        """Every expression the rules' indexes encode."""
        return tuple(dict.fromkeys(e for r in self.rules for e in r.encoded))


def as_blocking(rules: BlockingRule | Blocking | Sequence[BlockingRule], parameter: str
                ) -> Blocking:
    """Accept a rule, an OR of rules or a list of rules."""
    if isinstance(rules, Blocking):
        return rules
    if isinstance(rules, BlockingRule):
        return Blocking((rules,))
    if isinstance(rules, Sequence) and not isinstance(rules, str):
        return Blocking(tuple(rules))
    raise ConfigError(f"{parameter}: got {rules!r}, expected a blocking rule or a list of them")


@dataclass
class RuleIndex:
    """A rule applied to records: enumerates its pairs and recognises pairs it would produce."""

    rule: BlockingRule
    records: Records

    @abstractmethod
    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """The rule's pairs (left < right row numbers), each once."""

    @abstractmethod
    def covers(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Whether this rule produces each given pair."""

    @abstractmethod
    def count(self, cross_source_only: bool) -> int:
        """How many pairs the rule produces (before OR de-duplication), without building them."""
