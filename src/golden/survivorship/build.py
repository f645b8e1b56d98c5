"""Golden records: one row per entity, each value chosen by a survivorship rule, with provenance.

The work is group-wise and vectorised: for each attribute (or coherent group of
attributes) the candidate records are sorted once by entity and by the rule's keys,
and the first record of each entity wins. No Python loop runs over entities.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from golden._base.cells import column_problems
from golden.errors import SchemaError
from golden.records import checked_values
from golden.survivorship.candidates import (
    Context,
    EntityCandidates,
    build_context,
    combined,
)
from golden.survivorship.display import golden_records_html
from golden.survivorship.pins import (
    TargetPins,
    checked_pins,
    pin_support,
    pins_of_targets,
    place_pins,
)
from golden.survivorship.plan import SurvivorshipPlan, Target
from golden.survivorship.rules import AllValues, MostFrequent

PROVENANCE_COLUMNS = ["entity_id", "attribute", "value", "unique_id", "source", "timestamp",
                      "rule", "support", "candidates", "position"]


@dataclass(frozen=True)
class GoldenRecords:
    """One golden record per entity, and where each value came from (``GoldenRecordBuilder.build``).

    Attributes
    ----------
    records : DataFrame
        One row per entity: ``entity_id``, ``n_records``, then each attribute.
    provenance : DataFrame
        One row per value of every golden record: ``entity_id``, ``attribute``,
        ``value``, the ``unique_id``, ``source`` and ``timestamp`` of the record it came
        from, the ``rule`` that chose it, ``support`` (records of the entity holding the
        same value), ``candidates`` (records that offered a usable value) and
        ``position`` (index within a list attribute, else 0). A pinned value's rule is
        ``"pinned by <by>: <reason>"``; its ``unique_id``, ``source`` and ``timestamp``
        are those of the record it was pinned through, null when pinned for an entity.
    """

    records: pd.DataFrame
    provenance: pd.DataFrame

    def __len__(self) -> int:
        return len(self.records)

    def _repr_html_(self) -> str:
        """Counts, the head of ``records`` and the rules used per attribute, as HTML for
        notebooks."""
        return golden_records_html(self.records, self.provenance)

    def provenance_of(self, entity_id: Any) -> pd.DataFrame:
        """Where each value of one entity's golden record came from, one row per value.

        Raises ``SchemaError`` (a ``KeyError``) when the entity is unknown.
        """
        if not (self.records["entity_id"] == entity_id).any():
            raise SchemaError(f"entity_id {entity_id!r} is not among the golden records")
        rows = self.provenance[self.provenance["entity_id"] == entity_id]
        return rows.drop(columns="entity_id").set_index(["attribute", "position"])


@dataclass(frozen=True)
class _Chosen:
    """The records that supplied one attribute's golden values (provenance, before ids).

    Pinned values are not read from ``row`` (the record pinned through, -1 for none) but
    given in ``values``, each with its own rule in ``rules``.
    """

    attribute: str
    rule: str
    entity: np.ndarray
    row: np.ndarray
    support: np.ndarray
    candidates: np.ndarray
    position: np.ndarray
    values: np.ndarray | None = None
    rules: np.ndarray | None = None

    def without(self, entities: np.ndarray) -> _Chosen:
        """The rows of entities other than ``entities``."""
        keep = ~np.isin(self.entity, entities)
        return replace(self, entity=self.entity[keep], row=self.row[keep],
                       support=self.support[keep], candidates=self.candidates[keep],
                       position=self.position[keep],
                       values=None if self.values is None else self.values[keep],
                       rules=None if self.rules is None else self.rules[keep])


def build_golden_records(plan: SurvivorshipPlan, records: pd.DataFrame,
                         clusters: pd.DataFrame, entity_id: str = "entity_id",
                         pins: pd.DataFrame | None = None, *,
                         placed: pd.DataFrame | None = None) -> GoldenRecords:
    """One golden record per entity of ``clusters``, chosen by the plan's rules.

    ``pins`` (see ``golden.survivorship.pins``) win over the rules; ``placed`` is pins
    already given their entities (``place_pins``), of which those of entities absent
    here are left out (the Spark engine builds groups of entities with them).

    The records' values are read as ``golden.records.checked_values`` says: an id or a
    value of a type no rule can read is refused, naming the column; text with a lone
    surrogate is kept with it escaped, an infinite number is missing (with a warning).

    Examples
    --------
    >>> from golden import survivorship as sv
    >>> records = pd.DataFrame({"unique_id": ["a", "b"], "email": ["x@y.org", None]})
    >>> clusters = pd.DataFrame({"unique_id": ["a", "b"], "entity_id": [7, 7]})
    >>> plan = SurvivorshipPlan(rules=None, default=sv.most_frequent())
    >>> build_golden_records(plan, records, clusters).records
       entity_id  n_records    email
    0          7          2  x@y.org
    """
    problems = column_problems(records.columns) if isinstance(records, pd.DataFrame) else []
    if problems:
        raise SchemaError(problems)
    targets = plan.targets(records.columns)
    records, problems = checked_values(records, [c for t in targets for c in t.columns],
                                       [plan.unique_id, plan.source])
    if problems:
        raise SchemaError(problems)
    context = build_context(plan, records, clusters, entity_id, targets)
    if pins is not None:
        placed = place_pins(checked_pins(pins), targets, records=_record_entities(plan, context),
                            entity_ids=context.entity_ids, with_source=plan.source is not None)
    pinned = pins_of_targets(plan, context, targets, placed) if placed is not None else {}
    n_entities = len(context.entity_ids)
    columns: dict[str, Any] = {
        "entity_id": context.entity_ids.to_numpy(),
        "n_records": np.bincount(context.entity, minlength=n_entities),
    }
    provenance = []
    for target in targets:
        values, chosen = _resolve(context, target, pinned.get(target.name))
        columns.update(values)
        provenance.extend(chosen)
    targeted = {c for target in targets for c in target.columns}
    order = ["entity_id", "n_records", *(c for c in records.columns if c in targeted)]
    table = pd.DataFrame({name: columns[name] for name in order})
    return GoldenRecords(table, _provenance_table(context, provenance, plan))


def _resolve(context: Context, target: Target, pins: TargetPins | None = None
             ) -> tuple[dict[str, Any], list[_Chosen]]:
    """The golden values of one target and their provenance rows, pins winning."""
    usable = np.logical_or.reduce([context.usable[c] for c in target.columns])
    n_entities = len(context.entity_ids)
    offered = np.bincount(context.entity[usable], minlength=n_entities)
    agreeing = np.zeros(n_entities, dtype=bool)
    if pins is not None and pins.usable is not None:
        usable, agreeing = pins.usable, pins.agreeing
    candidates = EntityCandidates(context, target, np.flatnonzero(usable))
    keys = target.rule.sort_keys(candidates)
    if context.timestamp_column:
        keys.append(candidates.recency(None))
    order = np.lexsort([candidates.rows, *reversed(keys), candidates.entity])
    support_normalise = (target.rule.normalise
                         if isinstance(target.rule, MostFrequent | AllValues) else None)
    support = candidates.support(support_normalise)
    if isinstance(target.rule, AllValues):
        values, parts = _all_values(context, target, candidates, order, support, offered)
    else:
        values, parts = _single_values(context, target, candidates, order, support, offered,
                                       agreeing)
    if pins is not None:
        values, parts = _with_pins(context, target, pins, values, parts, offered)
    return values, parts


def _single_values(context: Context, target: Target, candidates: EntityCandidates,
                   order: np.ndarray, support: np.ndarray, offered: np.ndarray,
                   agreeing: np.ndarray) -> tuple[dict[str, Any], list[_Chosen]]:
    """One value per entity (per attribute of a group), from the first record in rule order
    (a group's gaps completed from one agreeing record)."""
    n_entities = len(context.entity_ids)
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
        for from_filler in (False, True) if target.is_group else (False,):
            for with_pin in (False, True) if agreeing.any() else (False,):
                entities = np.flatnonzero((indexer >= 0) & (filled == from_filler)
                                          & (agreeing == with_pin))
                label = (target.rule.label + (", agreeing with the pin" if with_pin else "")
                         + (", completed" if from_filler else ""))
                parts.append(_Chosen(
                    column, label, entities, indexer[entities], winner_support[entities],
                    offered[entities], np.zeros(entities.size, dtype=np.int64)))
    return values, parts


def _record_entities(plan: SurvivorshipPlan, context: Context) -> pd.DataFrame:
    """Every record's id (and source) with its entity: what pins through a record look up."""
    frame = {"unique_id": context.records[plan.unique_id].to_numpy()}
    if plan.source:
        frame["source"] = context.records[plan.source].to_numpy(dtype=object)
    frame["entity_id"] = context.entity_ids.take(context.entity).to_numpy(dtype=object)
    return pd.DataFrame(frame).astype({"entity_id": context.entity_ids.dtype})


def _with_pins(context: Context, target: Target, pins: TargetPins, values: dict[str, Any],
               parts: list[_Chosen], offered: np.ndarray
               ) -> tuple[dict[str, Any], list[_Chosen]]:
    """The target's values and provenance with each pinned value in place of the rule's."""
    as_list = isinstance(target.rule, AllValues)
    kept = list(parts)
    for column in target.columns:
        mine = pins.column == column
        if not mine.any():
            continue
        codes, pinned = pins.code[mine], pins.value[mine]
        values[column] = _replaced(values[column], codes, pinned, as_list)
        kept = [p.without(codes) if p.attribute == column else p for p in kept]
        counts = np.array([len(v) for v in pinned]) if as_list else np.ones(codes.size, int)
        entity = np.repeat(codes, counts)
        each = _objects([v for vs in pinned for v in vs]) if as_list else pinned
        position = np.arange(entity.size) - np.repeat(np.cumsum(counts) - counts, counts)
        kept.append(_Chosen(
            column, "pinned", entity, np.repeat(pins.row[mine], counts),
            pin_support(context, column, entity, each), offered[entity], position,
            values=each, rules=np.repeat(pins.rule[mine], counts)))
    return values, kept


def _objects(items: list[Any]) -> np.ndarray:
    """A 1-d object array of ``items`` (numpy would make lists of lists two-dimensional)."""
    out = np.empty(len(items), dtype=object)
    out[:] = items if not items or not isinstance(items[0], list) else [None] * len(items)
    if items and isinstance(items[0], list):
        for i, item in enumerate(items):
            out[i] = item
    return out


def _replaced(current: Any, codes: np.ndarray, pinned: np.ndarray, as_list: bool) -> Any:
    """Golden values with ``pinned`` at the entities ``codes`` (the dtype kept where the
    pinned values fit it)."""
    if as_list:
        out = pd.Series(current, dtype=object).to_numpy(dtype=object).copy()
        out[codes] = pinned
        return pd.Series(out, dtype=object)
    series = pd.Series(current, copy=True)
    try:
        series.iloc[codes] = pd.array(list(pinned), dtype=series.dtype)
    except (TypeError, ValueError):
        series = series.astype(object)
        series.iloc[codes] = pinned
    return series.array


def _source_rows(usable: np.ndarray, winner: np.ndarray) -> np.ndarray:
    """Per entity, the winner's row where its value is usable, else -1."""
    indexer = np.full(winner.size, -1, dtype=np.int64)
    has = winner >= 0
    has[has] = usable[winner[has]]
    indexer[has] = winner[has]
    return indexer


def _compatible_filler(context: Context, target: Target, candidates: EntityCandidates,
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


def _support_of(candidates: EntityCandidates, first: np.ndarray, support: np.ndarray,
                n_entities: int) -> np.ndarray:
    out = np.zeros(n_entities, dtype=np.int64)
    out[candidates.entity[first]] = support[first]
    return out


def _all_values(context: Context, target: Target, candidates: EntityCandidates, order: np.ndarray,
                support: np.ndarray, offered: np.ndarray) -> tuple[dict[str, Any], list[_Chosen]]:
    """Every distinct value per entity as a list, ordered by the rule, with provenance."""
    rule = target.rule
    assert isinstance(rule, AllValues)
    column = target.columns[0]
    n_entities = len(context.entity_ids)
    distinct = combined(candidates.entity, candidates.value_codes(rule.normalise))
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


def _provenance_table(context: Context, parts: list[_Chosen],
                      plan: SurvivorshipPlan) -> pd.DataFrame:
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
        if name == plan.source:
            codes = np.asarray(context.source_codes.codes)[rows]
            return pd.Categorical.from_codes(np.where(rows >= 0, codes, -1),
                                             context.source_codes.categories)
        if (rows >= 0).all():
            return records[name].take(rows).array
        values = records[name]  # pinned for an entity: no record, so null
        if pd.api.types.is_integer_dtype(values.dtype) or pd.api.types.is_bool_dtype(
                values.dtype):
            values = values.astype("Int64" if pd.api.types.is_integer_dtype(values.dtype)
                                   else "boolean")
        return values.array.take(rows, allow_fill=True)

    return pd.DataFrame({
        "entity_id": context.entity_ids.take(joined("entity")[order]),
        "attribute": _categorical([part.attribute for part in parts], part_of),
        "value": _provenance_values(records, parts, order),
        "unique_id": column_at(plan.unique_id),
        "source": column_at(plan.source),
        "timestamp": column_at(plan.timestamp),
        "rule": _rules(parts, part_of, order),
        "support": joined("support")[order].astype(np.int32),
        "candidates": joined("candidates")[order].astype(np.int32),
        "position": joined("position")[order].astype(np.int32),
    })


def _rules(parts: list[_Chosen], part_of: np.ndarray, order: np.ndarray) -> pd.Categorical:
    """The rule of each provenance row, in table order (pinned values have their own)."""
    if all(part.rules is None for part in parts):
        return _categorical([part.rule for part in parts], part_of)
    labels = np.concatenate([part.rules if part.rules is not None
                             else np.full(part.entity.size, part.rule, dtype=object)
                             for part in parts])
    return pd.Categorical(labels[order], categories=pd.unique(labels))


def _provenance_values(records: pd.DataFrame, parts: list[_Chosen], order: np.ndarray
                       ) -> pd.Series:
    """The chosen values, in table order: compact Arrow text when every attribute is text,
    else Python objects (numbers and dates keep their type)."""
    try:
        columns = {part.attribute: pa.array(records[part.attribute], from_pandas=True)
                   for part in parts}
        pinned = {id(part): pa.array(part.values.tolist(), from_pandas=True, type=pa.string())
                  for part in parts if part.values is not None}
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # e.g. text mixed with lists of text
        columns = {}
    if columns and all(pa.types.is_string(c.type) or pa.types.is_large_string(c.type)
                       for c in columns.values()):
        taken = [(pinned[id(part)] if part.values is not None
                  else columns[part.attribute].take(part.row)).cast(pa.large_string())
                 for part in parts]
        chunks = [chunk for piece in taken
                  for chunk in (piece.chunks if isinstance(piece, pa.ChunkedArray) else [piece])]
        values = pa.chunked_array(chunks, type=pa.large_string()).combine_chunks()
        return values.take(order).to_pandas()
    values = np.concatenate([part.values if part.values is not None
                             else records[part.attribute].to_numpy(dtype=object)[part.row]
                             for part in parts])
    return pd.Series(values[order], dtype=object)  # a Series: keeps object, no inference


def _categorical(labels: list[str], part_of: np.ndarray) -> pd.Categorical:
    """A categorical holding ``labels[part]`` for each row's part."""
    categories = pd.Index(labels).unique()
    return pd.Categorical.from_codes(categories.get_indexer(labels)[part_of], categories)
