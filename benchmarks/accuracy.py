"""golden vs Splink 5: accuracy, wall time and peak memory on public datasets with truth.

    python benchmarks/accuracy.py [--datasets febrl3,febrl4,fake_1000|dev|...] [--repeats 3]
                                  [--golden-src DIR] [--out benchmarks/results/accuracy.json]

Each (dataset, tool) run is a fresh child process (``_splink_side.py`` or
``_golden_side.py``) that times fit + predict + cluster and reports its own peak RSS;
the tool order rotates from one repeat to the next. The children write their pairs and
clusters to parquet, and this process scores both tools with ``golden.evaluate``, so the
metrics are computed identically. A run that fails or times out is reported as such and
the others go on. The configurations are in ``_configs.py``; see README.md for what is
measured.
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
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _child  # noqa: E402
import _configs  # noqa: E402
import _datasets  # noqa: E402
import _harness  # noqa: E402
import _sets  # noqa: E402
from _harness import fmt, median, ratio  # noqa: E402

DEFAULT_DATASETS = ("febrl3", "febrl4", "fake_1000")
GROUPS = {**_datasets.GROUPS, "all": (*DEFAULT_DATASETS, "people_100k", *_datasets.DEV)}
SIDE_SCRIPT = {"splink": "_splink_side.py", "golden": "_golden_side.py",
               "golden_tr": "_golden_side.py"}
TOOL_LABEL = {"splink": "Splink", "golden": "golden (defaults)",
              "golden_tr": "golden (Splink's training)"}
METRIC_KEYS = ("n_pairs", "precision", "recall", "f1", "best_f1", "best_threshold",
               "bcubed_f1", "cluster_f1", "n_clusters")
DUCKDB_SHARE = 0.5  # of --max-memory-gib, for DuckDB's buffers; the rest for Python
PACKAGES = ("golden", "splink", "duckdb", "pandas", "numpy", "pyarrow", "rapidfuzz")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", default=",".join(DEFAULT_DATASETS),
                        help="comma-separated, from: " + ", ".join(_sets.SPLINK)
                        + "; or a group: " + ", ".join(
                            f"{group} ({len(names)} sets)" for group, names in GROUPS.items()))
    parser.add_argument("--tools", default=",".join(_configs.TOOLS),
                        help="comma-separated, from: " + ", ".join(_configs.TOOLS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=str(HERE / "results" / "accuracy.json"),
                        help="JSON with every run and the summary ('' to skip)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per child run")
    parser.add_argument("--max-memory-gib", type=float, default=8,
                        help="kill a child run whose RSS passes this (GiB)")
    parser.add_argument("--golden-src", default=None, metavar="DIR",
                        help="import golden from DIR (e.g. a git worktree's src) in every "
                             "process, instead of the installed one")
    args = parser.parse_args(argv)
    args.datasets = _expand(args.datasets)
    args.datasets = _split(",".join(args.datasets), list(_sets.SPLINK), "--datasets")
    args.tools = _split(args.tools, list(_configs.TOOLS), "--tools")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


def _expand(value: str) -> list[str]:
    """Dataset names with group names replaced by their members, in order, once each."""
    names = [item.strip() for item in value.split(",") if item.strip()]
    return list(dict.fromkeys(n for name in names for n in GROUPS.get(name, (name,))))


def _split(value: str, allowed: list[str], flag: str) -> list[str]:
    items = [item.strip() for item in value.split(",") if item.strip()]
    unknown = [item for item in items if item not in allowed]
    if unknown or not items:
        raise SystemExit(f"{flag}: unknown or empty {unknown}; choose from {allowed}")
    return items


# ---------------------------------------------------------------------------
# running and scoring
# ---------------------------------------------------------------------------


def run_child(dataset: str, tool: str, workdir: Path, args: argparse.Namespace
              ) -> dict[str, Any]:
    """Run one tool on one dataset in a fresh process: its JSON report, or a failure
    (``failed``, ``timeout``, or ``memory``: killed once its RSS passed the limit)."""
    out = workdir / f"{dataset}-{tool}"
    out.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(HERE / SIDE_SCRIPT[tool]), "--dataset", dataset,
               "--tool", tool, "--out", str(out)]
    if tool == "splink":  # DuckDB takes 80% of RAM by default: bound it, let it spill
        command += ["--duckdb-memory-gib", f"{args.max_memory_gib * DUCKDB_SHARE:g}"]
    env = dict(os.environ)
    if args.golden_src:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [args.golden_src,
                                                          env.get("PYTHONPATH")]))
    load, started = os.getloadavg()[0], time.perf_counter()
    with open(out / "stdout.txt", "w") as stdout, open(out / "stderr.txt", "w") as stderr:
        child = subprocess.Popen(command, stdout=stdout, stderr=stderr, env=env)
        stopped = _watch(child, args.timeout, args.max_memory_gib * 2**30)
    report: dict[str, Any] = {"process_s": time.perf_counter() - started, "load_before": load,
                              "outputs": str(out)}
    lines = (out / "stdout.txt").read_text().strip().splitlines()
    if stopped == "timeout":
        return {**report, "status": "timeout", "timeout_s": args.timeout}
    if stopped:
        return {**report, "status": "memory", "stderr_tail": stopped}
    if child.returncode != 0 or not lines:
        tail = "\n".join((out / "stderr.txt").read_text().strip().splitlines()[-15:])
        return {**report, "status": "failed", "exit_code": child.returncode,
                "stderr_tail": tail}
    return {**json.loads(lines[-1]), **report, "status": "ok"}


def _watch(child: subprocess.Popen[bytes], timeout: float, max_rss: float) -> str | None:
    """Wait for ``child``; kill it past ``timeout`` seconds (-> "timeout") or once its
    RSS passes ``max_rss`` bytes (-> what happened, in words), so that one run cannot take
    a shared machine's memory. None when it ended by itself."""
    import psutil

    process, deadline = psutil.Process(child.pid), time.perf_counter() + timeout
    while child.poll() is None:
        try:
            rss = process.memory_info().rss
        except psutil.NoSuchProcess:
            break
        if rss > max_rss or time.perf_counter() > deadline:
            child.kill()
            child.wait()
            if rss > max_rss:
                return (f"killed: RSS {rss / 2**30:.1f} GiB passed the limit of "
                        f"{max_rss / 2**30:.0f} GiB (--max-memory-gib)")
            return "timeout"
        time.sleep(0.2)
    return None


