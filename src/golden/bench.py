"""golden bench: run a matching configuration against data with known truth, and gate on it.

Teams change a configuration and want their pipeline to fail when accuracy or speed
regresses, the way they gate code on tests. ``golden bench`` (or ``python -m golden.bench``)
fits and runs a configuration on a dataset with known truth, prints a table — candidate
pairs, blocking recall, pairwise and cluster precision / recall / F1, seconds per stage,
peak memory — writes the same as JSON, and exits non-zero with one line per failed gate.

Datasets: built-in synthetic people at fixed sizes and seeds (``people-5k``,
``people-20k``, ``people-100k``, ``people-5k-seed1``, ...) and FEBRL3 (shipped with golden,
BSD-3) — no network, no files — or your own CSV / Parquet file with a truth column
(``--truth``) or a file of labelled pairs (``--labels``).

Exit codes: 0 every gate passed; 1 bad input (the reason is printed); 2 usage; 3 a gate
failed.

Examples
--------
>>> import warnings
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     result = run(default_config(), load_dataset("people-1k"))
>>> failed_gates(result, min_f1=0.8)
[]
>>> failed_gates(result, min_f1=1.0)  # doctest: +ELLIPSIS
['pairwise F1 0.9... is below --min-f1 1']
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import resource
import sys
import time
import tomllib
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from golden.config import LinkerConfig, linker_config, load_config
from golden.datasets import read_table
from golden.errors import ConfigError, GoldenError, SchemaError
from golden.estimators.active import as_labels
from golden.evaluate import blocking_metrics, cluster_metrics, pairwise_metrics

__all__ = ["BenchResult", "Dataset", "default_config", "failed_gates", "load_dataset", "main",
           "run"]

PEOPLE = re.compile(r"people-(\d+)(k|m)?(?:-seed(\d+))?$")
BUILT_IN = ("people-5k", "people-20k", "people-100k", "people-5k-seed1", "people-5k-seed2",
            "febrl3")
EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE, EXIT_GATE = 0, 1, 2, 3
FORMAT = "golden.bench"
COUNTS = frozenset({"tp", "fp", "fn", "n_predicted", "n_true", "n_labelled"})
VERSION = 1


@dataclass
class Dataset:
    """Records to match and what is known to be true about them.

    ``truth`` labels each record with its entity (a Series indexed by unique id);
    ``labels`` is a table of labelled pairs (``unique_id_l``, ``unique_id_r``,
    ``is_match``) when only some pairs are known. One of the two is given.
    """

    name: str
    records: pd.DataFrame
    truth: pd.Series | None = None
    labels: pd.DataFrame | None = None


@dataclass
class BenchResult:
    """What one bench run measured; ``to_dict`` is the JSON written."""

    dataset: str
    config: str
    n_records: int
    threshold: float
    candidate_pairs: int
    blocking_recall: float
    pairwise: dict[str, float]
    clusters: dict[str, float]
    seconds: dict[str, float]
    peak_rss_mib: float
    versions: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": VERSION, **asdict(self)}

    def table(self) -> str:
        """The result as an aligned plain-text table."""
        rows = [("dataset", self.dataset), ("config", self.config),
                ("records", f"{self.n_records:,}"), ("threshold", f"{self.threshold:g}"),
                ("candidate pairs", f"{self.candidate_pairs:,}"),
                ("blocking recall", _number(self.blocking_recall))]
        rows += [(f"pairwise {k}", _number(v, k in COUNTS)) for k, v in self.pairwise.items()]
        rows += [(f"clusters {k}", _number(v)) for k, v in self.clusters.items()]
        rows += [(f"seconds {k}", f"{v:.2f}") for k, v in self.seconds.items()]
        rows.append(("peak memory MiB", f"{self.peak_rss_mib:,.0f}"))
        width = max(len(k) for k, _ in rows)
        return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def default_config(dataset: str = "people-5k") -> LinkerConfig:
    """The configuration shipped for a built-in dataset (``golden/configs/*.toml``): the
    demo's for the people datasets, and one for FEBRL3."""
    name = "febrl3" if dataset == "febrl3" else "people"
    text = resources.files("golden").joinpath("configs", f"{name}.toml").read_text("utf-8")
    return linker_config(tomllib.loads(text), where=f"golden/configs/{name}.toml")


def load_dataset(name: str) -> Dataset:
    """A built-in dataset by name: ``people-<size>[-seed<n>]`` or ``febrl3``.

    Examples
    --------
    >>> ds = load_dataset("people-1k-seed3")
    >>> len(ds.records), ds.truth.index.name, "person_id" in ds.records
    (1000, 'unique_id', False)
    """
    match = PEOPLE.match(name)
    if match:
        from golden.datasets import make_people

        size = int(match.group(1)) * {"k": 1_000, "m": 1_000_000, None: 1}[match.group(2)]
        people = make_people(size, random_state=int(match.group(3) or 0))
        truth = people.set_index("unique_id")["person_id"]
        return Dataset(name, people.drop(columns=["person_id", "household_id"]), truth)
    if name == "febrl3":
        from golden.datasets import load_febrl3

        records = load_febrl3()
        entity = records["rec_id"].str.extract(r"rec-(\d+)-")[0]
        return Dataset(name, records, pd.Series(entity.to_numpy(), index=records["rec_id"],
                                                name="entity"))
    raise ConfigError(f"dataset {name!r} is unknown; built in: {list(BUILT_IN)} (and any "
                      "people-<size>[-seed<n>])")


def dataset_from_file(path: str | Path, *, unique_id: str, truth: str | None = None,
                      labels: str | Path | None = None) -> Dataset:
    """Your own labelled data: a CSV or Parquet file with a truth column or a labels file."""
    frame = read_table(path, "--data")
    if (truth is None) == (labels is None):
        raise ConfigError("give the truth as --truth COLUMN or --labels FILE (one of the two)")
    if unique_id not in frame.columns:
        raise SchemaError(f"--data: column {unique_id!r} (the config's unique_id) is missing")
    if truth is not None:
        if truth not in frame.columns:
            raise SchemaError(f"--truth: column {truth!r} is not in {path}; columns: "
                              f"{list(frame.columns)}")
        return Dataset(Path(path).name, frame.drop(columns=truth),
                       frame.set_index(unique_id)[truth])
    table = read_table(labels, "--labels")  # type: ignore[arg-type]
    return Dataset(Path(path).name, frame, labels=as_labels(table))


def run(config: LinkerConfig, dataset: Dataset, config_name: str = "default") -> BenchResult:
    """Fit and run ``config`` on ``dataset``; time each stage and score against the truth."""
    linker, records = config.linker, dataset.records
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    linker.fit(records)
    seconds["fit"] = time.perf_counter() - start
    pairs = _timed(seconds, "predict", lambda: linker.predict(records))
    clusters = _timed(seconds, "cluster",
                      lambda: linker.cluster(pairs, records, threshold=config.threshold))
    seconds["total"] = sum(seconds.values())
    if dataset.truth is not None:
        pairwise = _rounded(pairwise_metrics(pairs, dataset.truth, threshold=config.threshold))
        blocking = blocking_metrics(pairs, dataset.truth)["pair_completeness"]
        scores = cluster_metrics(clusters, dataset.truth)
        cluster_scores = {k: scores[k] for k in ("bcubed_precision", "bcubed_recall",
                                                 "bcubed_f1", "pairwise_precision",
                                                 "pairwise_recall", "pairwise_f1")}
    else:
        assert dataset.labels is not None
        pairwise, blocking = _labelled_metrics(pairs, dataset.labels, config.threshold)
        cluster_scores = {}
    return BenchResult(
        dataset=dataset.name, config=config_name, n_records=len(records),
        threshold=config.threshold, candidate_pairs=len(pairs), blocking_recall=blocking,
        pairwise=pairwise, clusters=_rounded(cluster_scores), seconds=_rounded(seconds),
        peak_rss_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        versions=_versions(),
    )


def failed_gates(result: BenchResult, *, min_f1: float | None = None,
                 min_recall: float | None = None, max_seconds: float | None = None,
                 baseline: dict[str, Any] | None = None, tolerance: float = 0.01,
                 time_tolerance: float = 0.5) -> list[str]:
    """One line per failed gate (empty when every gate passes).

    ``min_f1`` and ``min_recall`` apply to the pairwise scores at the threshold,
    ``max_seconds`` to the total. Against a ``baseline`` (an earlier result's JSON), the
    pairwise F1 and recall and the B-cubed F1 may drop by at most ``tolerance``, and the
    total time may grow by at most ``time_tolerance`` (a share: 0.5 is 50% slower).
    """
    failed = []
    f1, recall = result.pairwise.get("f1", np.nan), result.pairwise.get("recall", np.nan)
    if min_f1 is not None and not f1 >= min_f1:
        failed.append(f"pairwise F1 {f1:.4f} is below --min-f1 {min_f1:g}")
    if min_recall is not None and not recall >= min_recall:
        failed.append(f"pairwise recall {recall:.4f} is below --min-recall {min_recall:g}")
    total = result.seconds["total"]
    if max_seconds is not None and total > max_seconds:
        failed.append(f"total time {total:.2f} s is above --max-seconds {max_seconds:g}")
    if baseline is not None:
        failed += _baseline_failures(result, baseline, tolerance, time_tolerance)
    return failed


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point (``golden bench``); returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if (args.dataset is None) == (args.data is None):
        parser.error("give one of --dataset NAME or --data FILE")
    try:
        config = load_config(args.config) if args.config else None
        dataset = _dataset(args, config)
        config = config or default_config(dataset.name)
        if args.threshold is not None:
            config = LinkerConfig(config.linker, args.threshold)
        baseline = _baseline(args.baseline) if args.baseline else None
        with warnings.catch_warnings():
            if args.quiet:
                warnings.simplefilter("ignore")
            config.linker.set_params(progress=False)
            result = run(config, dataset, args.config or "built in (golden/configs)")
    except (GoldenError, OSError) as exc:
        print(f"golden bench: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(result.table())
    if args.json:
        Path(args.json).write_text(json.dumps(result.to_dict(), indent=1) + "\n")
    failed = failed_gates(result, min_f1=args.min_f1, min_recall=args.min_recall,
                          max_seconds=args.max_seconds, baseline=baseline,
                          tolerance=args.tolerance, time_tolerance=args.time_tolerance)
    for line in failed:
        print(f"FAILED: {line}", file=sys.stderr)
    return EXIT_GATE if failed else EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="golden bench", description=__doc__.split("\n\n")[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    data = parser.add_argument_group("data (one of --dataset or --data)")
    data.add_argument("--dataset", help=f"built-in: {', '.join(BUILT_IN)}, or any "
                      "people-<size>[-seed<n>]")
    data.add_argument("--data", help="your own CSV or Parquet file of records")
    data.add_argument("--truth", help="with --data: the column holding each record's entity")
    data.add_argument("--labels", help="with --data: a CSV/Parquet of labelled pairs "
                      "(unique_id_l, unique_id_r, is_match or clerical_match_score)")
    parser.add_argument("--config", help="TOML or Python configuration (default for a built-in "
                        "dataset: its shipped configuration, golden/configs/*.toml)")
    parser.add_argument("--threshold", type=float, help="match probability threshold "
                        "(default: the config's, else 0.5)")
    parser.add_argument("--json", default="golden-bench.json",
                        help="where to write the results as JSON ('' to skip)")
    gates = parser.add_argument_group("gates")
    gates.add_argument("--min-f1", type=float, help="fail below this pairwise F1")
    gates.add_argument("--min-recall", type=float, help="fail below this pairwise recall")
    gates.add_argument("--max-seconds", type=float, help="fail above this total time")
    gates.add_argument("--baseline", help="an earlier run's JSON to compare with")
    gates.add_argument("--tolerance", type=float, default=0.01,
                       help="allowed drop in F1 / recall / B-cubed F1 against --baseline")
    gates.add_argument("--time-tolerance", type=float, default=0.5,
                       help="allowed growth of the total time against --baseline (0.5 = 50%%)")
    parser.add_argument("--quiet", action="store_true", help="hide warnings")
    return parser


def _dataset(args: argparse.Namespace, config: LinkerConfig | None) -> Dataset:
    if args.dataset is not None:
        return load_dataset(args.dataset)
    if config is None:
        raise ConfigError("--data needs a --config for your columns")
    return dataset_from_file(args.data, unique_id=config.linker.unique_id, truth=args.truth,
                             labels=args.labels)


def _labelled_metrics(pairs: pd.DataFrame, labels: pd.DataFrame, threshold: float
                      ) -> tuple[dict[str, float], float]:
    """Pairwise scores over the labelled pairs only, and the share of labelled matches
    that blocking found."""
    left, right = pairs["unique_id_l"].astype(str), pairs["unique_id_r"].astype(str)
    key = pd.Series(pairs["match_probability"].to_numpy(),
                    index=pd.MultiIndex.from_arrays([np.minimum(left, right),
                                                     np.maximum(left, right)]))
    key = key[~key.index.duplicated()]
    wanted = pd.MultiIndex.from_arrays([np.minimum(labels["unique_id_l"], labels["unique_id_r"]),
                                        np.maximum(labels["unique_id_l"], labels["unique_id_r"])])
    probability = key.reindex(wanted).to_numpy()
    found = ~np.isnan(probability)
    predicted = found & (np.nan_to_num(probability) >= threshold)
    truth = labels["is_match"].to_numpy()
    tp = int((predicted & truth).sum())
    precision = tp / predicted.sum() if predicted.any() else float("nan")
    recall = tp / truth.sum() if truth.any() else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else float("nan")
    blocking = float((found & truth).sum() / truth.sum()) if truth.any() else float("nan")
    return _rounded({"precision": precision, "recall": recall, "f1": f1,
                     "n_labelled": float(len(labels))}), blocking


def _baseline(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"--baseline: cannot read {path}: {exc}") from exc
    if data.get("format") != FORMAT:
        raise ConfigError(f"--baseline: {path} is not a golden bench result")
    return data


def _baseline_failures(result: BenchResult, baseline: dict[str, Any], tolerance: float,
                       time_tolerance: float) -> list[str]:
    failed = []
    checks = [("pairwise F1", result.pairwise.get("f1"), baseline["pairwise"].get("f1")),
              ("pairwise recall", result.pairwise.get("recall"),
               baseline["pairwise"].get("recall")),
              ("B-cubed F1", result.clusters.get("bcubed_f1"),
               baseline["clusters"].get("bcubed_f1"))]
    for label, now, before in checks:
        if now is not None and before is not None and now < before - tolerance:
            failed.append(f"{label} {now:.4f} dropped below the baseline's {before:.4f} "
                          f"by more than --tolerance {tolerance:g}")
    now_s, before_s = result.seconds["total"], baseline["seconds"]["total"]
    if now_s > before_s * (1 + time_tolerance):
        failed.append(f"total time {now_s:.2f} s is more than {time_tolerance:.0%} above the "
                      f"baseline's {before_s:.2f} s")
    return failed


def _timed(seconds: dict[str, float], stage: str, work: Any) -> Any:
    start = time.perf_counter()
    out = work()
    seconds[stage] = time.perf_counter() - start
    return out


def _rounded(values: dict[str, Any]) -> dict[str, float]:
    return {k: round(float(v), 6) for k, v in values.items() if isinstance(v, int | float)}


def _number(value: float, count: bool = False) -> str:
    if value != value:
        return "n/a"
    return f"{int(value):,}" if count else f"{value:.4f}"


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    # golden's distribution on the package index is golden-records (the import name is golden)
    names = {"golden": "golden-records"}
    for package in ("golden", "pandas", "numpy", "pyarrow", "rapidfuzz"):
        try:
            found[package] = metadata.version(names.get(package, package))
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


if __name__ == "__main__":
    raise SystemExit(main())
