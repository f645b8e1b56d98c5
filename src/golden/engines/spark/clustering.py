"""Entities on Spark: distributed connected components, then the local engine's refinements.

Connected components by alternating large-star and small-star rounds (Kiveris et al.,
"Connected components in MapReduce and beyond", 2014) on an edge DataFrame, checkpointed
every round so the plan stays one round long; they end when the edges form stars, each
pointing from a record to the smallest record of its component. Components of three or
more records then go, a group of whole components at a time, through
``golden.clustering.components.component_labels`` (the one-to-one and chaining refinements, which
never look across components), and entity ids are numbered in the order of each entity's
smallest (source, unique id), exactly as the local engine numbers them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from golden.clustering.components import (
    LARGE_CLUSTER,
    check_columns,
    check_min_density,
    component_labels,
    decision_nodes,
    thresholds_of,
    warn_large_sizes,
)
from golden.clustering.decisions import NodeDecisions, checked_decisions
from golden.engines.spark.records import materialise, number_rows
from golden.errors import SchemaError

NODE, LABEL = "node", "label"
MAX_ROUNDS = 100


def cluster(pairs: DataFrame, records: DataFrame | None, *, threshold: float | Sequence[float],
            min_density: float | None, one_to_one: bool, checkpoint_dir: str | None,
            group_records: int, score: str = "match_probability",
            warn_size: int | None = LARGE_CLUSTER,
            decisions: pd.DataFrame | None = None) -> DataFrame:
    """``unique_id`` (``source`` first with several sources) and ``entity_id`` (or
    ``entity_id_<t>`` per threshold) for every record of ``records`` and of ``pairs``,
    honouring a person's ``decisions`` (pandas: they are few)."""
    thresholds = thresholds_of(threshold, score)
    check_columns(list(pairs.columns), score)
    check_min_density(min_density)
    keys = ["source", "unique_id"] if "source_l" in pairs.columns else ["unique_id"]
    decided_ends = None
    if decisions is not None:
        decisions = checked_decisions(decisions, with_sources=len(keys) == 2)
        decided_ends = pairs.sparkSession.createDataFrame(
            decisions[[f"{k}_{side}" for side in "lr" for k in keys]].astype(str))
    nodes = _nodes(pairs, records, keys, decided_ends)
    ends = pairs.select(*(F.col(f"{k}_l").alias(k) for k in keys), score,
                        *(F.col(f"{k}_r").alias(f"{k}_r") for k in keys))
    ends = ends.join(nodes.select(*keys, F.col(NODE).alias("l")), keys)
    right = nodes.select(*(F.col(k).alias(f"{k}_r") for k in keys), F.col(NODE).alias("r"))
    edges = materialise(ends.join(right, [f"{k}_r" for k in keys]).select("l", "r", score))
    decided = None if decisions is None else _node_decisions(decisions, nodes, keys)
    refine = min_density is not None or one_to_one or decided is not None
    out, names = nodes, []
    for i, t in enumerate(thresholds):
        kept = edges.where(F.col(score) >= t)
        links = kept.select("l", "r")
        if decided is not None:  # decided matches join components like links
            links = links.unionByName(pairs.sparkSession.createDataFrame(pd.DataFrame(
                {"l": decided.match_l, "r": decided.match_r}), "l long, r long"))
        components = connected_components(links, checkpoint_dir)
        if refine:
            components = _refined(kept, components, score, min_density, one_to_one,
                                  max(1, nodes.count() // group_records), decided)
        labels = (nodes.select(NODE).join(components, NODE, "left")
                  .select(NODE, F.coalesce(LABEL, NODE).alias(LABEL)))
        names.append("entity_id" if len(thresholds) == 1 else f"entity_id_{t:g}")
        entity = number_rows(labels.select(LABEL).distinct(), [LABEL], f"__e{i}")
        labelled = materialise(labels.join(entity, LABEL).select(NODE, f"__e{i}"))
        if warn_size is not None:
            _warn_large(labelled, f"__e{i}", names[-1], warn_size)
        out = out.join(labelled, NODE)
    return materialise(out.select(*keys, *(F.col(f"__e{i}").alias(name)
                                           for i, name in enumerate(names))))


def _nodes(pairs: DataFrame, records: DataFrame | None, keys: list[str],
           decided_ends: DataFrame | None) -> DataFrame:
    """Every record (of ``records`` and of both ends of ``pairs`` and of decisions),
    numbered in (source, unique id) order. A decision naming a record that ``records`` does
    not hold is a ``SchemaError``."""
    frames = [pairs.select(*(F.col(f"{k}_{side}").alias(k) for k in keys)) for side in "lr"]
    if decided_ends is not None:
        named = [decided_ends.select(*(F.col(f"{k}_{side}").alias(k) for k in keys))
                 for side in "lr"]
        if records is not None:
            known = records.select(*(F.col(k).cast("string").alias(k) for k in keys))
            unknown = named[0].unionByName(named[1]).join(known, keys, "left_anti").distinct()
            shown = ["/".join(str(r[k]) for k in keys) for r in unknown.limit(5).collect()]
            if shown:
                raise SchemaError(f"decisions: record ids {shown} are not among the records; "
                                  "a decision names records that exist")
        types = dict(pairs.select(*(f"{k}_l" for k in keys)).dtypes)
        frames += [frame.select(*(F.col(k).cast(types[f"{k}_l"]).alias(k) for k in keys))
                   for frame in named]
    if records is not None:
        frames.insert(0, records.select(*keys))
    union = frames[0]
    for frame in frames[1:]:
        union = union.unionByName(frame)
    return number_rows(union.distinct(), keys, NODE)


def connected_components(edges: DataFrame, checkpoint_dir: str | None) -> DataFrame:
    """``(node, label)`` for every node of an edge list ``(l, r)``: the smallest node of its
    component (materialised)."""
    current = _checkpoint(edges.select(F.greatest("l", "r").alias("u"),
                                       F.least("l", "r").alias("v"))
                          .where(F.col("u") != F.col("v")).distinct(), checkpoint_dir)
    for _ in range(MAX_ROUNDS):
        current = _checkpoint(_small_star(_large_star(current)), checkpoint_dir)
        if _is_star_forest(current):
            break
    else:  # pragma: no cover - the rounds converge in O(log^2 n)
        raise RuntimeError(f"connected components did not converge in {MAX_ROUNDS} rounds")
    leaves = current.select(F.col("u").alias(NODE), F.col("v").alias(LABEL))
    centres = current.select(F.col("v").alias(NODE), F.col("v").alias(LABEL)).distinct()
    return materialise(leaves.unionByName(centres))


def _large_star(edges: DataFrame) -> DataFrame:
    """Each node's larger neighbours are linked to the smallest of its neighbourhood."""
    both = edges.unionByName(edges.select(F.col("v").alias("u"), F.col("u").alias("v")))
    smallest = both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
    return (both.join(smallest, "u").where(F.col("v") > F.col("u"))
            .select(F.col("v").alias("u"), F.col("m").alias("v")).distinct())


def _small_star(edges: DataFrame) -> DataFrame:
    """Each node and its smaller neighbours are linked to the smallest of them."""
    down = edges.select(F.greatest("u", "v").alias("u"), F.least("u", "v").alias("v"))
    smallest = down.groupBy("u").agg(F.min("v").alias("m"))
    linked = down.join(smallest, "u").select(F.col("v").alias("u"), F.col("m").alias("v"))
    return (linked.unionByName(smallest.select("u", F.col("m").alias("v")))
            .where(F.col("u") != F.col("v")).distinct())


def _is_star_forest(edges: DataFrame) -> bool:
    """Whether no edge's smaller end is another edge's larger end (every edge, larger end
    to smaller, then points from a leaf to its component's smallest node)."""
    centres = edges.select(F.col("v").alias("x"))
    leaves = edges.select(F.col("u").alias("x"))
    return centres.join(leaves, "x", "left_semi").limit(1).count() == 0


def _checkpoint(frame: DataFrame, checkpoint_dir: str | None) -> DataFrame:
    if checkpoint_dir is None:
        return frame.localCheckpoint()
    context = frame.sparkSession.sparkContext
    if context.getCheckpointDir() is None:
        context.setCheckpointDir(checkpoint_dir)
    return frame.checkpoint()


def _node_decisions(decisions: pd.DataFrame, nodes: DataFrame, keys: list[str]
                    ) -> NodeDecisions:
    """Checked decisions as node numbers (collected: a person's decisions are few)."""
    named = pd.concat([decisions[[f"{k}_{side}" for k in keys]].set_axis(keys, axis=1)
                       for side in "lr"]).astype(str).drop_duplicates()
    as_text = [F.col(k).cast("string").alias(k) for k in keys]
    numbered: pd.DataFrame = (nodes.select(*as_text, NODE)
                              .join(nodes.sparkSession.createDataFrame(named), keys).toPandas())
    node_of = dict(zip(map(tuple, numbered[keys].to_numpy().tolist()),
                       numbered[NODE].tolist(), strict=True))

    def ends(side: str) -> np.ndarray:
        rows = decisions[[f"{k}_{side}" for k in keys]].astype(str).to_numpy().tolist()
        return np.array([node_of[tuple(row)] for row in rows], dtype=np.int64)

    return decision_nodes(decisions, ends("l"), ends("r"))


def _refined(edges: DataFrame, components: DataFrame, score: str, min_density: float | None,
             one_to_one: bool, n_groups: int, decided: NodeDecisions | None) -> DataFrame:
    """Labels after the one-to-one and chaining refinements of components of three or more
    records and a person's decisions (in the components they touch), run on groups of whole
    components. Each group gets its components' records as rows ``l = r`` beside their
    links, so a record joined only by a decided match is in it."""
    sizes = components.groupBy(LABEL).count()
    chosen = sizes.where(F.col("count") > 2) if min_density is not None or one_to_one \
        else sizes.limit(0)
    if decided is not None:
        touched = np.unique(np.r_[decided.match_l, decided.match_r, decided.apart_l,
                                  decided.apart_r]).tolist()
        chosen = chosen.select(LABEL).unionByName(
            components.where(F.col(NODE).isin(touched)).select(LABEL)).distinct()
    members = components.join(chosen.select(LABEL), LABEL)
    inside = (edges.join(components.withColumnRenamed(NODE, "l"), "l")
              .join(chosen.select(LABEL), LABEL).select(LABEL, "l", "r", score)
              .unionByName(members.select(LABEL, F.col(NODE).alias("l"),
                                          F.col(NODE).alias("r"),
                                          F.lit(None).cast("double").alias(score)))
              .withColumn("group", F.pmod(F.xxhash64(LABEL), F.lit(n_groups))))

    def refine(frame: pd.DataFrame) -> pd.DataFrame:
        link = (frame["l"] != frame["r"]).to_numpy()
        left = frame["l"].to_numpy(np.int64)[link]
        right = frame["r"].to_numpy(np.int64)[link]
        nodes = np.unique(frame["l"].to_numpy(np.int64))
        labels = component_labels(np.searchsorted(nodes, left), np.searchsorted(nodes, right),
                                  frame[score].to_numpy(np.float64)[link], nodes,
                                  min_density=min_density, one_to_one=one_to_one,
                                  decisions=None if decided is None else decided.subset(nodes))
        smallest = np.full(int(labels.max(initial=-1)) + 1, np.iinfo(np.int64).max)
        np.minimum.at(smallest, labels, nodes)
        return pd.DataFrame({NODE: nodes, LABEL: smallest[labels]})

    refined = (inside.select("group", "l", "r", score).groupBy("group")
               .applyInPandas(refine, f"{NODE} long, {LABEL} long"))
    return materialise(components.join(refined.withColumnRenamed(LABEL, "refined"), NODE, "left")
                       .select(NODE, F.coalesce("refined", LABEL).alias(LABEL)))


def _warn_large(labelled: DataFrame, column: str, name: str, warn_size: int) -> None:
    large = (labelled.groupBy(column).count().where(F.col("count") > warn_size)
             .orderBy(F.desc("count"), column).collect())
    sizes = pd.Series([r["count"] for r in large], index=[r[column] for r in large],
                      dtype=np.int64)
    warn_large_sizes(sizes, name, warn_size, stacklevel=6)
