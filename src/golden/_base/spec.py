"""Base class for specs: immutable, validated, hashable, JSON round-trippable values.

A spec describes *what* to do (a blocking rule, a comparison, a key expression) and holds
no data and no learned state. ``bool(spec)`` raises so that ``rule_a and rule_b`` cannot
silently drop a rule; compose with ``|`` and ``&`` instead.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from typing import Any, ClassVar

from golden.errors import ConfigError

_REGISTRY: dict[str, type[Spec]] = {}


class Spec:
    """Mixin for frozen dataclass specs (see module docstring)."""

    kind: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        kind = cls.__dict__.get("kind")
        if kind is not None:
            if kind in _REGISTRY and _REGISTRY[kind].__qualname__ != cls.__qualname__:
                raise TypeError(f"spec kind {kind!r} is taken by {_REGISTRY[kind]!r}")
            _REGISTRY[kind] = cls

    def __bool__(self) -> bool:
        raise TypeError(
            f"{type(self).__name__} has no truth value: combine specs with '|' and '&', "
            "not with 'and' / 'or'"
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict; ``spec_from_dict`` reverses it."""
        out: dict[str, Any] = {"kind": self.kind}
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            out[field.name] = _encode(getattr(self, field.name))
        return out


def spec_from_dict(data: dict[str, Any]) -> Any:
    """Rebuild a spec from ``Spec.to_dict`` output.

    Examples
    --------
    >>> from golden import col
    >>> spec_from_dict(col("surname").soundex().to_dict()) == col("surname").soundex()
    True
    """
    try:
        cls = _REGISTRY[data["kind"]]
    except KeyError as exc:
        raise ConfigError(
            f"spec kind {data.get('kind')!r} is unknown; expected one of {sorted(_REGISTRY)}"
        ) from exc
    kwargs = {k: _decode(v) for k, v in data.items() if k != "kind"}
    return cls(**kwargs)


def _encode(value: Any) -> Any:
    if isinstance(value, Spec):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if callable(value):
        return {"kind": "callable", "path": callable_path(value)}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and value.get("kind") == "callable":
        return import_callable(value["path"])
    if isinstance(value, dict) and "kind" in value:
        return spec_from_dict(value)
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    return value


def callable_path(func: Callable[..., Any]) -> str:
    """Return ``module:qualname`` of an importable function (lambdas cannot be saved)."""
    path = f"{func.__module__}:{func.__qualname__}"
    if "<" in path:
        raise ConfigError(
            f"function {path} cannot be saved: define it at module level (not a lambda "
            "or a nested function) so it can be imported by name"
        )
    return path


def import_callable(path: str) -> Callable[..., Any]:
    """Import a function saved by ``callable_path``."""
    module_name, _, qualname = path.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj
