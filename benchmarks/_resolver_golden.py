"""Child process of the resolver benchmark (``resolver.py``): golden's incremental resolver.

    python benchmarks/_resolver_golden.py --n-held 1000000 --n-probes 1000 --batch 1000

Steps (data read and golden imported first, none of it timed):

* ``fit`` (timed, reported apart): ``golden.demo``'s ``Linker`` fitted on the first
  ``FIT_SAMPLE`` held records (they are shuffled);
* ``add``: a new ``gd.Resolver`` (SQLite file in a temporary folder, ``golden.demo.GOLDEN``)
  gets the held records in batches of ``--batch``, each ``add`` timed;
* ``match``: ``--warmup`` held records are matched untimed, then each probe (dicts
  prepared before) is matched once, each ``match`` timed.

Reports one JSON line: per-batch seconds, store size, peak RSS per phase, and per probe
the latency, the number of candidate entities, the best record of the top candidate at
``match_probability >= 0.5`` (or null) and that entity's records (read after the timed
calls), for the parent to score against the truth.
"""

from __future__ import annotations

import re
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import _scale_child
import _scale_configs

FIT_SAMPLE = 200_000  # the Linker is fitted on at most this many held records
THRESHOLD = 0.5


def fill(resolver: Any, held: Any, batch: int) -> dict[str, Any]:
    """Add the held records in batches; seconds per batch, rejects and warnings (record
    counts in them blanked, so one oversized key warns once)."""
    seconds, rejected, warned = [], 0, set()
    for start in range(0, len(held), batch):
        chunk = held.iloc[start:start + batch]
        began = time.perf_counter()
        added = resolver.add(chunk)
        seconds.append(time.perf_counter() - began)
        rejected += len(added.rejected)
        warned.update(re.sub(r"\(\d[\d,]* records\)", "(n records)", w)[:200]
                      for w in added.warnings)
    return {"batch_records": [min(batch, len(held) - s) for s in range(0, len(held), batch)],
            "batch_s": seconds, "n_rejected": rejected, "add_warnings": sorted(warned)[:20],
            "n_add_warnings": len(warned)}


def probe_all(resolver: Any, probes: list[dict[str, Any]]) -> dict[str, Any]:
    """Match each probe once: latency (ms), candidates, best record of the top candidate."""
    latencies, counts, tops, entities = [], [], [], []
    for probe in probes:
        began = time.perf_counter()
        found = resolver.match(probe)
        latencies.append((time.perf_counter() - began) * 1e3)
        counts.append(len(found))
        top = len(found) and found["match_probability"].iloc[0] >= THRESHOLD
        tops.append(str(found["unique_id"].iloc[0]) if top else None)
        entities.append(int(found["entity_id"].iloc[0]) if top else None)
    return {"match_ms": latencies, "n_candidates": counts, "top_uid": tops,
            "top_entity": entities}


def main() -> None:
    args, held, probes = _scale_child.resolver_inputs()
    probe_dicts = probes.to_dict("records")
    warmup = held.iloc[-args.warmup:].to_dict("records") if args.warmup else []
    import golden as gd
    from golden import demo

    meter = _scale_child.PhaseMeter()
    with warnings.catch_warnings(record=True) as caught, \
            tempfile.TemporaryDirectory(prefix="golden-resolver-") as tmp:
        warnings.simplefilter("always")
        with meter.phase("fit"):
            linker = _scale_configs.golden_demo_people().linker.fit(held.iloc[:FIT_SAMPLE])
        store = Path(tmp) / "store.db"
        with meter.phase("add"):
            resolver = gd.Resolver(store, linker, golden=demo.GOLDEN)
            added = fill(resolver, held, args.batch)
        store_bytes = sum(path.stat().st_size for path in
                          (store, store.with_name(store.name + "-wal")) if path.exists())
        with meter.phase("match"):
            for record in warmup:
                resolver.match(record)
            matched = probe_all(resolver, probe_dicts)
        matched["top_entity_uids"] = [
            None if e is None else [str(u) for u in resolver.entity(e)["unique_id"]]
            for e in matched.pop("top_entity")]
        resolver.close()
    meter.stop()
    _scale_child.report({
        **meter.result, **added, **matched,
        "fit_records": min(FIT_SAMPLE, len(held)),
        "store_bytes": store_bytes,
        "probe_uid": [str(u) for u in probes["unique_id"]],
        "version": gd.__version__,
        "golden_file": gd.__file__,
        "warnings": sorted({f"{w.category.__name__}: {str(w.message)[:300]}"
                            for w in caught})[:20],
    })


if __name__ == "__main__":
    main()
