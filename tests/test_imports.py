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
    "gateway.http": 5,
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


# Imported by anyone (the sandbox included); they import nothing from gateway.
SHARED_LEAVES = {"gateway.serving"}


def layer(module: str) -> str:
    parts = module.split(".")
    for size in (2, 1):
        candidate = ".".join(parts[:size])
        if (
            candidate in RANKS
            or candidate in SHARED_LEAVES
            or candidate == "gateway.sandbox"
        ):
            return candidate
    raise AssertionError(f"no layer for {module}")


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str) -> bool:
    """Whether `gateway.a.b` names a module or package of the source tree."""
    if name.split(".")[0] != "gateway":
        return False
    path = ROOT.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def absolute(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module a `from ... import` reads, relative levels resolved."""
    if node.level == 0:
        return node.module or ""
    package = importer.split(".")
    if not is_package:
        package.pop()
    if node.level > 1:
        package = package[: 1 - node.level]
    return ".".join([*package, *([node.module] if node.module else [])])


def runtime_imports(
    tree: ast.AST, importer: str = "", is_package: bool = False
) -> list[str]:
    """Absolute names imported outside `if TYPE_CHECKING:` blocks.

    Relative imports are resolved against `importer`; `from a import b` counts
    as importing `a.b` when that is a module (`from gateway import schema`).
    """
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and is_type_checking(node):
            for branch in node.orelse:
                visit(branch)
            return
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = absolute(importer, is_package, node)
            for alias in node.names:
                submodule = f"{module}.{alias.name}"
                found.append(submodule if is_module(submodule) else module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return list(dict.fromkeys(found))


def allowed(importer_layer: str, imported_layer: str) -> bool:
    if imported_layer == importer_layer:
        return True
    if importer_layer in SHARED_LEAVES:
        return False
    if imported_layer in SHARED_LEAVES:
        return True
    if "gateway.sandbox" in (importer_layer, imported_layer):
        # The sandbox shares no code with the gateway; only the commands start it.
        return importer_layer in {"gateway.cli", "gateway.serve"}
    return RANKS[imported_layer] > RANKS[importer_layer]


def violations(importer: str, source: str, is_package: bool = False) -> list[str]:
    importer_layer = layer(importer)
    problems = []
    for imported in runtime_imports(ast.parse(source), importer, is_package):
        top = imported.split(".")[0]
        if top in FORBIDDEN_LIBRARIES.get(importer_layer, set()):
            problems.append(f"{importer} imports {imported}")
        if top == "gateway" and not allowed(importer_layer, layer(imported)):
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
    is_package = path.name == "__init__.py"
    assert violations(module_name(path), path.read_text(), is_package) == []


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


@pytest.mark.parametrize(
    ("importer", "is_package", "source", "found"),
    [
        pytest.param(
            "gateway.upstream.rooms",
            False,
            "from gateway import schema\n",
            ["gateway.upstream.rooms imports gateway.schema"],
            id="package-level-import-of-a-subpackage",
        ),
        pytest.param(
            "gateway.upstream.rooms",
            False,
            "from gateway import errors, schema\n",
            ["gateway.upstream.rooms imports gateway.schema"],
            id="only-the-leftward-name-of-several",
        ),
        pytest.param(
            "gateway.upstream.rooms",
            False,
            "from ..schema import rooms\n",
            ["gateway.upstream.rooms imports gateway.schema.rooms"],
            id="relative-import-two-levels-up",
        ),
        pytest.param(
            "gateway.upstream",
            True,
            "from ..loaders import Loaders\n",
            ["gateway.upstream imports gateway.loaders"],
            id="relative-import-from-a-package-init",
        ),
        pytest.param(
            "gateway.sandbox.rooms",
            False,
            "from .. import errors\n",
            ["gateway.sandbox.rooms imports gateway.errors"],
            id="sandbox-reaching-into-the-gateway",
        ),
        pytest.param(
            "gateway.serving",
            False,
            "from gateway.sandbox import create_sandbox_app\n",
            ["gateway.serving imports gateway.sandbox"],
            id="shared-leaf-importing-gateway",
        ),
    ],
)
def test_guard_resolves_relative_and_package_level_imports(
    importer: str, is_package: bool, source: str, found: list[str]
) -> None:
    assert violations(importer, source, is_package) == found


@pytest.mark.parametrize(
    ("importer", "is_package", "source"),
    [
        pytest.param(
            "gateway.sandbox.rooms", False, "from . import store\n", id="sibling"
        ),
        pytest.param(
            "gateway.sandbox.run",
            False,
            "from gateway.serving import bind_socket\n",
            id="shared-leaf",
        ),
        pytest.param(
            "gateway.schema", True, "from .rooms import RoomQuery\n", id="package-init"
        ),
        pytest.param(
            "gateway.schema.rooms",
            False,
            "from ..upstream import rooms\n",
            id="rightward",
        ),
    ],
)
def test_guard_accepts_allowed_edges(
    importer: str, is_package: bool, source: str
) -> None:
    assert violations(importer, source, is_package) == []


def import_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of `graph` (module → modules it imports), or [] if none."""
    done: set[str] = set()

    def walk(module: str, path: list[str]) -> list[str]:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return []
        for imported in sorted(graph.get(module, ())):
            cycle = walk(imported, [*path, module])
            if cycle:
                return cycle
        done.add(module)
        return []

    for module in sorted(graph):
        cycle = walk(module, [])
        if cycle:
            return cycle
    return []


def schema_import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted((ROOT / "schema").rglob("*.py")):
        importer = module_name(path)
        imported = runtime_imports(
            ast.parse(path.read_text()), importer, path.name == "__init__.py"
        )
        graph[importer] = {
            name
            for name in imported
            if name.startswith("gateway.schema.") and name != importer
        }
    # The package imports every type module to build the schema; the type
    # modules import siblings, never the package itself.
    graph.pop("gateway.schema", None)
    return graph


def test_schema_modules_import_without_a_cycle() -> None:
    """Types reach each other through gateway.schema.refs and lazy annotations."""
    assert import_cycle(schema_import_graph()) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_cycle(graph) == ["a", "b", "c", "a"]
    assert import_cycle({"a": {"b"}, "b": set()}) == []
