"""Vectorised helpers over numpy and pyarrow arrays: ranks within keys, group sizes, and
strings built row by row from templates, with no Python loop over rows."""

from __future__ import annotations

import string
from collections.abc import Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def rank_within(keys: np.ndarray) -> np.ndarray:
    """Position of each element among the elements with the same key (0 for the first).

    Only the elements whose key repeats are argsorted, so mostly-unique keys are cheap.

    Examples
    --------
    >>> import numpy as np
    >>> rank_within(np.array([7, 3, 7, 7, 3, 5]))
    array([0, 0, 1, 2, 1, 0])
    """
    ordered = np.sort(keys)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    rank = np.zeros(keys.size, dtype=np.int64)
    if not repeated.size:
        return rank
    found = np.minimum(np.searchsorted(repeated, keys), repeated.size - 1)
    rows = np.flatnonzero(repeated[found] == keys)
    rows = rows[np.argsort(keys[rows], kind="stable")]
    group = keys[rows]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    rank[rows] = np.arange(rows.size) - np.repeat(starts, np.diff(np.r_[starts, rows.size]))
    return rank


def split_total(draw: Callable[[int], np.ndarray], total: int, mean: float) -> np.ndarray:
    """Positive group sizes from `draw`, the last one trimmed so that they sum to `total`.

    Examples
    --------
    >>> import numpy as np
    >>> split_total(lambda k: np.full(k, 4), 10, mean=4.0)
    array([4, 4, 2])
    """
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    chunks, drawn = [], 0
    while drawn < total:
        chunks.append(draw(int((total - drawn) / mean * 1.05) + 16).astype(np.int64))
        drawn += int(chunks[-1].sum())
    sizes = np.concatenate(chunks)
    ends = np.cumsum(sizes)
    n_groups = int(np.searchsorted(ends, total)) + 1
    sizes = sizes[:n_groups]
    sizes[-1] -= ends[n_groups - 1] - total
    return sizes


def text(values: np.ndarray) -> pa.Array:
    """Integers as decimal strings.

    Examples
    --------
    >>> import numpy as np
    >>> text(np.array([7, 42])).to_pylist()
    ['7', '42']
    """
    return pc.cast(pa.array(values), pa.string())


def padded(values: np.ndarray, width: np.ndarray | int) -> pa.Array:
    """Non-negative integers as zero-padded strings of a per-row width (at most 9 digits).

    Examples
    --------
    >>> import numpy as np
    >>> padded(np.array([7, 42]), np.array([3, 2])).to_pylist()
    ['007', '42']
    """
    return pc.utf8_slice_codeunits(text(10 ** np.asarray(width, dtype=np.int64) + values), 1)


def replace_rows(column: pa.Array, mask: np.ndarray, values: pa.Array) -> pa.Array:
    """`column` with the rows where `mask` is set replaced, in order, by `values`.

    Examples
    --------
    >>> import numpy as np, pyarrow as pa
    >>> replace_rows(pa.array(["a", "b", "c"]), np.array([True, False, True]),
    ...              pa.array(["x", "z"])).to_pylist()
    ['x', 'b', 'z']
    """
    return pc.replace_with_mask(column, pa.array(mask, type=pa.bool_()), values)


def apply_to_rows(
    function: Callable[[pa.Array], pa.Array], column: pa.Array, mask: np.ndarray
) -> pa.Array:
    """`column` with `function` applied to the rows where `mask` is set.

    Examples
    --------
    >>> import numpy as np, pyarrow as pa, pyarrow.compute as pc
    >>> apply_to_rows(pc.utf8_upper, pa.array(["a", "b"]), np.array([False, True])).to_pylist()
    ['a', 'B']
    """
    return replace_rows(column, mask, function(column.filter(mask)))


def fill(template: str, **parts: pa.Array) -> pa.Array:
    """Fill a ``str.format``-style template row by row from equally long string arrays.

    Examples
    --------
    >>> import pyarrow as pa
    >>> fill("{n} {street}", n=pa.array(["1", "12"]), street=pa.array(["Mill Rd", "Elm St"])
    ...      ).to_pylist()
    ['1 Mill Rd', '12 Elm St']
    """
    segments: list[str | pa.Array] = []
    for literal, field in _parsed(template):
        if literal:
            segments.append(literal)
        if field is not None:
            segments.append(parts[field])
    return pc.binary_join_element_wise(*segments, "")


def _parsed(template: str) -> list[tuple[str, str | None]]:
    """(literal text, field name or None) pairs of a ``str.format``-style template."""
    return [(literal, field) for literal, field, _, _ in string.Formatter().parse(template)]


def render(templates: Sequence[str], choice: np.ndarray, **parts: pa.Array) -> pa.Array:
    """Row i is ``templates[choice[i]]`` filled from row i of `parts`.

    Examples
    --------
    >>> import numpy as np, pyarrow as pa
    >>> render(("{f}.{s}", "{s}{f}"), np.array([1, 0]),
    ...        f=pa.array(["ann", "bob"]), s=pa.array(["lee", "ray"])).to_pylist()
    ['leeann', 'bob.ray']
    """
    order = np.argsort(choice, kind="stable")
    bounds = np.searchsorted(choice[order], np.arange(len(templates) + 1))
    pieces = []
    for template, lo, hi in zip(templates, bounds[:-1], bounds[1:], strict=True):
        used = {field for _, field in _parsed(template) if field is not None}
        pieces.append(fill(template, **{name: parts[name].take(order[lo:hi]) for name in used}))
    inverse = np.empty_like(order)
    inverse[order] = np.arange(order.size)
    return pa.concat_arrays(pieces).take(inverse)
