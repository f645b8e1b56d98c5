"""Blocking rules (specs) and candidate-pair generation.

A rule says which pairs of records are worth comparing. Several rules are OR-ed: each pair
is produced once and tagged with the first rule that found it.

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

import warnings
from abc import abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from golden._base.pairs import (
    combine_codes,
    count_group_pairs,
    group_starts,
    ordered,
    pair_keys,
    sample_group_pairs,
    sort_by_group,
    window_pairs,
    within_group_pairs,
)
from golden._base.progress import progress
from golden._base.spec import Spec
from golden.errors import ConfigError, DataWarning
from golden.values import Expr, as_expr
from golden.values import per_value as pv

if TYPE_CHECKING:
    from golden.records import Records

OVERSIZE_ACTIONS = ("skip", "cap", "error")
DEFAULT_MAX_BLOCK_SIZE = 1_000


KEY_SEPARATOR = "\x1f"  # between the parts of a block key's text


class BlockingRule(Spec):
    """Base of blocking rules; combine rules with ``|`` (OR)."""

    @property
    @abstractmethod
    def label(self) -> str:
        """A readable description."""

    @property
    @abstractmethod
    def columns(self) -> tuple[str, ...]:
        """Input columns the rule reads."""

    @abstractmethod
    def index(self, records: Records) -> RuleIndex:
        """Precompute what the rule needs to enumerate and recognise its pairs."""

    @property
    def encoded(self) -> tuple[Expr, ...]:
        """Expressions ``index`` reads as ``Records.encode`` codes (to encode ahead)."""
        return ()

    def block_keys(self, records: Records) -> tuple[np.ndarray, np.ndarray]:
        """Each record's block keys as text, for looking records up one at a time:
        ``(rows, keys)``, a row once per key it holds. Two records are a pair of the rule
        when they share a key."""
        raise ConfigError(f"blocking rule {self.label!r} depends on every record's position "
                          "and cannot be looked up one record at a time; use block_on or "
                          "block_on_any rules")

    def keys_of_one(self, record: Mapping[str, Any]) -> list[str]:
        """One record's block keys, as ``block_keys`` writes them, computed value by value
        (golden's per-value normalisers); ``Decline`` when a value needs the batch path."""
        raise pv.Decline

    def __or__(self, other: BlockingRule | Blocking) -> Blocking:
        return Blocking((self,)) | other

    @property
    def rules(self) -> tuple[BlockingRule, ...]:
        """The rules OR-ed together (just this one)."""
        return (self,)


@dataclass(frozen=True)
class Blocking(Spec):
    """Several blocking rules OR-ed together, in priority order."""

    kind = "any_of"
    rules: tuple[BlockingRule, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", tuple(self.rules))
        bad = [r for r in self.rules if not isinstance(r, BlockingRule)]
        if bad or not self.rules:
            raise ConfigError(f"blocking: expected one or more blocking rules, got {bad or '()'}")

    def __or__(self, other: BlockingRule | Blocking) -> Blocking:
        if not isinstance(other, BlockingRule | Blocking):
            return NotImplemented
        return Blocking((*self.rules, *other.rules))

    @property
    def columns(self) -> tuple[str, ...]:
        """Every input column the rules read."""
        return tuple(dict.fromkeys(c for r in self.rules for c in r.columns))

    @property
    def encoded(self) -> tuple[Expr, ...]:
        """Every expression the rules' indexes encode."""
        return tuple(dict.fromkeys(e for r in self.rules for e in r.encoded))


@dataclass(frozen=True)
class BlockOn(BlockingRule):
    """Pairs of records whose keys are all equal (and not null).

    Build with ``block_on``.
    """

    kind = "block_on"
    keys: tuple[Expr, ...]
    max_block_size: int | None = DEFAULT_MAX_BLOCK_SIZE
    oversize: str = "skip"

    def __post_init__(self) -> None:
        keys = tuple(as_expr(k, "block_on keys") for k in self.keys)
        object.__setattr__(self, "keys", keys)
        problems = [] if keys else ["block_on: give at least one column or col(...) key"]
        if self.max_block_size is not None and (
            not isinstance(self.max_block_size, int) or self.max_block_size < 2
        ):
            problems.append(f"max_block_size: got {self.max_block_size!r}, expected an int >= 2 "
                            "or None (no limit)")
        if self.oversize not in OVERSIZE_ACTIONS:
            problems.append(f"oversize: got {self.oversize!r}, expected one of "
                            f"{list(OVERSIZE_ACTIONS)}")
        if problems:
            raise ConfigError(problems)

    def __and__(self, other: BlockOn) -> BlockOn:
        if not isinstance(other, BlockOn):
            return NotImplemented
        return BlockOn((*self.keys, *other.keys), self.max_block_size, self.oversize)

    @property
    def label(self) -> str:
        return " & ".join(k.label for k in self.keys)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k.column for k in self.keys))

    @property
    def encoded(self) -> tuple[Expr, ...]:
        return self.keys

    def index(self, records: Records) -> RuleIndex:
        codes = combine_codes(*(records.encode(k).codes for k in self.keys))
        codes = _guard_blocks(codes, self, lambda row: _key_text(records, self.keys, row),
                              lambda: records.id_rank)
        return EqualityIndex(self, records, codes)

    def block_keys(self, records: Records) -> tuple[np.ndarray, np.ndarray]:
        parts = [records.values(k) for k in self.keys]
        present = np.logical_and.reduce([p.notna().to_numpy() for p in parts])
        rows = np.flatnonzero(present)
        text = parts[0].iloc[rows].astype(str).to_numpy(dtype=object)
        for part in parts[1:]:
            text = text + KEY_SEPARATOR + part.iloc[rows].astype(str).to_numpy(dtype=object)
        return rows, text

    def keys_of_one(self, record: Mapping[str, Any]) -> list[str]:
        parts = [pv.evaluate(k, record.get(k.column)) for k in self.keys]
        return [] if any(p is None for p in parts) else [KEY_SEPARATOR.join(map(str, parts))]


