"""Linker configurations written as data (TOML), mirroring the Python specs.

A configuration names the functions of ``golden.comparisons`` and the blocking rules
with their keyword arguments; a column is a name, or a table with the column and its
normaliser steps. Every problem is reported at once.

.. code-block:: toml

    threshold = 0.5
    unique_id = "unique_id"

    [[comparisons]]
    function = "name"
    column = "first_name"

    [[comparisons]]
    function = "joint"
    name = "family"
    columns = ["surname", { column = "postcode", steps = ["upper", "remove_spaces"] }]

    [[blocking]]
    keys = ["first_name", { column = "dob", steps = ["date"] }]

Steps are the methods of ``gd.col(...)``: ``{ column = "dob", steps = ["date"] }`` is
``gd.col("dob").date()``, and a step with arguments is a list (``[["first", 3]]``) that may
end with a table of keyword arguments (``[["date", { earliest = "1900-01-01" }]]`` is
``.date(earliest="1900-01-01")``).

Examples
--------
>>> config = linker_config({
...     "comparisons": [{"function": "name", "column": "surname"}],
...     "blocking": [{"keys": ["dob"]}],
... })
>>> config.threshold, [c.name for c in config.linker.comparisons]
(0.5, ['surname'])
"""

from __future__ import annotations

import difflib
import inspect
import re
import runpy
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from golden import comparisons as cmp
from golden import survivorship as sv
from golden.blocking import block_on, block_on_any, sorted_neighbourhood
from golden.errors import ConfigError, GoldenError
from golden.estimators.golden_records import GoldenRecordBuilder
from golden.estimators.linker import Linker
from golden.households.grouper import HouseholdGrouper
from golden.values import Expr, col

COMPARISONS: dict[str, Callable[..., Any]] = {
    name: getattr(cmp, name) for name in cmp.__all__ if name[0].islower()}
BLOCKING: dict[str, Callable[..., Any]] = {
    "block_on": block_on, "block_on_any": block_on_any,
    "sorted_neighbourhood": sorted_neighbourhood}
RULE_LISTS = ("blocking", "training_blocking", "deterministic_rules")
LINKER_SETTINGS = ("link_type", "unique_id", "source", "recall", "u_max_pairs",
                   "training_max_pairs", "max_pairs", "max_iter", "tol", "random_state")
KEYS = ("threshold", "comparisons", *RULE_LISTS, *LINKER_SETTINGS, "golden", "households")
RULES: dict[str, Callable[..., Any]] = {
    name: getattr(sv, name) for name in sv.__all__ if name[0].islower()}
BUILDER_KEYS = ("rules", "default", "attributes", "groups", "unique_id", "source", "timestamp",
                "suppress_records", "suppress_values")
# Column steps are the methods of gd.col(...): steps = ["clean"] is gd.col(c).clean().
STEPS = frozenset(name for name, member in vars(Expr).items()
                  if callable(member) and not name.startswith("_")
                  and name not in ("evaluate", "apply_steps", "apply_to_distinct", "apply_step",
                                   "to_dict"))


@dataclass(frozen=True)
class LinkerConfig:
    """A configured (unfitted) ``golden.Linker``, the match threshold to use, and,
    when the configuration has ``[golden]`` / ``[households]`` tables, a golden-record
    builder and a household grouper."""

    linker: Linker
    threshold: float = 0.5
    golden: GoldenRecordBuilder | None = None
    households: HouseholdGrouper | None = None


