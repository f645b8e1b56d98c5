"""The review queue: the undecided items a person should look at first, read from the pairs
the store keeps, with each pair's explanation; nothing is written.

The store keeps every scored pair at or above the threshold (``edges``, the links) and the
pairs scored within ``REVIEW_BAND`` bits below it (``near_edges``), so the queue is read, not
computed: no blocking and no scoring of the whole store, only the few pairs shown are scored
again for their explanation. Items, nearest the threshold first (in log-odds):

- ``"entity held by one weak link"``: the weakest link of an entity's maximum spanning tree
  (over its links, identity links and decided links), within ``REVIEW_BAND`` bits above the
  threshold: without it the entity splits in two;
- ``"pair near the threshold"``: any other pair the store keeps, linked or not.

Pairs a person decided (``link`` / ``unlink``) are left out.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import minimum_spanning_tree

from golden._base.graphs import component_of_each_node
from golden.errors import ConfigError
from golden.resolver.held import HeldRecords
from golden.resolver.store import Store

REVIEW_BAND = 6.0  # bits: pairs scored this far below the threshold are kept for review
NEAR = "pair near the threshold"
WEAK = "entity held by one weak link"
POOL = 3  # pairs scored again per pair shown (their order may change a little)
TOP_PARTS = 2  # comparisons named for and against a pair in ``why``


def bits(probability: np.ndarray | float) -> np.ndarray:
    """Log-odds in bits (a match weight) of probabilities (kept finite).

    Examples
    --------
    >>> bits(np.array([0.5, 0.8])).round(2).tolist()
    [0.0, 2.0]
    """
    p = np.clip(np.asarray(probability, dtype=np.float64), 1e-15, 1 - 1e-15)
    return np.asarray(np.log2(p / (1 - p)))


def near_floor(threshold: float) -> float:
    """The least probability of a pair kept for review: ``REVIEW_BAND`` bits below the
    threshold (1.0, nothing kept, for a threshold of 1).

    Examples
    --------
    >>> round(near_floor(0.5), 4)  # 1 / (1 + 2**6)
    0.0154
    """
    if threshold >= 1:
        return 1.0
    weight = math.log2(threshold / (1 - threshold)) - REVIEW_BAND
    return 1 / (1 + 2 ** -weight)


def checked_count(n: Any) -> int:
    """``n`` as a count of items, or a ``ConfigError`` naming it.

    Examples
    --------
    >>> checked_count(5)
    5
    >>> checked_count(-1)
    Traceback (most recent call last):
    ...
    golden.errors.ConfigError: n: got -1, expected a whole number >= 0 (how many items)
    """
    if isinstance(n, bool | np.bool_) or not isinstance(n, int | np.integer) or n < 0:
        raise ConfigError(f"n: got {n!r}, expected a whole number >= 0 (how many items)")
    return int(n)


class Reviewer:
    """The review queue over one store, read in one snapshot.

    ``score(rows_l, rows_r)`` scores pairs of held rows now, without writing: weights,
    per-comparison weights (one column per ``part_names``) and probabilities.
    """

    def __init__(self, store: Store, held: HeldRecords, matcher: Any, *, threshold: float
                 ) -> None:
        self.store, self.held, self.matcher = store, held, matcher
        self.threshold = threshold
        self.part_names: list[str] = list(matcher.table.part_names(
            [c.name for c in matcher.comparisons]))
        self.columns = ["kind", "unique_id_l", "unique_id_r", "entity_id_l", "entity_id_r",
                        "match_probability", "match_weight", "why",
                        *[f"mw_{name}" for name in self.part_names]]

    def queue(self, n: Any) -> pd.DataFrame:
        """The ``n`` undecided items to look at first (see ``Resolver.review``)."""
        n = checked_count(n)
        with self.held.decoding(), self.store.snapshot():
            records = self.store.record_table()
            scored = self.store.scored_pairs()
            if n == 0 or not records or not scored:
                return self._frame([])
            rows = np.array([r for r, _, _ in records], dtype=np.int64)
            uid = np.array([u for _, u, _ in records], dtype=object)
            entity = np.array([e for _, _, e in records], dtype=np.int64)
            graph = _Graph(self.store, rows, entity, scored, self.threshold)
            pool = graph.nearest(POOL * n + 10)
            items = self._score(graph, pool)
        items.sort(key=lambda item: (item["closeness"], item["kind"] != WEAK, -item["size"],
                                     item["a"], item["b"]))
        items = items[:n]
        graph.describe_splits([item for item in items if item["kind"] == WEAK])
        return self._frame([self._row(item, uid, entity) for item in items])

    def _score(self, graph: _Graph, pool: np.ndarray) -> list[dict[str, Any]]:
        """The pool's pairs scored now (their explanation), as items."""
        a, b = graph.a[pool], graph.b[pool]
        ends = np.unique(np.r_[a, b])
        data = self.matcher.prepared(graph.rows[ends].tolist())
        weight, parts, _, _ = self.matcher.score(data, np.searchsorted(ends, a),
                                                 np.searchsorted(ends, b))
        probability = self.matcher.probability(weight)
        closeness = np.abs(bits(probability) - bits(self.threshold))
        return [{"a": int(a[i]), "b": int(b[i]), "kind": graph.kind[pool[i]],
                 "size": int(graph.entity_size(a[i])), "probability": float(probability[i]),
                 "weight": float(weight[i]), "parts": parts[i].tolist(),
                 "closeness": float(closeness[i])} for i in range(len(pool))]

    def _row(self, item: dict[str, Any], uid: np.ndarray, entity: np.ndarray
             ) -> list[Any]:
        a, b = item["a"], item["b"]
        entity_l, entity_r = int(entity[a]), int(entity[b])
        p, t = item["probability"], self.threshold
        if item["kind"] == WEAK:
            x, y = item["split"]
            why = (f"entity {entity_l} ({x + y} records) hangs on this link (p = {p:.3f}, "
                   f"threshold {t:g}): without it, it splits into {x} + {y} records")
        elif p >= t:
            why = (f"linked just above the threshold (p = {p:.3f} >= {t:g}) in entity "
                   f"{entity_l}" if entity_l == entity_r else
                   f"above the threshold (p = {p:.3f} >= {t:g}) yet kept apart (entities "
                   f"{entity_l} and {entity_r}: the chaining guard or a decided unlink)")
        else:
            why = (f"just below the threshold (p = {p:.3f} < {t:g}), in entity {entity_l} "
                   "through other links" if entity_l == entity_r else
                   f"kept apart just below the threshold (p = {p:.3f} < {t:g}): entities "
                   f"{entity_l} and {entity_r}")
        why += _leaning(self.part_names, item["parts"])
        return [item["kind"], uid[a], uid[b], entity_l, entity_r, p, item["weight"], why,
                *item["parts"]]

    def _frame(self, rows: list[list[Any]]) -> pd.DataFrame:
        frame = pd.DataFrame(rows, columns=self.columns)
        return frame.astype({"kind": object, "unique_id_l": object, "unique_id_r": object,
                             "entity_id_l": np.int64, "entity_id_r": np.int64,
                             "match_probability": np.float64, "match_weight": np.float64,
                             "why": object, **{c: np.float64 for c in self.columns[8:]}})


