"""Blocking analysis and pairs for DataFrames: pairs per rule, and the pairs themselves.

Examples
--------
>>> import pandas as pd
>>> import golden as gd
>>> df = pd.DataFrame({"id": [1, 2, 3, 4], "surname": ["Li", "Li", "Ng", "Ng"],
...                    "dob": ["1990-01-01", "1990-01-01", "1990-01-01", "1985-02-02"]})
>>> rules = gd.block_on("surname") | gd.block_on(gd.col("dob").year())
>>> pairs = gd.generate_pairs(df, rules, unique_id="id")
>>> pairs[["unique_id_l", "unique_id_r", "rule"]].values.tolist()
[[1, 2, 0], [3, 4, 0], [1, 3, 1], [2, 3, 1]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from golden._base.pairs import combine_codes, count_group_pairs, group_starts, sort_by_group
from golden.blocking.base import Blocking, BlockingRule, RuleIndex, as_blocking
from golden.blocking.candidates import candidate_pairs, iter_rule_pairs
from golden.blocking.indexes import EqualityIndex, MultiValueIndex, key_text
from golden.errors import ConfigError

if TYPE_CHECKING:
    from golden.records import Records


def count_pairs(records: Records, blocking: Blocking, link_type: str, top: int = 5
                ) -> pd.DataFrame:
    """Pairs per rule, new pairs after OR de-duplication, cumulative pairs, largest blocks.

    Equality rules are counted without building pairs (inclusion–exclusion over the
    conjunctions of earlier rules); other rule types enumerate their pairs.
    """
    cross = link_type == "link"
    rows = []
    cumulative = 0
    indexes = [rule.index(records) for rule in blocking.rules]
    all_equality = all(isinstance(i, EqualityIndex) for i in indexes)
    new_counts = (
        _new_pair_counts(indexes, records, cross) if all_equality
        else [len(left) for _, left, _ in iter_rule_pairs(records, blocking, link_type,
                                                           indexes)]
    )
    for index, new in zip(indexes, new_counts, strict=True):
        cumulative += new
        rows.append({
            "rule": index.rule.label,
            "pairs": index.count(cross),
            "new_pairs": new,
            "cumulative_pairs": cumulative,
            "largest_blocks": _largest_blocks(index, records, top),
        })
    return pd.DataFrame(rows)


def _new_pair_counts(indexes: list[RuleIndex], records: Records, cross: bool) -> list[int]:
    counts = []
    for k, index in enumerate(indexes):
        new = 0
        for subset in range(2 ** k):
            members = [indexes[j] for j in range(k) if subset >> j & 1]
            codes = combine_codes(index.codes, *(m.codes for m in members))  # type: ignore[attr-defined]
            new += (-1) ** len(members) * count_group_pairs(codes, records.source_codes, cross)
        counts.append(new)
    return counts


def _largest_blocks(index: RuleIndex, records: Records, top: int) -> list[tuple[str, int]]:
    if not isinstance(index, EqualityIndex | MultiValueIndex):
        return []
    order, sorted_codes = sort_by_group(index.codes)
    starts, sizes = group_starts(sorted_codes)
    biggest = np.argsort(-sizes, kind="stable")[:top]
    out = []
    for g in biggest:
        pos = order[starts[g]]
        if isinstance(index, EqualityIndex):
            text = key_text(records, index.rule.keys, int(pos))  # type: ignore[attr-defined]
        elif sorted_codes[starts[g]] < len(index.uniques):
            text = f"{index.rule.key.label}={index.uniques[sorted_codes[starts[g]]]!r}"  # type: ignore[attr-defined]
        else:  # a run of a block split by oversize="cap": its value is not kept
            text = f"{index.rule.key.label} (part of a capped block)"  # type: ignore[attr-defined]
        out.append((text, int(sizes[g])))
    return out


def generate_pairs(
    records: pd.DataFrame | Sequence[pd.DataFrame],
    blocking: BlockingRule | Blocking | Sequence[BlockingRule],
    *,
    unique_id: str = "unique_id",
    link_type: str = "dedupe",
    source: str | None = None,
    max_pairs: int | None = None,
) -> pd.DataFrame:
    """Candidate pairs of the OR-ed rules: ``unique_id_l``, ``unique_id_r`` (with
    ``source_l``/``source_r`` for several sources) and ``rule``, the number of the first rule
    that found the pair. See the module example.
    """
    data, rules = _prepared(records, blocking, unique_id, link_type, source)
    pairs = candidate_pairs(data, rules, link_type, max_pairs)
    return pd.DataFrame({**data.pair_ids(pairs.left, pairs.right), "rule": pairs.rule})


def analyse_blocking(
    records: pd.DataFrame | Sequence[pd.DataFrame],
    blocking: BlockingRule | Blocking | Sequence[BlockingRule],
    *,
    unique_id: str = "unique_id",
    link_type: str = "dedupe",
    source: str | None = None,
    top: int = 5,
) -> pd.DataFrame:
    """Pairs per rule, new pairs after OR de-duplication, cumulative pairs and the largest
    blocks, without building the pairs (for equality rules).

    Examples
    --------
    >>> import pandas as pd
    >>> import golden as gd
    >>> df = pd.DataFrame({"id": range(6), "city": ["a"] * 4 + ["b"] * 2,
    ...                    "zip": ["1", "1", "2", "2", "2", "3"]})
    >>> gd.analyse_blocking(df, [gd.block_on("city"), gd.block_on("zip")], unique_id="id"
    ...                     )[["rule", "pairs", "new_pairs", "cumulative_pairs"]].values.tolist()
    [['city', 7, 7, 7], ['zip', 4, 2, 9]]
    """
    data, rules = _prepared(records, blocking, unique_id, link_type, source)
    return count_pairs(data, rules, link_type, top)


def _prepared(records: pd.DataFrame | Sequence[pd.DataFrame],
              blocking: BlockingRule | Blocking | Sequence[BlockingRule], unique_id: str,
              link_type: str, source: str | None) -> tuple[Records, Blocking]:
    """Validated records and rules for the public blocking functions."""
    from golden.records import prepare_records, validate_link_type

    rules = as_blocking(blocking, "blocking")
    problems = validate_link_type(link_type)
    if problems:
        raise ConfigError(problems)
    data = prepare_records(records, unique_id=unique_id, source=source, link_type=link_type,
                           columns=rules.columns)
    return data, rules
