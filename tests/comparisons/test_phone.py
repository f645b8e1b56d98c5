"""``cmp.phone``: E.164 numbers compared exactly, by national number, by last 7 digits."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import golden as gd
from golden import ConfigError
from golden import comparisons as cmp
from golden._base.spec import spec_from_dict
from golden.comparisons.vectors import ComparisonIndex
from golden.records import prepare_records


def gammas(comparison: cmp.Comparison, left: list, right: list) -> list[int]:
    """Gamma for each (left[i], right[i]) pair of phone values."""
    frame = pd.DataFrame({"unique_id": range(2 * len(left)),
                          "phone": pd.Series([*left, *right], dtype=object)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = prepare_records(frame, unique_id="unique_id", source=None, link_type="dedupe",
                               columns=comparison.columns)
        index = ComparisonIndex(comparison, data)
        rows = np.arange(len(left))
        return index.gammas(rows, rows + len(left)).tolist()


def level(comparison: cmp.Comparison, label: str) -> int:
    return dict((lab, g) for g, lab in comparison.level_labels())[label]


def test_levels_in_order() -> None:
    c = cmp.phone("phone", region="ES")
    assert [label for _, label in c.level_labels()] == [
        "null", "exact", "same national number", "same last 7 digits",
        "last 7 digits within 1 edit", "else"]
    assert c.name == "phone"
    assert c.columns == ("phone",)


def test_each_level_on_the_pairs_it_is_for() -> None:
    c = cmp.phone("phone", region="ES")
    got = gammas(c, [
        "+34 612 34 56 78",     # the same mobile written another way
        "+44 612 345 678",      # the same digits under another country
        "+1 415 555 2671",      # the same local number, another area code
        "612 345 678",          # one digit mistyped
        "612 345 678",          # two digits swapped
        "612 345 678",          # another number
        "612 345 678",          # not a number
    ], [
        "0034612345678",
        "612 345 678",
        "+1 650 555 2671",
        "612 345 670",
        "612 345 687",
        "699 999 999",
        "n/a",
    ])
    assert got == [level(c, "exact"), level(c, "same national number"),
                   level(c, "same last 7 digits"), level(c, "last 7 digits within 1 edit"),
                   level(c, "last 7 digits within 1 edit"), level(c, "else"), -1]


def test_a_number_written_without_its_country_meets_it_by_national_number() -> None:
    # a Spanish customer's mobile in a UK system, written without +34, read as a UK number
    c = cmp.phone("phone", region="GB")
    assert gammas(c, ["612 345 678"], ["+34 612 34 56 78"]) == [level(c, "same national number")]


def test_us_numbers_in_a_us_source() -> None:
    c = cmp.phone("phone", region="US")
    assert gammas(c, ["(415) 555-2671", "(415) 555-2671"],
                  ["+1 415-555-2671", "(415) 555-2672"]) == [
        level(c, "exact"), level(c, "last 7 digits within 1 edit")]


def test_an_expression_says_the_region() -> None:
    c = cmp.phone(gd.col("tel").phone(region="US"))
    assert c.name == "tel"
    assert c.inputs[0] == gd.col("tel").phone(region="US")
    assert c.inputs[2].label == "last(phone_national(phone_e164(tel, US)), 7)"


def test_an_expression_not_ending_in_e164_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"column: got phone\(tel\), expected .*"
                                          r"col\('tel'\)\.phone\(region='ES'\)"):
        cmp.phone(gd.col("tel").phone())


def test_term_frequency_adjusts_the_exact_level() -> None:
    assert cmp.phone("phone", term_frequency=True).tf_gammas() == (4,)
    assert cmp.phone("phone").tf_gammas() == ()


def test_json_round_trip() -> None:
    c = cmp.phone("phone", region="ES", term_frequency=True)
    assert spec_from_dict(c.to_dict()) == c


def test_a_linker_with_phone_saves_and_loads(tmp_path: object) -> None:
    frame = pd.DataFrame({
        "unique_id": range(8),
        "surname": ["Garcia", "Garcia", "Lopez", "Lopez", "Ruiz", "Ruiz", "Diaz", "Diaz"],
        "phone": ["+34 612 34 56 78", "612345678", "0034 699 11 22 33", "699 112 233",
                  "655 00 00 01", "655000010", "611 22 33 44", None],
    })
    linker = gd.Linker([cmp.exact("surname"), cmp.phone("phone", region="ES")],
                       [gd.block_on("surname")], random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        linker.fit(frame)
        path = f"{tmp_path}/model.json"
        linker.save(path)
        loaded = gd.Linker.load(path)
        before, after = linker.predict(frame, threshold=0.0), loaded.predict(frame, threshold=0.0)
    pd.testing.assert_frame_equal(before, after)
    assert before["gamma_phone"].tolist() == [4, 4, 1, -1]
