"""Child process: Splink 5 (DuckDB backend) on one dataset for the scale benchmark.

    python benchmarks/_scale_splink.py --dataset people --n-records 1000000 --out /tmp/x

Timed region (after loading the data and importing Splink):

* ``normalise`` (people only): register the pandas frame with DuckDB and build the
  normalised table with block-size flags (``_scale_configs.normalise_sql``); for FEBRL the
  frames are registered as they are (the accuracy benchmark's configuration);
* ``fit``: ``Linker`` + λ from deterministic rules, u by random sampling, EM sessions;
* ``predict``: ``inference.predict()`` (every candidate pair);
* ``cluster``: ``cluster_pairwise_predictions_at_threshold(…, 0.5)``;
* ``export``: predictions and clusters read back as pandas frames (golden returns pandas
  frames directly).
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import _scale_child
import _scale_configs
import _scale_data
import _splink_run


def _prior(linker: object) -> float | None:
    try:
        return float(linker._settings_obj._probability_two_random_records_match)  # type: ignore[attr-defined]
    except (AttributeError, TypeError, ValueError):
        return None


def register_normalised(db_api: Any, frame: Any, raw: str = _scale_configs.RAW_TABLE,
                        clean: str = _scale_configs.CLEAN_TABLE,
                        name: str | None = None) -> Any:
    """Register the raw people frame with DuckDB, build the normalised table with its
    block-size flags (``_scale_configs.normalise_sql``) and register that with Splink."""
    con = db_api.duckdb_con
    con.register(raw, frame)
    con.execute(_scale_configs.normalise_sql(raw, clean))
    con.unregister(raw)
    return db_api.register(clean, dataset_display_name=name)


def main() -> None:
    args = _scale_child.parse_args(("run",))
    dataset = _scale_data.load(args.dataset, args.n_records, args.seed)
    import duckdb
    import splink
    from splink import DuckDBAPI, Linker

    config = _scale_configs.splink(args.dataset)
    meter = _scale_child.PhaseMeter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with meter.phase("normalise"):
            db_api = DuckDBAPI()
            if args.dataset == _scale_data.PEOPLE:
                inputs = register_normalised(db_api, dataset.frames[0], name="people")
            else:
                registered = [
                    db_api.register(frame, dataset_display_name=name)
                    for frame, name in zip(dataset.frames, dataset.source_names, strict=True)
                ]
                inputs = registered[0] if dataset.link_type == "dedupe" else registered
        with meter.phase("fit"):
            linker = Linker(inputs, config.settings, log_level=logging.WARNING)
            _splink_run.train(linker, config.training)
        pairs, clusters = _splink_run.predict_cluster_export(
            linker, meter, _scale_child.CLUSTER_THRESHOLD, dataset.unique_id)
    meter.stop()

    counts = _scale_child.write_outputs(args.out, pairs, clusters)
    threads = db_api.duckdb_con.execute("select current_setting('threads')").fetchone()[0]
    _scale_child.report({
        **meter.result,
        **counts,
        "mode": "run",
        "version": splink.__version__,
        "duckdb_version": duckdb.__version__,
        "duckdb_threads": threads,
        "lambda": _prior(linker),
        "fit_warnings": sorted({str(w.message)[:300] for w in caught}),
    })


if __name__ == "__main__":
    main()
