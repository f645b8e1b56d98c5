"""Scale benchmark: golden vs Splink 5 on golden's synthetic people (or FEBRL), end to end.

    python benchmarks/run.py --size 1m [--repeats 3] [--tools splink,golden,golden_demo]
    python benchmarks/run.py --dataset febrl3 --repeats 3

Each run is a fresh child process (``_scale_golden.py`` / ``_scale_splink.py``) that loads
the data (not timed), then times fit + predict (every candidate pair) + cluster at 0.5 and
measures its own RSS per phase. golden fits and predicts the same records with one
``fit_predict`` call, as its documentation does (``--golden-calls separate``: ``fit`` then
``predict``, which prepares and compares the records twice). The tool order alternates
from one repeat to the next.
Tools: ``splink``; ``golden``, the configuration matched to Splink's; ``golden_demo`` (people
only), golden's current demo configuration (surname, postcode, phone and e-mail compared
jointly), which Splink cannot express: a different configuration, not like for like.
Besides the timed runs, each golden tool gets:

* a "saved model" run per repeat: a fresh process that only ``Linker.load``\\s the model
  saved by that tool's first run, then predicts and clusters the same records;
* one cProfile run (not timed), whose cumulative times of golden's private functions
  split each public call into approximate stages.

This process scores every run with ``golden.evaluate`` against the truth, checks that both
tools scored the same candidate pairs, and prints Markdown tables (JSON with every run in
``--out``). Synthetic data are generated once per (size, seed) and cached as Parquet in
``benchmarks/.cache/``. See README.md for what is measured and how the configurations match.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _harness  # noqa: E402
import _scale_child  # noqa: E402
import _scale_configs  # noqa: E402
import _scale_data  # noqa: E402
from _harness import fmt, median, ratio  # noqa: E402

TOOLS = ("splink", "golden", "golden_demo")
# golden tools: the child's --variant (_scale_configs); all run _scale_golden.py
GOLDEN_VARIANT = {"golden": _scale_configs.EQUIVALENT, "golden_demo": _scale_configs.DEMO}
SCRIPT = {"splink": "_scale_splink.py", **dict.fromkeys(GOLDEN_VARIANT, "_scale_golden.py")}
SAVED = "_saved"  # suffix of a golden tool's saved-model runs
LABEL = {"splink": "Splink", "golden": "golden",
         "golden_demo": "golden (demo config: joint family comparison)",
         "golden_saved": "golden (saved model)",
         "golden_demo_saved": "golden demo config (saved model)"}
ROWS = ("splink", *GOLDEN_VARIANT, *(tool + SAVED for tool in GOLDEN_VARIANT))
DEFAULT_TIMEOUT = {"100k": 900, "1m": 3600, "5m": 14_400}  # seconds per child
PUBLIC_CALLS = ("fit", "fit_predict", "predict", "cluster")  # golden's timed calls, in order
PACKAGES = ("golden", "splink", "duckdb", "pandas", "numpy", "pyarrow", "rapidfuzz")


# ---------------------------------------------------------------------------
# arguments
# ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1m",
                        help="synthetic people: 100k, 1m, 5m (or a number); default 1m")
    parser.add_argument("--dataset", default=_scale_data.PEOPLE,
                        choices=[_scale_data.PEOPLE, *_scale_data.FEBRL],
                        help="people (synthetic, default) or febrl3 / febrl4 "
                             "(the accuracy benchmark's configurations; --size ignored)")
    parser.add_argument("--seed", type=int, default=0, help="make_people random_state")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tools", default=None,
                        help="comma-separated from splink, golden, golden_demo (people "
                             "only); default all three (FEBRL: splink, golden), except "
                             "golden only at 5m and above (the others then need --tools)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds per child run (default by size: "
                             + ", ".join(f"{k} {v}" for k, v in DEFAULT_TIMEOUT.items()) + ")")
    parser.add_argument("--out", default=None,
                        help="JSON results (default benchmarks/results/scale_<data>.json; "
                             "'' to skip)")
    parser.add_argument("--no-profile", action="store_true", help="skip golden's cProfile run")
    parser.add_argument("--no-saved", action="store_true",
                        help="skip golden's predict-with-a-saved-model runs")
    parser.add_argument("--golden-set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a golden Linker parameter in every golden run, e.g. "
                             "max_pairs=400000000 (reported with the results)")
    parser.add_argument("--golden-calls", choices=_scale_child.CALLS,
                        default=_scale_child.FIT_PREDICT,
                        help="fit_predict (default: one call, the records prepared and "
                             "compared once) or separate (fit, then predict)")
    parser.add_argument("--golden-src", default=None,
                        help="folder holding a golden package to benchmark (e.g. a copy of "
                             "src/ made for several runs); default: a snapshot of src/golden")
    parser.add_argument("--live-source", action="store_true",
                        help="import golden from the working tree in every child, instead of "
                             "a snapshot of src/golden taken when the benchmark starts")
    parser.add_argument("--check-normalisation", action="store_true",
                        help="before the runs, compare Splink's SQL normalisation with "
                             "golden's on every record (people only; not timed)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.dataset == _scale_data.PEOPLE:
        args.n_records = _scale_data.parse_size(args.size)
        args.label = f"people_{_scale_data.size_label(args.n_records)}"
        size_key = _scale_data.size_label(args.n_records)
    else:
        args.n_records = None
        args.label = args.dataset
        size_key = "100k"
    people = args.dataset == _scale_data.PEOPLE
    allowed = list(TOOLS) if people else [t for t in TOOLS if t != "golden_demo"]
    if args.tools is None:
        big = args.n_records is not None and args.n_records >= 5_000_000
        args.tools = ["golden"] if big else allowed
    else:
        args.tools = list(dict.fromkeys(t.strip() for t in args.tools.split(",") if t.strip()))
        unknown = [t for t in args.tools if t not in allowed]
        if unknown or not args.tools:
            parser.error(f"--tools: unknown or empty {unknown}; choose from {allowed}")
    if args.timeout is None:
        args.timeout = DEFAULT_TIMEOUT.get(size_key, 3600 + (args.n_records or 0) / 500)
    if args.out is None:
        args.out = str(HERE / "results" / f"scale_{args.label}.json")
    return args


# ---------------------------------------------------------------------------
# children
# ---------------------------------------------------------------------------


def run_child(args: argparse.Namespace, tool: str, mode: str, out: Path | None,
              model: Path | None = None) -> dict[str, Any]:
    """One fresh child process; its JSON report, or a timeout / failure record.

    With a snapshot of golden's source (the default), the child imports golden from it.
    """
    command = [sys.executable, str(HERE / SCRIPT[tool]), "--dataset", args.dataset,
               "--seed", str(args.seed), "--mode", mode]
    if args.n_records is not None:
        command += ["--n-records", str(args.n_records)]
    if out is not None:
        command += ["--out", str(out)]
    if model is not None:
        command += ["--model", str(model)]
    if tool in GOLDEN_VARIANT:
        command += ["--variant", GOLDEN_VARIANT[tool], "--calls", args.golden_calls]
        for item in args.golden_set:
            command += ["--set", item]
    report = _harness.run_json_child(command, args.golden_path, args.timeout)
    if report["status"] == "ok" and not args.golden_path:
        # live source: note the commit, edits may land between runs
        report["golden_source"] = _harness.golden_source()
    return report


def score(outputs: Path, truth: pd.Series, source: pd.Series | None) -> dict[str, Any]:
    """golden.evaluate on one run's pairs and clusters."""
    from golden.evaluate import best_threshold, cluster_metrics, pairwise_metrics

    pairs = pd.read_parquet(outputs / "pairs.parquet")
    clusters = pd.read_parquet(outputs / "clusters.parquet")
    at_half = pairwise_metrics(pairs, truth, threshold=_scale_child.CLUSTER_THRESHOLD,
                               source=source)
    everything = pairwise_metrics(pairs, truth, source=source)
    best = best_threshold(pairs, truth, source=source)
    cluster = cluster_metrics(clusters, truth)
    return {
        "blocking_recall": everything["recall"],
        "precision": at_half["precision"], "recall": at_half["recall"], "f1": at_half["f1"],
        "best_f1": best["f1"], "best_threshold": best["threshold"],
        "bcubed_precision": cluster["bcubed_precision"],
        "bcubed_recall": cluster["bcubed_recall"], "bcubed_f1": cluster["bcubed_f1"],
        "n_clusters": cluster["n_clusters"], "n_true_clusters": cluster["n_true_clusters"],
        "largest_cluster": cluster["largest_cluster"],
    }


