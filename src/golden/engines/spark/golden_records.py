"""Golden records on Spark.

Every survivorship rule decides within one entity, so entities are hashed into groups of
about ``group_records`` records and each group, sorted by (source, unique id), goes through
``golden.survivorship.build.build_golden_records`` with ``applyInPandas``; one pass gives the
records and their provenance, split afterwards.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from golden.engines.spark.records import for_arrow, materialise
from golden.errors import ConfigError, SchemaError
from golden.survivorship.build import PROVENANCE_COLUMNS, GoldenRecords, build_golden_records
from golden.survivorship.pins import checked_pins, place_pins
from golden.survivorship.plan import SurvivorshipPlan, Target
from golden.survivorship.rules import AllValues
from golden.values import as_str

KIND = "__kind"
GROUP = "__group"
PROVENANCE = [f"__p_{c}" for c in PROVENANCE_COLUMNS]
TEXT_PROVENANCE = ("attribute", "value", "source", "rule")


def golden_records(plan: SurvivorshipPlan, records: DataFrame, clusters: DataFrame,
                   entity_id: str, group_records: int, pins: Any = None) -> GoldenRecords:
    """``GoldenRecordBuilder.build`` on Spark: both tables as Spark DataFrames.

    Pins are few: they are collected, given their entities on the driver (collecting the
    pinned records' entities), checked there on the pinned entities' records, and go to
    every group with the plan, so each group honours the pins of its entities exactly as
    the local engine does."""
    if not isinstance(records, DataFrame) or not isinstance(clusters, DataFrame):
        raise ConfigError(f"build: with a SparkEngine, expected records and clusters as Spark "
                          f"DataFrames, got {type(records).__name__} and "
                          f"{type(clusters).__name__}")
    targets = plan.targets(records.columns)
    id_column = plan.unique_id if plan.unique_id in clusters.columns else "unique_id"
    problems = [f"clusters: column {c!r} is missing" for c in (id_column, entity_id)
                if c not in clusters.columns]
    if problems:
        raise SchemaError(problems)
    source = plan.source if "source" in clusters.columns else None
    keys = [plan.unique_id] + ([source] if source else [])
    entities = clusters.select(F.col(id_column).alias(plan.unique_id), entity_id,
                               *([F.col("source").alias(source)] if source else []))
    joined = records.join(entities, keys, "left")
    missing = joined.where(F.col(entity_id).isNull()).count()
    if missing:
        raise SchemaError(f"clusters: {missing} record(s) have no entity; pass the records to "
                          "Linker.cluster(pairs, records) so unmatched records become "
                          "one-record entities")
    n_groups = max(1, joined.count() // group_records)
    grouped = joined.withColumn(GROUP, F.pmod(F.xxhash64(entity_id), F.lit(n_groups)))
    schema, record_fields = _schema(plan, records, clusters, entity_id, targets)
    columns = list(records.columns)
    order = ([plan.source] if plan.source else []) + [plan.unique_id]
    renamed = {source: "source"} if source else {}

    def built_here(frame: pd.DataFrame, placed: pd.DataFrame | None) -> GoldenRecords:
        frame = frame.sort_values(order, kind="stable").reset_index(drop=True)
        return build_golden_records(plan, frame[columns],
                                    frame[[*keys, entity_id]].rename(columns=renamed),
                                    entity_id, placed=placed)

    placed = None
    if pins is not None:
        placed = _placed_pins(plan, targets, joined, clusters, entity_id, pins)
        pinned = joined.where(F.col(entity_id).isin(
            [_plain(v) for v in pd.unique(placed["entity_id"])]))
        built_here(pinned.toPandas(), placed)  # every pin problem raised here, not in a task

    def build(frame: pd.DataFrame) -> pd.DataFrame:
        return _combined(built_here(frame, placed), schema)

    both = materialise(grouped.groupBy(GROUP).applyInPandas(build, schema))
    golden = both.where(F.col(KIND) == 0).select(*record_fields)
    provenance = both.where(F.col(KIND) == 1).select(
        *(F.col(p).alias(c) for p, c in zip(PROVENANCE, PROVENANCE_COLUMNS, strict=True)))
    return GoldenRecords(golden, provenance)


def _placed_pins(plan: SurvivorshipPlan, targets: list[Target], joined: DataFrame,
                 clusters: DataFrame, entity_id: str, pins: Any) -> pd.DataFrame:
    """The pins (``place_pins``), looking up only the pinned records and entities."""
    checked = checked_pins(pins.toPandas() if isinstance(pins, DataFrame) else pins)
    types = {f.name: f.dataType for f in joined.schema.fields}
    by_record = checked["unique_id"].notna()
    ids = _like(checked.loc[by_record, "unique_id"], types[plan.unique_id])
    wanted = _like(checked.loc[~by_record, "entity_id"], types[entity_id])
    checked.loc[by_record, "unique_id"] = ids
    checked.loc[~by_record, "entity_id"] = wanted
    keys = [plan.unique_id, *([plan.source] if plan.source else []), entity_id]
    found = (joined.where(F.col(plan.unique_id).isin([_plain(v) for v in pd.unique(ids)]))
             .select(*keys).toPandas() if len(ids) else pd.DataFrame(columns=keys))
    found.columns = ["unique_id", *(["source"] if plan.source else []), "entity_id"]
    known: pd.DataFrame = (
        clusters.where(F.col(entity_id).isin([_plain(v) for v in pd.unique(wanted)]))
        .select(entity_id).distinct().toPandas() if len(wanted)
        else pd.DataFrame({entity_id: []}, dtype=object))
    return place_pins(checked, targets, records=found, entity_ids=pd.Index(known[entity_id]),
                      with_source=plan.source is not None)


def _like(values: pd.Series, kind: T.DataType) -> pd.Series:
    """Ids as numbers where the Spark column holds numbers (read from CSV they are text)."""
    if isinstance(kind, T.IntegralType):
        numbers = pd.to_numeric(values, errors="coerce")
        whole = (numbers.notna() & (numbers == numbers.round())).to_numpy()
        out = values.astype(object).copy()
        out[whole] = numbers[whole].astype("int64").to_numpy(dtype=object)
        return out
    if isinstance(kind, T.StringType):
        return values.map(lambda v: v if isinstance(v, str) else as_str(pd.Series([v]))[0])
    return values


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _schema(plan: SurvivorshipPlan, records: DataFrame, clusters: DataFrame,
            entity_id: str, targets: list[Target]) -> tuple[T.StructType, list[str]]:
    """The one output schema of the groups (records and provenance rows), and the golden
    records' columns."""
    types = {f.name: f.dataType for f in records.schema.fields}
    list_columns = {t.columns[0] for t in targets if isinstance(t.rule, AllValues)}
    targeted = {c for t in targets for c in t.columns}
    attributes = [c for c in records.columns if c in targeted]
    entity_type = clusters.schema[entity_id].dataType
    fields = [T.StructField(KIND, T.ByteType()), T.StructField("entity_id", entity_type),
              T.StructField("n_records", T.LongType())]
    fields += [T.StructField(c, T.ArrayType(types[c]) if c in list_columns else types[c])
               for c in attributes]
    provenance_types = {"entity_id": entity_type, "unique_id": types[plan.unique_id],
                        "timestamp": types[plan.timestamp] if plan.timestamp
                        else T.StringType()}
    for name, column in zip(PROVENANCE_COLUMNS, PROVENANCE, strict=True):
        kind = provenance_types.get(name, T.StringType() if name in TEXT_PROVENANCE
                                    else T.IntegerType())
        fields.append(T.StructField(column, kind))
    return T.StructType(fields), ["entity_id", "n_records", *attributes]


def _combined(built: GoldenRecords, schema: T.StructType) -> pd.DataFrame:
    """Golden records and provenance rows in one frame of ``schema`` (``__kind`` 0 and 1)."""
    golden, provenance = built.records, built.provenance
    n, m = len(golden), len(provenance)
    out: dict[str, Any] = {KIND: np.r_[np.zeros(n, np.int8), np.ones(m, np.int8)]}
    for field in schema.fields[1:]:
        name = field.name
        if name in PROVENANCE:
            values = provenance[PROVENANCE_COLUMNS[PROVENANCE.index(name)]]
            if name.removeprefix("__p_") in TEXT_PROVENANCE:
                values = as_str(values.astype(object))
            out[name] = _padded(values, n, before=True)
        elif name == "entity_id":
            out[name] = pd.concat([golden[name], provenance[name]], ignore_index=True)
        else:
            out[name] = _padded(golden[name], m, before=False)
    return for_arrow(pd.DataFrame(out))


def _padded(values: pd.Series, count: int, before: bool) -> pd.Series:
    """``values`` with ``count`` nulls before or after them (dtype kept where it can)."""
    values = pd.Series(values).reset_index(drop=True)
    if pd.api.types.is_integer_dtype(values.dtype) and not pd.api.types.is_extension_array_dtype(
            values.dtype):
        values = values.astype("Int64")
    nulls = pd.Series([None] * count, dtype=values.dtype if count else object)
    parts = [nulls, values] if before else [values, nulls]
    return pd.concat(parts, ignore_index=True)
