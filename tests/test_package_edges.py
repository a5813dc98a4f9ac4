"""The package edges of ../shared/DESIGN.md, enforced by reading every module's imports.

The edges are declared once, in tools/edges.toml (read through tools/edges.py, as noxfile.py
and tools/check_isolated.py read them). A package may import only the mig siblings its arrow
allows (absolute, relative or through ``importlib.import_module``), only the third-party
modules of its own or its siblings' requirements, and its pyproject.toml must name exactly
the siblings and third-party distributions the declaration gives it. ``mig`` stays an
implicit namespace package: no ``mig/__init__.py`` anywhere.

Every check takes the root of a tree, so the last tests can run them on a copy of the tree
with one mistake put in and show that each is caught.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import shutil
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
DESIGN = ROOT.parent / "shared" / "DESIGN.md"


def _load_edges_module() -> ModuleType:
    name = "_mig_tools_edges"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / "edges.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # (dataclasses look their module up while being made)
        spec.loader.exec_module(module)
    return sys.modules[name]


edges = _load_edges_module()
EDGES = edges.load(ROOT / "tools" / "edges.toml")
PACKAGE_NAMES = sorted(EDGES.packages)


def _declared(root: Path):
    return edges.load(root / "tools" / "edges.toml")


def _package_root(root: Path, package: str) -> Path:
    return root / "packages" / f"mig-{package}" / "src" / "mig" / package


def _modules(root: Path, package: str) -> list[Path]:
    """The package's own modules; template folders hold files for users' projects (an
    env.py imports mig.runtime and SQLAlchemy there), which are data, not package code."""
    base = _package_root(root, package)
    return sorted(p for p in base.rglob("*.py") if "templates" not in p.relative_to(base).parts)


def _module_name(root: Path, package: str, path: Path) -> str:
    parts = path.relative_to(_package_root(root, package)).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(("mig", package, *parts))


# --- what a file imports -------------------------------------------------------------------

_IMPORT_FUNCTIONS = {("importlib", "import_module"), (None, "import_module"), (None, "__import__")}


def _call_target(node: ast.Call) -> tuple[str | None, str] | None:
    func = node.func
    if isinstance(func, ast.Name):
        return (None, func.id)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return (func.value.id, func.attr)
    return None


def _literal_module(arg: ast.expr) -> str | None:
    """The module a dynamic import names, as far as its text says: a string, or the
    complete dotted components before the first placeholder of an f-string."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.JoinedStr):
        prefix = ""
        for part in arg.values:
            if not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
                break
            prefix += part.value
        if "." not in prefix:
            return None  # the top-level name itself is computed: nothing to check
        return prefix.rsplit(".", 1)[0]
    return None


def _relative_base(module: str | None, is_package: bool, level: int) -> str:
    if module is None:
        return "." * level  # a file outside any package: cannot resolve, name it as written
    parts = module.split(".") if is_package else module.split(".")[:-1]
    keep = len(parts) - (level - 1)
    return ".".join(parts[:keep]) if keep > 0 else "." * level


