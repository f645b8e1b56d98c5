"""Data for the scale benchmark (``run.py``): golden's synthetic people, cached as Parquet.

``golden.datasets.make_people(n, random_state=seed)`` is generated once per (size, seed)
and kept in ``benchmarks/.cache/people_<n>_seed<seed>.parquet`` with every column,
the truth (``person_id``, ``household_id``) included. The file's metadata records a hash
of the generator's source, so a changed generator regenerates the file instead of
benchmarking stale data. Reading the cache is never inside a timed region.

FEBRL3 / FEBRL4 come from ``_datasets.py`` (the accuracy benchmark's loaders).
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path

import _datasets
import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
CACHE_DIR = HERE / ".cache"
SIZES = {"100k": 100_000, "1m": 1_000_000, "5m": 5_000_000}
TRUTH_COLUMNS = ("person_id", "household_id")
PEOPLE = "people"
FEBRL = ("febrl3", "febrl4")
_META_KEY = b"golden_bench_generator"


def parse_size(text: str) -> int:
    """``100k`` / ``1m`` / ``5m`` (or a plain number, ``250000``, ``2.5m``) to a record count."""
    key = text.strip().lower().replace("_", "")
    if key in SIZES:
        return SIZES[key]
    scale = {"k": 1_000, "m": 1_000_000}.get(key[-1:], 1)
    number = key[:-1] if scale != 1 else key
    try:
        value = int(float(number) * scale)
    except ValueError:
        raise SystemExit(f"--size: cannot read {text!r}; use 100k, 1m, 5m or a number") from None
    if value < 1_000:
        raise SystemExit("--size: use at least 1,000 records")
    return value


def size_label(n_records: int) -> str:
    for label, n in SIZES.items():
        if n == n_records:
            return label
    return f"{n_records:,}"


def generator_hash() -> str:
    """Hash of golden's synthetic-data generator source (changes when it changes)."""
    import golden.datasets

    folder = Path(golden.datasets.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_path(n_records: int, seed: int) -> Path:
    return CACHE_DIR / f"people_{n_records}_seed{seed}.parquet"


def ensure_people(n_records: int, seed: int, log=sys.stderr) -> Path:
    """Generate and cache the synthetic people unless an up-to-date file exists."""
    import pyarrow.parquet as pq

    path = cache_path(n_records, seed)
    wanted = generator_hash().encode()
    if path.exists():
        meta = pq.read_schema(path).metadata or {}
        if meta.get(_META_KEY) == wanted:
            return path
        print(f"cache {path.name}: generator changed, regenerating", file=log, flush=True)
    import pyarrow as pa

    from golden.datasets import make_people

    started = time.perf_counter()
    people = make_people(n_records, random_state=seed)
    table = pa.Table.from_pandas(people, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), _META_KEY: wanted})
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    pq.write_table(table, partial)
    partial.replace(path)
    print(f"generated {n_records:,} people (seed {seed}) in "
          f"{time.perf_counter() - started:.1f} s -> {path}", file=log, flush=True)
    return path


def read_people(n_records: int, seed: int) -> pd.DataFrame:
    """The cached people frame (every column, truth included)."""
    path = cache_path(n_records, seed)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run.py generates it before the runs")
    return pd.read_parquet(path)


def held_and_probes(n_held: int, n_probes: int, seed: int,
                    columns: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The resolver benchmark's split (``resolver.py``): the cached ``n_held + n_probes``
    people shuffled with ``seed``; the first ``n_held`` are held, the rest are probes (new
    records: more records of held people, or new people). Truth columns included."""
    people = pd.read_parquet(cache_path(n_held + n_probes, seed), columns=columns)
    order = np.random.default_rng(seed).permutation(len(people))
    people = people.iloc[order].reset_index(drop=True)
    return people.iloc[:n_held], people.iloc[n_held:].reset_index(drop=True)


def load(dataset: str, n_records: int | None = None, seed: int = 0) -> _datasets.Dataset:
    """A :class:`_datasets.Dataset` for ``people`` (size, seed) or ``febrl3`` / ``febrl4``."""
    if dataset in FEBRL:
        return _datasets.load(dataset)
    if dataset != PEOPLE or n_records is None:
        raise ValueError(f"unknown dataset {dataset!r} (or no size for people)")
    people = read_people(n_records, seed)
    truth = pd.Series(people["person_id"].to_numpy(),
                      index=pd.Index(people["unique_id"].to_numpy(), name="unique_id"),
                      name="entity")
    records = people.drop(columns=list(TRUTH_COLUMNS))
    return _datasets.Dataset(f"people_{size_label(n_records)}", "dedupe", [records],
                             "unique_id", truth)


def load_truth(dataset: str, n_records: int | None = None, seed: int = 0
               ) -> tuple[pd.Series, pd.Series | None, int]:
    """Truth (and source, for links) and the number of records, without the record frames."""
    if dataset in FEBRL:
        ds = _datasets.load(dataset)
        return ds.truth, ds.source, ds.n_records
    path = cache_path(n_records, seed)  # type: ignore[arg-type]
    people = pd.read_parquet(path, columns=["unique_id", "person_id"])
    truth = pd.Series(people["person_id"].to_numpy(),
                      index=pd.Index(people["unique_id"].to_numpy(), name="unique_id"),
                      name="entity")
    return truth, None, len(people)
