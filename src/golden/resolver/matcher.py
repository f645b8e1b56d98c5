"""Scoring records against the records a store holds: a batch as it is added, or one
record to ``match`` without changing anything.

The records' block keys are looked up in the store's key table, the pairs sharing a key are
compared with the very comparison indexes and weights the batch pipeline uses, and term
frequencies come from counts over every record held (or frozen counts), so a pair scores
the same whether it was found one record at a time or in one batch.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from golden._base.cells import column_problems, is_null, value_problem
from golden.comparisons.vectors import ComparisonIndex, comparison_indexes, gamma_matrix
from golden.errors import ConfigError, SchemaError
from golden.model.weights import probability, score_pairs
from golden.records import Encoded, NormalisedMemo, Records
from golden.resolver.codecs import (
    Hasher,
    decode_prepared,
    decode_record,
    encode_prepared,
    encode_record,
)
from golden.resolver.held import HeldRecords
from golden.resolver.store import Store
from golden.values import Expr
from golden.values import per_value as pv

if TYPE_CHECKING:
    from golden.estimators.linker import Linker

KEY_COLUMNS = ["kind", "key", "row_id"]


class Prepared:
    """The comparison inputs of some records, already normalised (one list per record, in
    ``Matcher.inputs`` order): what ``ComparisonIndex`` reads of ``Records``, without
    normalising again.

    Examples
    --------
    >>> from golden import col
    >>> prepared = Prepared([col("name").clean()], [["ann"], [None], ["ann"]])
    >>> encoded = prepared.encode(col("name").clean())
    >>> encoded.codes.tolist(), encoded.values.tolist()
    ([0, -1, 0], ['ann'])
    """

    def __init__(self, inputs: Sequence[Expr], rows: Sequence[Sequence[Any]]) -> None:
        self.n = len(rows)
        self._position = {expr: i for i, expr in enumerate(inputs)}
        self._rows = rows
        self._encoded: dict[Expr, Encoded] = {}

    def encode(self, expr: Expr) -> Encoded:
        """Codes of the records' values of ``expr`` (cached); nulls are -1."""
        if expr not in self._encoded:
            i = self._position[expr]
            self._encoded[expr] = _factorize([row[i] for row in self._rows])
        return self._encoded[expr]


def _factorize(values: list[Any]) -> Encoded:
    if len(values) <= pv.SMALL_INPUT and all(
            v is None or isinstance(v, str) for v in values):
        index: dict[str, int] = {}
        codes = [-1 if v is None else index.setdefault(v, len(index)) for v in values]
        return Encoded(np.array(codes, dtype=np.int32), np.array(list(index), dtype=object))
    codes, uniques = pd.factorize(pd.Series(values), use_na_sentinel=True)
    return Encoded(codes.astype(np.int32), np.asarray(uniques))