def _imported_names(path: Path, module: str | None = None) -> set[str]:
    """Absolute module names a file imports (``from mig import x`` counts as ``mig.x``).

    ``module`` is the file's dotted name: relative imports are resolved against it.
    ``importlib.import_module("...")`` and ``__import__("...")`` with a literal name count.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _relative_base(module, is_package, node.level)
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if node.module is None or target == "mig":
                names.update(f"{target}.{alias.name}" for alias in node.names)
            else:
                names.add(target)
        elif isinstance(node, ast.Call) and _call_target(node) in _IMPORT_FUNCTIONS:
            name = _literal_module(node.args[0]) if node.args else None
            if name and not name.startswith("."):
                names.add(name)
    return names


# --- the checks, on any tree ---------------------------------------------------------------


def import_problems(root: Path, package: str) -> list[str]:
    """Imports of ``mig.<package>`` that its edges do not allow."""
    declared = _declared(root)
    entry = declared.packages[package]
    allowed_third_party = declared.allowed_imports(package)
    modules = _modules(root, package)
    if not modules:
        return [f"mig-{package} has no modules"]
    violations = []
    for path in modules:
        where = path.relative_to(root)
        for name in sorted(_imported_names(path, _module_name(root, package, path))):
            top = name.split(".")[0]
            if top == "mig":
                parts = name.split(".")
                sibling = parts[1] if len(parts) > 1 else ""
                if sibling != package and sibling not in entry.siblings:
                    violations.append(f"{where}: imports {name}")
            elif not top:
                violations.append(f"{where}: relative import {name!r} leaves the mig namespace")
            elif top in sys.stdlib_module_names or top == "__future__":
                continue
            elif top in entry.plugins.get(path.name, ()):
                continue
            elif top not in allowed_third_party:
                violations.append(f"{where}: imports third-party {name}")
    return violations


_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def dependency_problems(root: Path, package: str) -> list[str]:
    """Differences between mig-<package>'s pyproject dependencies and its declaration."""
    entry = _declared(root).packages[package]
    pyproject = root / "packages" / f"mig-{package}" / "pyproject.toml"
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    problems = []
    siblings: set[str] = set()
    third_party: set[str] = set()
    for dep in deps:
        match = _REQUIREMENT_NAME.match(dep)
        name = edges.normalise(match.group(1)) if match else dep
        if name.startswith("mig-"):
            siblings.add(name.removeprefix("mig-"))
            if "~=" not in dep:
                problems.append(f"mig-{package}: sibling {dep} needs a compatible range")
        else:
            third_party.add(name)
    for kind, found, wanted in (
        ("siblings", siblings, set(entry.siblings)),
        ("third-party requirements", third_party, set(entry.requires)),
    ):
        if found != wanted:
            problems.append(
                f"{pyproject.relative_to(root)}: {kind} {sorted(found)}, "
                f"tools/edges.toml declares {sorted(wanted)}"
            )
    return problems


def tree_problems(root: Path) -> list[str]:
    """Every check of this module on the tree at ``root``."""
    problems = []
    for package in sorted(_declared(root).packages):
        problems += import_problems(root, package) + dependency_problems(root, package)
    return problems


# --- the tree as it is ---------------------------------------------------------------------


def test_every_package_exists() -> None:
    found = {p.name.removeprefix("mig-") for p in (ROOT / "packages").iterdir() if p.is_dir()}
    assert found == set(EDGES.packages)


def test_no_namespace_init_anywhere() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in ROOT.glob("packages/*/src/mig/__init__.py")]
    assert offenders == []


@pytest.mark.parametrize("package", PACKAGE_NAMES)
def test_imports_respect_edges(package: str) -> None:
    assert import_problems(ROOT, package) == []


@pytest.mark.parametrize("package", PACKAGE_NAMES)
def test_declared_dependencies_match_edges(package: str) -> None:
    assert dependency_problems(ROOT, package) == []


def _design_siblings(text: str) -> dict[str, set[str]]:
    """package -> the 'depends on (ours)' column of DESIGN.md's table."""
    table: dict[str, set[str]] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("mig-"):
            continue
        package, ours = cells[0].removeprefix("mig-"), cells[2]
        if ours == "none":
            table[package] = set()
        elif ours.startswith("all"):
            table[package] = {"all"}
        else:
            table[package] = {d.strip().removeprefix("mig-") for d in ours.split(",")}
    for package, deps in table.items():
        if deps == {"all"}:
            table[package] = set(table) - {package}
    return table


def test_declaration_agrees_with_the_design() -> None:
    if not DESIGN.is_file():
        pytest.skip(f"{DESIGN} is not next to this checkout")
    declared = {name: set(p.siblings) for name, p in EDGES.packages.items()}
    assert _design_siblings(DESIGN.read_text(encoding="utf-8")) == declared


