"""The package edges of ../shared/DESIGN.md, enforced by reading every module's imports.

A package may import only the mig siblings its arrow allows, only the third-party
distributions its pyproject declares, and must declare exactly the siblings the design gives
it. ``mig`` stays an implicit namespace package: no ``mig/__init__.py`` anywhere.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ROOT / "packages"

# package -> the mig siblings it may import (DESIGN.md, "The packages and their edges").
ALLOWED_SIBLINGS: dict[str, set[str]] = {
    "ops": set(),
    "ddl": {"ops"},
    "scripts": set(),
    "runtime": {"ops", "ddl"},
    "autogen": {"ops", "ddl", "runtime"},
    "cli": {"ops", "ddl", "scripts", "runtime", "autogen"},
}
# package -> third-party top-level modules it may import (its own or a sibling's dependency).
ALLOWED_THIRD_PARTY: dict[str, set[str]] = {
    "ops": {"sqlalchemy"},
    "ddl": {"sqlalchemy"},
    "scripts": {"mako"},
    "runtime": {"sqlalchemy"},
    "autogen": {"sqlalchemy"},
    "cli": {"click", "sqlalchemy", "mako", "libcst"},
}
# modules that only a third-party tool loads (through its entry point) may import that tool:
# mig-cli's pytest plugin is imported by pytest itself, never by mig.
TOOL_PLUGINS: dict[str, dict[str, set[str]]] = {
    "cli": {"pytest_plugin.py": {"pytest"}},
}


def _modules(package: str) -> list[Path]:
    """The package's own modules; template folders hold files for users' projects (an
    env.py imports mig.runtime and SQLAlchemy there), which are data, not package code."""
    root = PACKAGES / f"mig-{package}" / "src" / "mig" / package
    return sorted(p for p in root.rglob("*.py") if "templates" not in p.relative_to(root).parts)


def _imported_names(path: Path) -> set[str]:
    """Absolute module names a file imports (``from mig import x`` counts as ``mig.x``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "mig":
                names.update(f"mig.{alias.name}" for alias in node.names)
            else:
                names.add(node.module)
    return names


def test_every_package_exists() -> None:
    found = {p.name.removeprefix("mig-") for p in PACKAGES.iterdir() if p.is_dir()}
    assert found == set(ALLOWED_SIBLINGS)


def test_no_namespace_init_anywhere() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in ROOT.glob("packages/*/src/mig/__init__.py")]
    assert offenders == []


@pytest.mark.parametrize("package", sorted(ALLOWED_SIBLINGS))
def test_imports_respect_edges(package: str) -> None:
    modules = _modules(package)
    assert modules, f"mig-{package} has no modules"
    violations = []
    for path in modules:
        for name in _imported_names(path):
            top = name.split(".")[0]
            where = path.relative_to(ROOT)
            if top == "mig":
                parts = name.split(".")
                sibling = parts[1] if len(parts) > 1 else ""
                if sibling != package and sibling not in ALLOWED_SIBLINGS[package]:
                    violations.append(f"{where}: imports {name}")
            elif top in sys.stdlib_module_names or top == "__future__":
                continue
            elif top in TOOL_PLUGINS.get(package, {}).get(path.name, set()):
                continue
            elif top not in ALLOWED_THIRD_PARTY[package]:
                violations.append(f"{where}: imports third-party {name}")
    assert violations == []


@pytest.mark.parametrize("package", sorted(ALLOWED_SIBLINGS))
def test_declared_dependencies_match_edges(package: str) -> None:
    meta = tomllib.loads((PACKAGES / f"mig-{package}" / "pyproject.toml").read_text())
    deps = meta["project"]["dependencies"]
    declared = {d.split("~=")[0].removeprefix("mig-") for d in deps if d.startswith("mig-")}
    assert declared == ALLOWED_SIBLINGS[package]
    for dep in deps:
        if dep.startswith("mig-"):
            assert "~=" in dep, f"mig-{package}: sibling {dep} needs a compatible range"


def test_edge_checker_catches_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from mig import cli\nimport mig.scripts.directory\nfrom mig.ops import op\n")
    assert _imported_names(bad) == {"mig.cli", "mig.scripts.directory", "mig.ops"}
