"""Base class for specs: immutable, validated, hashable, JSON round-trippable values.

A spec describes *what* to do (a blocking rule, a comparison, a key expression) and holds
no data and no learned state, with one exception: a fitted Linker's free-text levels
carry the word weights ``fit`` learned (``WordWeights``), so they travel and save with it.
``bool(spec)`` raises so that ``rule_a and rule_b`` cannot silently drop a rule; compose
with ``|`` and ``&`` instead.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from golden.errors import ConfigError

_REGISTRY: dict[str, type[Spec]] = {}

# The functions a caller hands to a loader, by ``module:qualname`` or as the functions.
Functions = Mapping[str, Callable[..., Any]] | Iterable[Callable[..., Any]] | None


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


def spec_from_dict(data: dict[str, Any], functions: Functions = None) -> Any:
    """Rebuild a spec from ``Spec.to_dict`` output.

    A spec is data: a function it names (a custom level or survivorship rule, saved as
    ``module:qualname``) is never imported; it is taken from ``functions``, which the caller
    gives (the functions themselves, or a dict by that name). Every field is checked
    against its type before the spec is built (a ``ConfigError`` names the kind and field).

    Examples
    --------
    >>> from golden import col
    >>> spec_from_dict(col("surname").soundex().to_dict()) == col("surname").soundex()
    True
    """
    return _decode(data, function_table(functions))


def function_table(functions: Functions) -> dict[str, Callable[..., Any]]:
    """``functions`` by ``module:qualname``, checked.

    Examples
    --------
    >>> import math
    >>> function_table([math.sqrt])
    {'math:sqrt': <built-in function sqrt>}
    """
    if functions is None:
        return {}
    pairs = (functions.items() if isinstance(functions, Mapping)
             else ((callable_path(f) if callable(f) else f, f) for f in functions))
    table = dict(pairs)
    bad = [name for name, f in table.items() if not isinstance(name, str) or not callable(f)]
    if bad:
        raise ConfigError(f"functions: {bad} are not functions; pass functions=[f, ...] or "
                          "{'module:name': f}")
    return table


def spec_functions(spec: Any) -> dict[str, Callable[..., Any]]:
    """Every function a spec (or a list or dict of specs) holds, by ``module:qualname``."""
    if isinstance(spec, Spec):
        found: dict[str, Callable[..., Any]] = {}
        for field in dataclasses.fields(spec):  # type: ignore[arg-type]
            found.update(spec_functions(getattr(spec, field.name)))
        return found
    if isinstance(spec, Mapping):
        return {k: f for v in spec.values() for k, f in spec_functions(v).items()}
    if isinstance(spec, tuple | list):
        return {k: f for v in spec for k, f in spec_functions(v).items()}
    if callable(spec) and not isinstance(spec, type):
        return {callable_path(spec): spec}
    return {}


def _encode(value: Any) -> Any:
    if isinstance(value, Spec):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if callable(value):
        return {"kind": "callable", "path": callable_path(value)}
    return value


def _decode(value: Any, functions: dict[str, Callable[..., Any]]) -> Any:
    if isinstance(value, dict) and value.get("kind") == "callable":
        return _function(value.get("path"), functions)
    if isinstance(value, dict) and "kind" in value:
        try:
            cls = _REGISTRY[value["kind"]]
        except (KeyError, TypeError) as exc:
            raise ConfigError(f"spec kind {value.get('kind')!r} is unknown; expected one of "
                              f"{sorted(_REGISTRY)}") from exc
        kwargs = {k: _decode(v, functions) for k, v in value.items() if k != "kind"}
        hints = typing.get_type_hints(cls)
        bad = [f"spec {value['kind']!r}: {name} got {v!r}, expected {hints[name]}"
               for name, v in kwargs.items() if name in hints and not _fits(v, hints[name])]
        if bad:
            raise ConfigError(bad)
        try:
            return cls(**kwargs)
        except TypeError as exc:
            raise ConfigError(f"spec {value['kind']!r}: {exc}") from exc
    if isinstance(value, list):
        return tuple(_decode(v, functions) for v in value)
    return value


def _fits(value: Any, hint: Any) -> bool:
    """Whether a value read from a file fits a field's type (a whole number fits a float;
    a boolean fits nothing but a bool).

    Examples
    --------
    >>> _fits(3, float), _fits(True, int), _fits((1, 2), tuple[int, ...]), _fits(None, int | None)
    (True, False, True, True)
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return True
    if origin in (types.UnionType, typing.Union):
        return any(_fits(value, arg) for arg in args)
    if origin is tuple:
        if not isinstance(value, tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_fits(v, args[0]) for v in value)
        return len(value) == len(args) and all(map(_fits, value, args))
    if origin is collections.abc.Callable or hint is collections.abc.Callable:
        return callable(value)
    if hint in (int, float) and isinstance(value, bool):
        return False
    if hint is float:
        return isinstance(value, int | float)
    return isinstance(value, origin or hint) if isinstance(origin or hint, type) else True


def _function(path: Any, functions: dict[str, Callable[..., Any]]) -> Callable[..., Any]:
    if path in functions:
        return functions[path]
    raise ConfigError(
        f"the saved configuration names the function {path!r} (a custom level or rule); "
        "loading never imports code a file names: pass the function itself, e.g. "
        "Linker.load(path, functions=[my_function]) or functions={'module:name': f}"
        + (f" (given: {sorted(functions)})" if functions else ""))


def callable_path(func: Callable[..., Any]) -> str:
    """Return ``module:qualname`` of an importable function (lambdas cannot be saved)."""
    path = f"{func.__module__}:{func.__qualname__}"
    if "<" in path:
        raise ConfigError(
            f"function {path} cannot be saved: define it at module level (not a lambda "
            "or a nested function) so the saved file can name it (and loading can be "
            "given it again with functions=)"
        )
    return path
