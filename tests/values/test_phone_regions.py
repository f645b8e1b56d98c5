"""Phones read by libphonenumber with a region, from the user's side: ``col(...).phone(region=)``
gives E.164 keys, the same in batch, per value and in the resolver; with no region, the
first UK-centred key is kept, and so are models saved with it."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import golden as gd
from golden import comparisons as cmp
from golden.datasets import make_people
from golden.errors import ConfigError, DataWarning
from golden.values import per_value
from golden.values.registry import NORMALISERS

# Each number written the ways people write it, in its region.
FORMATS = {
    "ES": ("+34612345678", ["+34 612 34 56 78", "0034612345678", "612 345 678", "612-34-56-78",
                            "(+34) 612345678", 612345678, 612345678.0]),
    "US": ("+14155552671", ["(415) 555-2671", "+1 415-555-2671", "415.555.2671",
                            "1-415-555-2671", "011 1 415 555 2671", "+1 (415) 555-2671 x204"]),
    "GB": ("+447400123456", ["07400 123456", "+44 7400 123456", "+44 (0)7400 123456",
                             "0044 7400 123456", "(07400) 123-456", 7400123456]),
    "FR": ("+33612345678", ["06 12 34 56 78", "+33 6 12 34 56 78", "+33 (0)6 12 34 56 78",
                            "0033 6 12 34 56 78", "06.12.34.56.78"]),
    "DE": ("+49301234567", ["030 1234567", "+49 30 1234567", "0049 30 1234567",
                            "(030) 123 45 67", "+49 (0)30 1234567"]),
    "MX": ("+525512345678", ["55 1234 5678", "+52 55 1234 5678", "00 52 55 1234 5678",
                             "(55) 1234-5678"]),
    "AR": ("+5491123456789", ["011 15-2345-6789", "+54 9 11 2345-6789",
                              "00 54 9 11 2345 6789"]),
}


def _keys(values: list, region: str | None) -> list:
    frame = pd.DataFrame({"phone": pd.Series(values, dtype=object)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        out = gd.col("phone").phone(region=region).evaluate(frame)
    return [None if pd.isna(v) else v for v in out]


def test_spanish_mobile_written_three_ways_is_one_e164_key() -> None:
    assert _keys(["+34 612 34 56 78", "0034612345678", "612 345 678"], "ES") == [
        "+34612345678"] * 3


def test_us_number_with_and_without_its_country_is_one_e164_key() -> None:
    assert _keys(["(415) 555-2671", "+1 415-555-2671"], "US") == ["+14155552671"] * 2


@pytest.mark.parametrize("region", sorted(FORMATS))
def test_every_format_of_a_number_gives_its_key(region: str) -> None:
    key, written = FORMATS[region]
    assert _keys(written, region) == [key] * len(written)


def test_a_number_written_with_its_country_keeps_it_whatever_the_region() -> None:
    assert _keys(["+34 612 34 56 78", "+1 415 555 2671"], "GB") == ["+34612345678",
                                                                     "+14155552671"]


def test_values_that_are_not_numbers_become_null_with_a_warning_counting_rows() -> None:
    frame = pd.DataFrame({"phone": ["612 345 678", "n/a", "n/a", "123", "6123456789012345",
                                    None, "  "]})
    with pytest.warns(DataWarning, match=r"column 'phone': 4 value\(s\) are not phone numbers "
                                         r"of region 'ES'.*e\.g\. \['n/a', '123'") as caught:
        out = gd.col("phone").phone(region="ES").evaluate(frame)
    assert len(caught) == 1
    assert out.tolist()[:5] == ["+34612345678", np.nan, np.nan, np.nan, np.nan]
    assert out.isna().tolist()[5:] == [True, True]


def test_lower_case_region_is_read_as_its_code() -> None:
    assert gd.col("phone").phone(region="es") == gd.col("phone").phone(region="ES")
    assert gd.col("phone").phone(region="ES").label == "phone_e164(phone, ES)"


@pytest.mark.parametrize(("region", "message"), [
    ("XX", r"'XX', expected a two-letter region code such as 'ES', 'GB' or 'US'"),
    (34, r"34, .*; 34 is a country calling code: write phone\(region\)='ES'"),
    ("UK", r"'UK', .*; write phone\(region\)='GB'"),
    ("", r"'', expected a two-letter region code"),
])
def test_a_bad_region_is_a_config_error_saying_what_to_write(region: object, message: str
                                                             ) -> None:
    with pytest.raises(ConfigError, match=r"phone\(region\): got " + message):
        gd.col("phone").phone(region=region)  # type: ignore[arg-type]
    plain = message.replace(r"phone\(region\)", "region")  # cmp.phone's parameter
    with pytest.raises(ConfigError, match=r"^region: got " + plain):
        cmp.phone("phone", region=region)  # type: ignore[arg-type]


def test_a_saved_step_with_a_bad_region_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"phone_e164\(region\): got region=\('XX',\)"):
        gd.Expr("phone", (("phone_e164", "XX"),))


# Per value and vectorised agree -----------------------------------------------------------

STEPS = [("phone_e164", "ES"), ("phone_e164", "US"), ("phone_e164", "GB"),
         ("phone_e164", "AR"), ("phone_national",)]
PHONEISH = st.one_of(
    st.none(), st.integers(0, 10**13),
    st.text(alphabet="0123456789 +()-./x\u00a0\u2013ext", max_size=24),
    st.sampled_from([v for _, written in FORMATS.values() for v in written]
                    + ["+34612345678", "+5491123456789", "+390612345678", "tel:+34612345678",
                       "612345678;ext=12", "٦١٢٣٤٥٦٧٨", "1-800-FLOWERS", "n/a"]))


def _both(step: tuple, values: list) -> tuple[pd.Series, pd.Series]:
    series = pd.Series(values, dtype=object)
    return (per_value.run(step[0], series, *step[1:]),
            NORMALISERS[step[0]].vectorised(series, *step[1:]))


@pytest.mark.parametrize("step", STEPS, ids=lambda s: "-".join(s))
@settings(max_examples=80, deadline=None)
@given(values=st.lists(PHONEISH, min_size=1, max_size=24))
def test_per_value_form_equals_the_vectorised_kernel(step: tuple, values: list) -> None:
    fast, vectorised = _both(step, values)
    pd.testing.assert_series_equal(fast, vectorised)


@pytest.mark.parametrize("region", sorted(FORMATS))
def test_one_record_evaluated_alone_gets_the_batch_key(region: str) -> None:
    key, written = FORMATS[region]
    expr = gd.col("phone").phone(region=region)
    country = str(phonenumbers.parse(key).country_code)
    for value in written:
        assert per_value.evaluate(expr, value) == key
        assert "+" + country + per_value.evaluate(expr.phone_national(), value) == key


def test_libphonenumber_runs_once_per_distinct_value(monkeypatch: pytest.MonkeyPatch) -> None:
    from golden.values import contact

    calls: list[str] = []
    real = contact._e164
    monkeypatch.setattr(contact, "_e164", lambda text, region: calls.append(text) or real(
        text, region))
    # many values (the vectorised path): formats that differ only by separators are read once
    numbers = [str(n) for n in range(612_000_000, 612_001_500)]
    column = ([f"{n[:3]} {n[3:6]} {n[6:]}" for n in numbers] + [f"{n[:3]}-{n[3:]}" for n in numbers]
              + numbers) * 2
    out = gd.col("phone").phone(region="ES").evaluate(pd.DataFrame({"phone": column}))
    assert out.tolist() == ["+34" + n for n in numbers] * 6
    assert sorted(calls) == numbers


# Without a region: the first key, and models saved with it ------------------------------


def test_no_region_keeps_the_first_uk_centred_key() -> None:
    assert gd.col("phone").phone().steps == (("phone",),)
    assert _keys(["+44 7700 900123", "0044 7700900123", "07700 900123", "+33 6 12 34 56 78"],
                 None) == ["07700900123"] * 3 + ["0033612345678"]


def test_a_model_saved_with_the_first_phone_key_loads_and_scores_the_same(
        tmp_path: Path) -> None:
    people = make_people(600, random_state=5).drop(columns=["person_id", "household_id"])
    linker = gd.Linker(
        [cmp.name("first_name"), cmp.name("surname"), cmp.date_of_birth("dob"),
         cmp.exact(gd.col("phone").phone(), name="phone")],
        [gd.block_on("surname"), gd.block_on(gd.col("phone").phone())], random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        linker.fit(people)
        path = tmp_path / "model.json"
        linker.save(path)
        saved = path.read_text()
        # what models saved before regions existed hold: the bare step, no arguments
        assert '["phone"]' in saved.replace(" ", "").replace("\n", "")
        assert "phone_e164" not in saved
        loaded = gd.Linker.load(path)
        before = linker.predict(people, threshold=0.0)
        after = loaded.predict(people, threshold=0.0)
    pd.testing.assert_frame_equal(before, after)


# The resolver ---------------------------------------------------------------------------


def _spanish_people(n: int, seed: int) -> pd.DataFrame:
    """Generated people given Spanish mobiles, each record writing its number its own way."""
    people = make_people(n, random_state=seed)
    rng = np.random.default_rng(seed)
    persons = people["person_id"].unique()
    mobile = dict(zip(persons, 600_000_000 + rng.choice(100_000_000, size=len(persons),
                                                        replace=False), strict=True))
    styles = ["+34 {a} {b} {c} {d}", "0034{n}", "{a} {b}{c} {d}", "{n}", "(+34) {a}-{b}{c}{d}"]
    written = []
    for person in people["person_id"]:
        n = str(mobile[person])
        style = styles[rng.integers(len(styles))]
        written.append(style.format(n=n, a=n[:3], b=n[3:5], c=n[5:7], d=n[7:]))
    return people.assign(phone=written).drop(columns=["person_id", "household_id"])


def test_the_resolver_matches_a_spanish_phone_written_differently_as_the_batch_does(
        tmp_path: Path) -> None:
    people = _spanish_people(400, seed=11)
    linker = gd.Linker(
        [cmp.name("first_name"), cmp.name("surname"), cmp.date_of_birth("dob"),
         cmp.phone("phone", region="ES")],
        [gd.block_on(gd.col("phone").phone(region="ES")), gd.block_on("surname", "dob")],
        random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        linker.fit(people)
        pairs = linker.predict(people, threshold=0.0)
    key = gd.col("phone").phone(region="ES").evaluate(people)
    pairs = pairs.assign(
        phone_l=pairs["unique_id_l"].map(dict(zip(people["unique_id"], people["phone"],
                                                  strict=True))),
        phone_r=pairs["unique_id_r"].map(dict(zip(people["unique_id"], people["phone"],
                                                  strict=True))))
    by_key = dict(zip(people["unique_id"], key, strict=True))
    differently = pairs[(pairs["phone_l"] != pairs["phone_r"])
                        & (pairs["unique_id_l"].map(by_key) == pairs["unique_id_r"].map(by_key))]
    assert len(differently) > 20  # the same number written two ways, found by its key
    assert (differently["gamma_phone"] == 4).all()  # exact E.164

    probe_id = differently["unique_id_r"].iloc[0]
    probe = people[people["unique_id"] == probe_id].iloc[0].to_dict()
    held = people[people["unique_id"] != probe_id]
    mine = pairs[(pairs["unique_id_l"] == probe_id) | (pairs["unique_id_r"] == probe_id)]
    other = np.where(mine["unique_id_l"] == probe_id, mine["unique_id_r"], mine["unique_id_l"])
    weight = dict(zip(other, mine["match_weight"], strict=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with gd.Resolver(tmp_path / "customers.db", linker, term_frequencies=people) as resolver:
            resolver.add(held)
            found = resolver.match(probe)
            entity = dict(resolver.store.db.execute(
                "SELECT unique_id, entity_id FROM records").fetchall())
    for uid, got in zip(found["unique_id"], found["match_weight"], strict=True):
        assert got == pytest.approx(weight[uid], abs=1e-9)
    partner = differently["unique_id_l"].iloc[0]
    assert str(entity[partner]) in set(found["entity_id"].astype(str))
