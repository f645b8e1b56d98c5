r"""Address standardisation for household detection.

``standardise_address`` splits free-text street lines, English or Spanish
style, into parts and builds keys for "same building" and "same dwelling":

* ``house_number``: the building number, e.g. ``"12"``, ``"12a"``, ``"12-14"``.
* ``street``: the street name without number or unit, lower case, without
  accents or punctuation, street types spelt out: ``"acacia road"``,
  ``"saint johns road"``, ``"calle mayor"``.
* ``unit``: the flat inside the building, compact: ``"3"``, ``"4b"``; Spanish
  staircase, floor and door in that order, ``"b 2 1"``, ``"3 izq"``, ``"0"``
  for the ground floor (*bajo*).
* ``postcode``: upper case without whitespace, ``"LS62QT"``.
* ``building_key``: ``house_number|street|postcode``, shared by every flat of
  a building.
* ``address_key``: ``building_key|unit``, one dwelling.

Text columns have the pandas string dtype ``"str"`` with ``NaN`` for unknown
parts (see ``golden.values``). The work runs once per distinct street
line: regular expressions (written to mean the same in Python's ``re`` and
in RE2, pyarrow's engine) and pyarrow word look-ups in the abbreviation tables
below, which are ``(canonical, variants...)`` rows.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cpdist

from golden._base.graphs import component_of_each_node
from golden._base.pairs import within_group_pairs
from golden.errors import ConfigError
from golden.values import (
    DELETED_RE,
    PUNCTUATION,
    WHITESPACE,
    as_str,
    escape_chars,
    finish,
    from_arrow,
    lower,
    remove_spaces,
    strip_accents,
    take,
    upper,
    via_distinct,
)

__all__ = ["standardise_address"]

#: English street types and compass points, spelt out after the first word of a street.
_ENGLISH_TYPES: tuple[tuple[str, ...], ...] = (
    ("road", "rd"),
    ("street", "st", "str"),
    ("avenue", "ave", "av", "avn"),
    ("lane", "ln"),
    ("close", "cl"),
    ("drive", "dr", "drv"),
    ("way", "wy"),
    ("gardens", "gdns"),
    ("crescent", "cres", "cresc"),
    ("court", "ct", "crt"),
    ("place", "pl"),
    ("grove", "gr", "gro", "grv"),
    ("terrace", "terr", "ter", "tce"),
    ("park", "pk"),
    ("square", "sq"),
    ("view", "vw"),
    ("rise",),
    ("walk", "wlk", "wk"),
    ("mews",),
    ("row",),
    ("hill", "hl"),
    ("green", "grn"),
    ("parade", "pde"),
    ("boulevard", "blvd", "bvd"),
    ("highway", "hwy"),
    ("mount", "mt"),
    ("north", "n", "nth"),
    ("south", "s", "sth"),
    ("east", "e"),
    ("west", "w"),
)

#: English words that start a street name ("St John's Road" is "saint johns road").
_NAME_PREFIXES: tuple[tuple[str, ...], ...] = (
    ("saint", "st", "snt"),
    ("mount", "mt"),
)

#: Spanish street types, which lead the street name ("C/ Mayor" is "calle mayor"); a
#: street that starts with one follows the Spanish rules, not the English ones.
_SPANISH_TYPES: tuple[tuple[str, ...], ...] = (
    ("calle", "c", "cl", "cll"),
    ("avenida", "avda", "av", "avd"),
    ("plaza", "pza", "pl", "plz"),
    ("paseo", "po", "pso"),
    ("carretera", "ctra", "crta"),
    ("camino", "cno", "cmno"),
    ("ronda", "rda"),
    ("travesia", "trva", "trav"),
    ("glorieta", "gta", "glta"),
    ("urbanizacion", "urb"),
    ("pasaje", "pje", "psje"),
)

#: Abbreviated words in Spanish street names, spelt out after the first word.
_SPANISH_TITLES: tuple[tuple[str, ...], ...] = (
    ("doctor", "dr", "dtor"),
    ("santa", "sta"),
    ("santo", "sto"),
    ("general", "gral", "gnral"),
    ("hermanos", "hnos"),
    ("presidente", "pdte"),
)

#: Spanish words for a floor or door, written in the unit in their canonical form.
_SPANISH_UNIT_WORDS: tuple[tuple[str, ...], ...] = (
    ("0", "bajo", "bj", "bjo"),
    ("atico", "atc"),
    ("izq", "izquierda", "izda", "izqda", "iz"),
    ("dcha", "derecha", "dch", "dcho", "dra", "der"),
    ("centro", "ctro", "cto"),
    ("entlo", "entresuelo", "entl"),
    ("pral", "principal"),
)

#: Labelled parts of a Spanish unit, in the order the unit lists them.
_SPANISH_UNIT_PARTS: tuple[tuple[str, ...], ...] = (
    ("escalera", "esc", "escal"),
    ("piso", "planta", "pl", "plta"),
    ("puerta", "pta", "pt"),
)

#: Words introducing a flat number ("#" is read as "flat").
_UNIT_MARKERS = ("flat", "apartment", "apartamento", "apt", "appt", "apto", "unit", "suite")

#: Words for "number" dropped before a house number ("Calle Mayor nº 5", "No. 12").
_NUMBER_WORDS = ("n", "no", "nr", "nro", "num", "numero", "number")

_NUM = "[0-9]+[a-z]?(?:-[0-9]+[a-z]?)?"  # a house or flat number: "12", "12a", "12-14"
_UNIT_ID = f"(?:{_NUM}|[a-z])"  # a flat number or a single letter
_COLUMNS = ("house_number", "street", "unit", "postcode", "building_key", "address_key")


def _alternatives(*tables: tuple[tuple[str, ...], ...]) -> str:
    """Every word of the tables, as a regex alternation."""
    return "|".join(word for table in tables for row in table for word in row)


def _lookup(*tables: tuple[tuple[str, ...], ...]) -> dict[str, str]:
    """Each variant of the tables mapped to its canonical word."""
    return {variant: row[0] for table in tables for row in table for variant in row[1:]}


_PUNCT_TO_SPACE = "".join(c for c in PUNCTUATION if c not in "-/#")

#: Clean-up of lower-case ASCII text before parsing, in order; "-", "/" and "#" carry
#: meaning, so they are dealt with before the rest of the punctuation goes.
_CLEAN_REWRITES: tuple[tuple[str, str], ...] = (
    (DELETED_RE, ""),  # apostrophes: "john's" -> "johns"
    (f"[{escape_chars(_PUNCT_TO_SPACE)}{WHITESPACE}]+", " "),
    ("([0-9]) *- *([0-9])", r"\1-\2"),  # a range: "12 - 14" -> "12-14"
    ("([0-9]) *- *([a-z])([^a-z]|$)", r"\1\2\3"),  # "4-b" -> "4b"
    ("([^0-9]|^)-+|-+([^0-9]|$)", r"\1 \2"),  # any other hyphen is a space
    ("#", " flat "),  # "#4b" -> "flat 4b"
    ("^ *([0-9]+[a-z]?) */ *([0-9])", r"flat \1 \2"),  # unit/number: "3/12 acacia road"
    ("(^|[^a-z0-9])s */ *n([^a-z0-9]|$)", r"\1 \2"),  # Spanish "s/n": no number
    ("/", " "),  # "c/mayor" -> "c mayor"
    ("  +", " "),
)
_GLUE = (" ([0-9]+) ([a-z]) ", r" \1\2 ")  # a letter after a number joins it: "12 a" -> "12a"
#: Rewrites of words in ``_clean`` text, which has a space before and after every word.
_WORD_REWRITES: tuple[tuple[str, str], ...] = (
    _GLUE,
    (f" (?:{'|'.join(_NUMBER_WORDS)})(?: o)? ([0-9])", r" \1"),  # "no 12" -> "12"
)

_MARKER = f"(?: (?:{'|'.join(_UNIT_MARKERS)}))+"
#: A flat marker and number at the start and/or the end; the body keeps its leading space.
_UNITS_RE = (
    f"^(?:{_MARKER} (?P<lead>{_UNIT_ID}))?(?P<body>(?: .*?)?)(?:{_MARKER} (?P<trail>{_UNIT_ID}))? $"
)
#: Number first ("12 acacia road"), or after the name and followed by a unit ("calle mayor 5 3 2").
_NUMBER_RE = (
    f"^ (?:(?P<number_first>{_NUM}) (?P<street_after>.*)"
    f"|(?P<street_before>[^0-9]+?) (?P<number_after>{_NUM}) (?P<rest>.*))$"
)
_UNIT_LIKE_RE = (
    f"^(?:(?:{_NUM}|[a-z]|{_alternatives(_SPANISH_UNIT_WORDS, _SPANISH_UNIT_PARTS)}) )*$"
)
_SPANISH_START_RE = f"^(?:{_alternatives(_SPANISH_TYPES)}) "
_UNIT_PART_RES = tuple(f" (?:{'|'.join(row)}) (?P<value>[^ ]+) " for row in _SPANISH_UNIT_PARTS)

_ENGLISH_WORDS = _lookup(_ENGLISH_TYPES)
_PREFIX_WORDS = _lookup(_NAME_PREFIXES)
_SPANISH_TYPE_WORDS = _lookup(_SPANISH_TYPES)
_TITLE_WORDS = _lookup(_SPANISH_TITLES)
_UNIT_WORDS = _lookup(_SPANISH_UNIT_WORDS)


def _to_arrow(s: pd.Series) -> pa.Array:
    """The values of a text Series as one pyarrow array."""
    values = pa.array(s.array)
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _from_arrow(values: pa.Array) -> pd.Series:
    """A pyarrow text array as a Series of dtype ``"str"``, empty strings null."""
    return finish(from_arrow(values))


def _replace_all(s: pd.Series, rewrites: tuple[tuple[str, str], ...]) -> pd.Series:
    """Apply regex ``(pattern, replacement)`` rewrites in turn."""
    for pattern, replacement in rewrites:
        s = s.str.replace(pattern, replacement, regex=True)
    return s


def _extract(s: pd.Series, pattern: str) -> dict[str, pd.Series]:
    """The named groups of ``pattern`` in ``s``; unmatched and empty groups are null."""
    found = pc.extract_regex(_to_arrow(s), pattern)
    return {
        field.name: _from_arrow(pc.struct_field(found, [i])).set_axis(s.index)
        for i, field in enumerate(found.type)
    }


def _map_words(
    s: pd.Series, words: Mapping[str, str], *, leading: Mapping[str, str] | None = None
) -> pd.Series:
    """Rewrite the whole words of single-spaced text through ``words``.

    With ``leading``, the first word is rewritten through ``leading`` instead,
    and only when another word follows it.
    """
    lists = pc.split_pattern(_to_arrow(s.fillna("")), " ")
    tokens = lists.flatten()
    mapped = _translate(tokens, words)
    if leading is not None:
        starts = lists.offsets.to_numpy()[:-1]
        sizes = pc.list_value_length(lists).to_numpy()
        first, first_of_several = np.zeros((2, len(tokens)), dtype=bool)
        first[starts[sizes > 0]] = True
        first_of_several[starts[sizes > 1]] = True
        mapped = pc.if_else(first, tokens, mapped)
        mapped = pc.if_else(first_of_several, _translate(tokens, leading), mapped)
    rebuilt = type(lists).from_arrays(lists.offsets, mapped)
    joined = pc.binary_join(rebuilt, pa.scalar(" ", type=tokens.type))
    return _from_arrow(joined).set_axis(s.index)


def _translate(tokens: pa.Array, table: Mapping[str, str]) -> pa.Array:
    """Each token replaced by its value in ``table``, if it has one."""
    keys = pa.array(list(table), type=tokens.type)
    values = pa.array(list(table.values()), type=tokens.type)
    return pc.coalesce(values.take(pc.index_in(tokens, value_set=keys)), tokens)


def _squeeze(s: pd.Series) -> pd.Series:
    """Collapse runs of spaces and trim; empty values become null."""
    return finish(s.str.replace("  +", " ", regex=True).str.strip(" "))


def _join(*parts: pd.Series) -> pd.Series:
    """Space-join the non-null parts of each row; null when all are null."""
    joined = parts[0].fillna("")
    for part in parts[1:]:
        joined = joined + " " + part.fillna("")
    return _squeeze(joined)


def _clean(lines: pd.Series) -> pd.Series:
    """Lower-case ASCII words, each between single spaces (" calle mayor 5 3 2 ")."""
    text = lines.str.replace("([0-9]) *[ºª°]", r"\1 ", regex=True)  # "3º 2ª" -> "3 2"
    text = text.str.replace("(^|[^A-Za-z0-9])[Nn] *[.]? *[º°]", r"\1 n ", regex=True)  # "nº"
    text = _replace_all(lower(strip_accents(text)), _CLEAN_REWRITES)
    return _replace_all(" " + text.str.strip(" ") + " ", _WORD_REWRITES)


def _street_name(street: pd.Series) -> pd.Series:
    """Abbreviations spelt out, by the rules of the street's language."""
    street = _squeeze(street)
    spanish = street.str.match(_SPANISH_START_RE, na=False).to_numpy()
    out = street.copy()
    out[~spanish] = _map_words(street[~spanish], _ENGLISH_WORDS, leading=_PREFIX_WORDS)
    out[spanish] = _map_words(street[spanish], _TITLE_WORDS, leading=_SPANISH_TYPE_WORDS)
    return out


