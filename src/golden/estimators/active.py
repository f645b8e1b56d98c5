"""Active learning: ask for labels on the pairs that teach the model most, refit, repeat.

The model stays a Fellegi–Sunter model, and after every batch every label counts, matches
and non-matches alike.

**m and λ: the labels' likelihood.** m (per comparison level) and the prior weight are
refitted together to maximise the likelihood of the labels given the labelled pairs'
comparison levels. A labelled match raises the m of its levels, a labelled non-match
lowers them; a batch of non-matches where the model said "maybe" lowers λ. EM's m is a
Dirichlet prior worth ``prior_strength`` labels, so a few labels nudge the model and many
labels take over; one pseudo-pair on the unsupervised boundary, half a match and half a
non-match, keeps λ finite while the labels are all of one class.

Why a likelihood *given the levels*, and not shares counted among the labels: the pairs
were picked for being hard, so the share of matches among them, or the levels of the
matches among them, say little about all pairs (counting the labelled matches' levels into
m makes m describe hard matches). But they were picked on their comparison levels alone,
never on their labels, and such a choice does not bias a model of the label given the
levels, as the choice of design points does not bias a regression: each label's evidence
counts without the sample having to be representative. u stays the random-pair estimate for
the same reason: labelled non-matches are hard ones, not a sample of non-matches; what they
say about the weights is said through m and λ.

**The threshold.** The probability threshold that maximises the F1 expected over all
candidate pairs: a labelled pair counts as its label, any other pair as its refitted
probability. F1 on the labels alone would be F1 on hard pairs, which are near half matches
whatever the data. Of the thresholds that take the same pairs, the one nearest 0.5.
``threshold_interval_`` holds the thresholds chosen at the 5th and 95th percentile of λ
refitted on bootstrap resamples of the labels.

**Which pairs.** The unlabelled pairs nearest the decision boundary (the smallest
distance between their match weight and the threshold's), spread across blocking rules,
both sides of the boundary and slices of weight, so a batch is not twenty copies of one
kind of pair. When the last ``batch_size`` labels are all of one class, the boundary is not
where they were looked for: the next batch is taken beyond them on the side of the other
class (higher weights after non-matches, lower after matches), twice as far from the
boundary as the farthest of them reached (at least ``MIN_REACH`` bits beyond it). That
repeats, batch after batch, until a batch holds both classes or that side has no candidate
left. A pair labelled or skipped is never proposed again.
"""

from __future__ import annotations

import copy
import itertools
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from golden.clustering.decisions import labels_as_decisions
from golden.errors import ConfigError, NotFittedError, SchemaError
from golden.estimators.linker import Linker
from golden.model.weights import prior_weight, probability
from golden.records import RecordsInput, prepare_records

LABEL_COLUMNS = ["unique_id_l", "unique_id_r", "is_match"]
CANDIDATE_BAND = 20  # candidates per wanted label, nearest the boundary, to diversify from
WEIGHT_RANGES = 3  # slices of that band by distance to the boundary
MIN_REACH = 1.0  # bits: the least distance a one-class batch sends the next batch beyond
PSEUDO_PAIRS = 1.0  # weight of the half-match, half-non-match pair on the unsupervised boundary
CUT_MARGIN = 1e-6  # bits between a threshold and the nearest pair's weight
N_BOOT = 200  # bootstrap resamples of the labels for the threshold's interval
LN2 = float(np.log(2.0))


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


def forget_labels(path: str | Path, unique_ids: Iterable[Any]) -> int:
    """Erase from a label file (CSV or Parquet, as ``load_labels`` reads) every labelled
    pair holding one of these record ids; the other rows and columns are kept as they
    are. The file is replaced as a whole (written beside it, then renamed), so an
    interruption leaves the old file or the new one, never half of one. Returns how many
    labels were erased.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "labels.csv"
    >>> _ = path.write_text("unique_id_l,unique_id_r,is_match\\n1,2,1\\n1,3,0\\n4,5,1\\n")
    >>> forget_labels(path, [1])
    2
    >>> load_labels(path).to_dict("records")
    [{'unique_id_l': '4', 'unique_id_r': '5', 'is_match': True}]
    """
    path = Path(path)
    load_labels(path)  # a label file, or a clear error
    parquet = path.suffix in (".parquet", ".pq")
    table = pd.read_parquet(path) if parquet else pd.read_csv(path, dtype=str)
    erased = _holding(table, _id_texts(unique_ids))
    if erased.any():
        written = path.with_name(f".{path.name}.forget")
        kept = table[~erased]
        if parquet:
            kept.to_parquet(written, index=False)
        else:
            kept.to_csv(written, index=False)
        os.replace(written, path)
    return int(erased.sum())


