"""How golden records show in a notebook (``GoldenRecords._repr_html_``): counts, the head of
the records and, per attribute, the rules that chose its values; every text escaped."""

from __future__ import annotations

import pandas as pd

from golden._base.html import frame_head, paragraph, section, table

#: Columns of ``GoldenRecords.records`` that are not attributes.
NOT_ATTRIBUTES = ("entity_id", "n_records")


def golden_records_html(records: pd.DataFrame, provenance: pd.DataFrame) -> str:
    """Entities and attributes counted, the head of ``records`` and a table of the rules
    used per attribute (pins counted together as "pinned"), with the values and entities
    each chose."""
    attributes = [c for c in records.columns if c not in NOT_ATTRIBUTES]
    parts = [paragraph(f"{len(records):,} entities", f"{len(attributes):,} attributes",
                       f"{len(provenance):,} values traced"),
             frame_head(records, "records")]
    if len(provenance) and {"attribute", "rule", "entity_id"} <= set(provenance.columns):
        rule = provenance["rule"].astype(str)
        rule = rule.where(~rule.str.startswith("pinned by "), "pinned")
        used = (provenance.assign(rule=rule).groupby(["attribute", "rule"], sort=False)
                .agg(values=("entity_id", "size"), entities=("entity_id", "nunique"))
                .reset_index())
        rows = [[r.attribute, r.rule, f"{r.values:,}", f"{r.entities:,}"]
                for r in used.itertuples(index=False)]
        parts.append(table(["attribute", "rule", "values", "entities"], rows,
                           numeric={2, 3}, caption="Rules used per attribute"))
    return f'<div class="golden-records">{section("Golden records", *parts)}</div>'
