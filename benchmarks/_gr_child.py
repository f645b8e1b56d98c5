"""Child process of the golden-record benchmark (``golden_records.py``): one measured run.

    python benchmarks/_gr_child.py --mode golden --n-records 1000000 [--out DIR]

Modes:

* ``golden``: ``GoldenRecordBuilder(...).build`` on the records, entities = the true
  ``person_id``;
* ``baseline``: the hand-written pandas equivalent (``_gr_baseline.py``) on the same input;
* ``households``: raw records → ``Linker`` (golden's demo configuration) ``fit_predict`` +
  ``cluster`` → golden records → ``HouseholdGrouper.fit_transform``, then (not timed)
  household and person accuracy against the truth, the household accuracy of the same
  grouping given the true people as entities, the ceiling (``household_ceiling``), the
  evidence bound (``_evidence_bound.household_evidence_bound``) and the missed household
  pairs by cause (``household_misses``).

The data are read and the libraries imported before the timed region. The child prints
one JSON line (the last line of its stdout) with wall time, CPU time and peak RSS (of the
timed region, and per stage for ``households``); with ``--out`` the golden records are
written there as ``records.parquet`` for the parent to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import _evidence_bound
import _gr_baseline
import _proc
import _scale_data
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

MODES = ("golden", "baseline", "households")
RECORDS_FILE = "records.parquet"
COMPLETED = "completed:"  # prefix of golden's "value completed the group" flag columns
CLUSTER_THRESHOLD = 0.5
REFERENCE_DATE = "2026-11-01"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", required=True, choices=MODES)
    parser.add_argument("--n-records", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for the golden records (golden / baseline modes)")
    return parser.parse_args()


# ---------------------------------------------------------------------------
# measuring
# ---------------------------------------------------------------------------






class Meter:
    """Wall time, CPU time and peak RSS of the timed region, and time and peak per stage.

    The peak is the kernel's high-water mark, reset before each stage so that reading the
    data (before the timed region) does not count; where the reset is not allowed it falls
    back to ``ru_maxrss``, which then includes the loading.
    """

    def __init__(self) -> None:
        self.load_peak_mib = _proc.max_rss_mib()
        self.exact = _proc.reset_peak()
        self.rss_start_mib = _proc.status_mib("VmRSS") or self.load_peak_mib
        self.stages_s: dict[str, float] = {}
        self.stage_peak_mib: dict[str, float] = {}
        self._cpu0 = _proc.cpu_seconds()
        self._t0 = time.perf_counter()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.exact:
            _proc.reset_peak()
        start = time.perf_counter()
        yield
        self.stages_s[name] = time.perf_counter() - start
        peak = _proc.status_mib("VmHWM") if self.exact else None
        self.stage_peak_mib[name] = peak if peak is not None else _proc.max_rss_mib()

    def stop(self) -> dict[str, Any]:
        wall = time.perf_counter() - self._t0
        cpu = _proc.cpu_seconds() - self._cpu0
        peak = max(self.stage_peak_mib.values())
        return {"wall_s": wall, "cpu_s": cpu, "peak_rss_mib": peak,
                "rss_start_mib": self.rss_start_mib,
                "peak_rss_increase_mib": peak - self.rss_start_mib,
                "peak_is_exact": self.exact, "load_peak_rss_mib": self.load_peak_mib,
                "stages_s": self.stages_s, "stage_peak_rss_mib": self.stage_peak_mib}


# ---------------------------------------------------------------------------
# the runs
# ---------------------------------------------------------------------------


def builder() -> Any:
    """The benchmark's golden-record configuration."""
    import golden as gd
    from golden import survivorship as sv

    return gd.GoldenRecordBuilder(
        rules={"first_name": sv.longest().then(sv.most_frequent()),
               "email": sv.all_values(gd.col("email").email()),
               "phone": sv.all_values(gd.col("phone").phone(), order="recent"),
               "address": sv.most_recent()},
        attributes=["first_name", "surname", "dob", "email", "phone"],
        groups={"address": _gr_baseline.ADDRESS},
        source="source", timestamp="updated_at")


