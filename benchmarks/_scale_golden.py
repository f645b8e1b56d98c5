"""Child process: golden on one dataset for the scale benchmark (see ``run.py``).

    python benchmarks/_scale_golden.py --dataset people --n-records 1000000 --mode run \
        --out /tmp/x [--model /tmp/model.json]

Modes:

* ``run``: timed ``fit``, ``predict`` (every candidate pair), ``cluster(threshold=0.5)``,
  with wall time and peak RSS per public call; with ``--model`` the fitted model is then
  saved there (``Linker.save``, timed separately, outside the timed region);
* ``saved``: timed ``Linker.load(--model)``, ``predict``, ``cluster`` in this fresh process;
* ``profile``: the same calls as ``run`` under cProfile (one profile per public call); the
  report holds cumulative times of golden's private functions per call site and an
  approximate split of each public call into stages (no outputs are written).

The data are loaded and golden imported before the timed region.
"""

from __future__ import annotations

import cProfile
import importlib
import pstats
import time
import warnings
from typing import Any

import _scale_child
import _scale_configs
import _scale_data

MODES = ("run", "saved", "profile")

# Private functions whose cumulative time splits the public calls into stages. They are
# resolved on the live golden, so a renamed function shows up as missing, not as an error.
FUNCTIONS = {
    "Linker._gammas": "golden._linker:Linker._gammas",
    "_pairs_frame": "golden._linker:_pairs_frame",
    "prepare_records": "golden._prepare:prepare_records",
    "Records.values": "golden._prepare:Records.values",
    "Records.encode": "golden._prepare:Records.encode",
    "Records._normalised": "golden._prepare:Records._normalised",
    "comparison_indexes": "golden._compare:comparison_indexes",
    "gamma_matrix": "golden._compare:gamma_matrix",
    "BlockOn.index": "golden._blocking:BlockOn.index",
    "candidate_pairs": "golden._blocking:candidate_pairs",
    "estimate_u": "golden._training:estimate_u",
    "fit_em": "golden._training:fit_em",
    "fit_session_m": "golden._training:fit_session_m",
    "expectation_maximisation": "golden._em:expectation_maximisation",
    "Patterns.from_gammas": "golden._em:Patterns.from_gammas",
    "agreement_correlations": "golden._dependence:agreement_correlations",
    "posterior": "golden._dependence:posterior",
    "score_pairs": "golden._fellegi_sunter:score_pairs",
    "probability": "golden._fellegi_sunter:probability",
    "cluster_pairs": "golden._clustering:cluster_pairs",
}
# functions listed per call in the report's raw table
LISTED = ("estimate_u", "candidate_pairs", "Linker._gammas", "gamma_matrix", "fit_em",
          "fit_session_m", "expectation_maximisation", "Records.values",
          "Records._normalised", "Records.encode", "comparison_indexes", "score_pairs",
          "_pairs_frame", "cluster_pairs")


def _resolve(target: str) -> tuple[str, int, str] | None:
    module_name, _, qualname = target.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        return None
    obj = getattr(obj, "__func__", obj)
    code = getattr(obj, "__code__", None)
    if code is None:
        return None
    return (code.co_filename, code.co_firstlineno, code.co_name)


class ProfileView:
    """Cumulative times from one cProfile run, per function and per (function, caller)."""

    def __init__(self, profile: cProfile.Profile, keys: dict[str, tuple[str, int, str] | None]):
        self.stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
        self.keys = keys

    def total(self, name: str) -> float:
        key = self.keys.get(name)
        return float(self.stats[key][3]) if key in self.stats else 0.0

    def calls(self, name: str) -> int:
        key = self.keys.get(name)
        return int(self.stats[key][1]) if key in self.stats else 0

    def edge(self, name: str, caller: str) -> float:
        """Cumulative time of ``name`` in calls made directly by ``caller``."""
        key, caller_key = self.keys.get(name), self.keys.get(caller)
        if key not in self.stats or caller_key is None:
            return 0.0
        return float(self.stats[key][4].get(caller_key, (0, 0, 0, 0.0))[3])


