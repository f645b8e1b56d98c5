"""Scoring a batch of records against the records a store holds.

The batch's block keys are looked up in the store's key table, the pairs sharing a key are
compared with the very comparison indexes and weights the batch pipeline uses, and term
frequencies come from counts over every record held (or frozen counts), so a pair scores
the same whether it was found one record at a time or in one batch.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from golden._compare import ComparisonIndex, comparison_indexes, gamma_matrix
from golden._errors import ConfigError
from golden._fellegi_sunter import probability, score_pairs
from golden._prepare import NormalisedMemo, Records
from golden._store import Hasher, Store

if TYPE_CHECKING:
    from golden._linker import Linker

KEY_COLUMNS = ["kind", "key", "row_id"]


class Matcher:
    """A fitted Linker's blocking, comparisons and weights, applied against a store.

    Block keys are stored under the rule's number (0, 1, …); identifiers under -1, -2, ….
    """

    def __init__(self, linker: Linker, store: Store, hasher: Hasher,
                 identifiers: Mapping[str, str], live_terms: bool) -> None:
        self.linker = linker
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

    # Keys -------------------------------------------------------------------------------

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

    def held_keys(self, keys: pd.DataFrame) -> pd.DataFrame:
        """Rows of the store holding any of these keys."""
        found = []
        for kind, group in keys.groupby("kind", sort=True):
            rows = self.store.select_in(
                "SELECT kind, key, row_id FROM keys WHERE kind = ? AND key IN ({})",
                group["key"].unique().tolist(), int(kind))
            found.append(pd.DataFrame(rows, columns=KEY_COLUMNS, dtype=np.int64))
        if not found:
            return pd.DataFrame({c: np.zeros(0, np.int64) for c in KEY_COLUMNS})
        return pd.concat(found, ignore_index=True)

    def candidate_pairs(self, new: pd.DataFrame, held: pd.DataFrame
                        ) -> tuple[pd.DataFrame, list[str]]:
        """Pairs ``a < b`` (row ids) with at least one new record, sharing a block key,
        tagged with the first rule that finds them; and the oversized keys skipped."""
        new = new[new["kind"] >= 0]
        every = pd.concat([new, held[held["kind"] >= 0]], ignore_index=True).drop_duplicates()
        sizes = every.groupby(["kind", "key"]).size().rename("size").reset_index()
        limits = pd.Series([getattr(r, "max_block_size", None) or np.inf for r in self.rules])
        sizes["limit"] = limits.to_numpy()[sizes["kind"].to_numpy()]
        oversized = sizes[sizes["size"] > sizes["limit"]]
        skipped = [f"{self.rules[k].label!r} ({n:,} records)"
                   for k, n in zip(oversized["kind"], oversized["size"], strict=True)]
        if len(oversized):
            every = every.merge(oversized[["kind", "key"]], how="left", indicator=True)
            every = every[every["_merge"] == "left_only"].drop(columns="_merge")
            new = new.merge(oversized[["kind", "key"]], how="left", indicator=True)
            new = new[new["_merge"] == "left_only"].drop(columns="_merge")
        joined = new.merge(every, on=["kind", "key"], suffixes=("_new", "_other"))
        x, y = joined["row_id_new"].to_numpy(), joined["row_id_other"].to_numpy()
        pairs = pd.DataFrame({"a": np.minimum(x, y), "b": np.maximum(x, y),
                              "rule": joined["kind"].to_numpy()})[x != y]
        pairs = pairs.groupby(["a", "b"], as_index=False, sort=True)["rule"].min()
        return pairs, skipped

    # Scoring ----------------------------------------------------------------------------

    def score(self, data: Records, left: np.ndarray, right: np.ndarray
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
        hashes = self.hasher.integers([str(v) for v in values])
        counts = dict(self.store.select_in(
            "SELECT value, count FROM term_counts WHERE comparison = ? AND value IN ({})",
            np.unique(hashes).tolist(), j))
        row = self.store.db.execute("SELECT total FROM term_totals WHERE comparison = ?",
                                    (j,)).fetchone()
        total = max(row[0] if row else 0, 1)
        # a value not held yet is as rare as one record
        return np.array([counts.get(int(h), 1) / total for h in hashes], dtype=np.float64)

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
            self.store.db.executemany(
                "INSERT INTO term_counts VALUES (?, ?, ?) ON CONFLICT (comparison, value) "
                "DO UPDATE SET count = count + excluded.count",
                [(j, int(h), sign * int(c)) for h, c in zip(hashes, counts[held], strict=True)])
            self.store.db.execute(
                "INSERT INTO term_totals VALUES (?, ?) ON CONFLICT (comparison) "
                "DO UPDATE SET total = total + excluded.total", (j, sign * len(codes)))
        self.store.db.execute("DELETE FROM term_counts WHERE count <= 0")


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
    exploded = frame[column].reset_index(drop=True).explode().dropna()
    text = exploded.astype(str).str.strip().str.lower()
    text = text[text != ""]
    return text.index.to_numpy(dtype=np.int64), text.to_numpy(dtype=object)


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
