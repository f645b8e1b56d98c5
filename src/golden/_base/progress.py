"""Progress bars for long stages (tqdm), shown only when asked or when attached to a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")


def progress(items: Iterable[T], description: str, enabled: bool | None,
             total: int | None = None) -> Iterator[T]:
    """Iterate ``items`` with a progress bar; ``enabled=None`` shows it on a terminal only."""
    show = sys.stderr.isatty() if enabled is None else enabled
    if not show:
        yield from items  # no bar object at all: some callers iterate once per record
        return
    yield from tqdm(items, desc=description, total=total, leave=False)