def true_entities(people: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"unique_id": people["unique_id"], "entity_id": people["person_id"]})


def run_golden(people: pd.DataFrame, out: Path | None) -> dict[str, Any]:
    records = people.drop(columns=list(_scale_data.TRUTH_COLUMNS))
    clusters = true_entities(people)
    meter = Meter()
    with meter.stage("golden records"):
        result = builder().build(records, clusters)
    report = meter.stop()
    if out is not None:
        completed = result.provenance[result.provenance["rule"].str.endswith(", completed")]
        flags = {COMPLETED + column: result.records["entity_id"].isin(
                     completed.loc[completed["attribute"] == column, "entity_id"]).to_numpy()
                 for column in _gr_baseline.ADDRESS}
        write_records(out, result.records.assign(**flags))
    return {**report, "n_entities": len(result.records),
            "n_provenance_rows": len(result.provenance)}


def run_baseline(people: pd.DataFrame, out: Path | None) -> dict[str, Any]:
    records = people.drop(columns=list(_scale_data.TRUTH_COLUMNS))
    clusters = true_entities(people)
    meter = Meter()
    with meter.stage("golden records"):
        table = _gr_baseline.golden_records(records, clusters)
    report = meter.stop()
    if out is not None:
        write_records(out, table)
    return {**report, "n_entities": len(table)}


def run_households(people: pd.DataFrame) -> dict[str, Any]:
    import golden as gd
    from golden.demo import BLOCKING, COMPARISONS, TRAINING

    records = people.drop(columns=list(_scale_data.TRUTH_COLUMNS))
    by_id = people.set_index("unique_id")
    meter = Meter()
    with meter.stage("link"):
        linker = gd.Linker(COMPARISONS, BLOCKING, training_blocking=TRAINING, random_state=0,
                           progress=False)
        pairs = linker.fit_predict(records)
        clusters = linker.cluster(pairs, records, threshold=CLUSTER_THRESHOLD)
    with meter.stage("golden records"):
        golden = builder().build(records, clusters)
    with meter.stage("households"):
        homes = gd.HouseholdGrouper(reference_date=REFERENCE_DATE).fit_transform(
            golden.records)
    report = meter.stop()
    household = gd.evaluate.household_metrics(homes.members, clusters,
                                              by_id["household_id"])
    person = gd.evaluate.cluster_metrics(clusters, by_id["person_id"])
    people_as_entities = true_entities(people)
    true_homes = gd.HouseholdGrouper(reference_date=REFERENCE_DATE).fit_transform(
        builder().build(records, people_as_entities).records)
    placeable = placeable_people(people)
    return {**report, "n_pairs": len(pairs), "n_entities": len(golden.records),
            "n_households": len(homes.households),
            "n_true_households": int(people["household_id"].nunique()),
            "household": household, "person": person,
            "household_true_people": gd.evaluate.household_metrics(
                true_homes.members, people_as_entities, by_id["household_id"]),
            "household_ceiling": household_ceiling(people, placeable),
            "household_evidence_bound": _evidence_bound.household_evidence_bound(people),
            "household_misses": household_misses(people, clusters, homes.members, placeable),
            "household_misses_true_people": household_misses(
                people, people_as_entities, true_homes.members, placeable)}


def placeable_people(people: pd.DataFrame) -> set[Any]:
    """The people the records can place at all: one of their records has a street or a
    postcode, or shares a phone number or an e-mail address (normalised as the household
    stage does) with another member of their household. Nothing but a surname could place
    anyone else."""
    import golden as gd

    person = people["person_id"]
    located = (people["street"].notna() | people["postcode"].notna()).groupby(person).any()
    placeable = set(located.index[located.to_numpy()])
    for contact in (gd.col("phone").phone(), gd.col("email").email()):
        shared = _evidence_bound.shared_in_household(
            contact.evaluate(people), person.to_numpy(), people["household_id"].to_numpy())
        placeable.update(person[shared])
    return placeable


