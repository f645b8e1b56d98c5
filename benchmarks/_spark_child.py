"""One run of the Spark benchmark (``spark.py``): golden's demo pipeline on synthetic people,
stage by stage, on the local engine or on Spark (local mode); one JSON line on stdout.

Usage: ``_spark_child.py --engine local|spark --size N --seed S --out DIR [--cores C]``.
``DIR`` receives ``model.json``, ``pairs.parquet`` (ids and weights) and
``clusters.parquet`` for the parent's equivalence check.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import _proc
import _scale_data

import golden as gd
from golden import demo

SAMPLE_S = 0.25


class TreeMemory:
    """Peak resident memory of this process's descendants (the JVM and its Python
    workers), sampled from /proc every quarter second."""

    def __init__(self) -> None:
        self.jvm_pid: int | None = None
        self.peak_jvm = self.peak_workers = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> TreeMemory:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_S):
            children = _descendants(os.getpid())
            jvm = sum(rss for pid, rss, name in children if name == "java")
            workers = sum(rss for pid, rss, name in children if name != "java")
            self.peak_jvm, self.peak_workers = max(self.peak_jvm, jvm), max(self.peak_workers,
                                                                             workers)


def _descendants(root: int) -> list[tuple[int, float, str]]:
    """(pid, RSS MiB, command name) of every process below ``root``."""
    parents, info = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as handle:
                fields = dict(line.split(":", 1) for line in handle if ":" in line)
        except OSError:
            continue
        pid = int(entry)
        parents[pid] = int(fields.get("PPid", "0").strip())
        rss = fields.get("VmRSS", "0 kB").split()[0]
        info[pid] = (float(rss) / 1024, fields.get("Name", "").strip())
    below, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent:
                below.append((pid, *info[pid]))
                frontier.append(pid)
    return below


def session(cores: int, memory: str) -> Any:
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    spark = (SparkSession.builder.master(f"local[{cores}]").appName("golden-bench")
             .config("spark.driver.memory", memory)
             .config("spark.sql.shuffle.partitions", str(4 * cores))
             .config("spark.ui.enabled", "false")
             .config("spark.sql.execution.arrow.pyspark.enabled", "true")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["local", "spark"], required=True)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--memory", default="8g")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    people = _scale_data.read_people(args.size, args.seed)
    records = people.drop(columns=list(_scale_data.TRUTH_COLUMNS))
    records = records.sort_values("unique_id", kind="stable").reset_index(drop=True)
    tree = TreeMemory().start()
    engine, data = None, records
    started = time.perf_counter()
    if args.engine == "spark":
        spark = session(args.cores, args.memory)
        engine = gd.SparkEngine(spark)
        data = spark.createDataFrame(records).localCheckpoint()
    setup_s = time.perf_counter() - started
    _proc.reset_peak()
    stages: dict[str, float] = {}
    counts: dict[str, int] = {}

    def timed(name: str, work: Any) -> Any:
        begin = time.perf_counter()
        result = work()
        stages[name] = time.perf_counter() - begin
        return result

    linker = gd.Linker(list(demo.COMPARISONS), list(demo.BLOCKING),
                       training_blocking=list(demo.TRAINING), random_state=0, progress=False,
                       engine=engine)
    comparisons, blocking = linker._settings()
    counts["candidate_pairs"] = timed("blocking", lambda: _blocking(linker, data, blocking))
    timed("comparing", lambda: _comparing(linker, data, comparisons, blocking))
    timed("training", lambda: linker.fit(data))
    pairs = timed("predict", lambda: _materialised(linker.predict(data)))
    clusters = timed("cluster", lambda: _materialised(linker.cluster(pairs, data,
                                                                     threshold=0.5)))
    builder = demo.GOLDEN.set_params(engine=engine)
    timed("golden_records", lambda: _materialised(builder.build(data, clusters).records))
    tree.stop()

    (out / "model.json").write_text(json.dumps(linker.to_dict()))
    local_pairs = pairs if engine is None else pairs.toPandas()
    local_pairs[["unique_id_l", "unique_id_r", "match_weight"]].to_parquet(
        out / "pairs.parquet")
    (clusters if engine is None else clusters.toPandas()).to_parquet(out / "clusters.parquet")
    print(json.dumps({
        "engine": args.engine, "size": args.size, "setup_s": setup_s, "stages": stages,
        "total_s": sum(stages.values()), "counts": counts,
        "driver_peak_mib": _proc.status_mib("VmHWM") or _proc.max_rss_mib(),
        "jvm_peak_mib": tree.peak_jvm, "workers_peak_mib": tree.peak_workers,
    }))


def _blocking(linker: gd.Linker, data: Any, blocking: Any) -> int:
    """Candidate pairs built (and counted)."""
    if linker.engine is None:
        from golden.blocking import candidate_pairs

        prepared = linker._records(data, *linker._settings())
        return len(candidate_pairs(prepared, blocking, linker.link_type, linker.max_pairs))
    from golden.engines.spark.blocking import candidate_pairs as spark_pairs

    with linker.engine.batches():
        prepared = linker.engine._records(linker, data, linker._columns(*linker._settings()))
        return spark_pairs(prepared, blocking, linker.link_type, linker.max_pairs).count


def _comparing(linker: gd.Linker, data: Any, comparisons: Any, blocking: Any) -> None:
    """Blocking, then every candidate pair's gammas (counted as patterns on Spark)."""
    if linker.engine is None:
        from golden.estimators.linker import LocalTrainingPairs

        prepared = linker._records(data, comparisons, blocking)
        LocalTrainingPairs(prepared, comparisons, linker.link_type, blocking,
                           linker.max_pairs, False).candidate_patterns()
        return
    linker.engine.training_pairs(linker, data, comparisons, blocking).candidate_patterns()


def _materialised(frame: Any) -> Any:
    if hasattr(frame, "count") and not hasattr(frame, "iloc"):
        frame.count()
    return frame


if __name__ == "__main__":
    main()
