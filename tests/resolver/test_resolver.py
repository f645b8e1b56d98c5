"""The incremental resolver, from the user's side: a real SQLite file, generated people."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import golden as gd
from golden.datasets import make_people
from golden.demo import BLOCKING, COMPARISONS, GOLDEN, TRAINING

N_PEOPLE = 1_500


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    return make_people(N_PEOPLE, random_state=3).drop(columns=["person_id", "household_id"])


@pytest.fixture(scope="module")
def linker(people: pd.DataFrame) -> gd.Linker:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gd.Linker(COMPARISONS, BLOCKING, training_blocking=TRAINING,
                         random_state=0).fit(people)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "customers.db"


def partition(frame: pd.DataFrame, entity: str) -> set[frozenset]:
    return {frozenset(ids) for _, ids in frame.groupby(entity)["unique_id"]}


def held_entities(resolver: gd.Resolver) -> pd.DataFrame:
    rows = resolver.store.db.execute("SELECT unique_id, entity_id FROM records").fetchall()
    return pd.DataFrame(rows, columns=["unique_id", "entity_id"])


def batch_entities(linker: gd.Linker, people: pd.DataFrame) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pairs = linker.predict(people, threshold=0.5)
        return linker.cluster(pairs, people, threshold=0.5)


# Incremental equals batch -----------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_batches_in_random_order_give_the_batch_pipelines_entities(
        linker: gd.Linker, people: pd.DataFrame, store: Path, seed: int) -> None:
    rng = np.random.default_rng(seed)
    shuffled = people.iloc[rng.permutation(len(people))]
    cuts = np.sort(rng.choice(np.arange(1, len(people)), size=6, replace=False))
    with gd.Resolver(store, linker, golden=GOLDEN, term_frequencies=people) as resolver:
        actions = set()
        for start, stop in zip([0, *cuts], [*cuts, len(people)], strict=True):
            actions |= set(resolver.add(shuffled.iloc[start:stop]).records["action"])
        assert actions == {"new entity", "joined"}
        assert partition(held_entities(resolver), "entity_id") == partition(
            batch_entities(linker, people), "entity_id")


def test_one_batch_with_live_term_frequencies_equals_batch(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker) as resolver:
        added = resolver.add(people)
        assert partition(held_entities(resolver), "entity_id") == partition(
            batch_entities(linker, people), "entity_id")
    assert set(added.records["action"]) == {"new entity"}  # every entity is new
    assert added.records["entity_id"].nunique() == len(added.events)


def test_records_one_at_a_time(linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    few = people.iloc[:120]
    with gd.Resolver(store, linker, term_frequencies=people) as resolver:
        for record in few.to_dict("records"):
            resolver.add(record)
        got = partition(held_entities(resolver), "entity_id")
    with gd.Resolver(store.with_suffix(".batch"), linker, term_frequencies=people) as batch:
        batch.add(few)
        assert got == partition(held_entities(batch), "entity_id")


# Stable ids ---------------------------------------------------------------------------------


def person(uid: str, first: str, surname: str, dob: str, **extra: object) -> dict:
    return {"unique_id": uid, "source": "crm", "first_name": first, "surname": surname,
            "dob": dob, "email": None, "phone": None, "street": None, "city": None,
            "postcode": None, "updated_at": "2024-01-01", **extra}


def test_merge_keeps_the_oldest_id_and_split_gives_the_largest_part_the_id(
        linker: gd.Linker, store: Path) -> None:
    with gd.Resolver(store, linker, identifiers=["customer_no"]) as resolver:
        first = resolver.add([person("a1", "Ann", "Lee", "1970-01-01", customer_no="C1"),
                              person("a2", "Ann", "Lee", "1970-01-01", customer_no="C1")])
        old = first.records["entity_id"].iloc[0]
        second = resolver.add(person("b1", "Bob", "Ray", "1981-05-05", customer_no="C2"))
        newer = second.records["entity_id"].iloc[0]
        assert newer > old

        # one record holding both customer numbers ties the two people together
        merged = resolver.add(person("x", "Zed", "Quill", "1999-09-09",
                                     customer_no=["C1", "C2"]))
        assert merged.records["entity_id"].tolist() == [old]
        assert merged.events[["event", "entity_id", "other_id"]].values.tolist() == [
            ["merged", newer, old]]
        assert resolver.resolve_id(newer) == old
        assert sorted(resolver.entity(newer)["unique_id"]) == ["a1", "a2", "b1", "x"]
        assert "entity merged" in set(resolver.history(old)["event"])

        # the tie is withdrawn: Bob leaves with a new id, never the one he had before
        split = resolver.add(person("x", "Zed", "Quill", "1999-09-09", customer_no=None))
        assert split.records["action"].tolist() == ["updated"]
        events = split.events.set_index("event")
        assert events.loc["split", "entity_id"] == old
        bob = held_entities(resolver).set_index("unique_id")["entity_id"]
        assert bob["a1"] == bob["a2"] == old
        assert bob["b1"] not in (old, newer) and bob["b1"] > newer
        assert resolver.resolve_id(newer) == old  # an old id keeps pointing where it went


def test_reopening_finds_everything_and_ids_are_never_reused(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker, golden=GOLDEN) as resolver:
        resolver.add(people.iloc[:600])
        before = held_entities(resolver)
        golden = resolver.golden(before["entity_id"].iloc[0])
    with gd.Resolver(store) as reopened:
        assert held_entities(reopened).equals(before)
        assert reopened.golden(before["entity_id"].iloc[0]) == golden
        more = reopened.add(people.iloc[600:700])
        created = more.events.loc[more.events["event"] == "created", "entity_id"]
        assert created.min() > before["entity_id"].max()


def test_reopening_with_another_model_or_without_the_secret_is_refused(
        linker: gd.Linker, people: pd.DataFrame, store: Path, tmp_path: Path) -> None:
    gd.Resolver(store, linker).close()
    other = gd.Linker.from_dict({**linker.to_dict(), "parameters": {
        **linker.to_dict()["parameters"], "lambda": 0.01}})
    with pytest.raises(gd.ConfigError, match="another model"):
        gd.Resolver(store, other)
    keyed = tmp_path / "keyed.db"
    gd.Resolver(keyed, linker, secret=b"s" * 32).close()
    with pytest.raises(gd.ConfigError, match="secret"):
        gd.Resolver(keyed)
    gd.Resolver(keyed, secret=b"s" * 32).close()
    with pytest.raises(gd.ConfigError, match="holds no resolver"):
        gd.Resolver(tmp_path / "empty.db")


def test_bad_configuration_is_reported(linker: gd.Linker, store: Path) -> None:
    unfitted = gd.Linker(COMPARISONS, BLOCKING)
    with pytest.raises(gd.ConfigError, match="fitted"):
        gd.Resolver(store, unfitted)
    windowed = gd.Linker.from_dict({**linker.to_dict(),
                                    "blocking": gd.sorted_neighbourhood("surname").to_dict()})
    with pytest.raises(gd.ConfigError, match="sorted"):
        gd.Resolver(store.with_suffix(".sn"), windowed)
    with pytest.raises(gd.ConfigError, match="threshold"):
        gd.Resolver(store.with_suffix(".t"), linker, threshold=2)


# Bad records, idempotence, crashes, readers ----------------------------------------------


def test_bad_records_are_rejected_with_reasons_and_the_rest_proceeds(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    good = people.iloc[:3].to_dict("records")
    bad = [{**good[0], "unique_id": None},
           {**good[1], "unique_id": "other", "first_name": {"not": "text"}},
           {**good[2]},  # the same id twice in one batch
           {**good[0], "unique_id": 1.5}]
    with gd.Resolver(store, linker) as resolver:
        added = resolver.add(good + bad)
        assert added.records["unique_id"].tolist() == [r["unique_id"] for r in good]
        reasons = added.rejected.set_index("position")["reason"]
        assert "no unique_id" in reasons[3]
        assert "'first_name'" in reasons[4] and "dict" in reasons[4]
        assert "more than once" in reasons[5]
        assert "float" in reasons[6]
        assert len(resolver) == 3


def test_adding_the_same_batch_twice_changes_nothing(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker) as resolver:
        resolver.add(people.iloc[:300])
        before = held_entities(resolver)
        again = resolver.add(people.iloc[:300])
        assert set(again.records["action"]) == {"unchanged"}
        assert again.events.empty
        assert held_entities(resolver).equals(before)


def test_a_batch_updating_the_newest_records_and_adding_new_ones(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    # the updated records are removed, then put back under their row ids: the new ones
    # must be numbered past those, not past what was left (a UNIQUE failure on row_id)
    with gd.Resolver(store, linker) as resolver:
        resolver.add(people.iloc[:200])
        added = resolver.add(people.iloc[150:250].assign(city="Leeds"))
        assert set(added.records["action"].iloc[:50]) <= {"updated", "unchanged"}
        assert len(resolver) == 250 and resolver.check().ok


KILLED_ADD = """
import sys, warnings
import pandas as pd, golden as gd
warnings.simplefilter("ignore")
people = pd.read_pickle(sys.argv[2])
resolver = gd.Resolver(sys.argv[1])
print("ready", flush=True)
for start in range(0, len(people), 100):
    resolver.add(people.iloc[start:start + 100])
    print("added", start, flush=True)
