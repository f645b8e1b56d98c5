"""``SparkEngine``: golden's estimators on Spark DataFrames (``pip install golden-records[spark]``).

This module imports pyspark only when the engine is used, so ``golden.SparkEngine`` exists
whether or not pyspark is installed.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from golden.errors import ConfigError, MissingDependencyError

if TYPE_CHECKING:
    import pandas as pd

    from golden.engines.protocol import LinkPlan, RecordIds
    from golden.engines.spark.records import SparkRecords
    from golden.engines.spark.training import SparkTrainingPairs
    from golden.model.training import TrainingPairs
    from golden.model.weights import WeightTable
    from golden.survivorship.build import GoldenRecords
    from golden.survivorship.plan import SurvivorshipPlan

DEFAULT_GROUP_RECORDS = 50_000
DEFAULT_BATCH_ROWS = 50_000
BATCH_SETTING = "spark.sql.execution.arrow.maxRecordsPerBatch"


def require_pyspark() -> None:
    """Raise ``MissingDependencyError`` naming the extra when pyspark is not installed."""
    if importlib.util.find_spec("pyspark") is None:
        raise MissingDependencyError(
            "the Spark engine needs pyspark, which is not installed: "
            "pip install 'golden-records[spark]' (and a Java runtime, 17 or later)")


class SparkEngine:
    """Run golden's estimators on Apache Spark: Spark DataFrames in, Spark DataFrames out.

    Pass it as an estimator's ``engine``. Blocking becomes joins on block keys computed by
    golden's own normalisers, comparisons and scores run the local engine's vectorised
    kernels through ``mapInPandas``, EM runs on the driver over comparison-pattern counts,
    clustering is distributed connected components, golden records are built on groups of
    whole entities. A model fitted on Spark is the same JSON as one fitted locally on the
    records sorted by (source, unique id), and predicts the same weights either way.

    Parameters
    ----------
    spark : SparkSession
        The session to run on.
    checkpoint_dir : str or None
        A directory every executor can reach (HDFS, S3, DBFS) where connected components
        checkpoint their rounds, so the query plan stays short; None checkpoints on the
        executors themselves (``localCheckpoint``: fine in local mode and on a stable
        cluster, lost with an executor).
    group_records : int
        About how many records each Python call of the group-wise stages (clustering's
        chaining guard, golden records) receives: entities are hashed into
        ``n_records / group_records`` groups.
    batch_rows : int
        Pairs (or records) per Arrow batch sent to the comparison kernels: larger batches
        spread the per-batch cost of indexing the values over more pairs (Spark's own
        ``spark.sql.execution.arrow.maxRecordsPerBatch`` is set to this while golden's
        queries run, and restored after).

    Examples
    --------
    >>> import golden as gd
    >>> from golden import comparisons as cmp
    >>> engine = gd.SparkEngine(spark)                      # doctest: +SKIP
    >>> linker = gd.Linker([cmp.name("surname"), cmp.date_of_birth("dob")],
    ...                    gd.block_on("postcode"), engine=engine)   # doctest: +SKIP
    >>> pairs = linker.fit(people).predict(people)          # doctest: +SKIP
    """

    def __init__(self, spark: Any, *, checkpoint_dir: str | None = None,
                 group_records: int = DEFAULT_GROUP_RECORDS,
                 batch_rows: int = DEFAULT_BATCH_ROWS) -> None:
        require_pyspark()
        from pyspark.sql import SparkSession

        problems = []
        if not isinstance(spark, SparkSession):
            problems.append(f"spark: got {type(spark).__name__}, expected a SparkSession "
                            "(SparkSession.builder...getOrCreate())")
        if checkpoint_dir is not None and not isinstance(checkpoint_dir, str):
            problems.append(f"checkpoint_dir: got {checkpoint_dir!r}, expected a directory "
                            "path or None")
        for name, value in (("group_records", group_records), ("batch_rows", batch_rows)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                problems.append(f"{name}: got {value!r}, expected a whole number >= 1")
        if problems:
            raise ConfigError(problems)
        self.spark = spark
        self.checkpoint_dir = checkpoint_dir
        self.group_records = group_records
        self.batch_rows = batch_rows

    def __repr__(self) -> str:
        return (f"SparkEngine(checkpoint_dir={self.checkpoint_dir!r}, "
                f"group_records={self.group_records!r}, batch_rows={self.batch_rows!r})")

    @contextmanager
    def batches(self) -> Iterator[None]:
        """Arrow batches of ``batch_rows`` rows for the queries run inside."""
        conf = self.spark.conf
        before = conf.get(BATCH_SETTING, None)
        conf.set(BATCH_SETTING, str(self.batch_rows))
        try:
            yield
        finally:
            if before is None:
                conf.unset(BATCH_SETTING)
            else:
                conf.set(BATCH_SETTING, before)

    # Linker ---------------------------------------------------------------------------

    def _records(self, plan: LinkPlan, records: Any) -> SparkRecords:
        from golden.engines.spark.records import prepare

        ids = plan.ids
        return prepare(records, unique_id=ids.unique_id, source=ids.source,
                       link_type=ids.link_type, columns=plan.columns)

    def training_pairs(self, plan: LinkPlan, records: Any) -> SparkTrainingPairs:
        """Records prepared on Spark, ready to give the patterns ``Linker.fit`` learns from."""
        from golden.comparisons.fitting import fit_comparisons
        from golden.engines.spark.keys import distinct_value_counts
        from golden.engines.spark.training import SparkTrainingPairs

        with self.batches():
            data = self._records(plan, records)
            fitted = fit_comparisons(plan.comparisons,
                                     lambda expr: distinct_value_counts(data, expr))
        return SparkTrainingPairs(data, dataclasses.replace(plan, comparisons=fitted), records,
                                  self.batches)

    def predict(self, plan: LinkPlan, weights: WeightTable, records: Any, *,
                threshold: float | None, threshold_weight: float | None, pairs: Any) -> Any:
        """``Linker.predict`` on Spark: the scored pairs as a (materialised) Spark DataFrame."""
        import numpy as np
        from pyspark.sql import functions as F

        from golden.engines.spark.blocking import LEFT, RIGHT, RULE, candidate_pairs
        from golden.engines.spark.compare import PairValues, scores
        from golden.engines.spark.records import materialise, pair_rows

        def keep(weight: np.ndarray, probability: np.ndarray) -> np.ndarray:
            kept = np.ones(len(weight), dtype=bool)
            if threshold_weight is not None:
                kept &= weight >= threshold_weight
            if threshold is not None:
                kept &= probability >= threshold
            return kept

        with self.batches():
            data = self._records(plan, records)
            values = PairValues.build(data, list(plan.comparisons), term_frequencies=True)
            if pairs is None:
                found = candidate_pairs(data, plan.blocking, plan.ids.link_type,
                                        plan.max_pairs)
                frame, labels = found.frame.select(LEFT, RIGHT, RULE), found.labels
            else:
                frame = pair_rows(data, pairs).withColumn(RULE, F.lit(0).cast("short"))
                labels = ("given",)
            return materialise(scores(values, values.attach(frame, data, ids=True),
                                      weights, labels, data, keep))

    def predict_training(self, training: TrainingPairs, weights: WeightTable, *,
                         threshold: float | None, threshold_weight: float | None) -> Any:
        """``Linker.fit_predict`` on Spark: the fitted records' candidate pairs, scored."""
        from golden.engines.spark.training import SparkTrainingPairs

        assert isinstance(training, SparkTrainingPairs), "from SparkEngine.training_pairs"
        return self.predict(training.plan, weights, training.given, threshold=threshold,
                            threshold_weight=threshold_weight, pairs=None)

    def count_pairs(self, plan: LinkPlan, records: Any) -> Any:
        """``Linker.count_pairs`` on Spark (a small pandas table)."""
        from golden.engines.spark.blocking import count_table

        with self.batches():
            data = self._records(plan, records)
            return count_table(data, plan.blocking, plan.ids.link_type, plan.max_pairs)

    def cluster(self, ids: RecordIds, pairs: Any, records: Any, *,
                threshold: float | Sequence[float], min_density: float | None,
                one_to_one: bool, decisions: pd.DataFrame | None = None) -> Any:
        """``Linker.cluster`` on Spark: ``unique_id`` (``source``) and entity ids, honouring
        ``decisions`` (a pandas DataFrame: a person's decisions are few)."""
        from pyspark.sql import functions as F

        from golden.engines.spark.clustering import cluster
        from golden.engines.spark.records import combine_sources

        id_frame = None
        if records is not None:
            frame, source = combine_sources(records, ids.source)
            id_frame = frame.select(*([F.col(source).alias("source")] if source else []),
                                    F.col(ids.unique_id).alias("unique_id"))
        return cluster(pairs, id_frame, threshold=threshold, min_density=min_density,
                       one_to_one=one_to_one, checkpoint_dir=self.checkpoint_dir,
                       group_records=self.group_records, decisions=decisions)

    # Golden records and households ------------------------------------------------------

    def golden_records(self, plan: SurvivorshipPlan, records: Any, clusters: Any,
                       entity_id: str, pins: Any = None) -> GoldenRecords:
        """``GoldenRecordBuilder.build`` on Spark: ``records`` and ``provenance`` are Spark
        DataFrames (``pins`` pandas or Spark; they are collected)."""
        from golden.engines.spark.golden_records import golden_records

        with self.batches():
            return golden_records(plan, records, clusters, entity_id, self.group_records,
                                  pins)

    def to_pandas(self, frame: Any) -> pd.DataFrame:
        """A Spark DataFrame collected to the driver (through Arrow)."""
        from pyspark.sql import DataFrame

        if not isinstance(frame, DataFrame):
            raise ConfigError(f"expected a Spark DataFrame (the engine is a SparkEngine), got "
                              f"{type(frame).__name__}")
        return frame.toPandas()

    def from_pandas(self, frame: pd.DataFrame) -> Any:
        """A pandas frame as a Spark DataFrame (categoricals as their values)."""
        from golden.engines.spark.records import for_arrow

        return self.spark.createDataFrame(for_arrow(frame))
