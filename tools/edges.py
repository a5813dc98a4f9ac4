"""The package edges of tools/edges.toml as Python values, for the three things that need them.

The edge test, the nox sessions and the isolated-install check each used to spell the edges
out; now they all read the one declaration through :func:`load`. Standard library only:
tools/check_isolated.py imports this inside a fresh virtual environment that holds nothing
but the package under test.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

DECLARATION = Path(__file__).with_name("edges.toml")


def normalise(distribution: str) -> str:
    """A distribution name as package indexes compare them (``PyYAML`` == ``pyyaml``)."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


@dataclass(frozen=True)
class Package:
    """One distribution's entry: ``mig-<name>``, imported as ``mig.<name>``."""

    name: str
    siblings: frozenset[str]
    requires: frozenset[str]
    brings: frozenset[str]
    plugins: dict[str, frozenset[str]]


@dataclass(frozen=True)
class Edges:
    packages: dict[str, Package]
    #: normalised distribution name -> its top-level import name
    modules: dict[str, str]

    def closure(self, name: str) -> list[str]:
        """``name`` and every sibling it reaches, each after the siblings it needs."""
        out: list[str] = []

        def visit(package: str) -> None:
            if package in out:
                return
            for sibling in sorted(self.packages[package].siblings):
                visit(sibling)
            out.append(package)

        visit(name)
        return out

    def allowed_imports(self, name: str) -> set[str]:
        """Third-party top-level modules ``mig.<name>`` may import: those of its own
        requirements and of every sibling it reaches."""
        return {
            self.modules[dist]
            for package in self.closure(name)
            for dist in self.packages[package].requires
        }

    def distributions(self, name: str) -> set[str]:
        """Normalised third-party distributions an install of ``mig-<name>`` may hold."""
        found: set[str] = set()
        for package in self.closure(name):
            found |= self.packages[package].requires | self.packages[package].brings
        return found


def load(path: Path = DECLARATION) -> Edges:
    """Read the declaration; a sibling or requirement it does not define is a one-line error."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    modules = {normalise(dist): module for dist, module in data.get("modules", {}).items()}
    packages: dict[str, Package] = {}
    for name, entry in data["packages"].items():
        packages[name] = Package(
            name=name,
            siblings=frozenset(entry.get("siblings", ())),
            requires=frozenset(normalise(d) for d in entry.get("requires", ())),
            brings=frozenset(normalise(d) for d in entry.get("brings", ())),
            plugins={f: frozenset(tools) for f, tools in entry.get("plugins", {}).items()},
        )
    for package in packages.values():
        unknown = sorted(package.siblings - set(packages))
        if unknown:
            raise ValueError(f"{path}: mig-{package.name} names unknown siblings {unknown}")
        unmapped = sorted(package.requires - set(modules))
        if unmapped:
            raise ValueError(f"{path}: mig-{package.name} requires {unmapped}, not in [modules]")
    return Edges(packages, modules)