"""


def consistent(resolver: gd.Resolver) -> None:
    db = resolver.store.db
    assert db.execute("SELECT COUNT(*) FROM records WHERE entity_id < 0").fetchone()[0] == 0
    active = {e for (e,) in db.execute("SELECT entity_id FROM entities WHERE status = 'active'")}
    used = {e for (e,) in db.execute("SELECT DISTINCT entity_id FROM records")}
    golden = {e for (e,) in db.execute("SELECT entity_id FROM golden")}
    assert used == active == golden
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_process_killed_mid_add_leaves_a_consistent_store(
        linker: gd.Linker, people: pd.DataFrame, store: Path, tmp_path: Path) -> None:
    gd.Resolver(store, linker).close()
    data = tmp_path / "people.pkl"
    people.to_pickle(data)
    child = subprocess.Popen([sys.executable, "-c", KILLED_ADD, str(store), str(data)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    lines = [child.stdout.readline() for _ in range(3)]  # ready, then two batches landed
    assert lines[0].startswith("ready") and lines[2].startswith("added")
    child.send_signal(signal.SIGKILL)
    child.wait()
    with gd.Resolver(store) as resolver:
        consistent(resolver)
        landed = len(resolver)
        assert landed % 100 == 0 and 200 <= landed < len(people)
        resolver.add(people)  # the whole feed again: what landed is unchanged
        consistent(resolver)
        assert partition(held_entities(resolver), "entity_id") == partition(
            batch_entities(linker, people), "entity_id")


def test_readers_see_consistent_data_while_a_writer_adds(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    writer = gd.Resolver(store, linker)
    writer.add(people.iloc[:100])
    errors: list[BaseException] = []
    done = threading.Event()

    def read() -> None:
        reader = gd.Resolver(store)
        try:
            while not done.is_set():
                counts = reader.store.db.execute(
                    "SELECT COUNT(*), COUNT(DISTINCT entity_id) FROM records").fetchone()
                assert counts[0] % 100 == 0  # whole batches only
                entity = reader.store.db.execute(
                    "SELECT entity_id FROM records ORDER BY row_id LIMIT 1").fetchone()[0]
                reader.golden(entity)
        except BaseException as exc:
            errors.append(exc)
        finally:
            reader.close()

    thread = threading.Thread(target=read)
    thread.start()
    for start in range(100, 800, 100):
        writer.add(people.iloc[start:start + 100])
    done.set()
    thread.join()
    writer.close()
    assert not errors, errors


# Matching -----------------------------------------------------------------------------------


def test_match_explains_candidates_and_changes_nothing(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker) as resolver:
        added = resolver.add(people.iloc[:800])
        resolver.store.checkpointer.wait()  # the log is copied into the file behind add
        size = store.stat().st_size, Path(f"{store}-wal").stat().st_size
        probe = people.iloc[0].to_dict()
        probe["unique_id"] = None
        found = resolver.match(probe)
        assert found["entity_id"].iloc[0] == added.records["entity_id"].iloc[0]
        assert found["match_probability"].is_monotonic_decreasing
        weights = found.filter(like="mw_").sum(axis=1)
        prior = resolver.linker.weight_table().prior
        assert np.allclose(weights + prior, found["match_weight"])
        assert found["entity_id"].is_unique
        assert (store.stat().st_size, Path(f"{store}-wal").stat().st_size) == size
        nobody = person("new", "Xavier", "Quintessence", "1901-01-01")
        assert resolver.match(nobody).empty
        with pytest.raises(gd.ConfigError, match="one record"):
            resolver.match(people.iloc[:2])


def test_match_scores_every_candidate_as_the_batch_pipeline_does(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    held, probes = people.iloc[:1_200], people.iloc[1_200:1_260]
    # frozen term frequencies over the very records the batch run sees
    with gd.Resolver(store, linker, term_frequencies=people.iloc[:1_260]) as resolver:
        resolver.add(held)
        entity = held_entities(resolver).set_index("unique_id")["entity_id"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pairs = linker.predict(people.iloc[:1_260])
        probe_ids = set(probes["unique_id"])
        pairs = pairs[pairs["unique_id_l"].isin(probe_ids) != pairs["unique_id_r"].isin(
            probe_ids)]
        n_candidates = 0
        for probe in probes.to_dict("records"):
            mine = pairs[(pairs["unique_id_l"] == probe["unique_id"])
                         | (pairs["unique_id_r"] == probe["unique_id"])]
            other = np.where(mine["unique_id_l"] == probe["unique_id"], mine["unique_id_r"],
                             mine["unique_id_l"])
            weight = dict(zip(other, mine["match_weight"], strict=True))
            found = resolver.match(probe)
            assert set(found["entity_id"]) == set(entity[list(weight)])
            for uid, got in zip(found["unique_id"], found["match_weight"], strict=True):
                assert got == pytest.approx(weight[uid], abs=1e-9)
            best = {e: max(w for u, w in weight.items() if entity[u] == e)
                    for e in found["entity_id"]}
            assert np.allclose(found["match_weight"], [best[e] for e in found["entity_id"]])
            n_candidates += len(found)
        assert n_candidates > len(probes)  # the probes met real candidates


def test_match_shows_the_batch_pipelines_explanation_of_each_entitys_best_record(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    held, probes = people.iloc[:1_200], people.iloc[1_200:1_300]
    names = [f"mw_{c.name}" for c in linker.comparisons_]
    with gd.Resolver(store, linker, term_frequencies=people.iloc[:1_300]) as resolver:
        resolver.add(held)
        entity = held_entities(resolver).set_index("unique_id")["entity_id"]
        order = {uid: i for i, uid in enumerate(held["unique_id"])}  # row ids follow it
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pairs = linker.predict(people.iloc[:1_300])
        for probe in probes.to_dict("records"):
            uid = probe["unique_id"]
            mine = pairs[(pairs["unique_id_l"] == uid) != (pairs["unique_id_r"] == uid)].copy()
            mine["other"] = np.where(mine["unique_id_l"] == uid, mine["unique_id_r"],
                                     mine["unique_id_l"])
            mine = mine[mine["other"].isin(order)]
            mine["entity_id"] = entity[mine["other"]].to_numpy()
            mine["order"] = mine["other"].map(order)
            best = mine.sort_values(["match_probability", "match_weight", "order"],
                                    ascending=[False, False, True], kind="stable")
            best = best.drop_duplicates("entity_id").reset_index(drop=True)
            found = resolver.match(probe)
            assert found["entity_id"].tolist() == best["entity_id"].tolist()
            assert found["unique_id"].tolist() == best["other"].tolist()
            assert found["identifier"].isna().all()
            for column in ["match_weight", "match_probability", *names]:
                np.testing.assert_allclose(found[column], best[column], rtol=0, atol=1e-6)
            threshold = found[found["match_probability"] >= 0.9]
            pd.testing.assert_frame_equal(resolver.match(probe, threshold=0.9), threshold)


def test_match_columns_and_types_hold_for_hits_ties_and_no_candidates(
        linker: gd.Linker, store: Path) -> None:
    columns = ["entity_id", "match_probability", "match_weight", "unique_id", "identifier",
               *[f"mw_{c.name}" for c in linker.comparisons_]]
    types = ["int64", "float64", "float64", "object", "object"] + ["float64"] * (
        len(columns) - 5)
    with gd.Resolver(store, linker, identifiers={"device": "device_id"}) as resolver:
        resolver.add([person("a1", "Ann", "Lee", "1970-01-01"),
                      {"unique_id": 7, "device_id": "D-1"}])
        for probe, expected in [(person(None, "Ann", "Lee", "1970-01-01"), [["a1", None]]),
                                ({"device_id": "d-1"}, [[7, "device"]]),
                                (person(None, "Zed", "Quill", "1901-01-01"), [])]:
            found = resolver.match(probe)
            assert found.columns.tolist() == columns
            assert [str(t) for t in found.dtypes] == types
            assert found.index.equals(pd.RangeIndex(len(expected)))
            assert found[["unique_id", "identifier"]].values.tolist() == expected


@pytest.fixture(scope="module")
def town(people: pd.DataFrame) -> gd.Linker:
    """A Linker blocking on the city alone, at most three records to a block."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gd.Linker(COMPARISONS, [gd.block_on("city", max_block_size=3)],
                         random_state=0).fit(people)


