"""What each label buys: F1 after 0, 25, 50, 100 and 200 labels, active vs random.

    python benchmarks/active_learning.py [--seeds 3] [--datasets febrl3,fake_1000]

For each dataset a Linker is fitted without labels; then an ``ActiveLearner`` asks an
oracle (the known truth) about the pairs it picks, or the same number of candidate pairs
drawn at random are labelled, and the model is refitted from those labels (m mixed with
EM's, threshold chosen on the labels). F1 is pairwise, over all true pairs, at the chosen
threshold, averaged over the seeds. fake_1000's oracle is its clerical labels
(``fake_1000_labels.csv``), falling back to the ``cluster`` truth column for pairs they
do not cover.

With 100 and 200 labels, the same labels also train ``SupervisedLinker`` (logistic
regression, and gradient boosting) in place of Fellegi–Sunter; its F1 is at 0.5.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Callable

import _datasets
import numpy as np
import pandas as pd

import golden as gd
from golden import comparisons as cmp
from golden.bench import default_config
from golden.evaluate import pairwise_metrics

COUNTS = (0, 25, 50, 100, 200)
SUPERVISED_COUNTS = (100, 200)
MODELS = ("logistic", "gradient_boosting")


def febrl3() -> tuple[gd.Linker, pd.DataFrame, pd.Series, Callable[[str, str], bool]]:
    records = gd.datasets.load_febrl3()
    truth = pd.Series(records["rec_id"].str.extract(r"rec-(\d+)-")[0].to_numpy(),
                      index=records["rec_id"])
    return default_config("febrl3").linker, records, truth, _oracle(truth, None)


def fake_1000() -> tuple[gd.Linker, pd.DataFrame, pd.Series, Callable[[str, str], bool]]:
    data = _datasets.fake_1000()
    records = data.frames[0]
    linker = gd.Linker(
        [cmp.name("first_name", term_frequency=False), cmp.name("surname", term_frequency=False),
         cmp.date_of_birth("dob"), cmp.exact("city", term_frequency=True), cmp.email("email")],
        [gd.block_on("first_name"), gd.block_on("surname")], random_state=0)
    labels = gd.load_labels(_datasets.data_dir() / "splink" / "fake_1000_labels.csv")
    return linker, records, data.truth, _oracle(data.truth, labels)


def _oracle(truth: pd.Series, labels: pd.DataFrame | None) -> Callable[[str, str], bool]:
    known: dict[tuple[str, str], bool] = {}
    if labels is not None:
        for a, b, y in labels.itertuples(index=False):
            known[(a, b)] = known[(b, a)] = bool(y)
    lookup = truth.copy()
    lookup.index = lookup.index.astype(str)

    def ask(a: str, b: str) -> bool:
        return known.get((a, b), bool(lookup[a] == lookup[b]))
    return ask


def f1(learner: gd.ActiveLearner, truth: pd.Series) -> float:
    pairs = learner.pairs_.assign(match_probability=learner.probabilities())
    return float(pairwise_metrics(pairs, truth, threshold=learner.threshold_)["f1"])


def evaluate(name: str, seeds: int) -> pd.DataFrame:
    linker, records, truth, oracle = {"febrl3": febrl3, "fake_1000": fake_1000}[name]()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        linker.fit(records)
    uid = linker.unique_id
    rows = []
    for n in COUNTS:
        for mode in ("active", "random"):
            scores: dict[str, list[float]] = {}
            for seed in range(seeds):
                learner = gd.ActiveLearner(linker, records, random_state=seed)
                if n and mode == "active":
                    learner.run(lambda left, right: oracle(str(left[uid]), str(right[uid])),
                                max_labels=n, min_flipped=0.0)
                elif n:
                    rng = np.random.default_rng(seed)
                    picked = learner.pairs_.iloc[rng.choice(len(learner.pairs_), n, replace=False)]
                    learner.add_labels(picked[["unique_id_l", "unique_id_r"]].assign(
                        is_match=[oracle(str(a), str(b)) for a, b in zip(
                            picked["unique_id_l"], picked["unique_id_r"], strict=True)]))
                scores.setdefault("fellegi_sunter", []).append(f1(learner, truth))
                if n in SUPERVISED_COUNTS:
                    for model in MODELS:
                        scores.setdefault(model, []).append(
                            supervised_f1(linker, records, learner.labels_, truth, model))
            for scorer, values in scores.items():
                rows.append({"dataset": name, "labels": n, "drawn": mode, "scorer": scorer,
                             "f1": float(np.nanmean(values))})
                print(f"  {name} {n:>3} {mode:<6} {scorer:<17} F1 {rows[-1]['f1']:.4f}",
                      file=sys.stderr)
    return pd.DataFrame(rows)


def supervised_f1(linker: gd.Linker, records: pd.DataFrame, labels: pd.DataFrame,
                  truth: pd.Series, model: str) -> float:
    try:
        scorer = gd.SupervisedLinker(linker, model=model).fit(records, labels)
    except gd.ConfigError:  # too few matches among the labels to train on
        return float("nan")
    return float(pairwise_metrics(scorer.predict(records), truth, threshold=0.5)["f1"])


def table(results: pd.DataFrame) -> str:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--datasets", default="febrl3,fake_1000")
    args = parser.parse_args(argv)
    results = pd.concat([evaluate(name.strip(), args.seeds)
                         for name in args.datasets.split(",")], ignore_index=True)
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