def score(dataset: _datasets.Dataset, outputs: Path) -> dict[str, Any]:
    """Score one run's pairs and clusters with golden.evaluate.

    Pairwise metrics use the published true pairs where the dataset has them; with
    ``judged_pairs`` only those pairs are scored, with ``labelled`` only pairs with a
    labelled record (see ``_datasets``).
    """
    from golden.errors import DataWarning
    from golden.evaluate import (
        best_threshold,
        cluster_metrics,
        estimated_metrics,
        pairwise_metrics,
    )

    pairs = pd.read_parquet(outputs / _child.PAIRS_FILE)
    clusters = pd.read_parquet(outputs / _child.CLUSTERS_FILE)
    truth = dataset.truth if dataset.truth_pairs is None else dataset.truth_pairs
    source = dataset.source
    if dataset.judged_pairs is not None:
        pairs = _among(pairs, dataset.judged_pairs)
    if dataset.labelled is not None:
        pairs = pairs[pairs["unique_id_l"].isin(dataset.labelled)
                      | pairs["unique_id_r"].isin(dataset.labelled)]
    with warnings.catch_warnings():
        # a scored pair may hold a record outside the sample: a singleton, as wanted
        warnings.simplefilter("ignore", DataWarning)
        at_half = pairwise_metrics(pairs, truth, threshold=_child.CLUSTER_THRESHOLD,
                                   source=source)
        everything = pairwise_metrics(pairs, truth, source=source)  # blocking recall
        best = best_threshold(pairs, truth, source=source)
        estimated = estimated_metrics(pairs, threshold=_child.CLUSTER_THRESHOLD)
    if dataset.judged_pairs is not None:
        cluster = _judged_cluster_metrics(clusters, dataset)
    elif dataset.labelled is not None:
        cluster = _labelled_cluster_metrics(clusters, dataset.truth)
    else:
        cluster = cluster_metrics(clusters, dataset.truth)
    return {
        "n_pairs_scored": len(pairs),
        "blocking_recall": everything["recall"],
        "precision": at_half["precision"],
        "recall": at_half["recall"],
        "f1": at_half["f1"],
        "tp": at_half["tp"],
        "fp": at_half["fp"],
        "fn": at_half["fn"],
        "best_f1": best["f1"],
        "best_threshold": best["threshold"],
        # the tool's own estimate (from its probabilities alone) against the truth: recall
        # of the true pairs among the candidates, as the estimate means it
        "estimated_precision": estimated["precision"],
        "estimated_recall": estimated["recall"],
        "candidate_recall": (at_half["recall"] / everything["recall"]
                             if everything["recall"] else float("nan")),
        "bcubed_precision": cluster["bcubed_precision"],
        "bcubed_recall": cluster["bcubed_recall"],
        "bcubed_f1": cluster["bcubed_f1"],
        "cluster_precision": cluster["pairwise_precision"],
        "cluster_recall": cluster["pairwise_recall"],
        "cluster_f1": cluster["pairwise_f1"],
        "n_clusters": clusters["entity_id"].nunique(),
        "largest_cluster": int(clusters["entity_id"].value_counts().max()),
    }


