"""The demo configuration on synthetic customers: good entities without tuning, at any size."""

from __future__ import annotations

import warnings

import pytest

import golden as gd
from golden import demo


@pytest.mark.parametrize("n_records", [5_000, 40_000])
def test_default_threshold_gives_good_entities_at_different_sizes(n_records, capsys) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = demo.run(n_records, random_state=1)
    # Measured 0.93 / 0.98 / 0.94 at 5,000 and 0.92 / 0.97 / 0.94 at 40,000 records.
    assert scores["pairwise_f1"] >= 0.9
    assert scores["bcubed_f1"] >= 0.96
    assert scores["household_f1"] >= 0.92
    out = capsys.readouterr().out
    assert "B-cubed F1" in out
    assert "where each value came from" in out and "Households:" in out


def test_main_parses_the_record_count(capsys) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert demo.main(["3000"]) == 0
    assert "3,000 customer records" in capsys.readouterr().out


def test_the_demo_warns_of_no_unconverged_model(capsys) -> None:
    """At its default size the demo's person and household models both converge: a user's
    first run shows no ConvergenceWarning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        demo.run()
    assert not [w for w in caught if issubclass(w.category, gd.ConvergenceWarning)]
