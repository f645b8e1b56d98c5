"""Resolver benchmark: golden's incremental resolver, and matching one record next to Splink 5.

    python benchmarks/resolver.py --size 1m --batch 1000 --probes 1000 [--tools golden,splink]

Data: the cached synthetic people (``_scale_data``) of size N + P, shuffled with the seed;
the first N (``--size``) are held, the last P (``--probes``) are new records to match (more
records of held people, or new people). Each run is a fresh child process:

* golden (``_resolver_golden.py``): fit ``golden.demo``'s Linker on at most 200k held
  records (reported apart), ``add`` the N records to a new ``gd.Resolver`` in batches of
  ``--batch`` (each batch timed), then ``match`` each probe (each call timed);
* Splink (``_resolver_splink.py``): train as the scale benchmark does (reported apart), then
  time normalising one probe + ``inference.predict_between`` + reading the result, for
  each of the first ``--splink-probes`` probes. Splink has no incremental clustering, so
  only matching is compared.

This process scores each probe's top candidate against the truth and prints Markdown
tables (match latency and accuracy per tool, golden ÷ Splink, golden's add throughput by
tenth of the fill, the project's targets met or not); progress goes to stderr, every run
to ``--out`` (JSON). See README.md.
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _harness  # noqa: E402
import _scale_data  # noqa: E402
from _harness import fmt, median, ratio  # noqa: E402

TOOLS = ("golden", "splink")
SCRIPT = {"golden": "_resolver_golden.py", "splink": "_resolver_splink.py"}
LABEL = {"golden": "golden `Resolver.match`", "splink": "Splink `predict_between`"}
WARMUP = {"golden": 20, "splink": 3}  # untimed matches of held records before the timed ones
TARGET_P50_MS, TARGET_P99_MS, TARGET_ADD_RECORDS_S = 2.0, 10.0, 2_000
TARGET_SIZE = 1_000_000  # the targets are stated for a store of this many records
TENTHS = 10
PACKAGES = ("golden", "splink", "duckdb", "pandas", "numpy", "pyarrow", "rapidfuzz")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1m",
                        help="records held: 100k, 1m (or a number, e.g. 20k); default 1m")
    parser.add_argument("--batch", type=int, default=1_000, help="records per add (golden)")
    parser.add_argument("--probes", type=int, default=1_000,
                        help="new records matched by golden (default 1000)")
    parser.add_argument("--splink-probes", type=int, default=100,
                        help="of those, the first N matched by Splink (default 100)")
    parser.add_argument("--tools", default=",".join(TOOLS),
                        help="comma-separated from golden, splink; default both")
    parser.add_argument("--seed", type=int, default=0, help="make_people random_state and shuffle")
    parser.add_argument("--repeats", type=int, default=1, help="runs per tool, order alternating")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds per child run (default 1,800 + size / 100)")
    parser.add_argument("--out", default=None,
                        help="JSON results (default benchmarks/results/resolver_<size>.json; "
                             "'' to skip)")
    parser.add_argument("--live-source", action="store_true",
                        help="import golden from the working tree in every child, instead of "
                             "a snapshot of src/golden taken when the benchmark starts")
    args = parser.parse_args(argv)
    args.n_held = _scale_data.parse_size(args.size)
    args.label = _scale_data.size_label(args.n_held)
    args.tools = list(dict.fromkeys(t.strip() for t in args.tools.split(",") if t.strip()))
    if not args.tools or set(args.tools) - set(TOOLS):
        parser.error(f"--tools: got {args.tools}; choose from {list(TOOLS)}")
    if args.repeats < 1 or args.batch < 1 or args.probes < 1:
        parser.error("--repeats, --batch and --probes must be at least 1")
    if not 1 <= args.splink_probes <= args.probes:
        parser.error("--splink-probes must be between 1 and --probes")
    if args.timeout is None:
        args.timeout = 1_800 + args.n_held / 100
    if args.out is None:
        args.out = str(HERE / "results" / f"resolver_{args.label.replace(',', '')}.json")
    return args


# ---------------------------------------------------------------------------
# runs
# ---------------------------------------------------------------------------


def run_child(args: argparse.Namespace, tool: str) -> dict[str, Any]:
    """One fresh child process; its JSON report, or a timeout / failure record."""
    command = [sys.executable, str(HERE / SCRIPT[tool]), "--n-held", str(args.n_held),
               "--n-probes", str(args.probes), "--seed", str(args.seed),
               "--batch", str(args.batch), "--warmup", str(WARMUP[tool])]
    if tool == "splink":
        command += ["--timed-probes", str(args.splink_probes)]
    report = _harness.run_json_child(command, args.golden_path, args.timeout)
    if report["status"] == "ok" and not args.golden_path:
        report["golden_source"] = _harness.golden_source()  # live source: edits may land
    return report


class Truth:
    """Who each record is (``person_id``), and which people are held."""

    def __init__(self, args: argparse.Namespace) -> None:
        held, probes = _scale_data.held_and_probes(args.n_held, args.probes, args.seed,
                                                   columns=["unique_id", "person_id"])
        both = pd.concat([held, probes], ignore_index=True)
        self.person = pd.Series(both["person_id"].to_numpy(),
                                index=both["unique_id"].astype(str).to_numpy())
        self.held_people = set(held["person_id"].tolist())

    def score(self, report: dict[str, Any], first: int | None = None) -> dict[str, Any]:
        """Latency and top-candidate accuracy over the report's (first) probes.

        ``top_correct``: of the probes whose person is held, the share whose top candidate
        at p >= 0.5 is a record of that person (golden: ``top_entity_correct`` too, every
        record of the top entity is); ``none_correct``: of the other probes, the share
        with no candidate at p >= 0.5.
        """
        ms = np.asarray(report["match_ms"][:first], dtype=np.float64)
        probes = report["probe_uid"][:len(ms)]
        tops = report["top_uid"][:len(ms)]
        person = self.person[probes].to_numpy()
        held = np.array([p in self.held_people for p in person], dtype=bool)
        top_ok = np.array([t is not None and self.person[t] == p
                           for t, p in zip(tops, person, strict=True)], dtype=bool)
        none = np.array([t is None for t in tops], dtype=bool)
        out = {"n_probes": len(ms), "n_held_person": int(held.sum()),
               **{f"p{q}_ms": float(np.percentile(ms, q)) for q in (50, 90, 99)},
               "max_ms": float(ms.max()),
               "mean_candidates": float(np.mean(report["n_candidates"][:len(ms)])),
               "top_correct": _share(top_ok[held]), "none_correct": _share(none[~held])}
        if "top_entity_uids" in report:
            entity_ok = np.array([bool(u) and bool((self.person[u].to_numpy() == p).all())
                                  for u, p in zip(report["top_entity_uids"][:len(ms)], person,
                                                  strict=True)], dtype=bool)
            out["top_entity_correct"] = _share(entity_ok[held])
        return out


def _share(flags: np.ndarray) -> float | None:
    return float(flags.mean()) if flags.size else None


def add_stats(report: dict[str, Any]) -> dict[str, Any]:
    """golden's add throughput: overall, per tenth of the fill, and the slowest batch."""
    records = np.asarray(report["batch_records"], dtype=np.float64)
    seconds = np.asarray(report["batch_s"], dtype=np.float64)
    held_after = np.cumsum(records)
    tenths = []
    for part in np.array_split(np.arange(len(seconds)), TENTHS):
        if part.size:
            tenths.append({"held_from": int(held_after[part[0]] - records[part[0]]),
                           "held_to": int(held_after[part[-1]]),
                           "records_s": float(records[part].sum() / seconds[part].sum()),
                           "slowest_batch_s": float(seconds[part].max())})
    slowest = int(seconds.argmax())
    return {"add_records_s": float(records.sum() / seconds.sum()),
            "add_slowest_tenth_records_s": min(t["records_s"] for t in tenths),
            "add_tenths": tenths, "slowest_batch_s": float(seconds[slowest]),
            "slowest_batch_held": int(held_after[slowest] - records[slowest])}


