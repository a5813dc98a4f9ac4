"""Where each public Alembic module and object lives in mig.

One table, read by every conversion: an Alembic dotted path (``alembic.op``,
``alembic.config``, ``alembic.operations.ops``) maps to a mig module and, for the two
proxies scripts use, an object in it. A longer path (``alembic.config.Config``) resolves
through its longest known prefix, and the name after a module is checked by importing the
mig module: a name mig does not provide is reported, never guessed.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Target:
    """A mig module, or ``attr`` in it (``mig.ops`` / ``op``)."""

    module: str
    attr: str | None = None

    @property
    def dotted(self) -> str:
        return f"{self.module}.{self.attr}" if self.attr else self.module


_OPS = Target("mig.ops")
_RUNTIME = Target("mig.runtime")
_SCRIPTS = Target("mig.scripts")
_AUTOGEN = Target("mig.autogen")
_DDL = Target("mig.ddl")
_ERRORS = Target("mig.cli.errors")

#: Alembic dotted path -> its mig equivalent. The bare package ``alembic`` is not here: its
#: names (``op``, ``context``, ``command``...) are, one by one.
TARGETS: dict[str, Target] = {
    "alembic.op": Target("mig.ops", "op"),
    "alembic.context": Target("mig.runtime", "context"),
    "alembic.operations": _OPS,
    "alembic.operations.ops": _OPS,
    "alembic.operations.base": _OPS,
    "alembic.operations.batch": _OPS,
    "alembic.runtime": _RUNTIME,
    "alembic.runtime.environment": _RUNTIME,
    "alembic.runtime.migration": _RUNTIME,
    "alembic.environment": _RUNTIME,
    "alembic.migration": _RUNTIME,
    "alembic.config": Target("mig.cli.config"),
    "alembic.command": Target("mig.cli.command"),
    "alembic.script": _SCRIPTS,
    "alembic.script.base": _SCRIPTS,
    "alembic.script.revision": _SCRIPTS,
    "alembic.autogenerate": _AUTOGEN,
    "alembic.autogenerate.api": _AUTOGEN,
    "alembic.autogenerate.compare": _AUTOGEN,
    "alembic.autogenerate.render": _AUTOGEN,
    "alembic.autogenerate.rewriter": _AUTOGEN,
    "alembic.ddl": _DDL,
    "alembic.ddl.impl": _DDL,
    "alembic.ddl.base": _DDL,
    "alembic.ddl.sqlite": _DDL,
    "alembic.ddl.postgresql": _DDL,
    "alembic.ddl.mysql": _DDL,
    "alembic.ddl.mssql": _DDL,
    "alembic.ddl.oracle": _DDL,
    "alembic.util": _ERRORS,
    "alembic.util.exc": _ERRORS,
}

ROOT = "alembic"


def is_alembic(dotted: str) -> bool:
    return dotted == ROOT or dotted.startswith(ROOT + ".")


@dataclass(frozen=True)
class Resolved:
    """What an Alembic path becomes: ``target`` then the ``rest`` of the attribute chain."""

    target: Target
    rest: tuple[str, ...]

    @property
    def dotted(self) -> str:
        return ".".join((self.target.dotted, *self.rest))


class Unmapped(Exception):
    """An Alembic path mig has no equivalent for; the message says why."""


def resolve(dotted: str) -> Resolved:
    """The mig equivalent of an Alembic path, or :class:`Unmapped`.

    ``alembic.config.Config`` -> ``mig.cli.config`` + ``Config`` (checked to exist);
    ``alembic.op.add_column`` -> ``mig.ops.op`` + ``add_column`` (the proxy's names are
    not checked: operations are registered at run time).
    """
    parts = dotted.split(".")
    for end in range(len(parts), 1, -1):
        target = TARGETS.get(".".join(parts[:end]))
        if target is None:
            continue
        rest = tuple(parts[end:])
        if target.attr is None and rest and not _provides(target.module, rest[0]):
            raise Unmapped(f"{'.'.join(parts[: end + 1])}: {target.module} has no {rest[0]}")
        return Resolved(target, rest)
    raise Unmapped(f"{dotted}: mig has no equivalent")


@cache
def _provides(module: str, name: str) -> bool:
    """Whether ``from module import name`` works (an attribute or a submodule)."""
    mod = importlib.import_module(module)
    if hasattr(mod, name):
        return True
    try:
        importlib.import_module(f"{module}.{name}")
    except ImportError:
        return False
    return not name.startswith("_")