def _pair_keys(left: pd.Series, right: pd.Series) -> pd.Series:
    """One text key per unordered pair of ids."""
    left, right = left.astype(str).to_numpy(), right.astype(str).to_numpy()
    low, high = np.where(left <= right, left, right), np.where(left <= right, right, left)
    return pd.Series(low, dtype=object) + "\x1f" + pd.Series(high, dtype=object)


def _among(pairs: pd.DataFrame, judged: pd.DataFrame) -> pd.DataFrame:
    """The pairs that are among ``judged`` (in either order)."""
    keys = _pair_keys(pairs["unique_id_l"], pairs["unique_id_r"])
    wanted = set(_pair_keys(judged["unique_id_l"], judged["unique_id_r"]))
    return pairs[keys.isin(wanted).to_numpy()]


def _judged_cluster_metrics(clusters: pd.DataFrame, dataset: _datasets.Dataset
                            ) -> dict[str, float]:
    """Truth on labelled pairs only: each judged pair is predicted a match when its two
    records share a cluster; pairwise precision / recall / F1 of that (no B-cubed)."""
    from golden.evaluate import pairwise_metrics

    judged = dataset.judged_pairs
    entity = clusters.set_index("unique_id")["entity_id"].astype(str)
    left = entity.reindex(judged["unique_id_l"]).to_numpy()
    right = entity.reindex(judged["unique_id_r"]).to_numpy()
    together = judged[(left == right) & pd.notna(left)]
    scores = pairwise_metrics(together, dataset.truth_pairs)
    nan = float("nan")
    return {"bcubed_precision": nan, "bcubed_recall": nan, "bcubed_f1": nan,
            "pairwise_precision": scores["precision"], "pairwise_recall": scores["recall"],
            "pairwise_f1": scores["f1"]}


