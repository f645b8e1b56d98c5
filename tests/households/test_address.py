"""Tests for golden.households.address: street lines split into parts and household keys."""

from __future__ import annotations

import math
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import golden.households.address as addr
from golden.datasets import make_people
from golden.errors import ConfigError
from golden.households.address import (
    complete_postcodes,
    reconcile_streets,
    standardise_address,
)
from golden.values import strings

COLUMNS = ["house_number", "street", "unit", "postcode", "building_key", "address_key"]


def _data(filename: str) -> list[list[str]]:
    """Comma-separated rows of a data file of the synthetic generator."""
    text = resources.files("golden.datasets").joinpath("data", filename).read_text("utf-8")
    return [line.strip().split(",") for line in text.splitlines() if line.strip()]


STREET_NAMES = [row[0] for row in _data("streets.txt")]
STREET_TYPES = [(row[0], row[1]) for row in _data("street_types.txt")]


def _plain(values: Any) -> list[Any]:
    """Values as a list with every null spelt None."""
    return [None if _isnull(v) else v for v in list(values)]


def _isnull(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _storages() -> list[str]:
    """The string storages to run with: the module default, and python's where it differs."""
    try:
        python_str = pd.StringDtype("python", na_value=np.nan)
    except TypeError:  # pandas < 2.3
        return ["default"]
    return ["default"] if python_str == strings.STR else ["default", "python"]


@pytest.fixture(params=_storages())
def storage(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with each string storage, so regexes must agree between re and RE2."""
    if request.param == "python":
        monkeypatch.setattr(strings, "STR", pd.StringDtype("python", na_value=np.nan))
    return request.param


# --------------------------------------------------------------------------- #
# examples: (street line, house_number, street, unit)
# --------------------------------------------------------------------------- #

ENGLISH = [
    ("12 Acacia Rd", "12", "acacia road", None),
    ("12 ACACIA ROAD", "12", "acacia road", None),
    ("12 Acacia Road.", "12", "acacia road", None),
    ("  12   acacia  road ", "12", "acacia road", None),
    ("12 Acacia Cl", "12", "acacia close", None),
    ("7 Sunnyside Cres", "7", "sunnyside crescent", None),
    ("12 Elm Gdns", "12", "elm gardens", None),
    ("5 Park Pk", "5", "park park", None),
    ("3 Bowling Green Grn", "3", "bowling green green", None),
    ("9 Kings Blvd", "9", "kings boulevard", None),
    ("14 Station Pde", "14", "station parade", None),
    ("28 St Paul's St", "28", "saint pauls street", None),
    ("28 ST PAUL'S STREET", "28", "saint pauls street", None),
    ("2 St Andrew'S Ln", "2", "saint andrews lane", None),
    ("St John's Road", None, "saint johns road", None),
    ("Mt Pleasant Rd", None, "mount pleasant road", None),
    ("12 High St N", "12", "high street north", None),
    ("4 London Rd E", "4", "london road east", None),
    ("N Main St", None, "n main street", None),
    ("12 A Acacia Road", "12a", "acacia road", None),
    ("12a Acacia Road", "12a", "acacia road", None),
    ("221B Baker St", "221b", "baker street", None),
    ("12-14 Acacia Road", "12-14", "acacia road", None),
    ("12 - 14 Acacia Road", "12-14", "acacia road", None),
    ("Flat 3, 12 Acacia Road", "12", "acacia road", "3"),
    ("Flat 3 12 Acacia Road", "12", "acacia road", "3"),
    ("FLAT 3, 12 ACACIA RD", "12", "acacia road", "3"),
    ("12 Acacia Road, Flat 3", "12", "acacia road", "3"),
    ("Apartment 3, 12 Acacia Road", "12", "acacia road", "3"),
    ("3/12 Acacia Road", "12", "acacia road", "3"),
    ("3 / 12 Acacia Road", "12", "acacia road", "3"),
    ("Apartment 4B, 12 Acacia Road", "12", "acacia road", "4b"),
    ("Apt 4b 12 Acacia Road", "12", "acacia road", "4b"),
    ("Apt. 4B, 12 Acacia Road", "12", "acacia road", "4b"),
    ("Unit 4B, 12 Acacia Road", "12", "acacia road", "4b"),
    ("#4b 12 Acacia Road", "12", "acacia road", "4b"),
    ("12 Acacia Road #4b", "12", "acacia road", "4b"),
    ("Flat 4-b, 12 Acacia Road", "12", "acacia road", "4b"),
    ("Flat 4 B, 12 Acacia Road", "12", "acacia road", "4b"),
    ("Flat No. 3, 12 Acacia Road", "12", "acacia road", "3"),
    ("Flat A, 12 Acacia Road", "12", "acacia road", "a"),
    ("Acacia Road 12", "12", "acacia road", None),
    ("Rose Cottage", None, "rose cottage", None),
    ("Flat 3", None, None, "3"),
    ("12", "12", None, None),
]

SPANISH = [
    ("C/ Mayor 5, 3º 2ª", "5", "calle mayor", "3 2"),
    ("Calle Mayor 5, 3º 2ª", "5", "calle mayor", "3 2"),
    ("CALLE MAYOR 5, 3º 2ª", "5", "calle mayor", "3 2"),
    ("C/ Mayor 5 piso 3 puerta 2", "5", "calle mayor", "3 2"),
    ("C/ Mayor 5, 3-2", "5", "calle mayor", "3 2"),
    ("C/Mayor, 5, 3 izq", "5", "calle mayor", "3 izq"),
    ("C/ Mayor 5, 3º izda.", "5", "calle mayor", "3 izq"),
    ("Calle Mayor 5, 3º Izquierda", "5", "calle mayor", "3 izq"),
    ("Calle Mayor nº 5, 1º dcha", "5", "calle mayor", "1 dcha"),
    ("Calle Mayor, n.º 5, 1º derecha", "5", "calle mayor", "1 dcha"),
    ("Calle Mayor 5, esc B piso 2 puerta 1", "5", "calle mayor", "b 2 1"),
    ("Calle Mayor 5, puerta 1, piso 2, escalera B", "5", "calle mayor", "b 2 1"),
    ("Calle Mayor 5, Esc. B, 2º 1ª", "5", "calle mayor", "b 2 1"),
    ("Calle Mayor 5 bajo", "5", "calle mayor", "0"),
    ("Calle Mayor 5, Bj. izda", "5", "calle mayor", "0 izq"),
    ("Calle Mayor 5 bajo A", "5", "calle mayor", "0a"),
    ("Calle Mayor 5 ático", "5", "calle mayor", "atico"),
    ("Calle Mayor 5, Ático B", "5", "calle mayor", "atico b"),
    ("Calle Mayor 5, 2ºB", "5", "calle mayor", "2b"),
    ("Calle Mayor 5, 2º B", "5", "calle mayor", "2b"),
    ("C. Mayor 5", "5", "calle mayor", None),
    ("Cl Mayor 5", "5", "calle mayor", None),
    ("Calle Mayor s/n", None, "calle mayor", None),
    ("Calle de Alcalá 123, 4º izda", "123", "calle de alcala", "4 izq"),
    ("Avda. de la Constitución 12, 2ºB", "12", "avenida de la constitucion", "2b"),
    ("Av. de América 3", "3", "avenida de america", None),
    ("Pza. Mayor 1", "1", "plaza mayor", None),
    ("Pl. Mayor 1", "1", "plaza mayor", None),
    ("Pº de la Castellana 100", "100", "paseo de la castellana", None),
    ("Paseo de Gracia 7", "7", "paseo de gracia", None),
    ("Ctra. de Toledo 5", "5", "carretera de toledo", None),
    ("Cno. Real 3", "3", "camino real", None),
    ("Rda. de Atocha 7", "7", "ronda de atocha", None),
    ("Trva. del Sol 2", "2", "travesia del sol", None),
    ("Gta. de Bilbao 1", "1", "glorieta de bilbao", None),
    ("Urb. Los Pinos 4", "4", "urbanizacion los pinos", None),
    ("Urbanización Los Pinos 4", "4", "urbanizacion los pinos", None),
    ("C/ Dr. Fleming 5, 2º", "5", "calle doctor fleming", "2"),
    ("Calle Doctor Fleming 5, 2º", "5", "calle doctor fleming", "2"),
    ("Pza. Sta. Ana 3", "3", "plaza santa ana", None),
    ("Calle E 4", "4", "calle e", None),  # English abbreviations stay out of Spanish names
]


@pytest.mark.parametrize(
    ("line", "house_number", "street", "unit"),
    [pytest.param(*case, id=f"en-{case[0]}") for case in ENGLISH]
    + [pytest.param(*case, id=f"es-{case[0]}") for case in SPANISH],
)
def test_examples(
    line: str, house_number: str | None, street: str | None, unit: str | None
) -> None:
    out = standardise_address(pd.Series([line]))
    row = dict(zip(COLUMNS, _plain(out.iloc[0]), strict=True))
    assert (row["house_number"], row["street"], row["unit"]) == (house_number, street, unit)
    assert row["postcode"] is None
    if house_number is None or street is None:
        assert row["building_key"] is None and row["address_key"] is None
    else:
        assert row["building_key"] == f"{house_number}|{street}|"
        assert row["address_key"] == f"{house_number}|{street}||{unit or ''}"


def test_one_call_agrees_with_the_examples_in_every_storage(storage: str) -> None:
    cases = ENGLISH + SPANISH
    out = standardise_address(pd.Series([case[0] for case in cases]))
    assert (out.dtypes == strings.STR).all()
    got = list(zip(*(_plain(out[c]) for c in ("house_number", "street", "unit")), strict=True))
    assert got == [case[1:] for case in cases]


def test_keys_combine_number_street_postcode_and_unit() -> None:
    lines = pd.Series(
        [
            "Flat 3, 12 Acacia Rd",
            "12 ACACIA ROAD",
            "Flat 4, 12 Acacia Road",
            "12 Acacia Road",
            "Acacia Road",
        ]
    )
    codes = pd.Series(["ls6 2qt", "LS6 2QT", " LS62QT", None, "LS6 2QT"])
    out = standardise_address(lines, codes)
    assert _plain(out["building_key"]) == [
        "12|acacia road|LS62QT",
        "12|acacia road|LS62QT",
        "12|acacia road|LS62QT",
        "12|acacia road|",
        None,
    ]
    assert _plain(out["address_key"]) == [
        "12|acacia road|LS62QT|3",
        "12|acacia road|LS62QT|",
        "12|acacia road|LS62QT|4",
        "12|acacia road||",
        None,
    ]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ls6 2qt", "LS62QT"),
        (" sw1a\u00a01aa ", "SW1A1AA"),
        ("28013", "28013"),
        (28013, "28013"),
        ("", None),
        ("   ", None),
        (None, None),
        (np.nan, None),
    ],
)
def test_postcode(code: Any, expected: str | None) -> None:
    out = standardise_address(pd.Series(["12 Acacia Road"]), pd.Series([code], dtype=object))
    assert _plain(out["postcode"]) == [expected]
    assert _plain(out["building_key"]) == [f"12|acacia road|{expected or ''}"]


def test_postcode_column_is_null_without_postcodes() -> None:
    out = standardise_address(pd.Series(["12 Acacia Road", None]))
    assert out["postcode"].isna().all()
    assert out["postcode"].dtype == strings.STR


def test_nulls_and_empty_strings_give_nulls_never_nan_text() -> None:
    values = [None, np.nan, pd.NA, "", "   ", "...", ", ,", "nan"]
    out = standardise_address(pd.Series(values, dtype=object), pd.Series([None] * 8))
    assert list(out.columns) == COLUMNS
    assert (out.dtypes == strings.STR).all()
    assert out.iloc[:7].isna().all().all()
    assert _plain(out.iloc[7]) == [None, "nan", None, None, None, None]  # a street named "nan"
    assert not (out.iloc[:7] == "nan").any().any()


def test_numbers_are_read_as_text() -> None:
    ints = standardise_address(pd.Series([12, 7]))
    assert _plain(ints["house_number"]) == ["12", "7"] and ints["street"].isna().all()
    floats = standardise_address(pd.Series([12.0, np.nan]))
    assert _plain(floats["house_number"]) == ["12", None]
    mixed = standardise_address(pd.Series([12, "3 High St", 4.0], dtype=object))
    assert _plain(mixed["house_number"]) == ["12", "3", "4"]
    assert _plain(mixed["street"]) == [None, "high street", None]


def test_index_is_kept() -> None:
    index = pd.Index(["z", "a", "a", "m"], name="record")
    lines = pd.Series(["12 Acacia Rd", None, "12 Acacia Road", "Flat 2, 3 Mill Lane"], index=index)
    codes = pd.Series(["LS6 2QT", "x", "ls6 2qt", None], index=index)
    out = standardise_address(lines, codes)
    assert out.index.equals(index)
    assert _plain(out["address_key"]) == [
        "12|acacia road|LS62QT|",
        None,
        "12|acacia road|LS62QT|",
        "3|mill lane||2",
    ]


def test_empty_input() -> None:
    out = standardise_address(pd.Series([], dtype=object), pd.Series([], dtype=object))
    assert list(out.columns) == COLUMNS and len(out) == 0


def test_parses_each_distinct_line_once(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    parse = addr._parse

    def spy(lines: pd.Series) -> dict[str, pd.Series]:
        seen.append(len(lines))
        return parse(lines)

    monkeypatch.setattr(addr, "_parse", spy)
    out = standardise_address(pd.Series(["12 Acacia Rd", None, "12 Acacia Rd", "1 Mill Ln"] * 50))
    assert seen == [2]
    assert out["street"].value_counts().to_dict() == {"acacia road": 100, "mill lane": 50}


# --------------------------------------------------------------------------- #
# bad input
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("street", "postcode", "names"),
    [
        (["12 Acacia Road"], None, ["street"]),
        (pd.DataFrame({"street": ["12 Acacia Road"]}), None, ["street"]),
        (pd.Series(["12 Acacia Road"]), ["LS6 2QT"], ["postcode"]),
        (pd.Series(["12 Acacia Road"]), pd.Series(["LS6 2QT", "LS6 2QA"]), ["postcode"]),
        (pd.Series(["12 Acacia Road"]), pd.Series(["LS6 2QT"], index=[5]), ["postcode"]),
        ("12 Acacia Road", "LS6 2QT", ["street", "postcode"]),
    ],
)
def test_bad_input_names_the_parameter(street: Any, postcode: Any, names: list[str]) -> None:
    with pytest.raises(ConfigError) as caught:
        standardise_address(street, postcode)
    problems = caught.value.problems
    assert [problem.split(":")[0] for problem in problems] == names
    for problem in problems:
        assert "got" in problem and "pass" in problem  # what it got, and how to fix it


# --------------------------------------------------------------------------- #
# the synthetic generator's streets
# --------------------------------------------------------------------------- #


def test_every_generator_street_type_is_recognised() -> None:
    for full, abbreviation in STREET_TYPES:
        row = next(row for row in addr._ENGLISH_TYPES if row[0] == full.lower())
        assert abbreviation.lower() in row or abbreviation == full
    lines, expected = [], []
    for name in STREET_NAMES:
        words = name.lower().replace("'", "").split()
        if words[0] == "st":
            words[0] = "saint"
        for full, abbreviation in STREET_TYPES:
            for written in (full, abbreviation, abbreviation.upper()):
                lines += [f"12 {name} {written}", f"Flat 3, 12 {name} {written}"]
                expected += [" ".join([*words, full.lower()])] * 2
    out = standardise_address(pd.Series(lines))
    assert _plain(out["street"]) == expected
    assert set(out["house_number"]) == {"12"}


@pytest.mark.parametrize(
    "tables",
    [
        ("_ENGLISH_TYPES",),
        ("_SPANISH_TYPES", "_NAME_PREFIXES"),  # both rewrite a first word
        ("_SPANISH_TITLES",),
        ("_SPANISH_UNIT_WORDS",),
        ("_SPANISH_UNIT_PARTS",),
    ],
)
def test_tables_map_variants_to_canonical_words_only_once(tables: tuple[str, ...]) -> None:
    rows = [row for table in tables for row in getattr(addr, table)]
    canonical = [row[0] for row in rows]
    variants = [variant for row in rows for variant in row[1:]]
    assert len(set(canonical)) == len(canonical)
    assert len(set(variants)) == len(variants)
    assert not set(canonical) & set(variants)  # so standardising twice changes nothing


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    frame = make_people(20_000, random_state=3)
    frame = frame[frame["street"].notna() & frame["postcode"].notna()].reset_index(drop=True)
    out = standardise_address(frame["street"], frame["postcode"])
    return pd.concat([frame, out.add_prefix("std_")], axis=1)


def _pair_agreement(frame: pd.DataFrame, key: pd.Series, within: list[str]) -> float:
    """Share of record pairs in the same ``within`` group that have the same non-null ``key``."""
    groups = frame[within].assign(key=key.to_numpy())
    sizes = groups.groupby(within).size()
    same = groups.dropna(subset=["key"]).groupby([*within, "key"]).size()
    return float((same * (same - 1) // 2).sum() / (sizes * (sizes - 1) // 2).sum())


def test_records_of_a_household_agree_on_the_address_key(people: pd.DataFrame) -> None:
    naive = people["street"].str.lower() + "|" + people["std_postcode"]
    # every pair of records of a household, movers' old addresses and typos included
    ours = _pair_agreement(people, people["std_address_key"], ["household_id"])
    assert ours >= 0.8  # measured 0.85
    assert _pair_agreement(people, naive, ["household_id"]) < 0.6  # measured 0.49
    # pairs at the same postcode: mostly records of the same home (movers left out)
    at_home = ["household_id", "std_postcode"]
    assert _pair_agreement(people, people["std_address_key"], at_home) >= 0.9  # measured 0.94
    assert _pair_agreement(people, naive, at_home) < 0.7  # measured 0.55


def _generator_building(lines: pd.Series) -> pd.DataFrame:
    """Flat and street address of the generator's templates ("Flat 3, 12 Acacia Rd" ...),
    read independently of the module under test; null where no template fits."""
    text = lines.str.lower().str.split().str.join(" ")
    found = text.str.extract(
        r"^(?:(?:flat|apartment) (?P<f1>[0-9]+),? (?P<b1>[0-9]+ .+)"
        r"|(?P<b2>[0-9]+ .+), flat (?P<f2>[0-9]+)|(?P<f3>[0-9]+)/(?P<b3>[0-9]+ .+))$"
    )
    base = found["b1"].fillna(found["b2"]).fillna(found["b3"])
    full = {abbreviation.lower(): full.lower() for full, abbreviation in STREET_TYPES}
    words = base.str.rsplit(" ", n=1)
    last = words.str[1]
    base = words.str[0] + " " + last.map(full).fillna(last)
    return pd.DataFrame(
        {"flat": found["f1"].fillna(found["f2"]).fillna(found["f3"]), "building": base}
    )


def test_flats_of_a_building_share_the_building_key_not_the_address_key(
    people: pd.DataFrame,
) -> None:
    truth = _generator_building(people["street"])
    building = truth["building"] + "|" + people["std_postcode"]
    flats = people.assign(flat=truth["flat"], building=building)
    flats = flats[flats["flat"].notna()]
    pairs = flats.merge(flats, on="building")
    pairs = pairs[
        (pairs["household_id_x"] != pairs["household_id_y"]) & (pairs["flat_x"] != pairs["flat_y"])
    ]
    assert len(pairs) > 500
    assert (pairs["std_building_key_x"] == pairs["std_building_key_y"]).all()
    assert (pairs["std_address_key_x"] != pairs["std_address_key_y"]).all()
    assert (pairs["std_unit_x"] == pairs["flat_x"]).all()


# --------------------------------------------------------------------------- #
# properties
# --------------------------------------------------------------------------- #

ENGLISH_TEMPLATES = (
    "{number} {name} {type}",
    "Flat {flat}, {number} {name} {type}",
    "Flat {flat} {number} {name} {type}",
    "{number} {name} {type}, Flat {flat}",
    "Apartment {flat}, {number} {name} {type}",
    "Apt {flat} {number} {name} {type}",
    "{flat}/{number} {name} {type}",
    "{number} {name} {type} #{flat}",
)
SPANISH_TEMPLATES = (
    "{type} {name} {number}",
    "{type} {name} {number}, {floor}º {door}ª",
    "{type} {name}, {number}, {floor} {door}",
    "{type} {name} {number} piso {floor} puerta {door}",
    "{type} {name} nº {number}, {floor}º-{door}ª",
)
SPANISH_NAMES = (
    "Mayor",
    "de Alcalá",
    "del Sol",
    "Real",
    "de la Paz",
    "San Juan",
    "Gran Vía",
    "Dr. Fleming",
    "Sta. Ana",
)


@st.composite
def _english(draw: st.DrawFn) -> str:
    template = draw(st.sampled_from(ENGLISH_TEMPLATES))
    full, abbreviation = draw(st.sampled_from(STREET_TYPES))
    line = template.format(
        number=draw(st.integers(1, 400)),
        name=draw(st.sampled_from(STREET_NAMES)),
        type=draw(st.sampled_from([full, abbreviation])),
        flat=draw(st.sampled_from(["1", "2", "12", "4b", "4B"])),
    )
    return draw(st.sampled_from([line, line.upper(), line.lower(), f" {line}  "]))


@st.composite
def _spanish(draw: st.DrawFn) -> str:
    template = draw(st.sampled_from(SPANISH_TEMPLATES))
    line = template.format(
        type=draw(st.sampled_from([word for row in addr._SPANISH_TYPES for word in row])),
        name=draw(st.sampled_from(SPANISH_NAMES)),
        number=draw(st.integers(1, 400)),
        floor=draw(st.integers(1, 9)),
        door=draw(st.integers(1, 4)),
    )
    return draw(st.sampled_from([line, line.upper(), f"{line}  "]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(_english(), _spanish()), min_size=1, max_size=20))
def test_standardising_number_and_street_again_changes_nothing(lines: list[str]) -> None:
    out = standardise_address(pd.Series(lines))
    assert out["house_number"].notna().all() and out["street"].notna().all()
    again = standardise_address(out["house_number"] + " " + out["street"])
    assert _plain(again["house_number"]) == _plain(out["house_number"])
    assert _plain(again["street"]) == _plain(out["street"])
    assert again["unit"].isna().all()


@settings(max_examples=60, deadline=None)
@given(
    number=st.integers(1, 400),
    name=st.sampled_from(STREET_NAMES),
    street_type=st.sampled_from(STREET_TYPES),
    flat=st.sampled_from(["1", "7", "12", "4b"]),
)
def test_every_way_of_writing_a_flat_gives_one_address_key(
    number: int, name: str, street_type: tuple[str, str], flat: str
) -> None:
    lines = [
        template.format(number=number, name=name, type=written, flat=flat).upper()
        if upper
        else template.format(number=number, name=name, type=written, flat=flat)
        for template in ENGLISH_TEMPLATES[1:]
        for written in street_type
        for upper in (False, True)
    ]
    out = standardise_address(pd.Series(lines), pd.Series(["ls6 2qt"] * len(lines)))
    assert out["address_key"].nunique(dropna=False) == 1
    assert _plain(out["unit"])[0] == flat.lower()


def test_street_spellings_are_reconciled_per_building_not_across_buildings() -> None:
    lines = pd.Series(["76 Alexandra Road", "76 Alexanra Rd", "76 Alexandra Rd",  # one house
                       "9 Alexanra Rd",  # another house: its spelling is its own
                       "76 Alexanra Rd",  # another postcode
                       "5 Mill Road", "5 Mill Lane",  # not alike enough
                       "Flat 1, 8 Oak Road", "8 Oka Road"])  # a block of flats: left alone
    codes = pd.Series(["SA1 1DA"] * 4 + ["CF10 1AA"] + ["LS1 1AA"] * 2 + ["M1 1AA"] * 2)
    before = standardise_address(lines, codes)
    after = reconcile_streets(before)
    assert after["street"].tolist() == ["alexandra road"] * 3 + ["alexanra road"] * 2 + [
        "mill road", "mill lane", "oak road", "oka road"]
    assert after["building_key"].iloc[1] == "76|alexandra road|SA11DA"
    assert after["address_key"].iloc[1] == "76|alexandra road|SA11DA|"
    changed = after["street"] != before["street"]
    assert changed.tolist() == [False, True] + [False] * 7
    pd.testing.assert_frame_equal(after.loc[~changed], before.loc[~changed])
    repeated = before.set_axis([0] * len(before))  # any index, repeated labels too
    assert reconcile_streets(repeated)["street"].tolist() == after["street"].tolist()


def test_reconciling_nothing_returns_the_addresses_unchanged() -> None:
    before = standardise_address(pd.Series(["1 A Road", None]), pd.Series(["X1 1XX", None]))
    pd.testing.assert_frame_equal(reconcile_streets(before), before)


def test_a_missing_postcode_is_the_one_the_others_at_that_street_address_give() -> None:
    lines = pd.Series(["Flat 2, 20 Park Lane", "Flat 1 20 Park Ln", "20 Park Lane, Flat 2",
                       "5 Mill Rd", "5 Mill Road", "5 Mill Road", "5 Mill Road"])
    codes = pd.Series(["LS2 9JT", "LS2 9JT", None, "LS1 1AA", "LS7 7ZZ", None, None])
    towns = pd.Series(["leeds", "leeds", "leeds", "leeds", "leeds", "leeds", None])
    before = standardise_address(lines, codes)
    after = complete_postcodes(before, towns)
    assert after.loc[2, "address_key"] == after.loc[0, "address_key"] == "20|park lane|LS29JT|2"
    # two postcodes at "5 mill road, leeds", or no town: left alone
    pd.testing.assert_frame_equal(after.iloc[3:], before.iloc[3:])
    pd.testing.assert_frame_equal(complete_postcodes(before.iloc[3:], towns.iloc[3:]),
                                  before.iloc[3:])
    repeated = complete_postcodes(before.set_axis([0] * len(before)), towns)  # any index
    assert repeated["address_key"].tolist() == after["address_key"].tolist()
