"""The Linker: blocking, comparison, Fellegi–Sunter scoring and clustering in one estimator."""

from __future__ import annotations

import copy
import dataclasses
import json
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from golden._base.estimator import Estimator
from golden._base.progress import progress
from golden._base.spec import spec_from_dict
from golden.blocking import (
    Blocking,
    BlockingRule,
    CandidatePairs,
    as_blocking,
    candidate_pairs,
    count_pairs,
    rule_indexes,
    sample_rule_pairs,
)
from golden.clustering import components as _clustering
from golden.comparisons import Comparison
from golden.comparisons.vectors import (
    CHUNK_PAIRS,
    ComparisonIndex,
    comparison_indexes,
    gamma_matrix,
)
from golden.engines.protocol import checked_engine, engine_problems
from golden.errors import ConfigError, DataWarning, NotFittedError, SchemaError
from golden.estimators.explain import kept_apart, spanning_links, waterfall
from golden.model.dependence import agreement_correlations, posterior, strong_dependencies
from golden.model.em import EMResult, Patterns, expectation_maximisation, level_shares
from golden.model.training import (
    UNSEEN_PAIRS,
    TrainingPairs,
    fit_em,
    fit_session_m,
    random_pairs,
    total_pairs,
)
from golden.model.weights import WeightTable, probability, score_pairs
from golden.records import Records, RecordsInput, prepare_records, validate_link_type

if TYPE_CHECKING:
    from golden.engines.protocol import Engine
    from golden.values import Expr

MODEL_FORMAT = "golden.linker"
MODEL_VERSION = 1
# Parameters a saved model keeps elsewhere (specs) or not at all (a seed, an engine).
NOT_SAVED = ("comparisons", "blocking", "training_blocking", "deterministic_rules",
             "random_state", "engine")