class _Graph:
    """The store's scored pairs over record positions (0..n-1, in row order), undecided
    ones ranked by closeness to the threshold, and each entity's weakest spanning link."""

    def __init__(self, store: Store, rows: np.ndarray, entity: np.ndarray,
                 scored: list[tuple[int, int, float]], threshold: float) -> None:
        self.rows, self.entity, self.threshold = rows, entity, threshold
        n = len(rows)
        pairs = np.array(scored, dtype=np.float64).reshape(-1, 3)
        a = np.searchsorted(rows, pairs[:, 0].astype(np.int64))
        b = np.searchsorted(rows, pairs[:, 1].astype(np.int64))
        self.a, self.b = np.minimum(a, b), np.maximum(a, b)
        self.p = pairs[:, 2]
        decided = store.decided_pairs()
        ends = np.array([(x, y) for _, x, y in decided], dtype=np.int64).reshape(-1, 2)
        ends = np.sort(np.searchsorted(rows, ends), axis=1)
        self.undecided = ~np.isin(self.a * n + self.b, ends[:, 0] * n + ends[:, 1])
        self.closeness = np.abs(bits(self.p) - bits(threshold))
        self._entity_code = np.unique(entity, return_inverse=True)[1]
        self.sizes = np.bincount(self._entity_code)
        self.kind = np.full(len(self.p), NEAR, dtype=object)
        # the spanning forest of the entities: links inside them, identity and decided
        # links (unbreakable, at 1.0)
        ties = np.array([(x, y) for x, y, _ in store.all_edges(scored=False)],
                        dtype=np.int64).reshape(-1, 2)
        ties = np.sort(np.searchsorted(rows, ties), axis=1)
        is_match = np.array([kind == "match" for kind, _, _ in decided], dtype=bool)
        strong = np.r_[ties, ends[is_match]]
        inside = (self.p >= threshold) & (entity[self.a] == entity[self.b])
        self.tree = self._forest(np.r_[self.a[inside], strong[:, 0]],
                                 np.r_[self.b[inside], strong[:, 1]],
                                 np.r_[self.p[inside], np.ones(len(strong))], n)
        self._mark_weakest(n)

    @staticmethod
    def _forest(a: np.ndarray, b: np.ndarray, p: np.ndarray, n: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The maximum spanning forest's links ``(a, b)`` (a < b), each once, with their
        probability (the strongest of a pair's links)."""
        if len(a) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        key = a * n + b
        order = np.lexsort((-p, key))
        first = np.r_[True, key[order][1:] != key[order][:-1]]
        keep = order[first]
        cost = 2.0 - p[keep]  # >= 1: the minimum tree of it is the maximum tree of p
        tree = minimum_spanning_tree(coo_matrix((cost, (a[keep], b[keep])), shape=(n, n)))
        tree = tree.tocoo()
        return (np.minimum(tree.row, tree.col).astype(np.int64),
                np.maximum(tree.row, tree.col).astype(np.int64), 2.0 - tree.data)

    def _mark_weakest(self, n: int) -> None:
        """Mark each entity's weakest spanning link, when a scored undecided pair within
        ``REVIEW_BAND`` bits above the threshold, as ``WEAK``."""
        tree_a, tree_b, tree_p = self.tree
        breakable = tree_p < 1 - 1e-9  # not an identity or decided link
        if not breakable.any():
            return
        position = pd.Series(np.arange(len(self.p)), index=self.a * n + self.b)
        position = position[~position.index.duplicated()]
        link = position.reindex(tree_a[breakable] * n + tree_b[breakable]).to_numpy()
        link = link[~np.isnan(link)].astype(np.int64)
        weakest = (pd.DataFrame({"entity": self._entity_code[self.a[link]],
                                 "p": self.p[link], "link": link})
                   .sort_values(["entity", "p"], kind="stable")
                   .drop_duplicates("entity")["link"].to_numpy())
        weak = weakest[self.undecided[weakest] & (self.closeness[weakest] <= REVIEW_BAND)
                       & (self.p[weakest] >= self.threshold)]
        self.kind[weak] = WEAK

    def nearest(self, count: int) -> np.ndarray:
        """Positions of the ``count`` undecided pairs nearest the threshold."""
        candidates = np.flatnonzero(self.undecided)
        if len(candidates) > count:
            part = np.argpartition(self.closeness[candidates], count - 1)[:count]
            candidates = candidates[part]
        return candidates[np.argsort(self.closeness[candidates], kind="stable")]

    def entity_size(self, position: int) -> int:
        """How many records the entity of a record holds."""
        return int(self.sizes[self._entity_code[position]])

    def describe_splits(self, items: list[dict[str, Any]]) -> None:
        """Set ``split`` (the sizes of the two parts) of weak-link items: the entity's
        spanning tree without that link."""
        if not items:
            return
        tree_a, tree_b, _ = self.tree
        n = len(self.rows)
        cut = np.isin(tree_a * n + tree_b, [item["a"] * n + item["b"] for item in items])
        parts = component_of_each_node(tree_a[~cut], tree_b[~cut], n)
        sizes = np.bincount(parts)
        for item in items:
            item["split"] = sorted((int(sizes[parts[item["a"]]]),
                                    int(sizes[parts[item["b"]]])), reverse=True)


def _leaning(names: list[str], parts: list[float]) -> str:
    """The comparisons that weigh most for and against a pair, as text.

    Examples
    --------
    >>> _leaning(["name", "dob", "family"], [6.25, -3.5, 0.1])
    '; for: name +6.2; against: dob -3.5'
    """
    order = np.argsort(parts)
    against = [f"{names[j]} {parts[j]:+.1f}" for j in order[:TOP_PARTS] if parts[j] <= -0.5]
    for_ = [f"{names[j]} {parts[j]:+.1f}" for j in order[::-1][:TOP_PARTS] if parts[j] >= 0.5]
    text = f"; for: {', '.join(for_)}" if for_ else ""
    return text + (f"; against: {', '.join(against)}" if against else "")
