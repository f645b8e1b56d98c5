"""Engines: where an estimator's work runs.

``engine=None`` runs everything in this process on pandas DataFrames and numpy arrays.
Another engine (``golden.SparkEngine``) implements the few engine-specific steps — pair
generation, mapping the comparison and scoring kernels over batches of pairs, aggregation,
connected components — and hands the estimators back what their algorithms need:

* ``Linker.fit`` gets a ``golden.model.training.TrainingPairs`` (comparison patterns and pair
  counts) and runs the one EM implementation on it, so a model fitted on any engine is the
  same JSON;
* ``predict`` and ``cluster`` run the same numpy kernels (``ComparisonIndex``,
  ``gamma_matrix``, ``score_pairs``, the chaining guard) on batches or groups;
* ``GoldenRecordBuilder.build`` runs its pandas code on groups of whole entities;
* ``HouseholdGrouper`` links entities to each other by a second model, so its entities are
  collected (``to_pandas``) and its tables handed back (``from_pandas``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

    from golden.blocking import Blocking
    from golden.comparisons import Comparison
    from golden.estimators.golden_records import GoldenRecordBuilder, GoldenRecords
    from golden.estimators.linker import Linker
    from golden.model.training import TrainingPairs


@runtime_checkable
class Engine(Protocol):
    """The steps an engine runs for golden's estimators."""

    def training_pairs(self, linker: Linker, records: Any, comparisons: list[Comparison],
                       blocking: Blocking) -> TrainingPairs:
        """Validated records, ready to give the comparison patterns fitting needs."""

    def predict(self, linker: Linker, records: Any, threshold: float | None,
                threshold_weight: float | None, pairs: Any) -> Any:
        """Scored candidate pairs, as ``Linker.predict``."""

    def count_pairs(self, linker: Linker, records: Any, comparisons: list[Comparison],
                    blocking: Blocking) -> Any:
        """Pairs per blocking rule, as ``Linker.count_pairs``."""

    def cluster(self, linker: Linker, pairs: Any, records: Any, *,
                threshold: float | Sequence[float], min_density: float | None,
                one_to_one: bool) -> Any:
        """Entities from scored pairs, as ``Linker.cluster``."""

    def golden_records(self, builder: GoldenRecordBuilder, records: Any, clusters: Any,
                       entity_id: str) -> GoldenRecords:
        """One golden record per entity, as ``GoldenRecordBuilder.build``."""

    def to_pandas(self, frame: Any) -> pd.DataFrame:
        """The engine's frame, collected as pandas (for the stages that run in this
        process, such as households)."""

    def from_pandas(self, frame: pd.DataFrame) -> Any:
        """A pandas frame as one of the engine's frames."""


def engine_problems(engine: object) -> list[str]:
    """Problems with an ``engine`` parameter (empty when valid)."""
    if engine is None or isinstance(engine, Engine):
        return []
    return [f"engine: got {engine!r}, expected None (this process) or an engine such as "
            "golden.SparkEngine(spark)"]


def checked_engine(engine: Any) -> Engine | None:
    """``engine`` itself, or ``ConfigError`` when it is not an engine."""
    problems = engine_problems(engine)
    if problems:
        from golden.errors import ConfigError

        raise ConfigError(problems)
    return engine
