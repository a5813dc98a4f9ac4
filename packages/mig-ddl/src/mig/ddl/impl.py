"""``DefaultImpl``: how one directive becomes SQL, online or offline.

An Impl is bound to one dialect and either a connection (online: statements are executed)
or an output buffer (offline, ``as_sql=True``: statements are written as text with literal
values and terminators). One method per directive family takes the directive itself.
Dialect modules subclass it with ``__dialect__ = "name"`` and override what differs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import IO, Any, ClassVar, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect, Transaction
from sqlalchemy.sql import ddl as sa_ddl
from sqlalchemy.sql.elements import BindParameter, ClauseElement

from mig import ops
from mig.ddl import elements, type_checks
from mig.ddl.constraint_builders import (  # noqa: F401  (constraint_builder: public here too)
    _CONSTRAINT_BUILDERS,
    constraint_builder,
)
from mig.ddl.enum_types import ENUM_TYPE_METHODS, EnumTypeMethods
from mig.ddl.errors import UnsupportedOperationError
from mig.ddl.identity import IDENTITY_METHODS, IdentityMethods
from mig.ddl.impl_compare import CompareMethods
from mig.ddl.options import DDLOptions
from mig.ddl.plain_column import (  # noqa: F401  (public here too: dialect modules, tests)
    PLAIN_COLUMN_HOOKS,
    _plain_hooks,
    is_plain_column,
    plain_column_hook,
)
from mig.ddl.registry import _add
from mig.ddl.schema_map import catalog_schema
from mig.ops import dispatch

_SIMPLE_NAME = re.compile(r"^\w+$")


def _nothing() -> None:
    """What undoes a transaction set-up that needed nothing."""


class DirectDDL(Protocol):
    """A way to send compiled DDL to the driver without SQLAlchemy's ``Connection.execute``.

    The runtime installs one as :attr:`DefaultImpl.direct_ddl` while it pipelines a run's
    DDL (mig-runtime's ``pipeline.py``): a statement that nobody else watches then costs
    its compile and the driver's send, not SQLAlchemy's whole execution context (about
    100 us of client CPU a statement, most of a small step's time). ``ready`` says whether
    the next statement may go that way now; where it may not, the Impl executes as usual.
    """

    def ready(self) -> bool: ...

    def send(self, statement: str) -> None: ...


class DefaultImpl(EnumTypeMethods, IdentityMethods, CompareMethods):
    """The SQL-standard behaviour; also what an unknown (third-party) dialect gets."""

    __dialect__: ClassVar[str] = "default"
    transactional_ddl: ClassVar[bool] = False
    command_terminator: ClassVar[str] = ";"
    batch_separator: ClassVar[str | None] = None
    begin_text: ClassVar[str] = "BEGIN"
    batch_inline_constraints: ClassVar[frozenset[str]] = frozenset({"check"})
    """Constraint kinds a table rebuild declares in CREATE TABLE; the others are added
    after the old table is gone, since their names are unique beyond the table here."""
    supports_column_if_exists: ClassVar[bool] = True
    """Whether ``ADD COLUMN IF NOT EXISTS`` / ``DROP COLUMN IF EXISTS`` are SQL here; where
    not, online mode checks the catalog instead and offline mode refuses."""
    commit_text: ClassVar[str] = "COMMIT"
    detached_column_ddl: ClassVar[bool] = False
    """Whether the dialect's compiler renders a plain column's specification without its
    Table (SQL Server's refuses; an unknown dialect might). Where it does, ``add_column``
    skips the stub Table for a plain column (:func:`is_plain_column`)."""
    alter_type_first: ClassVar[bool] = False
    """Whether ``alter_column`` changes the type before nullability and default (PostgreSQL,
    as Alembic orders it there: a new default, ``server_default="1"`` with ``type_=Integer``,
    must fit the new type, not the old)."""
    inline_add_column_checks: ClassVar[bool] = False
    """Whether ``ADD COLUMN`` declares the column's CHECK constraints inline (SQLite, which
    has no ``ADD CONSTRAINT``); elsewhere they follow as ``ALTER TABLE ... ADD CONSTRAINT``."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("__dialect__")
        if name:
            _add(name, cls)

    def __init__(
        self,
        dialect: Dialect,
        connection: Connection | None = None,
        *,
        as_sql: bool = False,
        output_buffer: IO[str] | None = None,
        literal_binds: bool = False,
        context_opts: Mapping[str, Any] | None = None,
        options: DDLOptions | None = None,
    ) -> None:
        self.dialect = dialect
        self.connection = connection
        self.as_sql = as_sql
        self.output_buffer = output_buffer
        if options is None:  # built from keywords here when no runtime built them
            options = DDLOptions.from_keywords(context_opts or {})
        self.options = options
        separator = options.batch_separator_for(dialect.name)
        if separator is not None:
            self.batch_separator = separator
        self.literal_binds = literal_binds or options.literal_binds or as_sql
        self.context_opts: Mapping[str, Any] = MappingProxyType(
            dict(context_opts) if context_opts is not None else options.as_keywords()
        )
        """The keywords the Impl was configured with, read-only (Alembic's name)."""
        if options.transactional_ddl is not None:  # None: the dialect's own
            self.transactional_ddl = options.transactional_ddl
        self.statements: list[str] = []
        """Offline: every statement written, without terminator (what ``to_sql`` returns)."""
        self.direct_ddl: DirectDDL | None = None
        """Online: where DDL may go without SQLAlchemy's execute (set by the runtime)."""
        self.rendering_map: Mapping[str | None, str | None] | None = None
        """Offline: a ``schema_translate_map`` to write names with (an online run's plan
        rendered as text, see ``online.statements_as_written``)."""

    @property
    def dialect_name(self) -> str:
        return self.dialect.name

    def __repr__(self) -> str:
        mode = "offline" if self.as_sql else "online"
        return f"<{type(self).__name__} {self.dialect_name} {mode}>"

    # -- dispatch -------------------------------------------------------------------------

    def run(self, operation: ops.MigrateOperation) -> Any:
        """Carry out one directive with the method registered for its class (or a base)."""
        method = dispatch.find(DIRECTIVE_METHODS, operation)
        if method is not None:
            return getattr(self, method)(operation)
        raise UnsupportedOperationError(
            operation.op_name or type(operation).__name__,
            self.dialect_name,
            "register its method in mig.ddl.impl.DIRECTIVE_METHODS",
            "mig.ddl has no method for this directive",
        )

    # -- output ---------------------------------------------------------------------------

    def static_output(self, text: str) -> None:
        """Write text as is to the offline output (comments, BEGIN/COMMIT)."""
        if self.output_buffer is not None:
            self.output_buffer.write(text + "\n\n")
            flush = getattr(self.output_buffer, "flush", None)
            if flush is not None:
                flush()

    def emit_begin(self) -> None:
        """Offline: open a transaction in the script."""
        self._write_statement(self.begin_text)

    def emit_commit(self) -> None:
        """Offline: commit the script's transaction."""
        self._write_statement(self.commit_text)

    def begin_transaction(self, connection: Connection) -> tuple[Transaction, Callable[[], None]]:
        """Online: begin a transaction on ``connection`` that really covers DDL.

        Returns the transaction and what undoes any set-up the dialect needed for it (the
        runtime calls that once the transaction has ended). Most drivers need none; a
        dialect whose driver begins transactions only before DML overrides this (SQLite).
        """
        return connection.begin(), _nothing

    def render(self, construct: str | ClauseElement) -> str:
        """A construct as the SQL text offline mode writes (no terminator)."""
        if isinstance(construct, str):
            return construct.strip()
        translate = self.schema_translate_map()
        kw: dict[str, Any] = (
            {"schema_translate_map": translate, "render_schema_translate": True}
            if translate
            else {}
        )
        if isinstance(construct, sa_ddl.BaseDDLElement):
            compiled = construct.compile(dialect=self.dialect, **kw)
        else:
            compiled = construct.compile(
                dialect=self.dialect, compile_kwargs={"literal_binds": True}, **kw
            )
        return str(compiled).replace("\t", "    ").strip()

    def schema_translate_map(self) -> Mapping[str | None, str | None] | None:
        """The ``schema_translate_map`` the statements follow: the run's connection's online,
        :attr:`rendering_map` offline; None without one."""
        if self.as_sql or self.connection is None:
            return self.rendering_map
        return self.connection.get_execution_options().get("schema_translate_map")

    def catalog_schema(self, schema: str | None) -> str | None:
        """The schema this run's statements reach for ``schema``: where to look in the
        catalog (an Inspector does not follow a ``schema_translate_map``; see schema_map)."""
        return catalog_schema(None if self.as_sql else self.connection, schema)

    def _write_statement(self, sql: str) -> None:
        self.statements.append(sql)
        text = sql + self.command_terminator
        if self.batch_separator:
            text += f"\n{self.batch_separator}"
        self.static_output(text)

    def execute(
        self,
        construct: str | ClauseElement,
        params: Any = None,
        execution_options: Mapping[str, Any] | None = None,
    ) -> Any:
        """Run one statement online, or write it offline.

        A string is run as SQL text (``sqlalchemy.text``). Offline, parameters are not
        allowed: values must be in the statement (``op.inline_literal``).
        """
        if isinstance(construct, str):
            construct = sa.text(construct)
        if self.as_sql:
            if params:
                raise ValueError("offline (--sql) mode cannot send parameters with a statement")
            self._write_statement(self.render(construct))
            return None
        if self.connection is None:
            raise ValueError(f"{self!r} has no connection to execute on")
        direct = self.direct_ddl
        if (
            direct is not None
            and params is None
            and not execution_options
            and isinstance(construct, sa_ddl.ExecutableDDLElement)
            and direct.ready()
        ):
            direct.send(str(construct.compile(dialect=self.dialect)))
            return None
        # Options go with this statement only: Connection.execution_options() would change
        # the connection for every statement after it (op.execute(..., execution_options=)).
        options = dict(execution_options) if execution_options else None
        return self.connection.execute(construct, params, execution_options=options)

    def execute_all(self, constructs: Iterable[str | ClauseElement]) -> None:
        for construct in constructs:
            self.execute(construct)

    def unsupported(self, op_name: str, reason: str = "", way_out: str | None = None) -> Any:
        """Raise :class:`UnsupportedOperationError` for this dialect."""
        raise UnsupportedOperationError(
            op_name,
            self.dialect_name,
            way_out or f"use op.batch_alter_table({'...'}) to rebuild the table instead",
            reason,
        )

    # -- schema helpers ---------------------------------------------------------------------

    @staticmethod
    def stub_table(
        name: str,
        schema: str | None = None,
        *items: Any,
        metadata: sa.MetaData | None = None,
        **kw: Any,
    ) -> sa.Table:
        """A Table object just for compiling DDL that names ``name``."""
        md = metadata if metadata is not None else sa.MetaData()
        key = f"{schema}.{name}" if schema else name
        if key in md.tables:
            table = md.tables[key]
            for item in items:
                if isinstance(item, sa.Column) and item.name in table.c:
                    continue
                table.append_column(item) if isinstance(
                    item, sa.Column
                ) else table.append_constraint(item)
            return table
        return sa.Table(name, md, *items, schema=schema, **kw)

    @classmethod
    def add_fk_stubs(cls, table: sa.Table) -> None:
        """Give every table a foreign key of ``table`` points at a stub in its MetaData.

        SQLAlchemy resolves the referenced table to render ``REFERENCES``; the migration
        only knows names, so the referenced tables are stubbed with the named columns.
        """
        for fk in list(table.foreign_keys):
            if fk._colspec is not None and not isinstance(fk._colspec, str):
                continue
            schema, tname, colname = tuple(fk._column_tokens)
            if schema is None and table.schema is not None and tname == table.name:
                schema = table.schema
            ref = cls.stub_table(tname, schema, metadata=table.metadata)
            if colname is not None and colname not in ref.c:
                ref.append_column(sa.Column(colname, sa.types.NullType()))

    # -- tables ---------------------------------------------------------------------------

    def create_table(self, op: ops.CreateTableOp) -> None:
        # The directive's Table lives in a MetaData of its own, so stubbing the tables its
        # foreign keys name there touches nothing else (and keeps constraint order).
        table = op.table
        self.add_fk_stubs(table)
        type_checks.name_by_convention(table, self.dialect, self.naming_convention)
        self.before_create_table(table)
        self.execute(sa_ddl.CreateTable(table, if_not_exists=bool(op.if_not_exists)))
        if self.dialect.supports_comments and not self.dialect.inline_comments:
            self.execute_all(self.comment_statements(table))
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            self.execute(sa_ddl.CreateIndex(index, if_not_exists=bool(op.if_not_exists)))

    def comment_statements(self, table: sa.Table) -> list[ClauseElement]:
        """COMMENT statements for a new table whose database cannot comment inline."""
        commented = [c for c in table.columns if c.comment is not None]
        if not commented and table.comment is None:
            return []  # nothing to say: spare building the stub table
        stub = self.stub_table(
            table.name,
            self.comment_schema(table.schema),
            *[sa.Column(c.name, sa.types.NullType(), comment=c.comment) for c in commented],
            comment=table.comment,
        )
        out: list[ClauseElement] = []
        if stub.comment is not None:
            out.append(sa_ddl.SetTableComment(stub))
        out += [sa_ddl.SetColumnComment(c) for c in stub.columns]
        return out

    def before_create_table(self, table: sa.Table) -> None:
        """Hook: what must exist before ``CREATE TABLE`` (PostgreSQL's ENUM types)."""

    def drop_table(self, op: ops.DropTableOp) -> None:
        table = self.stub_table(op.table_name, op.schema)
        self.execute(sa_ddl.DropTable(table, if_exists=bool(op.if_exists)))

    def rename_table(self, op: ops.RenameTableOp) -> None:
        self.execute(elements.RenameTable(op.old_table_name, op.new_table_name, op.schema))

    def create_table_comment(self, op: ops.CreateTableCommentOp) -> None:
        if not self.dialect.supports_comments:
            return  # the database keeps no comments (SQLite): nothing to record
        table = self.stub_table(op.table_name, self.comment_schema(op.schema), comment=op.comment)
        self.execute(sa_ddl.SetTableComment(table))

    def drop_table_comment(self, op: ops.DropTableCommentOp) -> None:
        if not self.dialect.supports_comments:
            return
        table = self.stub_table(op.table_name, self.comment_schema(op.schema))
        self.execute(sa_ddl.DropTableComment(table))

    def comment_schema(self, schema: str | None) -> str | None:
        """The schema to name in comment DDL (SQL Server's procedures need one)."""
        return schema

    # -- columns --------------------------------------------------------------------------

    @property
    def naming_convention(self) -> Mapping[str, Any] | None:
        """The run's ``target_metadata`` naming convention: it names what a directive's
        column brings along (a type's CHECK, ``unique=True``), as in the model."""
        return self.options.naming_convention

    def column_on_stub(self, op: ops.AddColumnOp) -> tuple[sa.Table, sa.Column]:
        column = op.column._copy()
        convention = self.naming_convention
        md = sa.MetaData(naming_convention=convention) if convention else None
        table = self.stub_table(op.table_name, op.schema, column, metadata=md)
        self.add_fk_stubs(table)
        return table, column

    def adds_detached(self, column: sa.Column) -> bool:
        """Whether ``add_column`` can compile ``column`` as is, without a stub Table."""
        return self.detached_column_ddl and _plain_hooks(type(self)) and is_plain_column(column)

    def add_column(self, op: ops.AddColumnOp) -> None:
        table: sa.Table | None = None
        if self.adds_detached(op.column):
            column = op.column  # compiling reads it only: no copy needed
        else:
            table, column = self.column_on_stub(op)
        guard = op.if_not_exists
        if guard and not self.supports_column_if_exists:
            if self.column_exists(op, op.table_name, op.schema, column.name):
                return
            guard = False
        checks: list[sa.CheckConstraint] = []
        if table is not None:
            self.before_add_column(table, column)
            if self.inline_add_column_checks:
                checks = self.column_checks(table)
        self.execute(
            elements.AddColumn(op.table_name, column, op.schema, if_not_exists=guard, checks=checks)
        )
        if table is not None:
            self.after_add_column(table, column)

    def column_exists(self, op: Any, table: str, schema: str | None, column: str) -> bool:
        """Online: whether the column is there (for IF [NOT] EXISTS the SQL cannot say)."""
        if self.as_sql or self.connection is None:
            self.unsupported(
                op.op_name,
                "IF [NOT] EXISTS on a column is not SQL here and offline mode cannot look",
                "drop the if_exists / if_not_exists argument, or run online",
            )
        insp = sa.inspect(self.connection)
        schema = self.catalog_schema(schema)
        if not insp.has_table(table, schema=schema):
            return False
        return any(c["name"] == column for c in insp.get_columns(table, schema=schema))

    @plain_column_hook
    def before_add_column(self, table: sa.Table, column: sa.Column) -> None:
        """Hook: what must exist before the column (PostgreSQL's ENUM type)."""

    def column_checks(self, table: sa.Table) -> list[sa.CheckConstraint]:
        """The CHECK constraints on an added column's stub table that this database creates
        (its type's, unless the type is native here, and any given on the column)."""
        return sorted(
            (
                c
                for c in table.constraints
                if isinstance(c, sa.CheckConstraint) and type_checks.creates(c, self.dialect)
            ),
            key=lambda c: str(type_checks.check_name(c)),
        )

    @plain_column_hook
    def after_add_column(self, table: sa.Table, column: sa.Column) -> None:
        """Constraints, indexes and comment that ride on the new column."""
        inline = set(self.column_checks(table)) if self.inline_add_column_checks else set()
        for constraint in sorted(table.constraints, key=lambda c: str(c.name)):
            if isinstance(constraint, sa.PrimaryKeyConstraint) or constraint in inline:
                continue
            if not type_checks.creates(constraint, self.dialect):
                continue  # a type's CHECK where the type is native (PostgreSQL's BOOLEAN)
            self.execute(sa_ddl.AddConstraint(constraint))
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            self.execute(sa_ddl.CreateIndex(index))
        if (
            column.comment is not None
            and self.dialect.supports_comments
            and not self.dialect.inline_comments
        ):
            stub = self.stub_table(
                table.name,
                self.comment_schema(table.schema),
                sa.Column(column.name, sa.types.NullType(), comment=column.comment),
            )
            self.execute(sa_ddl.SetColumnComment(stub.c[column.name]))

    def drop_column(self, op: ops.DropColumnOp) -> None:
        guard = op.if_exists
        if guard and not self.supports_column_if_exists:
            if not self.column_exists(op, op.table_name, op.schema, op.column_name):
                return
            guard = False
        self.execute(elements.DropColumn(op.table_name, op.column_name, op.schema, if_exists=guard))

    @staticmethod
    def existing(op: ops.AlterColumnOp) -> dict[str, Any]:
        """The ``existing_*`` arguments of an alter_column, for the column elements."""
        return {
            "existing_type": op.existing_type,
            "existing_nullable": op.existing_nullable,
            "existing_server_default": op.existing_server_default,
            "existing_comment": op.existing_comment,
        }

    def alter_column(self, op: ops.AlterColumnOp) -> None:
        """Each change as its own statement: nullability, default, type, comment, then name.

        A type change also drops the CHECK constraints ``existing_type`` brings along (first)
        and adds those of the new type (last), see :mod:`mig.ddl.type_checks`. The
        statements are built first and emitted after, so a change this database cannot make
        raises before anything is sent.
        """
        drops, adds = self.type_check_elements(op)
        self.execute_all([*drops, *self.alter_column_elements(op), *adds])

    def type_check_elements(
        self, op: ops.AlterColumnOp
    ) -> tuple[list[ClauseElement], list[ClauseElement]]:
        """For a type change: DROP of the old type's CHECKs, ADD of the new type's.

        As in Alembic, the old CHECKs are dropped only when ``existing_type`` is given (by
        name: an unnamed one cannot be found by ``ALTER``, so that is an error), and the
        new type's are added on the column's final name.
        """
        if op.modify_type is None:
            return [], []
        t, s, convention = op.table_name, op.schema, self.naming_convention
        drops: list[ClauseElement] = []
        if op.existing_type is not None:
            for ck in type_checks.type_checks(
                op.existing_type, op.column_name, t, s, self.dialect, convention
            ):
                name = type_checks.check_name(ck)
                if name is None:
                    self.unsupported(
                        op.op_name,
                        f"the CHECK constraint existing_type {op.existing_type!r} puts on "
                        f"{t}.{op.column_name} has no name, so it cannot be dropped",
                        "give the type a name (name='ck_...') or target_metadata a naming "
                        "convention, or drop the constraint with op.drop_constraint(...) "
                        "and leave existing_type out",
                    )
                drops.append(elements.DropConstraintByName(t, name, "check", s))
        column = op.modify_name or op.column_name
        adds: list[ClauseElement] = [
            sa_ddl.AddConstraint(ck)
            for ck in type_checks.type_checks(
                op.modify_type, column, t, s, self.dialect, convention
            )
        ]
        return drops, adds

    def alter_column_elements(self, op: ops.AlterColumnOp) -> list[ClauseElement]:
        out: list[ClauseElement] = []
        ex = self.existing(op)
        t, c, s = op.table_name, op.column_name, op.schema
        type_change = [self.column_type_element(op, ex)] if op.modify_type is not None else []
        if self.alter_type_first:
            out += type_change
        if op.modify_nullable is not None:
            out.append(elements.ColumnNullable(t, c, op.modify_nullable, s, **ex))
        if op.modify_server_default is not False:
            out.append(elements.ColumnDefault(t, c, op.modify_server_default, s, **ex))
        if not self.alter_type_first:
            out += type_change
        if op.modify_comment is not False and self.dialect.supports_comments:
            out.append(elements.ColumnComment(t, c, op.modify_comment, s, **ex))
        if op.modify_name is not None:
            out.append(elements.ColumnName(t, c, op.modify_name, s, **ex))
        return out

    def column_type_element(self, op: ops.AlterColumnOp, ex: dict[str, Any]) -> ClauseElement:
        return elements.ColumnType(op.table_name, op.column_name, op.modify_type, op.schema, **ex)

    # -- constraints ------------------------------------------------------------------------

    def build_constraint(self, op: ops.AddConstraintOp) -> sa.Constraint:
        """The SQLAlchemy constraint a create_* directive describes, on stub tables."""
        builder = dispatch.find(_CONSTRAINT_BUILDERS, op)
        if builder is None:
            raise UnsupportedOperationError(
                op.op_name, self.dialect_name, "register a constraint builder for it", "unknown"
            )
        return builder(self, op)

    def add_constraint(self, op: ops.AddConstraintOp) -> None:
        self.execute(sa_ddl.AddConstraint(self.build_constraint(op)))

    def drop_constraint(self, op: ops.DropConstraintOp) -> None:
        self.execute(
            elements.DropConstraintByName(
                op.table_name, op.constraint_name, op.type_, op.schema, if_exists=op.if_exists
            )
        )

    # -- indexes --------------------------------------------------------------------------

    def build_index(self, op: ops.CreateIndexOp) -> sa.Index:
        return op.to_index()

    def create_index(self, op: ops.CreateIndexOp) -> None:
        self.execute(sa_ddl.CreateIndex(self.build_index(op), if_not_exists=bool(op.if_not_exists)))

    def drop_index(self, op: ops.DropIndexOp) -> None:
        self.execute(
            elements.DropIndexByName(
                op.index_name, op.table_name, op.schema, if_exists=op.if_exists
            )
        )

    # -- data -------------------------------------------------------------------------------

    def bulk_insert(self, op: ops.BulkInsertOp) -> None:
        if not op.rows:
            return
        table = op.table
        has_literals = any(isinstance(v, BindParameter) for row in op.rows for v in row.values())
        if self.as_sql or has_literals or not op.multiinsert:
            for row in op.rows:
                self.execute(table.insert().values(self._literal_row(table, row)))
        else:
            self.execute(table.insert(), op.rows)

    def _literal_row(self, table: Any, row: Mapping[str, Any]) -> dict[str, Any]:
        """Values as bind parameters typed by their column (or by the value when untyped)."""
        out: dict[str, Any] = {}
        for key, value in row.items():
            if isinstance(value, ClauseElement) or not self.as_sql:
                out[key] = value
                continue
            column = table.c[key]
            type_ = None if isinstance(column.type, sa.types.NullType) else column.type
            out[key] = sa.bindparam(key, value, type_=type_)
        return out

    def execute_sql(self, op: ops.ExecuteSQLOp) -> None:
        self.execute(op.sqltext, execution_options=op.execution_options or None)

    # -- batch ------------------------------------------------------------------------------

    def requires_recreate_in_batch(self, batch: ops.BatchAlterTableOp) -> bool:
        """Whether ``recreate="auto"`` must rebuild the table (only SQLite says yes)."""
        return False

    def batch(self, op: ops.BatchAlterTableOp, reason: str | None = None) -> None:
        from mig.ddl.batch import run_batch

        run_batch(self, op, reason)


DIRECTIVE_METHODS: dict[type, str] = {
    ops.CreateTableOp: "create_table",
    ops.DropTableOp: "drop_table",
    ops.RenameTableOp: "rename_table",
    ops.CreateTableCommentOp: "create_table_comment",
    ops.DropTableCommentOp: "drop_table_comment",
    ops.AddColumnOp: "add_column",
    ops.DropColumnOp: "drop_column",
    ops.AlterColumnOp: "alter_column",
    ops.AddConstraintOp: "add_constraint",
    ops.DropConstraintOp: "drop_constraint",
    ops.CreateIndexOp: "create_index",
    ops.DropIndexOp: "drop_index",
    ops.BulkInsertOp: "bulk_insert",
    ops.ExecuteSQLOp: "execute_sql",
    ops.BatchAlterTableOp: "batch",
    **ENUM_TYPE_METHODS,
    **IDENTITY_METHODS,
}
"""Directive class -> the Impl method that carries it out."""

_add("default", DefaultImpl)
