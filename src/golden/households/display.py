"""How households show in a notebook (``Households._repr_html_``): counts, the distribution
of household sizes and the first rows of each frame, every text escaped."""

from __future__ import annotations

import pandas as pd

from golden._base.html import frame_head, paragraph, section, table


def households_html(members: pd.DataFrame, households: pd.DataFrame,
                    dwellings: pd.DataFrame) -> str:
    """Households, people and dwellings counted, households by size, and the head of the
    ``households``, ``members`` and ``dwellings`` frames."""
    counts = paragraph(f"{len(households):,} households", f"{len(members):,} people",
                       f"{len(dwellings):,} dwellings")
    parts = [counts]
    if "size" in households.columns and len(households):
        sizes = households["size"].value_counts().sort_index()
        rows = [[size, f"{n:,}", f"{n / len(households):.1%}"] for size, n in sizes.items()]
        parts.append(table(["size", "households", "share"], rows, numeric={0, 1, 2},
                           caption="Households by size"))
    parts += [frame_head(households, "households"), frame_head(members, "members"),
              frame_head(dwellings, "dwellings")]
    return f'<div class="golden-households">{section("Households", *parts)}</div>'
