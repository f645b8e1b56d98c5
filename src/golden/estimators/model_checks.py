"""A saved Linker model checked before anything is built from it: every key present and of
the right type, every parameter a finite probability of the right length.

A model with λ NaN, m negative or u all zeros would load and score every pair NaN or ±inf
(a resolver would then add every record as a new entity). The error names the file and the
key, so a damaged or edited file is found, not used.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from golden.errors import ConfigError

SUM_TOLERANCE = 1e-6  # shares of one comparison's levels add up to 1 within this


def read_model_file(path: str | Path) -> Any:
    """The JSON in ``path``; a clear error for a missing, empty, binary or broken file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> broken = pathlib.Path(tempfile.mkdtemp()) / "model.json"
    >>> _ = broken.write_text('{"format": ')
    >>> try:
    ...     read_model_file(broken)
    ... except ConfigError as error:
    ...     print(str(error).split(": ", 1)[1])
    not a golden model file: invalid JSON at line 1, column 12 (Expecting value)
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such model file") from exc
    except (UnicodeDecodeError, IsADirectoryError) as exc:
        raise ConfigError(f"{path}: not a golden model file (not JSON text)") from exc
    if not text.strip():
        raise ConfigError(f"{path}: the model file is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not a golden model file: invalid JSON at line "
                          f"{exc.lineno}, column {exc.colno} ({exc.msg})") from exc
    except (RecursionError, ValueError) as exc:  # nested without end, a number too long
        raise ConfigError(f"{path}: not a golden model file: {str(exc)[:100]}") from exc


def check_model_keys(model: Any, source: str) -> None:
    """The model's top-level structure, before its specs are read."""
    if not isinstance(model, dict):
        raise ConfigError(f"{source}: not a golden Linker model (got a JSON "
                          f"{type(model).__name__}, expected an object)")
    expected = {"comparisons": list, "blocking": dict, "settings": dict, "parameters": dict}
    problems = [f"{source}: key {key!r} is missing" for key in expected if key not in model]
    problems += [f"{source}: {key!r} must be a JSON {_json_type(kind)}, got "
                 f"{type(model[key]).__name__}"
                 for key, kind in expected.items()
                 if key in model and not isinstance(model[key], kind)]
    if problems:
        raise ConfigError(problems)
    parameters = model["parameters"]
    missing = [k for k in ("lambda", "m", "u", "n_iter", "converged") if k not in parameters]
    if missing:
        raise ConfigError(f"{source}: parameters {missing} are missing")


def check_parameters(parameters: dict[str, Any], names: Sequence[str],
                     n_levels: Sequence[int], source: str) -> None:
    """λ a probability strictly between 0 and 1; m and u one list per comparison, one
    share per level, finite, non-negative (u positive), adding up to 1; dependence groups
    naming known comparisons with finite bits.

    Examples
    --------
    >>> good = {"lambda": 0.01, "m": {"a": [0.1, 0.9]}, "u": {"a": [0.9, 0.1]}}
    >>> check_parameters(good, ["a"], [2], "model.json")
    >>> try:
    ...     check_parameters({**good, "lambda": float("nan")}, ["a"], [2], "model.json")
    ... except ConfigError as error:
    ...     print(error)
    model.json: parameters.lambda must be a probability strictly between 0 and 1, got nan
    """
    lam = parameters["lambda"]
    if (isinstance(lam, bool) or not isinstance(lam, int | float) or not math.isfinite(lam)
            or not 0 < lam < 1):
        raise ConfigError(f"{source}: parameters.lambda must be a probability strictly "
                          f"between 0 and 1, got {lam!r}")
    problems = []
    for key, positive in (("m", False), ("u", True)):
        table = parameters[key]
        if not isinstance(table, dict) or set(table) != set(names):
            got = sorted(table) if isinstance(table, dict) else type(table).__name__
            problems.append(f"{source}: parameters.{key} must have one entry per comparison "
                            f"{list(names)}, got {got}")
            continue
        for name, k in zip(names, n_levels, strict=True):
            problem = _shares_problem(table[name], k, positive)
            if problem:
                problems.append(f"{source}: parameters.{key}.{name} {problem}")
    dependence = parameters.get("dependence", [])
    if not isinstance(dependence, list):
        problems.append(f"{source}: parameters.dependence must be a list, got {dependence!r}")
        dependence = []
    for number, group in enumerate(dependence):
        problem = _group_problem(group, names)
        if problem:
            problems.append(f"{source}: parameters.dependence[{number}] {problem}")
    if problems:
        raise ConfigError(problems)


def _shares_problem(values: Any, n_levels: int, positive: bool) -> str | None:
    """What is wrong with one comparison's level shares, or None."""
    if not isinstance(values, list) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return f"must be a list of {n_levels} numbers, got {values!r}"
    shares = np.asarray(values, dtype=np.float64)
    lowest = "positive" if positive else "non-negative"
    if len(shares) != n_levels:
        return f"must hold {n_levels} shares (one per level), got {len(shares)}"
    if not np.isfinite(shares).all() or (shares <= 0 if positive else shares < 0).any():
        return f"must hold finite, {lowest} shares, got {values}"
    with np.errstate(over="ignore"):
        total = float(shares.sum())
    if abs(total - 1) > SUM_TOLERANCE:
        return f"must add up to 1 (shares of the levels), got {total!r}"
    return None


def _group_problem(group: Any, names: Sequence[str]) -> str | None:
    levels = "agree_from" if isinstance(group, dict) and "agree_from" in group else "top_levels"
    if not isinstance(group, dict) or not {"comparisons", levels, "bits"} <= set(group):
        return "must hold 'comparisons', 'agree_from' and 'bits'"
    members, bits, tops = group["comparisons"], group["bits"], group[levels]
    if (not isinstance(members, list) or len(members) < 2
            or not all(isinstance(m, str) for m in members) or not set(members) <= set(names)):
        return f"names unknown comparisons or fewer than two: {members!r}"
    if not isinstance(tops, list) or len(tops) != len(members) or not all(
            isinstance(t, int) and not isinstance(t, bool) for t in tops):
        return f"must hold {len(members)} whole-number levels, got {tops!r}"
    if (not isinstance(bits, list) or len(bits) != 2 ** len(members)
            or not all(isinstance(b, int | float) and math.isfinite(b) for b in bits)):
        return f"must hold {2 ** len(members)} finite bits, got {bits!r}"
    return None


def _json_type(kind: type) -> str:
    return "array" if kind is list else "object"
