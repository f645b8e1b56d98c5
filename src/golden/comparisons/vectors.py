"""Comparison vectors: one small int (gamma) per comparison per candidate pair.

Each comparison is evaluated once per *distinct* pair of input values: records are encoded
as one code per distinct combination of the comparison's inputs, pairs are reduced to
distinct (left code, right code) pairs, levels run on those, and gammas are gathered back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

from golden._base.pairs import first_positions
from golden._base.parallel import PARALLEL_WORK, thread_map, thread_results
from golden._base.progress import progress
from golden.comparisons.levels import ValuePairs

if TYPE_CHECKING:
    from golden.comparisons import Comparison
    from golden.records import Encoded
    from golden.values import Expr


class EncodedRecords(Protocol):
    """What a comparison index reads of records: their number and each input's codes
    (``Records``, or the resolver's already normalised ``Prepared`` values)."""

    n: int

    def encode(self, expr: Expr) -> Encoded: ...


class ComparisonIndex:
    """A comparison applied to records: per-record value codes and representative values."""

    def __init__(self, comparison: Comparison, records: EncodedRecords) -> None:
        self.comparison = comparison
        encodings = [records.encode(e) for e in comparison.inputs]
        shifted = [e.codes.astype(np.int64) + 1 for e in encodings]  # 0 = null
        if len(shifted) == 1:  # one input's codes are dense already: nothing to hash
            self.codes = shifted[0].astype(np.int32)
            # code 0 (null) may not occur; no pair then reads its row
            first_rows = np.maximum(first_positions(self.codes, len(encodings[0].values) + 1),
                                    0)
        else:
            combined = shifted[0]
            for codes in shifted[1:]:
                combined = combined * (int(codes.max(initial=0)) + 1) + codes
            self.codes, first_rows = _factorize_with_first(combined)
        self.null = np.zeros(records.n, dtype=bool)
        for i in comparison.null_inputs:
            self.null |= encodings[i].codes < 0
        # null_if="all": a pair is null only when no null input is present on both sides.
        self._present_rows = ([encodings[i].codes >= 0 for i in comparison.null_inputs]
                              if comparison.null_if == "all" else None)
        value_codes = [e.codes[first_rows] for e in encodings]
        self._values = [_values_of(e.values, codes)
                        for e, codes in zip(encodings, value_codes, strict=True)]
        self._present = [codes >= 0 for codes in value_codes]
        # Per-value transforms shared by every batch of pairs; value codes are known already.
        self._per_value: dict[tuple[Any, ...], Any] = {
            ("code", i): codes for i, codes in enumerate(value_codes)}
        self._tf_codes = encodings[0].codes
        self.term_values = np.asarray(encodings[0].values, dtype=object)
        self._tf_shares: np.ndarray | None = None  # per value code, counted once

    def use_term_shares(self, shares: np.ndarray) -> None:
        """Score term frequencies with these shares, one per value of ``term_values`` (e.g.
        counted over every record held), instead of counting the records indexed here."""
        self._tf_shares = np.append(np.asarray(shares, dtype=np.float64), np.nan)

    def gammas(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Gamma per pair (int8): -1 null, 0 else, K for the most similar level."""
        gamma = np.full(len(left), -1, dtype=np.int8)
        if self._present_rows is None:
            present = ~(self.null[left] | self.null[right])
        else:
            present = np.zeros(len(left), dtype=bool)
            for rows in self._present_rows:
                present |= rows[left] & rows[right]
        cl, cr = self.codes[left[present]], self.codes[right[present]]
        radix = np.int64(len(self._values[0]) + 1)
        inverse, distinct = _factorize(cl * radix + cr)
        gamma[present] = self._distinct_gammas(distinct // radix, distinct % radix)[inverse]
        return gamma

    def _distinct_gammas(self, left_codes: np.ndarray, right_codes: np.ndarray) -> np.ndarray:
        values = ValuePairs(self._values, self._present, left_codes, right_codes,
                            self._per_value)
        levels = self.comparison.levels
        out = np.zeros(len(left_codes), dtype=np.int8)
        todo = np.ones(len(left_codes), dtype=bool)
        for i, level in enumerate(levels):
            if not todo.any():
                break
            hit = todo & level.evaluate(values)
            out[hit] = len(levels) - i
            todo &= ~hit
        return out

    def value_frequencies(self, left: np.ndarray) -> np.ndarray:
        """Share of records holding each pair's left value of input 0 (for term frequencies)."""
        codes = self._tf_codes
        if self._tf_shares is None:
            counts = np.bincount(codes[codes >= 0], minlength=1)
            self._tf_shares = counts / max(int((codes >= 0).sum()), 1)
        lc = codes[left]
        return np.where(lc >= 0, self._tf_shares[np.maximum(lc, 0)], np.nan)


def comparison_indexes(records: EncodedRecords, comparisons: Sequence[Comparison]
                       ) -> list[ComparisonIndex]:
    """Index every comparison on the records (on threads when there are many)."""
    return thread_map(lambda c: ComparisonIndex(c, records), comparisons,
                      n_jobs=None if records.n >= PARALLEL_WORK else 1)


CHUNK_PAIRS = 500_000


def gamma_matrix(indexes: Sequence[ComparisonIndex], left: np.ndarray, right: np.ndarray,
                 *, chunk_pairs: int = CHUNK_PAIRS, show_progress: bool | None = False
                 ) -> np.ndarray:
    """Gammas of every comparison for the given pairs, shape (n_pairs, n_comparisons), int8.

    Pairs are compared in chunks of ``chunk_pairs``, so the working memory of the
    similarity kernels stays bounded whatever the number of pairs; each (chunk, comparison)
    is one piece of work for the threads, so a slow comparison never holds the others up.
    """
    out = np.empty((len(left), len(indexes)), dtype=np.int8)
    work = [(start, j) for start in range(0, len(left), chunk_pairs) for j in range(len(indexes))]

    def compare(piece: tuple[int, int]) -> None:
        start, j = piece
        stop = start + chunk_pairs
        out[start:stop, j] = indexes[j].gammas(left[start:stop], right[start:stop])

    done = thread_results(compare, work, n_jobs=None if len(left) >= PARALLEL_WORK else 1)
    for _ in progress(done, "comparing", show_progress, total=len(work)):
        pass
    return out


FEW_KEYS = 64  # integer keys up to which a dict beats sorting them (one record matched)
SMALL_KEYS = 1_000  # and up to which sorting them beats pandas' hash table


def _factorize(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values of integer keys (in any order: callers only gather).

    Examples
    --------
    >>> codes, distinct = _factorize(np.array([7, 3, 7]))
    >>> distinct[codes].tolist()
    [7, 3, 7]
    """
    if len(keys) <= FEW_KEYS:
        index: dict[int, int] = {}
        listed = [index.setdefault(k, len(index)) for k in keys.tolist()]
        return np.array(listed, dtype=np.int64), np.array(list(index), dtype=keys.dtype)
    if len(keys) <= SMALL_KEYS:
        distinct, codes = np.unique(keys, return_inverse=True)
        return codes, distinct
    return pd.factorize(keys)


def _factorize_with_first(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of integer keys, and the first row holding each code.

    Examples
    --------
    >>> codes, first = _factorize_with_first(np.array([7, 3, 7]))
    >>> codes.tolist(), first.tolist()
    ([0, 1, 0], [0, 1])
    """
    if len(keys) <= FEW_KEYS:
        index: dict[int, int] = {}
        listed: list[int] = []
        rows: list[int] = []
        for row, key in enumerate(keys.tolist()):
            code = index.setdefault(key, len(index))
            if code == len(rows):
                rows.append(row)
            listed.append(code)
        return np.array(listed, dtype=np.int32), np.array(rows, dtype=np.int64)
    codes, uniques = _factorize(keys)
    return codes.astype(np.int32), first_positions(codes, len(uniques))


def _values_of(values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``values[codes]``, None where a code is -1."""
    padded = np.empty(len(values) + 1, dtype=object)  # the last one stays None
    padded[:-1] = np.asarray(values, dtype=object)
    return padded[codes]
