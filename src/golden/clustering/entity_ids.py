"""Stable entity ids: carry ids across a re-clustering, never reusing one.

On a merge the oldest id (the smallest: ids only grow) survives and the others redirect to
it; on a split the part holding most of the old entity's records keeps its id and the other
parts get new ids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class IdChanges:
    """What re-clustering did to entity ids.

    Attributes
    ----------
    ids : ndarray
        The entity id of each record, in input order.
    created : list of int
        New ids for clusters none of whose records had an entity.
    merged : list of (int, int)
        ``(absorbed id, surviving id)`` pairs.
    split : list of (int, int)
        ``(old id, new id)``: records of the old entity that now form an entity of their own.
    retired : list of int
        Ids whose records are all gone (set by the caller, who knows which ids it held).
    """

    ids: np.ndarray
    created: list[int] = field(default_factory=list)
    merged: list[tuple[int, int]] = field(default_factory=list)
    split: list[tuple[int, int]] = field(default_factory=list)
    retired: list[int] = field(default_factory=list)

    @property
    def given(self) -> list[int]:
        """The ids given by this change (a new entity made of parts of several old ones
        appears once per old entity in ``split``, once here)."""
        return self.created + sorted({new for _, new in self.split})


def carry_ids(cluster: np.ndarray, previous: np.ndarray,
              allocate: Callable[[int], list[int]]) -> IdChanges:
    """Entity ids for new clusters, keeping the previous ids where the rules allow.

    Parameters
    ----------
    cluster : ndarray of int
        Each record's new cluster label (0..k-1).
    previous : ndarray of int
        Each record's entity id before, or -1 for a record without one.
    allocate : callable
        ``allocate(n)`` returns ``n`` ids never given before.

    Examples
    --------
    Entity 7 (three records) and entity 9 (one) merge; entity 8 splits in two:

    >>> changes = carry_ids(np.array([0, 0, 0, 0, 1, 1, 2, 3]),
    ...                     np.array([7, 7, 7, 9, 8, 8, 8, -1]),
    ...                     lambda n: list(range(20, 20 + n)))
    >>> changes.ids.tolist(), changes.merged, changes.split, changes.created
    ([7, 7, 7, 7, 8, 8, 20, 21], [(9, 7)], [(8, 20)], [21])
    """
    n_clusters = int(cluster.max(initial=-1)) + 1
    had = previous >= 0
    home: dict[int, int] = {}
    if had.any():
        pairs, counts = np.unique(np.c_[previous[had], cluster[had]], axis=0, return_counts=True)
        # per old id the cluster with most of its records; ties go to the lower cluster
        order = np.lexsort((pairs[:, 1], -counts, pairs[:, 0]))
        for old, target in pairs[order]:
            home.setdefault(int(old), int(target))
    claimants: dict[int, list[int]] = {}
    for old, target in sorted(home.items()):
        claimants.setdefault(target, []).append(old)
    fresh = iter(allocate(n_clusters - len(claimants)))
    label = np.empty(n_clusters, dtype=np.int64)
    changes = IdChanges(np.empty(0, dtype=np.int64))
    for c in range(n_clusters):
        if c in claimants:
            survivor, *absorbed = claimants[c]
            label[c] = survivor
            changes.merged += [(old, survivor) for old in absorbed]
            continue
        label[c] = next(fresh)
        members_had = previous[(cluster == c) & had]
        if len(members_had):
            changes.split += [(int(old), int(label[c])) for old in np.unique(members_had)]
        else:
            changes.created.append(int(label[c]))
    changes.ids = label[cluster]
    return changes
