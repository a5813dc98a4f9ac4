"""The import alias: ``alembic...`` names served from mig while a command runs.

A meta-path finder, first on ``sys.meta_path`` while :func:`alembic_alias` is entered,
answers every ``alembic`` and ``alembic.*`` import: a name in :data:`names.MODULES`
becomes a small module whose attributes are mig's objects (looked up on first use), any
other name is an :class:`AlembicCompatError` naming the importing file. When the block
ends the finder and every module it made leave the process, so ``import alembic`` fails
afterwards as it did before.

The finder goes first because an Alembic project usually has a folder named ``alembic``
(the script location) in a directory on ``sys.path`` (``prepend_sys_path = .``): the path
finder would import that folder as an empty namespace package. A real Alembic installed
in the environment is left alone: the alias is not installed at all then.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from mig.cli.alembic_compat.errors import uncovered
from mig.cli.alembic_compat.names import MODULES, resolve

ROOT = "alembic"
_MARK = "__mig_alias__"


def _is_alembic_name(fullname: str) -> bool:
    return fullname == ROOT or fullname.startswith(ROOT + ".")


class _Alias(ModuleType):
    """An alias module: each attribute resolved from the table on first use."""

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        name = self.__name__
        entry = MODULES[name]
        if attr in entry.names:
            value = resolve(entry.names[attr])
            setattr(self, attr, value)  # looked up once
            return value
        if f"{name}.{attr}" in MODULES:  # ``import alembic; alembic.op.add_column(...)``
            return importlib.import_module(f"{name}.{attr}")
        if entry.forward is not None:
            return getattr(resolve(entry.forward), attr)
        raise AttributeError(
            f"module {name!r} (mig's Alembic compatibility) has no attribute {attr!r}"
        )

    def __dir__(self) -> list[str]:
        entry = MODULES[self.__name__]
        return sorted({*super().__dir__(), *entry.names, *entry.values})


class AliasFinder:
    """Finds and loads the alias modules (a meta-path finder and its loader)."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not _is_alembic_name(fullname):
            return None
        if fullname not in MODULES:
            raise uncovered(fullname)
        # every alias is a package (an empty __path__), so ``from alembic.x import Name``
        # with a Name mig lacks is tried as a submodule and fails here, with the message
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return _Alias(spec.name, f"mig's stand-in for {spec.name} (mig.cli.alembic_compat)")

    def exec_module(self, module: ModuleType) -> None:
        module.__dict__.update(MODULES[module.__name__].values)
        setattr(module, _MARK, True)


def real_alembic_importable() -> bool:
    """Whether an installed Alembic (not a folder named ``alembic``) would be imported."""
    loaded = sys.modules.get(ROOT)
    if loaded is not None:
        return not getattr(loaded, _MARK, False) and getattr(loaded, "__file__", None) is not None
    try:
        spec = importlib.util.find_spec(ROOT)
    except (ImportError, ValueError):
        return False
    return spec is not None and spec.origin is not None


_lock = threading.RLock()
_depth = 0
_finder: AliasFinder | None = None
_shadowed: dict[str, ModuleType] = {}


def _install() -> AliasFinder:
    finder = AliasFinder()
    for name in [n for n in sys.modules if _is_alembic_name(n)]:
        _shadowed[name] = sys.modules.pop(name)  # a namespace package of the project folder
    sys.meta_path.insert(0, finder)
    return finder


def _uninstall(finder: AliasFinder) -> None:
    if finder in sys.meta_path:
        sys.meta_path.remove(finder)
    for name in [n for n in sys.modules if _is_alembic_name(n)]:
        if getattr(sys.modules[name], _MARK, False):
            del sys.modules[name]
    sys.modules.update(_shadowed)
    _shadowed.clear()


@contextmanager
def alembic_alias() -> Iterator[bool]:
    """Serve ``alembic`` imports from mig for the block; yields whether the alias is on.

    Re-entrant and shared by threads (the first block in installs it, the last one out
    removes it). Off, for the whole block, when a real Alembic is importable.
    """
    global _depth, _finder
    with _lock:
        if _depth == 0 and not real_alembic_importable():
            _finder = _install()
        _depth += 1
        active = _finder is not None
    try:
        yield active
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _finder is not None:
                _uninstall(_finder)
                _finder = None
