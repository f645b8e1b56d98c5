"""Charts: each returns a Figure that saves as PNG and SVG; a clear error without matplotlib."""

from __future__ import annotations

import sys
import warnings

import pandas as pd
import pytest

import golden as gd
from golden import plot

pytest.importorskip("matplotlib")


@pytest.fixture
def run(febrl3_fitted):
    fitted = febrl3_fitted
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        counts = fitted.linker.count_pairs(fitted.records)
    return fitted.linker, fitted.pairs, fitted.clusters, counts, fitted.truth


def charts(run):
    linker, pairs, clusters, counts, truth = run
    return {
        "waterfall": plot.waterfall(linker.explain(pairs.iloc[0])),
        "weights": plot.weight_distribution(pairs),
        "m_u": plot.m_u(linker),
        "blocking": plot.blocking_counts(counts),
        "clusters": plot.cluster_sizes(clusters),
        "accuracy": plot.precision_recall(pairs, truth),
    }


def test_every_chart_saves_as_png_and_svg(run, tmp_path) -> None:
    for name, fig in charts(run).items():
        for suffix in ("png", "svg"):
            path = tmp_path / f"{name}.{suffix}"
            fig.savefig(path)
            assert path.stat().st_size > 1_000, name


def test_charts_show_the_run(run) -> None:
    linker, *_ = run
    figs = charts(run)
    names = [t.get_text() for t in figs["waterfall"].axes[0].get_yticklabels()]
    dependence = ["dependence"] if linker.dependence_corrections_ else []
    assert names == ["prior", *[c.name for c in linker.comparisons_], *dependence, "total"]
    assert [ax.get_title() for ax in figs["m_u"].axes] == [c.name for c in linker.comparisons_]
    assert figs["accuracy"].axes[1].get_title().startswith("best F1 0.99")


def test_bad_input_and_missing_matplotlib(monkeypatch) -> None:
    with pytest.raises(gd.SchemaError, match="match_weight"):
        plot.weight_distribution(pd.DataFrame({"x": [1]}))
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(gd.MissingDependencyError, match=r"golden-records\[plot\]"):
        plot.cluster_sizes(pd.DataFrame({"entity_id": [1, 1, 2]}))
