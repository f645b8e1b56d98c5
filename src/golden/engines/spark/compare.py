"""Comparing and scoring pairs on Spark: the local engine's kernels over Arrow batches.

Pairs are joined to both records' raw values; ``mapInPandas`` turns each batch into a
local ``Records`` (the left records, then the right ones) and runs ``ComparisonIndex``,
``gamma_matrix`` and ``score_pairs`` on it. Term frequencies are counted over every record
by ``groupBy`` and handed to each batch as shares (``ComparisonIndex.use_term_shares``), so
every weight is what the local engine computes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from golden.comparisons import Comparison
from golden.comparisons.vectors import ComparisonIndex, comparison_indexes, gamma_matrix
from golden.engines.spark.blocking import LEFT, RIGHT
from golden.engines.spark.keys import batch_records, quiet, value_counts
from golden.engines.spark.records import ROW, SparkRecords
from golden.model.weights import WeightTable, probability, score_pairs

# Up to this many records, the values are sent to every executor rather than shuffled with
# the pairs (a few tens of MB at most; Spark cannot size a checkpointed frame itself).
BROADCAST_RECORDS = 200_000


@dataclass(frozen=True)
class Comparer:
    """What each batch needs (sent to the executors): the comparisons, the raw columns
    they read, and which comparisons get term frequencies, with the counts' totals."""

    comparisons: tuple[Comparison, ...]
    columns: tuple[str, ...]
    tf_comparisons: tuple[int, ...]
    tf_totals: tuple[int, ...]

    def batch(self, batch: pd.DataFrame) -> tuple[list[ComparisonIndex], np.ndarray]:
        """One batch's indexes (over the left records, then the right ones) and gammas."""
        k = len(batch)
        sides = [batch[[f"{side}{i}" for i in range(len(self.columns))]].set_axis(
            list(self.columns), axis=1) for side in "lr"]
        records = batch_records(pd.concat(sides, ignore_index=True))
        indexes = comparison_indexes(records, self.comparisons)
        for t, j in enumerate(self.tf_comparisons):
            encoded = records.encode(self.comparisons[j].inputs[0])
            counts = batch[f"tf{t}"].to_numpy(dtype=np.float64, na_value=np.nan)
            codes = encoded.codes[:k]
            shares = np.full(len(encoded.values), np.nan)
            held = codes >= 0
            shares[codes[held]] = counts[held] / max(self.tf_totals[t], 1)
            indexes[j].use_term_shares(shares)
        left = np.arange(k)
        return indexes, gamma_matrix(indexes, left, left + k)


@dataclass
class PairValues:
    """The comparer, and the term-frequency counts per record (``tf<t>``) it reads."""

    comparer: Comparer
    tf_counts: DataFrame | None

    @classmethod
    def build(cls, records: SparkRecords, comparisons: Sequence[Comparison],
              term_frequencies: bool) -> PairValues:
        columns = tuple(dict.fromkeys(c for comp in comparisons for c in comp.columns))
        tf = tuple(j for j, c in enumerate(comparisons) if c.tf_gammas()) \
            if term_frequencies else ()
        counts, totals = (value_counts(records, [comparisons[j].inputs[0] for j in tf])
                          if tf else (None, []))
        return cls(Comparer(tuple(comparisons), columns, tf, tuple(totals)), counts)

    def attach(self, pairs: DataFrame, records: SparkRecords, *, ids: bool = False
               ) -> DataFrame:
        """``pairs`` with each side's values (``l<i>``, ``r<i>``), the left record's
        term-frequency counts and, with ``ids``, ``uid_l``/``uid_r`` (``src_l``/``src_r``)."""
        columns = self.comparer.columns
        id_columns = []
        if ids:
            id_columns = [F.col(records.unique_id).alias("uid")]
            if records.source:
                id_columns.append(F.col(records.source).alias("src"))
        values = records.frame.select(ROW, *(F.col(c).alias(f"v{i}")
                                             for i, c in enumerate(columns)), *id_columns)
        if self.tf_counts is not None:
            values = values.join(self.tf_counts, ROW, "left")
        if records.n <= BROADCAST_RECORDS:
            values = F.broadcast(values)
        out = pairs
        for side, row in (("l", LEFT), ("r", RIGHT)):
            renamed = [F.col(ROW).alias(row)]
            renamed += [F.col(f"v{i}").alias(f"{side}{i}") for i in range(len(columns))]
            if ids:
                renamed += [F.col(c).alias(f"{c}_{side}")
                            for c in ("uid", "src")[:1 + bool(records.source)]]
            if side == "l" and self.tf_counts is not None:
                renamed += [F.col(f"tf{t}") for t in range(len(self.comparer.tf_comparisons))]
            out = out.join(values.select(*renamed), row)
        return out


