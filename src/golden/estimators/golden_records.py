"""Golden records: one row per entity, each value chosen by a survivorship rule, with provenance.

The work is group-wise and vectorised: for each attribute (or coherent group of
attributes) the candidate records are sorted once by entity and by the rule's keys,
and the first record of each entity wins. No Python loop runs over entities.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from golden._base.estimator import Estimator
from golden._base.spec import spec_from_dict
from golden.engines.protocol import checked_engine, engine_problems
from golden.errors import ConfigError, DataWarning, SchemaError
from golden.survivorship import AllValues, MostFrequent, Rule
from golden.values import Expr, as_str
from golden.values import per_value as pv

if TYPE_CHECKING:
    from golden.engines.protocol import Engine

MOST_FREQUENT = MostFrequent()
BUILDER_FORMAT = "golden.GoldenRecordBuilder"
BUILDER_VERSION = 1
PROVENANCE_COLUMNS = ["entity_id", "attribute", "value", "unique_id", "source", "timestamp",
                      "rule", "support", "candidates", "position"]


@dataclass(frozen=True)
class Target:
    """What one rule decides: a single attribute, or a coherent group of attributes."""

    name: str
    columns: tuple[str, ...]
    rule: Rule

    @property
    def is_group(self) -> bool:
        return len(self.columns) > 1 or self.name != self.columns[0]


@dataclass(frozen=True)
class _Chosen:
    """The records that supplied one attribute's golden values (provenance, before ids)."""

    attribute: str
    rule: str
    entity: np.ndarray
    row: np.ndarray
    support: np.ndarray
    candidates: np.ndarray
    position: np.ndarray


class Candidates:
    """The records of every entity that hold a usable value for one target.

    Rules read their sort keys from here (see ``golden.survivorship.Rule.sort_keys``);
    everything is aligned with ``rows``, positions into the records.
    """

    MISSING_TIME = np.iinfo(np.int64).min

    def __init__(self, context: _Context, target: Target, rows: np.ndarray) -> None:
        self.context, self.target, self.rows = context, target, rows
        self.entity = context.entity[rows]

    def values(self) -> pd.Series | pd.DataFrame:
        """The candidates' values: a Series, or a DataFrame for a group."""
        frame = self.context.records.iloc[self.rows]
        if self.target.is_group:
            return frame[list(self.target.columns)]
        return frame[self.target.columns[0]]

    def timestamp(self, column: str | None) -> np.ndarray:
        """Timestamps as int64 nanoseconds; missing ones are ``MISSING_TIME``."""
        name = column or self.context.timestamp_column
        assert name is not None, "validated: rules reading a timestamp have a column"
        return self.context.timestamps[name][self.rows]

    def recency(self, column: str | None) -> np.ndarray:
        """Sort key putting the newest timestamp first and missing timestamps last."""
        stamp = self.timestamp(column)
        return np.where(stamp == self.MISSING_TIME, np.iinfo(np.int64).max, -stamp)

    def age(self, column: str | None) -> np.ndarray:
        """Sort key putting the oldest timestamp first and missing timestamps last."""
        stamp = self.timestamp(column)
        return np.where(stamp == self.MISSING_TIME, np.iinfo(np.int64).max, stamp)

    def source_rank(self, order: tuple[str, ...]) -> np.ndarray:
        """Position of each candidate's source in ``order``; unlisted after, null last."""
        sources = self.context.source_codes
        rank = np.full(len(sources.categories) + 1, len(order), dtype=np.int64)
        rank[-1] = len(order) + 1
        for position, name in enumerate(order):
            where = sources.categories.get_indexer([name])[0]
            if where >= 0:
                rank[where] = position
        return rank[np.asarray(sources.codes)[self.rows]]

    def completeness(self, within_target: bool = False) -> np.ndarray:
        """How many of the builder's attributes (or the target's) each candidate fills."""
        if not within_target:
            return self.context.completeness[self.rows]
        usable = [self.context.usable[c][self.rows] for c in self.target.columns]
        return np.sum(usable, axis=0, dtype=np.int64).reshape(self.rows.size)

    def text_length(self) -> np.ndarray:
        """Length of the value as text, summed over a group's attributes."""
        total = np.zeros(self.rows.size, dtype=np.int64)
        for column in self.target.columns:
            text = as_str(self.context.records[column].iloc[self.rows])
            total += text.str.len().fillna(0).to_numpy(dtype=np.int64)
        return total

    def value_rank(self) -> np.ndarray:
        """Ranks of the values in ascending order (numbers and dates by value)."""
        values = self.context.records[self.target.columns[0]].iloc[self.rows]
        codes, _ = pd.factorize(values, sort=True)
        return codes.astype(np.int64)

    def value_codes(self, normalise: Expr | None) -> np.ndarray:
        """Codes equal for candidates whose values agree after ``normalise``."""
        return self.context.value_codes(self.target, normalise)[self.rows]

    def support(self, normalise: Expr | None) -> np.ndarray:
        """How many candidates of the same entity share each candidate's value."""
        key = _combined(self.entity, self.value_codes(normalise))
        return np.bincount(key)[key].astype(np.int64)

    def custom_scores(self, func: Callable[..., Any], label: str) -> np.ndarray:
        """Scores from a custom rule, checked to be one finite number per candidate."""
        frame = self.context.records.iloc[self.rows].assign(
            entity_id=self.context.entity_ids.take(self.entity).to_numpy())
        scores = np.asarray(func(self.values(), frame), dtype=np.float64)
        if scores.shape != (self.rows.size,) or not np.isfinite(scores).all():
            raise ConfigError(f"{label} for {self.target.name!r}: expected one finite score "
                              f"per candidate ({self.rows.size}), got shape {scores.shape}")
        return scores