def household_ceiling(people: pd.DataFrame, placeable: set[Any]) -> dict[str, Any]:
    """How much of the household truth the records reveal at all.

    The oracle puts every placeable person (``placeable_people``) in their true household
    and each of the others in a household of their own: its pairwise recall over records
    (its precision is 1) bounds what any grouping of these records can recover.
    """
    person = people["person_id"]
    n_people = int(person.nunique())
    return {"n_people": n_people, "n_unplaceable": n_people - len(placeable),
            **_evidence_bound.oracle_scores(people, person.isin(placeable).to_numpy(),
                                            person.to_numpy())}


MISS_CAUSES = ("unplaceable", "person split", "split-off part", "grouping")


def household_misses(people: pd.DataFrame, clusters: pd.DataFrame, members: pd.DataFrame,
                     placeable: set[Any]) -> dict[str, int]:
    """The true household record pairs a grouping put in two households, each counted
    under the first of ``MISS_CAUSES`` that explains it:

    * ``unplaceable``: a record of a person ``placeable_people`` cannot place;
    * ``person split``: two records of one person in two entities;
    * ``split-off part``: a record in an entity other than its person's largest one (a
      fragment the person linker did not join, with an old address or none);
    * ``grouping``: two records in their people's main entities, grouped apart.
    """
    frame = people[["unique_id", "person_id", "household_id"]].merge(clusters, on="unique_id")
    frame["home"] = frame["entity_id"].map(members.set_index("entity_id")["household_id"])
    frame["fragment"] = ~_evidence_bound.in_largest_part(frame["person_id"].to_numpy(),
                                                         frame["entity_id"].to_numpy())
    frame["unplaceable"] = ~frame["person_id"].isin(placeable)
    frame["row"] = range(len(frame))
    pairs = frame.merge(frame, on="household_id", suffixes=("_l", "_r"))
    pairs = pairs[pairs["row_l"] < pairs["row_r"]]
    missed = pairs[pairs["home_l"] != pairs["home_r"]]
    unplaceable = missed["unplaceable_l"] | missed["unplaceable_r"]
    split = ~unplaceable & (missed["person_id_l"] == missed["person_id_r"])
    fragment = ~unplaceable & ~split & (missed["fragment_l"] | missed["fragment_r"])
    counts = dict(zip(MISS_CAUSES, (unplaceable, split, fragment,
                                    ~unplaceable & ~split & ~fragment), strict=True))
    return {"true_pairs": len(pairs), "missed": len(missed),
            **{cause: int(mask.sum()) for cause, mask in counts.items()}}


def write_records(out: Path, table: pd.DataFrame) -> None:
    """Golden records as Parquet without pandas metadata (list columns read back as
    plain lists)."""
    out.mkdir(parents=True, exist_ok=True)
    arrow = pa.Table.from_pandas(table, preserve_index=False).replace_schema_metadata(None)
    pq.write_table(arrow, out / RECORDS_FILE)


def main() -> None:
    args = parse_args()
    people = _scale_data.read_people(args.n_records, args.seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if args.mode == "baseline":  # pandas only: golden is not imported
            result = run_baseline(people, args.out)
        else:
            import golden

            result = (run_golden(people, args.out) if args.mode == "golden"
                      else run_households(people))
            result["golden_file"] = golden.__file__
    result["warnings"] = sorted({f"{w.category.__name__}: {str(w.message)[:300]}"
                                 for w in caught})
    sys.stdout.flush()
    print(json.dumps({**result, "mode": args.mode, "pid": os.getpid()}, default=float),
          flush=True)


if __name__ == "__main__":
    main()
