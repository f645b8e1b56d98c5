"""The model configurations compared in ``accuracy.py``: one section per dataset, with
Splink's documented configuration and golden's mirror of it side by side.

Splink sides follow Splink's own examples (see README.md for sources):

* febrl3: the DuckDB example "Deduplicating the febrl3 dataset";
* febrl4: the DuckDB example "Linking the febrl4 datasets", its *detailed* model;
* fake_1000: the quick-start in Splink 5's README (blocking and training) with the
  comparisons of tutorial 4 ("Specifying and estimating a linkage model") plus
  ``DateOfBirthComparison``.

Each golden side mirrors the comparisons (closest golden comparison, same term-frequency
switches) and the blocking rules (same rules; Splink's swapped-name SQL rule is written
as equality on an order-free name key, which selects exactly the same pairs). golden has
two variants:

* ``golden``: golden's defaults, ``fit(records)`` (λ and m from one EM pass over the
  prediction blocking);
* ``golden_tr``: Splink's training recipe mirrored: ``deterministic_rules`` + ``recall``
  for λ, and one EM session per Splink EM blocking rule (``training_blocking``).

The ten public dev sets and ``make_people`` at 100k (``people_100k``) follow, one spec
per set (``_mirror.Spec``) built for both tools, written as a new user would from the
set's README and golden's documentation, not tuned to the truth: the columns that
identify the entity compared with the ready-made comparison that fits each, a few
obvious blocking keys, everything else at the defaults. Splink is trained as its
documentation does (λ from deterministic rules and a recall, u by random sampling, EM
sessions on blocking rules). ``people_100k`` reuses the scale benchmark's configuration
(``_scale_configs``).

Imports of either library happen inside the functions, so that a process running one
tool never loads the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import _mirror
import pandas as pd
from _mirror import Spec, compare, eq, words

GOLDEN_VARIANTS = ("golden", "golden_tr")
TOOLS = ("splink", *GOLDEN_VARIANTS)


@dataclass
class SplinkTraining:
    """Splink's training steps, run in this order."""

    deterministic_rules: list[Any]
    recall: float
    u_max_pairs: float = 1e6
    u_seed: int | None = None
    em_rules: list[Any] = field(default_factory=list)
    em_kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class SplinkConfig:
    settings: Any  # splink.SettingsCreator
    training: SplinkTraining
    # derived columns, computed on all frames at once (block sizes span the frames)
    prepare: Callable[[list[pd.DataFrame]], list[pd.DataFrame]] | None = None
    # registers the frames with DuckDB and returns Splink's inputs (default: as they are)
    register: Callable[[Any, list[pd.DataFrame], list[str]], list[Any]] | None = None


@dataclass
class GoldenConfig:
    linker: Any  # golden.Linker, not fitted
    prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = None  # derived columns


def name_pair(frame: pd.DataFrame, first: str, last: str, out: str = "name_pair"
              ) -> pd.DataFrame:
    """Add ``out``: the two names in sorted order (null if either is null).

    Equality of this key holds exactly when ``first = first and last = last`` or
    ``first = last and last = first``: Splink's ``block_on(first, last)`` OR its
    swapped-names SQL rule, as one golden equality rule.
    """
    a, b = frame[first], frame[last]
    low = a.where(a <= b, b)
    high = b.where(a <= b, a)
    key = (low + "\x1f" + high).where(a.notna() & b.notna())
    return frame.assign(**{out: key})


def _febrl_name_pair(frame: pd.DataFrame) -> pd.DataFrame:
    return name_pair(frame, "given_name", "surname")


# ---------------------------------------------------------------------------
# FEBRL3: dedupe 5,000 records
# ---------------------------------------------------------------------------


def febrl3_splink() -> SplinkConfig:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("soc_sec_id"),
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                     datetime_format="%Y%m%d"),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
    )
    training = SplinkTraining(
        deterministic_rules=[
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
            "l.given_name = r.surname and l.surname = r.given_name "
            "and l.date_of_birth = r.date_of_birth",
        ],
        recall=0.9,
        u_max_pairs=1e6,
        u_seed=2,
        em_rules=[block_on("date_of_birth"), block_on("postcode")],
    )
    return SplinkConfig(settings, training)


