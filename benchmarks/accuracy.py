"""golden vs Splink 5: accuracy, wall time and peak memory on public datasets with truth.

    python benchmarks/accuracy.py [--datasets febrl3,febrl4,fake_1000] [--repeats 3]
                                  [--out benchmarks/results/accuracy.json]

Each (dataset, tool) run is a fresh child process (``_splink_side.py`` or
``_golden_side.py``) that times fit + predict + cluster and reports its own peak RSS;
the tool order rotates from one repeat to the next. The children write their pairs and
clusters to parquet, and this process scores both tools with ``golden.evaluate``, so the
metrics are computed identically. The configurations are in ``_configs.py``; see
README.md for what is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _child  # noqa: E402
import _configs  # noqa: E402
import _datasets  # noqa: E402
import _harness  # noqa: E402
from _harness import fmt, median, ratio  # noqa: E402

DEFAULT_DATASETS = ("febrl3", "febrl4", "fake_1000")
SIDE_SCRIPT = {"splink": "_splink_side.py", "golden": "_golden_side.py",
               "golden_tr": "_golden_side.py"}
TOOL_LABEL = {"splink": "Splink", "golden": "golden (defaults)",
              "golden_tr": "golden (Splink's training)"}
METRIC_KEYS = ("n_pairs", "precision", "recall", "f1", "best_f1", "best_threshold",
               "bcubed_f1", "n_clusters")
PACKAGES = ("golden", "splink", "duckdb", "pandas", "numpy", "pyarrow", "rapidfuzz")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", default=",".join(DEFAULT_DATASETS),
                        help="comma-separated, from: " + ", ".join(_configs.SPLINK))
    parser.add_argument("--tools", default=",".join(_configs.TOOLS),
                        help="comma-separated, from: " + ", ".join(_configs.TOOLS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=str(HERE / "results" / "accuracy.json"),
                        help="JSON with every run and the summary ('' to skip)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per child run")
    args = parser.parse_args(argv)
    args.datasets = _split(args.datasets, list(_configs.SPLINK), "--datasets")
    args.tools = _split(args.tools, list(_configs.TOOLS), "--tools")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


def _split(value: str, allowed: list[str], flag: str) -> list[str]:
    items = [item.strip() for item in value.split(",") if item.strip()]
    unknown = [item for item in items if item not in allowed]
    if unknown or not items:
        raise SystemExit(f"{flag}: unknown or empty {unknown}; choose from {allowed}")
    return items


# ---------------------------------------------------------------------------
# running and scoring
# ---------------------------------------------------------------------------


def run_child(dataset: str, tool: str, workdir: Path, timeout: float) -> dict[str, Any]:
    """Run one tool on one dataset in a fresh process; return its JSON report."""
    out = workdir / f"{dataset}-{tool}"
    command = [sys.executable, str(HERE / SIDE_SCRIPT[tool]), "--dataset", dataset,
               "--tool", tool, "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"{tool} on {dataset} failed (exit {done.returncode}):\n{tail}")
    report = json.loads(lines[-1])
    report["outputs"] = str(out)
    return report


def score(dataset: _datasets.Dataset, outputs: Path) -> dict[str, Any]:
    """Score one run's pairs and clusters with golden.evaluate."""
    from golden.evaluate import best_threshold, cluster_metrics, pairwise_metrics

    pairs = pd.read_parquet(outputs / _child.PAIRS_FILE)
    clusters = pd.read_parquet(outputs / _child.CLUSTERS_FILE)
    truth, source = dataset.truth, dataset.source
    at_half = pairwise_metrics(pairs, truth, threshold=_child.CLUSTER_THRESHOLD, source=source)
    everything = pairwise_metrics(pairs, truth, source=source)  # blocking recall
    best = best_threshold(pairs, truth, source=source)
    cluster = cluster_metrics(clusters, truth)
    return {
        "n_pairs": len(pairs),
        "blocking_recall": everything["recall"],
        "precision": at_half["precision"],
        "recall": at_half["recall"],
        "f1": at_half["f1"],
        "tp": at_half["tp"],
        "fp": at_half["fp"],
        "fn": at_half["fn"],
        "best_f1": best["f1"],
        "best_threshold": best["threshold"],
        "bcubed_precision": cluster["bcubed_precision"],
        "bcubed_recall": cluster["bcubed_recall"],
        "bcubed_f1": cluster["bcubed_f1"],
        "n_clusters": cluster["n_clusters"],
        "n_true_clusters": cluster["n_true_clusters"],
        "largest_cluster": cluster["largest_cluster"],
    }


def run_all(args: argparse.Namespace) -> list[dict[str, Any]]:
    datasets = {name: _datasets.load(name) for name in args.datasets}
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="golden-bench-") as tmp:
        for repeat in range(args.repeats):
            shift = repeat % len(args.tools)
            order = args.tools[shift:] + args.tools[:shift]  # alternate who goes first
            for name in args.datasets:
                for tool in order:
                    workdir = Path(tmp) / f"r{repeat}"
                    started = time.perf_counter()
                    report = run_child(name, tool, workdir, args.timeout)
                    report["process_s"] = time.perf_counter() - started
                    report.update(score(datasets[name], Path(report.pop("outputs"))))
                    report.update(dataset=name, tool=tool, repeat=repeat)
                    runs.append(report)
                    print(f"  repeat {repeat + 1}/{args.repeats}  {name:<10} {tool:<10} "
                          f"{report['wall_s']:7.2f} s  {report['peak_rss_mib']:7.0f} MiB  "
                          f"F1@0.5 {report['f1']:.3f}", file=sys.stderr, flush=True)
    return runs


