"""Tests for golden.datasets.make_people."""

from __future__ import annotations

import hashlib
import math
from importlib import resources

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import golden as gd
from golden import ConfigError
from golden.datasets import make_people

COLUMNS = [
    "unique_id",
    "source",
    "first_name",
    "surname",
    "dob",
    "email",
    "phone",
    "street",
    "city",
    "postcode",
    "updated_at",
    "person_id",
    "household_id",
]
TEXT_COLUMNS = COLUMNS[:-2]
N = 20_000


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    return make_people(N, random_state=0)


def _normalised(values: pd.Series) -> pd.Series:
    return values.str.lower().str.replace(r"\s+", "", regex=True)


def test_shape_and_columns(people: pd.DataFrame) -> None:
    assert people.shape == (N, len(COLUMNS))
    assert list(people.columns) == COLUMNS
    assert people.index.equals(pd.RangeIndex(N))


def test_column_types(people: pd.DataFrame) -> None:
    for column in TEXT_COLUMNS:
        assert pd.api.types.is_string_dtype(people[column]), column
    for column in ("person_id", "household_id"):
        assert pd.api.types.is_integer_dtype(people[column]), column


def test_unique_ids_name_their_source(people: pd.DataFrame) -> None:
    assert people["unique_id"].is_unique
    prefix, number = people["unique_id"].str.split(":", n=1).str[0], people["unique_id"].str[-6:]
    assert (prefix == people["source"]).all()
    assert number.str.fullmatch(r"\d{6}").all()
    assert set(people["source"]) == {"crm", "web", "app", "callcentre"}


@settings(max_examples=25, deadline=None)
@given(
    n_records=st.integers(1, 3_000),
    duplicate_rate=st.floats(0, 0.95),
    random_state=st.integers(0, 2**32 - 1),
)
def test_exactly_n_records(n_records: int, duplicate_rate: float, random_state: int) -> None:
    people = make_people(n_records, duplicate_rate=duplicate_rate, random_state=random_state)
    assert len(people) == n_records
    assert people["unique_id"].is_unique


def test_same_arguments_give_the_same_frame() -> None:
    pd.testing.assert_frame_equal(
        make_people(3_000, random_state=5), make_people(3_000, random_state=5)
    )


# sha256 of make_people(...).to_csv(index=False) before the generator learnt Spanish: the
# default (English) frame for a seed must not change.
ENGLISH_FRAMES = {
    (3_000, 0): "76e2b096572543780697d43c55005b246ecf0f2db9a239ef6abe7ddc904796c1",
    (2_500, 7): "acaa20e40d953196c2da98e9c3bc7991e502cff46d79fad3ffb1338355001325",
}


@pytest.mark.parametrize(("n_records", "random_state"), list(ENGLISH_FRAMES))
def test_english_frames_are_unchanged(n_records: int, random_state: int) -> None:
    people = make_people(n_records, random_state=random_state)
    digest = hashlib.sha256(people.to_csv(index=False).encode()).hexdigest()
    assert digest == ENGLISH_FRAMES[n_records, random_state]
    pd.testing.assert_frame_equal(
        people, make_people(n_records, locale="en", random_state=random_state))


def test_different_seeds_give_different_frames() -> None:
    assert not make_people(3_000, random_state=1).equals(make_people(3_000, random_state=2))


def test_duplicate_rate_is_respected(people: pd.DataFrame) -> None:
    assert people["person_id"].value_counts().max() >= 2
    assert 1 - people["person_id"].nunique() / N == pytest.approx(0.5, abs=0.03)
    no_duplicates = make_people(2_000, duplicate_rate=0.0)
    assert no_duplicates["person_id"].is_unique


def test_duplicates_span_sources(people: pd.DataFrame) -> None:
    sources_per_person = people.groupby("person_id")["source"].nunique()
    assert (sources_per_person >= 2).mean() > 0.3


