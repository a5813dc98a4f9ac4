"""Every "which handler serves this class" lookup goes through mig.ops.dispatch."""

from __future__ import annotations

from pathlib import Path

PACKAGES = Path(__file__).resolve().parent.parent / "packages"


def test_only_the_dispatcher_walks_a_class_hierarchy() -> None:
    walks = {
        str(path.relative_to(PACKAGES)): path.read_text().count("__mro__")
        for path in sorted(PACKAGES.glob("*/src/**/*.py"))
    }
    walks = {path: n for path, n in walks.items() if n}
    assert list(walks) == ["mig-ops/src/mig/ops/dispatch.py"] and sum(walks.values()) <= 2