def febrl3_golden(variant: str) -> GoldenConfig:
    import golden as gd
    from golden import comparisons as cmp

    training: dict[str, Any] = {}
    if variant == "golden_tr":
        training = {
            "deterministic_rules": [
                gd.block_on("soc_sec_id"),
                # given & surname & dob  OR  swapped names & dob
                gd.block_on("name_pair", "date_of_birth"),
            ],
            "recall": 0.9,
            "training_blocking": [gd.block_on("date_of_birth"), gd.block_on("postcode")],
        }
    linker = gd.Linker(
        comparisons=[
            cmp.name("given_name", term_frequency=False),
            cmp.name("surname", term_frequency=False),
            cmp.date_of_birth("date_of_birth"),
            cmp.damerau_levenshtein("soc_sec_id", (2,)),
            cmp.exact("street_number", term_frequency=True),
            cmp.exact("postcode", term_frequency=True),
        ],
        blocking=[
            gd.block_on("soc_sec_id"),
            gd.block_on("given_name"),
            gd.block_on("surname"),
            gd.block_on("date_of_birth"),
            gd.block_on("postcode"),
        ],
        link_type="dedupe",
        unique_id="rec_id",
        u_max_pairs=1_000_000,
        random_state=0,
        progress=False,
        **training,
    )
    return GoldenConfig(linker, _febrl_name_pair if training else None)


# ---------------------------------------------------------------------------
# FEBRL4: link 5,000 x 5,000
# ---------------------------------------------------------------------------


def febrl4_splink() -> SplinkConfig:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ],
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                     datetime_format="%Y%m%d", invalid_dates_as_null=True),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True),
        ],
    )
    training = SplinkTraining(
        deterministic_rules=[
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
        ],
        recall=0.8,
        u_max_pairs=1e6,
        u_seed=0,  # the example sets none; fixed here so repeats are comparable
        em_rules=[block_on("date_of_birth"), block_on("postcode")],
        em_kwargs={"estimate_without_term_frequencies": True},
    )
    return SplinkConfig(settings, training)


def febrl4_golden(variant: str) -> GoldenConfig:
    import golden as gd
    from golden import comparisons as cmp

    training: dict[str, Any] = {}
    if variant == "golden_tr":
        training = {
            "deterministic_rules": [
                gd.block_on("soc_sec_id"),
                gd.block_on("given_name", "surname", "date_of_birth"),
            ],
            "recall": 0.8,
            "training_blocking": [gd.block_on("date_of_birth"), gd.block_on("postcode")],
        }
    linker = gd.Linker(
        comparisons=[
            cmp.name("given_name", term_frequency=True),
            cmp.name("surname", term_frequency=True),
            cmp.date_of_birth("date_of_birth"),
            cmp.damerau_levenshtein("soc_sec_id", (1, 2)),
            cmp.exact("street_number", term_frequency=True),
            cmp.damerau_levenshtein("postcode", (1, 2), term_frequency=True),
        ],
        blocking=[
            # given & surname  OR  swapped given/surname
            gd.block_on("name_pair"),
            gd.block_on("date_of_birth"),
            gd.block_on("soc_sec_id"),
            gd.block_on("state", "address_1"),
            gd.block_on("street_number", "address_1"),
            gd.block_on("postcode"),
        ],
        link_type="link",
        unique_id="rec_id",
        u_max_pairs=1_000_000,
        random_state=0,
        progress=False,
        **training,
    )
    return GoldenConfig(linker, _febrl_name_pair)


# ---------------------------------------------------------------------------
# fake_1000: dedupe 1,000 records
# ---------------------------------------------------------------------------


def fake_1000_splink() -> SplinkConfig:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    settings = SettingsCreator(
        unique_id_column_name="unique_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[block_on("first_name"), block_on("surname")],
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.EmailComparison("email"),
        ],
    )
    training = SplinkTraining(
        deterministic_rules=[block_on("first_name", "surname")],
        recall=0.7,
        u_max_pairs=1e6,
        u_seed=0,  # the README sets none; fixed here so repeats are comparable
        em_rules=[block_on("first_name", "surname"), block_on("dob")],
    )
    return SplinkConfig(settings, training)


def fake_1000_golden(variant: str) -> GoldenConfig:
    import golden as gd
    from golden import comparisons as cmp

    training: dict[str, Any] = {}
    if variant == "golden_tr":
        training = {
            "deterministic_rules": [gd.block_on("first_name", "surname")],
            "recall": 0.7,
            "training_blocking": [gd.block_on("first_name", "surname"), gd.block_on("dob")],
        }
    linker = gd.Linker(
        comparisons=[
            cmp.name("first_name", term_frequency=False),
            cmp.name("surname", term_frequency=False),
            cmp.date_of_birth("dob"),
            cmp.exact("city", term_frequency=True),
            cmp.email("email"),
        ],
        blocking=[gd.block_on("first_name"), gd.block_on("surname")],
        link_type="dedupe",
        unique_id="unique_id",
        u_max_pairs=1_000_000,
        random_state=0,
        progress=False,
        **training,
    )
    return GoldenConfig(linker)


