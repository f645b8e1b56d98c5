"""The local engine against the Spark engine (local mode) on synthetic people, stage by stage.

Each run is a fresh child process (``_spark_child.py``) running golden's demo configuration
(``golden.demo``: comparisons, blocking, training rules, golden-record rules) on
``make_people(n, random_state=seed)`` sorted by unique id. Prints a Markdown table of wall-time
medians per stage and peak memory (the driver process; on Spark also the JVM and the Python
workers), and with ``--check`` whether the two engines fitted the same model JSON, scored
the same pairs with the same weights and found the same entities.

    python benchmarks/spark.py --sizes 100k,1m --repeats 3 --check
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import _harness
import _scale_data
import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
STAGES = ("blocking", "comparing", "training", "predict", "cluster", "golden_records")
ENGINES = ("local", "spark")


def run(size: int, engine: str, seed: int, out: Path, cores: int, memory: str,
        timeout: float) -> dict[str, Any]:
    command = [sys.executable, str(HERE / "_spark_child.py"), "--engine", engine,
               "--size", str(size), "--seed", str(seed), "--out", str(out),
               "--cores", str(cores), "--memory", memory]
    return _harness.run_json_child(command, str(_harness.REPO / "src"), timeout)


def same_results(local: Path, spark: Path) -> dict[str, Any]:
    """Whether two runs' outputs agree: model JSON, pairs and weights, entities."""
    model = (local / "model.json").read_text() == (spark / "model.json").read_text()
    keys = ["unique_id_l", "unique_id_r"]
    a, b = (pd.read_parquet(d / "pairs.parquet").sort_values(keys).reset_index(drop=True)
            for d in (local, spark))
    same_pairs = len(a) == len(b) and bool((a[keys].to_numpy() == b[keys].to_numpy()).all())
    weight_diff = (float(np.abs(a["match_weight"] - b["match_weight"]).max())
                   if same_pairs else None)
    c, d = (pd.read_parquet(x / "clusters.parquet").sort_values("unique_id")
            .reset_index(drop=True) for x in (local, spark))
    entities = len(c) == len(d) and bool((c.to_numpy() == d.to_numpy()).all())
    return {"same_model_json": model, "same_pairs": same_pairs,
            "max_weight_difference": weight_diff, "same_entities": entities}


def table(results: list[dict[str, Any]], sizes: list[int]) -> str:
    header = ["records", "engine", *STAGES, "total s", "driver peak MiB", "JVM peak MiB",
              "workers peak MiB", "runs"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for size in sizes:
        for engine in ENGINES:
            runs = [r for r in results if r.get("size") == size and r.get("engine") == engine
                    and r["status"] == "ok"]
            if not runs:
                continue
            stage = [_harness.fmt(_harness.median([r["stages"][s] for r in runs]), 1)
                     for s in STAGES]
            memory = [_harness.fmt(_harness.median([r[k] for r in runs]))
                      for k in ("driver_peak_mib", "jvm_peak_mib", "workers_peak_mib")]
            lines.append("| " + " | ".join([
                f"{size:,}", engine, *stage,
                _harness.fmt(_harness.median([r["total_s"] for r in runs]), 1),
                *memory, str(len(runs))]) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k", help="comma-separated, e.g. 100k,1m")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--spark-repeats", default="",
                        help="per size, e.g. 1m=1: fewer Spark repeats at a size")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--memory", default="8g", help="Spark driver memory (local mode)")
    parser.add_argument("--check", action="store_true",
                        help="compare the engines' models, pairs and entities (first repeat)")
    parser.add_argument("--timeout", type=float, default=7200)
    parser.add_argument("--out", default="benchmarks/results/spark.json")
    args = parser.parse_args()
    sizes = [_scale_data.parse_size(s) for s in args.sizes.split(",")]
    fewer = {_scale_data.parse_size(k): int(v) for k, v in
             (item.split("=") for item in args.spark_repeats.split(",") if item)}
    results, checks = [], {}
    with tempfile.TemporaryDirectory() as work:
        for size in sizes:
            _scale_data.ensure_people(size, args.seed)
            for repeat in range(args.repeats):
                order = ENGINES if repeat % 2 == 0 else ENGINES[::-1]
                for engine in order:
                    if engine == "spark" and repeat >= fewer.get(size, args.repeats):
                        continue
                    out = Path(work) / f"{size}-{engine}-{repeat}"
                    print(f"{size:,} records, {engine}, repeat {repeat + 1}", file=sys.stderr,
                          flush=True)
                    report = run(size, engine, args.seed, out, args.cores, args.memory,
                                 args.timeout)
                    report.setdefault("size", size)
                    report.setdefault("engine", engine)
                    results.append(report)
                    print(json.dumps({k: report.get(k) for k in ("status", "total_s",
                                                                 "stages")}),
                          file=sys.stderr, flush=True)
                if args.check and repeat == 0:
                    local, spark = (Path(work) / f"{size}-{e}-0" for e in ENGINES)
                    if (local / "model.json").exists() and (spark / "model.json").exists():
                        checks[size] = same_results(local, spark)
    text = table(results, sizes)
    if checks:
        text += "\n\n" + "\n".join(f"{size:,} records: {json.dumps(check)}"
                                   for size, check in checks.items())
    env = _harness.versions(["golden-records", "pyspark", "pandas", "numpy", "pyarrow"])
    _harness.publish(text, env, args.out, {"results": results, "checks": checks,
                                            "source": _harness.golden_source()})


if __name__ == "__main__":
    main()
