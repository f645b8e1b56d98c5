"""The resolver store's named statements, each against a store in memory."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from golden.resolver.store import CHUNK, Store


@pytest.fixture
def store() -> Iterator[Store]:
    store = Store(":memory:")
    yield store
    store.close()


def add_records(store: Store, *records: tuple[int, str]) -> None:
    """Records ``(row_id, unique_id)`` holding their id as their data."""
    store.insert_records([(row, uid, json.dumps({"unique_id": uid}), 1.0, 2.0)
                          for row, uid in records])


def test_records_are_read_by_row_by_id_and_by_entity(store: Store) -> None:
    assert store.last_row_id() == 0
    add_records(store, (1, "a"), (2, "b"), (3, "c"))
    assert store.last_row_id() == 3 and store.count_records() == 3
    assert store.held_versions(["b", "z"]) == [(2, "b", -1, '{"unique_id": "b"}', 1.0)]
    assert store.entities_of_rows([1, 2]) == set()  # in no entity yet
    store.move_records([(7, 1), (7, 3)])
    assert store.entities_of_rows([1, 2, 3]) == {7}
    assert store.rows_of_entities([7]) == {1, 3}
    assert store.records_of_entity(7) == [(1, "a", 7), (3, "c", 7)]
    assert store.records_with_id("b") == [(2, "b", -1)]
    assert sorted(store.record_ids([3, 2])) == [(2, "b", -1), (3, "c", 7)]
    assert [row for row, _ in store.entity_data(7)] == [1, 3]
    assert store.entity_records(7)[0] == ("a", '{"unique_id": "a"}', 1.0, 2.0)


def test_lists_longer_than_a_statement_takes_are_read_in_chunks(store: Store) -> None:
    rows = list(range(1, 2 * CHUNK + 10))
    add_records(store, *[(row, f"u{row}") for row in rows])
    assert len(store.record_data(rows)) == len(rows)
    store.delete_rows(rows[:-1])
    assert store.count_records() == 1


def test_deleting_rows_removes_their_keys_inputs_and_pairs(store: Store) -> None:
    add_records(store, (1, "a"), (2, "b"), (3, "c"))
    store.put_prepared([(1, '["ann"]'), (2, '["bob"]')])
    store.insert_keys([(0, 11, 1), (0, 11, 2), (-1, 5, 1), (-1, 5, 3)])
    store.insert_edges([(1, 2, 0.9), (2, 3, 0.8)])
    store.insert_identity_edges([(1, 3, -1, 5)])
    store.delete_rows([1])
    assert store.record_ids([1, 2, 3]) == [(2, "b", -1), (3, "c", -1)]
    assert store.prepared_of([1, 2]) == [(2, '["bob"]')]
    assert store.key_rows(0, [11]) == [(0, 11, 2)] and store.key_holders(-1, 5) == [3]
    assert store.edges_touching([1, 2, 3]) == [(2, 3, 0.8), (2, 3, 0.8)]  # found from both ends


def test_keys_are_counted_and_read_within_a_limit(store: Store) -> None:
    store.insert_keys([(0, 11, 1), (0, 11, 2), (0, 11, 3), (0, 12, 4), (1, 11, 5)])
    store.insert_keys([(0, 11, 1)])  # held already: kept once
    assert store.key_counts(0, [11, 12, 13]) == {11: 3, 12: 1}
    assert store.key_holders(0, 11) == [1, 2, 3]
    assert store.holders([(0, 11), (0, 12), (1, 11), (0, 13)], [2, -1, -1, 5]) == [
        [1, 2], [4], [5], []]


def test_pairs_are_found_from_either_end_and_identity_pairs_score_one(store: Store) -> None:
    store.insert_edges([(1, 2, 0.9), (2, 3, 0.7)])
    store.insert_edges([(1, 2, 0.95)])  # a pair scored again replaces its score
    store.insert_identity_edges([(3, 4, -1, 5), (3, 4, -2, 6)])
    assert store.edges_from([1, 2]) == [(1, 2), (2, 3)]
    assert sorted(set(store.edges_touching([3]))) == [(2, 3, 0.7), (3, 4, 1.0)]
    assert store.edges_touching([4]) == [(3, 4, 1.0)]  # one pair, however many identifiers


def test_a_generic_identifier_is_flagged_and_its_pairs_dropped(store: Store) -> None:
    store.insert_identity_edges([(1, 2, -1, 5), (1, 2, -1, 6)])
    assert not store.is_generic(-1, 5)
    store.flag_generic(-1, 5, n_entities=4, at=10.0)
    assert store.is_generic(-1, 5) and not store.is_generic(-1, 6)
    assert store.generic_identifiers() == [(-1, 5, 4, 10.0)]
    assert store.edges_touching([1]) == [(1, 2, 1.0)]  # still tied by value 6


def test_term_counts_add_up_and_spent_values_are_dropped(store: Store) -> None:
    assert store.term_total(0) == 0
    store.add_term_counts(0, [(101, 2), (102, 1)], 3)
    store.add_term_counts(0, [(101, 1)], 1)
    assert store.term_counts(0, [101, 102, 103]) == {101: 3, 102: 1}
    assert store.term_total(0) == 4 and store.term_total(1) == 0
    store.add_term_counts(0, [(102, -1)], -1)
    store.delete_spent_terms(0, [101, 102])
    assert store.term_counts(0, [101, 102]) == {101: 3}
    assert store.term_total(0) == 3


def test_entities_are_given_merged_and_retired(store: Store) -> None:
    assert store.entity_status(1) is None
    store.insert_entities([1, 2, 3], now=1.0)
    store.mark_merged([(2, 1), (3, 2)], now=2.0)
    store.mark_retired([1], now=3.0)
    assert store.entity_status(1) == ("retired", None)
    assert store.entity_status(3) == ("merged", 2)
    assert store.merged_into([1]) == {2} and store.merged_into([1, 2]) == {2, 3}
    assert store.next_entity_ids(2) == [1, 2] and store.next_entity_ids(1) == [3]


def test_golden_records_are_replaced_and_deleted(store: Store) -> None:
    store.put_golden([(1, '{"name": "Ann"}', "[]"), (2, "{}", "[]")])
    store.put_golden([(1, '{"name": "Anne"}', '{"name": ["a"]}')])
    assert store.golden_record(1) == '{"name": "Anne"}'
    assert store.golden_provenance(1) == '{"name": ["a"]}'
    store.delete_golden([1, 2])
    with pytest.raises(TypeError):
        store.golden_record(1)


def test_the_audit_log_keeps_order_and_hashes_forgotten_ids(store: Store) -> None:
    store.insert_audit([("record added", 1, "a", {}),
                        ("entity merged", 2, None, {"into": 1})], now=5.0)
    store.insert_audit([("record added", 1, "b", {})], now=6.0)
    store.hash_audit_id("a", "h-a")
    assert store.audit_of([2, 1]) == [(5.0, "record added", 1, "h-a", "{}"),
                                      (5.0, "entity merged", 2, None, '{"into": 1}'),
                                      (6.0, "record added", 1, "b", "{}")]


def test_tombstones_remember_forgotten_ids(store: Store) -> None:
    assert not store.has_tombstones()
    store.insert_tombstone("h-a", now=1.0)
    store.insert_tombstone("h-a", now=2.0)  # held already: kept once
    assert store.has_tombstones()
    assert store.tombstoned(["h-a", "h-b"]) == ["h-a"]


def test_a_failed_transaction_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        add_records(store, (1, "a"))
        assert store.in_transaction
        raise RuntimeError("crash")
    assert not store.in_transaction and store.count_records() == 0
