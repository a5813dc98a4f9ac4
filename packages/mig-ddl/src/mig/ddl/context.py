"""Choosing an Impl, and running directives without mig-runtime.

``get_impl`` is what mig-runtime calls. ``ImplContext`` is the smallest migration context
an ``Operations`` can be bound to, and ``to_sql`` renders directives offline: together they
let tests and ops-only tools go from directives to SQL without the rest of mig.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

from mig import ops
from mig.ddl.impl import DefaultImpl
from mig.ddl.options import DDLOptions, unknown_option
from mig.ddl.registry import dialect_key, impl_class_for


def offline_dialect(name: str) -> Dialect:
    """A dialect instance for rendering SQL text, from a name (``"postgresql"``).

    Named parameters keep percent signs single in the text (no ``%%`` doubling).
    """
    return sa.engine.make_url(f"{name}://").get_dialect()(paramstyle="named")


def get_impl(
    dialect: Dialect | str,
    connection: Connection | None = None,
    *,
    as_sql: bool = False,
    output_buffer: IO[str] | None = None,
    literal_binds: bool = False,
    context_opts: Mapping[str, Any] | None = None,
    options: DDLOptions | None = None,
) -> DefaultImpl:
    """The Impl registered for ``dialect`` (``DefaultImpl`` for a dialect nobody registered).

    ``options`` are the DDL options mig-runtime built from ``configure()``; without them
    they are read from ``context_opts`` (keywords, as tools and tests pass them).
    """
    if isinstance(dialect, str):
        dialect = offline_dialect(dialect)
    cls = impl_class_for(dialect_key(dialect))
    return cls(
        dialect,
        connection,
        as_sql=as_sql,
        output_buffer=output_buffer,
        literal_binds=literal_binds,
        context_opts=context_opts,
        options=options,
    )


class ImplContext:
    """A minimal migration context: ``Operations(ImplContext(impl))`` runs directives on it."""

    def __init__(self, impl: DefaultImpl, opts: Mapping[str, Any] | None = None) -> None:
        self.impl = impl
        self.opts = dict(opts if opts is not None else impl.context_opts)

    @property
    def bind(self) -> Connection | None:
        return self.impl.connection

    @property
    def dialect(self) -> Dialect:
        return self.impl.dialect

    @property
    def as_sql(self) -> bool:
        return self.impl.as_sql

    def __repr__(self) -> str:
        return f"ImplContext({self.impl!r})"


def run_directives(impl: DefaultImpl, directives: Iterable[ops.MigrateOperation]) -> None:
    """Invoke directives through ``Operations`` bound to ``impl`` (custom executors apply)."""
    operations = ops.Operations(ImplContext(impl))
    for directive in directives:
        operations.invoke(directive)


def to_sql(
    directives: ops.MigrateOperation | Iterable[ops.MigrateOperation],
    dialect: Dialect | str,
    **opts: Any,
) -> list[str]:
    """Render directives offline for a dialect, as a list of statements without terminators.

    ``opts`` are DDL options (``sqlite_autobatch=False``, ...: see :class:`DDLOptions`);
    an unknown one is an error naming the closest.
    """
    if isinstance(directives, ops.MigrateOperation):
        directives = [directives]
    unknown_option(opts, DDLOptions.names(), "to_sql()")
    impl = get_impl(dialect, as_sql=True, output_buffer=io.StringIO(), context_opts=opts)
    run_directives(impl, directives)
    return impl.statements
