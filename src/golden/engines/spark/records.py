"""Records on Spark: validated, numbered 0..n-1 in (source, unique id) order, materialised.

The row number is what both engines share: the local engine numbers records in the order it
is given them, so a local run on records sorted by (source, unique id) numbers every record
as Spark does, draws the same random pairs for u, and learns the same model.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from golden.errors import ConfigError, DataWarning, SchemaError
from golden.records import DEFAULT_SOURCE

ROW = "__row"
SOURCE_CODE = "__src"


@dataclass
class SparkRecords:
    """Records on Spark with the internal columns ``__row`` and ``__src``.

    ``frame`` holds ``__row``, ``__src``, the unique id, the source column (when there is
    one) and the columns the configuration reads; it is materialised.
    """

    frame: DataFrame
    unique_id: str
    source: str | None
    source_names: list[str]
    source_sizes: list[int]

    @property
    def n(self) -> int:
        """How many records."""
        return int(sum(self.source_sizes))

    @property
    def n_sources(self) -> int:
        """How many sources the records come from."""
        return len(self.source_names)

    @cached_property
    def source_codes(self) -> np.ndarray:
        """Each row's source code (rows are numbered source by source)."""
        return np.repeat(np.arange(self.n_sources, dtype=np.int16), self.source_sizes)


def combine_sources(data: Any, source: str | None) -> tuple[DataFrame, str | None]:
    """One Spark DataFrame from one, a list (sources "0", "1", ...) or a dict of them."""
    if isinstance(data, DataFrame):
        return data, source
    if isinstance(data, Mapping):
        names, frames = [str(k) for k in data], list(data.values())
    elif isinstance(data, Sequence) and not isinstance(data, str):
        frames = list(data)
        names = [str(i) for i in range(len(frames))]
    else:
        raise ConfigError(f"records: got {type(data).__name__}, expected a Spark DataFrame, a "
                          "list of them or a dict of source name to Spark DataFrame (the "
                          "engine is a SparkEngine)")
    bad = [n for n, f in zip(names, frames, strict=True) if not isinstance(f, DataFrame)]
    if not frames or bad:
        raise ConfigError(f"records: every item must be a Spark DataFrame; not: {bad}")
    column = source or DEFAULT_SOURCE
    tagged = [f.withColumn(column, F.lit(name)) for name, f in zip(names, frames, strict=True)]
    combined = tagged[0]
    for frame in tagged[1:]:
        combined = combined.unionByName(frame, allowMissingColumns=True)
    return combined, column


