"""Entities from scored pairs: connected components, chaining-resistant refinement,
one-to-one linking.

Examples
--------
>>> import pandas as pd
>>> from golden import cluster_pairs
>>> pairs = pd.DataFrame({"unique_id_l": [1, 2, 5], "unique_id_r": [2, 3, 6],
...                       "match_probability": [0.99, 0.97, 0.2]})
>>> cluster_pairs(pairs, pd.DataFrame({"unique_id": [1, 2, 3, 4, 5, 6]}), threshold=0.5
...               )["entity_id"].tolist()
[0, 0, 0, 1, 2, 3]
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from golden._base.graphs import component_of_each_node
from golden._base.pairs import first_positions, group_starts
from golden.clustering.decisions import (
    MATCH,
    NodeDecisions,
    checked_decisions,
    honour_decisions,
)
from golden.errors import ConfigError, DataWarning, SchemaError

LARGE_CLUSTER = 100
DEFAULT_MIN_DENSITY = 0.5
MAX_ROUNDS = 200
PRUNE_SHARE = 0.1


def cluster_pairs(
    pairs: pd.DataFrame,
    records: pd.DataFrame | None = None,
    *,
    threshold: float | Sequence[float] = 0.5,
    score: str = "match_probability",
    min_density: float | None = DEFAULT_MIN_DENSITY,
    one_to_one: bool = False,
    warn_size: int | None = LARGE_CLUSTER,
    decisions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Give every record an ``entity_id`` from pairs scoring at least ``threshold``.

    Parameters
    ----------
    pairs : DataFrame
        ``unique_id_l``, ``unique_id_r`` (plus ``source_l``/``source_r`` for several
        sources) and the ``score`` column.
    records : DataFrame, optional
        ``unique_id`` (and ``source``) of every record, so unmatched records become
        one-record entities. Without it only records in ``pairs`` are returned.
    threshold : float or list of float
        One threshold gives an ``entity_id`` column; several give ``entity_id_<t>`` each.
    score : str
        Column to threshold (``match_probability`` or ``match_weight``).
    min_density : float or None
        Resist chaining: a cluster of three or more records whose share of linked pairs is
        below this loses its weakest links (lowest-scoring tenth, at least one) until every
        cluster is dense enough. Connected components chain: one wrong link joins two
        people. None gives plain connected components.
    one_to_one : bool
        For linking two sources: each record links to at most one record of the other
        source (mutual best matches, greedily by score).
    warn_size : int or None
        Warn (``DataWarning``) when a cluster is larger than this, naming the largest.
    decisions : DataFrame, optional
        A person's decisions (``unique_id_l``, ``unique_id_r``, ``decision`` = ``"match"``
        or ``"non_match"``; see ``golden.clustering.decisions``): a match joins the two
        records' entities, a non-match keeps them apart (the weakest path between them is
        cut), whatever the scores say.

    Returns
    -------
    DataFrame
        ``unique_id`` (with ``source`` first for several sources) and entity ids: integers
        numbered in order of each entity's smallest record id, so row order never changes
        them.
    """
    thresholds = thresholds_of(threshold, score)
    check_columns(list(pairs.columns), score)
    check_min_density(min_density)
    decided = None
    if decisions is not None:
        decisions = checked_decisions(decisions, with_sources="source_l" in pairs.columns)
        if records is not None:
            _refuse_unknown_records(decisions, records)
        ends = [c for c in decisions.columns if c.endswith(("_l", "_r"))]
        nodes, left, right, sort_key = _node_codes(pd.concat([pairs[ends], decisions[ends]],
                                                             ignore_index=True), records)
        left, right, decided = left[:len(pairs)], right[:len(pairs)], decision_nodes(
            decisions, left[len(pairs):], right[len(pairs):])
    else:
        nodes, left, right, sort_key = _node_codes(pairs, records)
    scores = pairs[score].to_numpy(dtype=np.float64)
    out = nodes.copy()
    for t in thresholds:
        keep = scores >= t
        labels = component_labels(left[keep], right[keep], scores[keep], sort_key,
                                  min_density=min_density, one_to_one=one_to_one,
                                  decisions=decided)
        column = "entity_id" if len(thresholds) == 1 else f"entity_id_{t:g}"
        out[column] = _canonical_labels(labels, sort_key)
        if warn_size is not None:
            _warn_large(out, column, warn_size)
    return out


