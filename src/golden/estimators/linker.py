"""The Linker: blocking, comparison, Fellegi–Sunter scoring and clustering in one estimator."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from golden._base.estimator import Estimator
from golden._base.spec import Functions, spec_from_dict
from golden.blocking import Blocking, BlockingRule, as_blocking
from golden.clustering.components import DEFAULT_MIN_DENSITY
from golden.clustering.decisions import decisions_as_labels
from golden.comparisons import Comparison
from golden.engines.choose import checked_engine, engine_problems
from golden.engines.protocol import LinkPlan, RecordIds
from golden.errors import ConfigError, NotFittedError
from golden.estimators.checks import check_thresholds, positive_int
from golden.estimators.display import linker_html
from golden.estimators.explain import kept_apart, spanning_links, waterfall
from golden.estimators.model_checks import (
    check_model_keys,
    check_parameters,
    read_model_file,
)
from golden.model.dependence import DependenceCorrection
from golden.model.learning import TrainingSettings, learn
from golden.model.related import Relatives
from golden.model.training import TrainingPairs
from golden.model.weights import WeightTable
from golden.records import RecordsInput, validate_link_type

if TYPE_CHECKING:
    from golden.engines.protocol import Engine

MODEL_FORMAT = "golden.linker"
MODEL_VERSION = 3
# version 1: no dependence corrections; 2: they agree at top levels only ('top_levels')
READABLE_VERSIONS = (1, 2, 3)
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
    correct_dependence : bool
        Weigh comparisons that agree together among non-matches (address parts, a
        household's surname and postcode) by how often they really do, not as independent
        evidence: the ``mw_dependence`` column of ``predict``. False leaves it to you
        (``comparisons.joint``); the warning about them is given either way.
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
    engine : LocalEngine, SparkEngine or None
        Where the work runs: None (or ``golden.LocalEngine()``) in this process on pandas
        DataFrames; a ``golden.SparkEngine`` on Spark DataFrames (records in, pairs and
        clusters out as Spark DataFrames; the fitted model is the same either way).

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
    dependence_corrections_ : list of DependenceCorrection
        Per group of comparisons that agree together among non-matches, the weight taken
        back for each combination of them agreeing (``mw_dependence``); empty with
        ``correct_dependence=False``.
    relatives_ : Relatives or None
        When the candidate pairs hold relatives (a family, a town's voters: agreeing on
        what they share, differing where matches agree), their share and the comparisons
        they differ on; what they share is weighed as one dependent group, and where they
        outnumber the matches, m and λ come from matches, relatives and the rest (see
        ``golden.model.related``). None otherwise, and for a loaded model.

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
        correct_dependence: bool = True,
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
        self.correct_dependence = correct_dependence
        self.u_max_pairs = u_max_pairs
        self.training_max_pairs = training_max_pairs
        self.max_pairs = max_pairs
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.progress = progress
        self.engine = engine

    # Configuration -------------------------------------------------------------------------

    def plan(self) -> LinkPlan:
        """The validated parameters as the plan an engine runs; every problem at once.

        Raises
        ------
        ConfigError
            Naming each parameter that is wrong, what it got and what it expects.
        """
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
        blocking: Blocking | None = None
        other_rules: tuple[Blocking, ...] = ()
        try:
            blocking = as_blocking(self.blocking, "blocking")
            other_rules = self._other_rules()
        except ConfigError as exc:
            problems.extend(exc.problems)
        problems += positive_int("u_max_pairs", self.u_max_pairs)
        problems += positive_int("training_max_pairs", self.training_max_pairs)
        problems += positive_int("max_iter", self.max_iter)
        if self.max_pairs is not None:
            problems += positive_int("max_pairs", self.max_pairs)
        if not (isinstance(self.recall, int | float) and 0 < self.recall <= 1):
            problems.append(f"recall: got {self.recall!r}, expected a number in (0, 1]")
        if not isinstance(self.correct_dependence, bool):
            problems.append(f"correct_dependence: got {self.correct_dependence!r}, expected "
                            "True or False")
        if not (isinstance(self.tol, int | float) and self.tol > 0):
            problems.append(f"tol: got {self.tol!r}, expected a number > 0")
        if not isinstance(self.unique_id, str):
            problems.append(f"unique_id: got {self.unique_id!r}, expected a column name")
        problems += engine_problems(self.engine)
        if problems:
            raise ConfigError(problems)
        assert blocking is not None
        return LinkPlan(self._ids(), tuple(comparisons), blocking, other_rules,
                        self.max_pairs, self.progress)

    def _ids(self) -> RecordIds:
        return RecordIds(self.unique_id, self.source, self.link_type)

    def _other_rules(self) -> tuple[Blocking, ...]:
        """The training and deterministic rules given, whose columns are read too."""
        return tuple(as_blocking(rules, "training_blocking / deterministic_rules")
                     for rules in (self.training_blocking, self.deterministic_rules)
                     if rules is not None)

    def _training_settings(self) -> TrainingSettings:
        def rules(given: Any, name: str) -> Blocking | None:
            return None if given is None else as_blocking(given, name)

        return TrainingSettings(
            u_max_pairs=self.u_max_pairs, training_max_pairs=self.training_max_pairs,
            max_iter=self.max_iter, tol=self.tol, random_state=self.random_state,
            training_blocking=rules(self.training_blocking, "training_blocking"),
            deterministic_rules=rules(self.deterministic_rules, "deterministic_rules"),
            recall=self.recall, progress=self.progress,
            correct_dependence=self.correct_dependence)

    # Fitting ------------------------------------------------------------------------------

    def fit(self, records: RecordsInput, labels: pd.DataFrame | None = None) -> Linker:
        """Learn λ, m and u from unlabelled records (and m from labels when given).

        Parameters
        ----------
        records : DataFrame, list or dict of DataFrames
            The records to learn from (Spark DataFrames with a ``SparkEngine``).
        labels : DataFrame, optional
            Labelled pairs: ``unique_id_l``, ``unique_id_r`` and ``is_match`` (bool or 0/1;
            ``clerical_match_score`` is accepted too, and so is a decisions table's
            ``decision``). m is then taken from the labelled matches instead of EM.

        Returns
        -------
        Linker
            ``self``, fitted.
        """
        plan = self.plan()
        if isinstance(labels, pd.DataFrame) and "decision" in labels.columns \
                and not {"is_match", "clerical_match_score"} & set(labels.columns):
            labels = decisions_as_labels(labels)
        self._learn(checked_engine(self.engine).training_pairs(plan, records), plan, labels)
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
        check_thresholds(threshold, threshold_weight)
        plan = self.plan()
        engine = checked_engine(self.engine)
        training = engine.training_pairs(plan, records)
        self._learn(training, plan, None)
        return engine.predict_training(training, self.weight_table(), threshold=threshold,
                                       threshold_weight=threshold_weight)

    def _learn(self, training: TrainingPairs, plan: LinkPlan, labels: Any) -> None:
        comparisons = training.comparisons
        learned = learn(training, comparisons, plan.blocking, self._training_settings(),
                        labels)
        names = [c.name for c in comparisons]
        self.m_ = dict(zip(names, learned.m, strict=True))
        self.u_ = dict(zip(names, learned.u, strict=True))
        self.u_candidates_ = dict(zip(names, learned.u_candidates, strict=True))
        self.n_iter_, self.converged_ = learned.n_iter, learned.converged
        self.n_candidates_ = learned.n_candidates
        self.lambda_ = learned.lambda_
        self.dependence_ = learned.dependence
        self.dependence_corrections_ = learned.corrections
        self.relatives_ = (None if learned.related is None else Relatives(
            share=learned.related.share,
            differ_on=tuple(names[j] for j in learned.related.comparisons)))
        self.comparisons_, self.blocking_ = list(comparisons), plan.blocking

    # Prediction ---------------------------------------------------------------------------

    def check_fitted(self) -> None:
        """Raise ``NotFittedError`` unless the Linker is fitted (or loaded)."""
        if not hasattr(self, "m_"):
            raise NotFittedError("this Linker is not fitted yet: call fit(records) first, or "
                                 "load a saved model with Linker.load(path)")

    def weight_table(self) -> WeightTable:
        """The fitted weights per comparison level, with the prior."""
        self.check_fitted()
        comparisons = self.comparisons_
        return WeightTable.build([self.m_[c.name] for c in comparisons],
                                 [self.u_[c.name] for c in comparisons],
                                 [c.tf_gammas() for c in comparisons], self.lambda_,
                                 getattr(self, "dependence_corrections_", ()))

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
        self.check_fitted()
        check_thresholds(threshold, threshold_weight)
        plan = LinkPlan(self._ids(), tuple(self.comparisons_), self.blocking_,
                        self._other_rules(), self.max_pairs, self.progress)
        return checked_engine(self.engine).predict(
            plan, self.weight_table(), records, threshold=threshold,
            threshold_weight=threshold_weight, pairs=pairs)

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
        self.check_fitted()
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
        self.check_fitted()
        return kept_apart(self, records, pairs, clusters, a, b, threshold)

    def count_pairs(self, records: RecordsInput) -> pd.DataFrame:
        """Blocking analysis without building pairs: pairs per rule, new and cumulative pairs,
        and the largest blocks.
        """
        return checked_engine(self.engine).count_pairs(self.plan(), records)

    def cluster(self, pairs: pd.DataFrame, records: RecordsInput | None = None, *,
                threshold: float | Sequence[float] = 0.5,
                min_density: float | None = DEFAULT_MIN_DENSITY,
                one_to_one: bool = False,
                decisions: pd.DataFrame | None = None) -> pd.DataFrame:
        """Entities from scored pairs; see ``golden.cluster_pairs``.

        Pass the ``records`` so records without any match become one-record entities.
        ``decisions`` (``unique_id_l``, ``unique_id_r``, ``decision`` = ``"match"`` or
        ``"non_match"``; ``gd.load_decisions`` reads a file) are a person's: a match joins
        two records' entities and a non-match keeps them apart, whatever the scores say.
        With a ``SparkEngine``, pairs and records are Spark DataFrames, and so is the result
        (decisions stay a pandas DataFrame).
        """
        return checked_engine(self.engine).cluster(
            self._ids(), pairs, records, threshold=threshold, min_density=min_density,
            one_to_one=one_to_one, decisions=decisions)

    # Display ------------------------------------------------------------------------------

    def _repr_html_(self) -> str:
        """The Linker as HTML for notebooks: its comparisons (levels), blocking rules and
        link type; once fitted also λ, the candidate pairs, convergence, each level's m, u
        and weight, and the dependence corrections and relatives found."""
        return linker_html(self)

    # Persistence --------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The fitted model as a JSON-ready dict (versioned)."""
        self.check_fitted()
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
                "dependence": [
                    {"comparisons": [self.comparisons_[j].name for j in c.comparisons],
                     "agree_from": list(c.agree_from), "bits": list(c.bits)}
                    for c in self.dependence_corrections_],
            },
        }

    @classmethod
    def from_dict(cls, model: dict[str, Any], *, functions: Functions = None,
                  source: str = "model") -> Linker:
        """Rebuild a fitted Linker from ``to_dict`` output.

        A model is data: every key and parameter is checked first (errors name ``source``
        and the key), and the functions of custom levels are taken from ``functions`` (the
        functions, or a dict by ``module:qualname``), never imported by the name the model
        holds.
        """
        check_model_keys(model, source)
        if model.get("format") != MODEL_FORMAT:
            raise ConfigError(f"{source}: not a golden Linker model "
                              f"(format={model.get('format')!r})")
        if model.get("version") not in READABLE_VERSIONS:
            raise ConfigError(f"{source}: model version {model.get('version')!r} is not "
                              f"supported; this golden reads versions {list(READABLE_VERSIONS)}")
        try:
            comparisons = [spec_from_dict(c, functions) for c in model["comparisons"]]
            blocking = spec_from_dict(model["blocking"], functions)
            linker = cls(comparisons, blocking, **model["settings"])
            linker.plan()
        except (ConfigError, TypeError) as exc:
            raise ConfigError(f"{source}: {exc}") from exc
        params = model["parameters"]
        check_parameters(params, [c.name for c in comparisons],
                         [c.n_levels for c in comparisons], source)
        linker.comparisons_, linker.blocking_ = comparisons, blocking
        linker.lambda_ = float(params["lambda"])
        linker.m_ = {k: np.asarray(v, dtype=np.float64) for k, v in params["m"].items()}
        linker.u_ = {k: np.asarray(v, dtype=np.float64) for k, v in params["u"].items()}
        linker.n_iter_, linker.converged_ = params["n_iter"], params["converged"]
        position = {c.name: j for j, c in enumerate(comparisons)}
        linker.dependence_corrections_ = [  # version 1 models have none
            DependenceCorrection(tuple(position[name] for name in group["comparisons"]),
                                 tuple(group.get("agree_from", group.get("top_levels"))),
                                 tuple(group["bits"]))
            for group in params.get("dependence", [])]
        return linker

    def save(self, path: str | Path) -> None:
        """Save the fitted model as versioned JSON."""
        Path(path).write_text(json.dumps(self.to_dict(), indent=1))

    @classmethod
    def load(cls, path: str | Path, *, functions: Functions = None) -> Linker:
        """Load a model saved by ``save`` (custom levels' functions from ``functions``, as
        ``from_dict``)."""
        return cls.from_dict(read_model_file(path), functions=functions, source=str(path))
