"""Checks of parameters shared by the estimators."""

from __future__ import annotations

import numpy as np

from golden.errors import ConfigError


def check_thresholds(threshold: object, threshold_weight: object) -> None:
    """Raise ``ConfigError`` unless each given threshold is a number (a probability for
    ``threshold``).

    Examples
    --------
    >>> check_thresholds(0.5, None)
    >>> check_thresholds(2, None)
    Traceback (most recent call last):
    ...
    golden.errors.ConfigError: threshold: got 2, expected a probability in [0, 1]
    """
    problems = [f"{name}: got {value!r}, expected a number" for name, value in
                (("threshold", threshold), ("threshold_weight", threshold_weight))
                if value is not None and not isinstance(value, int | float)]
    if threshold is not None and not problems and not 0 <= threshold <= 1:  # type: ignore[operator]
        problems.append(f"threshold: got {threshold!r}, expected a probability in [0, 1]")
    if problems:
        raise ConfigError(problems)


def positive_int(name: str, value: object) -> list[str]:
    """The problem with a parameter that must be a whole number > 0 (empty when none).

    Examples
    --------
    >>> positive_int("max_iter", 0)
    ['max_iter: got 0, expected a whole number > 0']
    """
    if isinstance(value, int | np.integer) and not isinstance(value, bool) and value > 0:
        return []
    return [f"{name}: got {value!r}, expected a whole number > 0"]