def _spanish_unit(rest: pd.Series) -> pd.Series:
    """Staircase, floor, unlabelled words, door: "piso 3 puerta 2 esc b" -> "b 3 2"."""
    text = " " + _map_words(rest.str.replace("-", " ", regex=False), _UNIT_WORDS) + " "
    parts = []
    for pattern in _UNIT_PART_RES:
        parts.append(_extract(text, pattern)["value"])
        text = text.str.replace(pattern, " ", regex=True)
    escalera, piso, puerta = parts
    unit = " " + _join(escalera, piso, text, puerta) + " "
    return _squeeze(unit.str.replace(*_GLUE, regex=True))


def _parse(lines: pd.Series) -> dict[str, pd.Series]:
    """House number, street and unit of street lines."""
    units = _extract(_clean(lines), _UNITS_RE)
    parts = _extract(units["body"] + " ", _NUMBER_RE)
    number_first = parts["number_first"].notna().to_numpy()
    # name first: the words after the number must be a unit, unless the name is Spanish
    name_first = parts["number_after"].notna() & (
        parts["rest"].fillna("").str.match(_UNIT_LIKE_RE, na=False)
        | parts["street_before"].str.match(_SPANISH_START_RE, na=False)
    )
    name_first = name_first.to_numpy() & ~number_first
    house_number = parts["number_first"].where(
        number_first, parts["number_after"].where(name_first)
    )
    street = parts["street_after"].where(number_first, parts["street_before"].where(name_first))
    street = street.where(number_first | name_first, units["body"])
    spanish_unit = parts["rest"].where(name_first)
    has_rest = spanish_unit.notna().to_numpy()
    spanish_unit[has_rest] = _spanish_unit(spanish_unit[has_rest])
    return {
        "house_number": house_number,
        "street": _street_name(street),
        "unit": _join(units["lead"], units["trail"], spanish_unit),
    }


