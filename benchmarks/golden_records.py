"""Golden-record benchmark: golden's GoldenRecordBuilder vs hand-written pandas, and households.

    python benchmarks/golden_records.py --size 1m --repeats 3
    python benchmarks/golden_records.py --parts households --households-size 1m --repeats 1

Two parts, on golden's synthetic people (``_scale_data``, cached as Parquet):

* ``golden-records``: golden records at scale with the entities given (the true
  ``person_id``), golden's ``GoldenRecordBuilder`` vs ``_gr_baseline.golden_records``,
  the same rules written by hand in pandas (no provenance). Fresh child process per run,
  tool order alternating; medians; golden ÷ baseline ratios; and how often the two agree,
  per attribute.
* ``households``: raw records → ``Linker`` (golden's demo configuration) → clusters →
  golden records → ``HouseholdGrouper``, stage by stage, with household and person
  accuracy against the truth. No reference library groups households, so no ratio.

Each run is a fresh ``_gr_child.py`` process that reads the data and imports its library
before the timed region and reports wall time, CPU time and peak RSS. Markdown tables go
to stdout, progress to stderr, every run to ``--out`` (JSON). See README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _gr_baseline  # noqa: E402
import _gr_child  # noqa: E402
import _harness  # noqa: E402
import _scale_data  # noqa: E402
from _harness import fmt, median, ratio  # noqa: E402

PARTS = ("golden-records", "households")
HOUSEHOLD_TARGET_F1 = 0.95  # the households' accuracy target
TOOLS = ("golden", "baseline")
LABEL = {"golden": "golden `GoldenRecordBuilder`", "baseline": "pandas baseline"}
STAGE_LABEL = {"link": "link: `Linker.fit_predict` + `cluster(0.5)`",
               "golden records": "golden records: `GoldenRecordBuilder.build`",
               "households": "households: `HouseholdGrouper.fit_transform`"}
# seconds per child process, by part and size
DEFAULT_TIMEOUT = {"golden-records": {"100k": 600, "1m": 1800, "5m": 7200},
                   "households": {"100k": 1800, "1m": 3600, "5m": 14_400}}
PACKAGES = ("golden", "pandas", "numpy", "pyarrow", "rapidfuzz")  # versions reported


# ---------------------------------------------------------------------------
# arguments
# ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1m",
                        help="golden-records part: 100k, 1m, 5m (or a number); default 1m")
    parser.add_argument("--households-size", default="100k",
                        help="households part: 100k, 1m (or a number); default 100k")
    parser.add_argument("--parts", default=",".join(PARTS),
                        help=f"comma-separated from {', '.join(PARTS)}; default both")
    parser.add_argument("--seed", type=int, default=0, help="make_people random_state")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds per child run (default by part and size: golden "
                             "records 600 / 1,800 s at 100k / 1M, households 1,800 / 3,600 s)")
    parser.add_argument("--out", default=None,
                        help="JSON results (default benchmarks/results/golden_records.json; "
                             "'' to skip)")
    parser.add_argument("--live-source", action="store_true",
                        help="import golden from the working tree in every child, instead of "
                             "a snapshot of src/golden taken when the benchmark starts")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    args.parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    if not args.parts or set(args.parts) - set(PARTS):
        parser.error(f"--parts: got {args.parts}; choose from {list(PARTS)}")
    args.n_records = _scale_data.parse_size(args.size)
    args.n_households = _scale_data.parse_size(args.households_size)
    if args.out is None:
        args.out = str(HERE / "results" / "golden_records.json")
    return args


def timeout(args: argparse.Namespace, part: str, n_records: int) -> float:
    if args.timeout is not None:
        return args.timeout
    size = _scale_data.size_label(n_records)
    return DEFAULT_TIMEOUT[part].get(size, 1800 + n_records / 500)


# ---------------------------------------------------------------------------
# children
# ---------------------------------------------------------------------------


def run_child(args: argparse.Namespace, mode: str, n_records: int, limit: float,
              out: Path | None = None) -> dict[str, Any]:
    """One fresh ``_gr_child.py`` process; its JSON report, or a timeout / failure record."""
    command = [sys.executable, str(HERE / "_gr_child.py"), "--mode", mode,
               "--n-records", str(n_records), "--seed", str(args.seed)]
    if out is not None:
        command += ["--out", str(out)]
    return _harness.run_json_child(command, args.golden_path, limit)


def _log(head: str, report: dict[str, Any], detail: str = "") -> None:
    if report["status"] != "ok":
        print(f"  {head:<34} {report['status'].upper()} after {report['process_s']:.0f} s\n"
              f"{report.get('stderr_tail', '')}", file=sys.stderr, flush=True)
        return
    print(f"  {head:<34} {report['wall_s']:8.2f} s  {report['peak_rss_mib']:7.0f} MiB peak"
          f"{detail}  (load avg {report['load_before']:.1f})", file=sys.stderr, flush=True)


def run_golden_records(args: argparse.Namespace) -> tuple[list[dict[str, Any]],
                                                          dict[str, Any] | None]:
    """The timed runs of both tools, alternating, and their agreement (first repeat)."""
    limit = timeout(args, "golden-records", args.n_records)
    print(f"golden records, people_{_scale_data.size_label(args.n_records)}: "
          f"{args.repeats} repeat(s), timeout {limit:,.0f} s per run",
          file=sys.stderr, flush=True)
    runs: list[dict[str, Any]] = []
    agreement = None
    with tempfile.TemporaryDirectory(prefix="golden-records-") as tmp:
        for repeat in range(args.repeats):
            order = TOOLS[repeat % 2:] + TOOLS[:repeat % 2]
            outputs: dict[str, Path] = {}
            for tool in order:
                out = Path(tmp) / tool if repeat == 0 else None
                report = run_child(args, tool, args.n_records, limit, out)
                report.update(tool=tool, repeat=repeat)
                runs.append(report)
                _log(f"repeat {repeat + 1}/{args.repeats}  {LABEL[tool]}", report)
                if report["status"] == "ok" and out is not None:
                    outputs[tool] = out
            if repeat == 0 and outputs.keys() == set(TOOLS):
                agreement = compare_records(outputs["golden"], outputs["baseline"])
                shares = ", ".join(f"{c} {a['same']:.4f}" for c, a in agreement.items())
                print(f"  agreement (share of entities): {shares}", file=sys.stderr, flush=True)
    return runs, agreement


def run_households(args: argparse.Namespace) -> list[dict[str, Any]]:
    limit = timeout(args, "households", args.n_households)
    print(f"households, people_{_scale_data.size_label(args.n_households)}: "
          f"{args.repeats} repeat(s), timeout {limit:,.0f} s per run",
          file=sys.stderr, flush=True)
    runs = []
    for repeat in range(args.repeats):
        report = run_child(args, "households", args.n_households, limit)
        report.update(tool="households", repeat=repeat)
        runs.append(report)
        detail = (f"  household F1 {report['household']['pairwise_f1']:.4f}"
                  if report["status"] == "ok" else "")
        _log(f"repeat {repeat + 1}/{args.repeats}  households", report, detail)
    return runs


# ---------------------------------------------------------------------------
# agreement of the two tools' golden records
# ---------------------------------------------------------------------------


def compare_records(golden_out: Path, baseline_out: Path) -> dict[str, dict[str, Any]]:
    """Per attribute, the share of entities whose golden value (a list for e-mails and
    phones, compared in order) is the same in both tools, nulls equal to nulls.

    For the address columns also the same share once golden's group completions (values
    golden took from a second, compatible record, which the baseline never does) are
    counted as null.
    """
    golden = pq.read_table(golden_out / _gr_child.RECORDS_FILE)
    baseline = pq.read_table(baseline_out / _gr_child.RECORDS_FILE)
    ids = golden.column("entity_id").to_numpy()
    position = pd.Index(baseline.column("entity_id").to_numpy()).get_indexer(ids)
    if (position < 0).any() or len(ids) != baseline.num_rows:
        raise RuntimeError("golden and the baseline returned different entities")
    out: dict[str, dict[str, Any]] = {}
    for column in ["n_records", *_gr_baseline.COLUMNS]:
        ours = golden.column(column).to_pylist()
        theirs = baseline.column(column).take(position).to_pylist()
        same = np.fromiter((a == b for a, b in zip(ours, theirs, strict=True)), bool, len(ours))
        row: dict[str, Any] = {"same": float(same.mean()), "differ": int((~same).sum())}
        if column in _gr_baseline.ADDRESS:
            completed = golden.column(_gr_child.COMPLETED + column).to_numpy()
            undone = same.copy()
            undone[completed] = [theirs[i] is None for i in np.flatnonzero(completed)]
            row.update(golden_completed=int(completed.sum()),
                       same_without_completion=float(undone.mean()))
        out[column] = row
    return out


# ---------------------------------------------------------------------------
# summary
# ---------------------------------------------------------------------------

NUMERIC = ("wall_s", "cpu_s", "peak_rss_mib", "rss_start_mib", "peak_rss_increase_mib",
           "n_entities", "n_provenance_rows", "n_pairs", "n_households", "n_true_households")


def summarise(runs: list[dict[str, Any]], tool: str) -> dict[str, Any]:
    """Medians over one tool's successful runs (accuracy: median, and whether it varied)."""
    row, ok = _harness.tool_runs(runs, tool)
    if not ok:
        return row
    for key in NUMERIC:
        row[key] = median([r.get(key) for r in ok])
    stages = list(dict.fromkeys(s for r in ok for s in r["stages_s"]))
    row["stages_s"] = {s: median([r["stages_s"].get(s) for r in ok]) for s in stages}
    row["stage_peak_rss_mib"] = {s: median([r["stage_peak_rss_mib"].get(s) for r in ok])
                                 for s in stages}
    row["wall_s_all"] = [round(r["wall_s"], 2) for r in ok]
    row["warnings"] = sorted({w for r in ok for w in r.get("warnings", [])})
    for scope in ("household", "person", "household_true_people", "household_ceiling",
                  "household_evidence_bound", "household_misses",
                  "household_misses_true_people"):
        if scope in ok[0]:
            row[scope] = {k: median([r[scope][k] for r in ok]) for k in ok[0][scope]}
            row[f"{scope}_varies_across_repeats"] = len(
                {json.dumps(r[scope], sort_keys=True) for r in ok}) > 1
    return row


