"""Hostile store files: another application's database, files that are not SQLite, paths
that are folders, stores damaged byte by byte or edited behind golden's back.

A file golden did not make is refused before anything is written (byte for byte the same
afterwards); damage ends in ``StoreError`` or in a ``check()`` that names it; golden's
invariants are checked and each broken one is said with what to do.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from hostile_data import fuzz, outcome
from hypothesis import given
from hypothesis import strategies as st

import golden as gd


@pytest.fixture(scope="module")
def healthy(records, linker, tmp_path_factory) -> Path:
    """A store after adds, decisions, an update, a merge-prone batch and two erasures
    (closed)."""
    path = tmp_path_factory.mktemp("healthy") / "store.db"
    with gd.Resolver(path, linker) as resolver:
        resolver.add(records.iloc[:200])
        entities = resolver.entities()
        firsts = entities.drop_duplicates("entity_id")["unique_id"]
        resolver.link(firsts.iloc[1], firsts.iloc[2], reason="same", by="ana")
        resolver.unlink(firsts.iloc[3], firsts.iloc[4], reason="different", by="ana")
        resolver.link(records["unique_id"].iloc[0], firsts.iloc[5], reason="same", by="ana")
        resolver.add(records.iloc[150:250].assign(city="Leeds"))
        resolver.forget(records["unique_id"].iloc[0])
        resolver.forget_entity(int(resolver.add(records.iloc[250:]).records["entity_id"][0]))
        resolver.compact()
    return path


def copy_of(store: Path, tmp_path: Path) -> Path:
    copied = tmp_path / "copy.db"
    shutil.copyfile(store, copied)
    return copied


# Files golden did not make -----------------------------------------------------------------


def another_application(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO customers VALUES (1, 'Ann')")
    sqlite3.connect(path).close()


FOREIGN = {
    "another application's SQLite": another_application,
    "text": lambda path: path.write_text("name,email\nAnn,ann@example.com\n" * 50),
    "PNG": lambda path: path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20),
    "SQLite header, then garbage": lambda path: path.write_bytes(
        b"SQLite format 3\x00" + b"\xff" * 8000),
}


@pytest.mark.parametrize("kind", FOREIGN)
def test_a_file_golden_did_not_make_is_refused_unchanged(linker, tmp_path, kind) -> None:
    path = tmp_path / "theirs.db"
    FOREIGN[kind](path)
    before = path.read_bytes()
    for call in (lambda: gd.Resolver(path, linker), lambda: gd.Resolver(path)):
        result, error = outcome(call)
        assert result == "error" and str(path) in str(error)
    assert path.read_bytes() == before  # no table added, not switched to WAL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["theirs.db"]  # no -wal, no -shm


@pytest.mark.parametrize("where", ["a folder", "in a missing folder"])
def test_a_path_that_cannot_hold_a_store_is_refused(linker, tmp_path, where) -> None:
    path = tmp_path if where == "a folder" else tmp_path / "missing" / "store.db"
    result, error = outcome(lambda: gd.Resolver(path, linker))
    assert result == "error" and isinstance(error, gd.ConfigError) and "folder" in str(error)
    assert not (tmp_path / "missing").exists()


# golden's invariants -------------------------------------------------------------------

TAMPERING = {
    "records in no active entity":
        "UPDATE records SET entity_id = -1 WHERE row_id = (SELECT min(row_id) FROM records)",
    "active entities without a golden record":
        "DELETE FROM golden WHERE entity_id = (SELECT min(entity_id) FROM golden)",
    "golden records of entities no longer active": "INSERT INTO golden VALUES (999999, '{}', "
                                                   "'[]')",
    "prepared values of records not held": "INSERT INTO prepared VALUES (999999, '[]')",
    "block keys of records not held": "INSERT INTO keys VALUES (0, 1, 999999)",
    "pairs with a record not held": "INSERT INTO edges VALUES (1, 999999, 0.9)",
    "active entities holding no record": "INSERT INTO entities VALUES (999999, 'active', "
                                         "NULL, 0, 0)",
    "merged entity ids leading to no entity": "INSERT INTO entities VALUES (999998, "
                                              "'merged', 999997, 0, 0)",
    "decisions with a record not held": "INSERT INTO decisions (kind, a, b, decided_by, "
        "decided_at, reason) VALUES ('match', (SELECT min(row_id) FROM records), 999999, "
        "'ana', 0, 'same')",
    "decisions the entities do not honour": "INSERT INTO decisions (kind, a, b, decided_by, "
        "decided_at, reason) SELECT 'match', l.row_id, r.row_id, 'ana', 0, 'same' FROM "
        "records AS l, records AS r WHERE l.entity_id != r.entity_id LIMIT 1",
    "decisions that are not a match or a non-match": "UPDATE decisions SET kind = 'maybe'",
}


def test_a_sound_store_checks_clean(healthy, tmp_path) -> None:
    with gd.Resolver(copy_of(healthy, tmp_path)) as resolver:
        for full in (False, True):
            report = resolver.check(full=full)
            assert report.ok and report.problems == [] and report.records == len(resolver)
            assert report.sqlite == ("integrity_check" if full else "quick_check")


@pytest.mark.parametrize("broken", TAMPERING)
def test_check_names_each_broken_invariant(healthy, tmp_path, broken) -> None:
    path = copy_of(healthy, tmp_path)
    with sqlite3.connect(path) as db:
        db.execute(TAMPERING[broken])
    with gd.Resolver(path) as resolver:
        result, report = outcome(resolver.check)
    assert result == "ok" and not report.ok
    assert any(broken in p and "restore the store from a backup" in p for p in report.problems)


def test_check_finds_a_forgotten_record_put_back_and_forget_mends_it(records, linker,
                                                                    tmp_path) -> None:
    path = tmp_path / "store.db"
    victim = records["unique_id"].iloc[5]
    with gd.Resolver(path, linker) as resolver:
        resolver.add(records.iloc[:20])
        (row,) = resolver.store.db.execute(
            "SELECT row_id, unique_id, entity_id, data, added_at, updated_at FROM records "
            "WHERE unique_id = ?", (victim,)).fetchall()
        resolver.forget(victim)
    with sqlite3.connect(path) as db:  # put back by hand, as a restored old backup would
        db.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)", row)
    with gd.Resolver(path) as resolver:
        report = resolver.check()
        assert any(repr(victim) in p and "forgotten" in p for p in report.problems)
        resolver.forget(victim)
        assert victim not in set(resolver.store.held_ids())


# Damage ----------------------------------------------------------------------------------


def test_pages_overwritten_end_in_store_error_or_a_failed_check(healthy, tmp_path) -> None:
    path = copy_of(healthy, tmp_path)
    data = bytearray(path.read_bytes())
    data[4096 * 3:4096 * 6] = b"\x00\xff" * (4096 * 3 // 2)
    path.write_bytes(bytes(data))

    def open_and_check() -> gd.StoreCheck:
        with gd.Resolver(path) as resolver:
            return resolver.check(full=True)

    result, found = outcome(open_and_check)
    assert (result == "error" and isinstance(found, gd.StoreError)) or not found.ok


@fuzz(15)
@given(flips=st.lists(st.tuples(st.integers(100, 10**9), st.integers(1, 255)), min_size=1,
                      max_size=8))
def test_bytes_flipped_anywhere_never_escape_as_a_raw_error(records, healthy, tmp_path,
                                                            flips) -> None:
    path = tmp_path / f"flipped-{abs(hash(tuple(flips)))}.db"
    data = bytearray(healthy.read_bytes())
    for offset, mask in flips:
        data[offset % len(data)] ^= mask
    path.write_bytes(bytes(data))

    def use() -> None:
        with gd.Resolver(path) as resolver:
            resolver.check()
            resolver.add(records.iloc[:30].assign(unique_id=lambda f: "new:" + f["unique_id"]))
            for entity in range(1, 40):
                resolver.entity(entity)
                resolver.golden(entity)

    outcome(use)  # a result or a GoldenError, whatever was hit
