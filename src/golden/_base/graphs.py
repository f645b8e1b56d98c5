"""Connected components of a graph given as two arrays of node numbers."""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def component_of_each_node(left: np.ndarray, right: np.ndarray, n: int) -> np.ndarray:
    """A component label (0, 1, …) for each of the nodes ``0..n-1`` joined by the edges
    ``left[i] — right[i]``.

    Examples
    --------
    >>> component_of_each_node(np.array([0, 3]), np.array([1, 4]), 5).tolist()
    [0, 0, 1, 2, 2]
    """
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    return connected_components(graph.tocsr(), directed=False)[1].astype(np.int64)
