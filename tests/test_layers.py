"""The package's layers: every module imports only from its own layer or the layers below, and no
module imports itself back through others. Read from the source with ``ast`` — imports inside
functions (the lazy ones) and under ``TYPE_CHECKING`` count like the others.

The layers, bottom to top (docs/architecture.md explains each):
foundation (text, frames, schema, errors, labels, output, targets) → load (layout → formats → the registry) →
checks, scoring, review →
report → run → cli, explore.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "perfkit"

LAYERS = [
    ("perfkit", "perfkit.errors", "perfkit.text", "perfkit.frames", "perfkit.schema", "perfkit.labels",
     "perfkit.output", "perfkit.targets", "perfkit.reference"),
    ("perfkit.load.layout",),  # grids → projects, indicators, actuals, by labels
    ("perfkit.load.formats",),  # bytes → grids, one module per format
    ("perfkit.load",),  # the registry of formats, load_targets, load_actuals
    ("perfkit.checks", "perfkit.scoring", "perfkit.review"),
    ("perfkit.report",),
    ("perfkit.run",),
    ("perfkit.cli", "perfkit.explore"),
]  # fmt: skip
TOP_LEVEL_FILES = {"__init__.py", "cli.py", "errors.py", "schema.py", "labels.py", "output.py", "targets.py",
                   "text.py", "frames.py"}  # fmt: skip
TOP_LEVEL_FOLDERS = {"load", "checks", "scoring", "review", "report", "run", "explore", "reference"}
MAX_LINES = 400


def module_names(root: Path) -> dict[str, Path]:
    """Every module of the package at ``root`` by dotted name (a package by its ``__init__``)."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = (root.name, *path.relative_to(root).with_suffix("").parts)
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def imports_of(root: Path) -> dict[str, set[str]]:
    """For every module of ``root``, the modules of the same package it imports."""
    modules = module_names(root)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from perfkit.load.formats import docx` imports the module perfkit.load.formats.docx
                found |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                          for a in node.names}  # fmt: skip
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def layer_of(module: str) -> int:
    """The index in :data:`LAYERS` of the longest prefix that names ``module``."""
    best = max(
        ((len(prefix), i) for i, prefixes in enumerate(LAYERS) for prefix in prefixes
         if module == prefix or module.startswith(prefix + ".")),
        default=None,
    )  # fmt: skip
    if best is None:
        raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")
    return best[1]


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})"
        for module, targets in graph.items()
        for target in targets
        if layer_of(target) > layer_of(module)
    )


def import_loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                loops.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return loops


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    assert upward_imports(imports_of(PACKAGE)) == []


def test_no_import_loops() -> None:
    assert import_loops(imports_of(PACKAGE)) == []


def test_the_top_of_the_package_holds_only_the_shared_modules() -> None:
    entries = {p.name for p in PACKAGE.iterdir() if p.name != "__pycache__"}
    assert entries == TOP_LEVEL_FILES | TOP_LEVEL_FOLDERS


def test_no_module_is_longer_than_about_400_lines() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


@pytest.fixture
def tiny_package(tmp_path: Path) -> Path:
    """A package of three modules, written so that the checks above must fail on it."""
    root = tmp_path / "perfkit"
    (root / "load").mkdir(parents=True)
    (root / "run").mkdir()
    for init in (root, root / "load", root / "run"):
        (init / "__init__.py").write_text("")
    # a loader reaching up into run, lazily inside a function, and run importing the loader back
    (root / "load" / "reader.py").write_text("def read():\n    from perfkit.run import unit\n")
    (root / "run" / "unit.py").write_text("from perfkit.load.reader import read\n")
    return root


def test_the_checks_catch_an_upward_import_and_a_loop(tiny_package: Path) -> None:
    graph = imports_of(tiny_package)
    assert graph["perfkit.load.reader"] == {"perfkit.run.unit"}
    assert upward_imports(graph) == ["perfkit.load.reader (layer 3) imports perfkit.run.unit (layer 6)"]
    assert import_loops(graph) == [["perfkit.load.reader", "perfkit.run.unit"]]