@pytest.mark.parametrize(
    ("source", "column"),
    [("web", "phone"), ("web", "street"), ("callcentre", "email")],
)
def test_source_never_captures_column(people: pd.DataFrame, source: str, column: str) -> None:
    assert people.loc[people["source"] == source, column].isna().all()


def test_app_often_lacks_street_and_postcode_together(people: pd.DataFrame) -> None:
    app = people[people["source"] == "app"]
    assert 0.3 < app["street"].isna().mean() < 0.7
    assert (app["street"].isna() == app["postcode"].isna()).all()


def test_callcentre_usually_lacks_dob(people: pd.DataFrame) -> None:
    assert people.loc[people["source"] == "callcentre", "dob"].isna().mean() > 0.5


def test_crm_captures_every_column(people: pd.DataFrame) -> None:
    crm = people[people["source"] == "crm"]
    assert (crm[TEXT_COLUMNS].isna().mean() < 0.3).all()


def test_unknown_sources_behave_like_crm() -> None:
    people = make_people(2_000, sources=("shop", "branch"))
    assert set(people["source"]) == {"shop", "branch"}
    assert (people[TEXT_COLUMNS].isna().mean() < 0.3).all()


def test_no_placeholder_strings_for_nulls(people: pd.DataFrame) -> None:
    for column in TEXT_COLUMNS:
        values = people[column].dropna().str.strip().str.lower()
        assert not values.isin(["nan", "none", "<na>", "null", ""]).any(), column


def test_dob_is_iso(people: pd.DataFrame) -> None:
    dob = people["dob"].dropna()
    assert dob.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    parsed = pd.to_datetime(dob, format="%Y-%m-%d")
    assert parsed.min() >= pd.Timestamp("1900-01-01")
    assert parsed.max() < pd.Timestamp("2026-01-01")


def test_updated_at_is_iso_within_2015_to_2026(people: pd.DataFrame) -> None:
    assert people["updated_at"].notna().all()
    parsed = pd.to_datetime(people["updated_at"], format="%Y-%m-%dT%H:%M:%S")
    assert parsed.min() >= pd.Timestamp("2015-01-01")
    assert parsed.max() < pd.Timestamp("2027-01-01")


def test_postcodes_look_british(people: pd.DataFrame) -> None:
    postcode = people["postcode"].dropna().str.strip().str.upper()
    assert postcode.str.fullmatch(r"[A-Z]{1,2}\d{1,2} ?\s?\d[A-Z]{2}").all()


def test_phones_are_uk_numbers_in_several_styles(people: pd.DataFrame) -> None:
    phone = people["phone"].dropna()
    digits = phone.str.replace(r"\D", "", regex=True).str.replace(r"^44", "0", regex=True)
    assert digits.str.fullmatch(r"0\d{10}").all()
    assert phone.str.startswith("+44").any()
    assert phone.str.startswith("(").any()
    assert phone.str.contains(" ").any()


def test_households_of_several_people_share_surnames(people: pd.DataFrame) -> None:
    members = people.groupby("household_id")["person_id"].nunique()
    assert (members >= 2).sum() > 100
    shared = (
        people[people["household_id"].isin(members[members >= 2].index)]
        .assign(surname=lambda df: _normalised(df["surname"]))
        .groupby(["household_id", "surname"])["person_id"]
        .nunique()
    )
    assert (shared >= 2).any()


def test_households_share_landlines(people: pd.DataFrame) -> None:
    phones = people.dropna(subset=["phone"]).assign(phone=lambda df: df["phone"].str[-6:])
    per_phone = phones.groupby("phone").agg(
        people=("person_id", "nunique"), households=("household_id", "nunique")
    )
    assert ((per_phone["people"] >= 2) & (per_phone["households"] == 1)).any()


def test_buildings_hold_several_households(people: pd.DataFrame) -> None:
    flats = people.dropna(subset=["street"])
    flats = flats[flats["street"].str.contains("flat|apartment", case=False)]
    building = _normalised(
        flats["street"].str.replace(r"(?i)(flat|apartment) \d+,?|, flat \d+", "", regex=True)
    )
    households = flats.groupby(building)["household_id"].nunique()
    assert (households >= 2).any()


