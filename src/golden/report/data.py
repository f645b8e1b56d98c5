"""The data behind the interactive report: bounded summaries of a run, ready for JSON.

Nothing here grows with the data beyond a few thousand rows: the match weights become a
histogram, the pairs a sample across the weight range (plus the most confident mistakes
when the truth is given), the clusters the largest, the weakest-linked and a random sample,
each with its records and the links of its maximum spanning tree.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import minimum_spanning_tree

from golden.model.weights import DEPENDENCE_PART, prior_weight
from golden.records import DEFAULT_SOURCE, RecordsInput

SAMPLE_PAIRS = 200          # pairs sampled across the weight range
WEIGHT_STRATA = 20          # ... in this many equal-width bands, as many from each as it holds
MISTAKES = 25               # the most confident false positives and false negatives, each
LARGEST_CLUSTERS = 50
WEAKEST_CLUSTERS = 25
SAMPLED_CLUSTERS = 50
CLUSTER_RECORDS = 60        # records shown per cluster
CLUSTER_LINKS = 100         # spanning-tree links shown per cluster (the weakest always)
MAX_BINS = 240              # histogram bins over the weight range
BIN_STEPS = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0)


@dataclass(frozen=True)
class Run:
    """A run's inputs with a string key per record (``source/id`` across sources).

    Parameters
    ----------
    records : DataFrame
        The records, one frame (sources combined into a source column).
    keys, pair_l, pair_r, cluster_keys : ndarray
        Record keys of ``records``, both sides of ``pairs``, and ``clusters``.
    pairs, clusters : DataFrame
        Scored pairs and entities.
    same : ndarray or None
        Per pair, whether the truth says both records are one entity.
    threshold : float
        The run's match probability threshold.
    source : str or None
        The column of ``records`` naming each record's source, when pairs have sources.
    """

    records: pd.DataFrame
    keys: np.ndarray
    pairs: pd.DataFrame
    pair_l: np.ndarray
    pair_r: np.ndarray
    clusters: pd.DataFrame
    cluster_keys: np.ndarray
    same: np.ndarray | None
    threshold: float
    source: str | None = None

    @property
    def weight(self) -> np.ndarray:
        return self.pairs["match_weight"].to_numpy(dtype=np.float64)

    @property
    def probability(self) -> np.ndarray:
        return self.pairs["match_probability"].to_numpy(dtype=np.float64)


def combined(records: RecordsInput, source: str | None) -> tuple[pd.DataFrame, str | None]:
    """One frame of records: several frames (a list, or a dict of source name to frame) are
    stacked with their name in the ``source`` column (``source_dataset`` by default)."""
    if isinstance(records, pd.DataFrame):
        return records, source
    items = (list(records.items()) if isinstance(records, Mapping)
             else [(str(i), f) for i, f in enumerate(records)] if isinstance(records, Sequence)
             else [])
    column = source or DEFAULT_SOURCE
    frames = [f.assign(**{column: name}) for name, f in items]
    return pd.concat(frames, ignore_index=True), column


def keys_of(ids: pd.Series, sources: pd.Series | None) -> np.ndarray:
    """A string key per record: its id, or ``source/id`` when there are several sources."""
    keys = ids.astype(str).reset_index(drop=True)
    if sources is not None:
        keys = sources.astype(str).reset_index(drop=True) + "/" + keys
    return keys.to_numpy(dtype=object)


def same_entity(pairs: pd.DataFrame, truth: pd.Series) -> np.ndarray:
    """Per pair, whether ``truth`` (labels by unique id) puts both records in one entity."""
    labels = truth[~truth.index.duplicated()]
    codes = pd.factorize(labels)[0]
    codes = np.append(codes, -1)  # the code of ids the truth does not know
    left = codes[labels.index.get_indexer(pairs["unique_id_l"])]
    right = codes[labels.index.get_indexer(pairs["unique_id_r"])]
    return np.asarray((left == right) & (left >= 0))


def threshold_weight(threshold: float) -> float:
    """The match weight of a match probability (±inf at 1 and 0)."""
    if threshold <= 0.0:
        return -math.inf
    if threshold >= 1.0:
        return math.inf
    return prior_weight(threshold)


def histogram(run: Run) -> dict[str, Any]:
    """Pairs, their summed probability and (with truth) true matches per weight bin; the bins'
    edges fall on the run's threshold, so the slider starts on it exactly."""
    weight, probability = run.weight, run.probability
    valid = ~np.isnan(weight)
    weight, probability = weight[valid], probability[valid]
    empty = {"edges": [0.0, 1.0], "pairs": [0], "probability": [0.0], "matches": None,
             "start": 0, "step": 1.0}
    if weight.size == 0:
        return empty
    low, high = float(weight.min()), float(weight.max())
    step = next((s for s in BIN_STEPS if (high - low) / s <= MAX_BINS), BIN_STEPS[-1])
    start = min(max(threshold_weight(run.threshold), low), high)
    first = math.floor((low - start) / step)
    last = max(math.floor((high - start) / step) + 1, first + 1)
    edges = start + step * np.arange(first, last + 1)
    n_bins = len(edges) - 1
    index = np.clip(np.searchsorted(edges, weight, side="right") - 1, 0, n_bins - 1)
    out = {"edges": _rounded(edges, 4), "step": step, "start": -first,
           "pairs": np.bincount(index, minlength=n_bins).tolist(),
           "probability": _rounded(np.bincount(index, probability, minlength=n_bins), 4),
           "matches": None}
    if run.same is not None:
        out["matches"] = np.bincount(index, run.same[valid], minlength=n_bins
                                     ).astype(int).tolist()
    return out