def town_twins(n: int) -> list[dict]:
    """``n`` records of one person in one small town: ids t0, t1, …"""
    return [person(f"t{i}", "Ann", "Lee", "1970-01-01", city="Tinytown") for i in range(n)]


def test_a_block_at_its_limit_with_the_probe_is_read_and_one_past_it_is_not(
        town: gd.Linker, store: Path) -> None:
    twins = town_twins(4)
    with gd.Resolver(store, town) as resolver:
        resolver.add(twins[:2])
        assert set(resolver.match(twins[3])["unique_id"]) == {"t0", "t1"}  # three of three
        resolver.add(twins[2])  # three held: with the probe, four
        assert resolver.match(twins[3]).empty


def test_an_oversized_block_key_stops_pairing_and_is_reported(
        town: gd.Linker, store: Path) -> None:
    twins = town_twins(5)
    with gd.Resolver(store, town) as resolver:
        assert not resolver.add(twins[:2]).warnings
        found = resolver.match(twins[4])  # two held and the probe: within the limit
        assert len(found) and set(found["unique_id"]) <= {"t0", "t1"}
        assert not resolver.add(twins[2]).warnings
        fourth = resolver.add(twins[3])
        assert any("city" in w and "4 records" in w for w in fourth.warnings)
        assert resolver.match(twins[4]).empty  # the block is past its limit