@dataclass
class _Context:
    """Records joined to their entities, with the columns rules read prepared once."""

    records: pd.DataFrame
    entity: np.ndarray  # entity code per record
    entity_ids: pd.Index  # entity id of each code
    usable: dict[str, np.ndarray]  # per attribute: value present and not suppressed
    timestamp_column: str | None
    timestamps: dict[str, np.ndarray]
    source_codes: pd.Categorical
    completeness: np.ndarray
    _codes: dict[tuple[str, Expr | None], np.ndarray] = field(default_factory=dict)

    def value_codes(self, target: Target, normalise: Expr | None) -> np.ndarray:
        """Per record, a code for the target's value after ``normalise`` (-1 when null)."""
        key = (target.name, normalise)
        if key not in self._codes:
            if normalise is not None:
                codes = [self._normalised_codes(target.columns[0], normalise)]
            else:
                codes = [self.folded_codes(c) for c in target.columns]
            if len(codes) > 1:  # a group: nulls are part of the combination
                codes = [c + 1 for c in codes]
            self._codes[key] = _combined(*codes)
        return self._codes[key]

    def folded_codes(self, column: str) -> np.ndarray:
        """Codes of one column's values after case, accent and whitespace folding (cached)."""
        key = (f"column:{column}", None)
        if key not in self._codes:
            self._codes[key] = _folded_codes(self.records[column])
        return self._codes[key]

    def _normalised_codes(self, column: str, normalise: Expr) -> np.ndarray:
        """Codes of ``normalise``'s values; a value it cannot read still counts, as itself."""
        codes = pd.factorize(normalise.evaluate(self.records))[0].astype(np.int64)
        unread = (codes < 0) & self.records[column].notna().to_numpy()
        if unread.any():
            raw = _folded_codes(self.records[column][unread])
            codes[unread] = codes.max(initial=-1) + 1 + raw
        return codes


def _combined(*codes: np.ndarray) -> np.ndarray:
    """One code per distinct combination of non-negative codes (hashing, not sorting)."""
    key = codes[0].astype(np.int64)
    for more in codes[1:]:
        key = key * (int(more.max(initial=0)) + 1) + more
        key = pd.factorize(key)[0].astype(np.int64)
    return key


def _folded_codes(values: pd.Series) -> np.ndarray:
    """Codes equal for values equal after ``_folded``, computed per distinct value (a list
    of values is one value)."""
    if values.dtype == object and values.map(lambda v: isinstance(v, list)).any():
        values = values.map(lambda v: tuple(v) if isinstance(v, list) else v)
    codes, uniques = pd.factorize(values)
    if len(uniques) == 0:
        return np.full(len(values), -1, dtype=np.int64)
    folded_codes, _ = pd.factorize(_folded(pd.Series(uniques)))
    return np.where(codes >= 0, folded_codes[codes], -1).astype(np.int64)


