"""Active learning: ask for labels on the pairs that teach the model most, refit, repeat.

The model stays a Fellegi–Sunter model. Labelled matches refine m: each comparison's
level shares among the labelled matches are mixed with the unsupervised (EM) estimate,
which counts as ``prior_strength`` pseudo-labels, so a few labels nudge the model and many
labels take over. u stays the random-pair estimate (pairs picked for being hard are not
representative non-matches). After each batch the threshold is chosen on the labels.

Pairs are picked near the decision boundary (the smallest distance between their match
weight and the current threshold), spread across blocking rules, both sides of the
boundary and slices of weight, so a batch is not twenty copies of one kind of pair.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from golden.errors import ConfigError, NotFittedError, SchemaError
from golden.estimators.linker import Linker
from golden.evaluate import labelled_threshold
from golden.model.weights import prior_weight

LABEL_COLUMNS = ["unique_id_l", "unique_id_r", "is_match"]
CANDIDATE_BAND = 20  # candidates per wanted label, nearest the boundary, to diversify from
WEIGHT_RANGES = 3  # slices of that band by distance to the boundary


def load_labels(path: str | Path) -> pd.DataFrame:
    """Labelled pairs from CSV or Parquet: ``unique_id_l``, ``unique_id_r`` and ``is_match``
    (or ``clerical_match_score``; 0/1, true/false).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "labels.csv"
    >>> _ = path.write_text("unique_id_l,unique_id_r,clerical_match_score\\n1,2,1.0\\n1,3,0\\n")
    >>> load_labels(path)["is_match"].tolist()
    [True, False]
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"labels: {str(path)!r} is not a file")
    table = (pd.read_parquet(path) if path.suffix in (".parquet", ".pq")
             else pd.read_csv(path, dtype=str))
    return as_labels(table)


def labels_from_truth(pairs: pd.DataFrame, truth: pd.Series) -> pd.DataFrame:
    """Label ``pairs`` (``unique_id_l``, ``unique_id_r``) from a truth column: a Series of
    entity labels indexed by unique id (e.g. ``people.set_index("unique_id")["person_id"]``).

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.Series(["x", "x", "y"], index=["a", "b", "c"])
    >>> pairs = pd.DataFrame({"unique_id_l": ["a", "a"], "unique_id_r": ["b", "c"]})
    >>> labels_from_truth(pairs, truth)["is_match"].tolist()
    [True, False]
    """
    lookup = truth.copy()
    lookup.index = lookup.index.astype(str)
    left = lookup.reindex(pairs["unique_id_l"].astype(str)).to_numpy()
    right = lookup.reindex(pairs["unique_id_r"].astype(str)).to_numpy()
    unknown = pd.isna(left) | pd.isna(right)
    if unknown.any():
        raise SchemaError(f"labels_from_truth: {int(unknown.sum())} pair(s) have an id the "
                          "truth does not label")
    return as_labels(pairs[["unique_id_l", "unique_id_r"]].assign(is_match=left == right))


def as_labels(table: pd.DataFrame) -> pd.DataFrame:
    """A labels table with ids as text and ``is_match`` as bool; a clear error otherwise."""
    score = next((c for c in ("is_match", "clerical_match_score") if c in table.columns), None)
    missing = [c for c in ("unique_id_l", "unique_id_r") if c not in table.columns]
    if missing or score is None:
        raise SchemaError(f"labels: need unique_id_l, unique_id_r and is_match (or "
                          f"clerical_match_score); got columns {list(table.columns)}")
    raw = table[score]
    text = raw.astype(str).str.strip().str.lower()
    value = pd.to_numeric(text.replace({"true": "1", "false": "0"}), errors="coerce")
    if value.isna().any() or not value.isin([0, 1, 0.0, 1.0]).all():
        bad = raw[value.isna() | ~value.isin([0, 1])].head(3).tolist()
        raise SchemaError(f"labels: {score} must be 0/1 or true/false, e.g. got {bad}")
    return pd.DataFrame({"unique_id_l": table["unique_id_l"].astype(str).to_numpy(),
                         "unique_id_r": table["unique_id_r"].astype(str).to_numpy(),
                         "is_match": value.to_numpy() >= 0.5})


