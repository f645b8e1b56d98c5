"""Blocking: rule specs and candidate-pair generation."""

from __future__ import annotations

from golden.blocking.analysis import analyse_blocking, count_pairs, generate_pairs
from golden.blocking.base import Blocking, BlockingRule, RuleIndex, as_blocking
from golden.blocking.candidates import (
    CandidatePairs,
    candidate_pairs,
    guard_pair_count,
    iter_rule_pairs,
    orient,
    rule_indexes,
    sample_rule_pairs,
)
from golden.blocking.indexes import EqualityIndex, MultiValueIndex, WindowIndex, rows_to_runs
from golden.blocking.rules import (
    BlockOn,
    BlockOnAny,
    SortedNeighbourhood,
    block_on,
    block_on_any,
    sorted_neighbourhood,
)

__all__ = [
    "BlockOn",
    "BlockOnAny",
    "Blocking",
    "BlockingRule",
    "CandidatePairs",
    "EqualityIndex",
    "MultiValueIndex",
    "RuleIndex",
    "SortedNeighbourhood",
    "WindowIndex",
    "analyse_blocking",
    "as_blocking",
    "block_on",
    "block_on_any",
    "candidate_pairs",
    "count_pairs",
    "generate_pairs",
    "guard_pair_count",
    "iter_rule_pairs",
    "orient",
    "rows_to_runs",
    "rule_indexes",
    "sample_rule_pairs",
    "sorted_neighbourhood",
]