def _folded(values: pd.Series) -> pd.Series:
    """Text compared ignoring case, accents and whitespace (``"LS6 2QT"`` is
    ``"ls62qt"``); other types unchanged."""
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return values
    return pv.run_steps(("lower", "strip_accents", "remove_spaces"),
                                as_str(values))


@dataclass(frozen=True)
class GoldenRecords:
    """The result of ``GoldenRecordBuilder.build``.

    Attributes
    ----------
    records : DataFrame
        One row per entity: ``entity_id``, ``n_records``, then each attribute.
    provenance : DataFrame
        One row per value of every golden record: ``entity_id``, ``attribute``,
        ``value``, the ``unique_id``, ``source`` and ``timestamp`` of the record it came
        from, the ``rule`` that chose it, ``support`` (records of the entity holding the
        same value), ``candidates`` (records that offered a usable value) and
        ``position`` (index within a list attribute, else 0).
    """

    records: pd.DataFrame
    provenance: pd.DataFrame

    def __len__(self) -> int:
        return len(self.records)

    def provenance_of(self, entity_id: Any) -> pd.DataFrame:
        """Where each value of one entity's golden record came from, one row per value.

        Raises ``SchemaError`` (a ``KeyError``) when the entity is unknown.
        """
        if not (self.records["entity_id"] == entity_id).any():
            raise SchemaError(f"entity_id {entity_id!r} is not among the golden records")
        rows = self.provenance[self.provenance["entity_id"] == entity_id]
        return rows.drop(columns="entity_id").set_index(["attribute", "position"])


