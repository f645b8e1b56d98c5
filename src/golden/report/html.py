"""A self-contained HTML report of a run: one file, no external assets, charts embedded.

Sections: the data's profile, blocking, the learned parameters, the weight distribution,
explained sample pairs at several weights, cluster sizes, golden records and households
when given, and accuracy when the truth is given.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from golden import plot
from golden.evaluate import cluster_metrics, estimated_metrics, pairwise_metrics

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from golden.estimators.linker import Linker
    from golden.households.grouper import Households
    from golden.survivorship.build import GoldenRecords

SAMPLE_WEIGHTS = (-10.0, 0.0, 10.0, 25.0)
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #222; }
h1 { font-size: 1.6rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.85rem; }
th, td { border: 1px solid #ddd; padding: 0.2rem 0.5rem; text-align: right; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
img { max-width: 100%; display: block; margin: 0.6rem 0; }
.note { color: #555; font-size: 0.85rem; }
"""


def write_report(path: str | Path, linker: Linker, records: pd.DataFrame, *,
                 pairs: pd.DataFrame | None = None, clusters: pd.DataFrame | None = None,
                 truth: pd.Series | None = None, golden: GoldenRecords | None = None,
                 households: Households | None = None, threshold: float = 0.5,
                 title: str = "golden run report") -> Path:
    """Write a self-contained HTML report of a run to ``path`` and return it (needs
    ``golden-records[plot]``).

    Parameters
    ----------
    path : str or Path
        The HTML file to write.
    linker : Linker
        A fitted Linker.
    records : DataFrame
        The records it ran on.
    pairs, clusters : DataFrame, optional
        Its scored pairs and entities; computed when not given.
    truth : Series, optional
        Entity labels by unique id: adds accuracy.
    golden, households : GoldenRecords, Households, optional
        Adds their sections.
    threshold : float
        The clustering threshold.
    title : str
        The page's title.
    """
    linker.check_fitted()
    pairs = linker.predict(records) if pairs is None else pairs
    clusters = (linker.cluster(pairs, records, threshold=threshold) if clusters is None
                else clusters)
    blocking = linker.count_pairs(records)
    sections = [
        f"<h1>{_text(title)}</h1>",
        _summary(linker, records, pairs, clusters, threshold),
        _section("Data profile", _table(profile(records))),
        _section("Blocking", _table(blocking[["rule", "pairs", "new_pairs", "cumulative_pairs"]]),
                 _image(plot.blocking_counts(blocking))),
        _section("Learned parameters", _table(_parameters(linker)), _image(plot.m_u(linker))),
        _section("Match weights", _image(plot.weight_distribution(pairs)),
                 _note("Estimated without labels from the model's own probabilities: "
                       + _format_dict(estimated_metrics(pairs, threshold)))),
        _section("Explained pairs", *_explained(linker, pairs)),
        _section("Clusters", _table(_cluster_table(clusters)),
                 _image(plot.cluster_sizes(clusters))),
    ]
    if golden is not None:
        sections.append(_section("Golden records", _table(golden.records.head(10)),
                                 _table(golden.provenance.head(20))))
    if households is not None:
        sizes = households.households["composition"].value_counts().rename_axis(
            "composition").reset_index(name="households")
        sections.append(_section("Households", _table(sizes),
                                 _table(households.dwellings["dwelling_type"].value_counts()
                                        .rename_axis("dwelling type")
                                        .reset_index(name="buildings"))))
    if truth is not None:
        sections.append(_accuracy(pairs, clusters, truth, threshold))
    document = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<title>{_text(title)}</title><style>{STYLE}</style></head><body>"
                + "\n".join(sections) + "</body></html>")
    out = Path(path)
    out.write_text(document, encoding="utf-8")
    return out


