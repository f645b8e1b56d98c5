"""Survivorship rules: which record's value an entity's golden record keeps.

A rule ranks the records of one entity that hold a usable value (not null, not
suppressed) and the best-ranked record wins; its value, source, id and timestamp
go into the golden record and its provenance. Rules are specs: immutable,
hashable, JSON round-trip. Chain a tie-break with ``Rule.then``.

Ties left after every rule go to the most recent record when the builder knows a
timestamp column, then to the record that comes first in the input.

Examples
--------
>>> from golden import survivorship as sv
>>> sv.source_priority(["crm", "web"]).then(sv.most_recent("updated_at")).label
'source_priority(crm, web) then most_recent(updated_at)'
>>> sv.all_values(order="recent").label
'all_values(recent)'
"""

from __future__ import annotations

from golden.survivorship.rules import (
    AllValues,
    Custom,
    Earliest,
    FirstNonNull,
    Longest,
    Maximum,
    Minimum,
    MostComplete,
    MostFrequent,
    MostRecent,
    Ranked,
    Rule,
    Shortest,
    SourcePriority,
    all_values,
    custom,
    earliest,
    first_non_null,
    longest,
    maximum,
    minimum,
    most_complete,
    most_frequent,
    most_recent,
    shortest,
    source_priority,
)

__all__ = [
    "AllValues",
    "Custom",
    "Earliest",
    "FirstNonNull",
    "Longest",
    "Maximum",
    "Minimum",
    "MostComplete",
    "MostFrequent",
    "MostRecent",
    "Ranked",
    "Rule",
    "Shortest",
    "SourcePriority",
    "all_values",
    "custom",
    "earliest",
    "first_non_null",
    "longest",
    "maximum",
    "minimum",
    "most_complete",
    "most_frequent",
    "most_recent",
    "shortest",
    "source_priority",
]
