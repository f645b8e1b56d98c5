"""What labels buy: F1 with 100 labels chosen by ``ActiveLearner``, or drawn at random.

    python benchmarks/active_learning.py [--datasets dev,febrl3,fake_1000] [--labels 100]
                                         [--seeds 3]
    python benchmarks/active_learning.py --curve [--datasets febrl3,fake_1000] [--seeds 3]

For each dataset a Linker is fitted without labels, with the configuration of the accuracy
benchmark (``_sets.GOLDEN[name]("golden")``: golden's defaults, written from each set's
README, not tuned to the truth). Then an oracle answers from the truth about the pairs the
learner proposes, or about the same number of candidate pairs drawn at random, and the
learner refits from those labels (m refined, λ calibrated, threshold chosen). The default
table gives, per dataset: pairwise F1 without labels at 0.5 and at the best threshold, F1
after the active labels at the learner's threshold (mean and worst over the seeds), and
after the random labels.

F1 is scored as ``accuracy.py`` scores it: over all true pairs (the published pairs where a
set has them), only the judged pairs of Yad Vashem, only pairs with a labelled record of
PatentsView. The oracle knows what that truth knows: on Yad Vashem it labels judged pairs
only, on PatentsView pairs with a labelled record; it skips the others, as a person skips
a pair they cannot judge, and a skipped pair is not a label (random labels are drawn among
the pairs the oracle can judge).

``--curve`` gives the older table: F1 after 0, 25, 50, 100 and 200 labels, active vs
random, and with 100 and 200 labels ``SupervisedLinker`` (logistic regression, and gradient
boosting) trained on the same labels in place of Fellegi–Sunter, at 0.5.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _datasets  # noqa: E402
import _sets  # noqa: E402

import golden as gd  # noqa: E402
from golden.errors import DataWarning  # noqa: E402
from golden.evaluate import best_threshold, pairwise_metrics  # noqa: E402

DEFAULT_DATASETS = "dev,febrl3,fake_1000"
COUNTS = (0, 25, 50, 100, 200)
SUPERVISED_COUNTS = (100, 200)
MODELS = ("logistic", "gradient_boosting")


@dataclass
class Task:
    """One dataset, its fitted linker, and how to judge and score pairs on it."""

    data: _datasets.Dataset
    records: pd.DataFrame | list[pd.DataFrame]
    linker: gd.Linker

    def oracle(self, pairs: pd.DataFrame) -> pd.Series:
        """True / False per pair (``unique_id_l``, ``unique_id_r``), or NaN where the truth
        does not say."""
        data = self.data
        left = pairs["unique_id_l"].astype(str).to_numpy()
        right = pairs["unique_id_r"].astype(str).to_numpy()
        if data.truth_pairs is not None:
            answer = pd.Series(_keys(left, right).isin(_pair_set(data.truth_pairs)).to_numpy())
        else:
            truth = data.truth
            answer = pd.Series(truth.reindex(left).to_numpy() == truth.reindex(right).to_numpy())
        known = np.ones(len(pairs), dtype=bool)
        if data.judged_pairs is not None:
            known = _keys(left, right).isin(_pair_set(data.judged_pairs)).to_numpy()
        if data.labelled is not None:
            known = np.isin(left, data.labelled) | np.isin(right, data.labelled)
        return answer.astype(object).where(known)

    def f1(self, pairs: pd.DataFrame, threshold: float | None) -> float:
        """Pairwise F1 of ``pairs`` at ``threshold`` (None: at the best threshold)."""
        data = self.data
        if data.judged_pairs is not None:
            keys = _keys(pairs["unique_id_l"].astype(str), pairs["unique_id_r"].astype(str))
            pairs = pairs[keys.isin(_pair_set(data.judged_pairs)).to_numpy()]
        if data.labelled is not None:
            pairs = pairs[pairs["unique_id_l"].isin(data.labelled)
                          | pairs["unique_id_r"].isin(data.labelled)]
        truth = data.truth if data.truth_pairs is None else data.truth_pairs
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)  # ids outside a labelled sample
            if threshold is None:
                return float(best_threshold(pairs, truth, source=data.source)["f1"])
            return float(pairwise_metrics(pairs, truth, threshold=threshold,
                                          source=data.source)["f1"])


def _keys(left: object, right: object) -> pd.Series:
    left, right = pd.Series(left, dtype=str).to_numpy(), pd.Series(right, dtype=str).to_numpy()
    low, high = np.where(left <= right, left, right), np.where(left <= right, right, left)
    return pd.Series(low, dtype=object) + "\x1f" + pd.Series(high, dtype=object)


def _pair_set(pairs: pd.DataFrame) -> set[str]:
    return set(_keys(pairs["unique_id_l"], pairs["unique_id_r"]))


def fitted(name: str) -> Task:
    data = _sets.load(name)
    config = _sets.GOLDEN[name]("golden")
    frames = data.frames
    if config.prepare is not None:
        frames = [config.prepare(frame) for frame in frames]
    records = frames[0] if data.link_type == "dedupe" else frames
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        config.linker.fit(records)
    return Task(data, records, config.linker)


def learner_f1(task: Task, learner: gd.ActiveLearner) -> float:
    pairs = learner.pairs_.assign(match_probability=learner.probabilities())
    return task.f1(pairs, learner.threshold_)


def label_actively(task: Task, learner: gd.ActiveLearner, n: int) -> gd.ActiveLearner:
    """Ask the oracle about the learner's proposals until ``n`` labels (or no candidate)."""
    while len(learner.labels_) < n:
        batch = learner.next_pairs(min(learner.batch_size, n - len(learner.labels_)))
        if batch.empty:
            break
        answers = task.oracle(batch)
        learner.skip(batch[answers.isna().to_numpy()])
        known = answers.notna().to_numpy()
        if known.any():
            learner.add_labels(batch.loc[known, ["unique_id_l", "unique_id_r"]].assign(
                is_match=answers[known].astype(bool).to_numpy()))
    return learner


