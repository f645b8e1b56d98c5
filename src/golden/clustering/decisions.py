"""A person's decisions about pairs of records, honoured by clustering whatever the scores say.

A ``match`` decision joins the two records' entities. A ``non_match`` decision keeps them
in different entities, also through chains of other links: inside an entity that would
hold both, links are taken again from the strongest down (the decided matches first), and a
link that would bring the two together is left out, so the weakest path between them is
the one cut. Decided matches that chain across a decided non-match contradict each other;
that is an error naming them.

Examples
--------
>>> import pandas as pd
>>> from golden import cluster_pairs
>>> pairs = pd.DataFrame({"unique_id_l": [1, 2], "unique_id_r": [2, 3],
...                       "match_probability": [0.99, 0.7]})
>>> decisions = pd.DataFrame({"unique_id_l": [1, 3], "unique_id_r": [3, 4],
...                           "decision": ["non_match", "match"]})
>>> cluster_pairs(pairs, decisions=decisions)["entity_id"].tolist()
[0, 0, 1, 1]
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from golden._base.graphs import component_of_each_node
from golden.errors import ConfigError, SchemaError

MATCH, NON_MATCH = "match", "non_match"
DECISIONS = (MATCH, NON_MATCH)
OPTIONAL = ("by", "at", "reason")


def load_decisions(path: str | Path) -> pd.DataFrame:
    """Read decisions from CSV or Parquet and check them (see ``checked_decisions``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "decisions.csv"
    >>> _ = path.write_text("unique_id_l,unique_id_r,decision,by\\n1,2,match,ana\\n")
    >>> load_decisions(path)[["unique_id_l", "decision", "by"]].values.tolist()
    [[1, 'match', 'ana']]
    """
    path = Path(path)
    if path.suffix.lower() in (".parquet", ".pq"):
        frame = pd.read_parquet(path)
    elif path.suffix.lower() in (".csv", ".txt"):
        frame = pd.read_csv(path)
    else:
        raise ConfigError(f"decisions: {path.name!r} is neither CSV nor Parquet; save the "
                          "decisions as .csv or .parquet")
    return checked_decisions(frame, source=f"decisions ({path.name})")


def checked_decisions(decisions: pd.DataFrame, *, with_sources: bool | None = None,
                      source: str = "decisions") -> pd.DataFrame:
    """The decisions with ``decision`` read as ``match`` / ``non_match``; a ``SchemaError``
    or ``ConfigError`` naming the column and the rows otherwise.

    Columns: ``unique_id_l``, ``unique_id_r``, ``decision`` (``"match"`` or ``"non_match"``;
    ``True``/``False`` and 1/0 are read as those), ``source_l``/``source_r`` when records come
    from several sources, and optionally ``by``, ``at`` and ``reason``.
    """
    if not isinstance(decisions, pd.DataFrame):
        raise ConfigError(f"{source}: got {type(decisions).__name__}, expected a DataFrame "
                          "(unique_id_l, unique_id_r, decision)")
    if with_sources is None:
        with_sources = "source_l" in decisions.columns
    needed = ["unique_id_l", "unique_id_r", "decision"]
    if with_sources:
        needed = ["source_l", "source_r", *needed]
    missing = [c for c in needed if c not in decisions.columns]
    if missing:
        raise SchemaError(f"{source}: columns {missing} are missing (columns present: "
                          f"{list(decisions.columns)})")
    out = decisions[[*needed, *(c for c in OPTIONAL if c in decisions.columns)]].copy()
    out["decision"] = _decision_values(out["decision"], source)
    keys = [c for c in needed if c != "decision"]
    null = out[keys].isna().any(axis=1)
    if null.any():
        raise SchemaError(f"{source}: {int(null.sum())} rows have no record id (rows "
                          f"{list(out.index[null][:5])}); every decision names two records")
    left = out[[k for k in keys if k.endswith("_l")]].to_numpy()
    right = out[[k for k in keys if k.endswith("_r")]].to_numpy()
    same = (left == right).all(axis=1)
    if same.any():
        raise ConfigError(f"{source}: rows {list(out.index[same][:5])} decide a record "
                          "against itself; a decision names two different records")
    _refuse_both_ways(out, keys, source)
    return out.reset_index(drop=True)


def _decision_values(values: pd.Series, source: str) -> pd.Series:
    def read(value: object) -> object:
        if isinstance(value, bool | np.bool_) or value in (0, 1):
            return MATCH if value else NON_MATCH
        if isinstance(value, str):
            return value.strip().lower().replace("-", "_").replace(" ", "_")
        return value

    read_values = values.map(read)
    bad = ~read_values.isin(DECISIONS)
    if bad.any():
        shown = sorted(set(values[bad]), key=repr)[:5]
        raise ConfigError(f"{source}: column 'decision' holds {shown}; expected one of "
                          f"{list(DECISIONS)} (or True/False)")
    return read_values.astype(object)


def _refuse_both_ways(decisions: pd.DataFrame, keys: list[str], source: str) -> None:
    """A ``ConfigError`` when one pair (either way round) is decided both ways."""
    left = decisions[[k for k in keys if k.endswith("_l")]].astype(str).agg("\x1f".join, axis=1)
    right = decisions[[k for k in keys if k.endswith("_r")]].astype(str).agg("\x1f".join, axis=1)
    pair = pd.Series(np.where(left < right, left + "\x1e" + right, right + "\x1e" + left),
                     index=decisions.index)
    kinds = decisions.groupby(pair)["decision"].nunique()
    both = kinds[kinds > 1].index
    if len(both):
        shown = [p.replace("\x1e", " and ").replace("\x1f", "/") for p in both[:5]]
        raise ConfigError(f"{source}: {len(both)} pairs are decided both as a match and as a "
                          f"non-match: {shown}; keep one decision per pair")


def decisions_as_labels(decisions: pd.DataFrame) -> pd.DataFrame:
    """Decisions as training labels: their pair columns and ``is_match``.

    Examples
    --------
    >>> table = pd.DataFrame({"unique_id_l": [1], "unique_id_r": [2], "decision": ["match"]})
    >>> decisions_as_labels(table).columns.tolist()
    ['unique_id_l', 'unique_id_r', 'is_match']
    """
    checked = checked_decisions(decisions)
    ends = [c for c in checked.columns if c.endswith(("_l", "_r"))]
    return checked[ends].assign(is_match=checked["decision"] == MATCH)


def labels_as_decisions(labels: pd.DataFrame, *, by: str, reason: str) -> pd.DataFrame:
    """Labelled pairs (``is_match``) as decisions made ``by`` someone for a ``reason``.

    Examples
    --------
    >>> table = pd.DataFrame({"unique_id_l": [1], "unique_id_r": [2], "is_match": [False]})
    >>> labels_as_decisions(table, by="ana", reason="labelled")["decision"].tolist()
    ['non_match']
    """
    ends = [c for c in labels.columns if c.endswith(("_l", "_r"))]
    match = labels["is_match"].to_numpy(dtype=bool)
    return checked_decisions(labels[ends].assign(
        decision=np.where(match, MATCH, NON_MATCH), by=by, reason=reason))


@dataclass(frozen=True)
class NodeDecisions:
    """Decisions as node numbers: the decided matches (``match_l``/``match_r``) and
    non-matches (``apart_l``/``apart_r``), with each decision's text for messages."""

    match_l: np.ndarray
    match_r: np.ndarray
    apart_l: np.ndarray
    apart_r: np.ndarray
    match_names: tuple[str, ...] = ()
    apart_names: tuple[str, ...] = ()

    def subset(self, nodes: np.ndarray) -> NodeDecisions:
        """The decisions among ``nodes`` (sorted), renumbered to positions in it."""
        def inside(left: np.ndarray, right: np.ndarray, names: tuple[str, ...]
                   ) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
            keep = np.isin(left, nodes) & np.isin(right, nodes)
            return (np.searchsorted(nodes, left[keep]), np.searchsorted(nodes, right[keep]),
                    tuple(n for n, k in zip(names, keep, strict=False) if k))

        ml, mr, mn = inside(self.match_l, self.match_r, self.match_names)
        al, ar, an = inside(self.apart_l, self.apart_r, self.apart_names)
        return NodeDecisions(ml, mr, al, ar, mn, an)


def honour_decisions(labels: np.ndarray, left: np.ndarray, right: np.ndarray,
                     scores: np.ndarray, node_keys: np.ndarray, decisions: NodeDecisions
                     ) -> np.ndarray:
    """Labels (one per node) with every decided match joined and every decided non-match
    apart. ``left``/``right``/``scores`` are the links above the threshold; only those
    inside one label count (the chaining refinement may have dropped others)."""
    n = len(labels)
    _refuse_contradictions(decisions, n)
    dense = np.unique(labels, return_inverse=True)[1]
    joined = component_of_each_node(dense[decisions.match_l], dense[decisions.match_r],
                                    int(dense.max(initial=-1)) + 1)[dense]
    together = joined[decisions.apart_l] == joined[decisions.apart_r]
    if not together.any():
        return joined
    conflicted = np.unique(joined[decisions.apart_l[together]])
    members = np.isin(joined, conflicted)
    inside = members[left] & (dense[left] == dense[right])
    order = np.lexsort((np.maximum(node_keys[left[inside]], node_keys[right[inside]]),
                        np.minimum(node_keys[left[inside]], node_keys[right[inside]]),
                        -scores[inside]))
    links = [*zip(decisions.match_l.tolist(), decisions.match_r.tolist(), strict=True),
             *zip(left[inside][order].tolist(), right[inside][order].tolist(), strict=True)]
    apart = [(a, b) for a, b in zip(decisions.apart_l.tolist(), decisions.apart_r.tolist(),
                                    strict=True) if members[a]]
    out = joined.copy()
    groups = _constrained_groups(np.flatnonzero(members).tolist(), links, apart)
    next_label = int(joined.max(initial=-1)) + 1
    for node, group in groups.items():
        out[node] = next_label + group
    return out


def _constrained_groups(nodes: list[int], links: list[tuple[int, int]],
                        apart: list[tuple[int, int]]) -> dict[int, int]:
    """Join ``links`` in order (union-find), leaving out each that would put an ``apart``
    pair in one group; a group number per node."""
    parent = {node: node for node in nodes}
    members = {node: [node] for node in nodes}
    keep_from: dict[int, set[int]] = {node: set() for node in nodes}
    for a, b in apart:
        keep_from[a].add(b)
        keep_from[b].add(a)

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in links:
        if a not in parent or b not in parent:
            continue
        ra, rb = find(a), find(b)
        if ra == rb or any(find(x) == rb for x in keep_from[ra]):
            continue
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        members[ra].extend(members.pop(rb))
        keep_from[ra] |= keep_from.pop(rb)
    roots = {root: i for i, root in enumerate(sorted(members))}
    return {node: roots[find(node)] for node in nodes}


def _refuse_contradictions(decisions: NodeDecisions, n: int) -> None:
    """A ``ConfigError`` naming decided matches that chain across a decided non-match."""
    chains = component_of_each_node(decisions.match_l, decisions.match_r, n)
    crossed = np.flatnonzero(chains[decisions.apart_l] == chains[decisions.apart_r])
    if len(crossed) == 0:
        return
    shown = []
    for i in crossed[:3]:
        path = _match_path(decisions, int(decisions.apart_l[i]), int(decisions.apart_r[i]))
        shown.append(f"{decisions.apart_names[i]} is a non_match, but the matches "
                     f"{', '.join(decisions.match_names[j] for j in path)} join them")
    raise ConfigError(f"decisions contradict each other ({len(crossed)} non-matches joined "
                      f"by decided matches): {'; '.join(shown)}; undo one of them")


def _match_path(decisions: NodeDecisions, start: int, goal: int) -> list[int]:
    """The decided matches (by position) on a shortest path from ``start`` to ``goal``."""
    edges: dict[int, list[tuple[int, int]]] = {}
    for j, (a, b) in enumerate(zip(decisions.match_l.tolist(), decisions.match_r.tolist(),
                                   strict=True)):
        edges.setdefault(a, []).append((b, j))
        edges.setdefault(b, []).append((a, j))
    came: dict[int, tuple[int, int]] = {start: (start, -1)}
    queue = deque([start])
    while queue and goal not in came:
        node = queue.popleft()
        for other, j in edges.get(node, ()):
            if other not in came:
                came[other] = (node, j)
                queue.append(other)
    path = []
    node = goal
    while node != start:
        node, j = came[node]
        path.append(j)
    return path[::-1]
