"""The engine protocol: where the estimators' work runs, given plain plans and arrays.

An estimator validates its parameters and turns them into a plan (``LinkPlan``,
``RecordIds``, ``golden.survivorship.SurvivorshipPlan``): frozen values holding specs and
settings, never an estimator. An engine runs the engine-specific steps on a plan — preparing
records, generating and comparing pairs, scoring them with a ``WeightTable``, connected
components, golden records — and hands back frames, or the small aggregates fitting needs
(``golden.model.training.TrainingPairs``). Everything else (EM, the training procedure,
explanations) is written once, above the engines, whatever the engine.

``golden.engines.local.LocalEngine`` runs in this process on pandas and numpy;
``golden.SparkEngine`` on Spark DataFrames.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import pandas as pd

    from golden.blocking import Blocking
    from golden.comparisons import Comparison
    from golden.model.training import TrainingPairs
    from golden.model.weights import WeightTable
    from golden.survivorship.build import GoldenRecords
    from golden.survivorship.plan import SurvivorshipPlan
    from golden.values import Expr


@dataclass(frozen=True)
class RecordIds:
    """How records are identified: their id column, source column and link type."""

    unique_id: str
    source: str | None
    link_type: str


@dataclass(frozen=True)
class LinkPlan:
    """Everything an engine needs to prepare, pair, compare and score records for a Linker.

    Attributes
    ----------
    ids : RecordIds
        Id and source columns, and the link type.
    comparisons : tuple of Comparison
        How pairs are compared.
    blocking : Blocking
        The prediction blocking rules (OR-ed).
    other_rules : tuple of Blocking
        Further rules the records are read for (training passes, deterministic rules).
    max_pairs : int or None
        Refuse blocking that would produce more candidate pairs.
    progress : bool or None
        Progress bars; None shows them on a terminal only.
    """

    ids: RecordIds
    comparisons: tuple[Comparison, ...]
    blocking: Blocking
    other_rules: tuple[Blocking, ...] = ()
    max_pairs: int | None = None
    progress: bool | None = None

    @property
    def columns(self) -> list[str]:
        """The input columns the comparisons and every rule read."""
        columns = [c for comparison in self.comparisons for c in comparison.columns]
        for rules in (self.blocking, *self.other_rules):
            columns += list(rules.columns)
        return columns

    def encoded(self, *, with_blocking: bool = True, with_other_rules: bool = False
                ) -> list[Expr]:
        """The expressions read as codes: what preparing the records encodes ahead."""
        exprs = [expr for comparison in self.comparisons for expr in comparison.inputs]
        rules = ((self.blocking,) if with_blocking else ()) + (
            self.other_rules if with_other_rules else ())
        for given in rules:
            exprs.extend(given.encoded)
        return exprs


@runtime_checkable
class Engine(Protocol):
    """The steps an engine runs for golden's estimators."""

    def training_pairs(self, plan: LinkPlan, records: Any) -> TrainingPairs:
        """Validated records, ready to give the comparison patterns fitting needs."""

    def predict(self, plan: LinkPlan, weights: WeightTable, records: Any, *,
                threshold: float | None, threshold_weight: float | None, pairs: Any
                ) -> Any:
        """Scored candidate pairs (or the given ``pairs``), as ``Linker.predict``."""

    def predict_training(self, training: TrainingPairs, weights: WeightTable, *,
                         threshold: float | None, threshold_weight: float | None) -> Any:
        """The scored candidate pairs of records already prepared by ``training_pairs``
        (``Linker.fit_predict``); ``training`` is consumed (what scoring does not need may
        be freed)."""

    def count_pairs(self, plan: LinkPlan, records: Any) -> pd.DataFrame:
        """Pairs per blocking rule, as ``Linker.count_pairs``."""

    def cluster(self, ids: RecordIds, pairs: Any, records: Any, *,
                threshold: float | Sequence[float], min_density: float | None,
                one_to_one: bool, decisions: pd.DataFrame | None = None) -> Any:
        """Entities from scored pairs, as ``Linker.cluster``."""

    def golden_records(self, plan: SurvivorshipPlan, records: Any, clusters: Any,
                       entity_id: str, pins: pd.DataFrame | None = None) -> GoldenRecords:
        """One golden record per entity, as ``GoldenRecordBuilder.build`` (pinned values
        winning)."""

    def to_pandas(self, frame: Any) -> pd.DataFrame:
        """The engine's frame, collected as pandas (for the stages that run in this
        process, such as households)."""

    def from_pandas(self, frame: pd.DataFrame) -> Any:
        """A pandas frame as one of the engine's frames."""
