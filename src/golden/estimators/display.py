"""How a Linker shows in a notebook (``Linker._repr_html_``): its configuration and, once
fitted, λ, the candidate pairs, EM's convergence and per comparison its levels' m, u and
weight, with the dependence corrections and the relatives found. Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from golden._base.estimator import Estimator
from golden._base.html import number, paragraph, section, table, text
from golden.blocking import as_blocking
from golden.comparisons import Comparison
from golden.errors import ConfigError


def linker_html(linker: Estimator) -> str:
    """A Linker (fitted or not) as small HTML tables.

    Reads the Linker's parameters (``comparisons``, ``blocking``, ``link_type``,
    ``unique_id``) and, when fitted, its learned attributes and ``weight_table()``. Never
    raises on a configuration ``fit`` would refuse: what cannot be read shows as its repr.
    """
    params = linker.get_params()
    fitted = hasattr(linker, "m_")
    comparisons = linker.comparisons_ if fitted else params["comparisons"]  # type: ignore[attr-defined]
    blocking = linker.blocking_ if fitted else params["blocking"]  # type: ignore[attr-defined]
    state = "fitted" if fitted else "not fitted"
    parts = [paragraph(state, f"link_type={params['link_type']}",
                       f"unique_id={params['unique_id']}")]
    if fitted:
        parts.append(_fitted_summary(linker))
    parts.append(section("Blocking rules (OR-ed, in priority order)", _blocking(blocking)))
    parts.append(section("Comparisons", _comparisons(linker, comparisons, fitted)))
    if fitted:
        parts += _dependence(linker, comparisons)
    return f'<div class="golden-linker">{section(type(linker).__name__, *parts)}</div>'


def _fitted_summary(linker: Any) -> str:
    n_candidates = getattr(linker, "n_candidates_", None)  # a loaded model has none
    prior = linker.weight_table().prior
    rows = [["λ (prior match probability)", number(linker.lambda_)],
            ["prior weight (bits)", f"{prior:+.2f}"],
            ["candidate pairs", "" if n_candidates is None else f"{int(n_candidates):,}"],
            ["EM iterations", str(linker.n_iter_)],
            ["converged", "yes" if linker.converged_ else "no"]]
    return table(["", "value"], rows, numeric={1})


def _blocking(blocking: Any) -> str:
    try:
        rules = as_blocking(blocking, "blocking").rules
    except ConfigError:
        return f"<p><code>{text(repr(blocking))}</code></p>"
    return "<ol>" + "".join(f"<li><code>{text(rule.label)}</code></li>" for rule in rules) \
        + "</ol>"


def _comparisons(linker: Any, comparisons: Any, fitted: bool) -> str:
    if not (isinstance(comparisons, Sequence)
            and all(isinstance(c, Comparison) for c in comparisons)):
        return f"<p><code>{text(repr(comparisons))}</code></p>"
    weights = linker.weight_table() if fitted else None
    parts = []
    for j, comparison in enumerate(comparisons):
        tf = set(comparison.tf_gammas())
        rows: list[list[Any]] = []
        for gamma, label in comparison.level_labels():
            shown = f"{label} (term frequency)" if gamma in tf else label
            if weights is None:
                rows.append([gamma, shown])
            elif gamma < 0:
                rows.append([gamma, shown, "", "", "0.00"])
            else:
                rows.append([gamma, shown, number(linker.m_[comparison.name][gamma]),
                             number(linker.u_[comparison.name][gamma]),
                             f"{weights.level_weights(j)[gamma + 1]:+.2f}"])
        head = ["gamma", "label"] + (["m", "u", "weight (bits)"] if fitted else [])
        columns = ", ".join(comparison.columns)
        caption = comparison.name if columns == comparison.name \
            else f"{comparison.name} ({columns})"
        parts.append(table(head, rows, numeric={0, 2, 3, 4}, caption=caption))
    return "".join(parts)


def _dependence(linker: Any, comparisons: Sequence[Comparison]) -> list[str]:
    parts = []
    corrections = getattr(linker, "dependence_corrections_", ())
    if corrections:
        rows = [[", ".join(comparisons[j].name for j in c.comparisons),
                 ", ".join(str(level) for level in c.agree_from), f"{c.bits[-1]:+.2f}"]
                for c in corrections]
        parts.append(section("Dependence corrections", table(
            ["comparisons", "agree from level", "weight when all agree (bits)"], rows,
            numeric={2})))
    relatives = getattr(linker, "relatives_", None)
    if relatives is not None:
        parts.append(section("Relatives among the candidate pairs", table(
            ["share of candidates", "differ on"],
            [[number(relatives.share), ", ".join(relatives.differ_on)]], numeric={0})))
    return parts