def _id_texts(unique_ids: Iterable[Any]) -> set[str]:
    """Record ids as labels keep them (text)."""
    if isinstance(unique_ids, str | bytes) or not isinstance(unique_ids, Iterable):
        raise ConfigError(f"unique_ids: got {unique_ids!r}, expected a list of record ids")
    return {str(u) for u in unique_ids}


def _holding(pairs: pd.DataFrame, ids: set[str]) -> np.ndarray:
    """Which pairs hold one of these record ids (as text)."""
    return (pairs["unique_id_l"].astype(str).isin(ids)
            | pairs["unique_id_r"].astype(str).isin(ids)).to_numpy()


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
    """A labels table with ids as text and ``is_match`` as bool; a clear error otherwise.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"unique_id_l": [1], "unique_id_r": [2], "is_match": ["true"]})
    >>> as_labels(table).to_dict("records")
    [{'unique_id_l': '1', 'unique_id_r': '2', 'is_match': True}]
    """
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


def _calibrated_shift(weights: np.ndarray, is_match: np.ndarray) -> float:
    """The shift of the prior weight (bits) that calibrates the model on labelled pairs.

    It maximises the log-likelihood of the labels given the pairs' match weights
    (``weights + shift``, in bits), plus ``PSEUDO_PAIRS`` pairs at weight 0 that are half a
    match and half a non-match, so labels of one class move the prior far but not forever.

    Examples
    --------
    >>> import numpy as np
    >>> round(_calibrated_shift(np.array([1.0, 2.0, 3.0]), np.array([False, False, True])), 2)
    -2.34
    >>> round(_calibrated_shift(np.zeros(10), np.zeros(10, dtype=bool)), 1)  # one class
    -4.4
    """
    w = np.append(np.asarray(weights, dtype=np.float64), 0.0)
    y = np.append(np.asarray(is_match, dtype=np.float64), 0.5)
    n = np.append(np.ones(len(w) - 1), PSEUDO_PAIRS)
    shift = 0.0
    for _ in range(100):  # Newton's method on a concave function of one variable
        p = probability(w + shift)
        gradient = LN2 * float(np.sum(n * (y - p)))
        curvature = LN2 * LN2 * float(np.sum(n * p * (1.0 - p)))
        step = gradient / max(curvature, 1e-12)
        shift += float(np.clip(step, -8.0, 8.0))
        if abs(step) < 1e-9:
            break
    return shift