class GoldenRecordBuilder(Estimator):
    """Build one golden record per entity by survivorship rules, with provenance.

    Parameters
    ----------
    rules : mapping of str to Rule, optional
        Rule per attribute or per group name; attributes without one use ``default``.
    default : Rule
        Rule for attributes and groups without their own; default most frequent.
    attributes : list of str, optional
        The columns to keep; default every column except the id, source, timestamp,
        suppression columns and ``entity_id``.
    groups : mapping of str to list of str, optional
        Coherent groups: attributes that must all come from one winning record, e.g.
        ``{"address": ["street", "city", "postcode"]}``; a group's rule is looked up by
        the group's name. A record is a candidate when it has any of the group's values.
        Values the winning record lacks are completed from one other record that agrees
        with it on every value both hold (provenance rule ``"<rule>, completed"``).
    unique_id : str
        Record id column.
    source : str, optional
        Source-system column, for provenance and ``golden.survivorship.source_priority``.
    timestamp : str, optional
        When each record was last updated: for provenance, ``most_recent()`` without a
        column, and as the final tie-break (most recent wins).
    suppress_records : str, optional
        Boolean column: true marks a record that no rule may use (e.g. opted out).
    suppress_values : mapping of str to str, optional
        Attribute (or group name) to a boolean column marking values that may not be
        used, e.g. ``{"email": "email_opt_out"}``.
    engine : SparkEngine or None
        None builds in this process on pandas DataFrames; a ``golden.SparkEngine`` takes
        Spark DataFrames and returns both tables as Spark DataFrames, built on groups of
        whole entities.

    Examples
    --------
    >>> import pandas as pd
    >>> from golden import survivorship as sv
    >>> records = pd.DataFrame({
    ...     "unique_id": ["a", "b", "c"], "source": ["crm", "web", "web"],
    ...     "name": ["Ann Lee", "ann lee", "Bob Ray"],
    ...     "email": ["ann@x.org", "ann.lee@y.com", None],
    ...     "updated_at": ["2024-01-01", "2025-06-01", "2023-03-03"]})
    >>> clusters = pd.DataFrame({"unique_id": ["a", "b", "c"], "entity_id": [1, 1, 2]})
    >>> builder = GoldenRecordBuilder(
    ...     rules={"name": sv.source_priority(["crm"]), "email": sv.most_recent()},
    ...     source="source", timestamp="updated_at")
    >>> result = builder.build(records, clusters)
    >>> result.records
       entity_id  n_records     name          email
    0          1          2  Ann Lee  ann.lee@y.com
    1          2          1  Bob Ray            NaN
    >>> why = result.provenance_of(1)
    >>> why.loc["email", ["value", "unique_id", "source", "rule"]].to_dict("records")
    [{'value': 'ann.lee@y.com', 'unique_id': 'b', 'source': 'web', 'rule': 'most_recent'}]
    """

    def __init__(
        self,
        rules: Mapping[str, Rule] | None = None,
        default: Rule = MOST_FREQUENT,
        *,
        attributes: Sequence[str] | None = None,
        groups: Mapping[str, Sequence[str]] | None = None,
        unique_id: str = "unique_id",
        source: str | None = None,
        timestamp: str | None = None,
        suppress_records: str | None = None,
        suppress_values: Mapping[str, str] | None = None,
        engine: Engine | None = None,
    ) -> None:
        self.rules = rules
        self.default = default
        self.attributes = attributes
        self.groups = groups
        self.unique_id = unique_id
        self.source = source
        self.timestamp = timestamp
        self.suppress_records = suppress_records
        self.suppress_values = suppress_values
        self.engine = engine

    # Public ---------------------------------------------------------------------------

    def build(self, records: pd.DataFrame, clusters: pd.DataFrame, *,
              entity_id: str = "entity_id") -> GoldenRecords:
        """One golden record per entity of ``clusters`` (e.g. from ``Linker.cluster``).

        Parameters
        ----------
        records : DataFrame
            The records that were clustered, with every column the rules read.
        clusters : DataFrame
            Record id (``unique_id`` or the builder's ``unique_id`` column; plus
            ``source`` when ids repeat across sources) and ``entity_id``. Every record
            must have an entity: pass the records to ``Linker.cluster`` so unmatched
            ones become one-record entities.
        entity_id : str
            The entity column of ``clusters``.
        """
        engine = checked_engine(self.engine)
        if engine is not None:
            return engine.golden_records(self, records, clusters, entity_id)
        targets = self._targets(records)
        context = self._context(records, clusters, entity_id, targets)
        n_entities = len(context.entity_ids)
        columns: dict[str, Any] = {
            "entity_id": context.entity_ids.to_numpy(),
            "n_records": np.bincount(context.entity, minlength=n_entities),
        }
        provenance = []
        for target in targets:
            values, chosen = _resolve(context, target)
            columns.update(values)
            provenance.extend(chosen)
        targeted = {c for target in targets for c in target.columns}
        order = ["entity_id", "n_records", *(c for c in records.columns if c in targeted)]
        table = pd.DataFrame({name: columns[name] for name in order})
        return GoldenRecords(table, _provenance_table(context, provenance, self))

    def to_dict(self) -> dict[str, Any]:
        """The configuration as a JSON-ready dict (versioned); see ``from_dict``."""
        params = self.get_params()
        del params["engine"]
        params["rules"] = {k: v.to_dict() for k, v in (self.rules or {}).items()}
        params["default"] = self.default.to_dict()
        params["groups"] = {k: list(v) for k, v in (self.groups or {}).items()}
        params["attributes"] = list(self.attributes) if self.attributes is not None else None
        params["suppress_values"] = dict(self.suppress_values or {})
        return {"format": BUILDER_FORMAT, "version": BUILDER_VERSION, "params": params}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GoldenRecordBuilder:
        """Rebuild a builder from ``to_dict`` output.

        Examples
        --------
        >>> from golden import survivorship as sv
        >>> builder = GoldenRecordBuilder({"email": sv.all_values()}, timestamp="ts")
        >>> GoldenRecordBuilder.from_dict(builder.to_dict()).rules
        {'email': AllValues(normalise=None, order='frequency')}
        """
        if data.get("format") != BUILDER_FORMAT or data.get("version") != BUILDER_VERSION:
            raise ConfigError(f"not a version-{BUILDER_VERSION} {BUILDER_FORMAT} configuration "
                              f"(format={data.get('format')!r}, version={data.get('version')!r})")
        params = dict(data["params"])
        params["rules"] = {k: spec_from_dict(v) for k, v in params["rules"].items()}
        params["default"] = spec_from_dict(params["default"])
        return cls(**params)

    # Validation -----------------------------------------------------------------------

    def _reserved(self) -> set[str]:
        return {c for c in (self.unique_id, self.source, self.timestamp, self.suppress_records,
                            *(self.suppress_values or {}).values(), "entity_id") if c}

    def _attribute_order(self, records: pd.DataFrame) -> list[str]:
        if self.attributes is not None:
            return list(self.attributes)
        grouped = [c for members in (self.groups or {}).values() for c in members]
        reserved = self._reserved()
        return [c for c in records.columns if c not in reserved or c in grouped]

    def _targets(self, records: pd.DataFrame) -> list[Target]:
        """The rule for every attribute and group; every configuration problem at once."""
        problems = self._parameter_problems()
        if problems:
            raise ConfigError(problems)
        rules = dict(self.rules or {})
        groups = {k: tuple(v) for k, v in (self.groups or {}).items()}
        attributes = self._attribute_order(records)
        in_group = {c: name for name, members in groups.items() for c in members}
        targets = [Target(name, members, rules.get(name, self.default))
                   for name, members in groups.items()]
        targets += [Target(c, (c,), rules.get(c, self.default))
                    for c in attributes if c not in in_group]
        problems = self._target_problems(targets, rules, groups, attributes, in_group)
        missing = sorted({c for t in targets for c in t.columns} - set(records.columns)
                         | self._read_columns(targets) - set(records.columns))
        if missing:
            raise SchemaError([f"records: column {c!r} is missing (needed by the golden "
                               "record builder)" for c in missing] + problems)
        if problems:
            raise ConfigError(problems)
        return targets

    def _parameter_problems(self) -> list[str]:
        problems = engine_problems(self.engine)
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
        if self.attributes is not None and (isinstance(self.attributes, str) or not all(
                isinstance(a, str) for a in self.attributes)):
            problems.append(f"attributes: got {self.attributes!r}, expected a list of columns")
        for name, members in (self.groups or {}).items() if isinstance(self.groups, Mapping) \
                else ():
            if isinstance(members, str) or not members:
                problems.append(f"groups[{name!r}]: got {members!r}, expected a non-empty "
                                "list of attribute columns")
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

    def _read_columns(self, targets: list[Target]) -> set[str]:
        columns = self._reserved() - {"entity_id"}
        for target in targets:
            columns |= {c for c in target.rule.timestamp_columns() if c}
            columns |= {e.column for e in target.rule.expressions()}
        return columns

    # Context --------------------------------------------------------------------------

    def _context(self, records: pd.DataFrame, clusters: pd.DataFrame, entity_id: str,
                 targets: list[Target]) -> _Context:
        entity, entity_ids = _entities(records, clusters, self.unique_id, entity_id,
                                       self.source)
        suppressed = _flag(records, self.suppress_records, "suppress_records")
        usable = {}
        for target in targets:
            value_flag = (self.suppress_values or {}).get(target.name)
            blocked = suppressed | _flag(records, value_flag, f"suppress_values[{target.name!r}]")
            for column in target.columns:
                usable[column] = records[column].notna().to_numpy() & ~blocked
        stamp_columns = {c or self.timestamp for t in targets for c in t.rule.timestamp_columns()}
        stamp_columns |= {self.timestamp} if self.timestamp else set()
        sources = (pd.Categorical(records[self.source]) if self.source
                   else pd.Categorical(np.full(len(records), None, dtype=object)))
        all_columns = [c for t in targets for c in t.columns]
        completeness = np.zeros(len(records), dtype=np.int64)
        for column in all_columns:
            completeness += usable[column]
        return _Context(
            records=records,
            entity=entity,
            entity_ids=entity_ids,
            usable=usable,
            timestamp_column=self.timestamp,
            timestamps={c: _timestamps(records[c], c) for c in stamp_columns if c},
            source_codes=sources,
            completeness=completeness,
        )