def gamma_columns(comparisons: Sequence[Comparison]) -> list[str]:
    """Internal gamma column names, one per comparison."""
    return [f"g{j}" for j in range(len(comparisons))]


def gammas(values: PairValues, pairs: DataFrame, passthrough: Sequence[str]) -> DataFrame:
    """``passthrough`` columns and ``g<j>`` (byte) per comparison for each pair of
    ``pairs`` (already joined to the values by ``PairValues.attach``)."""
    comparer = values.comparer
    names = gamma_columns(comparer.comparisons)
    schema = T.StructType([*pairs.select(*passthrough).schema.fields,
                           *(T.StructField(n, T.ByteType()) for n in names)])

    def compare(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        with quiet():
            for batch in batches:
                _, gamma = comparer.batch(batch)
                out = batch[list(passthrough)].reset_index(drop=True)
                for j, name in enumerate(names):
                    out[name] = gamma[:, j]
                yield out

    return pairs.mapInPandas(compare, schema)


def scores(values: PairValues, pairs: DataFrame, table: WeightTable, rule_labels: Sequence[str],
           records: SparkRecords, keep: Callable[[np.ndarray, np.ndarray], np.ndarray]
           ) -> DataFrame:
    """``Linker.predict``'s columns for each pair of ``pairs`` (joined to the values with
    ids); ``keep(weight, probability)`` filters them."""
    fields = records.frame.schema
    id_type = fields[records.unique_id].dataType
    id_columns = [("unique_id_l", "uid_l", id_type), ("unique_id_r", "uid_r", id_type)]
    if records.source:
        source_type = fields[records.source].dataType
        id_columns = [("source_l", "src_l", source_type), *id_columns,
                      ("source_r", "src_r", source_type)]
    comparer = values.comparer
    names = [c.name for c in comparer.comparisons]
    part_names = table.part_names(names)
    labels = np.asarray(list(rule_labels), dtype=object)

    def score(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        with quiet():
            for batch in batches:
                indexes, gamma = comparer.batch(batch)
                weight, parts = score_pairs(table, indexes, gamma, np.arange(len(batch)))
                prob = probability(weight)
                kept = keep(weight, prob)
                out = {name: batch[column].to_numpy()[kept] for name, column, _ in id_columns}
                out |= {"match_weight": weight[kept], "match_probability": prob[kept],
                        "blocking_rule": labels[batch["rule"].to_numpy(dtype=np.int64)[kept]]}
                out |= {f"gamma_{n}": gamma[kept, j] for j, n in enumerate(names)}
                out |= {f"mw_{n}": parts[kept, j] for j, n in enumerate(part_names)}
                yield pd.DataFrame(out)

    schema = T.StructType([
        *(T.StructField(name, kind) for name, _, kind in id_columns),
        T.StructField("match_weight", T.DoubleType()),
        T.StructField("match_probability", T.DoubleType()),
        T.StructField("blocking_rule", T.StringType()),
        *(T.StructField(f"gamma_{n}", T.ByteType()) for n in names),
        *(T.StructField(f"mw_{n}", T.FloatType()) for n in part_names)])
    return pairs.mapInPandas(score, schema)
