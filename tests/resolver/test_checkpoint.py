"""The resolver store's background checkpoints: the log is copied into the file behind the
writer, and it does not grow without bound."""

from __future__ import annotations

import shutil
import sqlite3
import warnings
from pathlib import Path

import golden as gd
from golden import demo
from golden.datasets import make_people
from golden.resolver.checkpoints import Checkpointer
from golden.resolver.store import Store


def _wal_store(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA wal_autocheckpoint = 0")
    db.execute("CREATE TABLE t (x TEXT)")
    return db


def test_a_commit_is_copied_into_the_file_in_the_background(tmp_path):
    db = _wal_store(tmp_path / "s.db")
    checkpointer = Checkpointer(str(tmp_path / "s.db"), max_log_pages=1000)
    db.execute("INSERT INTO t VALUES ('a')")
    checkpointer.committed()
    checkpointer.wait()
    busy, pages, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert (busy, copied) == (0, pages)  # nothing was left to copy
    assert checkpointer.log_pages > 0
    checkpointer.close()
    db.close()


def test_the_log_restarts_instead_of_growing(tmp_path):
    db = _wal_store(tmp_path / "s.db")
    checkpointer = Checkpointer(str(tmp_path / "s.db"), max_log_pages=20)
    for i in range(300):
        checkpointer.before_write()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t VALUES (?)", ("x" * 3000 + str(i),))
        db.execute("COMMIT")
        checkpointer.committed()
    checkpointer.close()
    # 300 commits of a page or two each: without restarts the log would hold them all
    assert (tmp_path / "s.db-wal").stat().st_size < 100 * 4096
    assert db.execute("SELECT count(*) FROM t").fetchone() == (300,)
    db.close()


def test_close_stops_the_thread_and_the_store_reopens_whole(tmp_path):
    store = Store(tmp_path / "r.db")
    assert store.checkpointer is not None
    with store.transaction():
        store.set_meta("answer", 42)
    store.close()
    assert not store.checkpointer._thread.is_alive()
    assert not (tmp_path / "r.db-wal").exists()  # the last connection copied and removed it
    assert Store(tmp_path / "r.db", readonly=True).meta("answer") == 42


def test_a_store_in_memory_has_no_checkpointer():
    assert Store(":memory:").checkpointer is None


def test_a_resolvers_batches_reach_the_file_without_closing(tmp_path):
    people = make_people(400, random_state=1).drop(columns=["person_id", "household_id"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        linker = gd.Linker(demo.COMPARISONS, demo.BLOCKING, training_blocking=demo.TRAINING,
                           random_state=0, progress=False).fit(people)
    resolver = gd.Resolver(tmp_path / "r.db", linker)
    for start in range(0, 400, 100):
        resolver.add(people.iloc[start:start + 100])
    resolver.store.checkpointer.wait()
    # the file alone, without its log, already holds every batch
    shutil.copy(tmp_path / "r.db", tmp_path / "copy.db")
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("SELECT count(*) FROM records").fetchone() == (400,)
    copy.close()
    resolver.close()