def _resolve(context: _Context, target: Target) -> tuple[dict[str, Any], list[_Chosen]]:
    """The golden values of one target and their provenance rows."""
    usable = np.logical_or.reduce([context.usable[c] for c in target.columns])
    candidates = Candidates(context, target, np.flatnonzero(usable))
    keys = target.rule.sort_keys(candidates)
    if context.timestamp_column:
        keys.append(candidates.recency(None))
    order = np.lexsort([candidates.rows, *reversed(keys), candidates.entity])
    n_entities = len(context.entity_ids)
    offered = np.bincount(candidates.entity, minlength=n_entities)
    support_normalise = (target.rule.normalise
                         if isinstance(target.rule, MostFrequent | AllValues) else None)
    support = candidates.support(support_normalise)
    if isinstance(target.rule, AllValues):
        return _all_values(context, target, candidates, order, support, offered)
    sorted_entity = candidates.entity[order]
    first = order[np.r_[True, sorted_entity[1:] != sorted_entity[:-1]]] if order.size else order
    winner = np.full(n_entities, -1, dtype=np.int64)
    winner[candidates.entity[first]] = candidates.rows[first]
    filler = (_compatible_filler(context, target, candidates, order, winner)
              if target.is_group else np.full(n_entities, -1, dtype=np.int64))
    winner_support = _support_of(candidates, first, support, n_entities)
    values = {}
    parts = []
    for column in target.columns:
        indexer = _source_rows(context.usable[column], winner)
        filled = (indexer < 0) & (filler >= 0)
        filled[filled] = context.usable[column][filler[filled]]
        indexer[filled] = filler[filled]
        values[column] = _take(context.records[column], indexer)
        labels = [(False, target.rule.label)]
        if target.is_group:
            labels.append((True, f"{target.rule.label}, completed"))
        for from_filler, label in labels:
            entities = np.flatnonzero((indexer >= 0) & (filled == from_filler))
            parts.append(_Chosen(
                column, label, entities, indexer[entities], winner_support[entities],
                offered[entities], np.zeros(entities.size, dtype=np.int64)))
    return values, parts


