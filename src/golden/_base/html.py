"""Small HTML pieces, every text escaped: the tables of notebook displays (``_repr_html_``)
and of the run report.

No scripts and no style sheets: a notebook shows them as they are, and a value such as
``<script>`` in a column name or a cell reads as text.

Examples
--------
>>> table(["gamma", "label"], [[1, "<b>exact</b>"]], numeric={0}).split("<tbody>")[1]
'<tr><td class="num">1</td><td>&lt;b&gt;exact&lt;/b&gt;</td></tr></tbody></table>'
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: Rows and columns of a frame a notebook display shows.
HEAD_ROWS, HEAD_COLUMNS = 5, 12


def text(value: Any) -> str:
    """``value`` as HTML text, escaped (quotes too).

    Examples
    --------
    >>> text('<script>alert("1")</script>')
    '&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt;'
    """
    return html.escape(str(value))


def number(value: Any, digits: int = 4) -> str:
    """A number to ``digits`` significant figures; "" for None, NaN and infinities.

    Examples
    --------
    >>> number(0.000123456), number(None), number(float("nan"))
    ('0.0001235', '', '')
    """
    if value is None:
        return ""
    value = float(value)
    return f"{value:.{digits}g}" if math.isfinite(value) else ""


def table(head: Sequence[Any], rows: Iterable[Sequence[Any]], *,
          numeric: set[int] | None = None, raw: set[int] | None = None,
          caption: str | None = None) -> str:
    """A ``<table>`` of ``rows`` under the column names ``head``.

    Cells are escaped, except columns in ``raw`` (HTML made by the caller); columns in
    ``numeric`` get ``class="num"``; None shows as an empty cell.
    """
    numeric, raw = numeric or set(), raw or set()

    def cell(tag: str, i: int, value: Any) -> str:
        shown = value if i in raw else text("" if value is None else value)
        return f'<{tag} class="num">{shown}</{tag}>' if i in numeric else f"<{tag}>{shown}</{tag}>"

    top = f"<caption>{text(caption)}</caption>" if caption else ""
    header = "".join(f'<th scope="col">{text(h)}</th>' for h in head)
    body = "".join("<tr>" + "".join(cell("td", i, v) for i, v in enumerate(r)) + "</tr>"
                   for r in rows)
    return f"<table>{top}<thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def frame_head(frame: pd.DataFrame, caption: str, rows: int = HEAD_ROWS,
               columns: int = HEAD_COLUMNS) -> str:
    """The first ``rows`` rows and ``columns`` columns of a DataFrame as a table, captioned
    with ``caption`` and the frame's size; column names and values escaped."""
    shown = frame.iloc[:rows, :columns]
    more = frame.shape[1] - shown.shape[1]
    size = f"{len(frame):,} rows × {frame.shape[1]} columns"
    extra = f" (first {shown.shape[1]} shown)" if more > 0 else ""
    return table([str(c) for c in shown.columns], shown.itertuples(index=False),
                 caption=f"{caption}: {size}{extra}")


def section(title: str, *parts: str) -> str:
    """A titled block of HTML ``parts`` (made by the caller, so not escaped again)."""
    return f"<div><strong>{text(title)}</strong>{''.join(parts)}</div>"


def paragraph(*facts: str) -> str:
    """A paragraph of plain text facts, escaped and joined with " · "."""
    return f"<p>{' · '.join(text(f) for f in facts)}</p>"
