"""Candidate pairs: each rule's pairs, OR de-duplicated, oriented by the link type."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from golden._base.pairs import RowThinning, within_group_pairs
from golden._base.progress import progress
from golden.blocking.base import Blocking, BlockingRule, RuleIndex
from golden.blocking.indexes import EqualityIndex
from golden.errors import ConfigError

if TYPE_CHECKING:
    from golden.records import Records


@dataclass(frozen=True)
class CandidatePairs:
    """Candidate pairs as row numbers, with the index of the first rule that found each."""

    left: np.ndarray
    right: np.ndarray
    rule: np.ndarray
    labels: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.left)


def iter_rule_pairs(
    records: Records, blocking: Blocking, link_type: str,
    indexes: Sequence[RuleIndex] | None = None,
) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Yield ``(rule_number, left, right)`` for each rule's new pairs, OR de-duplicated."""
    if indexes is None:
        indexes = [rule.index(records) for rule in blocking.rules]
    for number, index in enumerate(indexes):
        left, right = index.pairs()
        left, right = orient(records, left, right, link_type)
        seen = np.zeros(len(left), dtype=bool)
        for earlier in indexes[:number]:
            seen |= earlier.covers(left, right)
        yield number, left[~seen], right[~seen]


def orient(records: Records, left: np.ndarray, right: np.ndarray, link_type: str
           ) -> tuple[np.ndarray, np.ndarray]:
    """Drop pairs the link type excludes; put the lower source first in cross-source pairs."""
    if records.n_sources == 1 or link_type == "dedupe":
        return left, right
    sl, sr = records.source_codes[left], records.source_codes[right]
    if link_type == "link":
        keep = sl != sr
        left, right, sl, sr = left[keep], right[keep], sl[keep], sr[keep]
    swap = sl > sr
    return np.where(swap, right, left), np.where(swap, left, right)


def rule_indexes(
    records: Records, blocking: Blocking, link_type: str, max_pairs: int | None = None,
    show_progress: bool | None = False,
) -> list[RuleIndex]:
    """Each rule's index; ``ConfigError`` (before any pair is built) when the rules would
    produce more than ``max_pairs`` pairs."""
    indexes = [rule.index(records)
               for rule in progress(blocking.rules, "blocking", show_progress)]
    if max_pairs is not None:
        guard_pair_count(indexes, link_type, max_pairs)
    return indexes


def candidate_pairs(
    records: Records, blocking: Blocking, link_type: str, max_pairs: int | None = None,
    show_progress: bool | None = False, indexes: Sequence[RuleIndex] | None = None,
) -> CandidatePairs:
    """All candidate pairs of the OR-ed rules, each once, tagged with its first rule (from
    the rules' ``indexes`` when already made)."""
    if indexes is None:
        indexes = rule_indexes(records, blocking, link_type, max_pairs, show_progress)
    dtype = np.int32 if records.n < 2**31 else np.int64
    lefts, rights, tags = [], [], []
    for number, left, right in iter_rule_pairs(records, blocking, link_type, indexes):
        lefts.append(left.astype(dtype, copy=False))
        rights.append(right.astype(dtype, copy=False))
        tags.append(np.full(len(left), number, dtype=np.int16))
    return CandidatePairs(
        np.concatenate(lefts), np.concatenate(rights), np.concatenate(tags),
        tuple(r.label for r in blocking.rules),
    )


def sample_rule_pairs(records: Records, rule: BlockingRule, link_type: str, max_pairs: int,
                      rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A rule's pairs, or about ``max_pairs`` of them when it has more: for equality rules
    the pairs of the rows a ``RowThinning`` keeps (each pair as likely as any other, the
    rule's other pairs never built, and the same pairs on every engine); for other rules
    a uniform sample of exactly ``max_pairs``."""
    index = rule.index(records)
    if isinstance(index, EqualityIndex):
        total = index.count(link_type == "link")
        if total > max_pairs:
            thinning = RowThinning.for_pairs(total, max_pairs, rng)
            codes = np.where(thinning.keeps(np.arange(len(index.codes))), index.codes, -1)
            return orient(records, *within_group_pairs(codes), link_type)
    left, right = orient(records, *index.pairs(), link_type)
    if len(left) > max_pairs:
        sample = np.sort(rng.choice(len(left), max_pairs, replace=False))
        left, right = left[sample], right[sample]
    return left, right


def guard_pair_count(indexes: Sequence[RuleIndex], link_type: str, max_pairs: int) -> None:
    """Raise before pairs are built when the rules would produce more than ``max_pairs``."""
    cross = link_type == "link"
    counts = [(index.rule, index.count(cross)) for index in indexes]
    total = sum(n for _, n in counts)
    if total > max_pairs:
        worst, n = max(counts, key=lambda item: item[1])
        raise ConfigError(
            f"blocking would produce up to {total:,} candidate pairs, more than "
            f"max_pairs={max_pairs:,}; rule {worst.label!r} alone gives {n:,}. Use a more "
            "specific rule, or raise max_pairs"
        )
