"""A person's decisions in the resolver, from the user's side: link and unlink two records,
list and undo decisions, every record's entity; decisions hold on every later add (also
when later records bridge two unlinked records), survive reopening, go with a forgotten
record, and give the batch pipeline's entities with the same decisions."""

from __future__ import annotations

import json
import sqlite3
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import golden as gd
from golden.bench import default_config
from golden.datasets import make_people
from golden.demo import BLOCKING, COMPARISONS, GOLDEN, TRAINING

N_PEOPLE = 2_500


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    return make_people(N_PEOPLE, random_state=11).drop(columns=["person_id", "household_id"])


@pytest.fixture(scope="module")
def linker(people: pd.DataFrame) -> gd.Linker:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gd.Linker(COMPARISONS, BLOCKING, training_blocking=TRAINING,
                         random_state=0).fit(people)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "customers.db"


def partition(frame: pd.DataFrame, entity: str = "entity_id") -> set[frozenset]:
    return {frozenset(ids) for _, ids in frame.groupby(entity)["unique_id"]}


def entity_of(resolver: gd.Resolver) -> pd.Series:
    return resolver.entities().set_index("unique_id")["entity_id"]


def two_entities(resolver: gd.Resolver) -> tuple[str, str]:
    """A record of each of two different multi-record entities."""
    entities = resolver.entities()
    sizes = entities["entity_id"].map(entities["entity_id"].value_counts())
    firsts = entities[sizes >= 2].drop_duplicates("entity_id")["unique_id"]
    return firsts.iloc[0], firsts.iloc[1]


def one_entity(resolver: gd.Resolver, least: int = 2) -> list[str]:
    """The records of an entity of at least ``least`` records."""
    entities = resolver.entities()
    sizes = entities["entity_id"].value_counts()
    entity = sizes.index[sizes >= least][0]
    return entities.loc[entities["entity_id"] == entity, "unique_id"].tolist()


def stored(path: Path) -> dict[str, list]:
    """Every table of a store, row by row (to see that nothing changed)."""
    with sqlite3.connect(path) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = "
                                           "'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in tables}


# Each call ---------------------------------------------------------------------------------


def test_link_joins_two_entities_and_holds_after_later_batches(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker) as resolver:
        resolver.add(people.iloc[:1_500])
        a, b = two_entities(resolver)
        before = entity_of(resolver)
        events = resolver.link(a, b, reason="same customer (phoned)", by="ana")
        older, newer = sorted([before[a], before[b]])
        assert events[["event", "entity_id", "other_id"]].values.tolist() == [
            ["merged", newer, older]]  # the older id survives
        after = entity_of(resolver)
        assert after[a] == after[b] == older
        moved = set(before.index[before.isin([older, newer])])
        assert set(after.index[after == older]) == moved
        for start in range(1_500, len(people), 250):
            resolver.add(people.iloc[start:start + 250])
            now = entity_of(resolver)
            assert now[a] == now[b]
        history = resolver.history(older)
        linked = history[history["event"] == "records linked"]
        assert sorted(linked["unique_id"]) == sorted([a, b])
        assert linked["detail"].iloc[0] == {"decision_id": 1, "by": "ana",
                                            "reason": "same customer (phoned)"}
        assert resolver.check().ok


def test_unlink_holds_when_records_copying_both_sides_arrive(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker, term_frequencies=people) as resolver:
        resolver.add(people)
        members = one_entity(resolver, least=3)
        a, b = members[0], members[-1]
        entity = entity_of(resolver)[a]
        events = resolver.unlink(a, b, reason="twins", by="ana")
        assert "split" in set(events["event"])
        after = entity_of(resolver)
        assert after[a] != after[b]
        assert entity in (after[a], after[b])  # the larger part keeps the id
        # records copying each side, and each side's values again under new ids: every one
        # of them links to both sides
        held = people.set_index("unique_id")
        copies = pd.concat([held.loc[[u]].reset_index().assign(unique_id=f"copy:{u}:{i}")
                            for u in members for i in range(3)], ignore_index=True)
        added = resolver.add(copies)
        assert set(added.records["unique_id"]) == set(copies["unique_id"])
        now = entity_of(resolver)
        assert now[a] != now[b]
        assert resolver.check().ok