def label_randomly(task: Task, learner: gd.ActiveLearner, n: int, seed: int
                   ) -> gd.ActiveLearner:
    """Label ``n`` candidate pairs drawn at random among those the oracle can judge."""
    shuffled = learner.pairs_.sample(frac=1.0, random_state=seed)
    answers = task.oracle(shuffled)
    picked = shuffled[answers.notna().to_numpy()].head(n)
    return learner.add_labels(picked[["unique_id_l", "unique_id_r"]].assign(
        is_match=answers[answers.notna()].head(n).astype(bool).to_numpy()))


def bar_row(name: str, n_labels: int, seeds: int) -> dict[str, object]:
    """Unlabelled F1 (at 0.5, at the best threshold), and F1 after ``n_labels`` active and
    random labels at the learner's threshold, over ``seeds`` seeds."""
    started = time.perf_counter()
    task = fitted(name)
    pairs = task.linker.predict(task.records)
    row: dict[str, object] = {"dataset": name, "candidates": len(pairs),
                              "f1_at_half": task.f1(pairs, 0.5), "best_f1": task.f1(pairs, None)}
    active, random, thresholds = [], [], []
    for seed in range(seeds):
        learner = label_actively(task, gd.ActiveLearner(task.linker, task.records,
                                                        random_state=seed), n_labels)
        active.append(learner_f1(task, learner))
        thresholds.append(learner.threshold_)
        other = gd.ActiveLearner(task.linker, task.records, random_state=seed)
        random.append(learner_f1(task, label_randomly(task, other, n_labels, seed)))
        print(f"  {name} seed {seed}: active {active[-1]:.4f} (threshold "
              f"{thresholds[-1]:.3f}, {len(learner.labels_)} labels), random {random[-1]:.4f}",
              file=sys.stderr)
    row.update(active_f1=float(np.mean(active)), active_worst=float(np.min(active)),
               random_f1=float(np.mean(random)), threshold=float(np.median(thresholds)),
               seconds=time.perf_counter() - started)
    return row


