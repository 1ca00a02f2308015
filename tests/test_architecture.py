"""The layout stays readable: data flows one way through the packages, and no one reaches into another's privates.

docs/architecture.md draws the same order. A change that needs an import against it belongs in
another package (or the shared piece belongs lower down).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "danvan_metrics"
# Lower layers never import higher ones; packages on one layer do not import each other.
LAYERS: dict[str, int] = {
    "core": 0,
    "registry": 1,
    "record": 2,
    "store": 3,
    "ingest": 4,
    "auth": 5,
    "reporting": 5,
    "services": 6,
    "web": 6,
    "figures": 7,
    "export": 8,
    "demo": 9,
    "ui": 10,
    "cli": 10,
}
MAX_LINES = 400


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _package_of(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None  # None: serve.py, __main__.py (entry points)


def _imports(tree: ast.Module) -> list[tuple[str, list[str]]]:
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("danvan_metrics."):
            found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("danvan_metrics.")]
    return found


def test_every_package_is_placed_and_says_what_it_holds() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file() and p.name != "__pycache__"}
    assert packages == set(LAYERS), f"a new package needs a place in LAYERS and docs/architecture.md: {packages}"
    for name in packages:
        assert ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_flow_one_way_and_never_reach_a_private_name(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    own = _package_of(path)
    own_module = "danvan_metrics." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    imported_modules: set[str] = set()
    for module, names in _imports(tree):
        target = module.split(".")[1]
        if own is not None and target != own:
            assert LAYERS[target] < LAYERS[own], f"{own} (layer {LAYERS[own]}) imports {module}"
        for name in names:
            assert not name.startswith("_") or module == own_module, f"private {module}.{name}"
            imported_modules.add(name)
    for node in ast.walk(tree):  # module._name, on a module imported from the package
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in imported_modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            pytest.fail(f"{path.name}:{node.lineno} reaches {node.value.id}.{node.attr}")


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_holds_several_jobs_worth_of_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE)}: {lines} lines; split it by concern"


def test_pages_are_short_and_ask_typed_questions() -> None:
    pages = Path(__file__).resolve().parents[1] / "pages"
    for page in pages.glob("*.py"):
        text = page.read_text(encoding="utf-8")
        assert len(text.splitlines()) < 80, page.name
        by_string = "ui.query(" in text or ".query(" in text or "getattr(" in text
        assert not by_string, f"{page.name}: ask `ui.questions`, by name"
        assert "duckdb" not in text and "open(" not in text, f"{page.name}: a page never opens a file or a database"