# ---------------------------------------------------------------------------
# The public dev sets (../shared/data/dev): one spec each, built for both tools by
# ``_mirror``. Every choice below comes from the set's README.txt and a look at its
# columns, before any result: the columns that identify the entity, each compared with
# the ready-made comparison that fits what it is (personal names -> name, dates ->
# date / date_of_birth, codes and categories -> exact, short free text -> jaro_winkler,
# long free text -> jaccard on words, numbers -> absolute / percentage difference,
# lists -> shared values, coordinates -> distance), text compared after golden's
# clean(); blocking on a few obvious keys; Splink's λ from deterministic rules with
# Splink's usual recall guess (0.8), EM sessions on two rules that between them leave
# every comparison in at least once.
# ---------------------------------------------------------------------------


def _number(values: pd.Series) -> pd.Series:
    """The first number in each value ("$1,999.00" -> 1999.0, "69.71 gbp" -> 69.71)."""
    text = values.astype("str").str.replace(",", "", regex=False)
    return pd.to_numeric(text.str.extract(r"(\d+(?:\.\d+)?)", expand=False), errors="coerce")


def _michigan_prepare(frame: pd.DataFrame) -> pd.DataFrame:
    # birthyear is a number; date_registration is M[M]DDYYYY text, which golden's date
    # parser does not read: written as ISO dates first.
    registered = pd.to_datetime(frame["date_registration"].str.zfill(8), format="%m%d%Y",
                                errors="coerce")
    return frame.assign(birthyear=_number(frame["birthyear"]),
                        date_registration=registered.dt.strftime("%Y-%m-%d"))


def michigan() -> Spec:
    """Real voters in two snapshots (link). A person is their names, birth year, gender,
    registration date and address; namesufix (97% empty), extension (83% empty) and state
    (always MI) carry next to nothing. City and zip are codes of a place: exact, with
    term frequencies (a small town says more than Detroit). Blocking: surname; first name
    and birth year; zip and street. λ: same first name, surname and birth year; EM on the
    names, then on the registration date."""
    return Spec(
        link_type="link", unique_id="rec_id",
        comparisons=(compare("name", "firstname"), compare("name", "lastname"),
                     compare("name", "middlename"),
                     compare("abs_diff", "birthyear", thresholds=(1,)),
                     compare("exact", "gender"), compare("date", "date_registration"),
                     compare("jaro_winkler", "street_name"),
                     compare("exact", "city", term_frequency=True),
                     compare("exact", "zip", term_frequency=True)),
        blocking=(eq("lastname:clean"), eq("firstname:clean", "birthyear"),
                  eq("zip", "street_name:clean")),
        deterministic=(eq("firstname:clean", "lastname:clean", "birthyear"),),
        em=(eq("firstname:clean", "lastname:clean"), eq("date_registration")),
        prepare=_michigan_prepare,
    )


def census() -> Spec:
    """Census-style persons (dedupe, 828). Names (the middle name is mostly an initial,
    which ``name`` has a level for), the street name (free text with typos:
    jaro_winkler) and the zip code (a code: exact, with term frequencies). Blocking on
    surname, first name, zip. λ: same surname and zip; EM on the surname, then zip. (No
    two records share first name and surname, so Splink cannot train on that rule: it
    finds no pair.)"""
    return Spec(
        link_type="dedupe", unique_id="id",
        comparisons=(compare("name", "first_name"), compare("name", "last_name"),
                     compare("name", "middle_name"), compare("jaro_winkler", "street_address"),
                     compare("exact", "zip_code", term_frequency=True)),
        blocking=(eq("last_name:clean"), eq("first_name:clean"), eq("zip_code")),
        deterministic=(eq("last_name:clean", "zip_code"),),
        em=(eq("last_name:clean"), eq("zip_code")),
    )


def _yad_vashem_prepare(frame: pd.DataFrame) -> pd.DataFrame:
    # a date of birth where day, month and year are all known; the year as a number
    year = _number(frame["by"])
    parts = pd.DataFrame({"year": year, "month": _number(frame["bm"]),
                          "day": _number(frame["bd"])})
    dob = pd.to_datetime(parts.where(parts.notna().all(axis=1)), errors="coerce")
    return frame.assign(by=year, dob=dob.dt.strftime("%Y-%m-%d"))