def pair_sample(weight: np.ndarray, rng: np.random.Generator, n: int = SAMPLE_PAIRS,
                strata: int = WEIGHT_STRATA) -> np.ndarray:
    """Positions of ``n`` pairs spread over the weight range: up to ``n / strata`` at random
    from each equal-width band of weights, the rest at random from all."""
    valid = np.flatnonzero(~np.isnan(weight))
    if valid.size <= n:
        return valid
    order = rng.permutation(valid)
    w = weight[order]
    low, high = w.min(), w.max()
    band = (np.minimum(((w - low) / (high - low) * strata).astype(np.int64), strata - 1)
            if high > low else np.zeros(w.size, dtype=np.int64))
    rank = pd.Series(band).groupby(band).cumcount().to_numpy()
    chosen = order[rank < n // strata]
    rest = order[rank >= n // strata][: n - chosen.size]
    return np.concatenate([chosen, rest])


def mistakes(run: Run) -> tuple[np.ndarray, np.ndarray]:
    """The most confident mistakes at the run's threshold: false positives by highest
    weight, false negatives (candidate pairs of one entity left below it) by lowest."""
    if run.same is None:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    weight = run.weight
    kept = run.probability >= run.threshold
    false_positive = np.flatnonzero(kept & ~run.same)
    false_negative = np.flatnonzero(~kept & run.same & ~np.isnan(weight))
    fp = false_positive[np.argsort(-weight[false_positive], kind="stable")][:MISTAKES]
    fn = false_negative[np.argsort(weight[false_negative], kind="stable")][:MISTAKES]
    return fp, fn


@dataclass(frozen=True)
class Forest:
    """The maximum spanning forest of the pairs inside entities: per tree edge its pair
    position and entity code; and per entity (by code) its size and weakest tree link."""

    pair: np.ndarray
    entity: np.ndarray
    sizes: np.ndarray
    weakest: np.ndarray


def spanning_forest(run: Run) -> tuple[np.ndarray, Forest]:
    """Entity codes of the cluster rows and the spanning forest of their inside pairs."""
    codes = pd.factorize(run.clusters["entity_id"])[0]
    n_entities = int(codes.max()) + 1 if codes.size else 0
    sizes = np.bincount(codes[codes >= 0], minlength=n_entities)
    index = pd.Index(run.cluster_keys)
    left, right = index.get_indexer(run.pair_l), index.get_indexer(run.pair_r)
    weight = run.weight
    code_l = np.where(left >= 0, codes[left], -1)
    code_r = np.where(right >= 0, codes[right], -2)
    rows = np.flatnonzero((code_l == code_r) & (code_l >= 0) & (left != right)
                          & ~np.isnan(weight))
    weakest = np.full(n_entities, np.nan)
    if rows.size == 0:
        empty = np.array([], dtype=np.int64)
        return codes, Forest(empty, empty, sizes, weakest)
    edges = pd.DataFrame({"a": np.minimum(left[rows], right[rows]),
                          "b": np.maximum(left[rows], right[rows]),
                          "w": weight[rows], "row": rows})
    edges = edges.sort_values("w", ascending=False, kind="stable").drop_duplicates(["a", "b"])
    cost = edges["w"].max() - edges["w"].to_numpy() + 1.0  # max spanning tree by weight
    n = len(run.cluster_keys)
    tree = minimum_spanning_tree(coo_matrix(
        (cost, (edges["a"].to_numpy(), edges["b"].to_numpy())), shape=(n, n))).tocoo()
    chosen = pd.DataFrame({"a": np.minimum(tree.row, tree.col),
                           "b": np.maximum(tree.row, tree.col)}).merge(edges, on=["a", "b"])
    pair = chosen["row"].to_numpy()
    entity = codes[chosen["a"].to_numpy()]
    low = pd.Series(weight[pair]).groupby(entity).min()
    weakest[low.index.to_numpy()] = low.to_numpy()
    return codes, Forest(pair, entity, sizes, weakest)


def chosen_entities(forest: Forest, rng: np.random.Generator) -> list[tuple[int, str]]:
    """Entity codes to embed, each with why: the largest, the weakest-linked, a sample."""
    sizes = forest.sizes
    several = np.flatnonzero(sizes >= 2)
    largest = several[np.argsort(-sizes[several], kind="stable")][:LARGEST_CLUSTERS]
    taken = np.zeros(sizes.size, dtype=bool)
    taken[largest] = True
    linked = several[~taken[several] & ~np.isnan(forest.weakest[several])]
    weakest = linked[np.argsort(forest.weakest[linked], kind="stable")][:WEAKEST_CLUSTERS]
    taken[weakest] = True
    rest = several[~taken[several]]
    if rest.size == 0:  # no entity of several records left: sample single records
        rest = np.flatnonzero(~taken)
    sample = np.sort(rng.choice(rest, size=min(SAMPLED_CLUSTERS, rest.size), replace=False))
    return ([(int(c), "largest") for c in largest] + [(int(c), "weakest-linked") for c in weakest]
            + [(int(c), "sample") for c in sample])


def clusters_data(run: Run, rng: np.random.Generator) -> tuple[dict[str, Any], list[int]]:
    """The cluster browser's entities and the pair positions their links need."""
    codes, forest = spanning_forest(run)
    chosen = chosen_entities(forest, rng)
    wanted = np.array([c for c, _ in chosen], dtype=np.int64)
    members = pd.Series(np.arange(codes.size))[np.isin(codes, wanted)]
    by_entity = members.groupby(codes[members.to_numpy()]).agg(list)
    tree = pd.Series(forest.pair)[np.isin(forest.entity, wanted)]
    links_of = tree.groupby(forest.entity[tree.index.to_numpy()]).agg(list)
    entity_ids = run.clusters["entity_id"].to_numpy()
    weight = run.weight
    rows, pairs_needed = [], []
    for code, why in chosen:
        rows_of = by_entity.get(code, [])
        links = sorted(links_of.get(code, []), key=lambda p: -weight[p])
        if len(links) > CLUSTER_LINKS:
            links = [*links[: CLUSTER_LINKS - 1], links[-1]]
        pairs_needed += links
        weakest = forest.weakest[code]
        rows.append({"id": _plain(entity_ids[rows_of[0]]), "size": int(forest.sizes[code]),
                     "why": why, "records": [run.cluster_keys[r] for r in
                                             rows_of[:CLUSTER_RECORDS]],
                     "links": links, "weakest": None if np.isnan(weakest) else
                     round(float(weakest), 3)})
    size_counts = pd.Series(forest.sizes).value_counts().sort_index()
    return {"rows": rows, "sizes": [[int(s), int(n)] for s, n in size_counts.items()],
            "n_entities": int(forest.sizes.size),
            "sampling": (f"the {LARGEST_CLUSTERS} largest entities, the {WEAKEST_CLUSTERS} "
                         f"held together by the weakest link, and {SAMPLED_CLUSTERS} others at "
                         f"random; up to {CLUSTER_RECORDS} records and the {CLUSTER_LINKS} "
                         "strongest links of each (the weakest always)")}, pairs_needed


def pair_rows(run: Run, positions: Sequence[int], comparisons: Sequence[str]
              ) -> list[dict[str, Any]]:
    """The embedded pairs: both record keys, weight, probability, blocking rule, and per
    comparison its level and weight (what a waterfall is drawn from)."""
    frame = run.pairs.iloc[list(positions)]
    gammas = frame[[f"gamma_{c}" for c in comparisons]].to_numpy(dtype=np.int64)
    weights = frame[[f"mw_{c}" for c in comparisons]].to_numpy(dtype=np.float64)
    dependence = (frame[f"mw_{DEPENDENCE_PART}"].to_numpy(dtype=np.float64)
                  if f"mw_{DEPENDENCE_PART}" in frame else None)
    rules = (frame["blocking_rule"].astype(str).tolist() if "blocking_rule" in frame
             else [""] * len(frame))
    rows = []
    for i, p in enumerate(positions):
        rows.append({"l": run.pair_l[p], "r": run.pair_r[p],
                     "w": round(float(run.weight[p]), 4),
                     "p": float(f"{run.probability[p]:.6g}"), "rule": rules[i],
                     "g": gammas[i].tolist(), "mw": _rounded(weights[i], 3),
                     "dep": None if dependence is None else round(float(dependence[i]), 3),
                     "same": None if run.same is None else bool(run.same[p])})
    return rows


def record_values(run: Run, keys: Sequence[str]) -> dict[str, Any]:
    """The columns and, per needed record key, its values as text (null as None)."""
    wanted = list(dict.fromkeys(keys))
    positions = pd.Index(run.keys).get_indexer(wanted)
    found = [(k, p) for k, p in zip(wanted, positions, strict=True) if p >= 0]
    frame = run.records.iloc[[p for _, p in found]]
    columns = [str(c) for c in frame.columns]
    text = [_texts(frame[c]) for c in frame.columns]
    values = {k: [column[i] for column in text] for i, (k, _) in enumerate(found)}
    return {"columns": columns, "values": values}


def level_counts(pairs: pd.DataFrame, comparison: str) -> dict[int, int]:
    """Candidate pairs per level of one comparison."""
    counts = pairs[f"gamma_{comparison}"].value_counts()
    return {int(g): int(n) for g, n in counts.items()}


def _texts(values: pd.Series) -> list[str | None]:
    present = values.notna().to_numpy()
    shown = values.astype(str).to_numpy(dtype=object)
    return [str(v) if ok else None for v, ok in zip(shown, present, strict=True)]


def _rounded(values: np.ndarray, digits: int) -> list[float]:
    return [round(float(v), digits) for v in values]


def _plain(value: Any) -> Any:
    """A JSON-ready scalar from a numpy or pandas one."""
    if isinstance(value, np.generic):
        value = value.item()
    return value if isinstance(value, int | float | str | bool) or value is None else str(value)


__all__ = ["Run", "clusters_data", "combined", "histogram", "keys_of", "level_counts",
           "mistakes", "pair_rows", "pair_sample", "record_values", "same_entity",
           "threshold_weight"]
