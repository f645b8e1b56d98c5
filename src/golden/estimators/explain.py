"""Explanations: why a pair scored what it did, what holds an entity together, and why two
records were kept apart.

A match weight is the prior plus one weight per comparison (log2 of m over u at the level
the pair reached, adjusted for term frequency), so an explanation is a waterfall: each step
adds its weight to the running total, and the total's probability is the match probability.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import minimum_spanning_tree

from golden.errors import SchemaError
from golden.model.weights import DEPENDENCE_PART, probability

if TYPE_CHECKING:
    from golden.comparisons import Comparison

WATERFALL_COLUMNS = ["step", "level", "label", "weight", "cumulative", "probability"]


def waterfall(pair: pd.Series, comparisons: Sequence[Comparison], prior: float
              ) -> pd.DataFrame:
    """The waterfall of one scored pair (a row of ``predict``'s output).

    Rows: ``prior``, one per comparison (its gamma level, the level's label and weight),
    ``dependence`` when the model corrects for comparisons that agree together, and
    ``total``; ``cumulative`` is the running weight and ``probability`` its match
    probability.
    """
    missing = [f"{p}_{c.name}" for c in comparisons for p in ("gamma", "mw")
               if f"{p}_{c.name}" not in pair.index]
    if missing:
        raise SchemaError(f"pair: columns {missing} are missing; pass a row of "
                          "Linker.predict's output")
    rows: list[dict[str, Any]] = [{"step": "prior", "level": np.nan, "label": "prior (λ)",
                                   "weight": prior}]
    for comparison in comparisons:
        gamma = int(pair[f"gamma_{comparison.name}"])
        labels = dict(comparison.level_labels())
        rows.append({"step": comparison.name, "level": gamma, "label": labels[gamma],
                     "weight": float(pair[f"mw_{comparison.name}"])})
    dependence = f"mw_{DEPENDENCE_PART}"
    if dependence in pair.index:
        rows.append({"step": DEPENDENCE_PART, "level": np.nan,
                     "label": "comparisons that agree together among non-matches",
                     "weight": float(pair[dependence])})
    frame = pd.DataFrame(rows)
    frame["cumulative"] = frame["weight"].cumsum()
    total = {"step": "total", "level": np.nan, "label": "match weight",
             "weight": float(frame["weight"].sum()), "cumulative": float(frame["weight"].sum())}
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    frame["probability"] = probability(frame["cumulative"].to_numpy(dtype=np.float64))
    return frame[WATERFALL_COLUMNS]


def spanning_links(pairs: pd.DataFrame, clusters: pd.DataFrame, entity_id: Any,
                   score: str = "match_weight") -> pd.DataFrame:
    """The strongest links that hold one entity together: a maximum spanning tree of its
    scored pairs, strongest first; the last row is its weakest necessary link.

    Columns: ``unique_id_l``, ``unique_id_r``, ``match_weight``, ``match_probability``,
    ``weakest`` (True on the weakest link of the tree).
    """
    members = clusters.loc[clusters["entity_id"] == entity_id, "unique_id"]
    if members.empty:
        raise SchemaError(f"entity_id {entity_id!r} is not in the clusters")
    inside = pairs[pairs["unique_id_l"].isin(members) & pairs["unique_id_r"].isin(members)]
    columns = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
    if len(members) < 2 or inside.empty:
        return pd.DataFrame(columns=[*columns, "weakest"])
    codes, ids = pd.factorize(pd.concat([inside["unique_id_l"], inside["unique_id_r"]]))
    left, right = codes[: len(inside)], codes[len(inside):]
    strength = inside[score].to_numpy(dtype=np.float64)
    # Minimum spanning tree of (max - strength + 1): the maximum spanning tree by strength.
    cost = strength.max() - strength + 1.0
    tree = minimum_spanning_tree(coo_matrix((cost, (left, right)), shape=(len(ids),) * 2))
    tree = tree.tocoo()
    chosen = pd.DataFrame({"a": tree.row, "b": tree.col})
    edges = pd.DataFrame({"a": np.minimum(left, right), "b": np.maximum(left, right),
                          "row": np.arange(len(inside))})
    chosen = chosen.assign(a=np.minimum(chosen["a"], chosen["b"]),
                           b=np.maximum(chosen["a"], chosen["b"]))
    rows = chosen.merge(edges, on=["a", "b"]).drop_duplicates(["a", "b"])["row"].to_numpy()
    links = inside.iloc[rows][columns].sort_values("match_weight", ascending=False)
    links = links.reset_index(drop=True)
    links["weakest"] = False
    links.loc[len(links) - 1, "weakest"] = True
    return links


def kept_apart(linker: Any, records: Any, pairs: pd.DataFrame, clusters: pd.DataFrame,
               a: Any, b: Any, threshold: float) -> dict[str, Any]:
    """Why records ``a`` and ``b`` are (or are not) in one entity."""
    entity = clusters.set_index("unique_id")["entity_id"]
    missing = [x for x in (a, b) if x not in entity.index]
    if missing:
        raise SchemaError(f"records {missing} are not in the clusters")
    same = entity[a] == entity[b]
    scored = pairs[((pairs["unique_id_l"] == a) & (pairs["unique_id_r"] == b))
                   | ((pairs["unique_id_l"] == b) & (pairs["unique_id_r"] == a))]
    candidate = not scored.empty
    if not candidate:
        scored = linker.predict(records, pairs=pd.DataFrame({"unique_id_l": [a],
                                                             "unique_id_r": [b]}))
    pair = scored.iloc[0]
    p = float(pair["match_probability"])
    if same:
        reason = "they are in the same entity"
    elif not candidate:
        reason = ("no blocking rule made them a candidate pair, so they were never "
                  f"compared; compared now, they score p={p:.3f}")
    elif p < threshold:
        reason = f"their pair scores p={p:.3f}, below the threshold {threshold:g}"
    else:
        reason = (f"their pair scores p={p:.3f}, above the threshold {threshold:g}, but "
                  "clustering cut the link (the entity it would make was too sparse: "
                  "see min_density)")
    return {"same_entity": bool(same), "entity_a": entity[a], "entity_b": entity[b],
            "candidate": candidate, "match_probability": p, "reason": reason,
            "waterfall": waterfall(pair, linker.comparisons_,
                                   linker.weight_table().prior)}


__all__ = ["kept_apart", "spanning_links", "waterfall"]