class Linker(Estimator):
    """Find records of the same entity with a Fellegi–Sunter model learned without labels.

    Parameters
    ----------
    comparisons : list of Comparison
        How records are compared (see ``golden.comparisons``).
    blocking : BlockingRule, OR of rules, or list of rules
        Which pairs are compared; rules are OR-ed.
    link_type : {"dedupe", "link", "link_and_dedupe"}
        Find duplicates within one set, links across sources only, or both.
    unique_id : str
        Column of record ids (unique within a source).
    source : str or None
        Column naming each record's source. When ``fit``/``predict`` get a list or dict of
        frames, it names the column golden adds (default ``"source_dataset"``).
    training_blocking : rules or None
        EM training passes, one per rule; each learns m for the comparisons that do not
        read the rule's columns, with u held at the random-pair estimate (as Splink's
        training sessions), and the estimates are averaged. None: one pass per prediction
        blocking rule, over the candidate pairs already compared.
    deterministic_rules : rules or None
        If given, the prior λ is (pairs these rules find) / (all pairs) / ``recall``;
        otherwise λ comes from EM's match share among the candidate pairs.
    recall : float
        Assumed recall of ``deterministic_rules``.
    u_max_pairs : int
        Random pairs drawn to estimate u.
    training_max_pairs : int
        A ``training_blocking`` rule that finds more pairs than this is trained on a random
        sample of this many (m settles long before millions of pairs).
    max_pairs : int or None
        Refuse (before any work) blocking that would produce more candidate pairs.
    max_iter, tol : int, float
        EM stopping rule.
    random_state : int, Generator or None
        Seed for sampling.
    progress : bool or None
        Progress bars; None shows them on a terminal only.
    engine : SparkEngine or None
        Where the work runs: None in this process on pandas DataFrames; a
        ``golden.SparkEngine`` on Spark DataFrames (records in, pairs and clusters out as
        Spark DataFrames; the fitted model is the same either way).

    Attributes
    ----------
    m_, u_ : dict of str to ndarray
        Per comparison, P(level | match) and P(level | non-match), indexed by gamma.
    lambda_ : float
        Prior probability that two random records match.
    n_iter_, converged_ : int, bool
        EM's iterations and whether it converged.
    dependence_ : DataFrame
        Per two comparisons, the correlation of their agreement among matches (candidate
        pairs) and among non-matches (random pairs); strong dependence is warned about.

    Examples
    --------
    >>> import golden as gd
    >>> from golden import comparisons as cmp
    >>> people = gd.datasets.make_people(2_000, random_state=1)
    >>> linker = gd.Linker(
    ...     comparisons=[cmp.name("first_name"), cmp.name("surname"),
    ...                  cmp.date_of_birth("dob"), cmp.email("email")],
    ...     blocking=[gd.block_on("surname"), gd.block_on("dob")],
    ...     random_state=0,
    ... ).fit(people)
    >>> pairs = linker.predict(people, threshold=0.5)
    >>> clusters = linker.cluster(pairs, people, threshold=0.5)
    >>> sorted(clusters.columns)
    ['entity_id', 'unique_id']
    """

    def __init__(
        self,
        comparisons: Sequence[Comparison],
        blocking: BlockingRule | Blocking | Sequence[BlockingRule],
        *,
        link_type: str = "dedupe",
        unique_id: str = "unique_id",
        source: str | None = None,
        training_blocking: BlockingRule | Blocking | Sequence[BlockingRule] | None = None,
        deterministic_rules: BlockingRule | Blocking | Sequence[BlockingRule] | None = None,
        recall: float = 0.8,
        u_max_pairs: int = 1_000_000,
        training_max_pairs: int = 300_000,
        max_pairs: int | None = 200_000_000,
        max_iter: int = 100,
        tol: float = 1e-5,
        random_state: int | np.random.Generator | None = None,
        progress: bool | None = None,
        engine: Engine | None = None,
    ) -> None:
        self.comparisons = comparisons
        self.blocking = blocking
        self.link_type = link_type
        self.unique_id = unique_id
        self.source = source
        self.training_blocking = training_blocking
        self.deterministic_rules = deterministic_rules
        self.recall = recall
        self.u_max_pairs = u_max_pairs
        self.training_max_pairs = training_max_pairs
        self.max_pairs = max_pairs
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.progress = progress
        self.engine = engine

    # Configuration -------------------------------------------------------------------------

    def _settings(self) -> tuple[list[Comparison], Blocking]:
        """Validate every parameter; report all problems at once."""
        problems = validate_link_type(self.link_type)
        comparisons = list(self.comparisons) if isinstance(self.comparisons, Sequence) else []
        if not comparisons or not all(isinstance(c, Comparison) for c in comparisons):
            problems.append(f"comparisons: got {self.comparisons!r}, expected a non-empty list "
                            "of comparisons (see golden.comparisons)")
        names = [c.name for c in comparisons if isinstance(c, Comparison)]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            problems.append(f"comparisons: names {repeated} are used twice; pass name=... "
                            "to tell them apart")
        blocking = None
        try:
            blocking = as_blocking(self.blocking, "blocking")
            for rules in (self.training_blocking, self.deterministic_rules):
                if rules is not None:
                    as_blocking(rules, "training_blocking / deterministic_rules")
        except ConfigError as exc:
            problems.extend(exc.problems)
        problems += _positive_int("u_max_pairs", self.u_max_pairs)
        problems += _positive_int("training_max_pairs", self.training_max_pairs)
        problems += _positive_int("max_iter", self.max_iter)
        if self.max_pairs is not None:
            problems += _positive_int("max_pairs", self.max_pairs)
        if not (isinstance(self.recall, int | float) and 0 < self.recall <= 1):
            problems.append(f"recall: got {self.recall!r}, expected a number in (0, 1]")
        if not (isinstance(self.tol, int | float) and self.tol > 0):
            problems.append(f"tol: got {self.tol!r}, expected a number > 0")
        if not isinstance(self.unique_id, str):
            problems.append(f"unique_id: got {self.unique_id!r}, expected a column name")
        problems += engine_problems(self.engine)
        if problems:
            raise ConfigError(problems)
        assert blocking is not None
        return comparisons, blocking

    def _columns(self, comparisons: list[Comparison], blocking: Blocking) -> list[str]:
        """The input columns the comparisons and every kind of rule read."""
        columns = [c for comp in comparisons for c in comp.columns] + list(blocking.columns)
        for extra in (self.training_blocking, self.deterministic_rules):
            if extra is not None:
                columns += list(as_blocking(extra, "rules").columns)
        return columns

    def _records(self, data: RecordsInput, comparisons: list[Comparison], blocking: Blocking
                 ) -> Records:
        return prepare_records(data, unique_id=self.unique_id, source=self.source,
                               link_type=self.link_type,
                               columns=self._columns(comparisons, blocking))

    # Fitting ------------------------------------------------------------------------------

    def fit(self, records: RecordsInput, labels: pd.DataFrame | None = None) -> Linker:
        """Learn λ, m and u from unlabelled records (and m from labels when given).

        Parameters
        ----------
        records : DataFrame, list or dict of DataFrames
            The records to learn from (Spark DataFrames with a ``SparkEngine``).
        labels : DataFrame, optional
            Labelled pairs: ``unique_id_l``, ``unique_id_r`` and ``is_match`` (bool or 0/1;
            ``clerical_match_score`` is accepted too). m is then taken from the labelled
            matches instead of EM.

        Returns
        -------
        Linker
            ``self``, fitted.
        """
        comparisons, blocking = self._settings()
        if self.engine is not None:
            training = self.engine.training_pairs(self, records, comparisons, blocking)
            self._learn(training, comparisons, blocking, labels)
            return self
        data = self._records(records, comparisons, blocking)
        self._fit(data, comparisons, blocking, labels)
        return self

    def fit_predict(self, records: RecordsInput, threshold: float | None = None, *,
                    threshold_weight: float | None = None) -> pd.DataFrame:
        """``fit(records)`` then ``predict(records, ...)``, preparing and comparing the
        records once instead of twice.

        Returns
        -------
        DataFrame
            As ``predict``.
        """
        _check_thresholds(threshold, threshold_weight)
        if self.engine is not None:
            return self.fit(records).predict(records, threshold,
                                             threshold_weight=threshold_weight)
        comparisons, blocking = self._settings()
        data = self._records(records, comparisons, blocking)
        indexes, pairs, gammas = self._fit(data, comparisons, blocking, None)
        rule = pd.Categorical.from_codes(pairs.rule, categories=list(pairs.labels))
        return self._score(data, indexes, pairs.left, pairs.right, rule, gammas, threshold,
                           threshold_weight)

    def _fit(self, data: Records, comparisons: list[Comparison], blocking: Blocking,
             labels: pd.DataFrame | None
             ) -> tuple[list[ComparisonIndex], CandidatePairs, np.ndarray]:
        """Learn the parameters in this process; return what scoring the candidates again
        would need."""
        data.encode_all(_encoded(comparisons, blocking, self.training_blocking,
                                 self.deterministic_rules), self.progress)
        training = LocalTrainingPairs(data, comparisons, self.link_type, blocking,
                                      self.max_pairs, self.progress)
        self._learn(training, comparisons, blocking, labels)
        return training.indexes, training.pairs, training.gammas

    def _learn(self, training: TrainingPairs, comparisons: list[Comparison],
               blocking: Blocking, labels: Any) -> None:
        """Learn the parameters from the comparison patterns of the engine's pairs."""
        rng = np.random.default_rng(self.random_state)
        n_levels = [c.n_levels for c in comparisons]

        random_patterns = training.random_patterns(self.u_max_pairs, rng)
        u_random = level_shares(random_patterns, n_levels, smoothing=UNSEEN_PAIRS)
        patterns = training.candidate_patterns()
        if training.n_candidates == 0:
            raise ConfigError("blocking found no candidate pairs: nothing to learn from; use "
                              "broader blocking rules")
        first = fit_em(patterns, u_random, fixed_m=frozenset(), start_m=None,
                       max_iter=self.max_iter, tol=self.tol)
        if labels is not None:
            m = level_shares(training.labelled_patterns(labels), n_levels)
        else:
            m = self._session_m(training, comparisons, u_random, first.m, blocking, rng)
        # With m fixed at what a match looks like and u at what the first pass found the
        # candidates' non-matches look like, EM finds the share of candidates that are
        # matches. (Left free, u can absorb the matches too and the share collapses.)
        every = frozenset(range(len(m)))
        final = expectation_maximisation(patterns, m, first.u, first.proportion,
                                         fixed_m=every, fixed_u=every,
                                         max_iter=self.max_iter, tol=self.tol)
        self.m_ = {c.name: x for c, x in zip(comparisons, m, strict=True)}
        self.u_ = {c.name: x for c, x in zip(comparisons, u_random, strict=True)}
        self.u_candidates_ = {c.name: x for c, x in zip(comparisons, final.u, strict=True)}
        self.n_iter_ = first.n_iter + final.n_iter
        self.converged_ = first.converged and final.converged
        self.n_candidates_ = training.n_candidates
        self.lambda_ = self._prior(training, final.proportion * training.n_candidates)
        at_random = EMResult(m, u_random, self.lambda_, 0, True)
        self.dependence_ = agreement_correlations(
            patterns, posterior(patterns, final),
            random_patterns, 1 - posterior(random_patterns, at_random),
            [c.name for c in comparisons], [c.n_levels - 1 for c in comparisons])
        _warn_dependence(self.dependence_)
        self.comparisons_, self.blocking_ = comparisons, blocking

    def _gammas(self, indexes: list[ComparisonIndex], left: np.ndarray, right: np.ndarray
                ) -> np.ndarray:
        return gamma_matrix(indexes, left, right, show_progress=self.progress)

    def _session_m(self, training: TrainingPairs, comparisons: list[Comparison],
                   u_random: list[np.ndarray], m: list[np.ndarray], blocking: Blocking,
                   rng: np.random.Generator) -> list[np.ndarray]:
        """m averaged over training passes, one per rule; each pass learns m for the
        comparisons that do not read the rule's columns. Without ``training_blocking`` the
        passes are the prediction rules, over the candidate pairs already compared.
        """
        estimates: list[list[np.ndarray]] = [[] for _ in comparisons]
        rules = (blocking.rules if self.training_blocking is None
                 else as_blocking(self.training_blocking, "training_blocking").rules)
        for number, rule in enumerate(progress(rules, "training", self.progress)):
            if self.training_blocking is None:
                session_patterns = training.covered_patterns(number)
            else:
                session_patterns = training.rule_patterns(rule, self.training_max_pairs, rng)
            blocked = frozenset(j for j, c in enumerate(comparisons)
                                if set(c.columns) & set(rule.columns))
            if len(session_patterns.counts) == 0 or len(blocked) == len(comparisons):
                continue
            session = fit_session_m(session_patterns, u_random, blocked, m,
                                    max_iter=self.max_iter, tol=self.tol)
            for j in set(range(len(comparisons))) - blocked:
                estimates[j].append(session.m[j])
        return [np.mean(e, axis=0) if e else m[j] for j, e in enumerate(estimates)]

    def _prior(self, training: TrainingPairs, expected_matches: float) -> float:
        total = max(training.total_pairs(), 1)
        if self.deterministic_rules is not None:
            rules = as_blocking(self.deterministic_rules, "deterministic_rules")
            expected_matches = training.count_candidates(rules) / self.recall
        return float(np.clip(expected_matches / total, 1e-12, 1 - 1e-9))

    # Prediction ---------------------------------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "m_"):
            raise NotFittedError("this Linker is not fitted yet: call fit(records) first, or "
                                 "load a saved model with Linker.load(path)")

    def weight_table(self) -> WeightTable:
        """The fitted weights per comparison level, with the prior."""
        self._check_fitted()
        comparisons = self.comparisons_
        return WeightTable.build([self.m_[c.name] for c in comparisons],
                                 [self.u_[c.name] for c in comparisons],
                                 [c.tf_gammas() for c in comparisons], self.lambda_)

    def predict(self, records: RecordsInput, threshold: float | None = None, *,
                threshold_weight: float | None = None, pairs: pd.DataFrame | None = None
                ) -> pd.DataFrame:
        """Score candidate pairs.

        Parameters
        ----------
        records : DataFrame, list or dict of DataFrames
            Records to match.
        threshold : float, optional
            Keep pairs with ``match_probability >= threshold``.
        threshold_weight : float, optional
            Keep pairs with ``match_weight >= threshold_weight``.
        pairs : DataFrame, optional
            Your own candidate pairs (``unique_id_l``, ``unique_id_r``) instead of blocking.

        Returns
        -------
        DataFrame
            ``unique_id_l``, ``unique_id_r`` (and ``source_l``/``source_r`` for several
            sources), ``match_weight``, ``match_probability``, ``blocking_rule``, then
            ``gamma_<name>`` and ``mw_<name>`` per comparison.
        """
        self._check_fitted()
        _check_thresholds(threshold, threshold_weight)
        engine = checked_engine(self.engine)
        if engine is not None:
            return engine.predict(self, records, threshold, threshold_weight, pairs)
        comparisons, blocking = self.comparisons_, self.blocking_
        data = self._records(records, comparisons, blocking)
        data.encode_all(_encoded(comparisons, blocking if pairs is None else None),
                        self.progress)
        indexes = comparison_indexes(data, comparisons)
        if pairs is None:
            found = candidate_pairs(data, blocking, self.link_type, self.max_pairs,
                                    self.progress)
            left, right = found.left, found.right
            rule = pd.Categorical.from_codes(found.rule, categories=list(found.labels))
        else:
            left, right, _ = _label_rows(data, pairs, need_label=False)
            rule = pd.Categorical.from_codes(np.zeros(len(left), int), categories=["given"])
        gammas = self._gammas(indexes, left, right)
        return self._score(data, indexes, left, right, rule, gammas, threshold,
                           threshold_weight)

    def _score(self, data: Records, indexes: list[ComparisonIndex], left: np.ndarray,
               right: np.ndarray, rule: pd.Categorical, gammas: np.ndarray,
               threshold: float | None, threshold_weight: float | None) -> pd.DataFrame:
        """Weights and probabilities of compared pairs, filtered, as the output frame.

        Pairs are scored in chunks; with a threshold only the pairs kept are gathered, so
        the memory beyond the output is bounded by the chunk, not by the candidate pairs.
        """
        table = self.weight_table()
        chunks = [slice(start, start + CHUNK_PAIRS) for start in range(0, len(left), CHUNK_PAIRS)]
        if threshold is None and threshold_weight is None:
            weight = np.empty(len(left))
            parts = np.empty(gammas.shape, dtype=np.float32)
            for chunk in chunks:
                weight[chunk], parts[chunk] = score_pairs(table, indexes, gammas[chunk],
                                                          left[chunk])
            return _pairs_frame(data, left, right, weight, probability(weight), rule, gammas,
                                parts, self.comparisons_)
        kept: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for chunk in chunks:
            weight, parts = score_pairs(table, indexes, gammas[chunk], left[chunk])
            keep = np.ones(len(weight), dtype=bool)
            if threshold_weight is not None:
                keep &= weight >= threshold_weight
            if threshold is not None:
                keep &= probability(weight) >= threshold
            kept.append((np.flatnonzero(keep) + chunk.start, weight[keep], parts[keep]))
        rows = np.concatenate([k[0] for k in kept])
        weight = np.concatenate([k[1] for k in kept])
        parts = np.concatenate([k[2] for k in kept])
        return _pairs_frame(data, left[rows], right[rows], weight, probability(weight),
                            rule[rows], gammas[rows], parts, self.comparisons_)

    # Explanations -----------------------------------------------------------------------

    def explain(self, pair: pd.Series | tuple[Any, Any], records: RecordsInput | None = None
                ) -> pd.DataFrame:
        """Why a pair scored what it did, as waterfall data.

        Parameters
        ----------
        pair : Series or tuple
            A row of ``predict``'s output; or two unique ids ``(a, b)`` with
            ``records``; or two raw records (dicts or Series with every column the
            comparisons and blocking rules read).
        records : DataFrame, optional
            The records, when ``pair`` is two ids. With two raw records, the data whose
            value frequencies weigh term-frequency levels; without it those levels get
            their plain weight.

        Returns
        -------
        DataFrame
            ``step`` (``prior``, each comparison, ``total``), ``level`` (gamma), ``label``
            (the level's description), ``weight`` (bits), ``cumulative`` and the running
            ``probability``.
        """
        self._check_fitted()
        scorer = self
        if not isinstance(pair, pd.Series):
            first, second = pair
            if isinstance(first, Mapping | pd.Series):
                raw = pd.DataFrame([dict(first), dict(second)])
                ids = ["\x00explain-a", "\x00explain-b"]
                raw[self.unique_id] = ids
                if records is None:
                    # No data to count value frequencies in: weigh levels without
                    # term-frequency adjustments rather than as if each value were unique.
                    scorer = copy.copy(self)
                    scorer.comparisons_ = [dataclasses.replace(c, term_frequency=False)
                                           for c in self.comparisons_]
                    records = raw
                else:
                    records = pd.concat([records, raw], ignore_index=True)
                first, second = ids
            if records is None:
                raise ConfigError("explain((a, b)): pass the records the ids refer to")
            given = pd.DataFrame({"unique_id_l": [first], "unique_id_r": [second]})
            pair = scorer.predict(records, pairs=given).iloc[0]
        return waterfall(pair, self.comparisons_, self.weight_table().prior)

    def why(self, entity_id: Any, pairs: pd.DataFrame, clusters: pd.DataFrame) -> pd.DataFrame:
        """The links that hold an entity together (a maximum spanning tree of its scored
        pairs, strongest first) and, flagged ``weakest``, the one it hangs on."""
        return spanning_links(pairs, clusters, entity_id)

    def why_not(self, a: Any, b: Any, pairs: pd.DataFrame, clusters: pd.DataFrame,
                records: RecordsInput, threshold: float = 0.5) -> dict[str, Any]:
        """Why records ``a`` and ``b`` are in different entities (or that they are not):
        ``reason``, both entity ids, whether they were a candidate pair, their probability
        and the waterfall of their comparison."""
        self._check_fitted()
        return kept_apart(self, records, pairs, clusters, a, b, threshold)

    def report(self, path: str | Path, records: pd.DataFrame, **parts: Any) -> Path:
        """Write a self-contained HTML report of a run (needs ``golden[plot]``).

        ``parts`` may give ``pairs``, ``clusters`` (else computed), ``truth`` (a Series
        of entity labels by unique id: adds accuracy), ``golden`` (GoldenRecords),
        ``households`` (Households), ``threshold`` and ``title``.
        """
        from golden.report.html import write_report

        self._check_fitted()
        return write_report(path, self, records, **parts)

    def count_pairs(self, records: RecordsInput) -> pd.DataFrame:
        """Blocking analysis without building pairs: pairs per rule, new and cumulative pairs,
        and the largest blocks.
        """
        comparisons, blocking = self._settings()
        if self.engine is not None:
            return self.engine.count_pairs(self, records, comparisons, blocking)
        data = self._records(records, comparisons, blocking)
        return count_pairs(data, blocking, self.link_type)

    def cluster(self, pairs: pd.DataFrame, records: RecordsInput | None = None, *,
                threshold: float | Sequence[float] = 0.5,
                min_density: float | None = _clustering.DEFAULT_MIN_DENSITY,
                one_to_one: bool = False) -> pd.DataFrame:
        """Entities from scored pairs; see ``golden.cluster_pairs``.

        Pass the ``records`` so records without any match become one-record entities.
        With a ``SparkEngine``, pairs and records are Spark DataFrames, and so is the result.
        """
        engine = checked_engine(self.engine)
        if engine is not None:
            return engine.cluster(self, pairs, records, threshold=threshold,
                                  min_density=min_density, one_to_one=one_to_one)
        ids = None
        if records is not None:
            data = prepare_records(records, unique_id=self.unique_id, source=self.source,
                                   link_type=self.link_type, columns=[], check_repeats=False)
            ids = _id_frame(data)  # cluster_pairs refuses repeated ids
        return _clustering.cluster_pairs(pairs, ids, threshold=threshold,
                                         min_density=min_density, one_to_one=one_to_one)

    # Persistence --------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The fitted model as a JSON-ready dict (versioned)."""
        self._check_fitted()
        settings = {k: v for k, v in self.get_params().items() if k not in NOT_SAVED}
        return {
            "format": MODEL_FORMAT,
            "version": MODEL_VERSION,
            "settings": settings,
            "comparisons": [c.to_dict() for c in self.comparisons_],
            "blocking": self.blocking_.to_dict(),
            "parameters": {
                "lambda": self.lambda_,
                "m": {k: v.tolist() for k, v in self.m_.items()},
                "u": {k: v.tolist() for k, v in self.u_.items()},
                "n_iter": self.n_iter_,
                "converged": self.converged_,
            },
        }

    @classmethod
    def from_dict(cls, model: dict[str, Any]) -> Linker:
        """Rebuild a fitted Linker from ``to_dict`` output."""
        if model.get("format") != MODEL_FORMAT:
            raise ConfigError(f"not a golden Linker model (format={model.get('format')!r})")
        if model.get("version") != MODEL_VERSION:
            raise ConfigError(f"model version {model.get('version')!r} is not supported; "
                              f"this golden reads version {MODEL_VERSION}")
        comparisons = [spec_from_dict(c) for c in model["comparisons"]]
        blocking = spec_from_dict(model["blocking"])
        linker = cls(comparisons, blocking, **model["settings"])
        params = model["parameters"]
        linker.comparisons_, linker.blocking_ = comparisons, blocking
        linker.lambda_ = float(params["lambda"])
        linker.m_ = {k: np.asarray(v, dtype=np.float64) for k, v in params["m"].items()}
        linker.u_ = {k: np.asarray(v, dtype=np.float64) for k, v in params["u"].items()}
        linker.n_iter_, linker.converged_ = params["n_iter"], params["converged"]
        return linker

    def save(self, path: str | Path) -> None:
        """Save the fitted model as versioned JSON."""
        Path(path).write_text(json.dumps(self.to_dict(), indent=1))

    @classmethod
    def load(cls, path: str | Path) -> Linker:
        """Load a model saved by ``save``."""
        return cls.from_dict(json.loads(Path(path).read_text()))


