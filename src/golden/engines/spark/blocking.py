"""Candidate pairs on Spark: a self-join per rule on its block keys, rules OR-ed.

As in the local engine, blocks larger than a rule's ``max_block_size`` are skipped, capped
(split into runs of ``max_block_size`` records in unique-id order) or refused, so no join
key is larger than that (the guard against skew); each pair comes once, as ``row_l <
row_r``, tagged with the first rule that found it, and ``mask`` has bit ``k`` set when rule
``k`` finds it too.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass

import pandas as pd
from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from golden.blocking import Blocking, BlockingRule, BlockOn, BlockOnAny
from golden.engines.spark.keys import KEY, KEY_SEPARATOR, rule_keys
from golden.engines.spark.records import ROW, SOURCE_CODE, SparkRecords, materialise
from golden.errors import ConfigError, DataWarning

LEFT, RIGHT, RULE, MASK = "row_l", "row_r", "rule", "mask"
RUN_SEPARATOR = "\x1e"  # a capped block's key + run number
MAX_RULES = 62  # rule bits of the int64 mask


@dataclass
class RuleKeys:
    """A rule's guarded keys (``__row``, ``__src``, ``key``), materialised, and how many
    pairs they make (before de-duplication: records sharing several values of a
    ``block_on_any`` rule count once per value)."""

    frame: DataFrame
    pair_bound: int


@dataclass
class SparkPairs:
    """Candidate pairs (``row_l``, ``row_r``, ``rule``, ``mask``), materialised, counted,
    and each rule's keys."""

    frame: DataFrame
    labels: tuple[str, ...]
    count: int
    keys: list[RuleKeys]


def guarded_keys(records: SparkRecords, rule: BlockingRule, link_type: str) -> RuleKeys:
    """A rule's keys with runaway blocks skipped, capped or refused as the rule says."""
    keys = materialise(rule_keys(records, rule))
    limit = getattr(rule, "max_block_size", None)
    size = F.col("count")
    over = size > limit if limit is not None else F.lit(False)
    stats = keys.groupBy(KEY).count().agg(
        F.sum(over.cast("long")).alias("over"),
        F.sum(F.when(~over, size * (size - 1) / 2)).alias("pairs")).first()
    assert stats is not None
    n_oversized, pairs = int(stats["over"] or 0), int(stats["pairs"] or 0)
    if n_oversized:
        assert isinstance(rule, BlockOn | BlockOnAny) and limit is not None
        keys = _guarded(keys, rule, limit, n_oversized)
        if rule.oversize == "cap":
            pairs = _pairs_in(keys, KEY)
    if link_type == "link":
        pairs -= _pairs_in(keys, KEY, SOURCE_CODE)
    return RuleKeys(keys, pairs)


def _guarded(keys: DataFrame, rule: BlockOn | BlockOnAny, limit: int, n_oversized: int
             ) -> DataFrame:
    oversized = keys.groupBy(KEY).count().where(F.col("count") > limit)
    top = oversized.orderBy(F.desc("count"), KEY).limit(5).collect()
    shown = ", ".join(f"{_describe(rule, r[KEY])} ({r['count']:,} records)" for r in top)
    more = f" and {n_oversized - 5} more" if n_oversized > 5 else ""
    message = (f"blocking rule {rule.label!r}: {n_oversized} key value(s) shared by more "
               f"than max_block_size={limit:,} records: {shown}{more}")
    if rule.oversize == "error":
        raise ConfigError(message + "; raise max_block_size or use a more specific key")
    action = ("were skipped" if rule.oversize == "skip" else
              f"were split into runs of {limit:,} records in unique-id order")
    warnings.warn(f"{message}; these blocks {action}", DataWarning, stacklevel=6)
    big = F.broadcast(materialise(oversized.select(KEY)))
    kept = keys.join(big, KEY, "left_anti")
    if rule.oversize == "cap":
        position = F.row_number().over(Window.partitionBy(KEY).orderBy(ROW)) - 1
        runs = (keys.join(big, KEY, "left_semi")
                .withColumn(KEY, F.concat(F.col(KEY), F.lit(RUN_SEPARATOR),
                                          F.floor(position / limit).cast("string"))))
        kept = kept.unionByName(runs)
    return materialise(kept)