# Identity graph ---------------------------------------------------------------------------


def test_an_anonymous_device_joins_the_customer_once_a_record_ties_them(
        linker: gd.Linker, store: Path) -> None:
    with gd.Resolver(store, linker, identifiers={"device": "device_id"}) as resolver:
        known = resolver.add(person("crm-1", "Ann", "Lee", "1970-01-01"))
        anonymous = resolver.add({"unique_id": "web-1", "device_id": "D-77"})
        assert anonymous.records["action"].tolist() == ["new entity"]
        login = resolver.add(person("app-1", "Ann", "Lee", "1970-01-01", device_id="d-77 "))
        entity = known.records["entity_id"].iloc[0]
        assert set(held_entities(resolver)["entity_id"]) == {entity}
        assert login.events["event"].tolist() == ["merged"]
        match = resolver.match({"device_id": "D-77"})
        assert match[["entity_id", "identifier", "match_probability"]].values.tolist() == [
            [entity, "device", 1.0]]


def test_a_generic_identifier_stops_linking_and_is_reported(
        linker: gd.Linker, store: Path) -> None:
    shop = "020 7946 0000"
    customers = [person(f"c{i}", first, "Smith" if i % 2 else "Jones", f"19{60 + i}-02-03",
                        shop_phone=shop)
                 for i, first in enumerate(["Ann", "Bob", "Cy", "Di", "Ed"])]
    with gd.Resolver(store, linker, identifiers={"phone": "shop_phone"},
                     max_identifier_entities=3) as resolver:
        added = resolver.add(customers)
        assert held_entities(resolver)["entity_id"].nunique() == 5
        assert any(shop in w and "generic" in w for w in added.warnings)
        flagged = resolver.generic_identifiers()
        assert flagged[["identifier", "n_entities"]].values.tolist() == [["phone", 5]]
        assert shop not in flagged.to_string()


