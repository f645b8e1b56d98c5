"""Two versions of golden side by side: the same results, and the time and memory of each.

    python benchmarks/versions.py --old ../golden-old/src [--size 1m] [--repeats 5]
        [--cases febrl,people,scale] [--new src]

For a change meant to keep behaviour (a refactor, a speed-up): every case runs in a fresh
child process (``_versions_child.py``) on each version, and this process checks that the
outputs agree — model JSON (numbers to 1e-9), scored pairs (weights to 1e-9), entities,
golden records, households, the resolver's answers — and prints the differences it finds.
The scale cases (the scale benchmark's golden configurations on ``--size`` synthetic
people, fit_predict and cluster) run ``--repeats`` times, the versions alternating, and
report median seconds and peak RSS (of the whole child: data loading included) with the
new / old ratios.

Cases: ``febrl`` — FEBRL3, FEBRL4 and fake_1000 with the accuracy benchmark's two golden
configurations (fit, predict, cluster, fit_predict at 0.5); ``people`` — the demo's
configuration on 5,000 people with golden records, households, an explanation, a reloaded
model and the resolver; ``scale`` — as above.

``--old`` is the ``src`` folder of another checkout (``git worktree add ../golden-old
<commit>``); ``--new`` defaults to this checkout's. Exit status 1 when outputs differ.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _harness  # noqa: E402
import _scale_data  # noqa: E402
from _versions_child import FEBRL_CASES, SCALE_VARIANTS  # noqa: E402

TOLERANCE = 1e-9


def run_child(src: Path, case: str, out: Path) -> dict:
    report = _harness.run_json_child(
        [sys.executable, str(HERE / "_versions_child.py"), case, str(out)], str(src),
        timeout=3_600)
    if report["status"] != "ok":
        raise SystemExit(f"{case} with {src}: {report['status']}\n"
                         f"{report.get('stderr_tail', '')}")
    if not Path(report["golden"]).resolve().is_relative_to(src.resolve()):
        raise SystemExit(f"{case}: golden was imported from {report['golden']}, not {src}")
    return report


def json_differences(old: object, new: object, where: str = "") -> list[str]:
    """Where two JSON values differ (numbers compared to ``TOLERANCE``, relative)."""
    if isinstance(old, dict) and isinstance(new, dict):
        if set(old) != set(new):
            return [f"{where}: keys {sorted(set(old) ^ set(new))}"]
        return [d for key in old for d in json_differences(old[key], new[key], f"{where}/{key}")]
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return [f"{where}: {len(old)} vs {len(new)} items"]
        return [d for i, (a, b) in enumerate(zip(old, new, strict=True))
                for d in json_differences(a, b, f"{where}[{i}]")]
    if isinstance(old, float) and isinstance(new, float):
        same = math.isclose(old, new, rel_tol=TOLERANCE, abs_tol=TOLERANCE) or (
            math.isnan(old) and math.isnan(new))
        return [] if same else [f"{where}: {old!r} vs {new!r}"]
    return [] if old == new else [f"{where}: {old!r} vs {new!r}"]


def output_differences(old: Path, new: Path) -> list[str]:
    """Every difference between two children's output folders."""
    found = []
    names = sorted({p.name for p in old.iterdir()} | {p.name for p in new.iterdir()})
    for name in names:
        a, b = old / name, new / name
        if not (a.exists() and b.exists()):
            found.append(f"{name}: written by one version only")
        elif name.endswith(".json"):
            found += [f"{name}{d}" for d in json_differences(json.loads(a.read_text()),
                                                            json.loads(b.read_text()))]
        else:
            try:
                pd.testing.assert_frame_equal(pd.read_parquet(a), pd.read_parquet(b),
                                              check_exact=False, rtol=TOLERANCE,
                                              atol=TOLERANCE)
            except AssertionError as error:
                found.append(f"{name}: {str(error).strip().splitlines()[0]}")
    return found


def markdown(rows: list[dict]) -> str:
    """The rows as a Markdown table (seconds to 0.01, MiB whole)."""
    def cell(key: str, value: object) -> str:
        if key.endswith(" s"):
            return f"{value:.2f}"
        return f"{value:.0f}" if key.endswith("MiB") else str(value)

    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(k, row[k]) for k in header) + " |" for row in rows]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, required=True, help="src folder of the old version")
    parser.add_argument("--new", type=Path, default=HERE.parent / "src")
    parser.add_argument("--size", default="1m", help="synthetic people for the scale cases")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cases", default="febrl,people,scale")
    args = parser.parse_args()
    groups = set(args.cases.split(","))
    cases = (FEBRL_CASES if "febrl" in groups else []) + (
        ["people-5k"] if "people" in groups else [])
    scale = [f"people-{args.size}-{variant}" for variant in SCALE_VARIANTS] \
        if "scale" in groups else []
    if scale:
        _scale_data.ensure_people(_scale_data.parse_size(args.size), 0)
    versions = {"old": args.old, "new": args.new}
    differences: list[str] = []
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for case in cases + scale:
            repeats = args.repeats if case in scale else 1
            reports: dict[str, list[dict]] = {"old": [], "new": []}
            for repeat in range(repeats):
                order = ("old", "new") if repeat % 2 == 0 else ("new", "old")
                for version in order:
                    out = Path(folder) / case / f"{version}{repeat}"
                    reports[version].append(run_child(versions[version], case, out))
            found = output_differences(Path(folder) / case / "old0",
                                       Path(folder) / case / "new0")
            differences += [f"{case}: {d}" for d in found]
            row = {"case": case, "same outputs": "yes" if not found else f"no ({len(found)})"}
            for version in ("old", "new"):
                row[f"{version} s"] = statistics.median(r["seconds"] for r in reports[version])
                row[f"{version} MiB"] = statistics.median(r["peak_mib"]
                                                          for r in reports[version])
            ratios = [n["seconds"] / o["seconds"]
                      for o, n in zip(reports["old"], reports["new"], strict=True)]
            row["new/old time"] = (f"{statistics.median(ratios):.3f} "
                                   f"({min(ratios):.3f}–{max(ratios):.3f})")
            row["new/old memory"] = f"{row['new MiB'] / row['old MiB']:.3f}"
            rows.append(row)
            print(f"{case}: {row['same outputs']}", file=sys.stderr, flush=True)
    print(markdown(rows))
    for line in differences:
        print("DIFFERENT", line)
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