class LocalTrainingPairs:
    """``TrainingPairs`` in this process: numpy pairs, compared with ``gamma_matrix``.

    Keeps the comparison indexes, candidate pairs and their gammas for ``fit_predict``.
    """

    def __init__(self, data: Records, comparisons: list[Comparison], link_type: str,
                 blocking: Blocking, max_pairs: int | None, show_progress: bool | None
                 ) -> None:
        self.data, self.link_type, self.blocking = data, link_type, blocking
        self.max_pairs, self.show_progress = max_pairs, show_progress
        # the rules' indexes first: too many pairs are refused before any other work
        self.rules = rule_indexes(data, blocking, link_type, max_pairs, show_progress)
        self.indexes = comparison_indexes(data, comparisons)

    @property
    def n_candidates(self) -> int:
        return len(self.pairs)

    def random_patterns(self, max_pairs: int, rng: np.random.Generator) -> Patterns:
        left, right = random_pairs(self.data, self.link_type, max_pairs, rng)
        return Patterns.from_gammas(gamma_matrix(self.indexes, left, right))

    def candidate_patterns(self) -> Patterns:
        self.pairs = candidate_pairs(self.data, self.blocking, self.link_type,
                                     indexes=self.rules)
        self.gammas = gamma_matrix(self.indexes, self.pairs.left, self.pairs.right,
                                   show_progress=self.show_progress)
        return Patterns.from_gammas(self.gammas)

    def covered_patterns(self, rule_number: int) -> Patterns:
        covered = self.rules[rule_number].covers(self.pairs.left, self.pairs.right)
        return Patterns.from_gammas(self.gammas[covered])

    def rule_patterns(self, rule: BlockingRule, max_pairs: int, rng: np.random.Generator
                      ) -> Patterns:
        left, right = sample_rule_pairs(self.data, rule, self.link_type, max_pairs, rng)
        return Patterns.from_gammas(gamma_matrix(self.indexes, left, right))

    def labelled_patterns(self, labels: pd.DataFrame) -> Patterns:
        left, right, is_match = _label_rows(self.data, labels)
        if not is_match.any():
            raise ConfigError("labels: no labelled matches, so m cannot be estimated from them")
        return Patterns.from_gammas(gamma_matrix(self.indexes, left[is_match], right[is_match]))

    def count_candidates(self, blocking: Blocking) -> int:
        return len(candidate_pairs(self.data, blocking, self.link_type, self.max_pairs))

    def total_pairs(self) -> int:
        return total_pairs(self.data, self.link_type)


