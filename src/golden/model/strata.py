"""Random pairs, stratified on exact agreement: what non-matches look like, rare joint
agreement included.

u and the dependence between comparisons are read from random pairs. A uniform sample sees
agreement on a surname about once in a thousand pairs, and agreement on a surname *and* a
postcode about once in a million: at a hundred thousand records, a million random pairs hold
a handful of such pairs, too few to tell a family (who agree on both) from chance. So the
random pairs are split into strata by the first comparison whose exact level they reach
(same surname; else same postcode; ...; else none), each stratum keeps its share of the
random pairs, and within a stratum the pairs are a sample of up to ``STRATUM_PAIRS`` drawn
from *all* pairs that agree there (the comparison's key as a blocking rule, no block size
limit), so joint agreement is seen thousands of times. The weights are those of a uniform
sample; only the resolution within each stratum grows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from golden.blocking import block_on
from golden.comparisons import Comparison
from golden.model.em import Patterns
from golden.model.training import TrainingPairs

STRATUM_PAIRS = 50_000  # pairs drawn among those agreeing exactly on one comparison


def stratified_random_patterns(training: TrainingPairs, comparisons: Sequence[Comparison],
                               random: Patterns, rng: np.random.Generator,
                               stratum_pairs: int = STRATUM_PAIRS) -> Patterns:
    """``random`` (patterns of uniformly drawn pairs) with each exact-agreement stratum's
    patterns replaced by a larger sample of that stratum, weighted to the stratum's count
    among ``random``.

    A stratum is a comparison of one input whose top level is exact equality: pairs at
    that level, and at no earlier stratum's. A stratum that ``random`` never reached keeps
    its (zero) weight.
    """
    strata = [j for j, c in enumerate(comparisons) if _exact_on_one_input(c)]
    if not strata or len(random.counts) == 0:
        return random
    tops = [comparisons[j].n_levels - 1 for j in strata]
    stratum = _stratum_of(random.gammas, strata, tops)
    gammas, counts = [random.gammas[stratum < 0]], [random.counts[stratum < 0]]
    seen = [random.seen[stratum < 0]]
    for k, j in enumerate(strata):
        share = math.fsum(random.counts[stratum == k])  # exact: the same in any row order
        if share == 0:
            continue
        key = comparisons[j].inputs[0]
        drawn = training.rule_patterns(block_on(key, max_block_size=None), stratum_pairs, rng)
        kept = _stratum_of(drawn.gammas, strata, tops) == k
        if not drawn.counts[kept].any():  # the draw missed it: keep the uniform pairs
            gammas.append(random.gammas[stratum == k])
            counts.append(random.counts[stratum == k])
            seen.append(random.seen[stratum == k])
            continue
        gammas.append(drawn.gammas[kept])
        counts.append(drawn.counts[kept] * share / math.fsum(drawn.counts[kept]))
        seen.append(drawn.counts[kept])
    return Patterns.from_gammas(np.concatenate(gammas), np.concatenate(counts),
                                np.concatenate(seen))


def _exact_on_one_input(comparison: Comparison) -> bool:
    return (len(comparison.inputs) == 1 and comparison.null_inputs == (0,)
            and comparison.levels[0].is_exact)


def _stratum_of(gammas: np.ndarray, strata: list[int], tops: list[int]) -> np.ndarray:
    """Each pattern's stratum: the position in ``strata`` of the first comparison at its top
    level, or -1.

    Examples
    --------
    >>> g = np.array([[2, 1], [0, 1], [0, 0]], dtype=np.int8)
    >>> _stratum_of(g, [0, 1], [2, 1]).tolist()
    [0, 1, -1]
    """
    out = np.full(len(gammas), -1, dtype=np.int64)
    for k in range(len(strata) - 1, -1, -1):
        out[gammas[:, strata[k]] == tops[k]] = k
    return out