def profile(records: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """Per column: completeness, distinct values and the most common values."""
    rows = []
    for column in records.columns:
        values = records[column]
        common = values.value_counts().head(top)
        rows.append({"column": column, "complete": f"{values.notna().mean():.1%}",
                     "distinct": int(values.nunique()),
                     "top values": ", ".join(f"{v} ({n})" for v, n in common.items())})
    return pd.DataFrame(rows)


def _summary(linker: Linker, records: pd.DataFrame, pairs: pd.DataFrame,
             clusters: pd.DataFrame, threshold: float) -> str:
    facts = {
        "records": f"{len(records):,}",
        "candidate pairs": f"{len(pairs):,}",
        f"pairs at p ≥ {threshold:g}": f"{int((pairs['match_probability'] >= threshold).sum()):,}",
        "entities": f"{clusters['entity_id'].nunique():,}",
        "comparisons": ", ".join(c.name for c in linker.comparisons_),
        "prior λ": f"{linker.lambda_:.3g}",
        "EM": f"{linker.n_iter_} iterations, converged={linker.converged_}",
    }
    return _table(pd.DataFrame({"": list(facts), "value": list(facts.values())}))


def _parameters(linker: Linker) -> pd.DataFrame:
    table = linker.weight_table()
    rows = []
    for j, comparison in enumerate(linker.comparisons_):
        weights = table.level_weights(j)
        for gamma, label in comparison.level_labels():
            if gamma < 0:
                continue
            rows.append({"comparison": comparison.name, "level": label,
                         "m": linker.m_[comparison.name][gamma],
                         "u": linker.u_[comparison.name][gamma],
                         "weight (bits)": weights[gamma + 1]})
    return pd.DataFrame(rows)


def _explained(linker: Linker, pairs: pd.DataFrame) -> list[str]:
    if pairs.empty:
        return [_note("no candidate pairs")]
    weights = pairs["match_weight"].to_numpy(dtype=np.float64)
    parts = []
    for target in SAMPLE_WEIGHTS:
        row = pairs.iloc[int(np.argmin(np.abs(weights - target)))]
        steps = linker.explain(row)
        parts.append(f"<h3>{_text(str(row['unique_id_l']))} ~ {_text(str(row['unique_id_r']))}"
                     f" (weight {row['match_weight']:+.1f})</h3>")
        parts.append(_image(plot.waterfall(steps)))
    return parts


def _cluster_table(clusters: pd.DataFrame) -> pd.DataFrame:
    sizes = clusters["entity_id"].value_counts().value_counts().sort_index()
    return sizes.rename_axis("records per entity").reset_index(name="entities")


def _accuracy(pairs: pd.DataFrame, clusters: pd.DataFrame, truth: pd.Series,
              threshold: float) -> str:
    pairwise = pairwise_metrics(pairs, truth, threshold=threshold)
    entities = cluster_metrics(clusters, truth)
    scores = {f"pairwise {k}": pairwise[k] for k in ("precision", "recall", "f1")}
    scores |= {f"clusters {k}": entities[k] for k in ("bcubed_precision", "bcubed_recall",
                                                       "bcubed_f1")}
    table = pd.DataFrame({"metric": list(scores), "value": [f"{v:.4f}" for v in scores.values()]})
    return _section("Accuracy against the truth", _table(table),
                    _image(plot.precision_recall(pairs, truth)))


def _section(title: str, *parts: str) -> str:
    return f"<section><h2>{_text(title)}</h2>" + "".join(parts) + "</section>"


def _table(frame: pd.DataFrame) -> str:
    formatted = frame.copy()
    for column in formatted.columns:
        if pd.api.types.is_float_dtype(formatted[column]):
            formatted[column] = formatted[column].map(lambda v: f"{v:.4g}")
    return formatted.to_html(index=False, border=0, escape=True, na_rep="")


def _image(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="chart" src="data:image/png;base64,{encoded}">'


def _note(text: str) -> str:
    return f'<p class="note">{_text(text)}</p>'


def _text(value: Any) -> str:
    return html.escape(str(value))


def _format_dict(values: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.3g}" for k, v in values.items())


__all__ = ["profile", "write_report"]