# ---------------------------------------------------------------------------
# summary and table
# ---------------------------------------------------------------------------


def summarise(runs: list[dict[str, Any]], datasets: list[str], tools: list[str]
              ) -> list[dict[str, Any]]:
    """Median over repeats, per (dataset, tool)."""
    rows = []
    for name in datasets:
        for tool in tools:
            mine = [run for run in runs if run["dataset"] == name and run["tool"] == tool]
            if not mine:
                continue
            row: dict[str, Any] = {"dataset": name, "tool": tool, "repeats": len(mine)}
            for key in ("wall_s", "cpu_s", "peak_rss_mib", "peak_rss_increase_mib",
                        "blocking_recall", "bcubed_precision", "bcubed_recall",
                        "lambda", *METRIC_KEYS):
                row[key] = median([run.get(key) for run in mine])
            row["phases_s"] = {
                phase: statistics.median(run["phases_s"].get(phase, 0.0) for run in mine)
                for phase in mine[0]["phases_s"]
            }
            accuracy = {(run["f1"], run["best_f1"], run["bcubed_f1"]) for run in mine}
            row["accuracy_varies_across_repeats"] = len(accuracy) > 1
            row["fit_warnings"] = sorted({w for run in mine for w in run["fit_warnings"]})
            rows.append(row)
    return rows


def markdown(summary: list[dict[str, Any]], repeats: int) -> str:
    lines = [
        f"Accuracy at match probability ≥ {_child.CLUSTER_THRESHOLD} (pairwise P/R/F1; "
        "B³ F1 of the clusters at the same threshold), best pairwise F1 over all "
        f"thresholds, and median over {repeats} run(s) of wall time (fit + predict + "
        "cluster), CPU time and peak RSS of the tool's process.",
        "",
        "| dataset | tool | pairs | P | R | F1 | best F1 (thr) | B³ F1 | clusters "
        "| time s | CPU s | peak MiB |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in summary:
        lines.append(
            f"| {row['dataset']} | {TOOL_LABEL[row['tool']]} | {row['n_pairs']:,} "
            f"| {fmt(row['precision'], 3)} | {fmt(row['recall'], 3)} | {fmt(row['f1'], 3)} "
            f"| {fmt(row['best_f1'], 3)} ({fmt(row['best_threshold'], 2)}) "
            f"| {fmt(row['bcubed_f1'], 3)} | {row['n_clusters']:,} "
            f"| {fmt(row['wall_s'], 2)} | {fmt(row['cpu_s'], 2)} "
            f"| {fmt(row['peak_rss_mib'], 0)} |")
    comparison = []
    for row in summary:
        if row["tool"] == "splink":
            continue
        base = next((r for r in summary if r["dataset"] == row["dataset"]
                     and r["tool"] == "splink"), None)
        if base is None:
            continue
        comparison.append(
            f"| {row['dataset']} | {TOOL_LABEL[row['tool']]} "
            f"| {ratio(row['wall_s'], base['wall_s'])} | {ratio(row['cpu_s'], base['cpu_s'])} "
            f"| {ratio(row['peak_rss_mib'], base['peak_rss_mib'])} "
            f"| {ratio(row['peak_rss_increase_mib'], base['peak_rss_increase_mib'])} "
            f"| {_delta(row['f1'], base['f1'])} | {_delta(row['best_f1'], base['best_f1'])} "
            f"| {_delta(row['bcubed_f1'], base['bcubed_f1'])} |")
    if comparison:
        lines += [
            "",
            "golden relative to Splink: time, CPU and memory as ratios (golden ÷ Splink; "
            "< 1 means golden uses less), accuracy as differences (golden − Splink; "
            "> 0 means golden is more accurate). 'peak Δ' is the peak RSS above the RSS "
            "at the start of the timed region (after imports and data loading).",
            "",
            "| dataset | golden | time × | CPU × | peak RSS × | peak Δ × | ΔF1 | Δbest F1 "
            "| ΔB³ F1 |",
            "|---|---|--:|--:|--:|--:|--:|--:|--:|",
            *comparison,
        ]
    return "\n".join(lines)


def _delta(value: float | None, base: float | None) -> str:
    if value is None or base is None:
        return "–"
    return f"{value - base:+.3f}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"running {args.tools} on {args.datasets}, {args.repeats} repeat(s)",
          file=sys.stderr, flush=True)
    runs = run_all(args)
    summary = summarise(runs, args.datasets, args.tools)
    table = markdown(summary, args.repeats)
    env = _harness.versions(PACKAGES)
    env.update(platform=platform.platform(), cpus=str(os.cpu_count()))
    payload = {
        "command": " ".join(["python", "benchmarks/accuracy.py", *sys.argv[1:]]),
        "environment": env,
        "datasets": args.datasets,
        "tools": args.tools,
        "repeats": args.repeats,
        "summary": summary,
        "runs": runs,
        "markdown": table,
    }
    _harness.publish(table, env, args.out, payload)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
