"""Exception and warning classes shared by every golden module.

Every error golden raises derives from ``GoldenError`` and from the builtin
it refines, so callers can catch either.

Examples
--------
>>> from golden import ConfigError, GoldenError
>>> issubclass(ConfigError, ValueError) and issubclass(ConfigError, GoldenError)
True
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "ConfigError",
    "ConvergenceWarning",
    "DataWarning",
    "GoldenError",
    "MissingDependencyError",
    "NotFittedError",
    "SchemaError",
    "StoreError",
]


class GoldenError(Exception):
    """Root of every error raised by golden."""


class ConfigError(GoldenError, ValueError):
    """A specification or parameter is invalid.

    Carries every problem found, so a whole configuration is reported at once.

    Examples
    --------
    >>> err = ConfigError(["threshold: got 2, expected a probability in [0, 1]"])
    >>> err.problems
    ('threshold: got 2, expected a probability in [0, 1]',)
    """

    def __init__(self, problems: str | Iterable[str]) -> None:
        self.problems = (problems,) if isinstance(problems, str) else tuple(problems)
        super().__init__(_join(self.problems))

    def __str__(self) -> str:
        return _join(self.problems)


class SchemaError(GoldenError, KeyError):
    """Input data does not have the columns or values a configuration needs.

    Examples
    --------
    >>> str(SchemaError(["column 'dob' is missing"]))
    "column 'dob' is missing"
    """

    def __init__(self, problems: str | Iterable[str]) -> None:
        self.problems = (problems,) if isinstance(problems, str) else tuple(problems)
        super().__init__(_join(self.problems))

    def __str__(self) -> str:
        return _join(self.problems)


class StoreError(GoldenError, OSError):
    """A resolver store cannot be used now: another writer has held it past the wait, or
    the file is damaged."""


class NotFittedError(GoldenError, AttributeError):
    """An estimator was used before ``fit`` was called."""


class MissingDependencyError(GoldenError, ImportError):
    """An optional dependency is not installed; the message names the extra."""


class ConvergenceWarning(UserWarning):
    """An iterative estimator stopped before it converged."""


class DataWarning(UserWarning):
    """Input data has a problem golden worked around (nulls, unparseable values, huge blocks)."""


def _join(problems: tuple[str, ...]) -> str:
    if len(problems) == 1:
        return problems[0]
    return f"{len(problems)} problems:\n" + "\n".join(f"  - {p}" for p in problems)