def _source_rows(usable: np.ndarray, winner: np.ndarray) -> np.ndarray:
    """Per entity, the winner's row where its value is usable, else -1."""
    indexer = np.full(winner.size, -1, dtype=np.int64)
    has = winner >= 0
    has[has] = usable[winner[has]]
    indexer[has] = winner[has]
    return indexer


def _compatible_filler(context: _Context, target: Target, candidates: Candidates,
                       order: np.ndarray, winner: np.ndarray) -> np.ndarray:
    """Per entity, the record completing the winner's missing group values (-1 if none).

    It must agree with the winner on every value both hold (after case, accent and
    whitespace folding), so the completed group still describes one address, not a mix.
    Among those, the record filling the most gaps wins, then the rule's order.
    """
    rows, entity = candidates.rows, candidates.entity
    their_winner = winner[entity]
    compatible = rows != their_winner
    gaps_filled = np.zeros(rows.size, dtype=np.int64)
    for column in target.columns:
        codes = np.where(context.usable[column],
                         context.folded_codes(column), -1)
        mine, theirs = codes[rows], codes[their_winner]
        compatible &= (mine < 0) | (theirs < 0) | (mine == theirs)
        gaps_filled += (theirs < 0) & (mine >= 0)
    eligible = compatible & (gaps_filled > 0)
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    picks = np.flatnonzero(eligible)
    picks = picks[np.lexsort((rank[picks], -gaps_filled[picks], entity[picks]))]
    filler = np.full(winner.size, -1, dtype=np.int64)
    is_first = np.r_[True, entity[picks][1:] != entity[picks][:-1]] if picks.size else picks
    filler[entity[picks[is_first]]] = rows[picks[is_first]]
    return filler


def _support_of(candidates: Candidates, first: np.ndarray, support: np.ndarray,
                n_entities: int) -> np.ndarray:
    out = np.zeros(n_entities, dtype=np.int64)
    out[candidates.entity[first]] = support[first]
    return out


def _all_values(context: _Context, target: Target, candidates: Candidates, order: np.ndarray,
                support: np.ndarray, offered: np.ndarray) -> tuple[dict[str, Any], list[_Chosen]]:
    """Every distinct value per entity as a list, ordered by the rule, with provenance."""
    rule = target.rule
    assert isinstance(rule, AllValues)
    column = target.columns[0]
    n_entities = len(context.entity_ids)
    distinct = _combined(candidates.entity, candidates.value_codes(rule.normalise))
    # The first appearance of each (entity, value) in rule order represents it; keeping
    # those positions in order leaves the list grouped by entity and in rule order.
    _, first_seen = np.unique(distinct[order], return_index=True)
    picked = order[np.sort(first_seen)]
    rows = candidates.rows[picked]
    entity = candidates.entity[picked]
    counts = np.bincount(entity, minlength=n_entities)
    offsets = np.r_[0, np.cumsum(counts)].astype(np.int32)
    values = pa.array(context.records[column].iloc[rows].to_numpy(dtype=object),
                      from_pandas=True)
    lists = pa.ListArray.from_arrays(pa.array(offsets), values,
                                     mask=pa.array(counts == 0))
    position = np.arange(rows.size) - np.repeat(offsets[:-1], counts)
    chosen = _Chosen(column, rule.label, entity, rows, support[picked], offered[entity],
                     position)
    # Python lists: what pandas users expect, and they survive Parquet and CSV round trips.
    return {column: pd.Series(lists.to_pylist(), dtype=object)}, [chosen]