def _pairs_in(keys: DataFrame, *by: str) -> int:
    """Pairs of records sharing the ``by`` columns, counted without building them."""
    total = keys.groupBy(*by).count().agg(
        F.sum(F.col("count") * (F.col("count") - 1) / 2)).first()
    return int(total[0] or 0) if total is not None else 0


def _describe(rule: BlockOn | BlockOnAny, key: str) -> str:
    key = key.split(RUN_SEPARATOR)[0]
    if isinstance(rule, BlockOnAny):
        return f"{rule.key.label}={key!r}"
    return ", ".join(f"{k.label}={v!r}"
                     for k, v in zip(rule.keys, key.split(KEY_SEPARATOR), strict=True))


def key_pairs(keys: DataFrame, link_type: str) -> DataFrame:
    """``(row_l, row_r)``: records sharing a key, each pair once (``row_l < row_r``).

    Rows are numbered source by source, so the lower row is also the lower source, as the
    local engine orients cross-source pairs; ``link`` keeps cross-source pairs only.
    """
    left = keys.select(KEY, F.col(ROW).alias(LEFT), F.col(SOURCE_CODE).alias("src_l"))
    right = keys.select(KEY, F.col(ROW).alias(RIGHT), F.col(SOURCE_CODE).alias("src_r"))
    pairs = left.join(right, KEY).where(F.col(LEFT) < F.col(RIGHT))
    if link_type == "link":
        pairs = pairs.where(F.col("src_l") != F.col("src_r"))
    return pairs.select(LEFT, RIGHT).distinct()


def candidate_pairs(records: SparkRecords, blocking: Blocking, link_type: str,
                    max_pairs: int | None) -> SparkPairs:
    """Every candidate pair of the OR-ed rules, once, with its first rule and rule mask."""
    if len(blocking.rules) > MAX_RULES:
        raise ConfigError(f"blocking: {len(blocking.rules)} rules; the Spark engine takes at "
                          f"most {MAX_RULES}")
    keys = [guarded_keys(records, rule, link_type) for rule in blocking.rules]
    if max_pairs is not None:
        counts = [k.pair_bound for k in keys]
        total = sum(counts)
        if total > max_pairs:
            worst = max(range(len(counts)), key=counts.__getitem__)
            raise ConfigError(
                f"blocking would produce up to {total:,} candidate pairs, more than "
                f"max_pairs={max_pairs:,}; rule {blocking.rules[worst].label!r} alone gives "
                f"{counts[worst]:,}. Use a more specific rule, or raise max_pairs")
    tagged = [key_pairs(k.frame, link_type).withColumns({RULE: F.lit(number),
                                                   MASK: F.lit(1 << number).cast("long")})
              for number, k in enumerate(keys)]
    union = functools.reduce(DataFrame.unionByName, tagged)
    pairs = materialise(union.groupBy(LEFT, RIGHT)
                        .agg(F.min(RULE).cast("short").alias(RULE), F.bit_or(MASK).alias(MASK)))
    count = pairs.count()
    return SparkPairs(pairs, tuple(r.label for r in blocking.rules), count, keys)


def count_table(records: SparkRecords, blocking: Blocking, link_type: str,
                max_pairs: int | None, top: int = 5) -> pd.DataFrame:
    """As the local ``count_pairs``: pairs per rule, new pairs, cumulative pairs and the
    largest blocks (here the pairs are built, in parallel, to count them exactly)."""
    pairs = candidate_pairs(records, blocking, link_type, max_pairs)
    per_rule = pairs.frame.agg(
        *(F.sum((F.col(MASK).bitwiseAND(1 << k) != 0).cast("long")).alias(f"p{k}")
          for k in range(len(blocking.rules))),
        *(F.sum((F.col(RULE) == k).cast("long")).alias(f"n{k}")
          for k in range(len(blocking.rules)))).first()
    assert per_rule is not None
    rows, cumulative = [], 0
    for k, (rule, keys) in enumerate(zip(blocking.rules, pairs.keys, strict=True)):
        biggest = keys.frame.groupBy(KEY).count().orderBy(F.desc("count"), KEY).limit(top).collect()
        new = int(per_rule[f"n{k}"] or 0)
        cumulative += new
        rows.append({"rule": rule.label, "pairs": int(per_rule[f"p{k}"] or 0),
                     "new_pairs": new, "cumulative_pairs": cumulative,
                     "largest_blocks": [(_describe(rule, r[KEY]), int(r["count"]))  # type: ignore[arg-type]
                                        for r in biggest]})
    return pd.DataFrame(rows)