def load_config(path: str | Path) -> LinkerConfig:
    """Read a configuration: TOML, or a Python file that defines ``linker`` (and
    optionally ``threshold``)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config: {str(path)!r} is not a file")
    if path.suffix == ".toml":
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"config {path}: not valid TOML: {exc}") from exc
        return linker_config(data, where=str(path))
    if path.suffix == ".py":
        namespace = runpy.run_path(str(path))
        linker = namespace.get("linker")
        if not isinstance(linker, Linker):
            raise ConfigError(f"config {path}: define `linker = gd.Linker(...)` at module level")
        return LinkerConfig(linker, _threshold(namespace.get("threshold", 0.5), [], str(path)))
    raise ConfigError(f"config: {str(path)!r} must be a .toml or a .py file")


def linker_config(data: Mapping[str, Any], where: str = "config") -> LinkerConfig:
    """Build a ``LinkerConfig`` from a mapping (parsed TOML); every problem at once."""
    problems: list[str] = []
    for key in data:
        if key not in KEYS:
            problems.append(f"{where}: unknown key {key!r}{_did_you_mean(key, KEYS)}")
    comparisons = [_call(COMPARISONS, entry, f"{where}: comparisons[{i}]", problems, None)
                   for i, entry in enumerate(_tables(data, "comparisons", where, problems))]
    rules = {name: [_call(BLOCKING, entry, f"{where}: {name}[{i}]", problems, "block_on")
                    for i, entry in enumerate(_tables(data, name, where, problems))]
             for name in RULE_LISTS}
    threshold = _threshold(data.get("threshold", 0.5), problems, where)
    if not comparisons and "comparisons" in data:
        problems.append(f"{where}: comparisons is empty; give at least one")
    if not rules["blocking"] and "blocking" in data:
        problems.append(f"{where}: blocking is empty; give at least one rule")
    for required in ("comparisons", "blocking"):
        if required not in data:
            problems.append(f"{where}: {required} is missing ([[{required}]] tables)")
    if problems:
        raise ConfigError(problems)
    settings: dict[str, Any] = {k: data[k] for k in LINKER_SETTINGS if k in data}
    settings.update({name: rules[name] or None for name in RULE_LISTS[1:]})
    linker = Linker(comparisons, rules["blocking"], **settings)
    try:
        linker.plan()  # the Linker's own checks, now rather than at fit time
    except ConfigError as exc:
        raise ConfigError([f"{where}: {p}" for p in exc.problems]) from exc
    problems = []
    builder = (_builder(data["golden"], f"{where}: [golden]", linker.unique_id, problems)
               if "golden" in data else None)
    grouper = (_grouper(data["households"], f"{where}: [households]", problems)
               if "households" in data else None)
    if problems:
        raise ConfigError(problems)
    return LinkerConfig(linker, threshold, builder, grouper)


def _builder(table: Any, where: str, unique_id: str, problems: list[str]
             ) -> GoldenRecordBuilder | None:
    """A GoldenRecordBuilder from a ``[golden]`` table (None, with ``problems`` noted).

    Rules are tables ``{ rule = "most_recent", by = "updated_at" }``, with ``then`` for a
    tie-break (another rule table) and ``normalise`` as a column table.
    """
    if not isinstance(table, Mapping):
        problems.append(f"{where}: expected a table, got {table!r}")
        return None
    before = len(problems)
    for key in table:
        if key not in BUILDER_KEYS:
            problems.append(f"{where}: unknown key {key!r}{_did_you_mean(key, BUILDER_KEYS)}")
    rules = {name: _rule(entry, f"{where}.rules.{name}", problems)
             for name, entry in dict(table.get("rules", {})).items()}
    params = {k: table[k] for k in BUILDER_KEYS if k in table and k not in ("rules", "default")}
    params.setdefault("unique_id", unique_id)
    if "default" in table:
        params["default"] = _rule(table["default"], f"{where}.default", problems)
    return GoldenRecordBuilder(rules, **params) if len(problems) == before else None


def _rule(entry: Any, where: str, problems: list[str]) -> Any:
    if not isinstance(entry, Mapping) or "rule" not in entry:
        problems.append(f"{where}: expected a table with a 'rule' name, got {entry!r}")
        return None
    arguments = {k: v for k, v in entry.items() if k not in ("rule", "then")}
    rule = _call(RULES, {"function": entry["rule"], **arguments}, where, problems, None)
    if "then" in entry and rule is not None:
        tie_break = _rule(entry["then"], f"{where}.then", problems)
        if tie_break is not None:
            try:
                rule = rule.then(tie_break)
            except ConfigError as exc:
                problems.extend(f"{where}: {p}" for p in exc.problems)
    return rule


def _grouper(table: Any, where: str, problems: list[str]) -> HouseholdGrouper | None:
    if not isinstance(table, Mapping):
        problems.append(f"{where}: expected a table, got {table!r}")
        return None
    known = list(inspect.signature(HouseholdGrouper).parameters)
    unknown = [k for k in table if k not in known]
    problems.extend(f"{where}: unknown key {k!r}{_did_you_mean(k, known)}" for k in unknown)
    return None if unknown else HouseholdGrouper(**table)


def _tables(data: Mapping[str, Any], key: str, where: str, problems: list[str]
            ) -> list[Mapping[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        problems.append(f"{where}: {key} must be a list of tables ([[{key}]]), got {value!r}")
        return []
    return value


def _call(functions: Mapping[str, Callable[..., Any]], entry: Mapping[str, Any], where: str,
          problems: list[str], default: str | None) -> Any:
    """Call the named function with the entry's arguments; note a problem instead of raising."""
    name = entry.get("function", default)
    if name not in functions:
        problems.append(f"{where}: function {name!r} is unknown"
                        f"{_did_you_mean(str(name), functions)}; one of {sorted(functions)}")
        return None
    arguments = {k: _value(v, f"{where}.{k}", problems) for k, v in entry.items()
                 if k != "function"}
    keys = arguments.pop("keys", None) if name == "block_on" else None
    function = functions[name]
    try:
        bound = inspect.signature(function).bind(*(keys or []), **arguments)
    except TypeError as exc:
        expected = [p for p in inspect.signature(function).parameters if p != "keys"]
        problems.append(f"{where} ({name}): {exc}; its arguments are {expected}")
        return None
    try:
        return function(*bound.args, **bound.kwargs)
    except (GoldenError, TypeError, ValueError) as exc:
        hint = _name_hint(entry) if functions is COMPARISONS else ""
        problems.append(f"{where} ({name}): {exc}{hint}")
        return None


