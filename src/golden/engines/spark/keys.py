"""Block keys and term-frequency keys on Spark, computed by golden's own normalisers.

Each Arrow batch of records becomes a local ``Records``, and the key expressions run on it
exactly as in the local engine (once per distinct value). Keys leave the batch as text:
two records share a key exactly when the local engine gives them the same code.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from golden.blocking import BlockingRule, BlockOn, BlockOnAny
from golden.engines.spark.records import ROW, SOURCE_CODE, SparkRecords, materialise
from golden.errors import ConfigError, DataWarning
from golden.records import Records
from golden.values import Expr, as_str

KEY = "key"
KEY_SEPARATOR = "\x1f"


@contextmanager
def quiet() -> Iterator[None]:
    """Silence golden's data warnings in executors (their logs would repeat them per
    batch; the local engine reports them once)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        yield


def batch_records(frame: pd.DataFrame) -> Records:
    """A local ``Records`` over one batch (rows numbered by position); each batch normalises
    its own distinct values."""
    return Records(frame.assign(**{ROW: np.arange(len(frame))}).reset_index(drop=True), ROW,
                   None)


def key_text(records: Records, expr: Expr) -> pd.Series:
    """An expression's values as text (null stays null); numbers without a spurious .0, so
    a batch read as floats gives the same text as one read as integers."""
    return as_str(records.values(expr))


def rule_keys(records: SparkRecords, rule: BlockingRule) -> DataFrame:
    """``(__row, __src, key)``: each record's block keys for one rule, a row per key."""
    if not isinstance(rule, BlockOn | BlockOnAny):
        raise ConfigError(f"blocking rule {rule.label!r}: the Spark engine blocks by joins on "
                          "keys (block_on, block_on_any); a sorted neighbourhood depends on "
                          "every record's position. Replace it with block_on rules on the "
                          "sort key's prefixes, e.g. block_on(col(...).first(4))")
    columns = list(rule.columns)

    def keys_of(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        with quiet():
            for batch in batches:
                records = batch_records(batch[columns])
                if isinstance(rule, BlockOn):
                    parts = [key_text(records, k) for k in rule.keys]
                    present = np.logical_and.reduce([p.notna().to_numpy() for p in parts])
                    rows = np.flatnonzero(present)
                    text = parts[0].iloc[rows].to_numpy(dtype=object)
                    for part in parts[1:]:
                        text = text + KEY_SEPARATOR + part.iloc[rows].to_numpy(dtype=object)
                else:
                    rows, text = rule.block_keys(records)
                yield pd.DataFrame({ROW: batch[ROW].to_numpy()[rows],
                                    SOURCE_CODE: batch[SOURCE_CODE].to_numpy()[rows],
                                    KEY: pd.Series(text, dtype=object)})

    schema = f"{ROW} long, {SOURCE_CODE} int, {KEY} string"
    return records.frame.select(ROW, SOURCE_CODE, *columns).mapInPandas(keys_of, schema)


def value_counts(records: SparkRecords, exprs: Sequence[Expr]) -> tuple[DataFrame, list[int]]:
    """Per record, how many records hold its value of each expression (``tf<j>``, null
    where the value is null), and per expression how many records hold any value."""
    columns = list(dict.fromkeys(e.column for e in exprs))
    names = [f"tf{j}" for j in range(len(exprs))]

    def texts_of(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        with quiet():
            for batch in batches:
                records = batch_records(batch[columns])
                out = {ROW: batch[ROW].to_numpy()}
                for name, expr in zip(names, exprs, strict=True):
                    out[name] = key_text(records, expr).to_numpy(dtype=object)
                yield pd.DataFrame(out)

    schema = ", ".join([f"{ROW} long", *(f"{n} string" for n in names)])
    texts = records.frame.select(ROW, *columns).mapInPandas(texts_of, schema)
    texts = materialise(texts)
    totals = texts.agg(*(F.count(n).alias(n) for n in names)).first()
    assert totals is not None
    counted = texts
    for name in names:
        counts = texts.groupBy(name).count().withColumnRenamed("count", f"{name}_n")
        counted = counted.join(counts, name, "left")
    counted = materialise(counted.select(ROW, *(F.col(f"{n}_n").alias(n) for n in names)))
    return counted, [int(totals[n]) for n in names]


def distinct_value_counts(records: SparkRecords, expr: Expr) -> tuple[np.ndarray, np.ndarray]:
    """An expression's distinct values over every record (as ``key_text`` writes them) and
    how many records hold each, collected to the driver (what ``fit_comparisons`` reads)."""
    column = expr.column

    def texts_of(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        with quiet():
            for batch in batches:
                text = key_text(batch_records(batch[[column]]), expr)
                yield pd.DataFrame({KEY: text.to_numpy(dtype=object)})

    texts = records.frame.select(column).mapInPandas(texts_of, f"{KEY} string")
    counted: pd.DataFrame = texts.where(F.col(KEY).isNotNull()).groupBy(KEY).count().toPandas()
    return (counted[KEY].to_numpy(dtype=object),
            counted["count"].to_numpy(dtype=np.int64))