def _fit_to_labels(weights: np.ndarray, gammas: np.ndarray, m: list[np.ndarray],
                   is_match: np.ndarray, prior_strength: float) -> list[np.ndarray]:
    """m per comparison refined on labelled pairs: with the prior weight, the m that
    maximise the likelihood of the labels given the pairs' levels, u kept.

    ``weights`` are the labelled pairs' match weights (bits) under ``m``, ``gammas`` their
    levels (-1: null). EM's ``m`` is a Dirichlet prior worth ``prior_strength`` labels, and
    the prior weight has ``_calibrated_shift``'s pseudo-pair. A labelled match at a level
    raises that level's m, a labelled non-match lowers it.

    Examples
    --------
    >>> import numpy as np
    >>> gammas = np.array([[1], [1], [1], [0]])  # three agree, one does not
    >>> m = [np.array([0.5, 0.5])]
    >>> weights = np.array([0.0, 0.0, 0.0, 0.0])
    >>> refined = _fit_to_labels(weights, gammas, m, np.array([True, True, True, False]), 2.0)
    >>> bool(refined[0][1] > 0.5)
    True
    >>> refined = _fit_to_labels(weights, gammas, m, np.array([False, False, False, True]), 2.0)
    >>> bool(refined[0][1] < 0.5)
    True
    """
    y = np.asarray(is_match, dtype=np.float64)
    bounds = np.cumsum([0, *(len(x) for x in m)])
    known = [gammas[:, k] >= 0 for k in range(len(m))]

    def unpack(theta: np.ndarray) -> list[np.ndarray]:  # one softmax per comparison
        parts = [np.exp(theta[a:b] - theta[a:b].max()) for a, b in itertools.pairwise(bounds)]
        return [part / part.sum() for part in parts]

    def loss(x: np.ndarray) -> tuple[float, np.ndarray]:
        refined, shift = unpack(x[:-1]), x[-1]
        z = weights + shift
        for k, (new, old) in enumerate(zip(refined, m, strict=True)):
            level = gammas[known[k], k]
            z[known[k]] += np.log2(new[level]) - np.log2(np.maximum(old[level], 1e-300))
        p, p0 = probability(z), _probability_of(shift)
        tiny = 1e-300
        value = float(np.sum(y * np.log(p + tiny) + (1 - y) * np.log(1 - p + tiny)))
        value += PSEUDO_PAIRS * 0.5 * float(np.log(p0 + tiny) + np.log(1 - p0 + tiny))
        residual = y - p
        gradient = np.empty_like(x)
        gradient[-1] = LN2 * (residual.sum() + PSEUDO_PAIRS * 0.5 * (1 - 2 * p0))
        for k, (new, old) in enumerate(zip(refined, m, strict=True)):
            r = residual[known[k]]
            counts = np.bincount(gammas[known[k], k], weights=r, minlength=len(new))
            value += prior_strength * float(np.sum(old * np.log(new + tiny)))
            gradient[bounds[k]:bounds[k + 1]] = (counts - r.sum() * new
                                                 + prior_strength * (old - new))
        return -value, -gradient

    start = np.concatenate([*(np.log(np.maximum(x, 1e-12)) for x in m), [0.0]])
    found = minimize(loss, start, jac=True, method="BFGS")
    return unpack(found.x[:-1])


def _expected_f1_cut(ranked: np.ndarray, known: np.ndarray, shift: float) -> float:
    """The weight cut that maximises the F1 expected over pairs with weights ``ranked + shift``
    (bits, highest first): each pair a match with its probability, or with ``known`` (1/0)
    where that is not NaN. Of the cuts that take the same pairs, the one nearest weight 0
    (probability 0.5). Returns the cut on the shifted weights.

    Examples
    --------
    >>> import numpy as np
    >>> ranked = np.array([8.0, 3.0, 0.5, -1.0, -6.0])
    >>> float(_expected_f1_cut(ranked, np.full(5, np.nan), 0.0))
    0.0
    >>> known = np.array([np.nan, np.nan, 0, np.nan, np.nan])  # 0.5 is labelled a non-match
    >>> round(_expected_f1_cut(ranked, known, 0.0), 3)
    0.5
    """
    weights = ranked + shift
    share = np.where(np.isnan(known), probability(weights), known)
    expected_tp = np.cumsum(share)
    f1 = 2.0 * expected_tp / (np.arange(1, len(weights) + 1) + expected_tp[-1])
    f1[:-1][weights[1:] == weights[:-1]] = -1.0  # cut only after the last of equal weights
    best = int(np.argmax(f1))
    above, below = weights[best], weights[best + 1] if best + 1 < len(weights) else -np.inf
    margin = min((above - below) / 2, CUT_MARGIN)  # off the pairs, so rounding keeps them
    return float(np.clip(0.0, below + margin, above - margin))