def component_labels(left: np.ndarray, right: np.ndarray, scores: np.ndarray,
                     node_keys: np.ndarray, *, min_density: float | None,
                     one_to_one: bool, decisions: NodeDecisions | None = None) -> np.ndarray:
    """A component label per node 0..n-1 from links already above the threshold, with the
    one-to-one and chaining refinements and a person's decisions; ``node_keys`` (one per
    node, distinct) break score ties, so that the order and direction of the links never
    change the result. Components never interact (decided matches count as links), so this
    gives the same labels whether it sees every component or any subset of whole components
    (which is how the Spark engine runs it, on groups of components)."""
    n = len(node_keys)
    if one_to_one:
        left, right, scores = _mutual_best(left, right, scores, node_keys)
    labels = component_of_each_node(left, right, n)
    if min_density is not None:
        labels = _dense_components(left, right, scores, node_keys, labels, min_density)
    if decisions is not None:
        labels = honour_decisions(labels, left, right, scores, node_keys, decisions)
    return labels


def _refuse_unknown_records(decisions: pd.DataFrame, records: pd.DataFrame) -> None:
    """A ``SchemaError`` when a decision names a record that is not among ``records``."""
    keys = [k for k in ("source", "unique_id") if f"{k}_l" in decisions.columns]
    missing = [k for k in keys if k not in records.columns]
    if missing:
        raise SchemaError(f"records: columns {missing} are missing")
    known = pd.MultiIndex.from_frame(records[keys].astype(str))
    unknown = []
    for side in "lr":
        ends = decisions[[f"{k}_{side}" for k in keys]].astype(str)
        unknown += [tuple(row) for row in
                    ends[~pd.MultiIndex.from_frame(ends).isin(known)].to_numpy().tolist()]
    if unknown:
        shown = ["/".join(ids) for ids in dict.fromkeys(unknown)][:5]
        raise SchemaError(f"decisions: {len(set(unknown))} record ids are not among the "
                          f"records, e.g. {shown}; a decision names records that exist (check "
                          "the ids' type: 7 and '7' differ)")


def decision_nodes(decisions: pd.DataFrame, left: np.ndarray, right: np.ndarray
                   ) -> NodeDecisions:
    """Checked decisions as node numbers (``left``/``right``: their ends' nodes)."""
    ids = decisions[[c for c in decisions.columns if c.endswith("_l")]].astype(str) \
        .agg("/".join, axis=1) + " and " + decisions[
            [c for c in decisions.columns if c.endswith("_r")]].astype(str).agg("/".join, axis=1)
    match = (decisions["decision"] == MATCH).to_numpy()
    names = ids.to_numpy(dtype=object)
    return NodeDecisions(left[match], right[match], left[~match], right[~match],
                         tuple(names[match]), tuple(names[~match]))


def score_order(scores: np.ndarray, key_l: np.ndarray, key_r: np.ndarray) -> np.ndarray:
    """The order of links by score, from the lowest up; equal scores are ordered by their
    records' keys, whichever way round, so the order and direction of the links never
    change it (pass ``-scores`` for the strongest first).

    Examples
    --------
    >>> order = score_order(np.array([0.9, 0.5, 0.5]), np.array([1, 7, 2]), np.array([2, 3, 4]))
    >>> order.tolist()
    [2, 1, 0]
    """
    return np.lexsort((np.maximum(key_l, key_r), np.minimum(key_l, key_r), scores))


def check_min_density(min_density: float | None) -> None:
    """``ConfigError`` unless ``min_density`` is None or a share in (0, 1]."""
    if min_density is not None and not 0 < min_density <= 1:
        raise ConfigError(f"min_density: got {min_density!r}, expected a share in (0, 1]")


def cluster_sizes(clusters: pd.DataFrame, column: str = "entity_id", top: int = 10
                  ) -> pd.DataFrame:
    """The largest clusters and their sizes, to spot chaining.

    Examples
    --------
    >>> import pandas as pd
    >>> clusters = pd.DataFrame({"unique_id": [1, 2, 3], "entity_id": [0, 0, 1]})
    >>> cluster_sizes(clusters).to_dict("records")
    [{'entity_id': 0, 'size': 2}, {'entity_id': 1, 'size': 1}]
    """
    sizes = clusters.groupby(column, sort=False).size().rename("size").reset_index()
    return sizes.sort_values(["size", column], ascending=[False, True]).head(top).reset_index(
        drop=True)


def thresholds_of(threshold: float | Sequence[float], score: str = "match_probability"
                  ) -> list[float]:
    """The thresholds as a list of floats: finite numbers, and probabilities in [0, 1]
    when ``score`` is ``match_probability``.

    Examples
    --------
    >>> thresholds_of(0.5), thresholds_of([0.9, 0.5])
    ([0.5], [0.9, 0.5])
    >>> thresholds_of(7, "match_weight")  # a weight may be any number
    [7.0]
    >>> thresholds_of(7)
    Traceback (most recent call last):
    ...
    golden.errors.ConfigError: threshold: got 7, expected probabilities in [0, 1] for ...
    """
    values = [threshold] if isinstance(threshold, int | float) else list(threshold)
    bad = [v for v in values if not isinstance(v, int | float) or isinstance(v, bool)
           or not np.isfinite(v)]
    if bad or not values:
        raise ConfigError(f"threshold: got {threshold!r}, expected a finite number or a list "
                          "of them")
    if score == "match_probability" and not all(0 <= v <= 1 for v in values):
        raise ConfigError(f"threshold: got {threshold!r}, expected probabilities in [0, 1] "
                          f"for {score}")
    return [float(v) for v in values]