def test_an_identifier_found_generic_later_withdraws_the_links_it_made(
        linker: gd.Linker, store: Path) -> None:
    tablet = {"tablet": "T-1"}
    family = [person(f"f{i}", first, surname, f"19{70 + i}-03-04", **tablet)
              for i, (first, surname) in enumerate([("Ann", "Lee"), ("Bob", "Ray"),
                                                    ("Cy", "Oduya"), ("Di", "Park")])]
    with gd.Resolver(store, linker, identifiers=["tablet"],
                     max_identifier_entities=2) as resolver:
        resolver.add(family[:2])
        assert held_entities(resolver)["entity_id"].nunique() == 1  # tied by the tablet
        shared = resolver.add(family[2:])
        assert held_entities(resolver)["entity_id"].nunique() == 4
        assert "split" in set(shared.events["event"])


# Erasure and transparency ----------------------------------------------------------------


def test_forget_erases_every_value_from_the_file(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker, golden=GOLDEN) as resolver:
        resolver.add(people)
        # the victim: a record of a multi-record entity whose e-mail no other record holds
        mailbox = gd.col("email").email().evaluate(people)
        own_mailbox = set(people.loc[mailbox.map(mailbox.value_counts()).eq(1), "unique_id"])
        sizes = held_entities(resolver)["entity_id"].value_counts()
        entity, victim = next((entity, row) for entity in sizes.index[sizes >= 2]
                              for _, row in resolver.entity(entity).iterrows()
                              if row["unique_id"] in own_mailbox)
        secret = mailbox[people["unique_id"] == victim["unique_id"]].iloc[0]
        assert secret in json.dumps(resolver.golden(entity), default=str)
        others = people[people["unique_id"] != victim["unique_id"]]
        secrets = [str(victim["unique_id"]), str(victim["email"]), secret]
        if pd.notna(victim["phone"]) and not others["phone"].eq(victim["phone"]).any():
            secrets.append(str(victim["phone"]))
        events = resolver.forget(victim["unique_id"], reason="customer asked")
        assert events.empty or set(events["event"]) <= {"split", "merged"}
        assert victim["unique_id"] not in set(resolver.entity(entity)["unique_id"])
        golden = resolver.golden(entity)
        assert secret not in json.dumps(golden, default=str)
        assert str(victim["email"]) not in json.dumps(golden, default=str)
        last = resolver.history(entity).iloc[-1]
        assert last["event"] == "record forgotten"
        assert last["detail"] == {"reason": "customer asked"}
        assert last["unique_id"] != victim["unique_id"]
        resolver.compact()
        again = resolver.add(people[people["unique_id"] == victim["unique_id"]])
        assert again.records.empty and "forgotten" in again.rejected["reason"].iloc[0]
    content = b"".join(p.read_bytes() for p in store.parent.iterdir()
                       if p.name.startswith(store.name))
    for secret in secrets:
        assert secret.encode() not in content, secret