def _check(street: object, postcode: object) -> None:
    """Raise ``ConfigError`` naming every problem with the arguments."""
    problems = []
    if not isinstance(street, pd.Series):
        problems.append(
            f"street: got {type(street).__name__}, expected a pandas Series of street lines; "
            "pass a DataFrame column such as df['street'], or wrap the values in pd.Series"
        )
    if postcode is not None and not isinstance(postcode, pd.Series):
        problems.append(
            f"postcode: got {type(postcode).__name__}, expected None or a pandas Series; "
            "pass a DataFrame column such as df['postcode']"
        )
    elif (
        isinstance(street, pd.Series)
        and isinstance(postcode, pd.Series)
        and not postcode.index.equals(street.index)
    ):
        problems.append(
            f"postcode: got a Series of length {len(postcode)} whose index differs from "
            f"street's (length {len(street)}); pass two columns of the same DataFrame, or "
            "align it first with postcode.reindex(street.index)"
        )
    if problems:
        raise ConfigError(problems)


def standardise_address(street: pd.Series, postcode: pd.Series | None = None) -> pd.DataFrame:
    """Split street lines into house number, street and unit, with building and dwelling keys.

    English lines put the house number first, with the flat before or after
    ("Flat 3, 12 Acacia Rd", "12 Acacia Road, Flat 3", "Apt 4B 12 Acacia
    Road", "12 Acacia Road #4b", "3/12 Acacia Road"). Spanish lines put the
    street type first and the number after the name, followed by the floor
    and door ("C/ Mayor 5, 3º 2ª", "Calle Mayor 5 piso 3 puerta 2", "Avda. de
    la Paz 7, esc B 2º 1ª", "Calle Mayor 5 bajo izq"). A line with neither
    form keeps its text as the street, with no house number.

    Abbreviations are spelt out in full. In English streets "Rd" is "road",
    "St" is "street" but "saint" as the first word, and "N", "S", "E", "W"
    after the first word are compass points. A street that starts with a
    Spanish type is Spanish: "Avda" is "avenida", "C/" is "calle", and
    "Dr." later in the name is "doctor". The work runs once per distinct line.

    Parameters
    ----------
    street : pandas.Series
        Street lines as written: free text, nulls allowed, any index. Numbers
        are written as text.
    postcode : pandas.Series, optional
        Postcodes, with the same index as ``street``.

    Returns
    -------
    pandas.DataFrame
        ``street``'s index and the columns ``house_number``, ``street``,
        ``unit``, ``postcode``, ``building_key`` and ``address_key``, all of
        dtype ``"str"`` with ``NaN`` where unknown. ``building_key`` is
        ``house_number|street|postcode`` when the house number and street are
        known (the postcode part is empty without a postcode);
        ``address_key`` is ``building_key|unit`` (the unit part is empty
        without a unit).

    Raises
    ------
    ConfigError
        If ``street`` is not a Series, or ``postcode`` is neither None nor a
        Series with the same index as ``street``.

    Examples
    --------
    >>> import pandas as pd
    >>> lines = pd.Series(["Flat 3, 12 Acacia Rd", "12 ACACIA ROAD.", "3/12 Acacia Road",
    ...                    "28 St John's St", "C/ Mayor 5, 3º 2ª", None])
    >>> codes = pd.Series(["ls6 2qt", "LS6 2QT", "LS62QT", None, "28013", None])
    >>> out = standardise_address(lines, codes)
    >>> out[["house_number", "street", "unit", "postcode"]]
      house_number              street unit postcode
    0           12         acacia road    3   LS62QT
    1           12         acacia road  NaN   LS62QT
    2           12         acacia road    3   LS62QT
    3           28  saint johns street  NaN      NaN
    4            5         calle mayor  3 2    28013
    5          NaN                 NaN  NaN      NaN
    >>> out["address_key"].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['12|acacia road|LS62QT|3', '12|acacia road|LS62QT|', '12|acacia road|LS62QT|3',
     '28|saint johns street||', '5|calle mayor|28013|3 2', nan]
    """
    _check(street, postcode)
    text = as_str(street)
    codes, uniques = pd.factorize(text)
    parts = _parse(pd.Series(uniques, dtype=text.dtype))
    # the keys are built per distinct line as far as they can be: the postcode comes per row
    parts["building_key"] = parts["house_number"] + "|" + parts["street"] + "|"
    parts["address_key"] = "|" + parts["unit"].fillna("")
    columns = {name: take(values.array, codes, text) for name, values in parts.items()}
    if postcode is None:
        columns["postcode"] = pd.Series(np.nan, index=text.index, dtype=text.dtype)
    else:
        columns["postcode"] = via_distinct(as_str(postcode), _compact_postcode)
    columns["building_key"] = columns["building_key"] + columns["postcode"].fillna("")
    columns["address_key"] = columns["building_key"] + columns["address_key"]
    return pd.DataFrame({name: columns[name].array for name in _COLUMNS}, index=street.index)