@dataclass(frozen=True)
class SortedNeighbourhood(BlockingRule):
    """Pairs of records within ``window`` places of each other when sorted by a key.

    Build with ``sorted_neighbourhood``.
    """

    kind = "sorted_neighbourhood"
    key: Expr
    window: int = 5

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", as_expr(self.key, "sorted_neighbourhood key"))
        if not isinstance(self.window, int) or self.window < 2:
            raise ConfigError(f"window: got {self.window!r}, expected an int >= 2")

    @property
    def label(self) -> str:
        return f"sorted({self.key.label}, window={self.window})"

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.key.column,)

    def index(self, records: Records) -> RuleIndex:
        values = records.values(self.key)
        valid = np.flatnonzero(values.notna().to_numpy())
        order = valid[np.argsort(values.iloc[valid].to_numpy(), kind="stable")]
        rank = np.full(records.n, -(self.window + 1) * 2, dtype=np.int64)
        rank[order] = np.arange(len(order))
        return WindowIndex(self, records, order, rank)


@dataclass(frozen=True)
class BlockOnAny(BlockingRule):
    """Pairs of records sharing any value of a multi-valued column (lists, or text split on
    ``sep``); each value is normalised by the key's steps. Build with ``block_on_any``.
    """

    kind = "block_on_any"
    key: Expr
    sep: str | None = None
    max_block_size: int | None = DEFAULT_MAX_BLOCK_SIZE
    oversize: str = "skip"

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", as_expr(self.key, "block_on_any key"))
        BlockOn((self.key,), self.max_block_size, self.oversize)  # validates the shared fields

    @property
    def label(self) -> str:
        return f"any({self.key.label})"

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.key.column,)

    def index(self, records: Records) -> RuleIndex:
        exploded = self._exploded(records)
        rows = exploded.index.to_numpy(dtype=np.int64)
        codes, uniques = pd.factorize(exploded, use_na_sentinel=True)
        keep = codes >= 0
        rows, codes = rows[keep], codes[keep].astype(np.int64)
        # sorted by row, then value: MultiValueIndex relies on rows being ascending
        unique_pairs = np.unique(rows * (len(uniques) + 1) + codes)
        rows, codes = unique_pairs // (len(uniques) + 1), unique_pairs % (len(uniques) + 1)
        codes = _guard_blocks(codes, self, lambda i: repr(uniques[codes[i]]),
                              lambda: records.id_rank[rows])
        return MultiValueIndex(self, records, rows, codes, np.asarray(uniques))

    def block_keys(self, records: Records) -> tuple[np.ndarray, np.ndarray]:
        exploded = self._exploded(records).dropna()
        keys = pd.DataFrame({"row": exploded.index.to_numpy(dtype=np.int64),
                             "key": exploded.astype(str).to_numpy(dtype=object)})
        keys = keys.drop_duplicates()
        return keys["row"].to_numpy(), keys["key"].to_numpy(dtype=object)

    def keys_of_one(self, record: Mapping[str, Any]) -> list[str]:
        value = record.get(self.key.column)
        if self.sep is not None and isinstance(value, list | tuple | np.ndarray):
            raise pv.Decline  # block_keys reads such a value as text
        if isinstance(value, str) and self.sep is not None:
            value = value.split(self.sep)
        items = value if isinstance(value, list | tuple | np.ndarray) else [value]
        texts = [pv.evaluate(self.key, v) for v in items]
        return list(dict.fromkeys(str(t) for t in texts if t is not None))

    def _exploded(self, records: Records) -> pd.Series:
        """The normalised values, one row per value, indexed by record row."""
        values = records.frame[self.key.column]
        if self.sep is not None:
            values = values.astype("string").str.split(self.sep, regex=False)
        return self.key.apply_steps(values.explode())