def test_decisions_lists_every_decision_and_undo_takes_one_back(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker) as resolver:
        resolver.add(people)
        before = partition(resolver.entities())
        a, b = two_entities(resolver)
        members = one_entity(resolver)
        resolver.link(a, b, reason="same e-mail in the CRM", by="ana")
        resolver.unlink(members[0], members[1], reason="different people", by="bo")
        table = resolver.decisions()
        assert table.columns.tolist() == ["decision_id", "kind", "unique_id_l",
                                          "unique_id_r", "by", "at", "reason"]
        assert table[["decision_id", "kind", "unique_id_l", "unique_id_r", "by",
                      "reason"]].values.tolist() == [
            [1, "match", a, b, "ana", "same e-mail in the CRM"],
            [2, "non_match", members[0], members[1], "bo", "different people"]]
        assert str(table["at"].dt.tz) == "UTC" and table["decision_id"].dtype == np.int64
        assert partition(resolver.entities()) != before

        events = resolver.undo(1, by="ana", reason="a mistake")
        assert set(events["event"]) == {"split"}
        entities = entity_of(resolver)
        assert entities[a] != entities[b]
        assert resolver.decisions()["decision_id"].tolist() == [2]
        resolver.undo(2)
        assert resolver.decisions().empty
        assert partition(resolver.entities()) == before
        history = resolver.history(entities[a])
        assert "link undone" in set(history["event"])
        assert resolver.check().ok


def test_entities_lists_every_record_with_its_source(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker, golden=GOLDEN) as resolver:
        added = resolver.add(people.iloc[:400])
        entities = resolver.entities()
        assert entities.columns.tolist() == ["unique_id", "source", "entity_id"]
        assert entities["unique_id"].tolist() == people["unique_id"].iloc[:400].tolist()
        assert entities["source"].tolist() == people["source"].iloc[:400].tolist()
        assert entities["entity_id"].dtype == np.int64
        assert dict(zip(entities["unique_id"], entities["entity_id"], strict=True)) == dict(
            zip(added.records["unique_id"], added.records["entity_id"], strict=True))
    with gd.Resolver(store.with_suffix(".empty"), linker) as empty:
        assert empty.entities().columns.tolist() == ["unique_id", "entity_id"]
        assert empty.entities().empty and empty.decisions().empty


def test_a_decision_holds_when_its_record_is_updated(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker) as resolver:
        resolver.add(people.iloc[:600])
        a, b = two_entities(resolver)
        resolver.link(a, b, reason="same customer", by="ana")
        update = people[people["unique_id"] == a].assign(city="Reykjavik", surname="Zzyzx")
        assert resolver.add(update).records["action"].tolist() == ["updated"]
        entities = entity_of(resolver)
        assert entities[a] == entities[b]
        assert len(resolver.decisions()) == 1


def test_deciding_a_pair_again_the_same_way_changes_nothing(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker) as resolver:
        resolver.add(people.iloc[:600])
        a, b = two_entities(resolver)
        resolver.link(a, b, reason="same customer", by="ana")
        before = stored(store)
        assert resolver.link(b, a, reason="same customer", by="bo").empty
        assert stored(store) == before
        with pytest.raises(gd.ConfigError, match=r"the decided links decision 1 \(link"):
            resolver.unlink(a, b, reason="not the same", by="bo")


# Contradictions ---------------------------------------------------------------------------


def test_a_link_across_an_unlink_is_refused_naming_the_decisions(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker) as resolver:
        resolver.add(people.iloc[:800])
        ids = resolver.entities().drop_duplicates("entity_id")["unique_id"].iloc[:4].tolist()
        a, b, c, d = ids
        resolver.link(a, b, reason="same", by="ana")
        resolver.link(c, d, reason="same", by="ana")
        resolver.unlink(a, d, reason="different", by="bo")
        before = stored(store)
        with pytest.raises(gd.ConfigError) as error:
            resolver.link(b, c, reason="same", by="cy")
        message = str(error.value)
        assert f"link {b!r} and {c!r}" in message
        assert f"decision 3 (unlink {a!r} and {d!r} by bo)" in message
        assert f"decision 1 (link {a!r} and {b!r} by ana)" in message
        assert f"decision 2 (link {c!r} and {d!r} by ana)" in message
        assert "nothing was changed" in message
        assert stored(store) == before
        x = resolver.entities().drop_duplicates("entity_id")["unique_id"].iloc[4]
        resolver.link(b, x, reason="same", by="cy")
        before = stored(store)
        with pytest.raises(gd.ConfigError) as error:
            resolver.unlink(a, x, reason="different", by="cy")
        assert str(error.value).startswith(
            f"unlink {a!r} and {x!r}: the decided links decision 1 (link {a!r} and {b!r} by "
            f"ana), decision 4 (link {b!r} and {x!r} by cy) join them")
        assert stored(store) == before