def test_generic_phone_is_shared_by_many_people(people: pd.DataFrame) -> None:
    top = people["phone"].value_counts().index[0]
    assert people.loc[people["phone"] == top, "person_id"].nunique() >= 50


def test_generic_email_is_shared_by_several_people(people: pd.DataFrame) -> None:
    email = people["email"].str.lower()
    assert people.loc[email == "noemail@example.com", "person_id"].nunique() >= 5


def test_only_placeholders_are_shared_across_households(people: pd.DataFrame) -> None:
    """A mailbox is one person's or one family's, also as Gmail reads it (dots ignored,
    googlemail.com is gmail.com), including a person's address at another domain."""
    mailbox = gd.col("email").email().evaluate(people)
    holders = (pd.DataFrame({"mailbox": mailbox, "household": people["household_id"]})
               .dropna().groupby("mailbox")["household"].nunique())
    assert set(holders.index[holders > 1]) == {"noemail@example.com", "none@example.com",
                                               "no.email@example.com"}
    other_domain = mailbox.str.split("@").str[1].groupby(people["person_id"]).nunique()
    assert (other_domain > 1).sum() > 100


def test_records_of_a_person_vary(people: pd.DataFrame) -> None:
    repeated = people[people.duplicated("person_id", keep=False)]
    names = repeated.groupby("person_id")["first_name"].nunique()
    postcodes = repeated.assign(postcode=_normalised(repeated["postcode"]))
    assert (names >= 2).mean() > 0.05
    assert (postcodes.groupby("person_id")["postcode"].nunique() >= 2).any()


@pytest.mark.parametrize(
    ("arguments", "parameter", "got"),
    [
        ({"n_records": 0}, "n_records", "0"),
        ({"n_records": -3}, "n_records", "-3"),
        ({"n_records": 2.5}, "n_records", "2.5"),
        ({"n_records": True}, "n_records", "True"),
        ({"duplicate_rate": -0.1}, "duplicate_rate", "-0.1"),
        ({"duplicate_rate": 1.0}, "duplicate_rate", "1.0"),
        ({"duplicate_rate": math.nan}, "duplicate_rate", "nan"),
        ({"sources": ()}, "sources", "()"),
        ({"sources": "crm"}, "sources", "'crm'"),
        ({"sources": ("crm", "crm")}, "sources", "('crm', 'crm')"),
        ({"sources": ("crm", "")}, "sources", "('crm', '')"),
        ({"locale": "fr"}, "locale", "'fr'"),
    ],
)
def test_bad_parameters_raise_config_error(arguments: dict, parameter: str, got: str) -> None:
    with pytest.raises(ConfigError) as raised:
        make_people(**arguments)
    message = str(raised.value)
    assert message.startswith(f"{parameter}: got {got}")
    assert "expected" in message


def test_every_bad_parameter_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as raised:
        make_people(0, duplicate_rate=2, sources=(), locale="fr")
    assert len(raised.value.problems) == 4


def _data(filename: str) -> list[list[str]]:
    text = resources.files("golden.datasets").joinpath("data", filename).read_text("utf-8")
    return [line.split(",") for line in text.splitlines()]


def test_word_lists_are_clean() -> None:
    first = _data("first_names.txt")
    names = [row[0] for row in first]
    assert len(names) == len(set(names)) >= 300
    assert {row[1] for row in first} == {"F", "M"}
    assert {row[0] for row in _data("nicknames.txt")} <= set(names)
    surnames = [row[0] for row in _data("surnames.txt")]
    assert len(surnames) == len(set(surnames)) >= 1_000
    towns = _data("towns.txt")
    assert all(len(row) == 3 and row[1].isalpha() and row[2].isdigit() for row in towns)
    assert all(len(row) == 2 for row in _data("street_types.txt"))