def test_forget_entity_retires_the_id(linker: gd.Linker, people: pd.DataFrame,
                                      store: Path) -> None:
    with gd.Resolver(store, linker) as resolver:
        added = resolver.add(people.iloc[:200])
        entity = added.records["entity_id"].iloc[0]
        events = resolver.forget_entity(entity)
        assert events[["event", "entity_id"]].values.tolist() == [["retired", entity]]
        with pytest.raises(gd.SchemaError, match="retired"):
            resolver.golden(entity)
        with pytest.raises(gd.SchemaError, match="not held"):
            resolver.forget("nobody")


def test_report_holds_everything_on_a_person_as_json(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    builder = gd.GoldenRecordBuilder(source="source", timestamp="updated_at",
                                     suppress_records="opted_out")
    flagged = people.iloc[:400].assign(opted_out=False)
    with gd.Resolver(store, linker, golden=builder) as resolver:
        added = resolver.add(flagged)
        entity = added.records["entity_id"].value_counts().index[0]
        report = json.loads(json.dumps(resolver.report(entity)))
    members = added.records.loc[added.records["entity_id"] == entity, "unique_id"]
    assert sorted(r["unique_id"] for r in report["records"]) == sorted(members)
    assert report["golden_record"]["entity_id"] == entity
    assert {p["unique_id"] for p in report["provenance"]} <= set(members)
    assert report["consent"][0]["opted_out"] is False
    assert report["sources"] and report["history"][0]["event"] == "entity created"


def test_a_forget_during_an_add_is_not_undone(linker: gd.Linker, people: pd.DataFrame,
                                               store: Path, monkeypatch) -> None:
    # Another process forgets X while this one validates a new version of X: the forget
    # must not be undone (X back in plaintext while tombstoned). The tombstone check holds
    # at commit: it runs inside the write transaction, so the forget waits for the add.
    from golden.resolver import ingest

    victim = people.iloc[:1]
    with gd.Resolver(store, linker) as resolver:
        resolver.add(people.iloc[:50])
    validating = threading.Event()
    real_validate = ingest.validate

    def slow_validate(*args, **kwargs):
        result = real_validate(*args, **kwargs)
        validating.set()
        threading.Event().wait(0.5)  # the other writer's forget lands here, if it can
        return result

    monkeypatch.setattr(ingest, "validate", slow_validate)
    errors: list[BaseException] = []

    def update() -> None:
        try:
            with gd.Resolver(store) as resolver:
                resolver.add(victim.assign(email="new@example.com"))
        except BaseException as error:  # reported below
            errors.append(error)

    def forget() -> None:
        validating.wait(10)
        try:
            with gd.Resolver(store) as resolver:
                resolver.forget(victim["unique_id"].iloc[0])
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=update), threading.Thread(target=forget)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    monkeypatch.setattr(ingest, "validate", real_validate)
    with gd.Resolver(store) as resolver:
        with pytest.raises(gd.SchemaError, match="not held"):
            resolver.forget(victim["unique_id"].iloc[0])
        again = resolver.add(victim)
    assert again.rejected["reason"].str.contains("forgotten").all() and len(again.rejected)


