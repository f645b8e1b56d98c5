"""Re-resolving a store under a new model and the review queue, from the user's side:
reresolve keeps decisions and the ids of entities it does not change, gives the batch
pipeline's entities under the new model with the same decisions, and refuses a model the
records cannot feed; review lists the undecided pairs nearest the threshold, with their
explanation, writes nothing, and a decided pair leaves it."""

from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import golden as gd
from golden import comparisons as cmp
from golden.datasets import make_people
from golden.demo import BLOCKING, COMPARISONS, TRAINING

N_PEOPLE = 2_500
THRESHOLD = 0.5
KINDS = {"pair near the threshold", "entity held by one weak link"}


def fit(comparisons: list, blocking: list, records: pd.DataFrame) -> gd.Linker:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gd.Linker(comparisons, blocking, training_blocking=TRAINING,
                         random_state=0).fit(records)


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    return make_people(N_PEOPLE, random_state=11).drop(columns=["person_id", "household_id"])


@pytest.fixture(scope="module")
def linker(people: pd.DataFrame) -> gd.Linker:
    return fit(COMPARISONS, BLOCKING[:2], people)


@pytest.fixture(scope="module")
def retrained() -> gd.Linker:
    """A model fitted on other people, with an extra comparison and more blocking."""
    other = make_people(N_PEOPLE, random_state=29).drop(columns=["person_id", "household_id"])
    return fit([*COMPARISONS, cmp.exact("city")], BLOCKING, other)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "customers.db"


def partition(frame: pd.DataFrame) -> set[frozenset]:
    return {frozenset(ids) for _, ids in frame.groupby("entity_id")["unique_id"]}


def entity_of(resolver: gd.Resolver) -> pd.Series:
    return resolver.entities().set_index("unique_id")["entity_id"]


def stored(path: Path) -> dict[str, list]:
    with sqlite3.connect(path) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = "
                                           "'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in tables}


def batch(linker: gd.Linker, people: pd.DataFrame, decisions: pd.DataFrame | None = None
          ) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pairs = linker.predict(people, threshold=THRESHOLD)
        return linker.cluster(pairs, people, threshold=THRESHOLD, decisions=decisions)


def bits(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-15, 1 - 1e-15)
    return np.log2(p / (1 - p))


# reresolve -----------------------------------------------------------------------------------


def decide_some(resolver: gd.Resolver, retrained: gd.Linker, people: pd.DataFrame
                ) -> pd.DataFrame:
    """A link of two records the new model keeps apart and an unlink of two records it
    joins; as a decisions table."""
    new = batch(retrained, people).set_index("unique_id")["entity_id"]
    sizes = new.map(new.value_counts())
    big = new[sizes >= 3]
    members = big.index[big == big.iloc[0]]
    unlink = (members[0], members[-1])
    singles = new[(sizes == 1)].index
    link = (singles[0], singles[1])
    resolver.link(*link, reason="same customer (phoned)", by="ana")
    resolver.unlink(*unlink, reason="twins", by="bo")
    return pd.DataFrame([(*link, "match"), (*unlink, "non_match")],
                        columns=["unique_id_l", "unique_id_r", "decision"])


def test_reresolve_honours_decisions_and_equals_batch_under_the_new_model(
        linker: gd.Linker, retrained: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker) as resolver:
        resolver.add(people.iloc[:1_500])
        resolver.add(people.iloc[1_500:])
        decisions = decide_some(resolver, retrained, people)
        before = resolver.entities()
        events = resolver.reresolve(retrained, by="ana", reason="retrained on 2024 data")
        after = resolver.entities()
        ids = after.set_index("unique_id")["entity_id"]
        (a, b), (x, y) = decisions[["unique_id_l", "unique_id_r"]].to_numpy().tolist()
        assert ids[a] == ids[b] and ids[x] != ids[y]  # the decisions hold
        assert partition(after) == partition(batch(retrained, people, decisions))
        assert partition(after) != partition(before)  # the new model changed entities
        # an entity whose records are the same keeps its id
        old_sets = {frozenset(g): e for e, g in before.groupby("entity_id")["unique_id"]}
        new_sets = {frozenset(g): e for e, g in after.groupby("entity_id")["unique_id"]}
        kept = old_sets.keys() & new_sets.keys()
        assert kept and all(old_sets[s] == new_sets[s] for s in kept)
        # the events say what changed; an absorbed id leads to its survivor
        assert set(events["event"]) <= {"merged", "split", "moved", "created", "retired"}
        for old, survivor in events.loc[events["event"] == "merged",
                                        ["entity_id", "other_id"]].to_numpy().tolist():
            assert resolver.resolve_id(old) == resolver.resolve_id(survivor)
        # every active entity has its golden record, built from its records now
        assert resolver.check().ok
        for entity in after["entity_id"].drop_duplicates().iloc[:50]:
            assert resolver.golden(int(entity))["entity_id"] == entity
        # a later batch goes through the new model (its extra comparison is explained)
        assert "mw_city" in resolver.match(people.iloc[0].to_dict()).columns
    with sqlite3.connect(store) as db:
        (detail,) = db.execute("SELECT detail FROM audit WHERE event = "
                               "'re-resolved under a new model'").fetchone()
        assert '"by":"ana"' in detail.replace(" ", "") and "city" in detail
    with gd.Resolver(store) as reopened:  # the stored model is the new one
        assert reopened.linker.to_dict() == retrained.to_dict()
        assert partition(reopened.entities()) == partition(after)