def yad_vashem() -> Spec:
    """Victims' records from many testimonies (dedupe, 9,499). Names, gender, the date of
    birth where it is complete, and the birth year on its own (58% of records lack day and
    month, 34% the year: the year still carries evidence without the rest; testimonies
    estimate ages, so within 1 and 5 years). The place is the city (exact, term
    frequencies); county and region follow from it, country is always Italy; src is the
    testimony, not the person; prof holds testimony codes. Blocking: surname; first name
    and birth year. λ: same names and birth year; EM on the names, then the full date."""
    return Spec(
        link_type="dedupe", unique_id="id",
        comparisons=(compare("name", "firstname"), compare("name", "lastname"),
                     compare("exact", "gender"), compare("dob", "dob"),
                     compare("abs_diff", "by", thresholds=(1, 5)),
                     compare("exact", "city", term_frequency=True)),
        blocking=(eq("lastname:clean"), eq("firstname:clean", "by")),
        deterministic=(eq("firstname:clean", "lastname:clean", "by"),),
        em=(eq("firstname:clean", "lastname:clean"), eq("dob")),
        prepare=_yad_vashem_prepare,
    )


def patentsview() -> Spec:
    """Inventor mentions (dedupe, 133,541). Names; city and country (exact, term
    frequencies: Tokyo and JP are common), state; the assignee (an organisation name, free
    text: words); co-inventors' surnames (a '|' list: shared values). The patent and its
    date describe the patent, not the inventor. Blocking: the README's blocks (surname and
    two letters of the first name) hold 210 M pairs, the full name alone 7.3 M; an inventor
    recurs under the same name in the same city or at the same company: full name and
    city, full name and assignee, 3.4 M pairs. λ: same full name and city; EM on the full
    name, then on city and assignee (a session without the names, so they are learned)."""
    first, last = "raw_inventor_name_first", "raw_inventor_name_last"
    return Spec(
        link_type="dedupe", unique_id="mention_id",
        comparisons=(compare("name", first), compare("name", last),
                     compare("exact", "raw_city", term_frequency=True),
                     compare("exact", "raw_state"),
                     compare("exact", "raw_country", term_frequency=True),
                     compare("jaccard", "raw_assignee_organization"),
                     compare("shared", "coinventor_name_last", sep="|")),
        blocking=(eq(f"{last}:clean", f"{first}:clean", "raw_city"),
                  eq(f"{last}:clean", f"{first}:clean", "raw_assignee_organization:clean")),
        deterministic=(eq(f"{first}:clean", f"{last}:clean", "raw_city"),),
        em=(eq(f"{last}:clean", f"{first}:clean"),
            eq("raw_city", "raw_assignee_organization:clean")),
    )


def _patstat_prepare(frame: pd.DataFrame) -> pd.DataFrame:
    # coordinates are numbers; (0, 0) — 37% of records — means unknown (it is not in the
    # Netherlands)
    lat, lng = _number(frame["Lat"]), _number(frame["Lng"])
    unknown = (lat == 0) & (lng == 0)
    return frame.assign(Lat=lat.mask(unknown), Lng=lng.mask(unknown))


def patstat() -> Spec:
    """Patent applicants, people and firms (dedupe, 2,379), compared as dedupe's own
    example does: the name (short text: jaro_winkler), the coordinates (distance), the
    co-authors and the IPC classes ('**' lists: shared values). Blocking: name; same
    coordinates. λ: same name; EM on the name, then on the coordinates."""
    return Spec(
        link_type="dedupe", unique_id="person_id",
        comparisons=(compare("jaro_winkler", "Name"), compare("distance", "Lat", "Lng"),
                     compare("shared", "Coauthor", sep="**"),
                     compare("shared", "Class", sep="**")),
        blocking=(eq("Name:clean"), eq("Lat", "Lng")),
        deterministic=(eq("Name:clean"),),
        em=(eq("Name:clean"), eq("Lat", "Lng")),
        prepare=_patstat_prepare,
    )


def affiliations() -> Spec:
    """One free-text column of affiliations with addresses (dedupe, 2,260): words shared,
    in any order (jaccard). Blocking on any shared word. λ: the same text; EM on the
    word rule (the only one there is)."""
    return Spec(
        link_type="dedupe", unique_id="id1",
        comparisons=(compare("free_text", "affil1"),),
        blocking=(words("affil1"),),
        deterministic=(eq("affil1:clean"),),
        em=(words("affil1"),),
    )


def fodors_zagats() -> Spec:
    """Restaurants in two guides (link). Name and address (short text: jaro_winkler), city
    (exact, term frequencies), phone (exact, after golden's phone()); the cuisine type
    describes the food, not the place. Blocking: phone; name; city. λ: same phone; EM on
    the phone, then on the city."""
    return Spec(
        link_type="link", unique_id="id",
        comparisons=(compare("jaro_winkler", "name"), compare("jaro_winkler", "addr"),
                     compare("exact", "city", term_frequency=True),
                     compare("exact", "phone:phone")),
        blocking=(eq("phone:phone"), eq("name:clean"), eq("city")),
        deterministic=(eq("phone:phone"),),
        em=(eq("phone:phone"), eq("city")),
    )


