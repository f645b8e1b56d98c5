"""Dedupe FEBRL3 (5,000 records of 2,000 people) without labels and score it against truth.

Run from the repository root:  python examples/dedupe_febrl3.py
The data come from ../shared/data/febrl (set GOLDEN_SHARED_DATA to read them elsewhere).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

import golden as gd
from golden import comparisons as cmp
from golden.evaluate import best_threshold, cluster_metrics, pairwise_metrics

DATA = Path(os.environ.get("GOLDEN_SHARED_DATA",
                           Path(__file__).resolve().parents[2] / "shared" / "data"))

records = pd.read_csv(DATA / "febrl" / "dataset3.csv", skipinitialspace=True, dtype=str)
number = records["rec_id"].str.extract(r"rec-(\d+)-")[0]
truth = pd.Series(number.to_numpy(), index=records["rec_id"])

linker = gd.Linker(
    comparisons=[
        cmp.name("given_name"), cmp.name("surname"), cmp.date_of_birth("date_of_birth"),
        cmp.levenshtein("soc_sec_id", (1, 2)), cmp.exact("street_number"),
        cmp.jaro_winkler("address_1", (0.9, 0.8)), cmp.jaro_winkler("suburb", (0.9,)),
        cmp.levenshtein("postcode", (1,)), cmp.exact("state"),
    ],
    blocking=[gd.block_on("given_name"), gd.block_on("surname"), gd.block_on("date_of_birth"),
              gd.block_on("soc_sec_id"), gd.block_on("postcode", "street_number")],
    unique_id="rec_id",
    random_state=0,
)
print(linker.count_pairs(records)[["rule", "pairs", "new_pairs", "cumulative_pairs"]])
linker.fit(records)
pairs = linker.predict(records)
clusters = linker.cluster(pairs, records, threshold=0.5)

print(f"prior λ = {linker.lambda_:.3g}, EM iterations {linker.n_iter_}")
print("pairwise at p >= 0.5:", pairwise_metrics(pairs, truth, threshold=0.5))
print("best threshold:      ", best_threshold(pairs, truth))
print("entities:            ", cluster_metrics(clusters, truth))
print(pairs.sort_values("match_weight").iloc[len(pairs) // 2].to_string())
