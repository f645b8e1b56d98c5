"""The ``engine`` parameter of the estimators: None for this process, or an engine."""

from __future__ import annotations

from typing import Any

from golden.engines.local import LocalEngine
from golden.engines.protocol import Engine
from golden.errors import ConfigError


def engine_problems(engine: object) -> list[str]:
    """Problems with an ``engine`` parameter (empty when valid).

    Examples
    --------
    >>> engine_problems(None)
    []
    >>> engine_problems("spark")[0][:20]
    "engine: got 'spark',"
    """
    if engine is None or isinstance(engine, Engine):
        return []
    return [f"engine: got {engine!r}, expected None (this process) or an engine such as "
            "golden.SparkEngine(spark)"]


def checked_engine(engine: Any) -> Engine:
    """The engine to run on: ``engine`` itself, or a ``LocalEngine`` for None.

    Raises ``ConfigError`` when ``engine`` is not an engine.

    Examples
    --------
    >>> checked_engine(None)
    LocalEngine()
    """
    problems = engine_problems(engine)
    if problems:
        raise ConfigError(problems)
    return LocalEngine() if engine is None else engine