def block_on(
    *keys: str | Expr, max_block_size: int | None = DEFAULT_MAX_BLOCK_SIZE, oversize: str = "skip"
) -> BlockOn:
    """Block on equality of one or more keys (column names or ``col(...)`` expressions).

    Parameters
    ----------
    *keys : str or Expr
        All must be equal (and non-null) for a pair to be produced.
    max_block_size : int or None
        Blocks (records sharing one key value) larger than this are a runaway, such as a
        placeholder phone number or e-mail; a ``DataWarning`` names the key and its
        size. None disables the guard.
    oversize : {"skip", "cap", "error"}
        What to do with a runaway block: skip it; cap it (split it into runs of
        ``max_block_size`` records in unique-id order, so each record is still compared
        with some others); or raise ``ConfigError``.

    Examples
    --------
    >>> from golden import block_on, col
    >>> block_on("surname", col("dob").year()).label
    'surname & year(dob)'
    """
    return BlockOn(tuple(as_expr(k, "block_on keys") for k in keys), max_block_size, oversize)


def sorted_neighbourhood(key: str | Expr, window: int = 5) -> SortedNeighbourhood:
    """Sorted-neighbourhood rule: sort by ``key``, pair records fewer than ``window`` apart.

    Examples
    --------
    >>> from golden import sorted_neighbourhood
    >>> sorted_neighbourhood("surname", window=4).label
    'sorted(surname, window=4)'
    """
    return SortedNeighbourhood(as_expr(key, "key"), window)


def block_on_any(
    key: str | Expr, *, sep: str | None = None, max_block_size: int | None = DEFAULT_MAX_BLOCK_SIZE,
    oversize: str = "skip",
) -> BlockOnAny:
    """Block on any shared value of a multi-valued column (a list per record, or text).

    Examples
    --------
    >>> from golden import block_on_any, col
    >>> block_on_any(col("emails").email(), sep=";").label
    'any(email(emails))'
    """
    return BlockOnAny(as_expr(key, "key"), sep, max_block_size, oversize)


def as_blocking(rules: BlockingRule | Blocking | Sequence[BlockingRule], parameter: str
                ) -> Blocking:
    """Accept a rule, an OR of rules or a list of rules."""
    if isinstance(rules, Blocking):
        return rules
    if isinstance(rules, BlockingRule):
        return Blocking((rules,))
    if isinstance(rules, Sequence) and not isinstance(rules, str):
        return Blocking(tuple(rules))
    raise ConfigError(f"{parameter}: got {rules!r}, expected a blocking rule or a list of them")


# Indexes: per-run state of a rule ------------------------------------------------------------