def _encoded(comparisons: list[Comparison],
             *rules: BlockingRule | Blocking | Sequence[BlockingRule] | None) -> list[Expr]:
    """The expressions the comparisons and the given rules (each None, a rule or rules)
    read as codes: what ``Records.encode_all`` prepares ahead."""
    exprs = [expr for comparison in comparisons for expr in comparison.inputs]
    for given in rules:
        if given is not None:
            exprs.extend(as_blocking(given, "rules").encoded)
    return exprs


def _warn_dependence(table: pd.DataFrame) -> None:
    strong = strong_dependencies(table)
    if len(strong):
        shown = "; ".join(
            f"{r.comparison_a} ~ {r.comparison_b} (r={r.matches:.2f} among matches, "
            f"{r.non_matches:.2f} among non-matches; agreeing on both over-weighs a pair by "
            f"{r.overcount_bits:.1f} bits)" for r in strong.itertuples())
        warnings.warn(
            f"strongly dependent comparisons: {shown}. Fellegi–Sunter counts their agreement "
            "as independent evidence; compare each group as one with comparisons.joint(...) "
            "(e.g. a household's surname, postcode and landline), or drop one. "
            "See Linker.dependence_", DataWarning, stacklevel=3)


def _check_thresholds(threshold: object, threshold_weight: object) -> None:
    problems = [f"{name}: got {value!r}, expected a number" for name, value in
                (("threshold", threshold), ("threshold_weight", threshold_weight))
                if value is not None and not isinstance(value, int | float)]
    if threshold is not None and not problems and not 0 <= threshold <= 1:  # type: ignore[operator]
        problems.append(f"threshold: got {threshold!r}, expected a probability in [0, 1]")
    if problems:
        raise ConfigError(problems)


