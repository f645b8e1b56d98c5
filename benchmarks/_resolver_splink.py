"""Child process of the resolver benchmark (``resolver.py``): Splink 5 matching one record.

    python benchmarks/_resolver_splink.py --n-held 1000000 --n-probes 1000 --timed-probes 100

Splink has no incremental clustering, so only matching one new record is timed. Steps
(data read and Splink imported first):

* ``normalise`` and ``fit`` (timed, reported apart): the held records normalised in DuckDB
  SQL and the model trained exactly as in the scale benchmark (``_scale_splink.py``);
  training leaves the held records' term-frequency tables in Splink's cache, where
  ``predict_between`` reads them;
* ``match``: ``--warmup`` held records are matched untimed, then for each of the first
  ``--timed-probes`` probes one call is timed: register the raw one-row frame, normalise it
  with the same SQL (``_scale_configs.normalise_sql``), ``inference.predict_between(held,
  probe)`` with the prediction blocking rules, and read the result as pandas.

Splink 5 removed ``find_matches_to_new_records``; ``predict_between`` is its replacement
for scoring new records against existing ones (see README.md). Reports the same per-probe
fields as ``_resolver_golden.py`` (the top candidate is the held record of the best pair).
"""

from __future__ import annotations

import logging
import time
import warnings
from typing import Any

import _scale_child
import _scale_configs
import _scale_data
import _scale_splink
import _splink_run

THRESHOLD = 0.5
PROBE_RAW = "probe_raw"
PROBE_CLEAN = "probe_clean"


def match_one(db_api: Any, linker: Any, held: Any, frame: Any) -> tuple[Any, float]:
    """One new record against the held ones: the scored pairs as a pandas frame, and the
    call's milliseconds (dropping the result table afterwards is not timed)."""
    began = time.perf_counter()
    probe = _scale_splink.register_normalised(db_api, frame, PROBE_RAW, PROBE_CLEAN)
    predictions = linker.inference.predict_between(held, probe)
    pairs = predictions.as_pandas_dataframe()
    elapsed = (time.perf_counter() - began) * 1e3
    predictions.drop_table_from_database_and_remove_from_cache()
    return pairs, elapsed


def main() -> None:
    args, held_frame, probes = _scale_child.resolver_inputs()
    frames = [probes.iloc[[i]] for i in range(len(probes))]
    warmup = [held_frame.iloc[[i]] for i in range(len(held_frame) - args.warmup,
                                                   len(held_frame))] if args.warmup else []
    import duckdb
    import splink
    from splink import DuckDBAPI, Linker

    config = _scale_configs.splink(_scale_data.PEOPLE)
    meter = _scale_child.PhaseMeter()
    latencies, counts, tops = [], [], []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with meter.phase("normalise"):
            db_api = DuckDBAPI()
            held = _scale_splink.register_normalised(db_api, held_frame, name="people")
        with meter.phase("fit"):
            linker = Linker(held, config.settings, log_level=logging.WARNING)
            _splink_run.train(linker, config.training)  # caches the tf tables too
        with meter.phase("match"):
            for frame in warmup:
                match_one(db_api, linker, held, frame)
            for frame in frames:
                pairs, elapsed = match_one(db_api, linker, held, frame)
                latencies.append(elapsed)
                counts.append(len(pairs))
                best = pairs["match_probability"].idxmax() if len(pairs) else None
                top = best is not None and pairs.at[best, "match_probability"] >= THRESHOLD
                tops.append(str(pairs.at[best, "unique_id_l"]) if top else None)
    meter.stop()
    _scale_child.report({
        **meter.result,
        "match_ms": latencies, "n_candidates": counts, "top_uid": tops,
        "probe_uid": [str(u) for u in probes["unique_id"]],
        "version": splink.__version__,
        "duckdb_version": duckdb.__version__,
        "warnings": sorted({str(w.message)[:300] for w in caught})[:20],
    })


if __name__ == "__main__":
    main()