def test_another_applications_file_is_refused_untouched(linker: gd.Linker,
                                                        tmp_path: Path) -> None:
    theirs = tmp_path / "crm.db"
    with sqlite3.connect(theirs) as db:
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO customers VALUES (1, 'Ann')")
    before = theirs.read_bytes()
    with pytest.raises(gd.ConfigError, match=r"another application.*customers"):
        gd.Resolver(theirs, linker)
    assert theirs.read_bytes() == before  # no tables added, not switched to WAL
    assert not (tmp_path / "crm.db-wal").exists()
    text = tmp_path / "notes.db"
    text.write_text("not a database at all, but long enough to have a header " * 10)
    with pytest.raises(gd.ConfigError, match="not a golden resolver store"):
        gd.Resolver(text, linker)


def test_a_writer_held_too_long_is_a_clear_error(linker: gd.Linker, people: pd.DataFrame,
                                                 store: Path, monkeypatch) -> None:
    from golden.resolver import store as store_module

    monkeypatch.setattr(store_module, "BUSY_MS", 200)
    with gd.Resolver(store, linker) as resolver:
        resolver.add(people.iloc[:20])
        other = sqlite3.connect(store, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        try:
            with pytest.raises(gd.StoreError, match=r"another writer.*0\.2 s.*nothing was"):
                resolver.add(people.iloc[20:30])
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert len(resolver.add(people.iloc[20:30]).records) == 10  # and it goes on


def test_a_damaged_store_is_a_clear_error(linker: gd.Linker, people: pd.DataFrame,
                                          store: Path) -> None:
    with gd.Resolver(store, linker) as resolver:
        resolver.add(people.iloc[:300])
    data = bytearray(store.read_bytes())
    data[4096 * 3:4096 * 40] = b"\xff" * (4096 * 37)  # pages past the schema, overwritten
    store.write_bytes(bytes(data))
    with pytest.raises(gd.StoreError, match=rf"{store.name}.*(damaged|cannot be read)"):
        with gd.Resolver(store) as resolver:
            resolver.add(people.iloc[300:310])
            for entity in range(1, 50):
                resolver.entity(entity)


def test_a_resolver_is_used_from_the_thread_that_opened_it(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    # Shared across threads, match() during another thread's add saw the batch before its
    # commit (and batches that then rolled back): one Resolver per thread instead.
    with gd.Resolver(store, linker) as resolver:
        resolver.add(people.iloc[:50])
        raised: list[BaseException] = []

        def use() -> None:
            for call in (lambda: resolver.match(people.iloc[0].to_dict()),
                         lambda: resolver.add(people.iloc[50:60]), lambda: len(resolver)):
                try:
                    call()
                except gd.ConfigError as error:
                    raised.append(error)

        thread = threading.Thread(target=use)
        thread.start()
        thread.join()
        assert len(raised) == 3 and all("one Resolver per thread" in str(e) for e in raised)
        assert len(resolver) == 50  # nothing was added from the other thread