class ActiveLearner:
    """Label the most informative pairs, refit the model, and choose the threshold.

    Parameters
    ----------
    linker : Linker
        A fitted linker (unsupervised, or already from labels).
    records : DataFrame, list or dict of DataFrames
        The records it was fitted on; their candidate pairs are the labelling pool.
    store : str or Path, optional
        A CSV file that keeps the labels: loaded when it exists, appended to as labels
        come in, so labelling can stop and resume later.
    batch_size : int
        Pairs proposed per round.
    prior_strength : float
        How many labels the unsupervised (EM) m counts as.
    random_state : int or None
        Seed for breaking ties among equally informative pairs.

    Attributes
    ----------
    pairs_ : DataFrame
        The candidate pairs, as the linker predicted them.
    labels_ : DataFrame
        ``unique_id_l``, ``unique_id_r``, ``is_match``, in the order they came.
    m_ : dict
        m per comparison, refitted on the labels (EM's before any label).
    lambda_ : float
        The prior probability of a match, refitted on the labels (the linker's before).
    threshold_ : float
        The probability threshold chosen (0.5 before any label).
    threshold_interval_ : tuple of float
        The thresholds chosen at the 5th and 95th percentile of λ refitted on bootstrap
        resamples of the labels (NaN before any label).
    history_ : list of dict
        Per refit: the labels so far, the share of candidate decisions that flipped, the
        threshold and λ.

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

    def __init__(self, linker: Linker, records: RecordsInput, *,
                 store: str | Path | None = None, batch_size: int = 10,
                 prior_strength: float = 20.0, random_state: int | None = 0) -> None:
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
        self._weight = self.pairs_["match_weight"].to_numpy(dtype=np.float64)
        self._pair_index = pd.Index(_pair_keys(self.pairs_["unique_id_l"],
                                               self.pairs_["unique_id_r"]))
        self._skipped = np.zeros(len(self.pairs_), dtype=bool)
        self.m_ = {n: linker.m_[n].copy() for n in self._names}
        self.lambda_ = float(linker.lambda_)
        self.labels_ = pd.DataFrame(columns=LABEL_COLUMNS).astype({"is_match": bool})
        self.threshold_ = 0.5
        self.threshold_interval_: tuple[float, float] = (np.nan, np.nan)
        self.history_: list[dict[str, float]] = []
        if store is not None and Path(store).is_file():
            self.add_labels(load_labels(store), save=False)

    # Labels ---------------------------------------------------------------------------

    def next_pairs(self, n: int | None = None) -> pd.DataFrame:
        """The ``n`` most informative candidate pairs not yet labelled nor skipped, with
        both records.

        Columns: ``unique_id_l``, ``unique_id_r`` (and ``source_l`` / ``source_r`` for
        several sources), ``match_probability``, ``blocking_rule`` and each record's
        columns suffixed ``_l`` / ``_r``.
        """
        n = self.batch_size if n is None else n
        rows = self._pick(n)
        ids = [c for c in ("source_l", "unique_id_l", "unique_id_r", "source_r")
               if c in self.pairs_.columns]
        pairs = self.pairs_.iloc[rows][[*ids, "blocking_rule"]]
        pairs = pairs.assign(match_probability=self.probabilities()[rows])
        lookup = self._record_lookup()
        sides = [lookup.reindex(self._record_keys(pairs, side)).add_suffix(f"_{side}")
                 for side in ("l", "r")]
        return pd.concat([pairs.reset_index(drop=True),
                          *(side.reset_index(drop=True) for side in sides)], axis=1)

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

    def forget(self, unique_ids: Iterable[Any]) -> ActiveLearner:
        """Erase the labels of every pair holding one of these record ids (an erasure
        request), from ``labels_`` and from the ``store`` file (``forget_labels``), and
        refit. Their pairs are not proposed again; the records themselves are yours to
        leave out of the ``records`` you give the next learner.
        """
        ids = _id_texts(unique_ids)
        self.labels_ = self.labels_[~_holding(self.labels_, ids)].reset_index(drop=True)
        if self.store is not None and Path(self.store).is_file():
            forget_labels(self.store, ids)
        self._skipped |= _holding(self.pairs_, ids)
        return self.refit()

    def skip(self, pairs: pd.DataFrame) -> ActiveLearner:
        """Never propose these pairs (``unique_id_l``, ``unique_id_r``) again: nobody could
        tell them apart. They are not labels and do not change the model."""
        position = self._pair_index.get_indexer(
            _pair_keys(pairs["unique_id_l"], pairs["unique_id_r"]))
        self._skipped[position[position >= 0]] = True
        return self

    def refit(self) -> ActiveLearner:
        """Refit m and λ to the labels' likelihood, and choose the threshold that
        maximises the expected F1 (with a bootstrap interval)."""
        rows, is_match = self._labelled_rows()
        before = self._decisions()
        if rows.size:
            refined = _fit_to_labels(self._weight[rows], self._gammas[rows],
                                     [self.linker.m_[n] for n in self._names], is_match,
                                     self.prior_strength)
            self.m_ = dict(zip(self._names, refined, strict=True))
            self._calibrate(rows, is_match)
        flipped = float(np.mean(before != self._decisions())) if len(before) else 0.0
        self.history_.append({"labels": float(len(self.labels_)), "flipped": flipped,
                              "threshold": self.threshold_, "lambda": self.lambda_})
        return self

    def run(self, ask: Callable[[pd.Series, pd.Series], bool | None], *,
            max_labels: int = 100, min_flipped: float = 0.0005, patience: int = 2
            ) -> ActiveLearner:
        """Ask ``ask(left_record, right_record)`` about the proposed pairs, batch by batch.

        ``ask`` returns True (same entity), False, or None to skip a pair (it is not
        proposed again). Stops after ``max_labels`` labels, when a batch gets no answer or
        no candidate is left, or when ``patience`` batches in a row changed the decision
        on fewer than ``min_flipped`` of the candidate pairs (the estimated gain is small).
        """
        calm = 0
        while len(self.labels_) < max_labels:
            batch = self.next_pairs(min(self.batch_size, max_labels - len(self.labels_)))
            if batch.empty:
                break
            answers = [ask(*self._records_of(row)) for _, row in batch.iterrows()]
            kept = [i for i, a in enumerate(answers) if a is not None]
            self.skip(batch[[a is None for a in answers]])
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

    def decisions(self, *, by: str, reason: str = "active learning label") -> pd.DataFrame:
        """The labels as decisions (``decision``, ``by``, ``reason``), for
        ``Linker.cluster(..., decisions=...)`` or a file ``gd.load_decisions`` reads."""
        return labels_as_decisions(self.labels_, by=by, reason=reason)

    # The refined model ------------------------------------------------------------------

    def probabilities(self) -> np.ndarray:
        """Match probability of every candidate pair under the refined m and λ."""
        return probability(self._weights(self.lambda_))

    def fitted_linker(self) -> Linker:
        """A copy of the linker with the refined m and λ: predict, cluster and explain with
        it, at ``threshold_``."""
        linker = copy.deepcopy(self.linker)
        linker.m_ = {name: m.copy() for name, m in self.m_.items()}
        linker.lambda_ = self.lambda_
        return linker

    # Helpers ----------------------------------------------------------------------------

    def _weights(self, lambda_: float) -> np.ndarray:
        """Match weight of every candidate pair under the refined m and ``lambda_``."""
        weight = self._weight + (prior_weight(lambda_) - prior_weight(self.linker.lambda_))
        for j, name in enumerate(self._names):
            gamma = self._gammas[:, j]
            known = gamma >= 0
            levels = gamma[known]
            with np.errstate(divide="ignore"):
                weight[known] += (np.log2(self.m_[name][levels])
                                  - np.log2(np.maximum(self.linker.m_[name][levels], 1e-300)))
        return weight

    def _calibrate(self, rows: np.ndarray, is_match: np.ndarray) -> None:
        """λ from the labels' likelihood; the threshold of the most expected F1; and the
        thresholds chosen at the 5th and 95th percentile of λ over bootstrap resamples of
        the labels (a higher λ predicts more matches, so the cut moves down)."""
        uncalibrated = self._weights(float(self.linker.lambda_))
        shift = _calibrated_shift(uncalibrated[rows], is_match)
        rng = np.random.default_rng(0)
        shifts = [_calibrated_shift(uncalibrated[rows[draw]], is_match[draw])
                  for draw in (rng.integers(0, rows.size, rows.size) for _ in range(N_BOOT))]
        order = np.argsort(-uncalibrated, kind="stable")
        ranked = uncalibrated[order]
        known = np.full(len(uncalibrated), np.nan)
        known[rows] = is_match
        known = known[order]
        low, high = (_probability_of(_expected_f1_cut(ranked, known, s) - s + shift)
                     for s in np.percentile(shifts, [95, 5]))
        self.lambda_ = _probability_of(prior_weight(self.linker.lambda_) + shift)
        self.threshold_ = _probability_of(_expected_f1_cut(ranked, known, shift))
        self.threshold_interval_ = (low, high)

    def _labelled_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Candidate rows of the labelled pairs, in labelling order, and their labels."""
        keys = _pair_keys(self.labels_["unique_id_l"], self.labels_["unique_id_r"])
        position = self._pair_index.get_indexer(keys)
        found = position >= 0
        return position[found], self.labels_["is_match"].to_numpy(dtype=bool)[found]

    def _decisions(self) -> np.ndarray:
        return self.probabilities() >= self.threshold_

    def _pick(self, n: int) -> np.ndarray:
        """Unlabelled pairs nearest the threshold (or beyond a one-class batch), taken
        round-robin across blocking rules, the two sides of the threshold and slices of
        weight (nearest, nearer, near)."""
        rows, is_match = self._labelled_rows()
        open_ = ~self._skipped
        open_[rows] = False
        weight = self._weights(self.lambda_)
        target = float(np.log2(self.threshold_) - np.log2(1 - self.threshold_)) \
            if 0 < self.threshold_ < 1 else 0.0
        centre = target
        recent = rows[-self.batch_size:]
        if recent.size == self.batch_size and len(set(is_match[-self.batch_size:])) == 1:
            side = -1.0 if is_match[-1] else 1.0  # all matches: look lower; else higher
            reach = 2.0 * max(float(np.max(side * (weight[recent] - target))), MIN_REACH)
            beyond = open_ & (side * (weight - target) >= reach)
            if beyond.any():
                open_, centre = beyond, target + side * reach
        distance = np.abs(weight - centre) + self._rng.random(len(weight)) * 1e-6
        pool = np.flatnonzero(open_)
        band = pool[np.argsort(distance[pool])[: n * CANDIDATE_BAND]]
        rule = pd.factorize(self.pairs_["blocking_rule"].to_numpy()[band])[0]
        side_of = (weight[band] >= centre).astype(np.int64)
        # weight ranges: the band's distances cut into WEIGHT_RANGES equal-count slices
        nearness = np.empty(band.size, dtype=np.int64)
        nearness[np.argsort(distance[band])] = np.arange(band.size)
        slice_ = nearness * WEIGHT_RANGES // max(band.size, 1)
        group = (rule * 2 + side_of) * WEIGHT_RANGES + slice_
        rank = pd.Series(distance[band]).groupby(group).rank(method="first").to_numpy()
        order = np.lexsort((distance[band], rank))  # the nearest of each group first
        return band[order[:n]]

    def _record_lookup(self) -> pd.DataFrame:
        """Every record, indexed by (source, id) for several sources, else by id (as text);
        the source column left out (the pairs carry it)."""
        if not hasattr(self, "_lookup"):
            linker = self.linker
            prepared = prepare_records(self.records, unique_id=linker.unique_id,
                                       source=linker.source, link_type=linker.link_type,
                                       columns=[])
            frame = prepared.frame
            self._columns = [c for c in frame.columns if c != prepared.source]
            keys = [frame.pop(linker.unique_id).astype(str)]
            if "source_l" in self.pairs_.columns and prepared.source is not None:
                keys.insert(0, frame.pop(prepared.source).astype(str))
            frame.index = pd.MultiIndex.from_arrays(keys) if len(keys) > 1 else keys[0]
            self._lookup = frame
        return self._lookup

    def _record_keys(self, pairs: pd.DataFrame, side: str) -> pd.Index:
        ids = pairs[f"unique_id_{side}"].astype(str)
        if f"source_{side}" not in pairs.columns:
            return pd.Index(ids)
        return pd.MultiIndex.from_arrays([pairs[f"source_{side}"].astype(str), ids])

    def _records_of(self, row: pd.Series) -> tuple[pd.Series, pd.Series]:
        """The two records of a proposed pair, each with its own column names."""
        uid = self.linker.unique_id
        self._record_lookup()
        sides = []
        for side in ("l", "r"):
            values = {c: row[f"unique_id_{side}"] if c == uid else row[f"{c}_{side}"]
                      for c in self._columns}
            sides.append(pd.Series(values, dtype=object))
        return sides[0], sides[1]


def _probability_of(weight: float) -> float:
    return float(probability(np.asarray(weight)))


def _pair_keys(left: pd.Series, right: pd.Series) -> pd.Series:
    a, b = left.astype(str).to_numpy(dtype=object), right.astype(str).to_numpy(dtype=object)
    low, high = np.where(a <= b, a, b), np.where(a <= b, b, a)
    return pd.Series(low + "\x1f" + high)


__all__ = ["ActiveLearner", "as_labels", "forget_labels", "labels_from_truth", "load_labels"]
