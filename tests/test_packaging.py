"""What each of the six distributions tells the package index: license, Project-URLs,
classifiers (Python versions, ``Typing :: Typed``, ``Framework :: Pytest`` for mig-cli), a
``py.typed`` marker in its package, and a README whose links work on the index (no link
relative to this repository, which the index does not have). The isolated nox sessions
check the built wheels carry the same (tools/check_isolated.py)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["ops", "ddl", "scripts", "runtime", "autogen", "cli"]
PYTHONS = ["3.11", "3.12", "3.13"]


def _project(name: str) -> dict:
    return tomllib.loads((ROOT / "packages" / f"mig-{name}" / "pyproject.toml").read_text())[
        "project"
    ]


@pytest.mark.parametrize("name", PACKAGES)
def test_metadata_for_the_index(name: str) -> None:
    project = _project(name)
    assert project["license"] == "MIT"
    assert project["requires-python"] == ">=3.11"
    classifiers = project["classifiers"]
    for version in PYTHONS:
        assert f"Programming Language :: Python :: {version}" in classifiers
    assert "Typing :: Typed" in classifiers
    assert ("Framework :: Pytest" in classifiers) == (name == "cli")
    urls = project["urls"]
    assert set(urls) >= {"Homepage", "Documentation"}
    assert all(u.startswith("https://") for u in urls.values())
    assert urls["Documentation"] == f"https://pypi.org/project/mig-{name}/"


@pytest.mark.parametrize("name", PACKAGES)
def test_py_typed_ships_in_the_package(name: str) -> None:
    package = ROOT / "packages" / f"mig-{name}" / "src" / "mig" / name
    assert (package / "py.typed").is_file()
    wheel = tomllib.loads((package.parents[2] / "pyproject.toml").read_text())
    # the wheel takes the whole src/mig tree, so the marker goes with the code
    assert wheel["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["src/mig"]


@pytest.mark.parametrize("name", PACKAGES)
def test_readme_links_work_on_the_index(name: str) -> None:
    readme = (ROOT / "packages" / f"mig-{name}" / "README.md").read_text()
    targets = re.findall(r"\]\(([^)\s]+)\)", readme)
    relative = [t for t in targets if not t.startswith(("https://", "http://", "#"))]
    assert relative == [], f"mig-{name}'s README links into the repository: {relative}"


def test_no_readme_points_outside_the_repository() -> None:
    for readme in [ROOT / "README.md", *ROOT.glob("packages/*/README.md")]:
        assert "../shared/" not in readme.read_text(), readme