def test_a_refused_decision_changes_nothing(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker) as resolver:
        resolver.add(people.iloc[:800])
        a, b, c = resolver.entities().drop_duplicates("entity_id")["unique_id"].iloc[:3]
        resolver.link(a, b, reason="same", by="ana")
        resolver.unlink(b, c, reason="different", by="ana")
        before = stored(store)
        for refused in (lambda: resolver.link(a, c, reason="same", by="bo"),
                        lambda: resolver.unlink(a, b, reason="different", by="bo"),
                        lambda: resolver.link(a, "nobody", reason="same", by="bo")):
            with pytest.raises(gd.GoldenError):
                refused()
            assert stored(store) == before
        assert resolver.check().ok


# Bad input ----------------------------------------------------------------------------------


def test_bad_input_is_refused_naming_the_parameter(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker) as resolver:
        resolver.add(people.iloc[:100])
        a, b = people["unique_id"].iloc[:2]
        before = stored(store)
        with pytest.raises(gd.SchemaError, match=r"b: unique_id 'nobody' is not held"):
            resolver.link(a, "nobody", reason="same", by="ana")
        with pytest.raises(gd.ConfigError, match=r"a and b: both are"):
            resolver.unlink(a, a, reason="same", by="ana")
        with pytest.raises(gd.ConfigError, match=r"reason: got 3, expected text"):
            resolver.link(a, b, reason=3, by="ana")  # type: ignore[arg-type]
        with pytest.raises(gd.ConfigError, match=r"by: got '', expected text"):
            resolver.link(a, b, reason="same", by="")
        with pytest.raises(gd.ConfigError) as error:
            resolver.link(None, [b], reason=None, by="ana")  # type: ignore[arg-type]
        assert [p.split(":")[0] for p in error.value.problems] == ["a", "b", "reason"]
        with pytest.raises(gd.ConfigError, match=r"a: got True"):
            resolver.link(True, b, reason="same", by="ana")
        with pytest.raises(TypeError):
            resolver.link(a, b, reason="same")  # type: ignore[call-arg]
        with pytest.raises(gd.ConfigError, match=r"decision_id: got 'one'"):
            resolver.undo("one")  # type: ignore[arg-type]
        with pytest.raises(gd.ConfigError, match=r"decision_id: got 1000000000000000000000"):
            resolver.undo(10**21)
        with pytest.raises(gd.SchemaError, match=r"decision_id 7 is not held"):
            resolver.undo(7)
        assert stored(store) == before


# Persistence and erasure -----------------------------------------------------------------


def test_decisions_survive_closing_and_reopening(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker) as resolver:
        resolver.add(people.iloc[:1_000])
        a, b = two_entities(resolver)
        members = one_entity(resolver)
        resolver.link(a, b, reason="same", by="ana")
        resolver.unlink(members[0], members[1], reason="different", by="ana")
        table = resolver.decisions()
    with gd.Resolver(store) as reopened:
        pd.testing.assert_frame_equal(reopened.decisions(), table)
        reopened.add(people.iloc[1_000:])
        entities = entity_of(reopened)
        assert entities[a] == entities[b] and entities[members[0]] != entities[members[1]]
        assert reopened.check().ok


def test_forget_removes_the_records_decisions(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker) as resolver:
        resolver.add(people.iloc[:1_000])
        a, b = two_entities(resolver)
        before = entity_of(resolver)
        resolver.link(a, b, reason="same", by="ana")
        c = before.drop_duplicates().index[~before.drop_duplicates().isin(
            [before[a], before[b]])][0]  # a record of a third entity
        resolver.unlink(c, b, reason="different", by="ana")
        resolver.forget(a, reason="customer asked")
        assert resolver.decisions()["unique_id_l"].tolist() == [c]
        entities = entity_of(resolver)
        assert a not in entities.index
        # without the link, b's entity holds its own records again
        assert set(entities.index[entities == entities[b]]) == set(
            before.index[before == before[b]])
        history = resolver.history(entities[b])
        removed = history[history["event"] == "link removed"]
        assert removed["unique_id"].tolist() == [b]
        forgotten = history[history["event"] == "record forgotten"]
        assert forgotten["detail"].iloc[0] == {"reason": "customer asked",
                                               "decisions_removed": [1]}
        assert a not in set(history["unique_id"])  # the audit keeps a keyed hash
        assert resolver.check().ok
        resolver.compact()
    content = b"".join(p.read_bytes() for p in store.parent.iterdir()
                       if p.name.startswith(store.name))
    assert a.encode() not in content


# The store's version ------------------------------------------------------------------------


