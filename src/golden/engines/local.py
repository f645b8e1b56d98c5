"""``LocalEngine``: the stages in this process, on pandas DataFrames and numpy arrays.

Records are prepared once (validated, numbered, their values dictionary-encoded), candidate
pairs are two int arrays, comparison vectors one small int per comparison per pair, and pairs
are scored in bounded chunks, so memory beyond the output stays flat as the data grow.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd

from golden.blocking import (
    Blocking,
    BlockingRule,
    candidate_pairs,
    count_pairs,
    rule_indexes,
    sample_rule_pairs,
)
from golden.clustering.components import cluster_pairs
from golden.comparisons import Comparison
from golden.comparisons.fitting import fit_comparisons, local_value_counts
from golden.comparisons.vectors import (
    CHUNK_PAIRS,
    ComparisonIndex,
    comparison_indexes,
    gamma_matrix,
)
from golden.engines.protocol import LinkPlan, RecordIds
from golden.errors import ConfigError, SchemaError
from golden.model.em import Patterns
from golden.model.training import TrainingPairs, random_pairs, total_pairs
from golden.model.weights import WeightTable, probability, score_pairs
from golden.records import Records, RecordsInput, prepare_records
from golden.survivorship.build import GoldenRecords, build_golden_records
from golden.survivorship.plan import SurvivorshipPlan


class LocalEngine:
    """Run golden's estimators in this process, on pandas DataFrames (the default engine).

    Examples
    --------
    >>> import golden as gd
    >>> from golden import comparisons as cmp
    >>> linker = gd.Linker([cmp.name("surname")], gd.block_on("dob"),
    ...                    engine=gd.LocalEngine())
    >>> linker.engine
    LocalEngine()
    """

    def __repr__(self) -> str:
        return "LocalEngine()"

    def training_pairs(self, plan: LinkPlan, records: RecordsInput) -> LocalTrainingPairs:
        """Records prepared and encoded, ready to give the patterns fitting learns from."""
        data = prepare(plan, records)
        data.encode_all(plan.encoded(with_other_rules=True), plan.progress)
        fitted = fit_comparisons(plan.comparisons, local_value_counts(data))
        return LocalTrainingPairs(data, dataclasses.replace(plan, comparisons=fitted))

    def predict(self, plan: LinkPlan, weights: WeightTable, records: RecordsInput, *,
                threshold: float | None, threshold_weight: float | None,
                pairs: pd.DataFrame | None) -> pd.DataFrame:
        """Score the candidate pairs, or the given ``pairs`` (``unique_id_l``,
        ``unique_id_r``)."""
        data = prepare(plan, records)
        data.encode_all(plan.encoded(with_blocking=pairs is None), plan.progress)
        indexes = comparison_indexes(data, plan.comparisons)
        if pairs is None:
            found = candidate_pairs(data, plan.blocking, plan.ids.link_type, plan.max_pairs,
                                    plan.progress)
            left, right = found.left, found.right
            rule = pd.Categorical.from_codes(found.rule, categories=list(found.labels))
        else:
            left, right, _ = label_rows(data, pairs, need_label=False)
            rule = pd.Categorical.from_codes(np.zeros(len(left), int), categories=["given"])
        gammas = gamma_matrix(indexes, left, right, show_progress=plan.progress)
        return score(data, plan.comparisons, weights, indexes, left, right, rule, gammas,
                     threshold=threshold, threshold_weight=threshold_weight)

    def predict_training(self, training: TrainingPairs, weights: WeightTable, *,
                         threshold: float | None, threshold_weight: float | None
                         ) -> pd.DataFrame:
        """Score the candidate pairs ``training`` (from ``training_pairs``) has already
        compared."""
        assert isinstance(training, LocalTrainingPairs), "from LocalEngine.training_pairs"
        training.rules = []  # consumed: the rules' indexes are freed before the output is built
        found = training.pairs
        rule = pd.Categorical.from_codes(found.rule, categories=list(found.labels))
        return score(training.data, training.plan.comparisons, weights, training.indexes,
                     found.left, found.right, rule, training.gammas,
                     threshold=threshold, threshold_weight=threshold_weight)

    def count_pairs(self, plan: LinkPlan, records: RecordsInput) -> pd.DataFrame:
        """Pairs per blocking rule, without building the pairs."""
        return count_pairs(prepare(plan, records), plan.blocking, plan.ids.link_type)

    def cluster(self, ids: RecordIds, pairs: pd.DataFrame, records: RecordsInput | None, *,
                threshold: float | Sequence[float], min_density: float | None,
                one_to_one: bool, decisions: pd.DataFrame | None = None) -> pd.DataFrame:
        """Entities from scored pairs, honouring ``decisions``; every record of ``records``
        gets one."""
        id_frame = None
        if records is not None:
            data = prepare_records(records, unique_id=ids.unique_id, source=ids.source,
                                   link_type=ids.link_type, columns=[], check_repeats=False)
            id_frame = record_ids(data)  # cluster_pairs refuses repeated ids
        return cluster_pairs(pairs, id_frame, threshold=threshold, min_density=min_density,
                             one_to_one=one_to_one, decisions=decisions)

    def golden_records(self, plan: SurvivorshipPlan, records: pd.DataFrame,
                       clusters: pd.DataFrame, entity_id: str,
                       pins: pd.DataFrame | None = None) -> GoldenRecords:
        """One golden record per entity, built by the survivorship rules (pinned values
        winning)."""
        return build_golden_records(plan, records, clusters, entity_id, pins)

    def to_pandas(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The frame itself."""
        return frame

    def from_pandas(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The frame itself."""
        return frame


class LocalTrainingPairs:
    """``golden.model.training.TrainingPairs`` in this process: numpy pairs, compared with
    ``gamma_matrix``. Keeps the comparison indexes, candidate pairs and their gammas, so
    ``LocalEngine.predict_training`` scores them without comparing again."""

    def __init__(self, data: Records, plan: LinkPlan) -> None:
        self.data, self.plan = data, plan
        link_type = plan.ids.link_type
        # the rules' indexes first: too many pairs are refused before any other work
        self.rules = rule_indexes(data, plan.blocking, link_type, plan.max_pairs,
                                  plan.progress)
        self.indexes = comparison_indexes(data, plan.comparisons)

    @property
    def link_type(self) -> str:
        return self.plan.ids.link_type

    @property
    def comparisons(self) -> tuple[Comparison, ...]:
        return self.plan.comparisons

    @property
    def source_sizes(self) -> list[int]:
        return np.bincount(self.data.source_codes).tolist()

    @property
    def n_candidates(self) -> int:
        return len(self.pairs)

    def random_patterns(self, max_pairs: int, rng: np.random.Generator) -> Patterns:
        left, right = random_pairs(self.data, self.plan.ids.link_type, max_pairs, rng)
        return Patterns.from_gammas(gamma_matrix(self.indexes, left, right))

    def candidate_patterns(self) -> Patterns:
        self.pairs = candidate_pairs(self.data, self.plan.blocking, self.plan.ids.link_type,
                                     indexes=self.rules)
        self.gammas = gamma_matrix(self.indexes, self.pairs.left, self.pairs.right,
                                   show_progress=self.plan.progress)
        return Patterns.from_gammas(self.gammas)

    def covered_patterns(self, rule_number: int) -> Patterns:
        covered = self.rules[rule_number].covers(self.pairs.left, self.pairs.right)
        return Patterns.from_gammas(self.gammas[covered])

    def rule_patterns(self, rule: BlockingRule, max_pairs: int, rng: np.random.Generator
                      ) -> Patterns:
        left, right = sample_rule_pairs(self.data, rule, self.plan.ids.link_type, max_pairs,
                                        rng)
        return Patterns.from_gammas(gamma_matrix(self.indexes, left, right))

    def labelled_patterns(self, labels: pd.DataFrame) -> Patterns:
        left, right, is_match = label_rows(self.data, labels)
        if not is_match.any():
            raise ConfigError("labels: no labelled matches, so m cannot be estimated from them")
        return Patterns.from_gammas(gamma_matrix(self.indexes, left[is_match], right[is_match]))

    def count_candidates(self, blocking: Blocking) -> int:
        return len(candidate_pairs(self.data, blocking, self.plan.ids.link_type,
                                   self.plan.max_pairs))

    def total_pairs(self) -> int:
        return total_pairs(self.data, self.plan.ids.link_type)


def prepare(plan: LinkPlan, records: RecordsInput) -> Records:
    """The records validated for everything the plan reads, and numbered."""
    ids = plan.ids
    return prepare_records(records, unique_id=ids.unique_id, source=ids.source,
                           link_type=ids.link_type, columns=plan.columns)


def score(data: Records, comparisons: Sequence[Comparison], weights: WeightTable,
          indexes: list[ComparisonIndex], left: np.ndarray, right: np.ndarray,
          rule: pd.Categorical, gammas: np.ndarray, *, threshold: float | None,
          threshold_weight: float | None) -> pd.DataFrame:
    """Weights and probabilities of compared pairs, filtered, as the output frame.

    Pairs are scored in chunks; with a threshold only the pairs kept are gathered, so the
    memory beyond the output is bounded by the chunk, not by the candidate pairs.
    """
    chunks = [slice(start, start + CHUNK_PAIRS) for start in range(0, len(left), CHUNK_PAIRS)]
    names = weights.part_names([comparison.name for comparison in comparisons])
    if threshold is None and threshold_weight is None:
        weight = np.empty(len(left))
        parts = np.empty((len(left), len(names)), dtype=np.float32)
        for chunk in chunks:
            weight[chunk], parts[chunk] = score_pairs(weights, indexes, gammas[chunk],
                                                      left[chunk])
        return pairs_frame(data, left, right, weight, probability(weight), rule, gammas,
                           parts, comparisons, names)
    kept: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for chunk in chunks:
        weight, parts = score_pairs(weights, indexes, gammas[chunk], left[chunk])
        keep = np.ones(len(weight), dtype=bool)
        if threshold_weight is not None:
            keep &= weight >= threshold_weight
        if threshold is not None:
            keep &= probability(weight) >= threshold
        kept.append((np.flatnonzero(keep) + chunk.start, weight[keep], parts[keep]))
    rows = np.concatenate([k[0] for k in kept])
    weight = np.concatenate([k[1] for k in kept])
    parts = np.concatenate([k[2] for k in kept])
    return pairs_frame(data, left[rows], right[rows], weight, probability(weight), rule[rows],
                       gammas[rows], parts, comparisons, names)


def pairs_frame(data: Records, left: np.ndarray, right: np.ndarray, weight: np.ndarray,
                prob: np.ndarray, rule: pd.Categorical, gammas: np.ndarray,
                parts: np.ndarray, comparisons: Sequence[Comparison],
                part_names: Sequence[str] | None = None) -> pd.DataFrame:
    """The pairs as a frame; ``gammas`` (one column per comparison) and ``parts`` (one per
    ``part_names``, by default the comparisons) become its gamma and weight columns without
    being copied."""
    names = [comparison.name for comparison in comparisons]
    parts_named = names if part_names is None else list(part_names)
    scores = pd.DataFrame({**data.pair_ids(left, right), "match_weight": weight,
                           "match_probability": prob, "blocking_rule": rule})
    return pd.concat([scores,
                      pd.DataFrame(gammas, columns=[f"gamma_{n}" for n in names], copy=False),
                      pd.DataFrame(parts, columns=[f"mw_{n}" for n in parts_named],
                                   copy=False)],
                     axis=1)


def record_ids(data: Records) -> pd.DataFrame:
    """``unique_id`` (after ``source`` when there are several sources) of every record."""
    out = pd.DataFrame({"unique_id": data.ids})
    if data.source is not None:
        out.insert(0, "source", data.frame[data.source])
    return out


def label_rows(data: Records, labels: pd.DataFrame, need_label: bool = True
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row numbers of labelled (or given) pairs, and whether each is a match; self-pairs
    dropped."""
    required = ["unique_id_l", "unique_id_r"]
    missing = [c for c in required if c not in labels.columns]
    label_col = next((c for c in ("is_match", "clerical_match_score") if c in labels.columns),
                     None)
    if need_label and label_col is None:
        missing.append("is_match")
    if missing:
        raise SchemaError(f"pairs/labels: columns {missing} are missing; columns present: "
                          f"{list(labels.columns)}")
    left = _row_lookup(data, labels["unique_id_l"], labels.get("source_l"), "l")
    right = _row_lookup(data, labels["unique_id_r"], labels.get("source_r"), "r")
    is_match = (labels[label_col].to_numpy(dtype=float) >= 0.5 if label_col
                else np.ones(len(left), dtype=bool))
    keep = left != right
    return left[keep], right[keep], is_match[keep]


def _row_lookup(data: Records, ids: pd.Series, sources: pd.Series | None, side: str
                ) -> np.ndarray:
    keys = record_ids(data)
    wanted = pd.DataFrame({"unique_id": ids.to_numpy()})
    if "source" in keys.columns:
        if sources is None:
            raise SchemaError(f"pairs: with several sources, give source_{side} beside "
                              f"unique_id_{side}")
        wanted.insert(0, "source", sources.to_numpy())
    keys["row"] = np.arange(len(keys))
    rows = wanted.merge(keys, how="left", on=list(wanted.columns))["row"]
    missing = rows.isna()
    if missing.any():
        examples = wanted.loc[missing.to_numpy(), "unique_id"].head(5).tolist()
        raise SchemaError(f"pairs: {int(missing.sum())} unique_id_{side} value(s) are not in "
                          f"the records, e.g. {examples}")
    return rows.to_numpy(dtype=np.int64)

