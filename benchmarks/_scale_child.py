"""What the scale benchmark's child processes share: arguments, the phase meter, output.

A child loads its data (not timed), runs one tool under a :class:`PhaseMeter`, writes its
pairs and clusters for the parent to score, and prints one JSON line (the last line of its
stdout).

Memory per phase is measured two ways:

* a thread samples the process RSS with psutil every 100 ms and keeps the maximum seen
  during each phase (can miss a spike shorter than the interval);
* on Linux, the kernel's high-water mark (``VmHWM``) is reset before each phase by writing
  ``5`` to ``/proc/self/clear_refs`` and read after it: the exact peak RSS of the phase.
  ``peak_rss_mib`` (the timed region's peak) is the largest of these; when the reset is
  not allowed it falls back to ``ru_maxrss`` (which then includes data loading).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import _proc
import _scale_data
import psutil

SAMPLE_INTERVAL_S = 0.1
CLUSTER_THRESHOLD = 0.5
# how golden is called on the records it learns from: ``fit_predict`` (one pass, as golden's
# docs do) or ``fit`` then ``predict`` (the records prepared and compared twice)
FIT_PREDICT, SEPARATE = "fit_predict", "separate"
CALLS = (FIT_PREDICT, SEPARATE)
_MIB = 2**20


def parse_args(modes: tuple[str, ...], variants: tuple[str, ...] = ()) -> argparse.Namespace:
    """The child's arguments; ``--variant`` (default: the first of ``variants``) and
    ``--calls`` only when the tool has configuration variants (golden)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", required=True,
                        choices=[_scale_data.PEOPLE, *_scale_data.FEBRL])
    parser.add_argument("--n-records", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mode", choices=modes, default=modes[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for pairs/clusters")
    parser.add_argument("--model", type=Path, default=None, help="saved golden model")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a golden Linker parameter (value read as JSON)")
    if variants:
        parser.add_argument("--variant", choices=variants, default=variants[0],
                            help="configuration variant")
        parser.add_argument("--calls", choices=CALLS, default=FIT_PREDICT,
                            help="fit_predict, or fit then predict (separate)")
    return parser.parse_args()


def resolver_inputs() -> tuple[argparse.Namespace, Any, Any]:
    """A resolver benchmark child's arguments (``resolver.py``), its held records and the
    probes it times (truth columns dropped)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n-held", type=int, required=True)
    parser.add_argument("--n-probes", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=1_000, help="records per add (golden)")
    parser.add_argument("--timed-probes", type=int, default=None,
                        help="match only the first N probes (default all)")
    parser.add_argument("--warmup", type=int, default=20,
                        help="untimed matches of held records before the timed ones")
    args = parser.parse_args()
    held, probes = _scale_data.held_and_probes(args.n_held, args.n_probes, args.seed)
    truth = list(_scale_data.TRUTH_COLUMNS)
    return args, held.drop(columns=truth), probes.drop(columns=truth).iloc[:args.timed_probes]


def parse_settings(items: list[str]) -> dict[str, Any]:
    """``["max_pairs=400000000", ...]`` to ``{"max_pairs": 400000000}`` (values as JSON,
    else text)."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise SystemExit(f"--set: expected KEY=VALUE, got {item!r}")
        try:
            out[key.strip()] = json.loads(text)
        except json.JSONDecodeError:
            out[key.strip()] = text
    return out





class PhaseMeter:
    """Wall time, sampled and exact peak RSS per phase; CPU time and peak of the whole."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.lifetime_peak_before_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.rss_start_mib = self.process.memory_info().rss / _MIB
        self.phases: dict[str, float] = {}
        self.sampled_peak: dict[str, float] = {}
        self.exact_peak: dict[str, float] = {}
        self._current: str | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.exact = _proc.reset_peak()
        self._cpu0 = _proc.cpu_seconds()
        self._t0 = time.perf_counter()
        self._thread.start()
        self.result: dict[str, Any] = {}

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_INTERVAL_S):
            rss = self.process.memory_info().rss / _MIB
            with self._lock:
                if self._current is not None:
                    best = self.sampled_peak.get(self._current, 0.0)
                    self.sampled_peak[self._current] = max(best, rss)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        if self.exact:
            _proc.reset_peak()
        rss = self.process.memory_info().rss / _MIB
        with self._lock:
            self._current = name
            self.sampled_peak[name] = max(self.sampled_peak.get(name, 0.0), rss)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.phases[name] = self.phases.get(name, 0.0) + time.perf_counter() - start
            rss = self.process.memory_info().rss / _MIB
            with self._lock:
                self._current = None
                self.sampled_peak[name] = max(self.sampled_peak[name], rss)
            if self.exact:
                hwm = _proc.status_mib("VmHWM")
                if hwm is not None:
                    self.exact_peak[name] = max(self.exact_peak.get(name, 0.0), hwm)

    def stop(self) -> None:
        wall = time.perf_counter() - self._t0
        cpu = _proc.cpu_seconds() - self._cpu0
        self._stop.set()
        self._thread.join()
        if self.exact and self.exact_peak:
            peak = max(self.exact_peak.values())
        else:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        peak = max(peak, *self.sampled_peak.values()) if self.sampled_peak else peak
        self.result = {
            "wall_s": wall,
            "cpu_s": cpu,
            "phases_s": self.phases,
            "phase_peak_rss_sampled_mib": self.sampled_peak,
            "phase_peak_rss_exact_mib": self.exact_peak,
            "peak_rss_mib": peak,
            "peak_is_exact": bool(self.exact and self.exact_peak),
            "rss_start_mib": self.rss_start_mib,
            "peak_rss_increase_mib": peak - self.rss_start_mib,
            "load_peak_rss_mib": self.lifetime_peak_before_mib,
        }


def write_outputs(out: Path | None, pairs: Any, clusters: Any) -> dict[str, int]:
    """Pairs (ids as text, probability) and clusters as Parquet for the parent to score."""
    import pandas as pd

    counts = {"n_pairs": len(pairs), "n_cluster_rows": len(clusters)}
    if out is None:
        return counts
    out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({
        "unique_id_l": pairs["unique_id_l"].astype(str).to_numpy(),
        "unique_id_r": pairs["unique_id_r"].astype(str).to_numpy(),
        "match_probability": pairs["match_probability"].to_numpy(dtype="float64"),
    }).to_parquet(out / "pairs.parquet", index=False)
    pd.DataFrame({
        "unique_id": clusters["unique_id"].astype(str).to_numpy(),
        "entity_id": clusters["entity_id"].astype(str).to_numpy(),
    }).to_parquet(out / "clusters.parquet", index=False)
    return counts


def report(payload: dict[str, Any]) -> None:
    """Print the result as the last line of stdout."""
    sys.stdout.flush()
    print(json.dumps({**payload, "pid": os.getpid()}, default=float), flush=True)
