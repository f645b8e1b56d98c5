"""Pinned values: an attribute's golden value chosen by a person, winning over every rule.

A pins table has one row per pinned value: ``attribute``, ``value``, and what it is for —
``entity_id`` (that entity), or ``unique_id`` (plus ``source`` when ids repeat across
sources) for whichever entity holds that record, so the pin follows the record when
entity ids change — with optional ``by``, ``at`` and ``reason``. The golden value is the
pinned value, whatever the rules would choose; its provenance rule reads
``"pinned by <by>: <reason>"``.

Two pins of one entity and attribute with different values (two records pinned apart that
now sit in one entity) are settled by ``at``: the latest wins. Without times to tell them
apart they are an error naming both. For a coherent group (an address), a pin of some of
its parts takes the other parts from a record of the entity that holds the pinned ones
(the group's rule choosing among those), and a pin no record holds must give every part.

Examples
--------
>>> import pandas as pd
>>> pins = pd.DataFrame({"unique_id": ["crm:1"], "attribute": ["email"],
...                      "value": ["ann@new.org"], "by": ["ana"], "reason": ["phoned"]})
>>> checked_pins(pins)[["unique_id", "attribute", "value", "by"]].values.tolist()
[['crm:1', 'email', 'ann@new.org', 'ana']]
>>> pin_rule("ana", "phoned"), pin_rule(None, None)
('pinned by ana: phoned', 'pinned')
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from golden.errors import ConfigError, DataWarning, SchemaError
from golden.survivorship.candidates import Context, folded_codes
from golden.survivorship.plan import SurvivorshipPlan, Target
from golden.survivorship.rules import AllValues
from golden.values import as_str

BOOLEAN_TEXT = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
PIN_COLUMNS = ("entity_id", "unique_id", "source", "attribute", "value", "by", "at", "reason")
PLACED_COLUMNS = ["entity_id", "attribute", "value", "unique_id", "source", "rule"]


def load_pins(path: str | Path) -> pd.DataFrame:
    """Read pinned values from CSV or Parquet and check them (see ``checked_pins``).

    A CSV file is read as text, as written: a postcode ``01234`` keeps its zero, and only
    an empty cell is missing. Values are converted to each attribute's type when the
    golden records are built; attributes are checked against the builder's there too.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pins.csv"
    >>> _ = path.write_text("entity_id,attribute,value,by,reason\\n"
    ...                     "7,postcode,01234,ana,moved\\n")
    >>> load_pins(path)[["entity_id", "attribute", "value"]].values.tolist()
    [['7', 'postcode', '01234']]
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        frame = pd.read_parquet(path)
    elif suffix in (".csv", ".txt"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    else:
        raise ConfigError(f"pins: {path.name!r} is neither CSV nor Parquet; save the pins as "
                          ".csv or .parquet")
    return checked_pins(frame, source=f"pins ({path.name})")


def checked_pins(pins: pd.DataFrame, *, source: str = "pins") -> pd.DataFrame:
    """The pins with every column of ``PIN_COLUMNS`` (absent ones null) and ``at`` read as
    UTC times; a ``SchemaError`` or ``ConfigError`` naming the column and rows otherwise.

    Each row gives ``attribute``, ``value`` and exactly one of ``entity_id`` and
    ``unique_id``; ``source``, ``by``, ``at`` and ``reason`` are optional. Rows are
    numbered from 0 in messages. Other columns are ignored.
    """
    if not isinstance(pins, pd.DataFrame):
        raise ConfigError(f"{source}: got {type(pins).__name__}, expected a DataFrame "
                          "(attribute, value, and entity_id or unique_id)")
    missing = [c for c in ("attribute", "value") if c not in pins.columns]
    if "entity_id" not in pins.columns and "unique_id" not in pins.columns:
        missing.append("entity_id or unique_id")
    if missing:
        raise SchemaError(f"{source}: columns {missing} are missing (columns present: "
                          f"{list(pins.columns)}); a pin names an attribute, its value, and "
                          "the entity (entity_id) or a record of it (unique_id)")
    n = len(pins)
    out = pd.DataFrame({c: pd.Series(pins[c].to_numpy(dtype=object) if c in pins.columns
                                      else np.full(n, None, dtype=object), dtype=object)
                        for c in PIN_COLUMNS})
    out["value"] = out["value"].map(_listed)
    problems = []
    by_entity, by_record = out["entity_id"].notna(), out["unique_id"].notna()
    for rows, said in ((by_entity & by_record, "give both an entity_id and a unique_id; a pin "
                        "is for an entity or for the entity holding a record, not both"),
                       (~by_entity & ~by_record, "give neither an entity_id nor a unique_id; "
                        "say which entity (or which record's entity) the value is for")):
        if rows.any():
            problems.append(f"{source}: rows {_rows(rows)} {said}")
    bad_attribute = ~out["attribute"].map(lambda a: isinstance(a, str) and a.strip() != "")
    if bad_attribute.any():
        problems.append(f"{source}: rows {_rows(bad_attribute)} have no attribute name")
    no_value = out["value"].map(_missing)
    if no_value.any():
        problems.append(f"{source}: rows {_rows(no_value)} have no value; a pin gives the "
                        "value to keep (to stop pinning an attribute, remove its row)")
    out["at"], bad_at = _times(out["at"])
    if bad_at.any():
        shown = pins["at"][bad_at.to_numpy()].head(3).tolist()
        problems.append(f"{source}: column 'at' holds {shown} (rows {_rows(bad_at)}), which "
                        "are not dates or times; write them as ISO times, e.g. "
                        "2025-06-01T09:30:00Z")
    if problems:
        raise ConfigError(problems)
    for column in ("by", "reason"):
        out[column] = out[column].map(lambda v: None if _missing(v) else str(v))
    return out


def pin_rule(by: object, reason: object) -> str:
    """The provenance rule of a pinned value: ``"pinned by <by>: <reason>"`` (either part
    left out when not given)."""
    text = "pinned" if _missing(by) else f"pinned by {by}"
    return text if _missing(reason) else f"{text}: {reason}"


def place_pins(pins: pd.DataFrame, targets: Sequence[Target], *, records: pd.DataFrame,
               entity_ids: pd.Index, with_source: bool) -> pd.DataFrame:
    """The pins (``checked_pins`` output) with the entity each is for, one per entity and
    attribute, columns ``PLACED_COLUMNS`` (``unique_id``/``source``: the record a pin was
    given through, null for an entity's pin).

    ``records`` holds at least the pinned records: ``unique_id``, ``source`` (when
    ``with_source``) and ``entity_id``; ``entity_ids`` at least the pinned entities that
    exist. Unknown attributes are a ``ConfigError`` listing the builder's; unknown entities
    and records a ``SchemaError`` naming them; conflicting pins are settled by ``at`` or
    refused naming both.
    """
    _refuse_unknown_attributes(pins, targets)
    placed = pins.copy()
    placed["entity_id"] = placed["entity_id"].astype(object)
    problems: list[str] = []
    by_entity = placed["entity_id"].notna().to_numpy()
    if by_entity.any():
        wanted = _aligned(placed.loc[by_entity, "entity_id"], entity_ids)
        known = wanted.isin(entity_ids).to_numpy()
        placed.loc[by_entity, "entity_id"] = wanted.to_numpy(dtype=object)
        for value in pd.unique(wanted[~known]):
            problems.append(f"pins: entity_id {_plain(value)!r} is not among the entities; "
                            "entity ids change when entities merge or split: pin through one "
                            "of its records (unique_id) so the pin follows the record")
    ambiguous: list[str] = []
    if (~by_entity).any():
        unknown, ambiguous = _place_by_record(placed, ~by_entity, records, with_source)
        problems += unknown
    if ambiguous:
        raise ConfigError(ambiguous + problems)
    if problems:
        raise SchemaError(problems)
    placed["source"] = placed["source"].where(~by_entity, None) if with_source else None
    placed["unique_id"] = placed["unique_id"].where(~by_entity, None)
    placed["unit"] = placed["attribute"].map(
        {c: t.name for t in targets for c in t.columns})
    placed = _settled(placed)
    placed["rule"] = [pin_rule(b, r) for b, r in zip(placed["by"], placed["reason"],
                                                     strict=True)]
    return placed[PLACED_COLUMNS].reset_index(drop=True)


def _refuse_unknown_attributes(pins: pd.DataFrame, targets: Sequence[Target]) -> None:
    members = [c for t in targets for c in t.columns]
    groups = {t.name: t.columns for t in targets if t.is_group}
    problems = []
    for name in pd.unique(pins["attribute"]):
        if name in members:
            continue
        if name in groups:
            problems.append(f"pins: {name!r} is a group; pin its parts "
                            f"({', '.join(groups[name])}), one row each")
        else:
            problems.append(f"pins: {name!r} is not an attribute of the golden records; the "
                            f"builder's attributes: {members}")
    if problems:
        raise ConfigError(problems)


def _place_by_record(placed: pd.DataFrame, mask: np.ndarray, records: pd.DataFrame,
                     with_source: bool) -> tuple[list[str], list[str]]:
    """Give the pins selected by ``mask`` (pins through a record) their record's entity;
    the records they name that are unknown, and those that are ambiguous."""
    pins = placed[mask]
    ids = _aligned(pins["unique_id"], records["unique_id"])
    placed.loc[mask, "unique_id"] = ids.to_numpy(dtype=object)
    wanted = pd.DataFrame({"position": pins.index, "unique_id": ids.to_numpy(dtype=object),
                           "given_source": pins["source"].to_numpy(dtype=object)})
    columns = ["unique_id", "entity_id", *(["source"] if with_source else [])]
    found = records[columns].astype({"unique_id": object})
    found = found[found["unique_id"].isin(wanted["unique_id"])]
    matches = wanted.merge(found, on="unique_id", how="inner")
    if with_source:
        given = matches["given_source"].map(lambda v: not _missing(v))
        matches = matches[~given | (matches["source"].astype(str)
                                    == matches["given_source"].astype(str))]
    counts = matches.groupby("position").size().reindex(pins.index, fill_value=0)
    unknown, ambiguous = [], []
    for position in counts.index[counts != 1]:
        uid, source = placed.at[position, "unique_id"], pins.at[position, "source"]
        shown = f"{source}/{uid}" if with_source and not _missing(source) else f"{uid}"
        if counts[position] == 0:
            unknown.append(f"pins: record {shown!r} (unique_id) is not among the records")
        else:
            sources = matches.loc[matches["position"] == position, "source"]
            ambiguous.append(f"pins: record {shown!r} is in several sources "
                             f"({', '.join(map(str, sources))}); give its source (a "
                             "'source' column in the pins)")
    single = matches[matches["position"].map(counts) == 1].set_index("position")
    placed.loc[single.index, "entity_id"] = single["entity_id"].to_numpy(dtype=object)
    if with_source:
        placed.loc[single.index, "source"] = single["source"].to_numpy(dtype=object)
    return unknown, ambiguous


def _settled(placed: pd.DataFrame) -> pd.DataFrame:
    """One pin per entity and attribute: where pins of one entity disagree on an attribute
    (or, for a group, on any of its parts), the latest by ``at`` (with every part it gives)
    wins; without times to tell them apart, a ``ConfigError`` naming both."""
    placed = placed.assign(fold=folded_codes(placed["value"].map(
        lambda v: tuple(v) if isinstance(v, list) else v).astype(object)))
    placed["key"] = placed["entity_id"].map(repr)  # entity ids of any type, as group keys
    distinct = placed.groupby(["key", "attribute"])["fold"].transform("nunique")
    conflicted = (distinct > 1).groupby([placed["key"], placed["unit"]]).transform("any")
    dropped: list[Any] = []
    problems = []
    for _, rows in placed[conflicted].groupby(["key", "unit"], sort=False):
        latest = rows[rows["at"] == rows["at"].max()] if rows["at"].notna().all() else rows
        values = latest.groupby("attribute")["fold"].nunique()
        if (values > 1).any():
            attribute = values.index[values > 1][0]
            first, second = _two_values(latest[latest["attribute"] == attribute])
            problems.append(
                f"pins conflict: entity {_plain(first['entity_id'])!r} has {attribute!r} pinned to "
                f"{_described(first)} and to {_described(second)}; give the pins 'at' times "
                "(the latest wins) or remove one")
            continue
        dropped += rows.index.difference(latest.index).tolist()
        anchors = {_anchor(row) for _, row in rows.iterrows()}
        if len(anchors) > 1:
            old = rows.loc[rows.index.difference(latest.index)].iloc[0]
            warnings.warn(f"pins: entity {_plain(old['entity_id'])!r} holds pins that disagree on "
                          f"{old['unit']!r}; the latest, {_described(latest.iloc[0])}, wins "
                          f"over {_described(old)}", DataWarning, stacklevel=6)
    if problems:
        raise ConfigError(problems)
    kept = placed.drop(index=dropped)
    kept = kept.sort_values("at", ascending=False, na_position="last", kind="stable")
    return kept.drop_duplicates(["key", "attribute"]).sort_index()


def _two_values(rows: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    first = rows.iloc[0]
    return first, rows[rows["fold"] != first["fold"]].iloc[0]


def _anchor(row: pd.Series) -> tuple[str, str]:
    if _missing(row["unique_id"]):
        return ("entity", repr(row["entity_id"]))
    return ("record", f"{row['source']}/{row['unique_id']}")


def _described(row: pd.Series) -> str:
    """A pin in words: ``'a@x.org' (by ana at 2025-01-01T00:00:00+00:00, through record 'c1')``."""
    through = (f"for entity {_plain(row['entity_id'])!r}" if _missing(row["unique_id"])
               else f"through record {_plain(row['unique_id'])!r}")
    who = " ".join(([f"by {row['by']}"] if not _missing(row["by"]) else [])
                   + ([f"at {row['at'].isoformat()}"] if not _missing(row["at"]) else []))
    return f"{_plain(row['value'])!r} ({', '.join(p for p in (who, through) if p)})"


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value (so messages show ``7``, not ``np.int64(7)``)."""
    return value.item() if isinstance(value, np.generic) else value


def _aligned(values: pd.Series, like: pd.Series | pd.Index) -> pd.Series:
    """Ids read as text (from CSV) as numbers where the ids they name are numbers, and
    numbers as text where those are text; values that do not convert stay as given."""
    if len(like) == 0:
        return values
    if pd.api.types.is_numeric_dtype(like.dtype) and not pd.api.types.is_bool_dtype(like.dtype):
        numbers = pd.to_numeric(values, errors="coerce")
        whole = numbers.notna() & (numbers == numbers.round())
        out = values.astype(object).copy()
        out[whole] = numbers[whole].astype("int64" if pd.api.types.is_integer_dtype(like.dtype)
                                           else "float64").to_numpy(dtype=object)
        return out
    if isinstance(like.dtype, pd.StringDtype) or like.dtype == object:
        return values.map(lambda v: v if isinstance(v, str) or _missing(v) else str(v))
    return values


def _listed(value: object) -> object:
    """A sequence (a Parquet list arrives as an array) as a list; other values unchanged."""
    if isinstance(value, np.ndarray | tuple):
        return list(value)
    return value


def _missing(value: object) -> bool:
    if isinstance(value, list):
        return len(value) == 0 or all(_missing(v) for v in value)
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _times(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``at`` as UTC times (NaT where not given) and where a given one is unreadable."""
    given = values.map(lambda v: not _missing(v))
    times = pd.to_datetime(values.where(given, None), errors="coerce", utc=True, format="mixed")
    return times, given & times.isna()


def _rows(mask: pd.Series) -> list[int]:
    return [int(i) for i in np.flatnonzero(mask.to_numpy(dtype=bool))[:5]]


# Pins in the build: entity codes, the attributes' types, coherent groups ----------------


@dataclass(frozen=True)
class TargetPins:
    """The pins of one target's attributes, as entity codes (``place_pins`` output)."""

    column: np.ndarray  # the attribute of each pin
    code: np.ndarray  # its entity's code
    value: np.ndarray  # the value, in the attribute's type (a list for all_values)
    row: np.ndarray  # the record it was pinned through, -1 for an entity's pin
    rule: np.ndarray  # "pinned by <by>: <reason>"
    usable: np.ndarray | None  # a group's candidate records, where some parts are pinned
    agreeing: np.ndarray  # per entity: some parts pinned, the rest from a record holding them


def pins_of_targets(plan: SurvivorshipPlan, context: Context, targets: list[Target],
                     placed: pd.DataFrame) -> dict[str, TargetPins]:
    """The placed pins of each target whose entities are here, in the attributes' types; a
    ``ConfigError`` for every value that does not convert and every group pin that cannot
    be honoured."""
    codes = context.entity_ids.get_indexer(pd.Index(placed["entity_id"].to_numpy(dtype=object)))
    here = placed[codes >= 0].assign(code=codes[codes >= 0])
    rows = _anchor_rows(plan, context, here)
    out = {}
    problems: list[str] = []
    for target in targets:
        mine = here["attribute"].isin(target.columns).to_numpy()
        if not mine.any():
            continue
        pins = here[mine]
        value = np.empty(len(pins), dtype=object)
        for column in target.columns:
            of_column = (pins["attribute"] == column).to_numpy()
            if of_column.any():
                value[of_column], said = _cast_like(pins["value"][of_column], pins[of_column],
                                                    context.records[column],
                                                    isinstance(target.rule, AllValues))
                problems += said
        target_pins = TargetPins(
            column=pins["attribute"].to_numpy(dtype=object), code=pins["code"].to_numpy(),
            value=value, row=rows[mine], rule=pins["rule"].to_numpy(dtype=object),
            usable=None, agreeing=np.zeros(len(context.entity_ids), dtype=bool))
        if target.is_group:
            target_pins, said = _group_pins(context, target, target_pins)
            problems += said
        out[target.name] = target_pins
    if problems:
        raise ConfigError(problems)
    return out


def _anchor_rows(plan: SurvivorshipPlan, context: Context, pins: pd.DataFrame) -> np.ndarray:
    """The row of the record each pin was pinned through (-1 for an entity's pin)."""
    rows = np.full(len(pins), -1, dtype=np.int64)
    through = pins["unique_id"].notna().to_numpy()
    if not through.any():
        return rows
    keys = [plan.unique_id, *([plan.source] if plan.source else [])]
    index = pd.MultiIndex.from_frame(context.records[keys].astype(object))
    wanted = pd.MultiIndex.from_frame(
        pins.loc[through, ["unique_id", *(["source"] if plan.source else [])]].astype(object))
    rows[through] = index.get_indexer(wanted)
    return rows


def _cast_like(values: pd.Series, pins: pd.DataFrame, column: pd.Series, as_list: bool
               ) -> tuple[np.ndarray, list[str]]:
    """Pinned values in the type of the records' ``column`` (each element a list of them
    for an ``all_values`` attribute); the problems with those that do not convert."""
    listed = [v if isinstance(v, list) else [v] for v in values] if as_list \
        else [[v] for v in values]
    flat = pd.Series([v for vs in listed for v in vs], dtype=object)
    cast, bad = _converted(flat, column)
    problems = []
    if bad.any():
        kind = ("true or false" if pd.api.types.is_bool_dtype(column.dtype)
                else "numbers" if pd.api.types.is_numeric_dtype(column.dtype)
                else "dates or times")
        shown = flat[bad].drop_duplicates().head(3).tolist()
        problems.append(f"pins: {column.name!r} holds {kind}, but it is pinned to {shown}, "
                        f"which cannot be read as such (entities "
                        f"{pins['entity_id'].head(3).tolist()})")
    out = np.empty(len(listed), dtype=object)
    start = 0
    for i, vs in enumerate(listed):
        out[i] = list(cast[start:start + len(vs)]) if as_list else cast[start]
        start += len(vs)
    return out, problems


def _converted(values: pd.Series, column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``values`` converted to ``column``'s type (as Python objects), and which could not be."""
    dtype = column.dtype
    if isinstance(values.iloc[0] if len(values) else None, list):
        return values.to_numpy(dtype=object), np.zeros(len(values), dtype=bool)
    if pd.api.types.is_bool_dtype(dtype):
        read = values.map(lambda v: v if isinstance(v, bool | np.bool_) else
                          BOOLEAN_TEXT.get(str(v).strip().lower()))
        return read.to_numpy(dtype=object), read.isna().to_numpy()
    if pd.api.types.is_numeric_dtype(dtype):
        numbers = pd.to_numeric(values, errors="coerce")
        bad = numbers.isna().to_numpy().copy()
        if pd.api.types.is_integer_dtype(dtype):
            bad |= ~(numbers == numbers.round()).to_numpy()
            cast = [int(v) if not b else None for v, b in zip(numbers, bad, strict=True)]
            return np.array(cast, dtype=object), bad
        return numbers.to_numpy(dtype=object), bad
    if pd.api.types.is_datetime64_any_dtype(dtype):
        tz = getattr(dtype, "tz", None)
        times = pd.to_datetime(values, errors="coerce", utc=True, format="mixed")
        times = times.dt.tz_convert(tz) if tz is not None else times.dt.tz_localize(None)
        return times.to_numpy(dtype=object), times.isna().to_numpy()
    present = column.dropna()
    if isinstance(dtype, pd.StringDtype) or (
            len(present) and present.map(lambda v: isinstance(v, str)).all()):
        return as_str(values).to_numpy(dtype=object), np.zeros(len(values), dtype=bool)
    return values.to_numpy(dtype=object), np.zeros(len(values), dtype=bool)


def _group_pins(context: Context, target: Target, pins: TargetPins
                ) -> tuple[TargetPins, list[str]]:
    """A group's pins with the records a partly pinned entity may take the other parts from:
    those holding every pinned part (usable, compared ignoring case, accents and spaces).
    An entity where no record does is a problem: its group would be a mix."""
    n_entities = len(context.entity_ids)
    usable = np.logical_or.reduce([context.usable[c] for c in target.columns])
    parts = np.bincount(pins.code, minlength=n_entities)
    partial = (parts > 0) & (parts < len(target.columns))
    if not partial.any():
        return pins, []
    in_partial = partial[context.entity]
    agree = in_partial.copy()
    for column in target.columns:
        mine = np.flatnonzero((pins.column == column) & partial[pins.code])
        if not mine.size:
            continue
        pin_of = np.full(n_entities, -1, dtype=np.int64)
        pin_of[pins.code[mine]] = mine
        rows = np.flatnonzero(in_partial & (pin_of[context.entity] >= 0))
        same = _same_folded(context.records[column].iloc[rows],
                            pins.value[pin_of[context.entity[rows]]])
        agree[rows[~(same & context.usable[column][rows])]] = False
    held = np.bincount(context.entity[agree], minlength=n_entities) > 0
    problems = []
    lost = np.flatnonzero(partial & ~held)
    for code in lost[:5]:
        given = {str(c): v for c, v, e in zip(pins.column, pins.value, pins.code, strict=True)
                 if e == code}
        rest = [c for c in target.columns if c not in given]
        problems.append(
            f"pins: entity {_plain(context.entity_ids[code])!r} has {given} pinned in group "
            f"{target.name!r}, but no usable record of it holds that, so {rest} cannot come "
            f"from the same record; pin every part of {target.name!r} "
            f"({', '.join(target.columns)}), or pin what one of its records holds")
    if lost.size > 5:
        problems.append(f"pins: {lost.size - 5} more entities like these in group "
                        f"{target.name!r}")
    restricted = usable & (~in_partial | agree)
    return replace(pins, usable=restricted, agreeing=partial), problems


def _same_folded(values: pd.Series, pinned: np.ndarray) -> np.ndarray:
    """Whether each value equals the pinned value beside it, ignoring case, accents and
    whitespace (numbers and dates by value)."""
    values = values.reset_index(drop=True)
    try:
        other = pd.Series(list(pinned), dtype=values.dtype)
    except (TypeError, ValueError):
        values, other = values.astype(object), pd.Series(list(pinned), dtype=object)
    codes = folded_codes(pd.concat([values, other], ignore_index=True))
    mine, theirs = codes[:len(values)], codes[len(values):]
    return (mine >= 0) & (mine == theirs)


def pin_support(context: Context, column: str, entity: np.ndarray, values: np.ndarray
                 ) -> np.ndarray:
    """How many usable records of each pinned entity hold its pinned value."""
    rows = np.flatnonzero(context.usable[column] & np.isin(context.entity, entity))
    pairs = pd.DataFrame({"code": entity, "pin": np.arange(entity.size)}).merge(
        pd.DataFrame({"code": context.entity[rows], "row": rows}), on="code")
    same = _same_folded(context.records[column].iloc[pairs["row"].to_numpy()],
                        values[pairs["pin"].to_numpy()])
    return np.bincount(pairs["pin"].to_numpy()[same], minlength=entity.size)
