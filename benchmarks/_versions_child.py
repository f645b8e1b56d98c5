"""Child process of ``versions.py``: one case on the golden found first on ``sys.path``.

    PYTHONPATH=<checkout>/src python benchmarks/_versions_child.py CASE OUT_DIR

Writes the case's outputs (model JSON, pairs, entities, golden records...) into OUT_DIR and
prints one JSON line: the seconds and peak RSS (MiB) of the timed region, and where golden
was imported from. The data are loaded and golden imported before the timed region.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import _configs
import _datasets
import _scale_configs
import _scale_data
import pandas as pd

FEBRL_CASES = [f"{name}-{variant}" for name in ("febrl3", "febrl4", "fake_1000")
               for variant in _configs.GOLDEN_VARIANTS]
SCALE_VARIANTS = _scale_configs.GOLDEN_VARIANTS


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Categoricals as text, so that outputs compare across versions."""
    return frame.astype({c: str for c in frame.columns
                         if isinstance(frame[c].dtype, pd.CategoricalDtype)})


def save_model(linker: Any, out: Path) -> None:
    (out / "model.json").write_text(json.dumps(linker.to_dict(), indent=1, sort_keys=True))


def accuracy_case(case: str, out: Path) -> float:
    import golden as gd

    name, variant = case.rsplit("-", 1)
    dataset = _datasets.load(name)
    config = _configs.GOLDEN[name](variant)
    frames = dataset.frames
    if config.prepare is not None:
        frames = [config.prepare(frame) for frame in frames]
    records = frames[0] if dataset.link_type == "dedupe" else frames
    started = time.perf_counter()
    linker = config.linker.fit(records)
    pairs = linker.predict(records)
    entities = linker.cluster(pairs, records, threshold=0.5)
    kept = gd.Linker(**linker.get_params()).fit_predict(records, threshold=0.5)
    seconds = time.perf_counter() - started
    save_model(linker, out)
    plain(pairs).to_parquet(out / "pairs.parquet")
    entities.to_parquet(out / "entities.parquet")
    plain(kept).to_parquet(out / "fit_predict.parquet")
    return seconds


def people_case(out: Path) -> float:
    """The demo's configuration on 5,000 people: pairs, entities, golden records,
    households, an explanation, a saved and reloaded model, and the resolver."""
    import golden as gd
    from golden import demo

    people = gd.datasets.make_people(5_000, random_state=3)
    records = people.drop(columns=["person_id", "household_id"])
    started = time.perf_counter()
    linker = gd.Linker(demo.COMPARISONS, demo.BLOCKING, training_blocking=demo.TRAINING,
                       random_state=0)
    pairs = linker.fit_predict(records)
    entities = linker.cluster(pairs, records, threshold=0.5)
    golden = demo.GOLDEN.build(records, entities)
    homes = gd.HouseholdGrouper(reference_date="2026-01-01").fit_transform(golden.records)
    explained = linker.explain(pairs.iloc[0])
    with tempfile.TemporaryDirectory() as folder:
        linker.save(Path(folder) / "model.json")
        reloaded = gd.Linker.load(Path(folder) / "model.json").predict(records, threshold=0.5)
        resolver = gd.Resolver(Path(folder) / "store.db", linker, golden=demo.GOLDEN)
        added = [resolver.add(records.iloc[start:start + 1_000]).records
                 for start in range(0, 4_000, 1_000)]
        matched = [resolver.match(row.to_dict()).assign(probe=i)
                   for i, (_, row) in enumerate(records.iloc[4_000:4_100].iterrows())]
        resolver.forget(records["unique_id"].iloc[10])
        added.append(resolver.add(records.iloc[4_000:]).records)
        entity_ids = sorted(set(added[-1]["entity_id"]))[:200]
        held = pd.DataFrame([resolver.golden(int(e)) for e in entity_ids])
        resolver.close()
    seconds = time.perf_counter() - started
    save_model(linker, out)
    outputs = {"pairs": plain(pairs), "entities": entities, "golden": golden.records,
               "provenance": golden.provenance, "members": homes.members,
               "households": homes.households, "dwellings": homes.dwellings,
               "explain": explained, "reloaded": plain(reloaded),
               "resolver_added": pd.concat(added), "resolver_matched": pd.concat(matched),
               "resolver_golden": held}
    for name, frame in outputs.items():
        frame.astype(str).to_parquet(out / f"{name}.parquet")
    return seconds


def scale_case(case: str, out: Path) -> float:
    """The scale benchmark's golden configurations on the cached synthetic people."""
    _, size, variant = case.split("-", 2)
    records = _scale_data.read_people(_scale_data.parse_size(size), 0).drop(
        columns=list(_scale_data.TRUTH_COLUMNS))
    config = _scale_configs.golden("people", variant)
    if config.prepare is not None:
        records = config.prepare(records)
    started = time.perf_counter()
    pairs = config.linker.fit_predict(records)
    entities = config.linker.cluster(pairs, records, threshold=0.5)
    seconds = time.perf_counter() - started
    save_model(config.linker, out)
    pairs[["unique_id_l", "unique_id_r", "match_weight"]].to_parquet(out / "pairs.parquet")
    entities.to_parquet(out / "entities.parquet")
    return seconds


def main() -> None:
    case, out = sys.argv[1], Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    warnings.simplefilter("ignore")
    import golden

    if case in FEBRL_CASES:
        seconds = accuracy_case(case, out)
    elif case == "people-5k":
        seconds = people_case(out)
    else:
        seconds = scale_case(case, out)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak, "golden": golden.__file__}))


if __name__ == "__main__":
    main()