def _take(values: pd.Series, indexer: np.ndarray) -> Any:
    """``values`` at ``indexer`` positions, null where the indexer is -1, dtype kept."""
    return pd.Series(values.array.take(indexer, allow_fill=True), name=values.name).array


def _provenance_table(context: _Context, parts: list[_Chosen],
                      builder: GoldenRecordBuilder) -> pd.DataFrame:
    """The long provenance table, in entity order, from every attribute's chosen rows."""
    if not parts:
        return pd.DataFrame(columns=PROVENANCE_COLUMNS)

    def joined(name: str) -> np.ndarray:
        return np.concatenate([getattr(part, name) for part in parts])

    sizes = [part.entity.size for part in parts]
    part_of = np.repeat(np.arange(len(parts)), sizes)
    order = np.argsort(joined("entity"), kind="stable")
    rows, part_of = joined("row")[order], part_of[order]
    records = context.records
    def column_at(name: str | None) -> Any:
        if name is None:
            return pd.Categorical.from_codes(np.full(rows.size, -1), categories=[])
        if name == builder.source:
            return pd.Categorical.from_codes(np.asarray(context.source_codes.codes)[rows],
                                             context.source_codes.categories)
        return records[name].take(rows).array

    return pd.DataFrame({
        "entity_id": context.entity_ids.take(joined("entity")[order]),
        "attribute": _categorical([part.attribute for part in parts], part_of),
        "value": _provenance_values(records, parts, order),
        "unique_id": column_at(builder.unique_id),
        "source": column_at(builder.source),
        "timestamp": column_at(builder.timestamp),
        "rule": _categorical([part.rule for part in parts], part_of),
        "support": joined("support")[order].astype(np.int32),
        "candidates": joined("candidates")[order].astype(np.int32),
        "position": joined("position")[order].astype(np.int32),
    })


def _provenance_values(records: pd.DataFrame, parts: list[_Chosen], order: np.ndarray
                       ) -> pd.Series:
    """The chosen values, in table order: compact Arrow text when every attribute is text,
    else Python objects (numbers and dates keep their type)."""
    try:
        columns = {part.attribute: pa.array(records[part.attribute], from_pandas=True)
                   for part in parts}
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # e.g. text mixed with lists of text
        columns = {}
    if columns and all(pa.types.is_string(c.type) or pa.types.is_large_string(c.type)
                       for c in columns.values()):
        taken = [columns[part.attribute].take(part.row).cast(pa.large_string()) for part in parts]
        chunks = [chunk for piece in taken
                  for chunk in (piece.chunks if isinstance(piece, pa.ChunkedArray) else [piece])]
        values = pa.chunked_array(chunks, type=pa.large_string()).combine_chunks()
        return values.take(order).to_pandas()
    values = np.concatenate([records[part.attribute].to_numpy(dtype=object)[part.row]
                             for part in parts])
    return pd.Series(values[order], dtype=object)  # a Series: keeps object, no inference


def _categorical(labels: list[str], part_of: np.ndarray) -> pd.Categorical:
    """A categorical holding ``labels[part]`` for each row's part."""
    categories = pd.Index(labels).unique()
    return pd.Categorical.from_codes(categories.get_indexer(labels)[part_of], categories)


