"""A level defined by a user function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from golden.comparisons.levels.base import Level, ValuePairs
from golden.errors import ConfigError


@dataclass(frozen=True)
class Custom(Level):
    """A user function ``f(left, right) -> bool array`` over distinct value pairs.

    ``left`` and ``right`` are lists with one object array per comparison input. Define
    the function at module level: a saved model names it, and loading takes it from the
    caller (``Linker.load(path, functions=[f])``), never by importing what a file names.
    """

    kind = "custom"
    function: Callable[[list[np.ndarray], list[np.ndarray]], np.ndarray]
    description: str

    @property
    def label(self) -> str:
        return self.description

    def evaluate(self, values: ValuePairs) -> np.ndarray:
        n_inputs = values.n_inputs
        result = np.asarray(self.function([values.left(i) for i in range(n_inputs)],
                                          [values.right(i) for i in range(n_inputs)]))
        if result.shape != (values.size,):
            raise ConfigError(f"custom level {self.description!r}: function returned shape "
                              f"{result.shape}, expected ({values.size},)")
        return result.astype(bool)
