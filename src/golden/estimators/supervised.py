"""A supervised scorer: a classifier trained on labelled pairs, in the Linker's place.

Features per pair: one indicator per level of every comparison (null included) — the
comparison vector — and the Jaro–Winkler similarity of each comparison's first input as raw
text. Logistic regression (the default) is calibrated by construction and additive in
log-odds, so each comparison's contribution is reported in bits like a Fellegi–Sunter
weight (``mw_<name>``) and the pair explains itself. Gradient boosting is available,
calibrated with Platt scaling, without per-comparison weights.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from golden._base.estimator import Estimator
from golden._base.spec import Functions, spec_from_dict
from golden.blocking import candidate_pairs
from golden.comparisons.fitting import fit_comparisons, local_value_counts
from golden.comparisons.vectors import ComparisonIndex, comparison_indexes, gamma_matrix
from golden.engines.local import label_rows, pairs_frame, prepare
from golden.errors import ConfigError, NotFittedError
from golden.estimators.checks import check_thresholds
from golden.estimators.linker import NOT_SAVED, Linker
from golden.estimators.model_checks import read_model_file
from golden.model.weights import probability
from golden.records import Records, RecordsInput

MODELS = ("logistic", "gradient_boosting")
FORMAT = "golden.supervised_linker"
VERSION = 1
MIN_PER_CLASS = 5
LN2 = float(np.log(2.0))


class SupervisedLinker(Estimator):
    """Score candidate pairs with a classifier trained on labelled pairs.

    It uses the ``linker``'s comparisons, blocking and records settings; predict, cluster and
    read explanations as with a ``Linker``.

    Parameters
    ----------
    linker : Linker
        Supplies comparisons, blocking, ``unique_id``, ``link_type``; it need not be fitted.
    model : {"logistic", "gradient_boosting"}
        The classifier (scikit-learn).
    C : float
        Inverse regularisation strength of the logistic regression.
    random_state : int or None
        Seed of the classifier.

    Examples
    --------
    >>> import golden as gd, warnings
    >>> from golden import comparisons as cmp
    >>> people = gd.datasets.make_people(2_000, random_state=3)
    >>> truth = people.set_index("unique_id")["person_id"]
    >>> records = people.drop(columns=["person_id", "household_id"])
    >>> linker = gd.Linker([cmp.name("first_name"), cmp.name("surname"),
    ...                     cmp.date_of_birth("dob")], gd.block_on("surname"))
    >>> candidates = gd.generate_pairs(records, gd.block_on("surname"))
    >>> labels = gd.labels_from_truth(candidates.sample(300, random_state=0), truth)
    >>> scorer = gd.SupervisedLinker(linker).fit(records, labels)
    >>> pairs = scorer.predict(records, threshold=0.5)
    >>> list(pairs.columns[:4])
    ['unique_id_l', 'unique_id_r', 'match_weight', 'match_probability']
    """

    def __init__(self, linker: Linker, *, model: str = "logistic", C: float = 1.0,
                 random_state: int | None = 0) -> None:
        self.linker = linker
        self.model = model
        self.C = C
        self.random_state = random_state

    def fit(self, records: RecordsInput, labels: pd.DataFrame) -> SupervisedLinker:
        """Train the classifier on labelled pairs (``unique_id_l``, ``unique_id_r``,
        ``is_match``); labelled pairs need not be candidates."""
        if self.model not in MODELS:
            raise ConfigError(f"model: got {self.model!r}, expected one of {list(MODELS)}")
        plan = self.linker.plan()
        data = prepare(plan, records)
        comparisons = list(fit_comparisons(plan.comparisons, local_value_counts(data)))
        blocking = plan.blocking
        indexes = comparison_indexes(data, comparisons)
        left, right, is_match = label_rows(data, labels)
        n_match = int(is_match.sum())
        if min(n_match, len(is_match) - n_match) < MIN_PER_CLASS:
            raise ConfigError(f"labels: {n_match} matches and {len(is_match) - n_match} "
                              f"non-matches; a classifier needs at least {MIN_PER_CLASS} of each")
        self.comparisons_, self.blocking_ = comparisons, blocking
        self.levels_ = [c.n_levels + 1 for c in comparisons]  # null, else, ..., top
        features = self._features(data, indexes, left, right)
        self.model_ = self._classifier().fit(features, is_match)
        self.n_labels_ = len(is_match)
        return self

    def predict(self, records: RecordsInput, threshold: float | None = None) -> pd.DataFrame:
        """Score the candidate pairs; same columns as ``Linker.predict``."""
        if not hasattr(self, "model_"):
            raise NotFittedError("SupervisedLinker is not fitted: call fit(records, labels)")
        check_thresholds(threshold, None)
        data = prepare(self.linker.plan(), records)
        indexes = comparison_indexes(data, self.comparisons_)
        found = candidate_pairs(data, self.blocking_, self.linker.link_type,
                                self.linker.max_pairs)
        left, right = found.left, found.right
        rule = pd.Categorical.from_codes(found.rule, categories=list(found.labels))
        gammas = gamma_matrix(indexes, left, right)
        features = self._features(data, indexes, left, right, gammas)
        weight, parts = self._weights(features)
        prob = probability(weight)
        keep = prob >= threshold if threshold is not None else np.ones(len(left), dtype=bool)
        return pairs_frame(data, left[keep], right[keep], weight[keep], prob[keep],
                            rule[keep], gammas[keep], parts[keep], self.comparisons_)

    def to_dict(self) -> dict[str, Any]:
        """The fitted logistic model as a JSON-ready dict (versioned); gradient boosting
        cannot be written as JSON and raises."""
        if not hasattr(self, "model_"):
            raise NotFittedError("SupervisedLinker is not fitted: call fit(records, labels)")
        if self.model != "logistic":
            raise ConfigError("only the logistic model saves as JSON; gradient boosting "
                              "would need pickle, which golden does not write")
        settings = {k: v for k, v in self.linker.get_params().items() if k not in NOT_SAVED}
        return {"format": FORMAT, "version": VERSION, "settings": settings,
                "comparisons": [c.to_dict() for c in self.comparisons_],
                "blocking": self.blocking_.to_dict(), "C": self.C,
                "coef": self.model_.coef_[0].tolist(),
                "intercept": float(self.model_.intercept_[0]), "n_labels": self.n_labels_}

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, functions: Functions = None
                  ) -> SupervisedLinker:
        """Rebuild a fitted scorer from ``to_dict`` output (custom levels' functions from
        ``functions``, as ``Linker.from_dict``)."""
        from sklearn.linear_model import LogisticRegression

        if data.get("format") != FORMAT or data.get("version") != VERSION:
            raise ConfigError(f"not a version-{VERSION} {FORMAT} model "
                              f"(format={data.get('format')!r}, version={data.get('version')!r})")
        comparisons = [spec_from_dict(c, functions) for c in data["comparisons"]]
        blocking = spec_from_dict(data["blocking"], functions)
        scorer = cls(Linker(comparisons, blocking, **data["settings"]), C=data["C"])
        scorer.comparisons_, scorer.blocking_ = comparisons, blocking
        scorer.levels_ = [c.n_levels + 1 for c in comparisons]
        model = LogisticRegression(C=data["C"])
        model.coef_ = np.asarray([data["coef"]], dtype=np.float64)
        model.intercept_ = np.asarray([data["intercept"]], dtype=np.float64)
        model.classes_ = np.array([False, True])
        scorer.model_, scorer.n_labels_ = model, data["n_labels"]
        return scorer

    def save(self, path: str | Path) -> None:
        """Save the fitted logistic model as versioned JSON."""
        Path(path).write_text(json.dumps(self.to_dict(), indent=1))

    @classmethod
    def load(cls, path: str | Path, *, functions: Functions = None) -> SupervisedLinker:
        """Load a model saved by ``save`` (``functions`` as in ``from_dict``)."""
        return cls.from_dict(read_model_file(path), functions=functions)

    def cluster(self, pairs: pd.DataFrame, records: RecordsInput | None = None,
                **options: Any) -> pd.DataFrame:
        """Entities from scored pairs, as ``Linker.cluster``."""
        return self.linker.cluster(pairs, records, **options)

    # Features and weights ----------------------------------------------------------------

    def _features(self, data: Records, indexes: list[ComparisonIndex], left: np.ndarray,
                  right: np.ndarray, gammas: np.ndarray | None = None) -> np.ndarray:
        """Per pair: level indicators of every comparison, then one similarity each."""
        if gammas is None:
            gammas = gamma_matrix(indexes, left, right)
        blocks = []
        for j, comparison in enumerate(self.comparisons_):
            one_hot = np.zeros((len(left), self.levels_[j]), dtype=np.float64)
            one_hot[np.arange(len(left)), gammas[:, j].astype(np.int64) + 1] = 1.0
            text = data.values(comparison.inputs[0]).astype(object).to_numpy()
            a, b = text[left], text[right]
            known = ~(pd.isna(a) | pd.isna(b))
            similarity = np.zeros((len(left), 1))
            if known.any():
                similarity[known, 0] = process.cpdist(
                    a[known].astype(str), b[known].astype(str),
                    scorer=JaroWinkler.normalized_similarity, workers=-1)
            blocks += [one_hot, similarity]
        return np.hstack(blocks)

    def _classifier(self) -> Any:
        if self.model == "logistic":
            from sklearn.linear_model import LogisticRegression

            return LogisticRegression(C=self.C, max_iter=2_000, random_state=self.random_state)
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.ensemble import HistGradientBoostingClassifier

        return CalibratedClassifierCV(
            HistGradientBoostingClassifier(random_state=self.random_state),
            method="sigmoid", cv=3)

    def _weights(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Match weight (log2 odds) per pair, and per-comparison contributions in bits
        (NaN for gradient boosting, which is not additive)."""
        n = len(self.comparisons_)
        if self.model != "logistic":
            p = np.clip(self.model_.predict_proba(features)[:, 1], 1e-12, 1 - 1e-12)
            return np.log2(p / (1 - p)), np.full((len(features), n), np.nan, dtype=np.float32)
        contributions = features * self.model_.coef_[0] / LN2
        bounds = np.cumsum([0, *[levels + 1 for levels in self.levels_]])
        parts = np.stack([contributions[:, bounds[j]:bounds[j + 1]].sum(axis=1)
                          for j in range(n)], axis=1)
        weight = self.model_.intercept_[0] / LN2 + parts.sum(axis=1)
        return weight, parts.astype(np.float32)


__all__ = ["SupervisedLinker"]
