"""What the two per-tool child processes share: arguments, phase timing, memory, output.

A child loads one dataset, runs one tool's fit + predict + cluster under the meter, then
writes its pairs and clusters to parquet for the parent to score, and prints one JSON
line (the last line of its stdout) with times and memory.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import _proc
import _sets
import pandas as pd
import psutil

PAIRS_FILE = "pairs.parquet"
CLUSTERS_FILE = "clusters.parquet"
CLUSTER_THRESHOLD = 0.5


def parse_args(tools: tuple[str, ...]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", required=True, choices=sorted(_sets.DATASETS))
    parser.add_argument("--tool", required=True, choices=tools)
    parser.add_argument("--out", required=True, type=Path, help="folder for the parquet outputs")
    parser.add_argument("--duckdb-memory-gib", type=float, default=None,
                        help="Splink: DuckDB's memory_limit (it spills to --out beyond it)")
    return parser.parse_args()


class Meter:
    """Wall time per phase, CPU time and peak RSS of this process (since it started, so
    the loaded data are included) around the pipeline."""

    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self.rss_start_mib = psutil.Process().memory_info().rss / 2**20
        self._cpu0 = _proc.cpu_seconds()
        self._t0 = time.perf_counter()
        self.result: dict[str, Any] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.phases[name] = self.phases.get(name, 0.0) + time.perf_counter() - start

    def stop(self) -> None:
        wall = time.perf_counter() - self._t0
        # the kernel's high-water mark of this process's memory: ``ru_maxrss`` would not
        # do, Linux carries the parent's RSS at the fork into it
        peak_mib = _proc.status_mib("VmHWM") or _proc.max_rss_mib()
        self.result = {
            "wall_s": wall,
            "cpu_s": _proc.cpu_seconds() - self._cpu0,
            "phases_s": self.phases,
            "peak_rss_mib": peak_mib,
            "rss_start_mib": self.rss_start_mib,
            "peak_rss_increase_mib": peak_mib - self.rss_start_mib,
        }


def write_outputs(out: Path, pairs: pd.DataFrame, clusters: pd.DataFrame) -> dict[str, int]:
    """Save ``unique_id_l, unique_id_r, match_probability`` and ``unique_id, entity_id``
    (ids as text) for the parent to score."""
    out.mkdir(parents=True, exist_ok=True)
    pairs = pd.DataFrame({
        "unique_id_l": pairs["unique_id_l"].astype(str).to_numpy(),
        "unique_id_r": pairs["unique_id_r"].astype(str).to_numpy(),
        "match_probability": pairs["match_probability"].to_numpy(dtype="float64"),
    })
    clusters = pd.DataFrame({
        "unique_id": clusters["unique_id"].astype(str).to_numpy(),
        "entity_id": clusters["entity_id"].astype(str).to_numpy(),
    })
    pairs.to_parquet(out / PAIRS_FILE, index=False)
    clusters.to_parquet(out / CLUSTERS_FILE, index=False)
    return {"n_pairs": len(pairs), "n_cluster_rows": len(clusters)}


def report(meter: Meter, extra: dict[str, Any]) -> None:
    """Print the result as the last line of stdout."""
    sys.stdout.flush()
    print(json.dumps({**meter.result, **extra, "pid": os.getpid()}), flush=True)
