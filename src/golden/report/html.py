"""An interactive, self-contained HTML report of a run: one file, no external assets.

The page holds its data as JSON (``<script type="application/json" id="report-data">``) and a
hand-written script that draws the charts as inline SVG; nothing is fetched. The tables (the
profile, blocking, the model's levels, cluster sizes, golden records, households, accuracy)
are written as HTML too, so they read without the script. Sections: summary, profile,
blocking, the model (per comparison its levels with m, u and weight), a threshold to move
(pairs kept, precision and recall estimated, and true ones when the truth is given; the
weight histogram), a pair explorer (waterfall and both records side by side), a cluster
browser (records and the links holding each entity together), golden records, households
and accuracy.

What is embedded is bounded whatever the data's size: weights as a histogram, 200 pairs
across the weight range, 125 entities (see ``golden.report.data``); the page says so.
"""

from __future__ import annotations

import html
import json
import math
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from golden._base.html import table
from golden.errors import ConfigError
from golden.evaluate import cluster_metrics, estimated_metrics, pairwise_metrics
from golden.records import RecordsInput
from golden.report import data as rd

if TYPE_CHECKING:
    from golden.estimators.linker import Linker
    from golden.households.grouper import Households
    from golden.survivorship.build import GoldenRecords

FORMAT, VERSION = "golden.report", 1
GOLDEN_SHOWN = 10          # golden records in the static table (the largest entities)
PROVENANCE_SHOWN = 40      # provenance rows per embedded entity
CONTENTS = [("summary", "Summary"), ("profile", "Data profile"), ("blocking", "Blocking"),
            ("model", "The model"), ("threshold", "Threshold and weights"),
            ("pairs", "Pair explorer"), ("clusters", "Cluster browser"),
            ("golden", "Golden records"), ("households", "Households"),
            ("accuracy", "Accuracy against the truth")]


def write_report(path: str | Path, linker: Linker, records: RecordsInput, *,
                 pairs: pd.DataFrame | None = None, clusters: pd.DataFrame | None = None,
                 truth: pd.Series | None = None, golden: GoldenRecords | None = None,
                 households: Households | None = None, threshold: float = 0.5,
                 title: str = "golden run report",
                 random_state: int | np.random.Generator | None = 0) -> Path:
    """Write an interactive, self-contained HTML report of a run to ``path`` and return it.

    One file with its data embedded as JSON and a small hand-written script (inline SVG
    charts, no libraries, no network): a table of contents, the data's profile, blocking,
    the model's levels (m, u, weight), a threshold slider updating the pairs kept and the
    precision and recall estimated (and true, given ``truth``) over the weight histogram,
    a pair explorer with waterfalls, a cluster browser, golden records and households. The
    tables read without the script too. Needs no optional dependency.

    Parameters
    ----------
    path : str or Path
        The HTML file to write.
    linker : Linker
        A fitted Linker.
    records : DataFrame, list or dict of DataFrames
        The records it ran on (several frames for a link job, as ``Linker.predict`` takes).
    pairs, clusters : DataFrame, optional
        Its scored pairs and entities; computed when not given.
    truth : Series, optional
        Entity labels by unique id: adds true precision and recall, mistakes and accuracy.
    golden, households : GoldenRecords, Households, optional
        Adds their sections.
    threshold : float
        The clustering threshold (a match probability); where the slider starts.
    title : str
        The page's title.
    random_state : int, Generator or None
        Seed for the pairs and entities sampled into the page.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, warnings, golden as gd
    >>> from golden import comparisons as cmp
    >>> people = gd.datasets.make_people(500, random_state=0)
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     linker = gd.Linker([cmp.name("first_name"), cmp.name("surname"),
    ...                         cmp.date_of_birth("dob")], gd.block_on("dob"),
    ...                        random_state=0).fit(people)
    ...     path = gd.write_report(Path(tempfile.mkdtemp()) / "run.html", linker, people)
    >>> '<script type="application/json" id="report-data">' in path.read_text()
    True
    """
    linker.check_fitted()
    if isinstance(threshold, bool) or not 0.0 <= threshold <= 1.0:
        raise ConfigError(f"threshold: got {threshold!r}, expected a probability in [0, 1]")
    pairs = linker.predict(records) if pairs is None else pairs
    clusters = (linker.cluster(pairs, records, threshold=threshold) if clusters is None
                else clusters)
    blocking = linker.count_pairs(records)
    frame, source = rd.combined(records, linker.source)
    run = _run(linker, frame, source, pairs, clusters, truth, threshold)
    data = report_data(linker, run, blocking, truth, golden, households,
                       np.random.default_rng(random_state), title)
    out = Path(path)
    out.write_text(_page(data), encoding="utf-8")
    return out


