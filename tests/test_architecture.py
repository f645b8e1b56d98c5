"""The package's shape: layers, no import circles, no private names across modules, small
modules (see docs/architecture.md).

Every import counts, including those inside functions and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "golden"

# Bottom to top: a package may import from itself and from packages before it, never after.
ORDER = [
    "errors", "_base",                                            # 1 foundations
    "values", "records", "datasets",                              # 2 values and records
    "blocking", "comparisons",                                    # 3 pairs and their comparison
    "model", "clustering", "survivorship", "evaluate",            # 4 algorithms
    "engines",                                                    # 5 where the work runs
    "estimators", "households",                                   # 6 estimators
    "privacy", "resolver", "config", "plot", "report",            # 7 applications
    "__init__", "bench", "demo", "cli",                           # 8 the public face, and
]                                                                 #   what is built on it
MAX_TOP_LEVEL_MODULES = 16
MAX_LINES = 700


def _modules() -> dict[str, Path]:
    out = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(("golden", *parts))
        out[name.removesuffix(".__init__")] = path
    return out


MODULES = _modules()


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: str) -> list[tuple[str, str | None, int]]:
    """(imported golden module, imported name or None, line) for every import in a module."""
    path = MODULES[module]
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, None, node.lineno) for a in node.names
                      if a.name.split(".")[0] == "golden"]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, path.name == "__init__.py", node)
            if target.split(".")[0] != "golden":
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in MODULES:
                    found.append((sub, None, node.lineno))
                else:
                    found.append((target, alias.name, node.lineno))
    return found


def _module_aliases(tree: ast.AST, module: str) -> dict[str, str]:
    """Local names bound to golden modules (``import golden.x as y``, ``from golden import x``)."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name in MODULES and a.asname:
                    aliases[a.asname] = a.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                if f"{node.module}.{a.name}" in MODULES:
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    return aliases


def test_every_package_has_a_layer() -> None:
    unknown = sorted({_package(m) for m in MODULES} - set(ORDER))
    assert not unknown, f"add {unknown} to ORDER (and to docs/architecture.md)"


def test_no_import_runs_up_the_layers() -> None:
    rank = {package: i for i, package in enumerate(ORDER)}
    upward = []
    for module in MODULES:
        for target, _, line in _imports(module):
            if rank[_package(target)] > rank[_package(module)]:
                upward.append(f"{module}:{line} imports {target}")
    assert not upward, "\n".join(upward)


def test_no_import_circles() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for module in MODULES:
        for target, _, _ in _imports(module):
            # a package's __init__ is imported with any of its modules: count the module itself
            if target != module and target in MODULES:
                graph[module].add(target)
    cycles = _cycles(graph)
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in list(graph):
        if node not in index:
            visit(node)
    return out


def test_no_private_name_crosses_a_module() -> None:
    leaks = []
    for module, path in MODULES.items():
        for target, name, line in _imports(module):
            if name and name.startswith("_") and not name.startswith("__"):
                leaks.append(f"{module}:{line} imports {target}.{name}")
        tree = ast.parse(path.read_text())
        aliases = _module_aliases(tree, module)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in aliases and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                leaks.append(f"{module}:{node.lineno} reads {aliases[node.value.id]}.{node.attr}")
    assert not leaks, "\n".join(leaks)


def test_few_top_level_modules() -> None:
    top = sorted(p.name for p in SRC.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_is_small(module: str) -> None:
    lines = len(MODULES[module].read_text().splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it by subject"