def prepare(data: Any, *, unique_id: str, source: str | None, link_type: str,
            columns: Sequence[str]) -> SparkRecords:
    """Validate Spark records (every problem at once), number and materialise them."""
    frame, source = combine_sources(data, source)
    needed = list(dict.fromkeys([unique_id, *([source] if source else []), *columns]))
    present = list(frame.columns)
    problems = []
    for column in needed:
        if column not in present:
            close = difflib.get_close_matches(column, present, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ";"
            problems.append(f"column {column!r} (named by the configuration) is missing{hint} "
                            f"Columns present: {present}")
    if problems:
        raise SchemaError(problems)
    keys = [source, unique_id] if source else [unique_id]
    checked = [c for c in dict.fromkeys(columns) if c != unique_id]
    by_source = (frame.groupBy(F.col(source).alias("__s")) if source
                 else frame.groupBy(F.lit("").alias("__s")))
    facts = by_source.agg(F.count(F.lit(1)).alias("__n"),
                          F.sum(F.col(unique_id).isNull().cast("long")).alias("__null"),
                          *(F.count(c).alias(f"__c{i}") for i, c in enumerate(checked))
                          ).collect()
    if not facts:
        raise SchemaError("the input has no rows: pass at least one record")
    if any(r["__s"] is None for r in facts):
        problems.append(f"source column {source!r} has null values; every record needs a "
                        "source")
    null_ids = sum(r["__null"] for r in facts)
    if null_ids:
        problems.append(f"unique id column {unique_id!r} has {null_ids} null value(s); every "
                        "record needs an id")
    repeated = (frame.where(F.col(unique_id).isNotNull()).groupBy(*keys).count()
                .where("count > 1"))
    repeats = repeated.agg(F.sum("count").alias("rows")).first()
    if repeats is not None and repeats["rows"]:
        examples = [r[unique_id] for r in repeated.limit(5).collect()]
        scope = "" if len(keys) == 1 else " within a source"
        problems.append(f"unique id column {unique_id!r} has {repeats['rows']} rows with "
                        f"repeated ids{scope}, e.g. {examples}; ids must be unique (drop or "
                        "rename duplicates)")
    if problems:
        raise SchemaError(problems)
    # in the source column's own order (numbers as numbers), as rows are numbered
    sizes = {r["__s"]: int(r["__n"]) for r in sorted(facts, key=lambda r: r["__s"])}
    if link_type in ("link", "link_and_dedupe") and len(sizes) < 2:
        raise ConfigError(f"link_type={link_type!r} needs records from at least two sources: "
                          "pass a list of DataFrames, or name a source column with source=...")
    empty = [c for i, c in enumerate(checked) if not sum(r[f"__c{i}"] for r in facts)]
    if empty:
        warnings.warn(f"column(s) {empty} are entirely null: they cannot help matching",
                      DataWarning, stacklevel=4)
    selected = frame.select(*needed)
    if source:
        schema = T.StructType([frame.schema[source], T.StructField(SOURCE_CODE, T.IntegerType())])
        codes = frame.sparkSession.createDataFrame(
            [(name, i) for i, name in enumerate(sizes)], schema)
        selected = selected.join(F.broadcast(codes), source)
    else:
        selected = selected.withColumn(SOURCE_CODE, F.lit(0))
    numbered = number_rows(selected, keys, ROW)
    return SparkRecords(numbered, unique_id, source, [str(n) for n in sizes],
                        list(sizes.values()))


def number_rows(frame: DataFrame, order: Sequence[str], name: str) -> DataFrame:
    """``frame`` with ``name`` = 0..n-1 in ``order`` (ties in any order), computed in
    parallel: sort, count each partition, and offset each partition's own numbering."""
    ordered = materialise(frame.orderBy(*order)
                          .withColumn("__part", F.spark_partition_id())
                          .withColumn("__mono", F.monotonically_increasing_id()))
    counts = ordered.groupBy("__part").count().collect()
    offsets, total = [], 0
    for row in sorted(counts, key=lambda r: r["__part"]):
        offsets.append((row["__part"], total))
        total += row["count"]
    spark = SparkSession.getActiveSession() or frame.sparkSession
    offset_frame = spark.createDataFrame(offsets or [(0, 0)], "__part int, __offset long")
    local = F.col("__mono") - F.shiftleft(F.col("__part").cast("long"), 33)
    numbered = (ordered.join(F.broadcast(offset_frame), "__part")
                .withColumn(name, F.col("__offset") + local)
                .drop("__part", "__mono", "__offset"))
    return materialise(numbered)


def for_arrow(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with text and categorical columns as Python objects (null as None):
    pyspark's Arrow conversion does not read pandas 3's Arrow-backed ``str`` columns."""
    converted = {c: frame[c].astype(object).where(frame[c].notna(), None)
                 for c in frame.columns
                 if isinstance(frame[c].dtype, pd.StringDtype | pd.CategoricalDtype)}
    return frame.assign(**converted) if converted else frame


def materialise(frame: DataFrame) -> DataFrame:
    """``frame`` computed now and kept on the executors, with a plan one step long: later
    steps read it rather than re-run its lineage, and query plans (which Spark describes
    in full at every step) stay small."""
    return frame.localCheckpoint(eager=True)


def pair_rows(records: SparkRecords, pairs: Any, extra: Sequence[str] = ()) -> DataFrame:
    """``(row_l, row_r, *extra)`` for pairs of unique ids (``unique_id_l``/``unique_id_r``,
    with ``source_l``/``source_r`` for several sources), a pandas or Spark DataFrame; pairs
    of a record with itself are dropped, and ids not among the records are an error."""
    spark = records.frame.sparkSession
    frame = pairs if isinstance(pairs, DataFrame) else spark.createDataFrame(pairs)
    required = ["unique_id_l", "unique_id_r"]
    if records.source:
        required = ["source_l", *required, "source_r"]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise SchemaError(f"pairs/labels: columns {missing} are missing; columns present: "
                          f"{list(frame.columns)}")
    out = frame.select(*required, *extra)
    for side in "lr":
        ids = records.frame.select(F.col(ROW).alias(f"row_{side}"),
                                   F.col(records.unique_id).alias(f"unique_id_{side}"),
                                   *([F.col(records.source).cast("string")
                                      .alias(f"source_{side}")] if records.source else []))
        keys = [f"unique_id_{side}"] + ([f"source_{side}"] if records.source else [])
        out = out.join(ids, keys, "left")
        unknown = out.where(F.col(f"row_{side}").isNull())
        n_unknown = unknown.count()
        if n_unknown:
            examples = [r[0] for r in unknown.select(f"unique_id_{side}").limit(5).collect()]
            raise SchemaError(f"pairs: {n_unknown} unique_id_{side} value(s) are not in the "
                              f"records, e.g. {examples}")
    return out.where(F.col("row_l") != F.col("row_r")).select("row_l", "row_r", *extra)
