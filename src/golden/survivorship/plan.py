"""The survivorship plan: a builder's parameters, checked, and the targets they give."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from golden.errors import ConfigError, SchemaError
from golden.survivorship.rules import Rule


@dataclass(frozen=True)
class Target:
    """What one rule decides: a single attribute, or a coherent group of attributes."""

    name: str
    columns: tuple[str, ...]
    rule: Rule

    @property
    def is_group(self) -> bool:
        return len(self.columns) > 1 or self.name != self.columns[0]


@dataclass(frozen=True, eq=False)
class SurvivorshipPlan:
    """What building golden records needs: the ``GoldenRecordBuilder``'s parameters.

    ``targets`` checks them against the records' columns, reporting every problem at once.

    Examples
    --------
    >>> from golden import survivorship as sv
    >>> plan = SurvivorshipPlan(rules={"email": sv.most_recent()}, default=sv.most_frequent(),
    ...                         timestamp="updated_at")
    >>> [(t.name, t.rule.label) for t in plan.targets(["unique_id", "email", "name",
    ...                                                "updated_at"])]
    [('email', 'most_recent'), ('name', 'most_frequent')]
    """

    rules: Mapping[str, Rule] | None
    default: Rule
    attributes: Sequence[str] | None = None
    groups: Mapping[str, Sequence[str]] | None = None
    unique_id: str = "unique_id"
    source: str | None = None
    timestamp: str | None = None
    suppress_records: str | None = None
    suppress_values: Mapping[str, str] | None = None

    def reserved(self) -> set[str]:
        """Columns that are not attributes: ids, source, timestamp, suppression flags."""
        return {c for c in (self.unique_id, self.source, self.timestamp, self.suppress_records,
                            *(self.suppress_values or {}).values(), "entity_id") if c}

    def _attribute_order(self, columns: Sequence[str]) -> list[str]:
        if self.attributes is not None:
            return list(self.attributes)
        grouped = [c for members in (self.groups or {}).values() for c in members]
        reserved = self.reserved()
        return [c for c in columns if c not in reserved or c in grouped]

    def targets(self, columns: Sequence[str]) -> list[Target]:
        """The rule for every attribute and group; every configuration problem at once."""
        problems = self.parameter_problems()
        if problems:
            raise ConfigError(problems)
        rules = dict(self.rules or {})
        groups = {k: tuple(v) for k, v in (self.groups or {}).items()}
        attributes = self._attribute_order(columns)
        in_group = {c: name for name, members in groups.items() for c in members}
        targets = [Target(name, members, rules.get(name, self.default))
                   for name, members in groups.items()]
        targets += [Target(c, (c,), rules.get(c, self.default))
                    for c in attributes if c not in in_group]
        problems = self._target_problems(targets, rules, groups, attributes, in_group)
        missing = sorted({c for t in targets for c in t.columns} - set(columns)
                         | self.read_columns(targets) - set(columns))
        if missing:
            raise SchemaError([f"records: column {c!r} is missing (needed by the golden "
                               "record builder)" for c in missing] + problems)
        if problems:
            raise ConfigError(problems)
        return targets

    def parameter_problems(self) -> list[str]:
        """Problems with the parameters themselves (empty when valid)."""
        problems: list[str] = []
        for name in ("unique_id",):
            if not isinstance(getattr(self, name), str) or not getattr(self, name):
                problems.append(f"{name}: got {getattr(self, name)!r}, expected a column name")
        for name in ("source", "timestamp", "suppress_records"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value):
                problems.append(f"{name}: got {value!r}, expected a column name or None")
        if not isinstance(self.default, Rule):
            problems.append(f"default: got {self.default!r}, expected a survivorship rule "
                            "such as sv.most_frequent()")
        for name in ("rules", "groups", "suppress_values"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Mapping):
                problems.append(f"{name}: got {type(value).__name__}, expected a dict")
        for key, rule in (self.rules or {}).items() if isinstance(self.rules, Mapping) else ():
            if not isinstance(rule, Rule):
                problems.append(f"rules[{key!r}]: got {rule!r}, expected a survivorship rule")
        if self.attributes is not None and not _names(self.attributes):
            problems.append(f"attributes: got {self.attributes!r}, expected a list of columns")
        for name, members in (self.groups or {}).items() if isinstance(self.groups, Mapping) \
                else ():
            if not members or not _names(members):
                problems.append(f"groups[{name!r}]: got {members!r}, expected a non-empty "
                                "list of attribute columns")
        for name, column in (self.suppress_values or {}).items() \
                if isinstance(self.suppress_values, Mapping) else ():
            if not isinstance(column, str):
                problems.append(f"suppress_values[{name!r}]: got {column!r}, expected a "
                                "column name")
        return problems

    def _target_problems(self, targets: list[Target], rules: dict[str, Rule],
                         groups: dict[str, tuple[str, ...]], attributes: list[str],
                         in_group: dict[str, str]) -> list[str]:
        problems = []
        known = {t.name for t in targets}
        for key in rules:
            if key not in known:
                hint = (f" (it belongs to group {in_group[key]!r}: give the rule to the group)"
                        if key in in_group else "")
                problems.append(f"rules: {key!r} is not an attribute or group{hint}; "
                                f"known: {sorted(known)}")
        for key in self.suppress_values or {}:
            if key not in known:
                problems.append(f"suppress_values: {key!r} is not an attribute or group; "
                                f"known: {sorted(known)}")
        counts = pd.Series([c for members in groups.values() for c in members]).value_counts()
        for column in counts[counts > 1].index:
            problems.append(f"groups: attribute {column!r} is in more than one group")
        for name, members in groups.items():
            if name in attributes and name not in members:
                problems.append(f"groups: the group name {name!r} is also an attribute; "
                                "rename the group")
        clashes = sorted({c for t in targets for c in t.columns} & {"entity_id", "n_records"})
        problems += [f"attributes: {c!r} is a column of the golden records themselves; rename "
                     "it in the records" for c in clashes]
        for target in targets:
            if target.is_group and not target.rule.for_groups:
                problems.append(f"rules[{target.name!r}]: {target.rule.label} cannot choose "
                                "a coherent group; use most_recent, source_priority, "
                                "most_complete, most_frequent or custom")
            stamps = target.rule.timestamp_columns()
            if None in stamps and self.timestamp is None:
                problems.append(f"rules[{target.name!r}]: {target.rule.label} needs a timestamp "
                                "column: give it one, or set the builder's timestamp")
            if target.rule.uses_source() and self.source is None:
                problems.append(f"rules[{target.name!r}]: {target.rule.label} needs the "
                                "builder's source column (source=...)")
        return problems

    def read_columns(self, targets: list[Target]) -> set[str]:
        """Every column the rules read besides the attributes."""
        columns = self.reserved() - {"entity_id"}
        for target in targets:
            columns |= {c for c in target.rule.timestamp_columns() if c}
            columns |= {e.column for e in target.rule.expressions()}
        return columns


def _names(value: object) -> bool:
    """Whether a value is a list (or another collection, not text) of column names."""
    return (isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping)
            and all(isinstance(v, str) for v in value))
