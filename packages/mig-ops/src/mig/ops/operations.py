"""The ``Operations`` facade: ``op.add_column(...)`` and the rest of the op API.

Each method builds a directive and hands it to :meth:`Operations.invoke`, which looks up the
executor registered for the directive's class (mig-ddl registers the built-in ones; a
recorder collects instead). The methods are declared here, with the argument names
Alembic users type from memory, so editors and type checkers see every one of them; each
declaration also gives the op's ``batch_op`` form (see :mod:`mig.ops.signatures`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from sqlalchemy.sql.elements import BindParameter, ClauseElement, conv
from sqlalchemy.sql.schema import Column, SchemaItem, Table
from sqlalchemy.sql.selectable import TableClause
from sqlalchemy.sql.type_api import TypeEngine

from mig.ops import dispatch, literals
from mig.ops.backfill_ops import DEFAULT_BATCH_SIZE, BackfillOp
from mig.ops.base import MigrateOperation
from mig.ops.column_ops import AddColumnOp, AlterColumnOp, DropColumnOp
from mig.ops.constraint_ops import (
    CreateCheckConstraintOp,
    CreateExcludeConstraintOp,
    CreateForeignKeyOp,
    CreatePrimaryKeyOp,
    CreateUniqueConstraintOp,
    DropConstraintOp,
)
from mig.ops.data_ops import BulkInsertOp, ExecuteSQLOp
from mig.ops.dispatch import Dispatcher
from mig.ops.errors import NoDatabaseError, NoImplementationError
from mig.ops.index_ops import CreateIndexOp, DropIndexOp
from mig.ops.proxy import _active
from mig.ops.signatures import op_method
from mig.ops.table_ops import (
    CreateTableCommentOp,
    CreateTableOp,
    DropTableCommentOp,
    DropTableOp,
    RenameTableOp,
)
from mig.ops.type_operations import TypeOperations

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from mig.ops.batch import BatchOperations

_T = TypeVar("_T")
_Op = TypeVar("_Op", bound=type[MigrateOperation])
Implementation = Callable[["Operations", Any], Any]

# Directive class -> executor. One registry for Operations and BatchOperations alike.
_IMPLEMENTATIONS: Dispatcher[Implementation] = Dispatcher("executor")

# op.alter_column's argument -> AlterColumnOp's parameter.
_ALTER_COLUMN_NAMES = {
    "nullable": "modify_nullable",
    "comment": "modify_comment",
    "server_default": "modify_server_default",
    "new_column_name": "modify_name",
    "type_": "modify_type",
}


class Operations(TypeOperations):
    """The op API bound to one migration context.

    ``migration_context`` is whatever runs the migration (mig-runtime's MigrationContext):
    it is handed back by :meth:`get_context`, and executors reach the database through it.
    mig.ops itself never touches it, so this class works with no database at all.
    """

    _implementations: ClassVar[Mapping[type, Implementation]] = _IMPLEMENTATIONS

    def __init__(self, migration_context: Any = None) -> None:
        self.migration_context = migration_context

    # -- activation and dispatch ---------------------------------------------------------

    @contextmanager
    def activate(self) -> Iterator[Operations]:
        """Make this the Operations that ``mig.ops.op`` forwards to, in this thread/task."""
        token = _active.set(self)
        try:
            yield self
        finally:
            _active.reset(token)

    @classmethod
    @contextmanager
    def context(cls, migration_context: Any) -> Iterator[Operations]:
        """``with Operations.context(ctx): ...`` builds an Operations and activates it."""
        with cls(migration_context).activate() as ops:
            yield ops

    def invoke(self, operation: MigrateOperation) -> Any:
        """Run a directive through the executor registered for its class (or a base)."""
        impl = dispatch.find(self._implementations, operation)
        if impl is not None:
            return impl(self, operation)
        name = type(operation).__name__
        raise NoImplementationError(
            f"no implementation for {operation.op_name or name}: install mig-ddl, or register "
            f"one with Operations.implementation_for({name})"
        )

    @classmethod
    def implementation_for(
        cls, op_cls: type[MigrateOperation]
    ) -> Callable[[Implementation], Implementation]:
        """Register ``fn(operations, operation)`` as the executor of ``op_cls``."""

        def register(fn: Implementation) -> Implementation:
            cls._implementations[op_cls] = fn
            return fn

        return register

    @classmethod
    def register_operation(cls, name: str, sourcename: str | None = None) -> Callable[[_Op], _Op]:
        """Add ``op.<name>(...)`` for a directive class.

        The class provides a classmethod ``<sourcename or name>(operations, *args, **kw)``
        that builds the directive and returns ``operations.invoke(directive)``.
        """

        def register(op_cls: _Op) -> _Op:
            source = getattr(op_cls, sourcename or name)

            def method(self: Operations, *args: Any, **kw: Any) -> Any:
                return source(self, *args, **kw)

            method.__name__ = name
            method.__qualname__ = f"{cls.__name__}.{name}"
            method.__doc__ = source.__doc__
            setattr(cls, name, method)
            if not getattr(op_cls, "op_name", ""):
                op_cls.op_name = name
            return op_cls

        return register

    # -- context access ------------------------------------------------------------------

    def get_context(self) -> Any:
        """The MigrationContext this op API is bound to."""
        return self.migration_context

    @property
    def impl(self) -> Any:
        """The DDL implementation of the bound context (None when it has none, e.g. recording).

        Scripts written for Alembic read ``op.impl`` (``op.impl.dialect``,
        ``op.impl.static_output(...)``); it is the context's, never one of this package's.
        """
        return getattr(self.migration_context, "impl", None)

    def get_bind(self) -> Connection:
        """The database connection of the running migration.

        Offline (``--sql``) mig-runtime hands out a connection that writes the statements
        run through it to the SQL output and refuses to return rows.
        """
        bind = getattr(self.migration_context, "bind", None)
        if bind is None:
            raise NoDatabaseError(
                "op.get_bind(): this migration has no database connection "
                "(it is being recorded, or run offline with --sql)"
            )
        return bind

    def run_async(
        self, async_function: Callable[..., Awaitable[_T]], *args: Any, **kw_args: Any
    ) -> _T:
        """Call ``async_function(async_connection, *args, **kw)`` from a sync migration.

        Works when env.py runs the migration inside ``AsyncConnection.run_sync``, as the
        async template does: the sync connection is turned back into its AsyncConnection
        and the coroutine is awaited on the running event loop.
        """
        if getattr(self.migration_context, "as_sql", False):
            raise NoDatabaseError(
                "op.get_bind(): op.run_async() needs a database connection, which offline "
                "(--sql) mode does not have"
            )
        bind = self.get_bind()
        if not bind.dialect.is_async:
            raise NoDatabaseError(
                "op.run_async(): the connection uses the synchronous driver "
                f"{bind.dialect.driver!r}; "
                "use an async engine and connection.run_sync in env.py"
            )
        from sqlalchemy.ext.asyncio import AsyncConnection
        from sqlalchemy.util import await_only

        async_conn = AsyncConnection._retrieve_proxy_for_target(bind)
        if async_conn is None:
            raise NoDatabaseError(
                "op.run_async(): the connection was not opened through an AsyncConnection"
            )
        return await_only(async_function(async_conn, *args, **kw_args))

    @staticmethod
    def inline_literal(
        value: str | int | Any, type_: TypeEngine | type[TypeEngine] | None = None
    ) -> BindParameter:
        """A value rendered inline in the SQL (see :func:`mig.ops.literals.inline_literal`)."""
        return literals.inline_literal(value, type_)

    @staticmethod
    def f(name: str) -> conv:
        """Mark a constraint name as final, so a naming convention does not rewrite it."""
        return literals.f(name)

    # -- batch -----------------------------------------------------------------------------

    @contextmanager
    def batch_alter_table(
        self,
        table_name: str,
        schema: str | None = None,
        recreate: str = "auto",
        partial_reordering: Sequence[Sequence[str]] | None = None,
        copy_from: Table | None = None,
        table_args: Sequence[SchemaItem] = (),
        table_kwargs: Mapping[str, Any] | None = None,
        reflect_args: Sequence[SchemaItem] = (),
        reflect_kwargs: Mapping[str, Any] | None = None,
        naming_convention: Mapping[str, Any] | None = None,
    ) -> Iterator[BatchOperations]:
        """Collect changes to one table and apply them together when the block ends.

        On SQLite (or with ``recreate="always"``) the table is rebuilt once with every
        change: create the new table, copy the rows, drop the old one, rename. If the block
        raises, nothing is applied.
        """
        from mig.ops.batch import BatchOperations
        from mig.ops.containers import BatchAlterTableOp

        batch = BatchAlterTableOp(
            table_name,
            schema=schema,
            recreate=recreate,
            partial_reordering=partial_reordering,
            copy_from=copy_from,
            table_args=table_args,
            table_kwargs=table_kwargs,
            reflect_args=reflect_args,
            reflect_kwargs=reflect_kwargs,
            naming_convention=naming_convention,
        )
        yield BatchOperations(self, batch)
        self.invoke(batch)

    # -- the op API ----------------------------------------------------------------------
    # Each op is declared once, here: its signature and docstring. ``op_method`` builds the
    # directive from the arguments and invokes it, and derives the ``batch_op`` form from
    # the names listed in ``batch`` (see mig.ops.signatures).

    @op_method(AddColumnOp, batch=("column", "*", "insert_before", "insert_after", "if_not_exists"))
    def add_column(
        self,
        table_name: str,
        column: Column,
        *,
        schema: str | None = None,
        if_not_exists: bool | None = None,
    ) -> None:
        """Add ``column`` to ``table_name`` (``ALTER TABLE ... ADD COLUMN``).

        In a batch block, ``insert_before``/``insert_after`` place it when the table is
        rebuilt.
        """

    @op_method(
        AlterColumnOp,
        rename=_ALTER_COLUMN_NAMES,
        batch=(
            "column_name",
            "*",
            "nullable",
            "comment",
            "server_default",
            "new_column_name",
            "type_",
            "existing_type",
            "existing_server_default",
            "existing_nullable",
            "existing_comment",
            "insert_before",
            "insert_after",
            "**kw",
        ),
    )
    def alter_column(
        self,
        table_name: str,
        column_name: str,
        *,
        nullable: bool | None = None,
        comment: str | bool | None = False,
        server_default: Any = False,
        new_column_name: str | None = None,
        type_: TypeEngine | type[TypeEngine] | None = None,
        existing_type: TypeEngine | type[TypeEngine] | None = None,
        existing_server_default: Any = False,
        existing_nullable: bool | None = None,
        existing_comment: str | None = None,
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        """Change a column's type, nullability, server default, comment or name.

        ``server_default=None`` / ``comment=None`` remove them; ``False`` (the default)
        leaves them alone. ``existing_*`` describe the column as it is now: MySQL needs
        them to restate the column, and reversing the directive needs them.
        """

    @op_method(BackfillOp, table="table_name")
    def backfill(
        self,
        table_name: str | Table | TableClause,
        values: Mapping[str, Any],
        where: str | ClauseElement | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        *,
        schema: str | None = None,
        primary_key: Sequence[str] | None = None,
    ) -> None:
        """Update ``values`` (column -> literal or SQL) in primary-key batches of ``batch_size``.

        Each batch commits on its own and the progress is recorded with it, so a run that
        dies part way resumes after the last committed batch (mig-runtime's README).
        """

    @op_method(BulkInsertOp)
    def bulk_insert(
        self,
        table: Table | TableClause,
        rows: Sequence[Mapping[str, Any]],
        *,
        multiinsert: bool = True,
    ) -> None:
        """Insert ``rows`` (dicts keyed by column name) into ``table``."""

    @op_method(CreateCheckConstraintOp, batch=("constraint_name", "condition", "**kw"))
    def create_check_constraint(
        self,
        constraint_name: str | None,
        table_name: str,
        condition: str | ClauseElement,
        *,
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        """Add ``CHECK (condition)`` to a table."""

    @op_method(CreateExcludeConstraintOp, batch=("constraint_name", "*elements", "**kw"))
    def create_exclude_constraint(
        self, constraint_name: str | None, table_name: str, *elements: tuple[Any, str], **kw: Any
    ) -> None:
        """PostgreSQL: add ``EXCLUDE USING ... (expr WITH operator, ...)``."""

    @op_method(
        CreateForeignKeyOp,
        table="source_table",
        schema="source_schema",
        batch=(
            "constraint_name",
            "referent_table",
            "local_cols",
            "remote_cols",
            "*",
            "referent_schema",
            "onupdate",
            "ondelete",
            "deferrable",
            "initially",
            "match",
            "**dialect_kw",
        ),
    )
    def create_foreign_key(
        self,
        constraint_name: str | None,
        source_table: str,
        referent_table: str,
        local_cols: list[str],
        remote_cols: list[str],
        *,
        onupdate: str | None = None,
        ondelete: str | None = None,
        deferrable: bool | None = None,
        initially: str | None = None,
        match: str | None = None,
        source_schema: str | None = None,
        referent_schema: str | None = None,
        **dialect_kw: Any,
    ) -> None:
        """Add a foreign key from ``source_table(local_cols)`` to ``referent_table``."""

    @op_method(CreateIndexOp, batch=("index_name", "columns", "**kw"))
    def create_index(
        self,
        index_name: str | None,
        table_name: str,
        columns: Sequence[str | ClauseElement],
        *,
        schema: str | None = None,
        unique: bool = False,
        if_not_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        """Create an index; ``columns`` may hold SQL expressions for a functional index."""

    @op_method(CreatePrimaryKeyOp, batch=("constraint_name", "columns"))
    def create_primary_key(
        self,
        constraint_name: str | None,
        table_name: str,
        columns: list[str],
        *,
        schema: str | None = None,
    ) -> None:
        """Add a primary key on ``columns``."""

    @op_method(CreateTableOp, result=lambda directive, invoked: directive.table)
    def create_table(
        self, table_name: str, *columns: SchemaItem, if_not_exists: bool | None = None, **kw: Any
    ) -> Table:
        """Create a table from Columns, constraints and indexes; returns the ``Table``.

        Keyword arguments go to ``sqlalchemy.Table``: ``schema``, ``comment``, and dialect
        options such as ``mysql_engine``. The returned Table is handy for ``bulk_insert``.
        """

    @op_method(CreateTableCommentOp, batch=("comment", "*", "existing_comment"))
    def create_table_comment(
        self,
        table_name: str,
        comment: str,
        *,
        existing_comment: str | None = None,
        schema: str | None = None,
    ) -> None:
        """Set a table's comment."""

    @op_method(CreateUniqueConstraintOp, batch=("constraint_name", "columns", "**kw"))
    def create_unique_constraint(
        self,
        constraint_name: str | None,
        table_name: str,
        columns: Sequence[str],
        *,
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        """Add a unique constraint on ``columns``."""

    @op_method(DropColumnOp, batch=("column_name", "**kw"))
    def drop_column(
        self,
        table_name: str,
        column_name: str,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        """Drop a column (SQL Server: ``mssql_drop_default=True`` etc. drop what hangs on it)."""

    @op_method(DropConstraintOp, batch=("constraint_name", "type_"))
    def drop_constraint(
        self,
        constraint_name: str,
        table_name: str,
        type_: str | None = None,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
    ) -> None:
        """Drop a named constraint; ``type_`` is "foreignkey", "primary", "unique" or "check"."""

    @op_method(DropIndexOp, batch=("index_name", "**kw"))
    def drop_index(
        self,
        index_name: str,
        table_name: str | None = None,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        """Drop an index (MySQL and SQL Server need ``table_name``)."""

    @op_method(DropTableOp)
    def drop_table(
        self,
        table_name: str,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        """Drop a table."""

    @op_method(DropTableCommentOp, batch=("*", "existing_comment"))
    def drop_table_comment(
        self, table_name: str, *, existing_comment: str | None = None, schema: str | None = None
    ) -> None:
        """Remove a table's comment."""

    @op_method(ExecuteSQLOp, table=None, schema=None, batch=("sqltext", "*", "execution_options"))
    def execute(
        self, sqltext: str | ClauseElement, *, execution_options: Mapping[str, Any] | None = None
    ) -> None:
        """Run SQL the op API has no directive for (a string or a SQLAlchemy statement).

        In a batch block it runs in order with the block's other changes.
        """

    @op_method(RenameTableOp)
    def rename_table(
        self, old_table_name: str, new_table_name: str, *, schema: str | None = None
    ) -> None:
        """Rename a table."""
