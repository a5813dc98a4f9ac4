"""What each ``alembic...`` module name gives while the alias is on: a table, not code.

Every alias module maps attribute names to mig objects (``"module:attribute"``), may forward
every other attribute to one mig object (``op`` and ``context`` do: they are proxies in
mig as in Alembic), and may hold fixed values. The names are those migration scripts and
env.py files import; Alembic's internals (its dialect impls, its revision machinery, its
plugin hooks) are not here on purpose, and importing them is a one-line error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

#: the Alembic release whose behaviour mig is checked against; ``alembic.__version__``
ALEMBIC_VERSION = "1.20.1"


@dataclass(frozen=True)
class AliasModule:
    """One alias module: named attributes, an optional forward target, fixed values."""

    names: Mapping[str, str] = field(default_factory=dict)
    forward: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)


_OPS = "mig.ops"
_RUNTIME = "mig.runtime"
_AUTOGEN = "mig.autogen"

MODULES: Mapping[str, AliasModule] = MappingProxyType(
    {
        "alembic": AliasModule(values={"__version__": ALEMBIC_VERSION}),
        "alembic.op": AliasModule(forward="mig.ops:op"),
        "alembic.context": AliasModule(forward="mig.runtime:context"),
        "alembic.operations": AliasModule(
            names={
                "Operations": f"{_OPS}:Operations",
                "AbstractOperations": f"{_OPS}:Operations",
                "BatchOperations": f"{_OPS}:BatchOperations",
                "MigrateOperation": f"{_OPS}:MigrateOperation",
                "MigrationScript": f"{_OPS}:MigrationScript",
            }
        ),
        "alembic.operations.base": AliasModule(
            names={
                "Operations": f"{_OPS}:Operations",
                "AbstractOperations": f"{_OPS}:Operations",
                "BatchOperations": f"{_OPS}:BatchOperations",
            }
        ),
        # the directive classes: mig.ops declares them under Alembic's names
        "alembic.operations.ops": AliasModule(forward=_OPS),
        "alembic.runtime": AliasModule(),
        "alembic.runtime.environment": AliasModule(
            names={"EnvironmentContext": f"{_RUNTIME}:EnvironmentContext"}
        ),
        "alembic.runtime.migration": AliasModule(
            names={
                "MigrationContext": f"{_RUNTIME}:MigrationContext",
                "MigrationInfo": f"{_RUNTIME}:MigrationInfo",
            }
        ),
        "alembic.environment": AliasModule(
            names={"EnvironmentContext": f"{_RUNTIME}:EnvironmentContext"}
        ),
        "alembic.migration": AliasModule(
            names={"MigrationContext": f"{_RUNTIME}:MigrationContext"}
        ),
        "alembic.script": AliasModule(
            names={
                "ScriptDirectory": "mig.scripts:ScriptDirectory",
                "Script": "mig.scripts:Script",
            }
        ),
        "alembic.config": AliasModule(names={"Config": "mig.cli.config:AlembicConfig"}),
        "alembic.command": AliasModule(forward="mig.cli.command"),
        "alembic.ddl": AliasModule(names={"DefaultImpl": "mig.ddl:DefaultImpl"}),
        "alembic.ddl.impl": AliasModule(names={"DefaultImpl": "mig.ddl:DefaultImpl"}),
        "alembic.autogenerate": AliasModule(
            names={
                "compare_metadata": f"{_AUTOGEN}:compare_metadata",
                "produce_migrations": f"{_AUTOGEN}:produce_migrations",
                "render_python_code": f"{_AUTOGEN}:render_python_code",
                "comparators": f"{_AUTOGEN}:comparators",
                "renderers": f"{_AUTOGEN}:renderers",
                "Rewriter": f"{_AUTOGEN}:Rewriter",
            }
        ),
        "alembic.autogenerate.api": AliasModule(
            names={
                "compare_metadata": f"{_AUTOGEN}:compare_metadata",
                "produce_migrations": f"{_AUTOGEN}:produce_migrations",
                "render_python_code": f"{_AUTOGEN}:render_python_code",
                "AutogenContext": f"{_AUTOGEN}:AutogenContext",
            }
        ),
        "alembic.autogenerate.rewriter": AliasModule(names={"Rewriter": f"{_AUTOGEN}:Rewriter"}),
        "alembic.util": AliasModule(names={"CommandError": "mig.cli.errors:CommandError"}),
        "alembic.util.exc": AliasModule(names={"CommandError": "mig.cli.errors:CommandError"}),
    }
)


def resolve(target: str) -> Any:
    """``"package.module:attribute"`` (or a module alone) imported and looked up."""
    import importlib

    module_name, _, attribute = target.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module
