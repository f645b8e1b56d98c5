"""Child process: golden on one dataset for the scale benchmark (see ``run.py``).

    python benchmarks/_scale_golden.py --dataset people --n-records 1000000 --mode run \
        --out /tmp/x [--model /tmp/model.json] [--variant equivalent|demo]

``--variant`` picks the configuration (``_scale_configs``): ``equivalent`` (default, the
one matched to Splink's) or, on people only, ``demo`` (golden.demo's current one).

Modes:

* ``run``: timed ``fit_predict`` (every candidate pair; with ``--calls separate``, ``fit``
  then ``predict``), ``cluster(threshold=0.5)``, with wall time and peak RSS per public
  call; with ``--model`` the fitted model is then saved there (``Linker.save``, timed
  separately, outside the timed region);
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

# golden's private functions, looked up on the golden being run, so that a renamed function
# shows up as missing (its time then lands in "other") rather than as an error.
FUNCTIONS = {
    "prepare_records": "golden.records:prepare_records",
    "Records.values": "golden.records:Records.values",
    "Records.encode": "golden.records:Records.encode",
    "Records.encode_all": "golden.records:Records.encode_all",
    "Records._normalised": "golden.records:Records._normalised",
    "comparison_indexes": "golden.comparisons.vectors:comparison_indexes",
    "random_patterns": "golden.engines.local:LocalTrainingPairs.random_patterns",
    "rule_patterns": "golden.engines.local:LocalTrainingPairs.rule_patterns",
    "candidate_pairs": "golden.blocking.candidates:candidate_pairs",
    "gamma_matrix": "golden.comparisons.vectors:gamma_matrix",
    "fit_em": "golden.model.training:fit_em",
    "fit_session_m": "golden.model.training:fit_session_m",
    "expectation_maximisation": "golden.model.em:expectation_maximisation",
    "Patterns.from_gammas": "golden.model.em:Patterns.from_gammas",
    "agreement_correlations": "golden.model.dependence:agreement_correlations",
    "posterior": "golden.model.dependence:posterior",
    "score_pairs": "golden.model.weights:score_pairs",
    "probability": "golden.model.weights:probability",
    "pairs_frame": "golden.engines.local:pairs_frame",
    "cluster_pairs": "golden.clustering.components:cluster_pairs",
}
# Stages, highest priority first, and the functions that open them. Time spent under a
# stage's function belongs to that stage unless a higher-priority stage claims it: value
# normalisation and encoding count as "prepare & normalise" wherever they happen (inside
# blocking, say), the comparisons of the random pairs count as "u estimation", and the
# sampling and comparing of the training rules' pairs as "EM training".
STAGES = (
    ("prepare & normalise", ("prepare_records", "Records._normalised", "Records.encode",
                             "Records.encode_all", "Records.values", "comparison_indexes")),
    ("u estimation", ("random_patterns",)),
    ("blocking", ("candidate_pairs",)),
    ("EM training", ("rule_patterns", "fit_em", "fit_session_m", "expectation_maximisation",
                     "Patterns.from_gammas", "agreement_correlations", "posterior")),
    ("comparing candidate pairs", ("gamma_matrix",)),
    ("scoring", ("score_pairs", "probability")),
    ("output frame", ("pairs_frame",)),
    ("clustering", ("cluster_pairs",)),
)
OTHER = "other"
# functions listed per call in the report's raw table
LISTED = ("random_patterns", "rule_patterns", "candidate_pairs", "Linker._gammas",
          "gamma_matrix", "fit_em", "fit_session_m", "expectation_maximisation",
          "Records.values", "Records._normalised", "Records.encode", "Records.encode_all",
          "comparison_indexes", "score_pairs", "_pairs_frame", "cluster_pairs")

Key = tuple[str, int, str]


def _resolve(target: str) -> Key | None:
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
    """One public call's cProfile data: cumulative times and a split into stages."""

    def __init__(self, profile: cProfile.Profile, keys: dict[str, Key | None]) -> None:
        self.stats: dict[Key, Any] = pstats.Stats(profile).stats  # type: ignore[attr-defined]
        self.keys = keys

    def total(self, name: str) -> float:
        key = self.keys.get(name)
        return float(self.stats[key][3]) if key in self.stats else 0.0

    def calls(self, name: str) -> int:
        key = self.keys.get(name)
        return int(self.stats[key][1]) if key in self.stats else 0

    def stages(self) -> dict[str, float]:
        """Every function's own time, attributed to a stage; the stages sum to the total.

        A function's time goes to the stage of the closest enclosing stage function, found
        by walking up the callers recorded by cProfile. A function with several callers
        has its time split among them in proportion to the time each call site spent in
        it (gprof's assumption, hence approximate).
        """
        priority = {name: rank for rank, (name, _) in enumerate(STAGES)}
        opens = {self.keys[f]: stage for stage, functions in STAGES for f in functions
                 if self.keys.get(f) is not None}
        memo: dict[Key, dict[str, float]] = {}

        def share(func: Key, path: frozenset[Key]) -> dict[str, float]:
            """Stage mix of ``func``'s time. Callers already on ``path`` close a cycle of
            the (aggregated) call graph and are left out; such truncated results are not
            cached, so that they cannot stand in for the full answer."""
            if func in memo:
                return memo[func]
            callers = {c: edge for c, edge in self.stats[func][4].items()
                       if c != func and c in self.stats}
            positive = any(edge[3] > 0 for edge in callers.values())
            mix: dict[str, float] = {}
            weight = 0.0
            truncated = False
            for caller, edge in callers.items():
                part = share(caller, path | {func}) if caller not in path else {}
                if not part:
                    truncated = True
                    continue
                w = edge[3] if positive else 1.0
                weight += w
                for stage, value in part.items():
                    mix[stage] = mix.get(stage, 0.0) + value * w
            mix = ({stage: value / weight for stage, value in mix.items()} if weight > 0
                   else {} if callers else {OTHER: 1.0})
            if func in opens:
                own = opens[func]
                kept = {s: p for s, p in mix.items()
                        if s != OTHER and priority[s] < priority[own]}
                kept[own] = max(0.0, 1.0 - sum(kept.values()))
                mix = kept
            if not truncated:
                memo[func] = mix
            return mix

        out = {stage: 0.0 for stage, _ in STAGES}
        out[OTHER] = 0.0
        for func, (_, _, own_time, _, _) in self.stats.items():
            for stage, part in (share(func, frozenset()) or {OTHER: 1.0}).items():
                out[stage] += own_time * part
        return out


