"""The demo: dedupe built-in synthetic customers and show what golden found.

Run it with ``python -m golden.demo [N_RECORDS]`` (``make demo`` does this in a fresh venv).
"""

from __future__ import annotations

import argparse
import sys
import time

import pandas as pd

import golden as gd
from golden import comparisons as cmp
from golden import survivorship as sv
from golden.datasets import make_people
from golden.evaluate import cluster_metrics, household_metrics, pairwise_metrics

# A household shares a surname, an address, a landline and often an e-mail address: compared
# one by one, each would add its own large weight and relatives would look like one person,
# so they are compared jointly (each combination of agreeing columns is one level, weighed
# as learned).
COMPARISONS = [
    cmp.name("first_name"),
    cmp.date_of_birth("dob"),
    cmp.joint("family", [
        gd.col("surname").first_surname(),  # "García" and "García López" are one family
        gd.col("postcode").upper().strip_punctuation().remove_spaces(),
        gd.col("phone").phone(),
        gd.col("email").email(),
    ]),
]
# EM learns what a match looks like from pairs that share a person-level key: sharing a
# phone, an e-mail or an address also happens within households. Each pass learns the
# comparisons that do not read its key, and needs two of them.
TRAINING = [
    gd.block_on(gd.col("dob").date()),
    gd.block_on(gd.col("first_name").clean()),
]
BLOCKING = [
    gd.block_on(gd.col("first_name").clean(), gd.col("dob").date()),
    gd.block_on(gd.col("surname").first_surname(), gd.col("postcode").clean().remove_spaces()),
    gd.block_on(gd.col("surname").first_surname(), gd.col("dob").date()),
    gd.block_on(gd.col("email").email()),
    gd.block_on(gd.col("phone").phone()),
]


# One golden record per person: the current address as a whole, every e-mail and phone.
GOLDEN = gd.GoldenRecordBuilder(
    rules={
        "first_name": sv.longest().then(sv.most_frequent()),
        "email": sv.all_values(gd.col("email").email()),
        "phone": sv.all_values(gd.col("phone").phone(), order="recent"),
        "address": sv.most_recent(),
    },
    groups={"address": ["street", "city", "postcode"]},
    source="source",
    timestamp="updated_at",
)


def run(n_records: int = 20_000, random_state: int = 0) -> dict[str, float]:
    """Dedupe ``n_records`` synthetic people; print and return the headline figures."""
    start = time.perf_counter()
    people = make_people(n_records, random_state=random_state)
    truth = people.set_index("unique_id")["person_id"]
    records = people.drop(columns=["person_id", "household_id"])
    sources = sorted(records["source"].unique())
    print(f"golden {gd.__version__} demo: {len(records):,} customer records from "
          f"{len(sources)} sources ({', '.join(sources)})")
    print(records.head(5).to_string(index=False), "\n")

    linker = gd.Linker(COMPARISONS, BLOCKING, training_blocking=TRAINING,
                       random_state=random_state)
    print("Blocking:")
    print(linker.count_pairs(records)[["rule", "pairs", "new_pairs", "cumulative_pairs"]]
          .to_string(index=False), "\n")
    pairs = linker.fit_predict(records)
    clusters = linker.cluster(pairs, records, threshold=0.5)
    golden = GOLDEN.build(records, clusters)
    homes = gd.HouseholdGrouper(reference_date="2026-01-01").fit_transform(golden.records)
    elapsed = time.perf_counter() - start
    print(f"Learned without labels (EM converged={linker.converged_} in {linker.n_iter_} "
          f"iterations); prior λ = {linker.lambda_:.3g}")
    table = linker.weight_table()
    for j, comparison in enumerate(linker.comparisons_):
        weights = table.level_weights(j)
        levels = ", ".join(f"{label} {weights[g + 1]:+.1f}" for g, label in
                           comparison.level_labels()[1:])
        print(f"  {comparison.name:<11} {levels}")
    pair_scores = pairwise_metrics(pairs, truth, threshold=0.5)
    entities = cluster_metrics(clusters, truth)
    print(f"\n{len(pairs):,} candidate pairs; {pair_scores['n_predicted']:,} matches at p >= 0.5")
    print(f"Pairwise   precision {pair_scores['precision']:.3f}  recall "
          f"{pair_scores['recall']:.3f}  F1 {pair_scores['f1']:.3f}")
    print(f"Entities   {entities['n_clusters']:,} found for {entities['n_true_clusters']:,} real "
          f"people; B-cubed F1 {entities['bcubed_f1']:.3f}; largest "
          f"{entities['largest_cluster']} records")
    entity = _show_example(records, pairs, clusters)
    _show_golden(golden, entity)
    households = household_metrics(homes.members, clusters,
                                   people.set_index("unique_id")["household_id"])
    _show_households(homes, households)
    print(f"\nDone in {elapsed:.1f} s.")
    return {"pairwise_f1": pair_scores["f1"], "bcubed_f1": entities["bcubed_f1"],
            "household_f1": households["pairwise_f1"]}