def _split(view: ProfileView, call: str, total: float) -> dict[str, float]:
    """Approximate stages of one public call from its own profile (seconds under cProfile).

    Each public call has its own profile, so a private function's cumulative time there is
    the time spent in it during that call; known nestings (blocking keys normalised inside
    blocking, random pairs compared inside u estimation, EM inside the EM drivers) are
    subtracted so that no time counts twice. What is left is "other".
    """
    key_encoding = view.edge("Records.encode", "BlockOn.index")  # blocking keys, normalised
    stages: dict[str, float] = {}
    normalise = view.total("prepare_records") + view.total("comparison_indexes") + key_encoding
    if call == "fit":
        stages["prepare & normalise"] = normalise
        stages["u estimation"] = view.total("estimate_u")
        stages["blocking (prediction + training rules)"] = (view.total("candidate_pairs")
                                                            - key_encoding)
        stages["comparing candidate pairs"] = (view.total("Linker._gammas")
                                               + view.total("gamma_matrix")
                                               - view.edge("gamma_matrix", "estimate_u"))
        em_drivers = ("fit_em", "fit_session_m")
        stages["EM training"] = (
            sum(view.total(f) for f in em_drivers)
            + view.total("expectation_maximisation")
            - sum(view.edge("expectation_maximisation", f) for f in em_drivers)
            + view.total("Patterns.from_gammas")
            - sum(view.edge("Patterns.from_gammas", f) for f in ("estimate_u", *em_drivers))
            + view.total("agreement_correlations") + view.total("posterior"))
    elif call == "predict":
        stages["prepare & normalise"] = normalise
        stages["blocking"] = view.total("candidate_pairs") - key_encoding
        stages["comparing candidate pairs"] = (view.total("Linker._gammas")
                                               + view.total("gamma_matrix"))
        stages["scoring"] = view.total("score_pairs") + view.total("probability")
        stages["output frame"] = view.total("_pairs_frame")
    else:
        stages["prepare ids"] = view.total("prepare_records")
        stages["cluster_pairs"] = view.total("cluster_pairs")
    stages["other"] = total - sum(stages.values())
    return {"total": total, **stages}


def main() -> None:
    args = _scale_child.parse_args(MODES)
    dataset = _scale_data.load(args.dataset, args.n_records, args.seed)
    import golden

    config = _scale_configs.golden(args.dataset)
    frames = dataset.frames
    keys = {name: _resolve(target) for name, target in FUNCTIONS.items()} \
        if args.mode == "profile" else {}
    profiles: dict[str, cProfile.Profile] = {}

    def call(name: str, function: Any, *a: Any, **kw: Any) -> Any:
        if args.mode != "profile":
            return function(*a, **kw)
        profile = profiles.setdefault(name, cProfile.Profile())
        profile.enable()
        try:
            return function(*a, **kw)
        finally:
            profile.disable()

    meter = _scale_child.PhaseMeter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if config.prepare is not None:  # FEBRL: derived helper columns
            with meter.phase("prepare"):
                frames = [config.prepare(frame) for frame in frames]
        records = frames[0] if dataset.link_type == "dedupe" else frames
        if args.mode == "saved":
            with meter.phase("load"):
                linker = golden.Linker.load(args.model)
        else:
            linker = config.linker
            with meter.phase("fit"):
                call("fit", linker.fit, records)
        with meter.phase("predict"):
            pairs = call("predict", linker.predict, records)
        with meter.phase("cluster"):
            clusters = call("cluster", linker.cluster, pairs, records,
                            threshold=_scale_child.CLUSTER_THRESHOLD)
    meter.stop()

    extra: dict[str, Any] = {}
    if args.mode == "run" and args.model is not None:
        started = time.perf_counter()
        linker.save(args.model)
        extra["save_s"] = time.perf_counter() - started
        extra["model_bytes"] = args.model.stat().st_size
    if args.mode == "profile":
        views = {name: ProfileView(profile, keys) for name, profile in profiles.items()}
        extra["profile_stages_s"] = {name: _split(view, name, meter.phases[name])
                                     for name, view in views.items()}
        extra["profile_functions"] = {
            name: {fn: {"calls": view.calls(fn), "cumulative_s": view.total(fn)}
                   for fn in LISTED}
            for name, view in views.items()}
        extra["profile_missing_functions"] = sorted(n for n, k in keys.items() if k is None)
        counts = {"n_pairs": len(pairs), "n_cluster_rows": len(clusters)}
    else:
        counts = _scale_child.write_outputs(args.out, pairs, clusters)
    if args.dataset == "people":
        extra["config_matches_demo"] = _scale_configs.golden_matches_demo()
    _scale_child.report({
        **meter.result,
        **counts,
        **extra,
        "mode": args.mode,
        "version": golden.__version__,
        "lambda": float(linker.lambda_),
        "em_iterations": int(getattr(linker, "n_iter_", -1)),
        "fit_warnings": sorted({str(w.message)[:300] for w in caught}),
    })


if __name__ == "__main__":
    main()