def test_closures_follow_the_arrows() -> None:
    assert EDGES.closure("ops") == ["ops"]
    assert EDGES.closure("scripts") == ["scripts"]
    assert set(EDGES.closure("autogen")) == {"ops", "ddl", "runtime", "autogen"}
    cli = EDGES.closure("cli")
    assert cli[-1] == "cli" and set(cli) == set(EDGES.packages)
    assert cli.index("ops") < cli.index("ddl") < cli.index("runtime") < cli.index("autogen")
    assert EDGES.allowed_imports("cli") == {"click", "libcst", "sqlalchemy", "mako"}
    assert "markupsafe" in EDGES.distributions("cli")
    assert "markupsafe" not in EDGES.distributions("autogen")


def test_edge_checker_catches_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from mig import cli\nimport mig.scripts.directory\nfrom mig.ops import op\n")
    assert _imported_names(bad) == {"mig.cli", "mig.scripts.directory", "mig.ops"}


def test_relative_and_dynamic_imports_are_resolved(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from . import sibling\nfrom .. import ddl\nfrom ..runtime.context import x\n"
        "import importlib\nimportlib.import_module('mig.cli')\n__import__('mig.autogen')\n"
        "importlib.import_module(f'sqlalchemy.dialects.{name}')\n"
        "importlib.import_module(f'{computed}.x')\n"
    )
    assert _imported_names(bad, "mig.ops.bad") == {
        "mig.ops.sibling",
        "mig.ddl",
        "mig.runtime.context",
        "importlib",
        "mig.cli",
        "mig.autogen",
        "sqlalchemy.dialects",
    }


# --- the test of the test: each mistake, put into a copy of the tree, is caught ------------


def _append(path: str, text: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        target = root / path
        target.write_text(target.read_text(encoding="utf-8") + text, encoding="utf-8")

    return mutate


def _drop_dependency(package: str, prefix: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        pyproject = root / "packages" / f"mig-{package}" / "pyproject.toml"
        lines = pyproject.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if not line.strip().startswith(f'"{prefix}')]
        assert len(kept) == len(lines) - 1, f"no {prefix} dependency to drop"
        pyproject.write_text("".join(kept), encoding="utf-8")

    return mutate


MUTATIONS: dict[str, tuple[Callable[[Path], None], str]] = {
    # mig-scripts imports no other mig package; written relatively, the import is still one
    "relative-import-across-packages": (
        _append("packages/mig-scripts/src/mig/scripts/plan.py", "\nfrom ..ops import op\n"),
        "packages/mig-scripts/src/mig/scripts/plan.py: imports mig.ops",
    ),
    # mig-ops imports no sibling, not even one named only at run time
    "import-module-of-a-sibling": (
        _append(
            "packages/mig-ops/src/mig/ops/recorder.py",
            '\nimport importlib\n_impl = importlib.import_module("mig.ddl.impl")\n',
        ),
        "packages/mig-ops/src/mig/ops/recorder.py: imports mig.ddl.impl",
    ),
    # mig-ddl imports SQLAlchemy; it would still be installed through mig-ops, so nothing
    # else notices a pyproject that stops naming it
    "dependency-dropped-from-pyproject": (
        _drop_dependency("ddl", "SQLAlchemy"),
        "packages/mig-ddl/pyproject.toml: third-party requirements [], "
        "tools/edges.toml declares ['sqlalchemy']",
    ),
}


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    """packages/ and the edges declaration, copied: a tree the checks pass on."""
    root = tmp_path / "tree"
    shutil.copytree(
        ROOT / "packages",
        root / "packages",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist"),
    )
    (root / "tools").mkdir()
    shutil.copy2(ROOT / "tools" / "edges.toml", root / "tools" / "edges.toml")
    return root


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_each_mutation_of_the_tree_fails_the_edge_check(tree_copy: Path, mutation: str) -> None:
    assert tree_problems(tree_copy) == []  # the copy passes as it is
    mutate, expected = MUTATIONS[mutation]
    mutate(tree_copy)
    assert tree_problems(tree_copy) == [expected]
