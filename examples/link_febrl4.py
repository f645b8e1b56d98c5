"""Link FEBRL4's two files (5,000 × 5,000, one true link per record) without labels.

Run from the repository root:  python examples/link_febrl4.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

import golden as gd
from golden import comparisons as cmp
from golden.evaluate import pairwise_metrics

DATA = Path(os.environ.get("GOLDEN_SHARED_DATA",
                           Path(__file__).resolve().parents[2] / "shared" / "data"))


def load(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / "febrl" / name, skipinitialspace=True, dtype=str)


files = {"a": load("dataset4a.csv"), "b": load("dataset4b.csv")}
linker = gd.Linker(
    comparisons=[
        cmp.name("given_name"), cmp.name("surname"), cmp.date_of_birth("date_of_birth"),
        cmp.levenshtein("soc_sec_id", (1, 2)), cmp.exact("street_number"),
        cmp.jaro_winkler("address_1", (0.9, 0.8)), cmp.levenshtein("postcode", (1,)),
    ],
    blocking=[gd.block_on("given_name"), gd.block_on("surname"), gd.block_on("date_of_birth"),
              gd.block_on("soc_sec_id")],
    link_type="link",
    unique_id="rec_id",
    random_state=0,
).fit(files)
pairs = linker.predict(files, threshold=0.5)
links = linker.cluster(pairs, files, threshold=0.5, one_to_one=True)

ids = pd.concat(files.values())["rec_id"]
truth = pd.Series(ids.str.extract(r"rec-(\d+)-")[0].to_numpy(), index=ids)
print(pairwise_metrics(pairs, truth))
print(links.groupby("entity_id").size().value_counts().rename("entities by size"))
