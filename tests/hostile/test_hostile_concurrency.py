"""Several writers and readers on one store: processes racing an erasure against an add,
threads reading while another writes (and fails), a Resolver used from the wrong thread.

An erasure is never undone by a concurrent add; a reader never sees a batch before it
commits, nor one that rolled back; a Resolver refuses a thread that did not open it.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import golden as gd
from golden.resolver import ingest

ROUNDS = 20
OFFSETS = np.linspace(-0.08, 0.08, ROUNDS)  # s: the forget starts this long after the add


def _race(role: str, path: str, victims: list[dict[str, Any]],
          extra: list[list[dict[str, Any]]], barrier: Any, failures: Any) -> None:
    """One side of the race (in a child process): each round, add a new version of the
    round's victim (with new records) or forget it, at the round's offset."""
    try:
        warnings.simplefilter("ignore")
        with gd.Resolver(path) as resolver:
            for i, offset in enumerate(OFFSETS):
                barrier.wait(timeout=60)
                time.sleep(max(0.0, offset if role == "forget" else -offset))
                if role == "forget":
                    resolver.forget(victims[i]["unique_id"])
                else:
                    resolver.add([{**victims[i], "email": f"new.{i}@example.com"}, *extra[i]])
    except BaseException:  # reported to the parent
        failures.put(f"{role}: {traceback.format_exc()}")
        raise


def test_a_forget_racing_an_add_in_another_process_is_never_undone(records, linker,
                                                                   tmp_path) -> None:
    path = tmp_path / "store.db"
    held, fresh = records.iloc[:200], records.iloc[200:]
    with gd.Resolver(path, linker) as resolver:
        resolver.add(held)
    victims = held.iloc[:ROUNDS].to_dict("records")
    extra = [fresh.iloc[i * 10:(i + 1) * 10].to_dict("records") for i in range(ROUNDS)]
    context = multiprocessing.get_context("spawn")
    barrier, failures = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_race, args=(role, str(path), victims, extra, barrier,
                                                   failures)) for role in ("add", "forget")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert failures.empty(), failures.get()
    assert [w.exitcode for w in workers] == [0, 0]
    with gd.Resolver(path) as resolver:
        for victim in victims:
            with pytest.raises(gd.SchemaError, match="not held"):
                resolver.forget(victim["unique_id"])
        again = resolver.add(victims)
        assert len(again.rejected) == ROUNDS
        assert again.rejected["reason"].str.contains("forgotten").all()
        assert len(resolver) == 200 - ROUNDS + 10 * ROUNDS and resolver.check().ok


def test_a_reader_never_sees_a_batch_before_it_commits_or_after_it_rolls_back(
        records, linker, tmp_path, monkeypatch) -> None:
    path = tmp_path / "store.db"
    gd.Resolver(path, linker).close()
    real_link = ingest.Ingest._link

    def cut_short(self: ingest.Ingest, rows: list[int]) -> Any:
        if len(rows) == 7:  # the batches of seven fail half-way, their records inserted
            time.sleep(0.02)
            raise RuntimeError("power cut")
        return real_link(self, rows)

    monkeypatch.setattr(ingest.Ingest, "_link", cut_short)
    seen: list[int] = []
    done = threading.Event()
    problems: list[str] = []

    def write() -> None:
        with gd.Resolver(path) as writer:
            start = 0
            for size in [10, 7] * 8:
                batch = records.iloc[start:start + size]
                try:
                    writer.add(batch)
                    start += size
                except RuntimeError as error:  # not said as damage: the store is sound
                    if "power cut" not in str(error):
                        problems.append(repr(error))
                    start += size
        done.set()

    def read() -> None:
        with gd.Resolver(path) as reader:
            while not done.is_set():
                seen.append(len(reader))

    threads = [threading.Thread(target=write), threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not problems and seen
    assert all(n % 10 == 0 for n in seen), sorted(set(seen))  # whole batches, never a 7
    assert seen == sorted(seen)  # and never one taken back
    with gd.Resolver(path) as resolver:
        assert len(resolver) == 80 and resolver.check().ok


def test_two_writers_in_two_threads_lose_nothing(records, linker, tmp_path) -> None:
    path = tmp_path / "store.db"
    gd.Resolver(path, linker).close()
    failures: list[BaseException] = []

    def write(part: pd.DataFrame) -> None:
        try:
            with gd.Resolver(path) as writer:
                for start in range(0, len(part), 25):
                    writer.add(part.iloc[start:start + 25])
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=write, args=(records.iloc[i:200:2],)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures
    with gd.Resolver(path) as resolver:
        assert len(resolver) == 200 and resolver.check().ok


CALLS = {
    "add": lambda r, rec: r.add(rec.iloc[50:52]),
    "match": lambda r, rec: r.match(rec.iloc[0].to_dict()),
    "forget": lambda r, rec: r.forget(rec["unique_id"].iloc[0]),
    "forget_entity": lambda r, rec: r.forget_entity(1),
    "compact": lambda r, rec: r.compact(),
    "check": lambda r, rec: r.check(),
    "report": lambda r, rec: r.report(1),
    "entity": lambda r, rec: r.entity(1),
    "golden": lambda r, rec: r.golden(1),
    "provenance": lambda r, rec: r.provenance(1),
    "history": lambda r, rec: r.history(1),
    "resolve_id": lambda r, rec: r.resolve_id(1),
    "generic_identifiers": lambda r, rec: r.generic_identifiers(),
    "len": lambda r, rec: len(r),
    "link": lambda r, rec: r.link(*rec["unique_id"].iloc[:2], reason="same", by="ana"),
    "unlink": lambda r, rec: r.unlink(*rec["unique_id"].iloc[:2], reason="no", by="ana"),
    "undo": lambda r, rec: r.undo(1),
    "decisions": lambda r, rec: r.decisions(),
    "entities": lambda r, rec: r.entities(),
}


@pytest.fixture(scope="module")
def shared_store(records, linker, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("threads") / "store.db"
    with gd.Resolver(path, linker) as resolver:
        resolver.add(records.iloc[:50])
    return path


@pytest.mark.parametrize("call", CALLS)
def test_a_resolver_refuses_a_thread_that_did_not_open_it(records, shared_store,
                                                          call) -> None:
    raised: list[BaseException] = []
    with gd.Resolver(shared_store) as resolver:
        before = resolver.store.db.total_changes

        def use() -> None:
            try:
                CALLS[call](resolver, records)
            except BaseException as error:  # reported below
                raised.append(error)

        thread = threading.Thread(target=use)
        thread.start()
        thread.join(30)
        assert len(raised) == 1 and isinstance(raised[0], gd.ConfigError)
        assert "one Resolver per thread" in str(raised[0])
        assert resolver.store.db.total_changes == before and len(resolver) == 50