def compare_pair_sets(golden_out: Path, splink_out: Path) -> dict[str, int]:
    """How many candidate pairs both tools scored, and how many only one of them did
    ("golden": the golden tool whose outputs are in ``golden_out``)."""
    columns = ["unique_id_l", "unique_id_r"]
    a = pd.read_parquet(golden_out / "pairs.parquet", columns=columns)
    b = pd.read_parquet(splink_out / "pairs.parquet", columns=columns)
    codes, uniques = pd.factorize(pd.concat(
        [a["unique_id_l"], a["unique_id_r"], b["unique_id_l"], b["unique_id_r"]],
        ignore_index=True))
    n, na, nb = len(uniques), len(a), len(b)
    codes = codes.astype(np.int64)

    def keys(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return np.unique(np.minimum(left, right) * n + np.maximum(left, right))

    ka = keys(codes[:na], codes[na:2 * na])
    kb = keys(codes[2 * na:2 * na + nb], codes[2 * na + nb:])
    both = int(np.intersect1d(ka, kb, assume_unique=True).size)
    return {"golden": na, "splink": nb, "golden_distinct": int(ka.size),
            "splink_distinct": int(kb.size), "both": both,
            "only_golden": int(ka.size) - both, "only_splink": int(kb.size) - both}


def run_all(args: argparse.Namespace, truth: pd.Series, source: pd.Series | None
            ) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]],
                       dict[str, dict[str, Any]]]:
    """Every repeat's runs; the candidate-pair check and the cProfile run per golden tool."""
    runs: list[dict[str, Any]] = []
    pair_checks: dict[str, dict[str, Any]] = {}
    profiles: dict[str, dict[str, Any]] = {}
    golden_tools = [tool for tool in args.tools if tool in GOLDEN_VARIANT]
    with tempfile.TemporaryDirectory(prefix="golden-scale-") as tmp:
        work = Path(tmp)
        models = {tool: work / f"model-{tool}.json" for tool in golden_tools}
        for repeat in range(args.repeats):
            shift = repeat % len(args.tools)
            order = args.tools[shift:] + args.tools[:shift]
            kinds = [(tool, "run") for tool in order]
            if not args.no_saved:
                kinds += [(tool, "saved") for tool in golden_tools]
            outputs: dict[str, Path] = {}
            for tool, mode in kinds:
                name = tool if mode == "run" else tool + SAVED
                model = models.get(tool)
                if mode == "saved" and (model is None or not model.exists()):
                    continue
                out = work / f"r{repeat}-{name}"
                save = model if (mode == "run" and model is not None and not model.exists()) \
                    else None
                report = run_child(args, tool, mode, out,
                                   model if mode == "saved" else save)
                report.update(tool=name, repeat=repeat)
                if report["status"] == "ok":
                    report.update(score(out, truth, source))
                    outputs[name] = out
                runs.append(report)
                _log_run(args, report)
            for tool in golden_tools:
                if tool not in pair_checks and {tool, "splink"} <= outputs.keys():
                    pair_checks[tool] = compare_pair_sets(outputs[tool], outputs["splink"])
                    print(f"  candidate pairs, {tool} vs splink: {pair_checks[tool]}",
                          file=sys.stderr, flush=True)
            for out in outputs.values():
                shutil.rmtree(out, ignore_errors=True)
        for tool in [] if args.no_profile else golden_tools:
            profiles[tool] = run_child(args, tool, "profile", None)
            profiles[tool].update(tool=f"{tool}_profile")
            print(f"  cProfile run, {tool}: {profiles[tool]['status']} "
                  f"({profiles[tool].get('wall_s', float('nan')):.1f} s profiled)",
                  file=sys.stderr, flush=True)
    return runs, pair_checks, profiles


