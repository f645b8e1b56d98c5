"""The estimator contract shared by golden's estimators (scikit-learn's, without importing it)."""

from __future__ import annotations

import inspect
from typing import Any


class Estimator:
    """``__init__`` stores keyword parameters unchanged; ``get_params``/``set_params`` expose
    them; learned state lives in attributes ending with ``_``.

    Examples
    --------
    >>> class Scaler(Estimator):
    ...     def __init__(self, factor: float = 1.0) -> None:
    ...         self.factor = factor
    >>> Scaler(2.0).get_params()
    {'factor': 2.0}
    >>> Scaler().set_params(factor=3.0)
    Scaler(factor=3.0)
    """

    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return [p.name for p in signature.parameters.values()
                if p.name != "self" and p.kind != p.VAR_KEYWORD]

    def get_params(self) -> dict[str, Any]:
        """The constructor parameters and their current values."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Estimator:
        """Set constructor parameters by name; unknown names raise ``ConfigError``."""
        from golden.errors import ConfigError

        unknown = sorted(set(params) - set(self._param_names()))
        if unknown:
            raise ConfigError(f"{type(self).__name__}.set_params: unknown parameter(s) "
                              f"{unknown}; valid: {self._param_names()}")
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = {p.name: p.default for p in
                    inspect.signature(type(self).__init__).parameters.values()}
        shown = [f"{k}={v!r}" for k, v in self.get_params().items()
                 if defaults.get(k, inspect.Parameter.empty) is inspect.Parameter.empty
                 or not _same(defaults[k], v)]
        return f"{type(self).__name__}({', '.join(shown)})"


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a is b or a == b)
    except (TypeError, ValueError):
        return False