def _cora_prepare(frame: pd.DataFrame) -> pd.DataFrame:
    # "(1995)," -> 1995; "pages 148-156," -> "148-156"
    numbers = frame["pages"].astype("str").str.findall(r"\d+")
    pages = numbers.map(lambda found: "-".join(found) if isinstance(found, list) and found
                        else None)
    return frame.assign(year=_number(frame["year"].astype("str").str.extract(
        r"(\d{4})", expand=False)), pages=pages.astype("str"))


def cora() -> Spec:
    """Citations (dedupe, 1,295). Title, authors and venue are free text (words:
    jaccard); the year a number (within 1); the pages a code once written as numbers.
    The other columns are mostly empty. Blocking: any shared title word; year. λ: the
    same title; EM on the title words, then the year."""
    return Spec(
        link_type="dedupe", unique_id="rec_id",
        comparisons=(compare("free_text", "title"), compare("free_text", "author"),
                     compare("free_text", "venue"),
                     compare("abs_diff", "year", thresholds=(1,)), compare("exact", "pages")),
        blocking=(words("title"), eq("year")),
        deterministic=(eq("title:clean"),),
        em=(words("title"), eq("year")),
        prepare=_cora_prepare,
    )


def _price_prepare(frame: pd.DataFrame) -> pd.DataFrame:
    # "$1,999.00" -> 1999.0; a price of 0 is "unknown"
    price = _number(frame["price"])
    return frame.assign(price=price.mask(price == 0))


def abt_buy() -> Spec:
    """Products of two shops (link). Name and description are free text (words: jaccard);
    price a number (within 10%, 25%); manufacturer exists in Buy only. Blocking on any
    shared name word. λ: the same name; EM on the name words, then the price."""
    return Spec(
        link_type="link", unique_id="id",
        comparisons=(compare("free_text", "name"), compare("free_text", "description"),
                     compare("pct_diff", "price", thresholds=(0.1, 0.25))),
        blocking=(words("name"),),
        deterministic=(eq("name:clean"),),
        em=(words("name"), eq("price")),
        prepare=_price_prepare,
    )


def amazon_google() -> Spec:
    """Software products of two shops (link). Title and description free text (words:
    jaccard); manufacturer a short name (jaro_winkler); price a number (within 10%,
    25%). Blocking on any shared title word. λ: the same title; EM on the title words,
    then the price."""
    return Spec(
        link_type="link", unique_id="id",
        comparisons=(compare("free_text", "title"), compare("free_text", "description"),
                     compare("jaro_winkler", "manufacturer"),
                     compare("pct_diff", "price", thresholds=(0.1, 0.25))),
        blocking=(words("title"),),
        deterministic=(eq("title:clean"),),
        em=(words("title"), eq("price")),
        prepare=_price_prepare,
    )


DEV_SPECS: dict[str, Callable[[], Spec]] = {spec.__name__: spec for spec in (
    michigan, census, yad_vashem, patentsview, patstat, affiliations, fodors_zagats, cora,
    abt_buy, amazon_google)}


def _dev_splink(spec: Callable[[], Spec]) -> Callable[[], SplinkConfig]:
    def build() -> SplinkConfig:
        built = spec()
        return SplinkConfig(_mirror.splink_settings(built),
                            SplinkTraining(**_mirror.splink_training(built)),
                            prepare=_mirror.splink_prepare(built))
    return build


def _dev_golden(spec: Callable[[], Spec]) -> Callable[[str], GoldenConfig]:
    def build(variant: str) -> GoldenConfig:
        built = spec()
        return GoldenConfig(_mirror.golden_linker(built, variant), built.prepare)
    return build


# ---------------------------------------------------------------------------

SPLINK: dict[str, Callable[[], SplinkConfig]] = {
    "febrl3": febrl3_splink,
    "febrl4": febrl4_splink,
    "fake_1000": fake_1000_splink,
    **{name: _dev_splink(spec) for name, spec in DEV_SPECS.items()},
}
GOLDEN: dict[str, Callable[[str], GoldenConfig]] = {
    "febrl3": febrl3_golden,
    "febrl4": febrl4_golden,
    "fake_1000": fake_1000_golden,
    **{name: _dev_golden(spec) for name, spec in DEV_SPECS.items()},
}