def profile(records: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """Per column: completeness, distinct values and the most common values.

    Examples
    --------
    >>> import pandas as pd
    >>> profile(pd.DataFrame({"city": ["Leeds", "Leeds", None]})).to_dict("records")
    [{'column': 'city', 'complete': '66.7%', 'distinct': 1, 'top values': 'Leeds (2)'}]
    """
    rows = []
    for column in records.columns:
        values = records[column]
        common = values.value_counts().head(top)
        rows.append({"column": column, "complete": f"{values.notna().mean():.1%}",
                     "distinct": int(values.nunique()),
                     "top values": ", ".join(f"{v} ({n})" for v, n in common.items())})
    return pd.DataFrame(rows)


def report_data(linker: Linker, run: rd.Run, blocking: pd.DataFrame, truth: pd.Series | None,
                golden: GoldenRecords | None, households: Households | None,
                rng: np.random.Generator, title: str) -> dict[str, Any]:
    """Everything the page shows, as one JSON-ready dict (bounded in size)."""
    names = [c.name for c in linker.comparisons_]
    sample = rd.pair_sample(run.weight, rng)
    sample = sample[np.argsort(-run.weight[sample], kind="stable")]
    false_positives, false_negatives = rd.mistakes(run)
    clusters, links = rd.clusters_data(run, rng)
    positions = list(dict.fromkeys([*sample.tolist(), *false_positives.tolist(),
                                    *false_negatives.tolist(), *links]))
    place = {p: i for i, p in enumerate(positions)}
    for row in clusters["rows"]:
        row["links"] = [place[p] for p in row["links"]]
    rows = rd.pair_rows(run, positions, names)
    keys = [k for r in rows for k in (r["l"], r["r"])]
    keys += [k for c in clusters["rows"] for k in c["records"]]
    histogram = rd.histogram(run)
    data: dict[str, Any] = {
        "format": FORMAT, "version": VERSION, "title": title,
        "summary": _summary(linker, run),
        "profile": _records_of(profile(run.records)),
        "blocking": _blocking(blocking),
        "model": _model(linker, run.pairs),
        "threshold": {"probability": run.threshold,
                      "weight": _finite(rd.threshold_weight(run.threshold))},
        "estimated": _finite_dict(estimated_metrics(run.pairs, run.threshold)),
        "histogram": histogram,
        "pairs": {"rows": rows, "sample": [place[p] for p in sample.tolist()],
                  "false_positives": [place[p] for p in false_positives.tolist()],
                  "false_negatives": [place[p] for p in false_negatives.tolist()],
                  "n_candidates": len(run.pairs),
                  "sampling": (f"{len(sample):,} of {len(run.pairs):,} candidate pairs, up to "
                               f"{rd.SAMPLE_PAIRS // rd.WEIGHT_STRATA} at random from each of "
                               f"{rd.WEIGHT_STRATA} equal bands of match weight and the rest "
                               "at random")
                  + (f"; the {rd.MISTAKES} most confident false positives and false "
                     "negatives at the run's threshold" if truth is not None else "")},
        "clusters": clusters,
        "records": rd.record_values(run, keys),
        "truth": None, "golden": None, "households": None,
    }
    if truth is not None:
        data["truth"] = _accuracy(linker, run, truth)
    entity_ids = [c["id"] for c in clusters["rows"]]
    if golden is not None:
        data["golden"] = _golden(golden, entity_ids)
    if households is not None:
        data["households"] = _households(households, entity_ids)
    return data


# The run ------------------------------------------------------------------------------------

def _run(linker: Linker, frame: pd.DataFrame, source: str | None, pairs: pd.DataFrame,
         clusters: pd.DataFrame, truth: pd.Series | None, threshold: float) -> rd.Run:
    several = "source_l" in pairs.columns
    unique_id = linker.unique_id
    record_sources = frame[source] if several and source in frame.columns else None
    cluster_sources = (clusters["source"] if several and "source" in clusters.columns
                       else None)
    return rd.Run(
        records=frame.reset_index(drop=True),
        keys=rd.keys_of(frame[unique_id], record_sources),
        pairs=pairs.reset_index(drop=True),
        pair_l=rd.keys_of(pairs["unique_id_l"], pairs["source_l"] if several else None),
        pair_r=rd.keys_of(pairs["unique_id_r"], pairs["source_r"] if several else None),
        clusters=clusters.reset_index(drop=True),
        cluster_keys=rd.keys_of(clusters["unique_id"], cluster_sources),
        same=None if truth is None else rd.same_entity(pairs, truth),
        threshold=float(threshold), source=source if record_sources is not None else None)


def _summary(linker: Linker, run: rd.Run) -> dict[str, str]:
    kept = int((run.probability >= run.threshold).sum())
    return {
        "records": f"{len(run.records):,}",
        "link type": linker.link_type,
        "candidate pairs": f"{len(run.pairs):,}",
        f"pairs at probability ≥ {run.threshold:g}": f"{kept:,}",
        "entities": f"{run.clusters['entity_id'].nunique():,}",
        "comparisons": ", ".join(c.name for c in linker.comparisons_),
        "prior λ": f"{linker.lambda_:.3g}",
        "EM": f"{linker.n_iter_} iterations, converged={linker.converged_}",
    }


def _blocking(blocking: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for row in blocking.itertuples(index=False):
        largest = getattr(row, "largest_blocks", None)
        largest = list(largest) if isinstance(largest, list | tuple | np.ndarray) else []
        rows.append({"rule": str(row.rule), "pairs": int(row.pairs),
                     "new_pairs": int(row.new_pairs),
                     "cumulative_pairs": int(row.cumulative_pairs),
                     "largest_blocks": [[", ".join(map(str, b[:-1])), int(b[-1])]
                                        for b in largest[:3]]})
    return rows


def _model(linker: Linker, pairs: pd.DataFrame) -> dict[str, Any]:
    table = linker.weight_table()
    comparisons = []
    for j, comparison in enumerate(linker.comparisons_):
        weights = table.level_weights(j)
        counts = rd.level_counts(pairs, comparison.name) if f"gamma_{comparison.name}" in \
            pairs else {}
        levels = []
        for gamma, label in comparison.level_labels():
            null = gamma < 0
            levels.append({"gamma": gamma, "label": label,
                           "m": None if null else float(linker.m_[comparison.name][gamma]),
                           "u": None if null else float(linker.u_[comparison.name][gamma]),
                           "weight": 0.0 if null else round(float(weights[gamma + 1]), 4),
                           "pairs": counts.get(gamma, 0)})
        comparisons.append({"name": comparison.name, "levels": levels})
    dependence = [{"comparisons": [linker.comparisons_[j].name for j in c.comparisons]}
                  for c in getattr(linker, "dependence_corrections_", ())]
    return {"prior": round(table.prior, 4), "lambda": float(linker.lambda_),
            "comparisons": comparisons, "dependence": dependence}


def _accuracy(linker: Linker, run: rd.Run, truth: pd.Series) -> dict[str, Any]:
    source = None
    if linker.link_type == "link" and run.source is not None:  # true pairs across sources only
        source = run.records.set_index(linker.unique_id)[run.source]
    pairwise = pairwise_metrics(run.pairs, truth, threshold=run.threshold, source=source)
    entities = cluster_metrics(run.clusters, truth)
    return {"n_true": int(pairwise["n_true"]),
            "pairwise": _finite_dict({k: pairwise[k] for k in ("precision", "recall", "f1")}),
            "clusters": _finite_dict({k: entities[k] for k in (
                "bcubed_precision", "bcubed_recall", "bcubed_f1", "pairwise_precision",
                "pairwise_recall", "pairwise_f1")})}


def _golden(golden: GoldenRecords, entity_ids: list[Any]) -> dict[str, Any]:
    records = golden.records
    ids = records["entity_id"].astype(str)
    wanted = {str(e) for e in entity_ids}
    chosen = records[ids.isin(wanted)]
    columns = [str(c) for c in records.columns]
    by_entity = {str(r[0]): [_cell(v) for v in r] for r in chosen.itertuples(index=False)}
    provenance = golden.provenance
    shown = provenance[provenance["entity_id"].astype(str).isin(wanted)]
    shown = shown.groupby(shown["entity_id"].astype(str)).head(PROVENANCE_SHOWN)
    fields = [c for c in ("attribute", "value", "unique_id", "source", "rule", "support",
                          "candidates") if c in shown.columns]
    origin: dict[str, list[list[Any]]] = {}
    for entity, *values in shown[["entity_id", *fields]].itertuples(index=False):
        origin.setdefault(str(entity), []).append([_cell(v) for v in values])
    largest = records.sort_values("n_records", ascending=False, kind="stable") \
        if "n_records" in records else records
    return {"columns": columns, "records": by_entity, "provenance_columns": fields,
            "provenance": origin, "n": len(records),
            "largest": [[_cell(v) for v in r] for r in
                        largest.head(GOLDEN_SHOWN).itertuples(index=False)]}


def _households(households: Households, entity_ids: list[Any]) -> dict[str, Any]:
    compositions = households.households["composition"].value_counts()
    dwellings = households.dwellings["dwelling_type"].value_counts()
    members = households.members
    wanted = members[members["entity_id"].astype(str).isin({str(e) for e in entity_ids})]
    homes = households.households.set_index("household_id")
    of_entity = {}
    for entity, home in wanted[["entity_id", "household_id"]].itertuples(index=False):
        if home in homes.index:
            of_entity[str(entity)] = {"household": _cell(home),
                                      "composition": str(homes.at[home, "composition"]),
                                      "size": int(homes.at[home, "size"])}
    return {"n": len(households.households),
            "compositions": [[str(k), int(v)] for k, v in compositions.items()],
            "dwellings": [[str(k), int(v)] for k, v in dwellings.items()],
            "of_entity": of_entity}


# The page -----------------------------------------------------------------------------------

def _page(data: dict[str, Any]) -> str:
    title = _text(data["title"])
    assets = resources.files("golden.report")
    style = assets.joinpath("page.css").read_text(encoding="utf-8")
    script = assets.joinpath("page.js").read_text(encoding="utf-8")
    present = {"golden": data["golden"] is not None,
               "households": data["households"] is not None,
               "accuracy": data["truth"] is not None}
    contents = [(a, t) for a, t in CONTENTS if present.get(a, True)]
    nav = "".join(f'<li><a href="#{a}">{_text(t)}</a></li>' for a, t in contents)
    sections = [_static_summary(data), _static_profile(data), _static_blocking(data),
                _static_model(data), _static_threshold(data), _static_pairs(data),
                _static_clusters(data)]
    if present["golden"]:
        sections.append(_static_golden(data))
    if present["households"]:
        sections.append(_static_households(data))
    if present["accuracy"]:
        sections.append(_static_accuracy(data))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{title}</title><style>{style}</style></head><body>"
            f"<header><h1>{title}</h1><p class=\"note\">A self-contained report written by "
            "golden: one file, nothing fetched. The tables read as they are; the charts, "
            "the threshold, the pair explorer and the cluster browser need JavaScript.</p>"
            "</header>"
            f"<nav aria-label=\"Contents\"><h2>Contents</h2><ol>{nav}</ol></nav><main>"
            + "\n".join(sections) + "</main>"
            f"<script type=\"application/json\" id=\"report-data\">{_json(data)}</script>"
            f"<script>{script}</script></body></html>")


def _section(anchor: str, parts: list[str]) -> str:
    title = dict(CONTENTS)[anchor]
    return (f'<section id="{anchor}" aria-labelledby="{anchor}-title">'
            f'<h2 id="{anchor}-title">{_text(title)}</h2>' + "".join(parts) + "</section>")


def _static_summary(data: dict[str, Any]) -> str:
    rows = [[k, v] for k, v in data["summary"].items()]
    return _section("summary", [_table(["", "value"], rows)])


def _static_profile(data: dict[str, Any]) -> str:
    columns = ["column", "complete", "distinct", "top values"]
    rows = [[r[c] for c in columns] for r in data["profile"]]
    return _section("profile", [_table(columns, rows, numeric={2})])


def _static_blocking(data: dict[str, Any]) -> str:
    rows = data["blocking"]
    most = max([r["pairs"] for r in rows] + [1])
    body = [[r["rule"], _bar(r["pairs"] / most, f"{r['pairs']:,}"), f"{r['new_pairs']:,}",
             f"{r['cumulative_pairs']:,}",
             "; ".join(f"{b} ({n:,})" for b, n in r["largest_blocks"])] for r in rows]
    head = ["rule", "pairs", "new pairs", "cumulative pairs", "largest blocks"]
    return _section("blocking", [
        '<p class="note">Rules are OR-ed: a pair is compared once, counted under the first '
        "rule that finds it (new pairs).</p>",
        _table(head, body, numeric={2, 3}, raw={1})])


def _static_model(data: dict[str, Any]) -> str:
    model = data["model"]
    levels = [lv for c in model["comparisons"] for lv in c["levels"]]
    scale = max([abs(lv["weight"]) for lv in levels] + [1.0])
    parts = [f'<p class="note">Prior λ = {model["lambda"]:.3g}: a starting match weight of '
             f"{model['prior']:+.2f} bits. Each level's weight is log2(m / u): what agreeing "
             "this way adds to a pair's match weight (bars on one scale across comparisons).</p>"]
    if model["dependence"]:
        groups = "; ".join(", ".join(g["comparisons"]) for g in model["dependence"])
        parts.append(f'<p class="note">Comparisons that agree together among non-matches are '
                     f"weighed as a group (the dependence step of a waterfall): {_text(groups)}."
                     "</p>")
    for comparison in model["comparisons"]:
        total = sum(lv["pairs"] for lv in comparison["levels"]) or 1
        body = [[lv["label"], _number(lv["m"]), _number(lv["u"]),
                 _weight_bar(lv["weight"], scale),
                 f"{lv['pairs']:,} ({lv['pairs'] / total:.1%})"] for lv in comparison["levels"]]
        parts.append(f"<h3>{_text(comparison['name'])}</h3>")
        parts.append(_table(["level", "m (matches)", "u (non-matches)", "weight (bits)",
                             "candidate pairs"], body, numeric={1, 2, 4}, raw={3},
                            caption=f"Levels of {comparison['name']}, best first"))
    return _section("model", parts)


def _static_threshold(data: dict[str, Any]) -> str:
    figures = threshold_figures(data, data["histogram"]["start"])
    truth = data["truth"] is not None
    outputs = [("kept", "pairs kept"), ("est-precision", "estimated precision"),
               ("est-recall", "estimated recall"), ("est-f1", "estimated F1")]
    if truth:
        outputs += [("true-precision", "true precision"), ("true-recall", "true recall"),
                    ("true-f1", "true F1")]
    cells = "".join(f'<div class="figure"><span class="label">{_text(label)}</span>'
                    f'<output id="t-{key}" for="threshold-slider">{_text(figures[key])}</output>'
                    "</div>" for key, label in outputs)
    h = data["histogram"]
    return _section("threshold", [
        '<p class="note">Estimated figures come from the model\'s own probabilities (no labels):'
        " the expected matches among the pairs kept over those among all candidate pairs. "
        "Recall is of the candidate pairs: matches blocking never proposed are not counted"
        + (" by the estimate (the true recall counts them)." if truth else ".") + "</p>",
        '<div class="needs-js" hidden><label for="threshold-slider">Match weight threshold: '
        f'<strong id="t-weight">{_text(figures["weight"])}</strong> bits, probability '
        f'<strong id="t-probability">{_text(figures["probability"])}</strong></label>'
        f'<input type="range" id="threshold-slider" min="0" max="{len(h["pairs"])}" step="1" '
        f'value="{h["start"]}"></div>',
        f'<p class="note static-only">At the run\'s threshold (match weight ≥ '
        f'{_text(figures["weight"])} bits, probability ≥ {_text(figures["probability"])}):</p>',
        f'<div class="figures" aria-live="polite">{cells}</div>',
        '<div id="histogram" class="chart"></div>',
        _noscript("the weight histogram")])


def threshold_figures(data: dict[str, Any], k: int) -> dict[str, str]:
    """The threshold section's figures at bin edge ``k`` of the embedded histogram, as the
    page's script computes them (the static page shows them at the run's threshold)."""
    h = data["histogram"]
    kept = int(sum(h["pairs"][k:]))
    expected, all_expected = sum(h["probability"][k:]), sum(h["probability"])
    precision = expected / kept if kept else math.nan
    recall = expected / all_expected if all_expected > 0 else math.nan
    weight = h["edges"][k] if k < len(h["edges"]) else math.inf
    out = {"kept": f"{kept:,}", "weight": f"{weight:+.2f}",
           "probability": f"{1 / (1 + 2.0 ** -weight):.4f}",
           "est-precision": _share(precision), "est-recall": _share(recall),
           "est-f1": _share(_f1(precision, recall))}
    if data["truth"] is not None and h["matches"] is not None:
        tp = sum(h["matches"][k:])
        n_true = data["truth"]["n_true"]
        precision = tp / kept if kept else math.nan
        recall = tp / n_true if n_true else math.nan
        out |= {"true-precision": _share(precision), "true-recall": _share(recall),
                "true-f1": _share(_f1(precision, recall))}
    return out


def _static_pairs(data: dict[str, Any]) -> str:
    return _section("pairs", [
        f'<p class="note">Embedded: {_text(data["pairs"]["sampling"])}. Pick a pair to see its '
        "waterfall (how each comparison moved its match weight) and both records side by "
        "side; filter by a comparison's level.</p>",
        '<div id="pair-explorer"></div>', _noscript("the pair explorer")])


def _static_clusters(data: dict[str, Any]) -> str:
    clusters = data["clusters"]
    rows = [[f"{size:,}", f"{n:,}"] for size, n in clusters["sizes"]]
    return _section("clusters", [
        f'<p class="note">{clusters["n_entities"]:,} entities. Embedded: '
        f"{_text(clusters['sampling'])}. Search finds records among them.</p>",
        _table(["records per entity", "entities"], rows, numeric={0, 1},
               caption="Entity sizes"),
        '<div id="cluster-browser"></div>', _noscript("the cluster browser")])


def _static_golden(data: dict[str, Any]) -> str:
    golden = data["golden"]
    return _section("golden", [
        f'<p class="note">{golden["n"]:,} golden records; the {GOLDEN_SHOWN} of the largest '
        "entities below. The cluster browser shows each embedded entity's golden record and "
        "where every value came from.</p>",
        _table(golden["columns"], golden["largest"])])


def _static_households(data: dict[str, Any]) -> str:
    homes = data["households"]
    return _section("households", [
        f'<p class="note">{homes["n"]:,} households.</p>',
        _table(["composition", "households"], [[k, f"{v:,}"] for k, v in homes["compositions"]],
               numeric={1}),
        _table(["dwelling type", "buildings"], [[k, f"{v:,}"] for k, v in homes["dwellings"]],
               numeric={1})])


def _static_accuracy(data: dict[str, Any]) -> str:
    truth = data["truth"]
    rows = [[f"pairwise {k}", _number(v)] for k, v in truth["pairwise"].items()]
    rows += [[f"clusters {k.replace('_', ' ')}", _number(v)]
             for k, v in truth["clusters"].items()]
    return _section("accuracy", [
        f'<p class="note">At the run\'s threshold, against the truth column: '
        f"{truth['n_true']:,} pairs of records are the same entity. The pair explorer lists the "
        "most confident false positives and false negatives.</p>",
        _table(["metric", "value"], rows, numeric={1})])


# HTML pieces --------------------------------------------------------------------------------

def _table(head: list[str], rows: list[list[Any]], *, numeric: set[int] | None = None,
           raw: set[int] | None = None, caption: str | None = None) -> str:
    shown = table(head, rows, numeric=numeric, raw=raw, caption=caption)
    return f'<div class="table-wrap">{shown}</div>'


def _bar(share: float, label: str) -> str:
    width = max(0.0, min(share, 1.0)) * 100
    return (f'<span class="bar"><span class="fill" style="width:{width:.1f}%"></span></span>'
            f' <span class="num">{_text(label)}</span>')


def _weight_bar(weight: float, scale: float) -> str:
    half = min(abs(weight) / scale, 1.0) * 50
    left = 50 if weight >= 0 else 50 - half
    kind = "agree" if weight >= 0 else "disagree"
    return (f'<span class="wbar"><span class="fill {kind}" style="left:{left:.1f}%;'
            f'width:{half:.1f}%"></span></span> <span class="num">{weight:+.2f}</span>')


def _noscript(what: str) -> str:
    return f'<noscript><p class="note">Turn on JavaScript to see {_text(what)}.</p></noscript>'


def _json(data: dict[str, Any]) -> str:
    """JSON safe inside a script element (no ``</script>``, no ``<!--``)."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _records_of(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _cell(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _cell(value: Any) -> Any:
    """A JSON-ready cell: numbers and text as they are, lists joined, nulls None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, list | tuple | np.ndarray):
        return "; ".join(str(v) for v in value)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if value is pd.NaT or (not isinstance(value, str) and pd.isna(value) is True):
        return None
    return value if isinstance(value, int | float | str | bool) else str(value)


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _finite_dict(values: dict[str, float]) -> dict[str, float | None]:
    return {k: _finite(float(v)) for k, v in values.items()}


def _f1(precision: float, recall: float) -> float:
    total = precision + recall
    return 2 * precision * recall / total if total > 0 else math.nan


def _share(value: float) -> str:
    return "—" if not math.isfinite(value) else f"{value:.3f}"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"


def _text(value: Any) -> str:
    return html.escape(str(value))


__all__ = ["profile", "report_data", "threshold_figures", "write_report"]