@dataclass
class RuleIndex:
    """A rule applied to records: enumerates its pairs and recognises pairs it would produce."""

    rule: BlockingRule
    records: Records

    @abstractmethod
    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """The rule's pairs (left < right row numbers), each once."""

    @abstractmethod
    def covers(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Whether this rule produces each given pair."""

    @abstractmethod
    def count(self, cross_source_only: bool) -> int:
        """How many pairs the rule produces (before OR de-duplication), without building them."""


@dataclass
class EqualityIndex(RuleIndex):
    codes: np.ndarray

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        return within_group_pairs(self.codes)

    def covers(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        lc = self.codes[left]
        return (lc >= 0) & (lc == self.codes[right])

    def count(self, cross_source_only: bool) -> int:
        return count_group_pairs(self.codes, self.records.source_codes, cross_source_only)


@dataclass
class WindowIndex(RuleIndex):
    order: np.ndarray
    rank: np.ndarray

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        return window_pairs(self.order, self.rule.window)  # type: ignore[attr-defined]

    def covers(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        rl, rr = self.rank[left], self.rank[right]
        return (rl >= 0) & (rr >= 0) & (np.abs(rl - rr) < self.rule.window)  # type: ignore[attr-defined]

    def count(self, cross_source_only: bool) -> int:
        left, right = self.pairs()
        if cross_source_only:
            return int((self.records.source_codes[left] != self.records.source_codes[right]).sum())
        return len(left)


@dataclass
class MultiValueIndex(RuleIndex):
    rows: np.ndarray
    codes: np.ndarray
    uniques: np.ndarray
    _known: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self._radix = int(self.codes.max(initial=0)) + 1
        valid = self.codes >= 0
        self._known = np.sort(self.rows[valid] * self._radix + self.codes[valid])

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        left, right = within_group_pairs(self.codes)
        left, right = ordered(self.rows[left], self.rows[right])
        keep = left != right
        keys = np.unique(pair_keys(left[keep], right[keep], self.records.n))
        return keys // self.records.n, keys % self.records.n

    def covers(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        # ``rows`` is in ascending order (see BlockOnAny.index), so each left row's
        # values are one run found by binary search.
        start = np.searchsorted(self.rows, left, side="left")
        count = np.searchsorted(self.rows, left, side="right") - start
        pair_of = np.repeat(np.arange(len(left)), count)
        offsets = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
        value = self.codes[np.repeat(start, count) + offsets]
        wanted = right[pair_of] * self._radix + value
        hit = (value >= 0) & _isin_sorted(wanted, self._known)
        return np.bincount(pair_of[hit], minlength=len(left)) > 0

    def count(self, cross_source_only: bool) -> int:
        left, right = self.pairs()
        if cross_source_only:
            return int((self.records.source_codes[left] != self.records.source_codes[right]).sum())
        return len(left)


def _isin_sorted(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    if len(sorted_set) == 0:
        return np.zeros(len(values), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[pos] == values


def _guard_blocks(codes: np.ndarray, rule: BlockOn | BlockOnAny, describe: object,
                  id_rank: Callable[[], np.ndarray]) -> np.ndarray:
    """Skip, cap or refuse blocks larger than the rule's ``max_block_size``.

    ``id_rank()`` orders the rows by unique id (computed only when a block is capped);
    capping splits an oversized block into runs of ``max_block_size`` records in that
    order, so input row order never matters.
    """
    if rule.max_block_size is None or len(codes) == 0:
        return codes
    valid = codes >= 0
    sizes = np.bincount(codes[valid]) if valid.any() else np.zeros(0, dtype=np.int64)
    oversized = np.flatnonzero(sizes > rule.max_block_size)
    if len(oversized) == 0:
        return codes
    first_row = {int(c): int(np.flatnonzero(codes == c)[0]) for c in oversized[:5]}
    shown = ", ".join(
        f"{describe(first_row[int(c)])} ({sizes[c]:,} records)"  # type: ignore[operator]
        for c in oversized[:5]
    )
    more = f" and {len(oversized) - 5} more" if len(oversized) > 5 else ""
    message = (
        f"blocking rule {rule.label!r}: {len(oversized)} key value(s) shared by more than "
        f"max_block_size={rule.max_block_size:,} records: {shown}{more}"
    )
    if rule.oversize == "error":
        raise ConfigError(message + "; raise max_block_size or use a more specific key")
    action = ("were skipped" if rule.oversize == "skip" else
              f"were split into runs of {rule.max_block_size:,} records in unique-id order")
    warnings.warn(f"{message}; these blocks {action}", DataWarning, stacklevel=4)
    out = codes.copy()
    inside = np.isin(codes, oversized)
    if rule.oversize == "skip":
        out[inside] = -1
        return out
    rows = np.flatnonzero(inside)
    rows = rows[np.lexsort((id_rank()[rows], codes[rows]))]
    starts, counts = group_starts(codes[rows])
    position = np.arange(len(rows)) - np.repeat(starts, counts)
    out[rows] = codes.max() + 1 + rows_to_runs(codes[rows], position, rule.max_block_size)
    return out


def rows_to_runs(block: np.ndarray, position: np.ndarray, size: int) -> np.ndarray:
    """A new code per (block, run of ``size`` positions)."""
    return np.unique(block * (int(position.max(initial=0)) // size + 1) + position // size,
                     return_inverse=True)[1].astype(np.int64)


def _key_text(records: Records, keys: tuple[Expr, ...], row: int) -> str:
    parts = []
    for key in keys:
        encoded = records.encode(key)
        parts.append(f"{key.label}={encoded.values[encoded.codes[row]]!r}")
    return ", ".join(parts)


# Pair generation -----------------------------------------------------------------------------


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
    """A rule's pairs, or a uniform random sample of ``max_pairs`` of them when it has more
    (drawn without building them for equality rules)."""
    index = rule.index(records)
    if isinstance(index, EqualityIndex) and index.count(link_type == "link") > max_pairs:
        left, right = sample_group_pairs(index.codes, max_pairs, rng)
        return orient(records, left, right, link_type)
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
            text = _key_text(records, index.rule.keys, int(pos))  # type: ignore[attr-defined]
        elif sorted_codes[starts[g]] < len(index.uniques):
            text = f"{index.rule.key.label}={index.uniques[sorted_codes[starts[g]]]!r}"  # type: ignore[attr-defined]
        else:  # a run of a block split by oversize="cap": its value is not kept
            text = f"{index.rule.key.label} (part of a capped block)"  # type: ignore[attr-defined]
        out.append((text, int(sizes[g])))
    return out


# Public functions over DataFrames ------------------------------------------------------------


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