def reconcile_streets(address: pd.DataFrame, *, min_similarity: float = 0.9) -> pd.DataFrame:
    """``standardise_address``'s output with each street spelt one way per postcode and
    house number, and the keys rebuilt.

    Records of one building spell its street in more ways than abbreviations cover
    ("alexandra road", "alexanra road"). At one postcode and house number, spellings at
    least ``min_similarity`` alike (Jaro–Winkler) are one street, written as most rows
    write it (the first alphabetically on a tie). Other house numbers and postcodes are
    left alone, so the same typo on another building is not changed; so are buildings
    where any row names a flat, since there one spelling would tie the people whose flat
    is not known to every flat of the block.

    Examples
    --------
    >>> lines = pd.Series(["76 Alexandra Road", "76 Alexanra Rd", "76 Alexandra Rd",
    ...                    "9 Alexanra Rd", "76 Alexandra Road"])
    >>> codes = pd.Series(["SA1 1DA", "SA1 1DA", "SA1 1DA", "SA1 1DA", "CF10 1AA"])
    >>> reconcile_streets(standardise_address(lines, codes))["building_key"].tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    ['76|alexandra road|SA11DA', '76|alexandra road|SA11DA', '76|alexandra road|SA11DA',
     '9|alexanra road|SA11DA', '76|alexandra road|CF101AA']
    """
    place = ["postcode", "house_number"]
    rows = address[[*place, "street"]].notna().all(axis=1).to_numpy()
    known = address.loc[rows, [*place, "street"]]
    flats = address.loc[rows, "unit"].notna().groupby(
        [known[c].to_numpy() for c in place]).transform("any")
    known = known[~flats.to_numpy(dtype=bool)]
    spellings = known.value_counts(sort=False).rename("rows").reset_index()
    left, right = within_group_pairs(pd.MultiIndex.from_frame(spellings[place]).factorize()[0])
    if not left.size:
        return address
    streets = spellings["street"].to_numpy(dtype=object)
    alike = cpdist(streets[left], streets[right], scorer=JaroWinkler.normalized_similarity,
                   workers=-1) >= min_similarity
    spellings["street_as"] = spellings.assign(
        one=component_of_each_node(left[alike], right[alike], len(spellings))).sort_values(
        ["one", "rows", "street"], ascending=[True, False, True]).groupby("one")[
        "street"].transform("first")
    rewritten = spellings[spellings["street"] != spellings["street_as"]]
    if rewritten.empty:
        return address
    where = pd.MultiIndex.from_frame(rewritten[[*place, "street"]]).get_indexer(
        pd.MultiIndex.from_frame(address[[*place, "street"]]))
    out = address.copy()
    hit = where >= 0
    out.loc[hit, "street"] = rewritten["street_as"].to_numpy()[where[hit]]
    out.loc[hit, "building_key"] = (out.loc[hit, "house_number"] + "|" + out.loc[hit, "street"]
                                    + "|" + out.loc[hit, "postcode"])
    out.loc[hit, "address_key"] = (out.loc[hit, "building_key"] + "|"
                                   + out.loc[hit, "unit"].fillna(""))
    return out