def run_all(args: argparse.Namespace, truth: Truth) -> list[dict[str, Any]]:
    runs = []
    for repeat in range(args.repeats):
        shift = repeat % len(args.tools)
        for tool in args.tools[shift:] + args.tools[:shift]:
            report = run_child(args, tool)
            report.update(tool=tool, repeat=repeat)
            if report["status"] == "ok":
                report["match"] = truth.score(report)
                report["match_first"] = truth.score(report, args.splink_probes)
                if tool == "golden":
                    report.update(add_stats(report))
            runs.append(report)
            _log(args, report)
    return runs


def _log(args: argparse.Namespace, report: dict[str, Any]) -> None:
    head = f"  repeat {report['repeat'] + 1}/{args.repeats}  {report['tool']:<7}"
    if report["status"] != "ok":
        print(f"{head} {report['status'].upper()} after {report['process_s']:.0f} s\n"
              f"{report.get('stderr_tail', '')}", file=sys.stderr, flush=True)
        return
    match = report["match"]
    add = (f"add {report['add_records_s']:,.0f} records/s, "
           if report["tool"] == "golden" else "")
    print(f"{head} {add}match p50 {match['p50_ms']:.2f} ms p99 {match['p99_ms']:.2f} ms "
          f"over {match['n_probes']} probes, {report['peak_rss_mib']:.0f} MiB peak "
          f"(load avg {report['load_before']:.1f})", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# summary and tables
# ---------------------------------------------------------------------------


def summarise(runs: list[dict[str, Any]], tool: str) -> dict[str, Any]:
    """Medians over a tool's successful runs."""
    row, ok = _harness.tool_runs(runs, tool)
    if not ok:
        return row
    for scope in ("match", "match_first"):
        row[scope] = {k: median([r[scope][k] for r in ok]) for k in ok[0][scope]}
    row["phases_s"] = {k: median([r["phases_s"][k] for r in ok]) for k in ok[0]["phases_s"]}
    row["phase_peak_mib"] = {k: median([_peak(r, k) for r in ok]) for k in ok[0]["phases_s"]}
    row["peak_rss_mib"] = median([r["peak_rss_mib"] for r in ok])
    if tool == "golden":
        for key in ("add_records_s", "add_slowest_tenth_records_s", "slowest_batch_s",
                    "slowest_batch_held", "store_bytes", "fit_records", "n_rejected"):
            row[key] = median([r[key] for r in ok])
        row["add_tenths"] = [{k: median([r["add_tenths"][i][k] for r in ok]) for k in tenth}
                             for i, tenth in enumerate(ok[0]["add_tenths"])]
        row["add_warnings"] = sorted({w for r in ok for w in r["add_warnings"]})
    return row


def _peak(report: dict[str, Any], phase: str) -> Any:
    exact = report["phase_peak_rss_exact_mib"].get(phase)
    return exact if exact is not None else report["phase_peak_rss_sampled_mib"].get(phase)


def _pct(value: Any) -> str:
    return "–" if value is None else f"{value:.1%}"


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def markdown(args: argparse.Namespace, summary: dict[str, dict[str, Any]],
             machine: dict[str, Any]) -> str:
    golden, splink = summary.get("golden"), summary.get("splink")
    lines = [
        f"**Resolver, people_{args.label}**: {args.n_held:,} records held, {args.probes:,} "
        f"new records to match (seed {args.seed}); median of {args.repeats} run(s), each "
        "in a fresh process. Match latency = one call for one new record, in-process, "
        f"after {WARMUP['golden']} (golden) / {WARMUP['splink']} (Splink) untimed calls; "
        "'top correct' = of the probes whose person is held, the share whose best "
        "candidate at p ≥ 0.5 is a record of that person (golden's 'entity' column: every "
        "record of the top entity is); 'none correct' = of the other probes, the share "
        "with no candidate at p ≥ 0.5. Candidates: golden counts entities, Splink scored "
        "pairs (held records).",
        f"Machine: {fmt(machine['ram_gib'], 1)} GiB RAM; "
        f"{_harness.load_note(list(summary.values()))}.",
        "",
        "| tool | probes | p50 ms | p90 ms | p99 ms | max ms | candidates | top correct "
        "| top entity correct | none correct | training s | match peak MiB |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    rows = []
    if golden:
        rows.append(("golden", "match", LABEL["golden"]))
        if splink and args.splink_probes < args.probes:
            rows.append(("golden", "match_first",
                         f"{LABEL['golden']}, the first {args.splink_probes} probes"))
    if splink:
        rows.append(("splink", "match", LABEL["splink"]))
    for tool, scope, label in rows:
        row = summary[tool]
        if not row["ok"]:
            lines.append(_harness.failed_row(label, row, 11))
            continue
        m = row[scope]
        training = row["phases_s"]["fit"] + row["phases_s"].get("normalise", 0.0)
        lines.append(
            f"| {label} | {m['n_probes']:,} | {fmt(m['p50_ms'], 2)} | {fmt(m['p90_ms'], 2)} "
            f"| {fmt(m['p99_ms'], 2)} | {fmt(m['max_ms'], 2)} | {fmt(m['mean_candidates'], 1)} "
            f"| {_pct(m['top_correct'])} | {_pct(m.get('top_entity_correct'))} "
            f"| {_pct(m['none_correct'])} | {fmt(training, 1)} "
            f"| {fmt(row['phase_peak_mib']['match'])} |")
    if golden and splink and golden["ok"] and splink["ok"]:
        g, s = golden["match_first"], splink["match"]
        lines += ["", f"golden ÷ Splink match latency on the same {s['n_probes']} probes "
                  "(< 1: golden is faster):", "",
                  "| p50 × | p99 × |", "|--:|--:|",
                  f"| {ratio(g['p50_ms'], s['p50_ms'])} | {ratio(g['p99_ms'], s['p99_ms'])} |"]
    if golden and golden["ok"]:
        lines += _golden_tables(args, golden)
    return "\n".join(lines)


def _golden_tables(args: argparse.Namespace, golden: dict[str, Any]) -> list[str]:
    tenths = golden["add_tenths"]
    lines = [
        "",
        f"golden `Resolver.add`, {args.n_held:,} records in batches of {args.batch:,} "
        "(golden records updated in each batch). Fit: `golden.demo`'s Linker on "
        f"{fmt(golden['fit_records'])} held records in {fmt(golden['phases_s']['fit'], 1)} "
        "s (not part of the throughput). Store = SQLite file + write-ahead log after the "
        "fill.",
        "",
        "| records/s | slowest tenth records/s | slowest batch s (held before it) "
        "| add s | add peak MiB | store MiB | rejected |",
        "|--:|--:|--:|--:|--:|--:|--:|",
        f"| {fmt(golden['add_records_s'])} | {fmt(golden['add_slowest_tenth_records_s'])} "
        f"| {fmt(golden['slowest_batch_s'], 2)} ({fmt(golden['slowest_batch_held'])}) "
        f"| {fmt(golden['phases_s']['add'], 1)} | {fmt(golden['phase_peak_mib']['add'])} "
        f"| {fmt(golden['store_bytes'] / 2**20)} | {fmt(golden['n_rejected'])} |",
        "",
        "Throughput by tenth of the fill (a slowdown as the store grows shows here):",
        "",
        "| records held | records/s | slowest batch s |",
        "|---|--:|--:|",
        *[f"| {t['held_from']:,}–{t['held_to']:,} | {fmt(t['records_s'])} "
          f"| {fmt(t['slowest_batch_s'], 2)} |" for t in tenths],
    ]
    if golden["add_warnings"]:
        lines += ["", "Warnings from `add` (first ones): "
                  + "; ".join(golden["add_warnings"][:3])]
    match = golden["match"]
    scale = ("" if args.n_held == TARGET_SIZE else
             f" The targets are stated for {TARGET_SIZE:,} records held; this run held "
             f"{args.n_held:,}.")
    lines += [
        "",
        "Targets (golden, in-process; add sustained = its slowest tenth)." + scale,
        "",
        "| target | measured | |", "|---|--:|---|",
        f"| match p50 ≤ {TARGET_P50_MS:g} ms | {fmt(match['p50_ms'], 2)} ms "
        f"| {_met(match['p50_ms'] <= TARGET_P50_MS)} |",
        f"| match p99 ≤ {TARGET_P99_MS:g} ms | {fmt(match['p99_ms'], 2)} ms "
        f"| {_met(match['p99_ms'] <= TARGET_P99_MS)} |",
        f"| add ≥ {TARGET_ADD_RECORDS_S:,} records/s sustained "
        f"| {fmt(golden['add_slowest_tenth_records_s'])} records/s "
        f"| {_met(golden['add_slowest_tenth_records_s'] >= TARGET_ADD_RECORDS_S)} |",
    ]
    return lines


# ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with _harness.benchmarked_golden(args.live_source) as (args.golden_path, source):
        return _main(args, source)


def _main(args: argparse.Namespace, source: str) -> int:
    machine = _harness.machine()
    print(f"{source}; {machine['cpus']} CPUs; {args.tools} on {args.n_held:,} held + "
          f"{args.probes:,} probes, timeout {args.timeout:,.0f} s per run",
          file=sys.stderr, flush=True)
    _scale_data.ensure_people(args.n_held + args.probes, args.seed)
    runs = run_all(args, Truth(args))
    summary = {tool: summarise(runs, tool) for tool in args.tools}
    table = markdown(args, summary, machine)
    env = _harness.versions(PACKAGES)
    env.update(golden_source=source, platform=platform.platform(),
               cpus=str(machine["cpus"]), ram_gib=fmt(machine["ram_gib"], 1))
    payload = {"command": " ".join(["python", "benchmarks/resolver.py", *sys.argv[1:]]),
               "environment": env, "machine": machine, "n_held": args.n_held,
               "n_probes": args.probes, "splink_probes": args.splink_probes,
               "batch": args.batch, "seed": args.seed, "repeats": args.repeats,
               "warmup": WARMUP, "summary": summary, "runs": runs, "markdown": table}
    _harness.publish(table, env, args.out, payload)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
