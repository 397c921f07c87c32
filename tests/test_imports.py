"""The import direction of STYLE.md §1, checked by walking gateway/ with ast."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import gateway

ROOT = Path(gateway.__file__).parent

# Lower ranks may import higher ranks at runtime, never the reverse;
# modules of one package (one layer) may import each other.
RANKS = {
    "gateway.__main__": 0,
    "gateway.cli": 1,
    "gateway.serve": 2,
    "gateway.app": 3,
    "gateway.view": 4,
    "gateway.access": 4,
    "gateway.probes": 4,
    "gateway.graphiql": 5,
    "gateway.cors": 5,
    "gateway.documents": 5,
    "gateway.schema": 6,
    "gateway.context": 7,
    "gateway.loaders": 8,
    "gateway.upstream": 9,
    "gateway.telemetry": 10,
    "gateway.config": 11,
    "gateway.errors": 11,
    "gateway": 12,
}
FORBIDDEN_LIBRARIES = {
    "gateway.upstream": {"strawberry", "starlette", "graphql"},
    "gateway.schema": {"httpx"},
    "gateway.loaders": {"starlette", "httpx"},
    "gateway.telemetry": {"strawberry", "starlette", "graphql", "httpx"},
}


def layer(module: str) -> str:
    parts = module.split(".")
    for size in (2, 1):
        candidate = ".".join(parts[:size])
        if candidate in RANKS or candidate == "gateway.sandbox":
            return candidate
    raise AssertionError(f"no layer for {module}")


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(tree: ast.AST) -> list[str]:
    """Absolute names imported outside `if TYPE_CHECKING:` blocks."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and is_type_checking(node):
            for branch in node.orelse:
                visit(branch)
            return
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def violations(importer: str, source: str) -> list[str]:
    importer_layer = layer(importer)
    problems = []
    for imported in runtime_imports(ast.parse(source)):
        top = imported.split(".")[0]
        if top in FORBIDDEN_LIBRARIES.get(importer_layer, set()):
            problems.append(f"{importer} imports {imported}")
        if top != "gateway":
            continue
        imported_layer = layer(imported)
        if importer_layer == "gateway.sandbox" or imported_layer == "gateway.sandbox":
            allowed = importer_layer == imported_layer or importer_layer in {
                "gateway.cli",
                "gateway.serve",
            }
        else:
            allowed = (
                imported_layer == importer_layer
                or RANKS[imported_layer] > RANKS[importer_layer]
            )
        if not allowed:
            problems.append(f"{importer} imports {imported}")
    return problems


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(p, id=str(p.relative_to(ROOT.parent)))
        for p in sorted(ROOT.rglob("*.py"))
    ],
)
def test_imports_flow_one_way(path: Path) -> None:
    assert violations(module_name(path), path.read_text()) == []


def test_guard_catches_leftward_and_forbidden_imports() -> None:
    source = (
        "import strawberry\n"
        "from gateway.schema import schema\n"
        "from gateway.errors import NotFoundError\n"
        "if TYPE_CHECKING:\n"
        "    from gateway.context import Info\n"
        "def later():\n"
        "    import gateway.sandbox.store\n"
    )
    assert violations("gateway.upstream.records", source) == [
        "gateway.upstream.records imports strawberry",
        "gateway.upstream.records imports gateway.schema",
        "gateway.upstream.records imports gateway.sandbox.store",
    ]