def _positive_int(name: str, value: object) -> list[str]:
    if isinstance(value, int | np.integer) and not isinstance(value, bool) and value > 0:
        return []
    return [f"{name}: got {value!r}, expected a whole number > 0"]


def _id_frame(data: Records) -> pd.DataFrame:
    out = pd.DataFrame({"unique_id": data.ids})
    if data.source is not None:
        out.insert(0, "source", data.frame[data.source])
    return out


def _row_lookup(data: Records, ids: pd.Series, sources: pd.Series | None, side: str
                ) -> np.ndarray:
    keys = _id_frame(data)
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


def _label_rows(data: Records, labels: pd.DataFrame, need_label: bool = True
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


def _pairs_frame(data: Records, left: np.ndarray, right: np.ndarray, weight: np.ndarray,
                 prob: np.ndarray, rule: pd.Categorical, gammas: np.ndarray,
                 parts: np.ndarray, comparisons: list[Comparison]) -> pd.DataFrame:
    """The pairs as a frame; ``gammas`` and ``parts`` (one column per comparison) become
    its gamma and weight columns without being copied."""
    names = [comparison.name for comparison in comparisons]
    scores = pd.DataFrame({**data.pair_ids(left, right), "match_weight": weight,
                           "match_probability": prob, "blocking_rule": rule})
    return pd.concat([scores,
                      pd.DataFrame(gammas, columns=[f"gamma_{n}" for n in names], copy=False),
                      pd.DataFrame(parts, columns=[f"mw_{n}" for n in names], copy=False)],
                     axis=1)
