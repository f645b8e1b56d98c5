"""Tests for golden.datasets.make_people(locale="es"): Spanish customers."""

from __future__ import annotations

import unicodedata
import warnings
from importlib import resources

import pandas as pd
import pytest

import golden as gd
from golden import ConfigError
from golden.datasets import make_people
from golden.households.address import standardise_address

N = 20_000
PARTICLES = {"de", "del", "la", "las", "los", "y"}


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    return make_people(N, locale="es", random_state=0)


def _plain(values: pd.Series) -> pd.Series:
    """Lower case, accents dropped, whitespace squeezed."""
    def one(value: str) -> str:
        decomposed = unicodedata.normalize("NFKD", value)
        return " ".join("".join(c for c in decomposed if not unicodedata.combining(c))
                        .lower().split())
    return values.map(one, na_action="ignore")


def _lines(filename: str) -> list[str]:
    text = resources.files("golden.datasets").joinpath("data", filename).read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def _surname_words(surname: pd.Series) -> pd.Series:
    """How many surnames a value holds, particles not counted ("de la Fuente" is one)."""
    return _plain(surname.dropna()).str.split().map(
        lambda words: sum(word not in PARTICLES for word in words))


def test_same_columns_as_english(people: pd.DataFrame) -> None:
    english = make_people(100, random_state=0)
    assert list(people.columns) == list(english.columns)
    assert len(people) == N and people["unique_id"].is_unique
    for column in english.columns:
        assert people[column].dtype == english[column].dtype, column


def test_same_seed_same_frame_and_other_seeds_differ() -> None:
    pd.testing.assert_frame_equal(make_people(3_000, locale="es", random_state=5),
                                  make_people(3_000, locale="es", random_state=5))
    assert not make_people(3_000, locale="es", random_state=5).equals(
        make_people(3_000, locale="es", random_state=6))


@pytest.mark.parametrize("locale", ["fr", "ES", "", None, 34])
def test_unknown_locale_is_refused_naming_the_choices(locale: object) -> None:
    with pytest.raises(ConfigError) as raised:
        make_people(100, locale=locale)  # type: ignore[arg-type]
    message = str(raised.value)
    assert message.startswith(f"locale: got {locale!r}")
    assert "'en'" in message and "'es'" in message


def test_most_records_carry_both_surnames(people: pd.DataFrame) -> None:
    counts = _surname_words(people["surname"])
    assert 0.7 < (counts >= 2).mean() < 0.9
    assert 0.1 < (counts == 1).mean() < 0.3


def test_first_surname_only_and_swapped_surnames_occur(people: pd.DataFrame) -> None:
    names = people.dropna(subset=["surname"]).assign(surname=lambda df: _plain(df["surname"]))
    two = names[names["surname"].str.fullmatch(r"[a-zñ]+ [a-zñ]+")]
    first_only = names.merge(two.assign(surname=two["surname"].str.split().str[0]),
                             on=["person_id", "surname"])
    swapped = two.merge(
        two.assign(surname=two["surname"].str.split().str[::-1].str.join(" ")),
        on=["person_id", "surname"])
    swapped = swapped[swapped["unique_id_x"] != swapped["unique_id_y"]]
    assert first_only["person_id"].nunique() > 200
    assert swapped["person_id"].nunique() > 20


def test_particles_are_kept_or_dropped(people: pd.DataFrame) -> None:
    surname = _plain(people["surname"].dropna())
    assert surname.str.contains(r"^(?:de la|del|de los) ").sum() > 50
    fuente = people[surname.reindex(people.index).str.contains("fuente", na=False)]
    spellings = _plain(fuente["surname"]).str.contains("de la fuente").groupby(
        fuente["person_id"]).nunique()
    assert (spellings == 2).any()  # one person, "de la Fuente" in one record, "Fuente" in another


def test_compound_given_names_appear_whole_and_shortened(people: pd.DataFrame) -> None:
    first = people["first_name"].dropna()
    for name in ("María José", "José Luis", "Juan Carlos", "María del Carmen"):
        assert (first == name).sum() >= 10, name
    assert 0.1 < first.str.contains(" ").mean() < 0.35
    assert first.str.fullmatch(r"[A-Z]\. \w.*").sum() > 50  # "M. José", "J. Luis"
    assert first.str.startswith("Mª ").sum() > 20  # "Mª José"


def test_familiar_forms_appear(people: pd.DataFrame) -> None:
    table = {}
    for line in _lines("hypocorisms_es.txt"):
        if not line.startswith("#"):
            name, forms = line.split(":")
            table.update({form.strip(): name for form in forms.split(",")})
    first = _plain(people["first_name"])
    familiar = first.isin(table)
    assert familiar.mean() > 0.02
    for form in ("pepe", "paco", "lola", "javi"):
        assert (first == form).any(), form
    # the same person recorded both ways
    pepe = people.loc[first == "pepe", "person_id"]
    assert (first[people["person_id"].isin(pepe)] == "jose").any()