# ---------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------


def golden_records_table(args: argparse.Namespace, summary: dict[str, dict[str, Any]],
                         agreement: dict[str, dict[str, Any]] | None) -> list[str]:
    label = f"people_{_scale_data.size_label(args.n_records)}"
    golden, baseline = summary["golden"], summary["baseline"]
    entities = golden.get("n_entities") or baseline.get("n_entities")
    lines = [
        f"**Golden records, {label}** ({args.n_records:,} records, {fmt(entities)} entities "
        f"= the true `person_id`): median of {args.repeats} run(s), each in a fresh process, "
        "tool order alternating; time = golden's `build(records, clusters)` or the pandas "
        "function, from the same frames (read before the timed region, RSS then in 'start "
        "MiB'); peak RSS = the process's peak during that region; peak Δ = peak − start. "
        f"{_harness.load_note(list(summary.values()))}.",
        "",
        "| tool | time s | CPU s | peak RSS MiB | start MiB | peak Δ MiB | golden records "
        "| provenance rows |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for tool in TOOLS:
        row = summary[tool]
        if not row["ok"]:
            lines.append(_harness.failed_row(LABEL[tool], row, 7))
            continue
        lines.append(
            f"| {LABEL[tool]} | {fmt(row['wall_s'], 2)} | {fmt(row['cpu_s'], 2)} "
            f"| {fmt(row['peak_rss_mib'])} | {fmt(row['rss_start_mib'])} "
            f"| {fmt(row['peak_rss_increase_mib'])} | {fmt(row['n_entities'])} "
            f"| {fmt(row.get('n_provenance_rows')) if tool == 'golden' else 'none'} |")
    if golden["ok"] and baseline["ok"]:
        lines += [
            "",
            "golden ÷ pandas baseline (< 1: golden uses less):",
            "",
            "| time × | CPU × | peak RSS × | peak Δ × |",
            "|--:|--:|--:|--:|",
            f"| {ratio(golden['wall_s'], baseline['wall_s'])} "
            f"| {ratio(golden['cpu_s'], baseline['cpu_s'])} "
            f"| {ratio(golden['peak_rss_mib'], baseline['peak_rss_mib'])} "
            f"| {ratio(golden['peak_rss_increase_mib'], baseline['peak_rss_increase_mib'])} |",
        ]
    if agreement:
        lines += [
            "",
            "Agreement (first repeat): share of entities whose value is the same in both "
            "outputs (e-mail and phone lists: same values in the same order). For the "
            "address, golden completes the most recent record's missing street / city / "
            "postcode from a compatible record of the same entity; the last column counts "
            "those completed values as null, i.e. compares the rule itself.",
            "",
            "| attribute | same | differing entities | golden completed | same, completions "
            "undone |",
            "|---|--:|--:|--:|--:|",
        ]
        for column, row in agreement.items():
            undone = row.get("same_without_completion")
            lines.append(f"| {column} | {row['same']:.2%} | {row['differ']:,} "
                         f"| {fmt(row.get('golden_completed'))} "
                         f"| {'–' if undone is None else f'{undone:.2%}'} |")
    return lines


def households_table(args: argparse.Namespace, row: dict[str, Any]) -> list[str]:
    label = f"people_{_scale_data.size_label(args.n_households)}"
    head = (f"**Households end to end, {label}** ({args.n_households:,} raw records): median "
            f"of {args.repeats} run(s), each in a fresh process; stages run one after the "
            "other on the previous stage's output; peak RSS per stage = the kernel's "
            "high-water mark, reset at the start of the stage. No reference library groups "
            f"households, so there is no ratio. {_harness.load_note([row])}.")
    if not row["ok"]:
        return [head, "", "| stage | time s |", "|---|--:|", _harness.failed_row("all", row, 1)]
    lines = [head, "", "| stage | time s | peak RSS MiB |", "|---|--:|--:|"]
    for stage, seconds in row["stages_s"].items():
        lines.append(f"| {STAGE_LABEL.get(stage, stage)} | {fmt(seconds, 2)} "
                     f"| {fmt(row['stage_peak_rss_mib'][stage])} |")
    lines += [
        f"| **total** (CPU {fmt(row['cpu_s'], 1)} s; start {fmt(row['rss_start_mib'])} MiB) "
        f"| **{fmt(row['wall_s'], 2)}** | **{fmt(row['peak_rss_mib'])}** |",
        "",
        "Accuracy against the truth (`household_id`, `person_id`), over records: household "
        "pairwise precision / recall / F1 and B³ F1 of each record's household "
        "(`evaluate.household_metrics`); person B³ F1 of the linker's clusters "
        "(`evaluate.cluster_metrics`)."
        + (" Accuracy varied across repeats (medians shown)."
           if row.get("household_varies_across_repeats") else ""),
        "",
        "| household P | household R | household F1 | household B³ F1 | person B³ F1 "
        "| candidate pairs | entities (true) | households (true) |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|",
        f"| {row['household']['pairwise_precision']:.4f} "
        f"| {row['household']['pairwise_recall']:.4f} "
        f"| {row['household']['pairwise_f1']:.4f} | {row['household']['bcubed_f1']:.4f} "
        f"| {row['person']['bcubed_f1']:.4f} | {fmt(row['n_pairs'])} "
        f"| {fmt(row['n_entities'])} ({fmt(row['person']['n_true_clusters'])}) "
        f"| {fmt(row['n_households'])} ({fmt(row['n_true_households'])}) |",
    ]
    if "household_ceiling" in row:
        lines += _household_bounds(row)
    return lines


def _household_bounds(row: dict[str, Any]) -> list[str]:
    """Household accuracy end to end, with the true people as entities, its ceiling and
    the evidence bound."""
    end, people, ceiling = (row["household"], row["household_true_people"],
                            row["household_ceiling"])
    bound = row.get("household_evidence_bound")
    return [
        "",
        "Where household accuracy is lost: the same `HouseholdGrouper` given the true "
        "people as entities (no person-level errors), and the ceiling: "
        f"{fmt(ceiling['n_unplaceable'])} of {fmt(ceiling['n_people'])} people have no "
        "street or postcode in any record and share no phone or e-mail address with a "
        "member of their household, so nothing but a surname could place them; the oracle "
        "that places every other person in their true household has precision 1 and the "
        "recall below (`_gr_child.household_ceiling`). The evidence bound is the same "
        "oracle end to end: it must also find the people, and joins two records of a "
        "person, or places a part of a person, only where the records hold evidence for it "
        "(`_evidence_bound.py`); it never errs and never guesses, so its recall estimates "
        "the best any method can reach on these records.",
        "",
        "| household grouping | P | R | F1 |",
        "|---|--:|--:|--:|",
        *[f"| {label} | {fmt(m['pairwise_precision'], 4)} "
          f"| {fmt(m['pairwise_recall'], 4)} | {fmt(m['pairwise_f1'], 4)} |"
          for label, m in (("end to end (the linker's entities)", end),
                           ("the true people as entities", people),
                           ("ceiling (oracle, the people given)", ceiling),
                           ("evidence bound (oracle, end to end)", bound)) if m],
        *(_household_misses(row) if "household_misses" in row else []),
    ]


MISS_LABELS = {"unplaceable": "a record of a person the records cannot place (the ceiling)",
               "person split": "two records of one person, in two entities",
               "split-off part": "a record in a split-off part of its person "
                                 "(not the person's largest entity)",
               "grouping": "placeable people in their main entities, grouped apart"}


def _household_misses(row: dict[str, Any]) -> list[str]:
    """The missed household pairs by cause, and how many F1 ≥ HOUSEHOLD_TARGET_F1 allows."""
    end, people = row["household_misses"], row["household_misses_true_people"]
    bound = row.get("household_evidence_bound")
    precision = row["household"]["pairwise_precision"]
    recall = HOUSEHOLD_TARGET_F1 * precision / (2 * precision - HOUSEHOLD_TARGET_F1)
    allowed = end["true_pairs"] * (1 - recall)
    return [
        "",
        "Missed household pairs by cause: true household record pairs put in two "
        "households, each under the first cause that explains it "
        f"(`_gr_child.household_misses`). F1 {HOUSEHOLD_TARGET_F1} at the end-to-end "
        f"precision ({precision:.4f}) needs recall {recall:.4f}: at most "
        f"{fmt(allowed)} missed pairs of {fmt(end['true_pairs'])}."
        + (f" The evidence bound misses {fmt(end['true_pairs'] * (1 - bound['pairwise_recall']))}."
           if bound else ""),
        "",
        "| missed true household record pairs | end to end | the true people as entities |",
        "|---|--:|--:|",
        f"| **all** | **{fmt(end['missed'])}** | **{fmt(people['missed'])}** |",
        *[f"| {label} | {fmt(end[cause])} | {fmt(people[cause])} |"
          for cause, label in MISS_LABELS.items()],
    ]


# ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with _harness.benchmarked_golden(args.live_source) as (args.golden_path, source):
        return _main(args, source)


def _main(args: argparse.Namespace, source: str) -> int:
    print(f"{source}; {os.cpu_count()} CPUs", file=sys.stderr, flush=True)
    payload: dict[str, Any] = {
        "command": " ".join(["python", "benchmarks/golden_records.py", *sys.argv[1:]]),
        "golden_source": source, "parts": args.parts, "seed": args.seed,
        "repeats": args.repeats}
    tables: list[str] = []
    if "golden-records" in args.parts:
        _scale_data.ensure_people(args.n_records, args.seed)
        runs, agreement = run_golden_records(args)
        summary = {tool: summarise(runs, tool) for tool in TOOLS}
        tables += golden_records_table(args, summary, agreement)
        payload["golden_records"] = {"n_records": args.n_records, "summary": summary,
                                     "agreement": agreement, "runs": runs}
    if "households" in args.parts:
        _scale_data.ensure_people(args.n_households, args.seed)
        runs = run_households(args)
        row = summarise(runs, "households")
        tables += ([""] if tables else []) + households_table(args, row)
        payload["households"] = {"n_records": args.n_households, "summary": row, "runs": runs}
    env = _harness.versions(PACKAGES)
    env.update(golden_source=source, platform=platform.platform(), cpus=str(os.cpu_count()))
    table = "\n".join(tables)
    payload.update(environment=env, markdown=table)
    _harness.publish(table, env, args.out, payload)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
