"""Pinned values in the resolver, from the user's side: a pin holds on every later add (also
after a merge, where the surviving entity keeps the pins that agree, and the latest of two
that disagree wins, reported as an event), unpin gives the rules back, pins survive
reopening, go with a forgotten record, are listed, and bad input changes nothing."""

from __future__ import annotations

import json
import sqlite3
import warnings
from pathlib import Path

import pandas as pd
import pytest

import golden as gd
from golden.datasets import make_people
from golden.demo import BLOCKING, COMPARISONS, GOLDEN, TRAINING


@pytest.fixture(scope="module")
def linker() -> gd.Linker:
    people = make_people(2_000, random_state=11).drop(columns=["person_id", "household_id"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gd.Linker(COMPARISONS, BLOCKING, training_blocking=TRAINING,
                         random_state=0).fit(people)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "customers.db"


def person(uid: str, first: str, surname: str, dob: str, **extra: object) -> dict:
    return {"unique_id": uid, "source": "crm", "first_name": first, "surname": surname,
            "dob": dob, "email": None, "phone": None, "street": None, "city": None,
            "postcode": None, "updated_at": "2024-01-01", **extra}


def ann(uid: str, **extra: object) -> dict:
    return person(uid, "Ann", "Lee", "1970-01-01", customer_no="C1", **extra)


def bob(uid: str, **extra: object) -> dict:
    return person(uid, "Bob", "Ray", "1981-05-05", customer_no="C2", **extra)


BRIDGE = person("x", "Zed", "Quill", "1999-09-09", customer_no=["C1", "C2"])


def rule(resolver: gd.Resolver, entity: int, attribute: str) -> str:
    why = resolver.provenance(entity)
    (found,) = why.loc[why["attribute"] == attribute, "rule"]
    return str(found)


def stored(path: Path) -> dict[str, list]:
    """Every table of a store, row by row (to see that nothing changed)."""
    with sqlite3.connect(path) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = "
                                           "'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in tables}


def test_a_pin_holds_after_later_adds(linker: gd.Linker, store: Path) -> None:
    with gd.Resolver(store, linker, identifiers=["customer_no"]) as resolver:
        first = resolver.add([ann("a1"), ann("a2")])
        entity = int(first.records["entity_id"].iloc[0])
        assert resolver.golden(entity)["surname"] == "Lee"
        (pin_id,) = resolver.pin(entity, "surname", "Lee-Smith", reason="married (phoned)",
                              by="ana")
        assert resolver.golden(entity)["surname"] == "Lee-Smith"
        assert rule(resolver, entity, "surname") == "pinned by ana: married (phoned)"

        # more records of Ann, then a new version of the record the pin is held through
        resolver.add([ann("a3"), ann("a4", email="ann@lee.org")])
        later = resolver.add(ann("a1", updated_at="2025-06-01"))
        assert later.records["action"].tolist() == ["updated"]
        assert resolver.golden(entity)["surname"] == "Lee-Smith"
        assert resolver.golden(entity)["email"] == "ann@lee.org"  # the rules go on elsewhere
        assert resolver.pins()[["pin_id", "entity_id", "unique_id"]].values.tolist() == [
            [pin_id, entity, "a1"]]  # held through the entity's oldest record
        events = set(resolver.history(entity)["event"])
        assert "value pinned" in events
        assert resolver.check().ok


def test_pinning_again_replaces_the_entitys_pin(linker: gd.Linker, store: Path) -> None:
    with gd.Resolver(store, linker, identifiers=["customer_no"]) as resolver:
        entity = int(resolver.add([ann("a1"), ann("a2")]).records["entity_id"].iloc[0])
        resolver.pin(entity, "surname", "Lee-Smith", reason="married", by="ana")
        (second,) = resolver.pin(entity, "surname", "Smith", reason="checked again", by="bo")
        assert resolver.pins()["pin_id"].tolist() == [second]
        assert resolver.golden(entity)["surname"] == "Smith"


def test_a_pin_holds_after_a_merge_and_the_survivor_keeps_both_entities_pins(
        linker: gd.Linker, store: Path) -> None:
    with gd.Resolver(store, linker, identifiers=["customer_no"]) as resolver:
        old = int(resolver.add([ann("a1"), ann("a2")]).records["entity_id"].iloc[0])
        newer = int(resolver.add(bob("b1")).records["entity_id"].iloc[0])
        resolver.pin(old, "surname", "Lee-Smith", reason="married", by="ana")
        resolver.pin(newer, "first_name", "Annabel", reason="passport", by="bo")

        merged = resolver.add(BRIDGE)  # one record holding both customer numbers
        assert merged.events[["event", "entity_id", "other_id"]].values.tolist() == [
            ["merged", newer, old]]
        golden = resolver.golden(old)
        assert (golden["surname"], golden["first_name"]) == ("Lee-Smith", "Annabel")
        assert set(resolver.pins()["entity_id"]) == {old}
        # a merged id is followed to the survivor
        resolver.pin(newer, "dob", "1970-01-02", reason="birth certificate", by="cy")
        assert str(resolver.golden(old)["dob"])[:10] == "1970-01-02"
        assert resolver.check().ok

        # the tie withdrawn: Bob leaves, and his pin goes with his record
        split = resolver.add(person("x", "Zed", "Quill", "1999-09-09", customer_no=None))
        assert "split" in set(split.events["event"])
        pins = resolver.pins().set_index("attribute")
        bob_now = int(pins.at["first_name", "entity_id"])
        assert bob_now != old and int(pins.at["surname", "entity_id"]) == old
        assert resolver.golden(bob_now)["first_name"] == "Annabel"
        assert resolver.golden(old)["first_name"] == "Ann"
        assert resolver.check().ok


def test_two_pins_that_disagree_after_a_merge_the_latest_wins_and_an_event_says_so(
        linker: gd.Linker, store: Path) -> None:
    with gd.Resolver(store, linker, identifiers=["customer_no"]) as resolver:
        old = int(resolver.add([ann("a1"), ann("a2")]).records["entity_id"].iloc[0])
        newer = int(resolver.add(bob("b1")).records["entity_id"].iloc[0])
        (overridden,) = resolver.pin(old, "surname", "Lee-Smith", reason="married", by="ana")
        (latest,) = resolver.pin(newer, "surname", "Ray-Jones", reason="deed poll", by="bo")
        (kept,) = resolver.pin(old, "first_name", "Annie", reason="prefers it", by="ana")

        merged = resolver.add(BRIDGE)
        rows = merged.events[["event", "entity_id", "other_id"]].values.tolist()
        assert rows == [["merged", newer, old], ["pin conflict", old, overridden]]
        golden = resolver.golden(old)
        assert (golden["surname"], golden["first_name"]) == ("Ray-Jones", "Annie")
        assert rule(resolver, old, "surname") == "pinned by bo: deed poll"
        assert sorted(resolver.pins()["pin_id"]) == sorted([latest, kept])
        history = resolver.history(old)
        (detail,) = history.loc[history["event"] == "pin overridden", "detail"]
        detail = detail if isinstance(detail, dict) else json.loads(detail)
        assert (detail["pin_id"], detail["overridden_by"]) == (overridden, latest)
        assert resolver.check().ok


def test_unpin_gives_the_value_back_to_the_rules(linker: gd.Linker, store: Path) -> None:
    with gd.Resolver(store, linker, identifiers=["customer_no"]) as resolver:
        entity = int(resolver.add([ann("a1"), ann("a2")]).records["entity_id"].iloc[0])
        before = rule(resolver, entity, "surname")
        (pin_id,) = resolver.pin(entity, "surname", "Lee-Smith", reason="married", by="ana")
        assert resolver.unpin(entity, "surname", reason="it was her sister", by="ana") == [
            pin_id]
        assert resolver.golden(entity)["surname"] == "Lee"
        assert rule(resolver, entity, "surname") == before
        assert resolver.pins().empty
        assert "value unpinned" in set(resolver.history(entity)["event"])
        with pytest.raises(gd.SchemaError, match="has no pin of 'surname'"):
            resolver.unpin(entity, "surname", reason="again", by="ana")
        assert resolver.check().ok


def test_pins_survive_closing_and_reopening(linker: gd.Linker, store: Path) -> None:
    with gd.Resolver(store, linker, identifiers=["customer_no"]) as resolver:
        entity = int(resolver.add([ann("a1"), ann("a2")]).records["entity_id"].iloc[0])
        resolver.pin(entity, "surname", "Lee-Smith", reason="married", by="ana")
        listed = resolver.pins()
    with gd.Resolver(store) as reopened:
        pd.testing.assert_frame_equal(reopened.pins(), listed)
        reopened.add(ann("a3"))
        assert reopened.golden(entity)["surname"] == "Lee-Smith"
        assert reopened.check().ok


def test_forget_removes_the_pin_and_leaves_no_trace_of_its_value(
        linker: gd.Linker, store: Path) -> None:
    with gd.Resolver(store, linker, identifiers=["customer_no"]) as resolver:
        entity = int(resolver.add([ann("a1"), ann("a2")]).records["entity_id"].iloc[0])
        resolver.pin(entity, "surname", "Zyzzyva-Quaxley", reason="married", by="ana")
        resolver.forget("a1")  # the record the pin is held through
        assert resolver.pins().empty
        assert resolver.golden(entity)["surname"] == "Lee"
        history = resolver.history(entity)
        (detail,) = history.loc[history["event"] == "record forgotten", "detail"]
        detail = detail if isinstance(detail, dict) else json.loads(detail)
        assert detail["pins_removed"] == [1]
        assert resolver.check().ok
        resolver.compact()
    content = b"".join(p.read_bytes() for p in store.parent.iterdir()
                       if p.name.startswith(store.name))
    assert b"Zyzzyva" not in content


def test_bad_input_is_refused_and_changes_nothing(linker: gd.Linker, store: Path) -> None:
    with gd.Resolver(store, linker, identifiers=["customer_no"]) as resolver:
        entity = int(resolver.add([ann("a1"), ann("a2")]).records["entity_id"].iloc[0])
        resolver.pin(entity, "surname", "Lee-Smith", reason="married", by="ana")
        before = stored(store)
        with pytest.raises(gd.SchemaError, match="entity_id 999 was never given"):
            resolver.pin(999, "surname", "X", reason="r", by="ana")
        with pytest.raises(gd.ConfigError, match=r"'surnmae' is not an attribute .*"
                                                 r"builder's attributes: \[.*'surname'"):
            resolver.pin(entity, "surnmae", "X", reason="r", by="ana")
        with pytest.raises(gd.ConfigError, match="expected text, a number, a date or a list"):
            resolver.pin(entity, "surname", {"a": object()}, reason="r", by="ana")
        with pytest.raises(gd.ConfigError) as error:
            resolver.pin("one", "surname", None, reason="", by="ana")
        assert len(error.value.problems) == 3  # entity_id, value, reason: all at once
        with pytest.raises(gd.SchemaError, match="entity_id 999 was never given"):
            resolver.unpin(999, "surname", reason="r", by="ana")
        builder, resolver._pinner.reclusterer.builder = (
            resolver._pinner.reclusterer.builder, None)
        with pytest.raises(gd.ConfigError, match=r"golden=GoldenRecordBuilder"):
            resolver.pin(entity, "surname", "X", reason="r", by="ana")
        resolver._pinner.reclusterer.builder = builder
        assert stored(store) == before
        assert resolver.golden(entity)["surname"] == "Lee-Smith"


def test_pins_lists_every_pin(linker: gd.Linker, store: Path) -> None:
    with gd.Resolver(store, linker, identifiers=["customer_no"]) as resolver:
        ann_id = int(resolver.add([ann("a1"), ann("a2")]).records["entity_id"].iloc[0])
        bob_id = int(resolver.add(bob("b1")).records["entity_id"].iloc[0])
        assert resolver.pins().columns.tolist() == [
            "pin_id", "entity_id", "unique_id", "attribute", "value", "by", "at", "reason"]
        resolver.pin(ann_id, "surname", "Lee-Smith", reason="married", by="ana")
        resolver.pin(bob_id, "email", "bob@ray.org", reason="asked", by="bo")
        pins = resolver.pins()
        assert pins.drop(columns="at").values.tolist() == [
            [1, ann_id, "a1", "surname", "Lee-Smith", "ana", "married"],
            [2, bob_id, "b1", "email", "bob@ray.org", "bo", "asked"]]
        assert str(pins["at"].dt.tz) == "UTC"


def test_a_store_of_version_3_gains_the_pins_table_when_opened(
        linker: gd.Linker, store: Path) -> None:
    with gd.Resolver(store, linker, identifiers=["customer_no"]) as resolver:
        entity = int(resolver.add([ann("a1"), ann("a2")]).records["entity_id"].iloc[0])
        settings = resolver.store.meta("settings")
    with sqlite3.connect(store) as db:  # as golden before pins left it
        db.execute("DROP TABLE pins")
        db.execute("UPDATE meta SET value = ? WHERE key = 'settings'",
                   (json.dumps({**settings, "version": 3}),))
    with gd.Resolver(store) as reopened:
        assert reopened.store.meta("settings")["version"] == 4
        assert reopened.pins().empty and reopened.check().ok
        reopened.pin(entity, "surname", "Lee-Smith", reason="married", by="ana")
        assert reopened.golden(entity)["surname"] == "Lee-Smith"


# Coherent groups -------------------------------------------------------------------------

HOME = {"street": "1 High St", "city": "Leeds", "postcode": "LS1 1AA"}
FLAT = {"street": "2 Low Rd", "city": "York", "postcode": "YO1 2BB"}


def test_a_groups_parts_are_pinned_together_and_the_latest_address_wins_a_merge(
        linker: gd.Linker, store: Path) -> None:
    with gd.Resolver(store, linker, golden=GOLDEN, identifiers=["customer_no"]) as resolver:
        old = int(resolver.add([ann("a1", **HOME), ann("a2", **HOME)]).records[
            "entity_id"].iloc[0])
        newer = int(resolver.add(bob("b1")).records["entity_id"].iloc[0])
        with pytest.raises(gd.ConfigError, match=r"'address' is a group: pin its parts"):
            resolver.pin(old, "address", "2 Low Rd, York", reason="moved", by="ana")
        with pytest.raises(gd.ConfigError, match=r"'surname' is not a group"):
            resolver.pin(old, "surname", {"street": "x"}, reason="moved", by="ana")
        with pytest.raises(gd.ConfigError, match=r"pin every part of 'address'"):
            resolver.pin(old, "street", "9 Elm St", reason="moved", by="ana")  # no record
        ann_pins = resolver.pin(old, "address", FLAT, reason="moved", by="ana")
        assert len(ann_pins) == 3
        assert {k: resolver.golden(old)[k] for k in FLAT} == FLAT
        assert rule(resolver, old, "city") == "pinned by ana: moved"
        bob_pins = resolver.pin(newer, "address", HOME, reason="moved in", by="bo")

        merged = resolver.add(BRIDGE)
        conflicts = merged.events[merged.events["event"] == "pin conflict"]
        assert sorted(conflicts["other_id"]) == sorted(ann_pins)  # the whole address
        assert {k: resolver.golden(old)[k] for k in HOME} == HOME
        assert sorted(resolver.pins()["pin_id"]) == sorted(bob_pins)
        assert sorted(resolver.unpin(old, "address", reason="checked", by="ana")) == sorted(
            bob_pins)
        assert resolver.pins().empty and resolver.check().ok