def main() -> None:
    args = _scale_child.parse_args(MODES, _scale_configs.GOLDEN_VARIANTS)
    dataset = _scale_data.load(args.dataset, args.n_records, args.seed)
    import golden

    config = _scale_configs.golden(args.dataset, args.variant)
    overrides = _scale_child.parse_settings(args.set)
    if overrides:
        config.linker.set_params(**overrides)
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
        if args.mode != "saved" and args.calls == _scale_child.FIT_PREDICT:
            with meter.phase("fit_predict"):
                pairs = call("fit_predict", linker.fit_predict, records)
        else:
            if args.mode != "saved":
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
        extra["profile_stages_s"] = {
            name: {"total": meter.phases[name],
                   **{k: v for k, v in view.stages().items() if v > 0.0005}}
            for name, view in views.items()}
        extra["profile_functions"] = {
            name: {fn: {"calls": view.calls(fn), "cumulative_s": view.total(fn)}
                   for fn in LISTED}
            for name, view in views.items()}
        extra["profile_missing_functions"] = sorted(n for n, k in keys.items() if k is None)
        counts = {"n_pairs": len(pairs), "n_cluster_rows": len(clusters)}
    else:
        counts = _scale_child.write_outputs(args.out, pairs, clusters)
    if args.dataset == "people" and args.variant == _scale_configs.EQUIVALENT:
        extra["config_matches_demo"] = _scale_configs.golden_matches_demo()
    _scale_child.report({
        **meter.result,
        **counts,
        **extra,
        "mode": args.mode,
        "variant": args.variant,
        "calls": args.calls,
        "overrides": overrides,
        "version": golden.__version__,
        "golden_file": golden.__file__,
        "lambda": float(linker.lambda_),
        "em_iterations": int(getattr(linker, "n_iter_", -1)),
        "fit_warnings": sorted({str(w.message)[:300] for w in caught}),
    })


if __name__ == "__main__":
    main()
