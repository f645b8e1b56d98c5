"""The candidates a survivorship rule sees: each entity's records holding a usable value,
with the columns rules read (timestamps, sources, suppression flags) prepared once."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from golden.errors import ConfigError, DataWarning, SchemaError
from golden.survivorship.plan import SurvivorshipPlan, Target
from golden.values import Expr, as_str
from golden.values import per_value as pv


class EntityCandidates:
    """The records of every entity that hold a usable value for one target: what a rule
    sees (``golden.survivorship.rules.Candidates``).

    Rules read their sort keys from here (see ``golden.survivorship.Rule.sort_keys``);
    everything is aligned with ``rows``, positions into the records.
    """

    MISSING_TIME = np.iinfo(np.int64).min

    def __init__(self, context: Context, target: Target, rows: np.ndarray) -> None:
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
        key = combined(self.entity, self.value_codes(normalise))
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
class Context:
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
            self._codes[key] = combined(*codes)
        return self._codes[key]

    def folded_codes(self, column: str) -> np.ndarray:
        """Codes of one column's values after case, accent and whitespace folding (cached)."""
        key = (f"column:{column}", None)
        if key not in self._codes:
            self._codes[key] = folded_codes(self.records[column])
        return self._codes[key]

    def _normalised_codes(self, column: str, normalise: Expr) -> np.ndarray:
        """Codes of ``normalise``'s values; a value it cannot read still counts, as itself."""
        codes = pd.factorize(normalise.evaluate(self.records))[0].astype(np.int64)
        unread = (codes < 0) & self.records[column].notna().to_numpy()
        if unread.any():
            raw = folded_codes(self.records[column][unread])
            codes[unread] = codes.max(initial=-1) + 1 + raw
        return codes


def combined(*codes: np.ndarray) -> np.ndarray:
    """One code per distinct combination of non-negative codes (hashing, not sorting)."""
    key = codes[0].astype(np.int64)
    for more in codes[1:]:
        key = key * (int(more.max(initial=0)) + 1) + more
        key = pd.factorize(key)[0].astype(np.int64)
    return key


def folded_codes(values: pd.Series) -> np.ndarray:
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


def build_context(plan: SurvivorshipPlan, records: pd.DataFrame, clusters: pd.DataFrame,
              entity_id: str, targets: list[Target]) -> Context:
    """The records joined to their entities, with what the targets' rules read."""
    entity, entity_ids = entities_of(records, clusters, plan.unique_id, entity_id,
                                   plan.source)
    suppressed = flag(records, plan.suppress_records, "suppress_records")
    usable = {}
    for target in targets:
        value_flag = (plan.suppress_values or {}).get(target.name)
        blocked = suppressed | flag(records, value_flag, f"suppress_values[{target.name!r}]")
        for column in target.columns:
            usable[column] = records[column].notna().to_numpy() & ~blocked
    stamp_columns = {c or plan.timestamp for t in targets for c in t.rule.timestamp_columns()}
    stamp_columns |= {plan.timestamp} if plan.timestamp else set()
    sources = (pd.Categorical(records[plan.source]) if plan.source
               else pd.Categorical(np.full(len(records), None, dtype=object)))
    all_columns = [c for t in targets for c in t.columns]
    completeness = np.zeros(len(records), dtype=np.int64)
    for column in all_columns:
        completeness += usable[column]
    return Context(
        records=records,
        entity=entity,
        entity_ids=entity_ids,
        usable=usable,
        timestamp_column=plan.timestamp,
        timestamps={c: timestamps_of(records[c], c) for c in stamp_columns if c},
        source_codes=sources,
        completeness=completeness,
    )


def entities_of(records: pd.DataFrame, clusters: pd.DataFrame, unique_id: str, entity_id: str,
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
    if records[unique_id].isna().any():
        raise SchemaError(f"records: {int(records[unique_id].isna().sum())} null {unique_id} "
                          "value(s); every record needs an id")
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


def flag(records: pd.DataFrame, column: str | None, parameter: str) -> np.ndarray:
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


def timestamps_of(values: pd.Series, column: str) -> np.ndarray:
    """A timestamp column as int64 nanoseconds; missing and unparseable values are MISSING_TIME."""
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
    elif pd.api.types.is_numeric_dtype(values):
        out = values.to_numpy(dtype=np.float64, na_value=np.nan)
        return np.where(np.isnan(out), EntityCandidates.MISSING_TIME, out).astype(np.int64)
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
    return np.where(stamps.isna().to_numpy(), EntityCandidates.MISSING_TIME, nanos)
