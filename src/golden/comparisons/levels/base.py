"""Comparison levels: small specs that test a pair of values, vectorised over distinct pairs.

Levels never see every candidate pair: they get the distinct pairs of values once (see
``golden.comparisons.vectors``), so each similarity is computed once per distinct pair.
This module holds the pairs handed to levels (``ValuePairs``), the ``Level`` base, and the
levels of equality: ``Exact``, ``Agree`` and their conjunction ``AllOf``.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from golden._base.spec import Spec
from golden.comparisons.levels.transforms import value_codes


class ValuePairs:
    """Distinct pairs of input values handed to levels, with caches for shared work.

    Built from each input's values per distinct record value (``values[i]``, None for
    null) and the pairs' codes into them. ``left(i)`` / ``right(i)`` are the pairs'
    values; ``per_value`` runs a transform once per distinct value and gathers it.
    """

    def __init__(self, values: list[np.ndarray], present: list[np.ndarray],
                 left_codes: np.ndarray, right_codes: np.ndarray,
                 per_value_cache: dict[tuple[Any, ...], Any] | None = None) -> None:
        self._values, self._present = values, present
        self._left_codes, self._right_codes = left_codes, right_codes
        self._cache: dict[tuple[Any, ...], Any] = {}
        self._per_value = {} if per_value_cache is None else per_value_cache
        self.size = len(left_codes)
        self.n_inputs = len(values)

    def left(self, i: int) -> np.ndarray:
        return self.cached(("left", i), lambda: self._values[i][self._left_codes])

    def right(self, i: int) -> np.ndarray:
        return self.cached(("right", i), lambda: self._values[i][self._right_codes])

    def left_present(self, i: int) -> np.ndarray:
        return self._present[i][self._left_codes]

    def right_present(self, i: int) -> np.ndarray:
        return self._present[i][self._right_codes]

    def both_present(self, i: int) -> np.ndarray:
        return self.cached(("present", i), lambda: self.left_present(i) & self.right_present(i))

    def same(self, i: int) -> np.ndarray:
        """Whether each pair's values of input ``i`` are present and equal (computed once,
        however many levels ask)."""
        def compute() -> np.ndarray:
            left, right = self.per_value("code", i, value_codes)
            return (left >= 0) & (left == right)

        return self.cached(("same", i), compute)

    def per_value(self, key: str, i: int, transform: Callable[[np.ndarray], np.ndarray]
                  ) -> tuple[np.ndarray, np.ndarray]:
        """``transform`` of input ``i``'s distinct values (computed once, and kept in the
        shared per-value cache), for the left and the right value of each pair."""
        per_value = self.per_value_table((key, i), i,
                                         lambda values: np.asarray(transform(values)))
        return per_value[self._left_codes], per_value[self._right_codes]

    def per_value_table(self, key: tuple[Any, ...], i: int,
                        transform: Callable[[np.ndarray], Any]) -> Any:
        """``transform`` of input ``i``'s distinct values as a whole, computed once and kept
        in the shared per-value cache under ``key``; index it with ``codes``."""
        if key not in self._per_value:
            self._per_value[key] = transform(self._values[i])
        return self._per_value[key]

    def codes(self, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The left and the right value codes of the pairs selected by ``mask``."""
        return self._left_codes[mask], self._right_codes[mask]

    def cached(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]


class Level(Spec):
    """Base of comparison levels; ``level_a & level_b`` requires both."""

    @property
    @abstractmethod
    def label(self) -> str:
        """A readable description, shown in explanations."""

    @abstractmethod
    def evaluate(self, values: ValuePairs) -> np.ndarray:
        """Boolean mask over the distinct value pairs."""

    @property
    def is_exact(self) -> bool:
        """Whether the level is an exact match on input 0 (term-frequency adjustable)."""
        return False

    @property
    def inputs_read(self) -> tuple[int, ...]:
        """The comparison inputs the level reads (by position)."""
        return (*getattr(self, "inputs", ()), *([self.input] if hasattr(self, "input") else []))

    def __and__(self, other: Level) -> AllOf:
        if not isinstance(other, Level):
            return NotImplemented
        return AllOf((self, other))


@dataclass(frozen=True)
class AllOf(Level):
    """Every one of several levels holds."""

    kind = "all_of"
    levels: tuple[Level, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "levels", tuple(self.levels))

    @property
    def label(self) -> str:
        return " and ".join(level.label for level in self.levels)

    @property
    def inputs_read(self) -> tuple[int, ...]:
        return tuple(i for level in self.levels for i in level.inputs_read)

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        mask = np.ones(values.size, dtype=bool)
        for level in self.levels:
            mask &= level.evaluate(values)
        return mask


@dataclass(frozen=True)
class Agree(Level):
    """Several inputs each equal (present on both sides and the same)."""

    kind = "agree"
    inputs: tuple[int, ...]
    names: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "inputs", tuple(self.inputs))

    @property
    def label(self) -> str:
        return f"{self.names or ', '.join(map(str, self.inputs))} agree"

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        mask = np.ones(values.size, dtype=bool)
        for i in self.inputs:
            mask &= values.same(i)
        return mask


@dataclass(frozen=True)
class Exact(Level):
    """The values are equal; ``what`` names a derived input in the label ("same domain")."""

    kind = "exact"
    input: int = 0
    what: str = ""

    @property
    def label(self) -> str:
        if self.what:
            return f"same {self.what}"
        return "exact" if self.input == 0 else f"exact (input {self.input})"

    @property
    def is_exact(self) -> bool:
        return self.input == 0

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        return values.same(self.input)