def _log_run(args: argparse.Namespace, report: dict[str, Any]) -> None:
    width = max(len(LABEL[tool]) for tool in ROWS)
    head = f"  repeat {report['repeat'] + 1}/{args.repeats}  {LABEL[report['tool']]:<{width}}"
    if report["status"] != "ok":
        detail = report.get("stderr_tail", "")
        print(f"{head} {report['status'].upper()} after {report['process_s']:.0f} s\n{detail}",
              file=sys.stderr, flush=True)
        return
    print(f"{head} {report['wall_s']:8.2f} s  {report['peak_rss_mib']:7.0f} MiB  "
          f"{report['n_pairs']:>11,} pairs  F1@0.5 {report['f1']:.4f}  "
          f"(load avg {report['load_before']:.1f})", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# summary
# ---------------------------------------------------------------------------

NUMERIC = ("wall_s", "cpu_s", "peak_rss_mib", "peak_rss_increase_mib", "rss_start_mib",
           "n_pairs", "blocking_recall", "precision", "recall", "f1", "best_f1",
           "best_threshold", "bcubed_precision", "bcubed_recall", "bcubed_f1", "n_clusters",
           "lambda", "save_s", "model_bytes")


def summarise(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for tool in ROWS:
        mine = [r for r in runs if r["tool"] == tool]
        if not mine:
            continue
        ok = [r for r in mine if r["status"] == "ok"]
        row: dict[str, Any] = {"tool": tool, "runs": len(mine), "ok": len(ok),
                               "statuses": sorted({r["status"] for r in mine})}
        if not ok:
            row.update(_harness.failure_summary(mine))
            rows.append(row)
            continue
        for key in NUMERIC:
            row[key] = median([r.get(key) for r in ok])
        phases = list(dict.fromkeys(p for r in ok for p in r["phases_s"]))
        row["phases_s"] = {p: median([r["phases_s"].get(p) for r in ok]) for p in phases}
        row["phase_peak_sampled_mib"] = {
            p: median([r["phase_peak_rss_sampled_mib"].get(p) for r in ok]) for p in phases}
        row["phase_peak_exact_mib"] = {
            p: median([r["phase_peak_rss_exact_mib"].get(p) for r in ok]) for p in phases}
        row["wall_s_all"] = [round(r["wall_s"], 2) for r in ok]
        accuracy = {(r["f1"], r["best_f1"], r["bcubed_f1"], r["n_pairs"]) for r in ok}
        row["accuracy_varies_across_repeats"] = len(accuracy) > 1
        row["fit_warnings"] = sorted({w for r in ok for w in r.get("fit_warnings", [])})
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------


def _thr(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return f"{value:.2f}" if value >= 0.01 or value == 0 else f"{value:.1e}"


def _lambda(value: Any) -> str:
    return "–" if value is None else f"{value:.2e}"


def _delta(value: Any, base: Any) -> str:
    return "–" if value is None or base is None else f"{value - base:+.4f}"


DEMO_NOTE = (" The demo configuration is **not like for like**: it compares surname, "
             "postcode, phone and e-mail jointly (Splink's comparison library cannot express "
             "that) and blocks on a postcode key without spaces; its row shows what golden's "
             "own demo configuration costs and gains against the same Splink runs.")
STAGE_NOTE = (
    "golden stage by stage. 'time s' of the public calls is measured (median of the "
    "timed runs); the split inside each call is **approximate**: in a separate cProfile "
    "run, every function's own time is attributed to the stage of its closest "
    "enclosing golden private function (random_patterns, candidate_pairs, gamma_matrix, fit_em, "
    "…; normalisation wherever it happens counts as 'prepare & normalise'), and each "
    "stage's share of the profiled call is applied to the measured time (profiling "
    "slows Python-level code more than NumPy kernels). Peak RSS per public call: max "
    "of a 100 ms psutil sampler / exact kernel high-water mark.")


def markdown(args: argparse.Namespace, summary: list[dict[str, Any]],
             pair_checks: dict[str, dict[str, Any]], profiles: dict[str, dict[str, Any]],
             n_records: int) -> str:
    by_tool = {row["tool"]: row for row in summary}
    goldens = [tool for tool in GOLDEN_VARIANT if by_tool.get(tool, {}).get("ok")]
    overrides = (f" golden's Linker parameters overridden: {', '.join(args.golden_set)}."
                 if args.golden_set else "")
    lines = [
        f"**{args.label}** ({n_records:,} records): median of {args.repeats} run(s); "
        "time = fit + predict (all candidate pairs) + cluster at 0.5, end to end in a fresh "
        "process (golden: " + (
            "`fit_predict`, then `cluster`" if args.golden_calls == _scale_child.FIT_PREDICT
            else "`fit`, `predict`, then `cluster`") + "; Splink: incl. its DuckDB "
        "normalisation and the export of results to pandas); peak RSS = the tool "
        "process's peak during that region (data loaded before it: 'start' column). "
        "Accuracy at match probability ≥ 0.5; best F1 over "
        "all thresholds; B³ F1 of the clusters at 0.5; λ = the fitted prior probability "
        "that two random records match." + overrides,
        "",
        "| tool | time s | CPU s | peak RSS MiB | start MiB | pairs | P | R | F1 "
        "| best F1 (thr) | B³ F1 | clusters | λ |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in summary:
        if not row["ok"]:
            status = ", ".join(row["statuses"])
            error = (row.get("error") or "").replace("|", "/")
            error = error if len(error) <= 240 else error[:237] + "…"
            lines.append(f"| {LABEL[row['tool']]} | {status.upper()}"
                         + (f" (> {row['timeout_s']:,.0f} s)" if "timeout" in status else "")
                         + (f": {error}" if error else "")
                         + " | | | | | | | | | | | |")
            continue
        lines.append(
            f"| {LABEL[row['tool']]} | {fmt(row['wall_s'], 1)} | {fmt(row['cpu_s'], 1)} "
            f"| {fmt(row['peak_rss_mib'])} | {fmt(row['rss_start_mib'])} "
            f"| {fmt(row['n_pairs'])} | {fmt(row['precision'], 4)} "
            f"| {fmt(row['recall'], 4)} | {fmt(row['f1'], 4)} "
            f"| {fmt(row['best_f1'], 4)} ({_thr(row['best_threshold'])}) "
            f"| {fmt(row['bcubed_f1'], 4)} | {fmt(row['n_clusters'])} "
            f"| {_lambda(row.get('lambda'))} |")
    splink = by_tool.get("splink")
    if goldens and splink and splink["ok"]:
        lines += [
            "",
            "golden ÷ Splink (< 1: golden uses less) and golden − Splink for accuracy; "
            "'peak Δ' is the peak RSS above the RSS at the start of the timed region."
            + (DEMO_NOTE if "golden_demo" in goldens else ""),
            "",
            "| golden | time × | CPU × | peak RSS × | peak Δ × | ΔF1 | Δbest F1 | ΔB³ F1 |",
            "|---|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for tool in goldens:
            golden = by_tool[tool]
            lines.append(
                f"| {LABEL[tool]} "
                f"| {ratio(golden['wall_s'], splink['wall_s'])} "
                f"| {ratio(golden['cpu_s'], splink['cpu_s'])} "
                f"| {ratio(golden['peak_rss_mib'], splink['peak_rss_mib'])} "
                f"| {ratio(golden['peak_rss_increase_mib'], splink['peak_rss_increase_mib'])} "
                f"| {_delta(golden['f1'], splink['f1'])} "
                f"| {_delta(golden['best_f1'], splink['best_f1'])} "
                f"| {_delta(golden['bcubed_f1'], splink['bcubed_f1'])} |")
    if pair_checks:
        lines += [
            "",
            "Candidate pairs (first repeat): golden's equivalent configuration must score "
            "the same pairs as Splink"
            + ("; the demo configuration's surname + postcode key drops spaces, so its "
               "pairs differ" if "golden_demo" in pair_checks else "") + ".",
            "",
            "| golden | golden pairs | Splink pairs | in both | only golden | only Splink |",
            "|---|--:|--:|--:|--:|--:|",
        ]
        for tool, check in pair_checks.items():
            lines.append(
                f"| {LABEL[tool]} | {check['golden']:,} | {check['splink']:,} "
                f"| {check['both']:,} | {check['only_golden']:,} | {check['only_splink']:,} |")
    phase_rows = [row for row in summary if row["ok"] and not row["tool"].endswith(SAVED)]
    if phase_rows:
        lines += ["", "Time per phase (median s) and peak RSS per phase (MiB, exact "
                  "high-water mark):", "",
                  "| tool | phase | time s | peak RSS MiB |", "|---|---|--:|--:|"]
        for row in phase_rows:
            for phase, seconds in row["phases_s"].items():
                lines.append(f"| {LABEL[row['tool']]} | {phase} | {fmt(seconds, 2)} "
                             f"| {fmt(_peak(row, phase))} |")
    if goldens:
        lines += ["", STAGE_NOTE]
    for tool in goldens:
        lines += ["", f"**{LABEL[tool]}**:", "", *_stage_table(by_tool[tool], profiles.get(tool))]
    saved = [tool for tool in goldens if by_tool.get(tool + SAVED, {}).get("ok")]
    if saved:
        models = "; ".join(f"{LABEL[tool]}: {fmt(by_tool[tool].get('model_bytes'))} bytes "
                           f"of JSON, saved in {fmt(by_tool[tool].get('save_s'), 3)} s"
                           for tool in saved)
        lines += [
            "",
            "golden predicting with a saved model: a fresh process runs `Linker.load` + "
            "`predict` + `cluster` on the same records (no fit). Model saved once by each "
            f"configuration's first run ({models}).",
            "",
            "| golden | run | load s | predict s | cluster s | total s | peak RSS MiB | pairs "
            "| F1 | B³ F1 |",
            "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for tool in saved:
            row, fitted = by_tool[tool + SAVED], by_tool[tool]
            lines += [
                f"| {LABEL[tool]} | saved model | {fmt(row['phases_s'].get('load'), 3)} "
                f"| {fmt(row['phases_s'].get('predict'), 2)} "
                f"| {fmt(row['phases_s'].get('cluster'), 2)} | {fmt(row['wall_s'], 2)} "
                f"| {fmt(row['peak_rss_mib'])} | {fmt(row['n_pairs'])} "
                f"| {fmt(row['f1'], 4)} | {fmt(row['bcubed_f1'], 4)} |",
                f"| {LABEL[tool]} | {' + '.join(_timed_calls(fitted))} | – "
                f"| {_predicting(fitted)} "
                f"| {fmt(fitted['phases_s'].get('cluster'), 2)} | {fmt(fitted['wall_s'], 2)} "
                f"| {fmt(fitted['peak_rss_mib'])} | {fmt(fitted['n_pairs'])} "
                f"| {fmt(fitted['f1'], 4)} | {fmt(fitted['bcubed_f1'], 4)} |",
            ]
    return "\n".join(lines)


def _timed_calls(row: dict[str, Any]) -> list[str]:
    """golden's public calls in a run, in order."""
    return [call for call in PUBLIC_CALLS if call in row["phases_s"]]


def _predicting(row: dict[str, Any]) -> str:
    """Seconds of the call that predicted, named when it is ``fit_predict`` (which also
    fitted)."""
    phases = row["phases_s"]
    if "predict" in phases:
        return fmt(phases["predict"], 2)
    return f"{fmt(phases.get('fit_predict'), 2)} (fit_predict)"


def _peak(row: dict[str, Any], phase: str) -> Any:
    exact = row.get("phase_peak_exact_mib", {}).get(phase)
    return exact if exact is not None else row.get("phase_peak_sampled_mib", {}).get(phase)


def _stage_table(golden: dict[str, Any], profile: dict[str, Any] | None) -> list[str]:
    """One golden tool's public calls, split into stages by its cProfile run (if any)."""
    stages = (profile or {}).get("profile_stages_s", {}) if (profile or {}).get(
        "status") == "ok" else {}
    lines = [
        "| stage | time s | share (cProfile) | cProfile s | peak RSS MiB (sampled / exact) |",
        "|---|--:|--:|--:|--:|",
    ]
    calls = _timed_calls(golden)
    for call in calls:
        measured = golden["phases_s"].get(call)
        split = stages.get(call, {})
        total = sum(v for k, v in split.items() if k != "total") or None
        sampled = golden["phase_peak_sampled_mib"].get(call)
        exact = golden["phase_peak_exact_mib"].get(call)
        lines.append(f"| **{call}** | **{fmt(measured, 2)}** | | {fmt(total, 2)} "
                     f"| {fmt(sampled)} / {fmt(exact)} |")
        for stage, seconds in split.items():
            if stage == "total" or not total:
                continue
            share = seconds / total
            lines.append(f"| · {stage} | ≈ {fmt(share * measured, 2)} | {share:.0%} "
                         f"| {fmt(seconds, 2)} | |")
    lines.append(f"| **total** | **{fmt(golden['wall_s'], 2)}** | | "
                 f"{fmt((profile or {}).get('wall_s'), 2)} | {fmt(golden['peak_rss_mib'])} |")
    functions = (profile or {}).get("profile_functions", {})
    if functions:
        names = list(next(iter(functions.values())))
        lines += ["", "cProfile cumulative seconds (calls) of golden's private functions, per "
                  "public call (profiled run; functions nest, so rows overlap):", "",
                  "| function | " + " | ".join(calls) + " |",
                  "|---|" + "--:|" * len(calls)]
        for name in names:
            cells = []
            for call in calls:
                item = functions.get(call, {}).get(name, {})
                cells.append(f"{item['cumulative_s']:.2f} ({item['calls']})"
                             if item.get("calls") else "–")
            lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
        missing = (profile or {}).get("profile_missing_functions")
        if missing:
            lines.append(f"\n(not found in this golden: {', '.join(missing)})")
    return lines


# ---------------------------------------------------------------------------


def source_hash(folder: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def check_normalisation(n_records: int, seed: int) -> dict[str, int]:
    """Rows whose Splink-side (DuckDB SQL) value differs from golden's, per column."""
    import duckdb

    frame = _scale_data.load(_scale_data.PEOPLE, n_records, seed).frames[0]
    con = duckdb.connect()
    con.register(_scale_configs.RAW_TABLE, frame)
    con.execute(_scale_configs.normalise_sql())
    sql = con.execute(f"select * from {_scale_configs.CLEAN_TABLE}").df()
    sql = sql.set_index("unique_id").loc[frame["unique_id"].to_numpy()]
    mismatches = {}
    for name, ours in _scale_configs.golden_normalised(frame).items():
        a = pd.Series(ours.to_numpy(dtype=object), index=sql.index)
        b = sql[name].astype(object)
        both_null = a.isna().to_numpy() & b.isna().to_numpy()
        differ = ~both_null & (a.fillna("\0").to_numpy() != b.fillna("\0").to_numpy())
        mismatches[name] = int(differ.sum())
    return mismatches


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="golden-src-") as snapshot_dir:
        source_state = _harness.golden_source()  # before the snapshot: the state that was copied
        if args.golden_src:
            args.golden_path = str(Path(args.golden_src).resolve())
            if not (Path(args.golden_path) / "golden" / "__init__.py").exists():
                raise SystemExit(f"--golden-src: no golden package in {args.golden_path}")
            source_state.update(commit=f"from {args.golden_path}", src_golden_dirty=False)
        elif args.live_source:
            args.golden_path = None
        else:
            args.golden_path = _harness.snapshot_golden(Path(snapshot_dir))
        if args.golden_path:
            sys.path.insert(0, args.golden_path)  # this process scores with the same golden
        source_state["source_hash"] = source_hash(
            Path(args.golden_path or HERE.parent / "src") / "golden")
        source_state["snapshot"] = bool(args.golden_path)
        return _main(args, source_state)


def _main(args: argparse.Namespace, source_state: dict[str, Any]) -> int:
    if args.dataset == _scale_data.PEOPLE:
        _scale_data.ensure_people(args.n_records, args.seed)
    truth, source, n_records = _scale_data.load_truth(args.dataset, args.n_records, args.seed)
    normalisation = None
    if args.check_normalisation and args.dataset == _scale_data.PEOPLE:
        normalisation = check_normalisation(args.n_records, args.seed)
        print(f"normalisation check (rows differing per column): {normalisation}",
              file=sys.stderr, flush=True)
    golden_note = _harness.source_note(source_state, source_state["snapshot"])
    print(f"running {args.tools} on {args.label}, {args.repeats} repeat(s), "
          f"timeout {args.timeout:,.0f} s per run; {golden_note}", file=sys.stderr, flush=True)
    runs, pair_checks, profiles = run_all(args, truth, source)
    summary = summarise(runs)
    table = markdown(args, summary, pair_checks, profiles, n_records)
    env = _harness.versions(PACKAGES)
    env.update(golden_source=golden_note + f", source hash {source_state['source_hash']}",
               platform=platform.platform(), cpus=str(os.cpu_count()))
    payload = {
        "command": " ".join(["python", "benchmarks/run.py", *sys.argv[1:]]),
        "environment": env,
        "golden_source": source_state,
        "dataset": args.label,
        "n_records": n_records,
        "seed": args.seed,
        "tools": args.tools,
        "repeats": args.repeats,
        "timeout_s": args.timeout,
        "golden_overrides": args.golden_set,
        "golden_calls": args.golden_calls,
        "normalisation_mismatches": normalisation,
        "candidate_pairs": pair_checks,  # per golden tool, vs Splink
        "summary": summary,
        "runs": runs,
        "profiles": profiles,  # per golden tool
        "markdown": table,
    }
    _harness.publish(table, env, args.out, payload)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
