"""Child process: run golden on one dataset (see ``accuracy.py``).

    python benchmarks/_golden_side.py --dataset febrl3 --tool golden --out /tmp/x
"""

from __future__ import annotations

import warnings

import _child
import _configs
import _sets


def main() -> None:
    args = _child.parse_args(_configs.GOLDEN_VARIANTS)
    dataset = _sets.load(args.dataset)
    import golden

    meter = _child.Meter()
    with meter.phase("fit"):
        config = _sets.GOLDEN[args.dataset](args.tool)
        frames = dataset.frames
        if config.prepare is not None:
            frames = [config.prepare(frame) for frame in frames]
        records = frames[0] if dataset.link_type == "dedupe" else frames
        linker = config.linker
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            linker.fit(records)
    with meter.phase("predict"):
        pairs = linker.predict(records)
    with meter.phase("cluster"):
        clusters = linker.cluster(pairs, records, threshold=_child.CLUSTER_THRESHOLD)
    meter.stop()

    counts = _child.write_outputs(args.out, pairs, clusters)
    _child.report(meter, {
        **counts,
        "version": golden.__version__,
        "golden_file": golden.__file__,
        "lambda": float(linker.lambda_),
        "em_iterations": int(linker.n_iter_),
        "em_converged": bool(linker.converged_),
        "fit_warnings": sorted({str(w.message)[:200] for w in caught}),
    })


if __name__ == "__main__":
    main()
