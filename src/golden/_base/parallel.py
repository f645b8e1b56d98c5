"""Run independent pieces of work on threads (NumPy, pandas, PyArrow and RapidFuzz release
the GIL in their kernels, so comparisons overlap on several cores)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

PARALLEL_WORK = 20_000  # records or pairs below which threads cost more than they save

T = TypeVar("T")
R = TypeVar("R")


def thread_map(function: Callable[[T], R], items: Iterable[T], n_jobs: int | None = None
               ) -> list[R]:
    """``[function(item) for item in items]``, on up to ``n_jobs`` threads (None: one per core).

    Examples
    --------
    >>> thread_map(lambda x: x * x, [1, 2, 3])
    [1, 4, 9]
    """
    return list(thread_results(function, items, n_jobs))


def thread_results(function: Callable[[T], R], items: Iterable[T], n_jobs: int | None = None
                   ) -> Iterator[R]:
    """``function(item)`` for each item, on up to ``n_jobs`` threads, yielded in order as each
    is ready (for a progress bar over work done, not work handed out).

    Examples
    --------
    >>> list(thread_results(str.upper, ["a", "b"]))
    ['A', 'B']
    """
    work = list(items)
    workers = min(len(work), n_jobs or os.cpu_count() or 1)
    if workers <= 1:
        yield from (function(item) for item in work)
        return
    with ThreadPoolExecutor(workers) as pool:
        yield from pool.map(function, work)