def test_reresolve_then_later_batches_equal_batch_with_frozen_term_frequencies(
        linker: gd.Linker, retrained: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker, term_frequencies=people) as resolver:
        resolver.add(people.iloc[:1_200])
        resolver.reresolve(retrained)  # first_name's frozen counts carried over
        resolver.add(people.iloc[1_200:])
        assert partition(resolver.entities()) == partition(batch(retrained, people))
        assert resolver.check().ok


def test_reresolve_under_the_same_model_changes_nothing(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker, term_frequencies=people) as resolver:
        resolver.add(people)
        before = resolver.entities()
        events = resolver.reresolve(linker)
        assert events.empty
        pd.testing.assert_frame_equal(resolver.entities(), before)


def test_reresolve_refuses_a_model_the_records_cannot_feed_and_changes_nothing(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    loyal = people.assign(loyalty_no=np.arange(len(people)).astype(str))
    other = fit([*COMPARISONS, cmp.exact("loyalty_no")], BLOCKING[:2], loyal)
    with gd.Resolver(store, linker) as resolver:
        resolver.add(people.iloc[:800])
        resolver.link(*people["unique_id"].iloc[:2], reason="same", by="ana")
        before = stored(store)
        with pytest.raises(gd.ConfigError, match="loyalty_no"):
            resolver.reresolve(other)
        with pytest.raises(gd.ConfigError, match=r"fitted golden\.Linker"):
            resolver.reresolve(gd.Linker(COMPARISONS, BLOCKING))
        assert stored(store) == before
        assert resolver.linker.to_dict() == linker.to_dict()
        resolver.add(people.iloc[800:900])  # still works under the old model
        assert resolver.check().ok


# review ----------------------------------------------------------------------------------------


def test_review_lists_the_undecided_pairs_nearest_the_threshold(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker, term_frequencies=people) as resolver:
        for start in range(0, len(people), 700):
            resolver.add(people.iloc[start:start + 700])
        before = stored(store)
        queue = resolver.review(30)
        assert stored(store) == before  # read-only
        names = [c.name for c in linker.comparisons_]
        assert queue.columns.tolist() == [
            "kind", "unique_id_l", "unique_id_r", "entity_id_l", "entity_id_r",
            "match_probability", "match_weight", "why", *[f"mw_{n}" for n in names]]
        assert len(queue) == 30 and set(queue["kind"]) <= KINDS
        closeness = np.abs(bits(queue["match_probability"]) - bits(THRESHOLD))
        assert np.all(np.diff(closeness) >= -1e-9)  # nearest first
        # the explanation adds up to the weight
        parts = queue[[f"mw_{n}" for n in names]].sum(axis=1)
        np.testing.assert_allclose(parts + linker.weight_table().prior,
                                   queue["match_weight"], atol=1e-3)
        # the same pairs the batch pipeline scores nearest the threshold
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pairs = linker.predict(people, pairs=None)
        expected = np.sort(np.abs(bits(pairs["match_probability"]) - bits(THRESHOLD)))[:30]
        np.testing.assert_allclose(closeness, expected, atol=1e-6)
        ids = entity_of(resolver)
        assert (queue["entity_id_l"] == ids[queue["unique_id_l"]].to_numpy()).all()
        assert queue["why"].str.contains("threshold").all()


def test_a_decided_pair_leaves_the_queue(linker: gd.Linker, people: pd.DataFrame,
                                         store: Path) -> None:
    with gd.Resolver(store, linker) as resolver:
        resolver.add(people)
        for decide in (resolver.link, resolver.unlink):
            top = resolver.review(10).iloc[0]
            pair = (top["unique_id_l"], top["unique_id_r"])
            decide(*pair, reason="checked", by="ana")
            queue = resolver.review(10_000)
            listed = set(zip(queue["unique_id_l"], queue["unique_id_r"], strict=True))
            assert pair not in listed and pair[::-1] not in listed
        decided = resolver.decisions()
        listed = set(zip(queue["unique_id_l"], queue["unique_id_r"], strict=True))
        assert not listed & set(zip(decided["unique_id_l"], decided["unique_id_r"],
                                    strict=True))
        assert resolver.check().ok


def test_an_entity_held_by_one_weak_link_splits_as_review_says(
        linker: gd.Linker, people: pd.DataFrame, store: Path) -> None:
    with gd.Resolver(store, linker) as resolver:
        resolver.add(people)
        queue = resolver.review(10_000)
        weak = queue[queue["kind"] == "entity held by one weak link"]
        assert len(weak)
        item = weak.iloc[0]
        assert item["entity_id_l"] == item["entity_id_r"]
        assert item["match_probability"] >= THRESHOLD
        x, y = (int(v) for v in item["why"].split("splits into ")[1].split(" records")[0]
                .split(" + "))
        resolver.unlink(item["unique_id_l"], item["unique_id_r"], reason="no", by="ana")
        ids = entity_of(resolver)
        sizes = sorted([(ids == ids[item["unique_id_l"]]).sum(),
                        (ids == ids[item["unique_id_r"]]).sum()], reverse=True)
        assert sizes == [x, y]


def test_review_of_an_empty_store_and_bad_counts(linker: gd.Linker, store: Path) -> None:
    with gd.Resolver(store, linker) as resolver:
        queue = resolver.review()
        assert queue.empty and queue.columns[:8].tolist() == [
            "kind", "unique_id_l", "unique_id_r", "entity_id_l", "entity_id_r",
            "match_probability", "match_weight", "why"]
        assert resolver.review(0).empty
        for bad in (-1, True, 2.5, "10"):
            with pytest.raises(gd.ConfigError, match="n: got"):
                resolver.review(bad)  # type: ignore[arg-type]
