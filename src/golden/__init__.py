"""golden: entity resolution for customer data."""

from __future__ import annotations

from golden._errors import (
    ConfigError,
    ConvergenceWarning,
    DataWarning,
    GoldenError,
    MissingDependencyError,
    NotFittedError,
    SchemaError,
)

__all__ = [
    "ConfigError",
    "ConvergenceWarning",
    "DataWarning",
    "GoldenError",
    "MissingDependencyError",
    "NotFittedError",
    "SchemaError",
]
__version__ = "0.1.0"