def test_phones_are_spanish_numbers_in_several_styles(people: pd.DataFrame) -> None:
    phone = people["phone"].dropna().str.strip()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no number left unreadable
        e164 = gd.col("phone").phone(region="ES").evaluate(people.loc[phone.index])
    assert e164.notna().all()
    assert e164.str.fullmatch(r"\+34[679]\d{8}").all()
    assert e164.str.startswith("+346").mean() > 0.6  # mostly mobiles
    assert e164.str.startswith("+349").mean() > 0.08  # household landlines
    for style in (r"\+34 \d{3} \d\d \d\d \d\d", r"0034\d{9}", r"\d{9}", r"\d{3} \d\d \d\d \d\d",
                  r"\d{3}-\d{3}-\d{3}"):
        assert phone.str.fullmatch(style).any(), style
    # every record of a person's mobile reads as one number
    mobiles = e164[e164.str.startswith("+346")]
    owners = mobiles.groupby(mobiles).apply(lambda s: people.loc[s.index, "person_id"].nunique())
    assert (owners == 1).mean() > 0.99


def test_landlines_have_their_provinces_area_code(people: pd.DataFrame) -> None:
    towns = {_plain(pd.Series([row.split(",")[0]]))[0]: row.split(",")[3]
             for row in _lines("towns_es.txt")}
    rows = people.dropna(subset=["phone", "city"])
    e164 = gd.col("phone").phone(region="ES").evaluate(rows)
    landline = e164.str.startswith("+349")
    area = _plain(rows.loc[landline, "city"]).map(towns)
    at_home = [number[3:].startswith(code) for number, code in
               zip(e164[landline], area, strict=True)]
    assert pd.Series(at_home).mean() > 0.7  # movers' records have an older town


def test_postcodes_match_their_towns_province(people: pd.DataFrame) -> None:
    provinces = {_plain(pd.Series([row.split(",")[0]]))[0]: row.split(",")[1][:2]
                 for row in _lines("towns_es.txt")}
    rows = people.dropna(subset=["postcode", "city"])
    postcode = rows["postcode"].str.strip().str.zfill(5)
    assert postcode.str.fullmatch(r"\d{5}").all()
    province = _plain(rows["city"]).map(provinces)
    assert province.notna().all()
    assert (postcode.str[:2] == province).all()
    assert (rows["postcode"].str.strip().str.len() == 4).any()  # 08001 written 8001


def test_street_lines_are_spanish_and_parse(people: pd.DataFrame) -> None:
    street = people["street"].dropna()
    for pattern in (r"Calle .+, \d+, \d+º [A-D]", r"C/ ?.+ \d+ \d+[A-D]", r"Avda\. .+",
                    r".+, piso \d+, puerta .+", r".+ (?:izq\.|dcha\.)", r".+Bajo.*"):
        assert street.str.fullmatch(pattern).any(), pattern
    parts = standardise_address(street)
    assert parts["house_number"].notna().mean() > 0.98
    assert parts["street"].str.match(r"(?:calle|avenida|plaza|paseo|carretera|camino|ronda|"
                                     r"travesia|glorieta|pasaje) ").mean() > 0.98
    assert parts["unit"].notna().mean() > 0.3  # most Spaniards live in flats


def test_households_share_addresses(people: pd.DataFrame) -> None:
    address = standardise_address(people["street"], people["postcode"])["address_key"]
    homes = people.assign(address=address).dropna(subset=["address"])
    several = homes.groupby("household_id")["person_id"].nunique() > 1
    together = (homes[homes["household_id"].isin(several[several].index)]
                .groupby(["household_id", "address"])["person_id"].nunique() > 1)
    assert together.groupby(level="household_id").any().mean() > 0.8
    # a flat is one household's: the flats of a block are told apart
    flats = homes[~homes["address"].str.endswith("|")]
    households = flats.groupby("address")["household_id"].nunique()
    assert (households == 1).mean() > 0.99


def test_children_carry_a_parents_first_surname(people: pd.DataFrame) -> None:
    words = _plain(people["surname"]).str.split()
    first = words.map(lambda w: next((x for x in w if x not in PARTICLES), None),
                      na_action="ignore")
    shared = (people.assign(first=first).dropna(subset=["first"])
              .groupby(["household_id", "first"])["person_id"].nunique())
    families = people.groupby("household_id")["person_id"].nunique()
    assert (shared >= 2).groupby(level="household_id").any().sum() > 0.5 * (families >= 2).sum()


def test_emails_are_ascii_at_spanish_providers(people: pd.DataFrame) -> None:
    email = people["email"].dropna().str.lower()
    assert email.map(str.isascii).all()
    domains = email.str.split("@").str[1]
    for domain in ("gmail.com", "hotmail.es", "yahoo.es", "telefonica.net", "movistar.es",
                   "outlook.es"):
        assert (domains == domain).any(), domain
    assert not domains.str.endswith(".co.uk").any()


def test_spanish_word_lists_are_clean() -> None:
    first = [line.split(",") for line in _lines("first_names_es.txt")]
    names = [row[0] for row in first]
    assert len(names) == len(set(names)) >= 250
    assert {row[1] for row in first} == {"F", "M"}
    assert all(len(row) == 2 or (len(row) == 3 and " " in row[0]) for row in first)
    surnames = _lines("surnames_es.txt")
    assert len(surnames) == len(set(surnames)) >= 500
    towns = [line.split(",") for line in _lines("towns_es.txt")]
    assert len({row[0] for row in towns}) == len(towns)
    assert all(len(row) == 4 and len(row[1]) == 5 and row[1].isdigit() and row[2].isdigit()
               and row[3].startswith("9") for row in towns)
    familiar = {line.split(":")[0] for line in _lines("hypocorisms_es.txt")
                if not line.startswith("#")}
    assert len(familiar & {name.lower() for name in names}) >= 0.9 * len(familiar)
    assert all(len(line.split(",")) == 2 for line in _lines("street_types_es.txt"))