class Matcher:
    """A fitted Linker's blocking, comparisons and weights, applied against a store.

    Block keys are stored under the rule's number (0, 1, …); identifiers under -1, -2, ….
    """

    def __init__(self, linker: Linker, store: Store, hasher: Hasher,
                 identifiers: Mapping[str, str], live_terms: bool, held: HeldRecords) -> None:
        self.linker = linker
        self.held = held
        self.comparisons = list(linker.comparisons_)
        self.rules = linker.blocking_.rules
        self.table = linker.weight_table()
        self.store, self.hasher = store, hasher
        self.identifiers = dict(identifiers)
        self.live_terms = live_terms
        self.memo = NormalisedMemo()
        self.unique_id, self.source = linker.unique_id, linker.source
        self.columns = list(dict.fromkeys(
            [c for comp in self.comparisons for c in comp.columns]
            + list(linker.blocking_.columns)))
        self.inputs = list(dict.fromkeys(e for comp in self.comparisons for e in comp.inputs))
        # each rule's largest block (records sharing a key); inf for no limit
        self.block_limits = [getattr(r, "max_block_size", None) or np.inf for r in self.rules]
        self._check_rules()

    def _check_rules(self) -> None:
        empty = Records(pd.DataFrame({self.unique_id: [], **{c: [] for c in self.columns}}),
                        self.unique_id, None)
        for rule in self.rules:
            rule.block_keys(empty)  # raises ConfigError for rules that need every record

    # Records ----------------------------------------------------------------------------

    def records(self, frame: pd.DataFrame) -> Records:
        """Records over a frame of held or new records (missing columns as nulls)."""
        frame = frame.reset_index(drop=True)
        for column in self.columns:
            if column not in frame.columns:
                frame[column] = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return Records(frame, self.unique_id,
                           self.source if self.source in frame.columns else None, self.memo)

    def prepare(self, data: Records) -> list[list[Any]]:
        """Each record's comparison inputs, normalised (see ``Prepared``)."""
        columns = []
        for expr in self.inputs:
            values = data.values(expr).tolist()
            columns.append([None if is_null(v) else v for v in values])
        return [list(row) for row in zip(*columns, strict=True)] if columns else [
            [] for _ in range(data.n)]

    def prepare_one(self, record: Mapping[str, Any]) -> list[Any]:
        """One record's comparison inputs, normalised value by value (the batch path when a
        value needs it)."""
        try:
            return [pv.evaluate(e, record.get(e.column)) for e in self.inputs]
        except pv.Decline:
            return self.prepare(self.records(pd.DataFrame([dict(record)])))[0]

    def held_inputs(self, rows: list[int], *, keep: bool = True) -> list[list[Any]]:
        """The held records' prepared comparison inputs, in the given order (computed, and
        kept when ``keep`` and writing, for records stored before they were prepared)."""
        held = self.store.prepared_of(rows)
        found = dict(zip([row for row, _ in held], decode_prepared([t for _, t in held]),
                         strict=True))
        missing = [r for r in rows if r not in found]
        if missing:
            data = self.records(self.held.frame(missing))
            found.update(zip(missing, self.prepare(data), strict=True))
            if keep and self.store.in_transaction:
                self.store.put_prepared([(r, encode_prepared(found[r])) for r in missing])
        return [found[r] for r in rows]

    def prepared(self, rows: list[int]) -> Prepared:
        """The held rows' comparison inputs, to score, without writing anything."""
        return Prepared(self.inputs, self.held_inputs(rows, keep=False))

    # Keys -------------------------------------------------------------------------------

    def keys_of_one(self, record: Mapping[str, Any]) -> list[tuple[int, int]]:
        """``(kind, key)`` of one record's block keys and identifiers."""
        keys = []
        for number, rule in enumerate(self.rules):
            try:
                texts = rule.keys_of_one(record)
            except pv.Decline:
                data = self.records(pd.DataFrame([dict(record)]))
                texts = list(rule.block_keys(data)[1])
            keys += [(number, self.hasher.integer(text)) for text in dict.fromkeys(texts)]
        for number, column in enumerate(self.identifiers.values()):
            values = _identifier_texts(record.get(column))
            keys += [(-1 - number, self.hasher.integer(v)) for v in dict.fromkeys(values)]
        return keys

    def block_keys(self, data: Records, row_ids: np.ndarray) -> pd.DataFrame:
        """``kind``, ``key``, ``row_id`` of every block key of ``data``'s records."""
        parts = []
        for number, rule in enumerate(self.rules):
            rows, text = rule.block_keys(data)
            parts.append(_keys(number, self.hasher.integers(text), row_ids[rows]))
        for number, column in enumerate(self.identifiers.values()):
            rows, text = identifier_values(data.frame, column)
            parts.append(_keys(-1 - number, self.hasher.integers(text), row_ids[rows]))
        return pd.concat(parts, ignore_index=True).drop_duplicates()

    def held_keys(self, keys: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Rows of the store holding the batch's block keys, and per key how many records
        share it (held and new). Rows are read only for keys within their rule's block
        limit: the others are counted in the store, so a placeholder value shared by
        thousands of records costs a count, not thousands of rows."""
        new = keys[keys["kind"] >= 0].drop_duplicates()
        sizes = new.groupby(["kind", "key"]).size().rename("size").reset_index()
        found = [pd.DataFrame({c: np.zeros(0, np.int64) for c in KEY_COLUMNS})]
        limits = self.block_limits
        for kind, group in sizes.groupby("kind", sort=True):
            held = self.store.key_counts(int(kind), group["key"].tolist())
            total = group["size"].to_numpy() + np.array(
                [held.get(k, 0) for k in group["key"].tolist()], dtype=np.int64)
            sizes.loc[group.index, "size"] = total
            small = group["key"][total <= limits[int(kind)]].tolist()
            rows = self.store.key_rows(int(kind), small)
            found.append(pd.DataFrame(rows, columns=KEY_COLUMNS, dtype=np.int64))
        return pd.concat(found, ignore_index=True), sizes

    def candidate_pairs(self, new: pd.DataFrame, held: pd.DataFrame, sizes: pd.DataFrame
                        ) -> tuple[pd.DataFrame, list[str]]:
        """Pairs ``a < b`` (row ids) with at least one new record, sharing a block key,
        tagged with the first rule that finds them; and the oversized keys skipped.
        ``held`` and ``sizes`` are ``held_keys``'s."""
        limits = np.array(self.block_limits, dtype=float)
        oversized = sizes[sizes["size"].to_numpy() > limits[sizes["kind"].to_numpy()]]
        skipped = [f"{self.rules[k].label!r} ({n:,} records)"
                   for k, n in zip(oversized["kind"], oversized["size"], strict=True)]
        new = new[new["kind"] >= 0].merge(oversized[["kind", "key"]], how="left",
                                          indicator=True)
        new = new[new["_merge"] == "left_only"].drop(columns="_merge")
        every = pd.concat([new, held], ignore_index=True).drop_duplicates()
        joined = new.merge(every, on=["kind", "key"], suffixes=("_new", "_other"))
        x, y = joined["row_id_new"].to_numpy(), joined["row_id_other"].to_numpy()
        pairs = pd.DataFrame({"a": np.minimum(x, y), "b": np.maximum(x, y),
                              "rule": joined["kind"].to_numpy()})[x != y]
        pairs = pairs.groupby(["a", "b"], as_index=False, sort=True)["rule"].min()
        return pairs, skipped

    # Scoring ----------------------------------------------------------------------------

    def score(self, data: Records | Prepared, left: np.ndarray, right: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[ComparisonIndex]]:
        """Weight, per-comparison weights and gammas of pairs of ``data``'s rows."""
        indexes = comparison_indexes(data, self.comparisons)
        for j, index in enumerate(indexes):
            if self.table.tf_gammas[j]:
                index.use_term_shares(self.term_shares(j, index.term_values))
        gammas = gamma_matrix(indexes, left, right)
        weight, parts = score_pairs(self.table, indexes, gammas, left)
        return weight, parts, gammas, indexes

    def probability(self, weight: np.ndarray) -> np.ndarray:
        """Match probability of match weights."""
        return probability(weight)

    # Term frequencies -------------------------------------------------------------------

    def term_shares(self, j: int, values: np.ndarray) -> np.ndarray:
        """Share of held records with each value (input 0 of comparison ``j``)."""
        hashes = [self.hasher.integer(str(v)) for v in values]
        counts = self.store.term_counts(j, dict.fromkeys(hashes))
        total = max(self.store.term_total(j), 1)
        # a value not held yet is as rare as one record
        return np.array([counts.get(h, 1) / total for h in hashes], dtype=np.float64)

    def count_terms(self, data: Records, sign: int) -> None:
        """Add (``sign=1``) or remove (``-1``) these records' values from the term counts."""
        for j, comparison in enumerate(self.comparisons):
            if not self.table.tf_gammas[j]:
                continue
            encoded = data.encode(comparison.inputs[0])
            codes = encoded.codes[encoded.codes >= 0]
            if len(codes) == 0:
                continue
            counts = np.bincount(codes, minlength=len(encoded.values))
            held = np.flatnonzero(counts)
            hashes = self.hasher.integers([str(encoded.values[i]) for i in held])
            self.store.add_term_counts(
                j, [(int(h), sign * int(c)) for h, c in zip(hashes, counts[held], strict=True)],
                sign * len(codes))
            if sign < 0:
                self.store.delete_spent_terms(j, hashes.tolist())

    # Matching one record ---------------------------------------------------------------

    def match(self, record: pd.DataFrame | Mapping[str, Any], threshold: float | None
              ) -> pd.DataFrame:
        """The entities a record would join, best first (see ``Resolver.match``)."""
        probe = _probe(record)
        holders = self._holders(self.keys_of_one(probe))
        candidates = sorted({row for (kind, _), rows in holders.items() if kind >= 0
                             for row in rows})
        tied = self._identifier_hits(holders)
        rows = sorted(set(candidates) | set(tied))
        info = {row: (uid, entity) for row, uid, entity in self.store.record_ids(rows)}
        scores = dict(zip(candidates, self._probe_scores(probe, candidates), strict=True))
        unscored = (np.nan, np.nan, [np.nan] * len(self._part_names))
        found = [(info[row][1], *scores.get(row, unscored), info[row][0], tied.get(row), row)
                 for row in rows]
        found = [(e, 1.0 if tie else p, w, parts, uid, tie, row)
                 for e, p, w, parts, uid, tie, row in found
                 if threshold is None or (1.0 if tie else p) >= threshold]
        # best first: probability, then weight (unscored last), then the earlier record;
        # each entity by its best record
        found.sort(key=lambda f: (-f[1], -f[2] if f[2] == f[2] else np.inf, f[6]))
        best, seen = [], set()
        for candidate in found:
            if candidate[0] not in seen:
                seen.add(candidate[0])
                best.append(candidate)
        return _match_frame(best, self._match_columns)

    @functools.cached_property
    def _match_columns(self) -> pd.Index:
        """``match``'s columns, made once (an index of text costs more to infer each time)."""
        return pd.Index(["entity_id", "match_probability", "match_weight", "unique_id",
                         "identifier", *[f"mw_{name}" for name in self._part_names]])

    @functools.cached_property
    def _part_names(self) -> list[str]:
        """The names of the weight parts: each comparison, then the dependence correction."""
        return self.table.part_names([c.name for c in self.comparisons])

    def _holders(self, keys: Sequence[tuple[int, int]]) -> dict[tuple[int, int], list[int]]:
        """Held rows sharing each of the probe's keys, read in one query; none for a block
        key whose block, with the probe, would pass its rule's limit (no more rows than the
        limit are read to know)."""
        limits = [self.block_limits[kind] if kind >= 0 else np.inf for kind, _ in keys]
        found = self.store.holders(keys, [-1 if limit == np.inf else int(limit)
                                          for limit in limits])
        return {key: [] if len(found[i]) + 1 > limits[i] else found[i]
                for i, key in enumerate(keys)}

    def _probe_scores(self, probe: dict[str, Any], rows: list[int]
                      ) -> list[tuple[float, float, list[float]]]:
        """Match probability, weight and per-comparison weights of the probe against each
        held row."""
        if not rows:
            return []
        data = Prepared(self.inputs, [self.prepare_one(probe), *self.held_inputs(rows)])
        weight, parts, _, _ = self.score(
            data, np.zeros(len(rows), dtype=np.int64), np.arange(1, len(rows) + 1))
        return list(zip(self.probability(weight).tolist(), weight.tolist(),
                        parts.tolist(), strict=True))

    def _identifier_hits(self, holders: Mapping[tuple[int, int], list[int]]
                         ) -> dict[int, str]:
        """Held rows tied to the probe by an identifier that is not generic, and which."""
        names = list(self.identifiers)
        hits: dict[int, str] = {}
        for (kind, key), rows in sorted(holders.items(), reverse=True):
            if kind >= 0 or not rows or self.store.is_generic(kind, key):
                continue
            for row in rows:
                hits.setdefault(row, names[-1 - kind])
        return hits


def _probe(record: pd.DataFrame | Mapping[str, Any]) -> dict[str, Any]:
    """One record to match, read as a stored record reads back (JSON round trip)."""
    if isinstance(record, pd.DataFrame):
        if len(record) != 1:
            raise ConfigError(f"match: expected one record, got {len(record)}; call it "
                              "per record")
        record = record.iloc[0].to_dict()
    elif not isinstance(record, Mapping):
        raise ConfigError(f"match: got {type(record).__name__}, expected a dict or a "
                          "one-row DataFrame")
    bad = column_problems(list(record), "match") + [
        f"{c!r} {p}" for c, v in record.items() if (p := value_problem(v)) is not None]
    if bad:
        raise SchemaError(f"match: the record cannot be read: {'; '.join(bad)}")
    return decode_record(encode_record(dict(record)))


def _match_frame(best: list[tuple[Any, ...]], columns: pd.Index) -> pd.DataFrame:
    """``match``'s result from its candidates ``(entity, probability, weight, parts,
    unique_id, identifier, row)``: plain arrays, one frame construction, ids as objects."""
    index = pd.RangeIndex(len(best))
    parts = np.array([f[3] for f in best], dtype=np.float64)
    weights = parts.reshape(len(best), len(columns) - 5)  # one column per comparison
    arrays = [np.array([f[0] for f in best], dtype=np.int64),
              np.array([f[1] for f in best], dtype=np.float64),
              np.array([f[2] for f in best], dtype=np.float64),
              _objects([f[4] for f in best], index), _objects([f[5] for f in best], index),
              *weights.T]
    # numbered, then named: names of text given as keys are inferred anew, at some cost
    frame = pd.DataFrame(dict(enumerate(arrays)), index=index, copy=False)
    frame.columns = columns
    return frame


def _objects(values: list[Any], index: pd.RangeIndex) -> pd.Series:
    """Values as an object column (not inferred as text, which costs more for a few)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return pd.Series(array, index=index, dtype=object, copy=False)


def identifier_values(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Rows and normalised values (trimmed, lower case) of an identifier column, which may
    hold lists; empty values are dropped.

    Examples
    --------
    >>> frame = pd.DataFrame({"device": ["AB-1 ", None, ["x", "AB-1"]]})
    >>> rows, values = identifier_values(frame, "device")
    >>> rows.tolist(), values.tolist()
    ([0, 2, 2], ['ab-1', 'x', 'ab-1'])
    """
    if column not in frame.columns:
        return np.zeros(0, np.int64), np.zeros(0, object)
    found = [(row, text) for row, value in enumerate(frame[column].tolist())
             for text in _identifier_texts(value)]
    return (np.array([r for r, _ in found], dtype=np.int64),
            np.array([t for _, t in found], dtype=object))


def _identifier_texts(value: Any) -> list[str]:
    """One record's identifier values: each element of a list, trimmed and lower-cased."""
    items = value if isinstance(value, list | tuple | np.ndarray) else [value]
    texts = (str(v).strip().lower() for v in items if not is_null(v))
    return [t for t in texts if t]


def _keys(kind: int, keys: np.ndarray, rows: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"kind": np.full(len(keys), kind, np.int64), "key": keys,
                         "row_id": rows.astype(np.int64)})


def check_identifiers(identifiers: Any) -> dict[str, str]:
    """``identifiers`` as a name → column dict, or a ConfigError naming the problem."""
    if identifiers is None:
        return {}
    if isinstance(identifiers, Sequence) and not isinstance(identifiers, str):
        identifiers = {c: c for c in identifiers}
    if not isinstance(identifiers, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in identifiers.items()):
        raise ConfigError(f"identifiers: got {identifiers!r}, expected a list of column "
                          "names or a dict of identifier name to column")
    return dict(identifiers)