def _name_hint(entry: Mapping[str, Any]) -> str:
    """For a comparison whose name (given, or its column's) is no identifier: the ``name``
    to give it instead.

    Examples
    --------
    >>> print(_name_hint({"function": "name", "column": "Site name"}))
    ; add name = "site_name" to this [[comparisons]] table (the column keeps its name)
    """
    given = entry.get("name")
    if given is None:
        column = entry.get("column")
        given = column.get("column") if isinstance(column, Mapping) else column
    if not isinstance(given, str) or given.isidentifier():
        return ""
    suggested = re.sub(r"\W+", "_", given).strip("_").lower() or "comparison"
    suggested = f"c_{suggested}" if suggested[0].isdigit() else suggested
    if "name" in entry:
        return f'; write name = "{suggested}" in this [[comparisons]] table'
    return f'; add name = "{suggested}" to this [[comparisons]] table (the column keeps its name)'


def _value(value: Any, where: str, problems: list[str]) -> Any:
    """A column table becomes an expression; lists are converted element by element."""
    if isinstance(value, list):
        return [_value(v, where, problems) for v in value]
    if isinstance(value, Mapping):
        unknown = set(value) - {"column", "steps"}
        if "column" not in value or unknown:
            problems.append(f"{where}: a column table needs 'column' (and optional 'steps'), "
                            f"got {dict(value)!r}")
            return None
        try:
            expr = col(value["column"])
            for step in value.get("steps", []):
                name, *args = step if isinstance(step, list) else [step]
                keywords = args.pop() if args and isinstance(args[-1], Mapping) else {}
                if name not in STEPS:
                    raise ConfigError(f"step {name!r} is unknown; one of {sorted(STEPS)}")
                expr = getattr(expr, name)(*args, **keywords)
            return expr
        except (ConfigError, TypeError) as exc:
            problems.append(f"{where}: {exc}")
            return None
    return value


def _threshold(value: Any, problems: list[str], where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        problems.append(f"{where}: threshold got {value!r}, expected a probability in [0, 1]")
        return 0.5
    return float(value)


def _did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
