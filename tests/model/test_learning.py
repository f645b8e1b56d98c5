"""The training procedure on data nobody tuned it for: what a user sees when the data are
thin or degenerate."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

import golden as gd
from golden import comparisons as cmp
from golden.model.learning import dependence_finding


def people_twice(n: int = 150, seed: int = 0) -> pd.DataFrame:
    """``n`` people with two identical records each (so no match ever differs)."""
    rng = np.random.default_rng(seed)
    dob = pd.to_datetime("1950-01-01") + pd.to_timedelta(rng.integers(0, 20_000, n), "D")
    people = pd.DataFrame({
        "first_name": rng.choice([f"f{i}" for i in range(60)], n),
        "surname": rng.choice([f"s{i}" for i in range(80)], n),
        "dob": dob.strftime("%Y-%m-%d"),
        "zip": rng.choice([f"z{i}" for i in range(40)], n),
    })
    records = pd.concat([people, people], ignore_index=True)
    records.insert(0, "unique_id", [f"{i % n}-{i // n}" for i in range(2 * n)])
    return records


def test_a_level_never_seen_among_matches_is_unlikely_not_impossible() -> None:
    # No match moved house in the data learned from; a customer who did is still found.
    records = people_twice()
    linker = gd.Linker([cmp.exact("first_name"), cmp.exact("surname"), cmp.exact("dob"),
                        cmp.exact("zip")],
                       [gd.block_on("first_name"), gd.block_on("surname"), gd.block_on("dob")],
                       random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gd.DataWarning)
        linker.fit(records)
    table = linker.weight_table()
    moved = table.level_weights(3)[1]  # zip at "else": null, else, exact
    assert -10 < moved < -4
    mover = records[records["unique_id"].isin(["0-0", "0-1"])].copy()
    mover.loc[mover["unique_id"] == "0-1", "zip"] = "elsewhere"
    pair = linker.predict(mover)
    assert pair["match_probability"].iloc[0] > 0.5


def test_the_dependence_warning_names_what_was_found() -> None:
    # Family members: rare among all pairs, but most pairs agreeing on surname and postcode.
    finding = dependence_finding(pd.Series({
        "comparison_a": "surname", "comparison_b": "postcode", "matches": 0.0,
        "non_matches": 0.02, "overcount_bits": 4.8}))
    assert "28x" in finding and "4.8 bits" in finding
    assert "r=0.00" not in finding and "among matches" not in finding
