"""Child process: run Splink (DuckDB backend) on one dataset (see ``accuracy.py``).

    python benchmarks/_splink_side.py --dataset febrl3 --tool splink --out /tmp/x

The pandas frames that golden gets are registered with DuckDB, after the columns the
configuration derives from them (``SplinkConfig.prepare``, inside the timed region, as
golden normalises inside its own calls); Splink's predictions and clusters are read back
as pandas frames inside the timed region ("export" phase), since golden returns pandas
frames directly.
"""

from __future__ import annotations

import logging
import warnings

import _child
import _sets
import _splink_run


def main() -> None:
    args = _child.parse_args(("splink",))
    dataset = _sets.load(args.dataset)
    import duckdb
    import splink
    from splink import DuckDBAPI, Linker

    meter = _child.Meter()
    with meter.phase("fit"):
        config = _sets.SPLINK[args.dataset]()
        frames = dataset.frames
        if config.prepare is not None:
            frames = config.prepare(frames)
        db_api = DuckDBAPI()
        if args.duckdb_memory_gib:
            db_api.duckdb_con.execute(f"SET memory_limit = '{args.duckdb_memory_gib}GiB'")
            db_api.duckdb_con.execute(f"SET temp_directory = '{args.out / 'duckdb.tmp'}'")
        if config.register is not None:
            registered = config.register(db_api, frames, dataset.source_names)
        else:
            registered = [
                db_api.register(frame, dataset_display_name=name)
                for frame, name in zip(frames, dataset.source_names, strict=True)
            ]
        inputs = registered[0] if dataset.link_type == "dedupe" else registered
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            linker = Linker(inputs, config.settings, log_level=logging.WARNING)
            _splink_run.train(linker, config.training)
    pairs, clusters = _splink_run.predict_cluster_export(
        linker, meter, _child.CLUSTER_THRESHOLD, dataset.unique_id)
    meter.stop()

    counts = _child.write_outputs(args.out, pairs, clusters)
    threads = db_api.duckdb_con.execute("select current_setting('threads')").fetchone()[0]
    _child.report(meter, {
        **counts,
        "version": splink.__version__,
        "duckdb_version": duckdb.__version__,
        "duckdb_threads": threads,
        "lambda": _prior(linker),
        "fit_warnings": sorted({str(w.message)[:200] for w in caught}),
    })


def _prior(linker: object) -> float | None:
    """Splink's trained probability_two_random_records_match (internal attribute)."""
    try:
        return float(linker._settings_obj._probability_two_random_records_match)  # type: ignore[attr-defined]
    except (AttributeError, TypeError, ValueError):
        return None


if __name__ == "__main__":
    main()