class ActiveLearner:
    """Label the most informative pairs, refit the model, and choose the threshold.

    Parameters
    ----------
    linker : Linker
        A fitted linker (unsupervised, or already from labels).
    records : DataFrame
        The records it was fitted on; their candidate pairs are the labelling pool.
    store : str or Path, optional
        A CSV file that keeps the labels: loaded when it exists, appended to as labels
        come in, so labelling can stop and resume later.
    batch_size : int
        Pairs proposed per round.
    prior_strength : float
        How many labels the unsupervised m counts as.
    random_state : int or None
        Seed for breaking ties among equally informative pairs.

    Examples
    --------
    >>> import golden as gd, warnings
    >>> from golden import comparisons as cmp
    >>> people = gd.datasets.make_people(2_000, random_state=2)
    >>> truth = people.set_index("unique_id")["person_id"]
    >>> records = people.drop(columns=["person_id", "household_id"])
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     linker = gd.Linker([cmp.name("first_name"), cmp.name("surname"),
    ...                         cmp.date_of_birth("dob")], gd.block_on("surname"),
    ...                        random_state=0).fit(records)
    >>> learner = gd.ActiveLearner(linker, records)
    >>> oracle = lambda left, right: bool(truth[left["unique_id"]] == truth[right["unique_id"]])
    >>> learner = learner.run(oracle, max_labels=30)
    >>> len(learner.labels_), 0 <= learner.threshold_ <= 1
    (30, True)
    """

    def __init__(self, linker: Linker, records: pd.DataFrame, *, store: str | Path | None = None,
                 batch_size: int = 10, prior_strength: float = 20.0,
                 random_state: int | None = 0) -> None:
        if not hasattr(linker, "m_"):
            raise NotFittedError("ActiveLearner needs a fitted Linker: call linker.fit first")
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ConfigError(f"batch_size: got {batch_size!r}, expected a whole number >= 1")
        if not prior_strength > 0:
            raise ConfigError(f"prior_strength: got {prior_strength!r}, expected > 0")
        self.linker, self.records, self.store = linker, records, store
        self.batch_size, self.prior_strength = batch_size, prior_strength
        self._rng = np.random.default_rng(random_state)
        self.pairs_ = linker.predict(records)
        self._names = [c.name for c in linker.comparisons_]
        self._gammas = np.stack([self.pairs_[f"gamma_{n}"].to_numpy() for n in self._names], 1)
        self._weights = np.stack([self.pairs_[f"mw_{n}"].to_numpy() for n in self._names], 1)
        self._prior = prior_weight(linker.lambda_)
        self._key = _pair_keys(self.pairs_["unique_id_l"], self.pairs_["unique_id_r"])
        self.m_ = {n: linker.m_[n].copy() for n in self._names}
        self.labels_ = pd.DataFrame(columns=LABEL_COLUMNS).astype({"is_match": bool})
        self.threshold_ = 0.5
        self.threshold_interval_: tuple[float, float] = (np.nan, np.nan)
        self.history_: list[dict[str, float]] = []
        if store is not None and Path(store).is_file():
            self.add_labels(load_labels(store), save=False)

    # Labels ---------------------------------------------------------------------------

    def next_pairs(self, n: int | None = None) -> pd.DataFrame:
        """The ``n`` most informative unlabelled candidate pairs, with both records.

        Columns: ``unique_id_l``, ``unique_id_r``, ``match_probability``, ``blocking_rule``
        and each record's columns suffixed ``_l`` / ``_r``.
        """
        n = self.batch_size if n is None else n
        rows = self._pick(n)
        pairs = self.pairs_.iloc[rows][["unique_id_l", "unique_id_r", "blocking_rule"]]
        pairs = pairs.assign(match_probability=self.probabilities()[rows])
        uid = self.linker.unique_id
        records = self.records.assign(**{uid: self.records[uid].astype(str)}).set_index(uid)
        left = records.reindex(pairs["unique_id_l"].astype(str)).add_suffix("_l")
        right = records.reindex(pairs["unique_id_r"].astype(str)).add_suffix("_r")
        return pd.concat([pairs.reset_index(drop=True), left.reset_index(drop=True),
                          right.reset_index(drop=True)], axis=1)

    def add_labels(self, labels: pd.DataFrame, *, save: bool = True) -> ActiveLearner:
        """Add labelled pairs (``unique_id_l``, ``unique_id_r``, ``is_match``) and refit.

        A pair labelled again keeps its latest label. With a ``store``, the new labels are
        appended to it.
        """
        new = as_labels(labels)
        combined = pd.concat([self.labels_, new], ignore_index=True)
        key = _pair_keys(combined["unique_id_l"], combined["unique_id_r"])
        self.labels_ = combined[~key.duplicated(keep="last")].reset_index(drop=True)
        if save and self.store is not None and len(new):
            path = Path(self.store)
            new.to_csv(path, mode="a", header=not path.is_file(), index=False)
        return self.refit()

    def refit(self) -> ActiveLearner:
        """Re-estimate m from the labelled matches (mixed with EM's) and choose the
        threshold that maximises F1 on the labels (with a bootstrap interval)."""
        rows, is_match = self._labelled_rows()
        before = self._decisions()
        for j, name in enumerate(self._names):
            gamma = self._gammas[rows[is_match], j]
            counts = np.bincount(gamma[gamma >= 0], minlength=len(self.m_[name]))
            prior = self.linker.m_[name]
            self.m_[name] = (counts + self.prior_strength * prior) / (
                counts.sum() + self.prior_strength)
        if is_match.any() and (~is_match).any():
            chosen = labelled_threshold(
                pd.DataFrame({"match_probability": self.probabilities()[rows],
                              "is_match": is_match}), random_state=0)
            self.threshold_ = chosen["threshold"]
            self.threshold_interval_ = (chosen["low"], chosen["high"])
        flipped = float(np.mean(before != self._decisions())) if len(before) else 0.0
        self.history_.append({"labels": float(len(self.labels_)), "flipped": flipped,
                              "threshold": self.threshold_})
        return self

    def run(self, ask: Callable[[pd.Series, pd.Series], bool | None], *,
            max_labels: int = 100, min_flipped: float = 0.0005, patience: int = 2
            ) -> ActiveLearner:
        """Ask ``ask(left_record, right_record)`` about the proposed pairs, batch by batch.

        ``ask`` returns True (same entity), False, or None to skip a pair. Stops after
        ``max_labels`` labels, or when ``patience`` batches in a row changed the decision
        on fewer than ``min_flipped`` of the candidate pairs (the estimated gain is small).
        """
        calm = 0
        while len(self.labels_) < max_labels:
            batch = self.next_pairs(min(self.batch_size, max_labels - len(self.labels_)))
            if batch.empty:
                break
            answers = [ask(*self._records_of(row)) for _, row in batch.iterrows()]
            kept = [i for i, a in enumerate(answers) if a is not None]
            if not kept:
                break
            self.add_labels(batch.iloc[kept][["unique_id_l", "unique_id_r"]].assign(
                is_match=[bool(answers[i]) for i in kept]))
            calm = calm + 1 if self.history_[-1]["flipped"] < min_flipped else 0
            if calm >= patience:
                break
        return self

    def console(self, *, max_labels: int = 100, columns: list[str] | None = None
                ) -> ActiveLearner:
        """Label in a terminal: each pair side by side; y / n / s(kip) / q(uit)."""
        stop = False

        def ask(left: pd.Series, right: pd.Series) -> bool | None:
            nonlocal stop
            if stop:
                return None
            shown = columns or list(left.index)
            print(pd.DataFrame({"left": left[shown], "right": right[shown]}).to_string())
            while True:
                answer = input("same entity? [y]es / [n]o / [s]kip / [q]uit: ").strip().lower()
                if answer in ("y", "n", "s", "q"):
                    break
            if answer == "q":
                stop = True
            return {"y": True, "n": False}.get(answer)

        return self.run(ask, max_labels=max_labels)

    # The refined model ------------------------------------------------------------------

    def probabilities(self) -> np.ndarray:
        """Match probability of every candidate pair under the refined m."""
        weight = np.full(len(self.pairs_), self._prior)
        for j, name in enumerate(self._names):
            gamma = self._gammas[:, j]
            known = gamma >= 0
            change = np.zeros(len(gamma))
            levels = gamma[known]
            change[known] = np.log2(self.m_[name][levels] / self.linker.m_[name][levels])
            weight += self._weights[:, j] + change
        return 1.0 / (1.0 + np.exp2(-weight))

    def fitted_linker(self) -> Linker:
        """A copy of the linker with the refined m: predict, cluster and explain with it,
        at ``threshold_``."""
        linker = copy.deepcopy(self.linker)
        linker.m_ = {name: m.copy() for name, m in self.m_.items()}
        return linker

    # Helpers ----------------------------------------------------------------------------

    def _labelled_rows(self) -> tuple[np.ndarray, np.ndarray]:
        keys = _pair_keys(self.labels_["unique_id_l"], self.labels_["unique_id_r"])
        position = pd.Index(self._key).get_indexer(keys)
        found = position >= 0
        return position[found], self.labels_["is_match"].to_numpy(dtype=bool)[found]

    def _decisions(self) -> np.ndarray:
        return self.probabilities() >= self.threshold_

    def _pick(self, n: int) -> np.ndarray:
        """Unlabelled pairs nearest the threshold, taken round-robin across blocking rules,
        the two sides of the threshold and slices of weight (nearest, nearer, near)."""
        labelled = np.zeros(len(self.pairs_), dtype=bool)
        labelled[self._labelled_rows()[0]] = True
        probability = self.probabilities()
        target = np.log2(self.threshold_ / (1 - self.threshold_)) if 0 < self.threshold_ < 1 \
            else 0.0
        weight = np.log2(probability) - np.log2(1 - probability + 1e-300)
        distance = np.abs(weight - target) + self._rng.random(len(weight)) * 1e-6
        pool = np.flatnonzero(~labelled)
        band = pool[np.argsort(distance[pool])[: n * CANDIDATE_BAND]]
        rule = pd.factorize(self.pairs_["blocking_rule"].to_numpy()[band])[0]
        side = (weight[band] >= target).astype(np.int64)
        # weight ranges: the band's distances cut into WEIGHT_RANGES equal-count slices
        nearness = np.empty(band.size, dtype=np.int64)
        nearness[np.argsort(distance[band])] = np.arange(band.size)
        slice_ = nearness * WEIGHT_RANGES // max(band.size, 1)
        group = (rule * 2 + side) * WEIGHT_RANGES + slice_
        rank = pd.Series(distance[band]).groupby(group).rank(method="first").to_numpy()
        order = np.lexsort((distance[band], rank))  # the nearest of each group first
        return band[order[:n]]

    def _records_of(self, row: pd.Series) -> tuple[pd.Series, pd.Series]:
        """The two records of a proposed pair, each with its own column names."""
        uid = self.linker.unique_id
        sides = []
        for side in ("l", "r"):
            values = {c: row[f"unique_id_{side}"] if c == uid else row[f"{c}_{side}"]
                      for c in self.records.columns}
            sides.append(pd.Series(values, dtype=object))
        return sides[0], sides[1]


def _pair_keys(left: pd.Series, right: pd.Series) -> pd.Series:
    a, b = left.astype(str).to_numpy(dtype=object), right.astype(str).to_numpy(dtype=object)
    low, high = np.where(a <= b, a, b), np.where(a <= b, b, a)
    return pd.Series(low + "\x1f" + high)


__all__ = ["ActiveLearner", "as_labels", "labels_from_truth", "load_labels"]
