"""Charts of a run: a pair's waterfall, weights, m and u, blocking, clusters, accuracy.

Each function returns a matplotlib ``Figure`` (save it with ``fig.savefig("x.png")`` or
``.svg``). matplotlib is optional: ``pip install "golden-records[plot]"``.

Examples
--------
>>> import golden as gd, warnings
>>> from golden import comparisons as cmp, plot
>>> people = gd.datasets.make_people(1_000, random_state=0)
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     linker = gd.Linker([cmp.name("first_name"), cmp.name("surname")],
...                        gd.block_on("dob"), random_state=0).fit(people)
>>> pairs = linker.predict(people)
>>> fig = plot.waterfall(linker.explain(pairs.iloc[0]))
>>> [text.get_text() for text in fig.axes[0].get_yticklabels()][:2]
['prior', 'first_name']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from golden.errors import MissingDependencyError, SchemaError
from golden.evaluate import precision_recall_curve

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from golden.estimators.linker import Linker

__all__ = ["blocking_counts", "cluster_sizes", "m_u", "precision_recall", "waterfall",
           "weight_distribution"]

AGREE, DISAGREE, TOTAL = "#2e7d32", "#c62828", "#37474f"


def _figure(width: float = 7.0, height: float = 4.0, ncols: int = 1) -> tuple[Figure, Any]:
    """A new figure (not attached to pyplot's state, so nothing leaks between calls)."""
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise MissingDependencyError(
            "charts need matplotlib: pip install 'golden-records[plot]'") from exc
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, ncols)
    return fig, axes


def waterfall(steps: pd.DataFrame, title: str | None = None) -> Figure:
    """A pair's match weight built up comparison by comparison (``Linker.explain`` output):
    green bars add evidence, red ones take it away, the last bar is the total."""
    _require(steps, ["step", "label", "weight", "cumulative"], "steps")
    fig, ax = _figure(7.0, 0.45 * len(steps) + 1.2)
    body = steps.iloc[:-1]
    starts = (body["cumulative"] - body["weight"]).to_numpy(dtype=float)
    weights = body["weight"].to_numpy(dtype=float)
    colours = [TOTAL if s == "prior" else (AGREE if w >= 0 else DISAGREE)
               for s, w in zip(body["step"], weights, strict=True)]
    y = np.arange(len(steps))
    ax.barh(y[:-1], weights, left=starts, color=colours)
    total = float(steps["weight"].iloc[-1])
    ax.barh(y[-1], total, color=TOTAL)
    labels = [f"{s}" for s in steps["step"]]
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    for yi, (w, label) in enumerate(zip(steps["weight"], steps["label"], strict=True)):
        ax.annotate(f"{w:+.1f}  {label}", (0, yi), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.axvline(0, color="grey", linewidth=0.8)
    probability = steps["probability"].iloc[-1] if "probability" in steps else np.nan
    ax.set_xlabel("match weight (bits)")
    ax.set_title(title or f"match weight {total:+.1f} bits, probability {probability:.3f}")
    return fig


def weight_distribution(pairs: pd.DataFrame, bins: int = 60) -> Figure:
    """Histogram of the candidate pairs' match weights (log count): matches and non-matches
    usually form two humps, and the threshold belongs in the valley between them."""
    _require(pairs, ["match_weight"], "pairs")
    fig, ax = _figure()
    ax.hist(pairs["match_weight"].to_numpy(dtype=float), bins=bins, color=TOTAL, log=True)
    ax.axvline(0, color=DISAGREE, linestyle="--", linewidth=1, label="probability 0.5")
    ax.set_xlabel("match weight (bits)")
    ax.set_ylabel("pairs (log scale)")
    ax.legend()
    return fig


def m_u(linker: Linker) -> Figure:
    """m (share of matches) and u (share of non-matches) at each level of every comparison,
    on a log scale: the gap between the two bars is the level's weight."""
    comparisons = linker.comparisons_
    fig, axes = _figure(3.2 * len(comparisons), 3.6, ncols=len(comparisons))
    axes = np.atleast_1d(axes)
    for ax, comparison in zip(axes, comparisons, strict=True):
        labels = [label for gamma, label in comparison.level_labels() if gamma >= 0]
        gammas = [gamma for gamma, _ in comparison.level_labels() if gamma >= 0]
        m = linker.m_[comparison.name][gammas]
        u = linker.u_[comparison.name][gammas]
        y = np.arange(len(labels))
        ax.barh(y - 0.2, m, height=0.4, color=AGREE, label="m")
        ax.barh(y + 0.2, u, height=0.4, color=DISAGREE, label="u")
        ax.set_xscale("log")
        ax.set_yticks(y, labels, fontsize=7)
        ax.set_title(comparison.name)
    axes[0].legend()
    return fig


def blocking_counts(counts: pd.DataFrame) -> Figure:
    """Pairs per blocking rule, and the pairs each rule adds to the earlier ones
    (``Linker.count_pairs`` output)."""
    _require(counts, ["rule", "pairs", "new_pairs"], "counts")
    fig, ax = _figure(7.0, 0.5 * len(counts) + 1.5)
    y = np.arange(len(counts))
    ax.barh(y - 0.2, counts["pairs"], height=0.4, color=TOTAL, label="pairs")
    ax.barh(y + 0.2, counts["new_pairs"], height=0.4, color=AGREE, label="new pairs")
    ax.set_yticks(y, [str(r) for r in counts["rule"]], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("candidate pairs")
    ax.legend()
    return fig


def cluster_sizes(clusters: pd.DataFrame, column: str = "entity_id") -> Figure:
    """How many entities have 1, 2, 3, ... records (log-log): a long tail of large
    clusters is the sign of chaining."""
    _require(clusters, [column], "clusters")
    sizes = clusters[column].value_counts().value_counts().sort_index()
    fig, ax = _figure()
    ax.bar(sizes.index.to_numpy(), sizes.to_numpy(), color=TOTAL)
    ax.set_yscale("log")
    ax.set_xlabel("records per entity")
    ax.set_ylabel("entities (log scale)")
    return fig


def precision_recall(pairs: pd.DataFrame, truth: pd.Series | pd.DataFrame) -> Figure:
    """Precision against recall, and F1 by threshold, from the truth (a column or pairs)."""
    curve = precision_recall_curve(pairs, truth)
    fig, (left, right) = _figure(10.0, 4.0, ncols=2)
    left.plot(curve["recall"], curve["precision"], color=TOTAL)
    left.set_xlabel("recall")
    left.set_ylabel("precision")
    left.set_title("precision–recall")
    right.plot(curve["threshold"], curve["f1"], color=AGREE)
    best = curve.loc[curve["f1"].idxmax()]
    right.axvline(best["threshold"], color=DISAGREE, linestyle="--", linewidth=1)
    right.set_xlabel("threshold (match probability)")
    right.set_ylabel("F1")
    right.set_title(f"best F1 {best['f1']:.3f} at {best['threshold']:.3g}")
    return fig


def _require(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError(f"{name}: columns {missing} are missing")