def bar_table(rows: list[dict[str, object]], n_labels: int) -> str:
    lines = [f"| dataset | candidates | F1 at 0.5, no labels | best F1, no labels | "
             f"F1, {n_labels} active labels (worst) | threshold | "
             f"F1, {n_labels} random labels | active − best |",
             "|---|--:|--:|--:|--:|--:|--:|--:|"]
    for row in rows:
        lines.append(
            f"| {row['dataset']} | {row['candidates']:,} | {row['f1_at_half']:.4f} | "
            f"{row['best_f1']:.4f} | {row['active_f1']:.4f} ({row['active_worst']:.4f}) | "
            f"{row['threshold']:.3f} | {row['random_f1']:.4f} | "
            f"{row['active_f1'] - row['best_f1']:+.4f} |")  # type: ignore[operator]
    return "\n".join(lines)


# The curve: F1 after 0-200 labels, and supervised scorers on the same labels -------------


def curve(name: str, seeds: int) -> pd.DataFrame:
    task = fitted(name)
    rows = []
    for n in COUNTS:
        for mode in ("active", "random"):
            scores: dict[str, list[float]] = {}
            for seed in range(seeds):
                learner = gd.ActiveLearner(task.linker, task.records, random_state=seed)
                if n and mode == "active":
                    label_actively(task, learner, n)
                elif n:
                    label_randomly(task, learner, n, seed)
                scores.setdefault("fellegi_sunter", []).append(learner_f1(task, learner))
                if n in SUPERVISED_COUNTS:
                    for model in MODELS:
                        scores.setdefault(model, []).append(
                            supervised_f1(task, learner.labels_, model))
            for scorer, values in scores.items():
                rows.append({"dataset": name, "labels": n, "drawn": mode, "scorer": scorer,
                             "f1": float(np.nanmean(values))})
                print(f"  {name} {n:>3} {mode:<6} {scorer:<17} F1 {rows[-1]['f1']:.4f}",
                      file=sys.stderr)
    return pd.DataFrame(rows)


def supervised_f1(task: Task, labels: pd.DataFrame, model: str) -> float:
    try:
        scorer = gd.SupervisedLinker(task.linker, model=model).fit(task.records, labels)
    except gd.ConfigError:  # too few matches among the labels to train on
        return float("nan")
    return task.f1(scorer.predict(task.records), 0.5)


def curve_table(results: pd.DataFrame) -> str:
    wide = results.pivot_table(index=["dataset", "labels"], columns=["scorer", "drawn"],
                               values="f1")
    columns = [("fellegi_sunter", "active"), ("fellegi_sunter", "random"),
               *[(m, d) for m in MODELS for d in ("active", "random")]]
    header = ["FS active", "FS random", "logistic active", "logistic random",
              "boosting active", "boosting random"]
    lines = ["| dataset | labels | " + " | ".join(header) + " |",
             "|---|--:|" + "--:|" * len(header)]
    for (dataset, n), row in wide.iterrows():
        cells = [f"{row[c]:.4f}" if c in row.index and row[c] == row[c] else "–"
                 for c in columns]
        lines.append(f"| {dataset} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def dataset_names(value: str) -> list[str]:
    names = [item.strip() for item in value.split(",") if item.strip()]
    expanded = [n for name in names for n in _datasets.GROUPS.get(name, (name,))]
    unknown = [n for n in expanded if n not in _sets.GOLDEN]
    if unknown:
        raise SystemExit(f"--datasets: unknown {unknown}; choose from {sorted(_sets.GOLDEN)}"
                         f" or a group: {sorted(_datasets.GROUPS)}")
    return list(dict.fromkeys(expanded))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", default=DEFAULT_DATASETS,
                        help=f"comma-separated names or groups (default {DEFAULT_DATASETS})")
    parser.add_argument("--labels", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--curve", action="store_true",
                        help="F1 after 0-200 labels, with supervised scorers")
    args = parser.parse_args(argv)
    names = dataset_names(args.datasets)
    if args.curve:
        print(curve_table(pd.concat([curve(name, args.seeds) for name in names],
                                    ignore_index=True)))
        return 0
    rows = []
    for name in names:
        rows.append(bar_row(name, args.labels, args.seeds))
        print(bar_table(rows[-1:], args.labels).splitlines()[-1], file=sys.stderr)
    print(bar_table(rows, args.labels))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
