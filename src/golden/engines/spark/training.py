"""What fitting needs, from Spark: comparison patterns of pair sets, counted by ``groupBy``
and collected (a few hundred rows), and pair counts; ``golden.model.learning.learn`` does the rest.

Random pairs for u are drawn on the driver by the local engine's own ``random_pairs`` over
the shared row numbers, so both engines compare the same pairs. A rule sampled for training
(``training_blocking``, an exact-agreement stratum of the random pairs) keeps, like the
local engine, the pairs among the rows a ``RowThinning`` keeps: the same pairs, without
building the rule's others. (Other rule kinds with too many pairs are sampled from the
built pairs, differently from the local engine.)
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from golden._base.pairs import HASH_PRIME, RowThinning
from golden.blocking import Blocking, BlockingRule, BlockOn
from golden.comparisons import Comparison
from golden.engines.protocol import LinkPlan
from golden.engines.spark.blocking import (
    LEFT,
    MASK,
    RIGHT,
    SparkPairs,
    candidate_pairs,
    guarded_keys,
    key_pairs,
)
from golden.engines.spark.compare import PairValues, gamma_columns, gammas
from golden.engines.spark.records import ROW, SparkRecords, materialise, pair_rows
from golden.errors import ConfigError
from golden.model.em import Patterns
from golden.model.training import random_pairs, total_pairs


class SparkTrainingPairs:
    """``golden.model.training.TrainingPairs`` on Spark."""

    def __init__(self, records: SparkRecords, plan: LinkPlan, given: Any,
                 batches: Callable[[], AbstractContextManager[None]]) -> None:
        self.records, self.plan, self.given = records, plan, given
        self.link_type, self.blocking = plan.ids.link_type, plan.blocking
        self.max_pairs, self.batches = plan.max_pairs, batches
        comparisons = list(plan.comparisons)
        self.values = PairValues.build(records, comparisons, term_frequencies=False)
        self.names = gamma_columns(comparisons)
        self.pairs: SparkPairs | None = None
        self._by_mask = pd.DataFrame()

    @property
    def comparisons(self) -> tuple[Comparison, ...]:
        return self.plan.comparisons

    @property
    def source_sizes(self) -> list[int]:
        return list(self.records.source_sizes)

    @property
    def n_candidates(self) -> int:
        assert self.pairs is not None, "candidate_patterns comes first"
        return self.pairs.count

    def random_patterns(self, max_pairs: int, rng: np.random.Generator) -> Patterns:
        with self.batches():
            left, right = random_pairs(self.records, self.link_type, max_pairs,  # type: ignore[arg-type]
                                       rng)
            spark = self.records.frame.sparkSession
            frame = spark.createDataFrame(pd.DataFrame({LEFT: left.astype(np.int64),
                                                        RIGHT: right.astype(np.int64)}))
            return self._patterns(frame)

    def candidate_patterns(self) -> Patterns:
        with self.batches():
            self.pairs = candidate_pairs(self.records, self.blocking, self.link_type,
                                         self.max_pairs)
            compared = gammas(self.values, self.values.attach(self.pairs.frame, self.records),
                              [MASK])
            self._by_mask = compared.groupBy(MASK, *self.names).count().toPandas()
            return self._from_counts(self._by_mask)

    def covered_patterns(self, rule_number: int) -> Patterns:
        covered = (self._by_mask[MASK].to_numpy() & (1 << rule_number)) != 0
        return self._from_counts(self._by_mask[covered])

    def rule_patterns(self, rule: BlockingRule, max_pairs: int, rng: np.random.Generator
                      ) -> Patterns:
        with self.batches():
            keys = guarded_keys(self.records, rule, self.link_type)
            frame = keys.frame
            if keys.pair_bound > max_pairs:
                if not isinstance(rule, BlockOn):  # a Bernoulli sample of the built pairs
                    pairs = materialise(key_pairs(frame, self.link_type))
                    seed = int(rng.integers(0, 2**31 - 1))
                    return self._patterns(pairs.sample(
                        withReplacement=False, fraction=max_pairs / pairs.count(), seed=seed))
                # the local engine's thinning of rows: the same pairs, the rule's other
                # pairs never built
                thinning = RowThinning.for_pairs(keys.pair_bound, max_pairs, rng)
                frame = frame.where((F.col(ROW).cast("long") * thinning.a + thinning.b)
                                    % HASH_PRIME < thinning.threshold)
            return self._patterns(materialise(key_pairs(frame, self.link_type)))

    def labelled_patterns(self, labels: Any) -> Patterns:
        with self.batches():
            spark = self.records.frame.sparkSession
            frame = labels if isinstance(labels, DataFrame) else spark.createDataFrame(labels)
            label = next((c for c in ("is_match", "clerical_match_score") if c in frame.columns),
                         None)
            if label is None:
                raise ConfigError(f"labels: column 'is_match' is missing; columns present: "
                                  f"{list(frame.columns)}")
            frame = frame.withColumn("__match", F.col(label).cast("double") >= 0.5)
            matches = pair_rows(self.records, frame, ["__match"]).where("__match")
            if matches.limit(1).count() == 0:
                raise ConfigError("labels: no labelled matches, so m cannot be estimated from them")
            return self._patterns(matches.select(LEFT, RIGHT))

    def count_candidates(self, blocking: Blocking) -> int:
        with self.batches():
            return candidate_pairs(self.records, blocking, self.link_type, self.max_pairs).count

    def total_pairs(self) -> int:
        return total_pairs(self.records, self.link_type)  # type: ignore[arg-type]

    def _patterns(self, pairs: DataFrame) -> Patterns:
        compared = gammas(self.values, self.values.attach(pairs, self.records), [])
        counts = compared.groupBy(*self.names).count().toPandas()
        return self._from_counts(counts)

    def _from_counts(self, counts: pd.DataFrame) -> Patterns:
        """Patterns from (gammas, count) rows: the same table ``Patterns.from_gammas`` makes
        from every pair's gammas."""
        matrix = counts[self.names].to_numpy(dtype=np.int8).reshape(len(counts),
                                                                    len(self.names))
        return Patterns.from_gammas(matrix, counts["count"].to_numpy(dtype=np.float64))