def complete_postcodes(address: pd.DataFrame, town: pd.Series) -> pd.DataFrame:
    """``standardise_address``'s output with a missing postcode filled in from the rows at
    the same house number, street and town, when they all give one postcode, and the keys
    rebuilt.

    A record that leaves the postcode out ("12 Acacia Road, Leeds") is at the building the
    others at that street address in that town name by postcode, unless they name several
    (one street name in two districts of a town): then it is left alone. With the postcode
    filled in, the record is in its building: it is one dwelling with the other flats' or
    the house's records, and not with a different flat of the block.

    Parameters
    ----------
    address : pandas.DataFrame
        ``standardise_address``'s output.
    town : pandas.Series
        Each row's town, compared as given (clean it first); same length as ``address``.

    Examples
    --------
    >>> lines = pd.Series(["12 Acacia Rd", "12 Acacia Road", "12 Acacia Road", "7 Elm St",
    ...                    "7 Elm St", "7 Elm St"])
    >>> codes = pd.Series(["LS6 2QT", None, None, "LS1 1AA", "LS2 2BB", None])
    >>> towns = pd.Series(["leeds", "leeds", "york", "leeds", "leeds", "leeds"])
    >>> complete_postcodes(standardise_address(lines, codes), towns)["postcode"].tolist()
    ['LS62QT', 'LS62QT', nan, 'LS11AA', 'LS22BB', nan]
    """
    place = pd.DataFrame({"house_number": address["house_number"].to_numpy(dtype=object),
                          "street": address["street"].to_numpy(dtype=object),
                          "town": np.asarray(town, dtype=object)})
    located = place.notna().all(axis=1).to_numpy()
    missing = located & address["postcode"].isna().to_numpy()
    if not missing.any():
        return address
    given = place[located & ~missing].assign(postcode=address["postcode"].to_numpy(
        dtype=object)[located & ~missing])
    postcodes = given.groupby(["house_number", "street", "town"])["postcode"].agg(
        ["nunique", "first"])
    sole = postcodes.loc[postcodes["nunique"] == 1, "first"]
    found = sole.reindex(pd.MultiIndex.from_frame(place[missing])).to_numpy(dtype=object)
    rows = np.flatnonzero(missing)[pd.notna(found)]
    if not rows.size:
        return address
    filled = address.iloc[rows].assign(postcode=found[pd.notna(found)])
    filled["building_key"] = (filled["house_number"] + "|" + filled["street"] + "|"
                              + filled["postcode"])
    filled["address_key"] = filled["building_key"] + "|" + filled["unit"].fillna("")
    out = address.copy()
    for column in ("postcode", "building_key", "address_key"):  # by position: any index
        out.iloc[rows, out.columns.get_loc(column)] = filled[column].to_numpy()
    return out


def _compact_postcode(postcode: pd.Series) -> pd.Series:
    """Upper case without whitespace: "ls6 2qt" -> "LS62QT"."""
    return upper(remove_spaces(postcode))