def _labelled_cluster_metrics(clusters: pd.DataFrame, truth: pd.Series) -> dict[str, float]:
    """Complete entities for a sample of records: B-cubed over the labelled records, and
    pairwise over pairs with a labelled record. A cluster's unlabelled members count
    against precision (they are not of the labelled entity); pairs of two unlabelled
    records are not judged."""
    frame = pd.DataFrame({"cluster": clusters["entity_id"].astype(str).to_numpy(),
                          "entity": truth.reindex(clusters["unique_id"].astype(str)).to_numpy()})
    absent = truth.index.difference(clusters["unique_id"].astype(str))  # singletons
    frame = pd.concat([frame, pd.DataFrame({"cluster": "absent:" + absent.to_series(),
                                            "entity": truth[absent].to_numpy()})])
    size = frame.groupby("cluster").size()
    labelled = frame[frame["entity"].notna()]
    cells = labelled.groupby(["cluster", "entity"]).size()
    in_cluster = size.reindex(cells.index.get_level_values("cluster")).to_numpy()
    entity_size = truth.value_counts().reindex(cells.index.get_level_values("entity")).to_numpy()
    n = len(labelled)
    precision = float((cells.to_numpy() ** 2 / in_cluster).sum() / n)
    recall = float((cells.to_numpy() ** 2 / entity_size).sum() / n)
    n_labelled = labelled.groupby("cluster").size()
    n_other = size.reindex(n_labelled.index) - n_labelled
    judged = int((n_labelled * (n_labelled - 1) // 2 + n_labelled * n_other).sum())
    true = int((truth.value_counts() * (truth.value_counts() - 1) // 2).sum())
    tp = int((cells * (cells - 1) // 2).sum())
    return {"bcubed_precision": precision, "bcubed_recall": recall,
            "bcubed_f1": 2 * precision * recall / (precision + recall),
            "pairwise_precision": tp / judged if judged else float("nan"),
            "pairwise_recall": tp / true, "pairwise_f1": 2 * tp / (judged + true)}


def run_all(args: argparse.Namespace) -> list[dict[str, Any]]:
    if "people_100k" in args.datasets:
        import _scale_data

        _scale_data.ensure_people(_sets.PEOPLE_SIZE, _sets.PEOPLE_SEED)
    loaded: dict[str, _datasets.Dataset] = {}  # one at a time: this process stays small
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="golden-bench-") as tmp:
        for repeat in range(args.repeats):
            shift = repeat % len(args.tools)
            order = args.tools[shift:] + args.tools[:shift]  # alternate who goes first
            for name in args.datasets:
                for tool in order:
                    report = run_child(name, tool, Path(tmp) / f"r{repeat}", args)
                    outputs = Path(report.pop("outputs"))
                    if report["status"] == "ok":
                        if name not in loaded:
                            loaded = {name: _sets.load(name)}
                        report.update(score(loaded[name], outputs))
                    report.update(dataset=name, tool=tool, repeat=repeat)
                    runs.append(report)
                    print(f"  repeat {repeat + 1}/{args.repeats}  {name:<14} {tool:<10} "
                          + _progress(report), file=sys.stderr, flush=True)
    return runs


def _progress(report: dict[str, Any]) -> str:
    if report["status"] != "ok":
        return f"{report['status'].upper()} after {report['process_s']:.0f} s"
    return (f"{report['wall_s']:7.1f} s  {report['peak_rss_mib']:7.0f} MiB  "
            f"F1@0.5 {fmt(report['f1'], 3)}  best {fmt(report['best_f1'], 3)}")


# ---------------------------------------------------------------------------
# summary and table
# ---------------------------------------------------------------------------


def summarise(runs: list[dict[str, Any]], datasets: list[str], tools: list[str]
              ) -> list[dict[str, Any]]:
    """Median over the successful repeats, per (dataset, tool); a tool none of whose runs
    succeeded gets its failure instead."""
    rows = []
    for name in datasets:
        for tool in tools:
            row, ok = _harness.tool_runs([r for r in runs if r["dataset"] == name], tool)
            row.update(dataset=name, repeats=row.pop("runs"))
            if ok:
                for key in ("wall_s", "cpu_s", "peak_rss_mib", "peak_rss_increase_mib",
                            "blocking_recall", "bcubed_precision", "bcubed_recall",
                            "cluster_precision", "cluster_recall", "lambda",
                            "estimated_precision", "estimated_recall", "candidate_recall",
                            *METRIC_KEYS):
                    row[key] = median([run.get(key) for run in ok])
                row["phases_s"] = {
                    phase: statistics.median(run["phases_s"].get(phase, 0.0) for run in ok)
                    for phase in ok[0]["phases_s"]
                }
                accuracy = {(run["f1"], run["best_f1"], run["bcubed_f1"]) for run in ok}
                row["accuracy_varies_across_repeats"] = len(accuracy) > 1
                row["fit_warnings"] = sorted({w for run in ok for w in run["fit_warnings"]})
            rows.append(row)
    return rows


MAIN_HEADER = ("| dataset | tool | pairs | max R | P | R | F1 | best F1 (thr) | B³ F1 | cl. F1 "
               "| clusters | λ | time s | CPU s | peak MiB |")


def markdown(summary: list[dict[str, Any]], repeats: int) -> str:
    lines = [
        f"Accuracy at match probability ≥ {_child.CLUSTER_THRESHOLD}: pairwise precision, "
        "recall and F1 (P, R, F1), best pairwise F1 over all thresholds and that threshold, "
        "and the clusters made at the same threshold (B³ F1; cl. F1: pairwise F1 of the "
        "clusters' pairs). max R: recall of all candidate pairs (blocking). λ: the prior "
        "match probability of two random records. Time (fit + predict + cluster), CPU and "
        f"peak RSS of the tool's process: median over {repeats} run(s).",
        "",
        MAIN_HEADER,
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in summary:
        label = TOOL_LABEL[row["tool"]]
        if not row["ok"]:
            lines.append(_harness.failed_row(f"{row['dataset']} | {label}", row, 13))
            continue
        lines.append(
            f"| {row['dataset']} | {label} | {row['n_pairs']:,} "
            f"| {fmt(row['blocking_recall'], 3)} "
            f"| {fmt(row['precision'], 3)} | {fmt(row['recall'], 3)} | {fmt(row['f1'], 3)} "
            f"| {fmt(row['best_f1'], 3)} ({_threshold(row['best_threshold'])}) "
            f"| {fmt(row['bcubed_f1'], 3)} | {fmt(row['cluster_f1'], 3)} "
            f"| {row['n_clusters']:,} | {_lambda(row['lambda'])} "
            f"| {fmt(row['wall_s'], 2)} | {fmt(row['cpu_s'], 2)} "
            f"| {fmt(row['peak_rss_mib'], 0)} |")
    return "\n".join(lines + _comparison(summary) + _bar(summary) + _calibration(summary))


def _lambda(value: float | None) -> str:
    return "–" if value is None else f"{value:.3g}"


def _threshold(value: float | None) -> str:
    """Three significant digits, and the distance to 1 when closer (0.999 vs 1 − 2e-06)."""
    if value is None or value != value:
        return "–"
    return f"1 − {1 - value:.0e}" if 0.999 < value < 1 else f"{value:.3g}"


def _splink_row(summary: list[dict[str, Any]], dataset: str) -> dict[str, Any] | None:
    return next((r for r in summary if r["dataset"] == dataset and r["tool"] == "splink"
                 and r["ok"]), None)


def _comparison(summary: list[dict[str, Any]]) -> list[str]:
    """golden relative to Splink, per dataset and golden variant."""
    rows = []
    for row in summary:
        base = _splink_row(summary, row["dataset"])
        if row["tool"] == "splink" or not row["ok"] or base is None:
            continue
        rows.append(
            f"| {row['dataset']} | {TOOL_LABEL[row['tool']]} "
            f"| {ratio(row['wall_s'], base['wall_s'])} | {ratio(row['cpu_s'], base['cpu_s'])} "
            f"| {ratio(row['peak_rss_mib'], base['peak_rss_mib'])} "
            f"| {ratio(row['peak_rss_increase_mib'], base['peak_rss_increase_mib'])} "
            f"| {_delta(row['f1'], base['f1'])} | {_delta(row['best_f1'], base['best_f1'])} "
            f"| {_delta(row['bcubed_f1'], base['bcubed_f1'])} |")
    if not rows:
        return []
    return [
        "",
        "golden relative to Splink: time, CPU and memory as ratios (golden ÷ Splink; "
        "< 1 means golden uses less), accuracy as differences (golden − Splink; "
        "> 0 means golden is more accurate). 'peak Δ' is the peak RSS above the RSS "
        "at the start of the timed region (after imports and data loading).",
        "",
        "| dataset | golden | time × | CPU × | peak RSS × | peak Δ × | ΔF1 | Δbest F1 "
        "| ΔB³ F1 |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
        *rows,
    ]


def _bar(summary: list[dict[str, Any]]) -> list[str]:
    """The probabilities' bar: golden's F1 at 0.5 against its own best-threshold F1, and
    its clusters at 0.5 against Splink's best-threshold pairwise F1."""
    rows = []
    for row in summary:
        if row["tool"] == "splink" or not row["ok"]:
            continue
        base = _splink_row(summary, row["dataset"])
        best = None if base is None else base["best_f1"]
        rows.append(
            f"| {row['dataset']} | {TOOL_LABEL[row['tool']]} | {fmt(row['f1'], 3)} "
            f"| {fmt(row['best_f1'], 3)} ({_threshold(row['best_threshold'])}) "
            f"| {_delta(row['f1'], row['best_f1'])} | {fmt(row['bcubed_f1'], 3)} "
            f"| {fmt(row['cluster_f1'], 3)} | {fmt(best, 3)} "
            f"| {_delta(row['bcubed_f1'], best)} | {_delta(row['cluster_f1'], best)} |")
    if not rows:
        return []
    return [
        "",
        "golden's probabilities against the bar: gap = F1 at p ≥ 0.5 − best-threshold F1 "
        "(bar: within 0.02); its clusters at 0.5 (B³ F1, cl. F1) against Splink's "
        "best-threshold pairwise F1 (bar: ≥ it; margins in the last two columns).",
        "",
        "| dataset | golden | F1 @0.5 | best F1 (thr) | gap | B³ F1 | cl. F1 "
        "| Splink best F1 | B³ − Splink best | cl. − Splink best |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
        *rows,
    ]


def _calibration(summary: list[dict[str, Any]]) -> list[str]:
    """Each tool's label-free estimate of its precision and recall at 0.5
    (``golden.evaluate.estimated_metrics`` on its probabilities) against the truth."""
    rows = [
        f"| {row['dataset']} | {TOOL_LABEL[row['tool']]} "
        f"| {fmt(row['estimated_precision'], 3)} | {fmt(row['precision'], 3)} "
        f"| {_delta(row['estimated_precision'], row['precision'])} "
        f"| {fmt(row['estimated_recall'], 3)} | {fmt(row['candidate_recall'], 3)} "
        f"| {_delta(row['estimated_recall'], row['candidate_recall'])} |"
        for row in summary if row["ok"]]
    if not rows:
        return []
    return [
        "",
        "Calibration: precision and recall at p ≥ 0.5 as each tool's probabilities estimate "
        "them without labels (the sum of the probabilities, `golden.evaluate."
        "estimated_metrics`), against the truth. Recall is of the true pairs among the "
        "candidates (recall at 0.5 ÷ max R), as the estimate means it.",
        "",
        "| dataset | tool | est. P | true P | error | est. R | true R | error |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
        *rows,
    ]


def _delta(value: float | None, base: float | None) -> str:
    if value is None or base is None or value != value or base != base:
        return "–"
    return f"{value - base:+.3f}"


def golden_commit(golden_src: str | None) -> str:
    """The commit of the golden benchmarked: of ``--golden-src``'s checkout, or this one."""
    folder = golden_src or str(_harness.REPO)
    done = subprocess.run(["git", "-C", folder, "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=False)
    return done.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.golden_src:
        args.golden_src = str(Path(args.golden_src).resolve())
        sys.path.insert(0, args.golden_src)  # this process scores with the same golden
    print(f"running {args.tools} on {args.datasets}, {args.repeats} repeat(s)",
          file=sys.stderr, flush=True)
    started = time.perf_counter()
    runs = run_all(args)
    summary = summarise(runs, args.datasets, args.tools)
    table = markdown(summary, args.repeats)
    env = _harness.versions(PACKAGES)
    env.update(golden_commit=golden_commit(args.golden_src),
               golden_src=args.golden_src or "installed", platform=platform.platform(),
               cpus=str(os.cpu_count()),
               total_minutes=f"{(time.perf_counter() - started) / 60:.1f}")
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