def check_columns(columns: list[str], score: str) -> None:
    """``SchemaError`` unless the pair columns clustering reads are all there."""
    missing = [c for c in ("unique_id_l", "unique_id_r", score) if c not in columns]
    if missing:
        raise SchemaError(f"pairs: columns {missing} are missing (columns present: "
                          f"{columns}); pass the output of Linker.predict")


def _node_codes(pairs: pd.DataFrame, records: pd.DataFrame | None
                ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """All records as a node table, the pairs' ends as node numbers, and per node an
    integer that sorts like its (source, unique id)."""
    with_source = "source_l" in pairs.columns
    keys = ["source", "unique_id"] if with_source else ["unique_id"]
    ends = [pairs[[f"{k}_{side}" for k in ("source", "unique_id")] if with_source
                  else [f"unique_id_{side}"]].set_axis(keys, axis=1) for side in "lr"]
    if records is not None:
        missing = [k for k in keys if k not in records.columns]
        if missing:
            raise SchemaError(f"records: columns {missing} are missing")
        ends.insert(0, records[keys])
    stacked = pd.concat(ends, ignore_index=True)
    rank = _sorting_codes(stacked[keys[0]])
    for key in keys[1:]:
        rank = pd.factorize(rank * (len(stacked) + 1) + _sorting_codes(stacked[key]),
                            sort=True)[0]
    rank[rank < 0] = rank.max(initial=-1) + 1  # a null id sorts last
    # nodes numbered in order of first appearance: the records' own order first
    first = first_positions(rank, int(rank.max(initial=-1)) + 1)
    sort_key = np.argsort(first)  # per node, its rank
    node_of_rank = np.empty(len(sort_key), dtype=np.int64)
    node_of_rank[sort_key] = np.arange(len(sort_key))
    codes = node_of_rank[rank]
    if records is not None and len(records) and codes[:len(records)].max() != len(records) - 1:
        repeated = records.loc[records.duplicated(keys, keep=False), keys]
        raise SchemaError(f"records: {len(repeated)} rows repeat a {' and '.join(keys)}, e.g. "
                          f"{repeated.head(3).to_dict('records')}; give each record once")
    nodes = stacked.iloc[first[sort_key]].reset_index(drop=True)
    n_pairs = len(pairs)
    end_codes = codes[len(stacked) - 2 * n_pairs:]
    return nodes, end_codes[:n_pairs], end_codes[n_pairs:], sort_key


def _sorting_codes(values: pd.Series) -> np.ndarray:
    """Integer codes that sort as the values do (hashing every value once, sorting only the
    distinct ones).

    Examples
    --------
    >>> _sorting_codes(pd.Series(["b", "a", "b", None])).tolist()
    [1, 0, 1, -1]
    """
    codes, uniques = pd.factorize(values)
    rank = np.full(len(uniques) + 1, -1, dtype=np.int64)  # the last one: a null stays -1
    try:
        order = np.asarray(uniques.argsort())
    except TypeError:  # values of several types that do not compare (ints and text)
        rank[:-1] = pd.factorize(uniques, sort=True)[0]
    else:
        rank[order] = np.arange(len(order))
    return rank[codes]


def _dense_components(left: np.ndarray, right: np.ndarray, scores: np.ndarray,
                      node_keys: np.ndarray, labels: np.ndarray, min_density: float
                      ) -> np.ndarray:
    """Drop the weakest links of sparse clusters until every cluster is dense enough.

    Only the sparse clusters' links are worked on, renumbered into a small graph, sorted
    once from the weakest up; a cluster that is dense enough is final (its links are never
    dropped, and no other link reaches it), so its links leave the work of later rounds.
    """
    n = len(labels)
    sparse = _sparse_clusters(labels, left, n, min_density)
    if not sparse.any():
        return labels
    inside = sparse[labels[left]]
    nodes, ends = np.unique(np.r_[left[inside], right[inside]], return_inverse=True)
    n_inside = int(inside.sum())
    order = score_order(scores[inside], node_keys[left[inside]], node_keys[right[inside]])
    sub_left, sub_right = ends[:n_inside][order], ends[n_inside:][order]
    final = np.full(len(nodes), -1, dtype=np.int64)
    next_label = int(labels.max()) + 1
    for round_number in range(MAX_ROUNDS + 1):
        sub_labels = component_of_each_node(sub_left, sub_right, len(nodes))
        cluster = sub_labels[sub_left]
        sparse = _sparse_clusters(sub_labels, sub_left, len(nodes), min_density)
        settled = ~sparse[cluster] if round_number < MAX_ROUNDS else np.ones_like(cluster, bool)
        for ends_of_settled in (sub_left[settled], sub_right[settled]):
            final[ends_of_settled] = next_label + sub_labels[ends_of_settled]
        next_label += len(nodes)
        if settled.all():
            break
        sub_left, sub_right, cluster = sub_left[~settled], sub_right[~settled], cluster[~settled]
        keep = ~_weakest_links(cluster)
        sub_left, sub_right = sub_left[keep], sub_right[keep]
    alone = final < 0  # every link of these records was dropped
    final[alone] = next_label + np.arange(int(alone.sum()))
    out = labels.copy()
    out[nodes] = int(labels.max()) + 1 + np.unique(final, return_inverse=True)[1]
    return out


def _sparse_clusters(labels: np.ndarray, left: np.ndarray, n: int, min_density: float
                     ) -> np.ndarray:
    """Per cluster label: three or more records and too few links."""
    sizes = np.bincount(labels, minlength=n)
    edges = np.bincount(labels[left], minlength=len(sizes))
    possible = sizes * (sizes - 1) / 2
    return (sizes > 2) & (edges < min_density * np.maximum(possible, 1))


def _weakest_links(cluster: np.ndarray) -> np.ndarray:
    """The lowest-scoring tenth (at least one) of each cluster's links, given the links
    from the weakest up."""
    order = np.argsort(cluster, kind="stable")
    starts, counts = group_starts(cluster[order])
    rank = np.arange(len(order)) - np.repeat(starts, counts)
    cut = np.maximum(1, np.ceil(PRUNE_SHARE * np.repeat(counts, counts))).astype(np.int64)
    drop = np.zeros(len(cluster), dtype=bool)
    drop[order] = rank < cut
    return drop


def _mutual_best(left: np.ndarray, right: np.ndarray, scores: np.ndarray,
                 node_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Greedy one-to-one matching: repeatedly accept pairs that are each end's best."""
    n = len(node_keys)
    preference = np.empty(len(left), dtype=np.int64)  # 0 for the strongest link, no ties
    preference[score_order(-scores, node_keys[left], node_keys[right])] = np.arange(len(left))
    chosen = np.zeros(len(left), dtype=bool)
    alive = np.ones(len(left), dtype=bool)
    while alive.any():
        idx = np.flatnonzero(alive)
        best_l = _best_edge(left[idx], preference[idx], n)
        best_r = _best_edge(right[idx], preference[idx], n)
        mutual = idx[(best_l[left[idx]] == np.arange(len(idx)))
                     & (best_r[right[idx]] == np.arange(len(idx)))]
        if len(mutual) == 0:
            break
        chosen[mutual] = True
        used = np.zeros(n, dtype=bool)
        used[left[mutual]] = used[right[mutual]] = True
        alive &= ~(used[left] | used[right])
    return left[chosen], right[chosen], scores[chosen]


def _best_edge(ends: np.ndarray, preference: np.ndarray, n: int) -> np.ndarray:
    """For each node, the position of its most preferred edge (-1 if none)."""
    order = np.lexsort((preference, ends))
    best = np.full(n, -1, dtype=np.int64)
    first = np.r_[True, ends[order][1:] != ends[order][:-1]]
    best[ends[order][first]] = order[first]
    return best


def _canonical_labels(labels: np.ndarray, sort_key: np.ndarray) -> np.ndarray:
    """Renumber components in the order of their smallest record key (order-independent)."""
    smallest = np.full(labels.max(initial=-1) + 1, np.iinfo(np.int64).max)
    np.minimum.at(smallest, labels, sort_key)
    return np.argsort(np.argsort(smallest))[labels]


def _warn_large(clusters: pd.DataFrame, column: str, warn_size: int) -> None:
    warn_large_sizes(clusters[column].value_counts(), column, warn_size, stacklevel=4)


def warn_large_sizes(sizes: pd.Series, column: str, warn_size: int, stacklevel: int) -> None:
    """Warn about clusters of more than ``warn_size`` records; ``sizes`` (cluster id to
    size) is in decreasing size order and may hold only the large ones."""
    large = sizes[sizes > warn_size]
    if len(large):
        warnings.warn(
            f"{len(large)} cluster(s) have more than {warn_size} records (largest: "
            f"{column}={large.index[0]} with {large.iloc[0]:,} records). This is usually "
            "chaining through a few wrong links: raise the threshold, or pass min_density",
            DataWarning,
            stacklevel=stacklevel,
        )