def _entities(records: pd.DataFrame, clusters: pd.DataFrame, unique_id: str, entity_id: str,
              source: str | None) -> tuple[np.ndarray, pd.Index]:
    """The entity code of every record, and the entity id of every code (sorted)."""
    if not isinstance(records, pd.DataFrame) or not isinstance(clusters, pd.DataFrame):
        raise ConfigError(f"build: expected records and clusters as DataFrames, got "
                          f"{type(records).__name__} and {type(clusters).__name__}")
    id_column = unique_id if unique_id in clusters.columns else "unique_id"
    problems = [f"clusters: column {c!r} is missing" for c in (id_column, entity_id)
                if c not in clusters.columns]
    if unique_id not in records.columns:
        problems.append(f"records: column {unique_id!r} (unique_id) is missing")
    by_source = "source" in clusters.columns and source is not None
    if problems:
        raise SchemaError(problems)
    keys = [id_column, "source"] if by_source else [id_column]
    record_keys = [unique_id, source] if by_source else [unique_id]
    cluster_index = pd.MultiIndex.from_frame(clusters[keys]) if by_source \
        else pd.Index(clusters[id_column])
    record_index = pd.MultiIndex.from_frame(records[record_keys]) if by_source \
        else pd.Index(records[unique_id])
    if record_index.has_duplicates:
        raise SchemaError(f"records: {int(record_index.duplicated().sum())} duplicate "
                          f"{unique_id} values; each record needs its own id")
    if cluster_index.has_duplicates:
        raise SchemaError(f"clusters: {int(cluster_index.duplicated().sum())} records appear "
                          "more than once; give each record one entity")
    position = cluster_index.get_indexer(record_index)
    if (position < 0).any():
        missing = record_index[position < 0]
        raise SchemaError(
            f"clusters: {missing.size} record(s) have no entity, e.g. {list(missing[:3])}; "
            "pass the records to Linker.cluster(pairs, records) so unmatched records "
            "become one-record entities")
    extra = len(cluster_index) - len(np.unique(position))
    if extra:
        warnings.warn(f"clusters: {extra} record(s) are not among the records and are ignored",
                      DataWarning, stacklevel=4)
    entity_values = clusters[entity_id].to_numpy()[position]
    if pd.isna(entity_values).any():
        raise SchemaError(f"clusters: {int(pd.isna(entity_values).sum())} null {entity_id} "
                          "values; every record needs an entity")
    codes, uniques = pd.factorize(entity_values, sort=True)
    return codes.astype(np.int64), pd.Index(uniques)


def _flag(records: pd.DataFrame, column: str | None, parameter: str) -> np.ndarray:
    """A boolean suppression column as a numpy mask; null counts as not suppressed."""
    if column is None:
        return np.zeros(len(records), dtype=bool)
    if column not in records.columns:
        raise SchemaError(f"{parameter}: column {column!r} is missing from the records")
    values = records[column]
    present = values.notna().to_numpy()
    if values[present].isin([True, False]).all():  # bools, 0/1, with or without nulls
        out = np.zeros(len(values), dtype=bool)
        out[present] = values[present].to_numpy(dtype=bool)
        return out
    raise ConfigError(f"{parameter}: column {column!r} must be boolean (true = do not use), "
                      f"got dtype {values.dtype}; convert it, e.g. records[{column!r}] == 'Y'")


def _timestamps(values: pd.Series, column: str) -> np.ndarray:
    """A timestamp column as int64 nanoseconds; missing and unparseable values are MISSING_TIME."""
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
    elif pd.api.types.is_numeric_dtype(values):
        out = values.to_numpy(dtype=np.float64, na_value=np.nan)
        return np.where(np.isnan(out), Candidates.MISSING_TIME, out).astype(np.int64)
    else:
        parsed = pd.to_datetime(values, errors="coerce", format="ISO8601", utc=True)
        bad = parsed.isna() & values.notna()
        if bad.any():
            examples = values[bad].drop_duplicates().head(3).tolist()
            warnings.warn(f"timestamp column {column!r}: {int(bad.sum())} value(s) are not "
                          f"ISO dates or times, e.g. {examples}; they rank as missing",
                          DataWarning, stacklevel=5)
    stamps = pd.Series(parsed).dt.tz_localize(None) if getattr(parsed.dt, "tz", None) \
        else pd.Series(parsed)
    nanos = stamps.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    return np.where(stamps.isna().to_numpy(), Candidates.MISSING_TIME, nanos)


__all__ = ["GoldenRecordBuilder", "GoldenRecords"]
