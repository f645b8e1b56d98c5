"""What the benchmark harnesses (``run.py``, ``golden_records.py``, ``accuracy.py``) share:
running a child process that reports JSON, the golden source benchmarked, versions, and
writing the results."""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------
# children
# ---------------------------------------------------------------------------


def run_json_child(command: list[str], golden_path: str | None,
                   timeout: float) -> dict[str, Any]:
    """Run ``command`` (with ``golden_path`` first on PYTHONPATH, if given); the JSON on the
    last line of its stdout, or a timeout / failure record. Either way with ``status``,
    ``process_s`` and ``load_before`` (the 1-min load average before it started)."""
    env = dict(os.environ)
    if golden_path:
        env["PYTHONPATH"] = os.pathsep.join(
            [golden_path, *filter(None, [env.get("PYTHONPATH")])])
    load = os.getloadavg()[0]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              check=False, env=env)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "process_s": time.perf_counter() - started,
                "timeout_s": timeout, "load_before": load}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        return {"status": "failed", "exit_code": done.returncode, "stderr_tail": tail,
                "process_s": time.perf_counter() - started, "load_before": load}
    report = json.loads(lines[-1])
    report.update(status="ok", process_s=time.perf_counter() - started, load_before=load)
    return report


# ---------------------------------------------------------------------------
# the golden benchmarked
# ---------------------------------------------------------------------------


def golden_source() -> dict[str, Any]:
    """The golden commit benchmarked, and whether src/golden had uncommitted changes."""
    def git(*command: str) -> str:
        try:
            done = subprocess.run(["git", *command], capture_output=True, text=True,
                                  cwd=REPO, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout.strip()

    return {"commit": git("rev-parse", "--short", "HEAD"),
            "src_golden_dirty": bool(git("status", "--porcelain", "--", "src/golden"))}


def source_note(state: dict[str, Any], snapshot: bool) -> str:
    """``golden_source()`` in words, e.g. 'golden 1a2b3c4 + uncommitted changes (snapshot)'."""
    return (f"golden {state['commit']}"
            + (" + uncommitted changes" if state["src_golden_dirty"] else "")
            + (" (snapshot)" if snapshot else " (live source)"))


def snapshot_golden(work: Path) -> str:
    """Copy the working tree's src/golden to ``work`` (so edits made while the benchmark
    runs do not mix versions); return the folder to put first on the import path."""
    target = work / "golden-src"
    shutil.copytree(REPO / "src" / "golden", target / "golden",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return str(target)


@contextmanager
def benchmarked_golden(live_source: bool) -> Iterator[tuple[str | None, str]]:
    """The golden the children import, for the length of the block: a snapshot of
    src/golden (put first on this process's import path too), or with ``live_source`` the
    working tree (None); and which, in words (``source_note``)."""
    with tempfile.TemporaryDirectory(prefix="golden-src-") as folder:
        state = golden_source()  # before the snapshot: the state that was copied
        path = None if live_source else snapshot_golden(Path(folder))
        if path:
            sys.path.insert(0, path)  # e.g. the data cache checks this golden's generator
        yield path, source_note(state, snapshot=not live_source)


# ---------------------------------------------------------------------------
# summaries, tables and results
# ---------------------------------------------------------------------------


def tool_runs(runs: list[dict[str, Any]], tool: str
              ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A tool's summary row so far (runs, successes, statuses, the load average before
    each run; the failure if none succeeded) and its successful runs."""
    mine = [r for r in runs if r["tool"] == tool]
    ok = [r for r in mine if r["status"] == "ok"]
    row: dict[str, Any] = {"tool": tool, "runs": len(mine), "ok": len(ok),
                           "statuses": sorted({r["status"] for r in mine}),
                           "load_before": [round(r["load_before"], 2) for r in mine]}
    if not ok:
        row.update(failure_summary(mine))
    return row, ok


def median(values: list[Any]) -> Any:
    """Median of the values that are not None (None if there are none)."""
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def failure_summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Of runs none of which succeeded: the longest timeout and the first error line."""
    errors = [r["stderr_tail"].strip().splitlines()[-1] for r in runs
              if r.get("stderr_tail", "").strip()]
    return {"timeout_s": max((r.get("timeout_s", 0) for r in runs), default=None),
            "error": errors[0] if errors else None}


def load_note(rows: list[dict[str, Any]]) -> str:
    """'1-min load average before the runs a–b on N CPUs' over summary rows."""
    loads = [v for row in rows for v in row["load_before"]]
    return (f"1-min load average before the runs {min(loads):.1f}–{max(loads):.1f} "
            f"on {os.cpu_count()} CPUs" if loads else "")


def failed_row(label: str, row: dict[str, Any], n_cells: int) -> str:
    """A Markdown table row for a tool none of whose runs succeeded."""
    status = ", ".join(row["statuses"]).upper()
    if "TIMEOUT" in status:
        status += f" (> {row['timeout_s']:,.0f} s)"
    error = (row.get("error") or "").replace("|", "/")[:240]
    return f"| {label} | {status}{': ' + error if error else ''} |" + " |" * (n_cells - 1)


def fmt(value: Any, digits: int = 0) -> str:
    """A number with thousands separators, '–' for None and NaN."""
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return f"{value:,.{digits}f}"


def ratio(value: Any, base: Any) -> str:
    """``value / base`` to two decimals, '–' if either is missing or zero."""
    return f"{value / base:.2f}" if value and base else "–"


def versions(packages: Sequence[str]) -> dict[str, str]:
    """Installed version of each package ('not installed' if absent), then Python's."""
    found = {}
    for package in packages:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    found["python"] = platform.python_version()
    return found


def machine() -> dict[str, Any]:
    """CPUs, physical memory (GiB) and the 1-min load average now."""
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (AttributeError, OSError, ValueError):
        ram = None
    return {"cpus": os.cpu_count(), "ram_gib": ram, "load_1min": os.getloadavg()[0]}


def publish(table: str, env: dict[str, str], out: str, payload: dict[str, Any]) -> None:
    """Print the tables and versions to stdout; write ``payload`` as JSON to ``out``
    unless it is ''."""
    print(table)
    print()
    print("versions: " + ", ".join(f"{k} {v}" for k, v in env.items()))
    if out:
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(payload, indent=2, default=float) + "\n")
        print(f"\nwrote {path}", file=sys.stderr)