def _show_example(records: pd.DataFrame, pairs: pd.DataFrame, clusters: pd.DataFrame) -> int:
    sizes = clusters["entity_id"].value_counts()
    typical = sizes[sizes <= 4]  # a typical customer with a few records, not the largest
    entity = typical.index[0] if len(typical) else sizes.index[-1]
    members = clusters.loc[clusters["entity_id"] == entity, "unique_id"]
    shown = records[records["unique_id"].isin(members)]
    print(f"\nOne entity ({len(shown)} records):")
    print(shown.to_string(index=False))
    inside = pairs[pairs["unique_id_l"].isin(members) & pairs["unique_id_r"].isin(members)]
    if len(inside):
        best = inside.sort_values("match_weight").iloc[0]
        parts = ", ".join(f"{c[3:]} {best[c]:+.1f}" for c in pairs.columns if c.startswith("mw_"))
        print(f"Its weakest link {best['unique_id_l']} ~ {best['unique_id_r']}: match weight "
              f"{best['match_weight']:.1f} (p={best['match_probability']:.3f}) = prior + {parts}")
    return int(entity)


def _show_golden(golden: gd.GoldenRecords, entity: int) -> None:
    record = golden.records.set_index("entity_id").loc[entity]
    print(f"\nIts golden record ({len(golden):,} entities in all), and where each value came from:")
    why = golden.provenance_of(entity).reset_index()
    for attribute in record.index.drop("n_records"):
        rows = why[why["attribute"] == attribute]
        origin = "; ".join(f"{r.unique_id} ({r.rule})" for r in rows.itertuples())
        value = record[attribute]
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        print(f"  {attribute:<10} {shown!s:<40} <- {origin or 'no usable value'}")


def _show_households(homes: gd.Households, scores: dict[str, float]) -> None:
    summary = homes.households
    print(f"\nHouseholds: {len(summary):,} for {len(homes.members):,} people; "
          f"pairwise precision {scores['pairwise_precision']:.3f} recall "
          f"{scores['pairwise_recall']:.3f} F1 {scores['pairwise_f1']:.3f}")
    counts = summary["composition"].value_counts()
    print("  " + ", ".join(f"{label} {n:,}" for label, n in counts.items()))
    dwellings = homes.dwellings["dwelling_type"].value_counts()
    print("  dwellings: " + ", ".join(f"{label} {n:,}" for label, n in dwellings.items()))
    family = summary[summary["composition"] == "family with children"].head(1)
    if len(family):
        members = homes.members[homes.members["household_id"] == family["household_id"].iloc[0]]
        print("One family:")
        print(members[["entity_id", "first_name", "surname", "age", "is_head", "street"]]
              .to_string(index=False))


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``golden demo [RECORDS]``."""
    parser = argparse.ArgumentParser(
        prog="golden demo", description="Resolve built-in synthetic customers and show what "
        "golden found: entities, golden records and households, against the known truth.")
    parser.add_argument("records", nargs="?", type=int, default=20_000,
                        help="how many customer records to generate (default 20000)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.records < 2:
        parser.error(f"records: got {args.records}, expected at least 2")
    run(args.records)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