def test_a_store_of_version_1_gains_the_decisions_table_when_opened(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker) as resolver:
        resolver.add(people.iloc[:200])
        settings = resolver.store.meta("settings")
    with sqlite3.connect(store) as db:  # as golden before decisions left it
        db.execute("DROP TABLE decisions")
        db.execute("UPDATE meta SET value = ? WHERE key = 'settings'",
                   (json.dumps({**settings, "version": 1}),))
    with gd.Resolver(store) as reopened:
        assert reopened.store.meta("settings")["version"] == 4  # decisions, near pairs, pins
        assert reopened.decisions().empty and reopened.check().ok
        a, b = people["unique_id"].iloc[:2]
        reopened.link(a, b, reason="same", by="ana")
    with sqlite3.connect(store) as db:
        (events,) = db.execute("SELECT count(*) FROM audit WHERE event = 'store migrated'"
                               ).fetchone()
        assert events == 1
        db.execute("UPDATE meta SET value = ? WHERE key = 'settings'",
                   (json.dumps({**settings, "version": 5}),))
    with pytest.raises(gd.ConfigError, match="version 5, written by a newer golden: upgrade"):
        gd.Resolver(store)


# Incremental equals batch, with decisions --------------------------------------------------


def some_decisions(linker: gd.Linker, people: pd.DataFrame, rng: np.random.Generator
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Batch pairs, and decisions about records no other decision names (so none
    contradict): unlinks of two records of one batch entity, links of records of two."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pairs = linker.predict(people, threshold=0.5)
        entities = linker.cluster(pairs, people, threshold=0.5)
    sizes = entities["entity_id"].map(entities["entity_id"].value_counts())
    big = entities[sizes >= 3]
    chosen = rng.choice(big["entity_id"].unique(), size=8, replace=False)
    unlinks = [tuple(rng.choice(big.loc[big["entity_id"] == e, "unique_id"].to_numpy(), 2,
                                replace=False)) for e in chosen]
    used = {u for pair in unlinks for u in pair}
    free = entities[~entities["unique_id"].isin(used)]
    links = []
    while len(links) < 8:
        a, b = free.sample(2, random_state=rng.integers(1 << 31))[
            ["unique_id", "entity_id"]].itertuples(index=False)
        if a.entity_id != b.entity_id and not {a.unique_id, b.unique_id} & used:
            links.append((a.unique_id, b.unique_id))
            used |= {a.unique_id, b.unique_id}
    decisions = pd.DataFrame(
        [(a, b, "non_match") for a, b in unlinks] + [(a, b, "match") for a, b in links],
        columns=["unique_id_l", "unique_id_r", "decision"])
    return pairs, entities, decisions


@pytest.fixture(scope="module")
def febrl3_run(febrl3: pd.DataFrame) -> tuple[gd.Linker, pd.DataFrame]:
    """FEBRL3 (5,000 records) with golden's shipped configuration, fitted."""
    records = febrl3.drop(columns=["truth"]).rename(columns={"rec_id": "unique_id"})
    shipped = default_config("febrl3").linker
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = gd.Linker(**{**shipped.get_params(), "unique_id": "unique_id"}).fit(records)
    return fitted, records


def test_febrl3_in_random_batches_with_decisions_gives_the_batch_pipelines_entities(
        febrl3_run: tuple[gd.Linker, pd.DataFrame], store: Path) -> None:
    linker, records = febrl3_run
    test_batches_in_random_order_with_decisions_give_the_batch_pipelines_entities(
        linker, records, store, seed=2)


@pytest.mark.parametrize("seed", [0, 1])
def test_batches_in_random_order_with_decisions_give_the_batch_pipelines_entities(
        linker: gd.Linker, people: pd.DataFrame, store: Path, seed: int) -> None:
    rng = np.random.default_rng(seed)
    pairs, without, decisions = some_decisions(linker, people, rng)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        batch = linker.cluster(pairs, people, threshold=0.5, decisions=decisions)
    assert partition(batch) != partition(without)  # the decisions change entities
    shuffled = people.iloc[rng.permutation(len(people))]
    cuts = np.sort(rng.choice(np.arange(1, len(people)), size=6, replace=False))
    pending = decisions.sample(frac=1.0, random_state=seed)
    with gd.Resolver(store, linker, term_frequencies=people) as resolver:
        held: set[str] = set()
        for start, stop in zip([0, *cuts], [*cuts, len(people)], strict=True):
            resolver.add(shuffled.iloc[start:stop])
            held |= set(shuffled["unique_id"].iloc[start:stop])
            ready = pending["unique_id_l"].isin(held) & pending["unique_id_r"].isin(held)
            for a, b, kind in pending[ready].itertuples(index=False):
                decide = resolver.link if kind == "match" else resolver.unlink
                decide(a, b, reason="test", by="ana")
            pending = pending[~ready]
        assert pending.empty
        assert partition(resolver.entities()) == partition(batch)
        assert resolver.check().ok
