"""What a table rebuild carries: its columns, and its constraints and indexes as directives.

The rebuild's state is the directives themselves: a constraint or index of the table as it
is becomes the ``create_*`` directive that would make it (``CreateUniqueConstraintOp``,
``CreateIndexOp``, ...), the block's own ``create_*`` directives join the list as they are,
and the new table's SQLAlchemy constraints are built from the list at the end. A change
(a dropped or renamed column) replaces a directive with a changed copy, so the block's
directives are never modified. The columns keep a small record of their own
(:class:`ColumnSpec`): besides the column they say which old column the rows come from.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.sql.schema import Computed, DefaultClause, FetchedValue, Identity

from mig import ops
from mig.ddl.constraint_builders import foreign_key_to
from mig.ops import dispatch

_Op = TypeVar("_Op", bound=ops.MigrateOperation)


@dataclass
class ColumnSpec:
    """A column of the new table, and the old column its rows are copied from."""

    name: str
    type: Any
    nullable: bool = True
    server_default: Any = None
    autoincrement: Any = "auto"
    comment: str | None = None
    extra: list[Any] = field(default_factory=list)  # Computed / Identity
    kw: dict[str, Any] = field(default_factory=dict)
    source: str | None = None  # the old column the rows come from (None: a new column)
    cast: bool = False

    @classmethod
    def from_column(cls, column: sa.Column, source: str | None) -> ColumnSpec:
        default = column.server_default
        extra: list[Any] = []
        if isinstance(default, Computed | Identity):
            extra.append(default._copy())
            default = None
        elif isinstance(default, DefaultClause):
            default = default.arg
        elif isinstance(default, FetchedValue):
            default = None
        return cls(
            column.name,
            column.type,
            nullable=bool(column.nullable),
            server_default=default,
            autoincrement=column.autoincrement,
            comment=column.comment,
            extra=extra,
            kw=dict(column.dialect_kwargs),
            source=source,
        )

    def build(self) -> sa.Column:
        default = None if self.server_default is None else DefaultClause(self.server_default)
        return sa.Column(
            self.name,
            self.type,
            *[e._copy() for e in self.extra],
            nullable=self.nullable,
            server_default=default,
            autoincrement=self.autoincrement,
            comment=self.comment,
            **self.kw,
        )


# -- the table's constraints and indexes as directives -------------------------------------


def _options(c: sa.Constraint) -> dict[str, Any]:
    opts = {
        k: getattr(c, k) for k in ("deferrable", "initially") if getattr(c, k, None) is not None
    }
    opts.update(c.dialect_kwargs)
    return opts


def _name(c: sa.Constraint) -> Any:
    """The constraint's name as given (a ``conv`` stays one), or None for no name."""
    return c.name if isinstance(c.name, str) else None  # not SQLAlchemy's "no name" marker


def _primary_key(c: sa.PrimaryKeyConstraint) -> ops.AddConstraintOp | None:
    columns = [col.name for col in c.columns]
    if not columns:
        return None  # a table without a primary key still has an empty one
    return ops.CreatePrimaryKeyOp(_name(c), c.table.name, columns, c.table.schema, **_options(c))


def _unique(c: sa.UniqueConstraint) -> ops.AddConstraintOp:
    columns = [col.name for col in c.columns]
    return ops.CreateUniqueConstraintOp(
        _name(c), c.table.name, columns, c.table.schema, **_options(c)
    )


def _check(c: sa.CheckConstraint) -> ops.AddConstraintOp:
    return ops.CreateCheckConstraintOp(
        _name(c), c.table.name, c.sqltext, c.table.schema, **_options(c)
    )


def _foreign_key(c: sa.ForeignKeyConstraint) -> ops.AddConstraintOp:
    elems = list(c.elements)
    tokens = [tuple(e._column_tokens) for e in elems]
    schema, table = tokens[0][0], tokens[0][1]
    if schema is None and table == c.table.name:
        schema = c.table.schema  # a self-reference names no schema
    opts = _options(c)
    deferrable, initially = opts.pop("deferrable", None), opts.pop("initially", None)
    return ops.CreateForeignKeyOp(
        _name(c),
        c.table.name,
        table,
        [e.parent.name for e in elems],
        [t[2] for t in tokens],
        onupdate=c.onupdate,
        ondelete=c.ondelete,
        deferrable=deferrable,
        initially=initially,
        match=c.match,
        source_schema=c.table.schema,
        referent_schema=schema,
        **opts,
    )


_FROM_CONSTRAINT: dict[type, Callable[[Any], ops.AddConstraintOp | None]] = {
    sa.PrimaryKeyConstraint: _primary_key,
    sa.UniqueConstraint: _unique,
    sa.CheckConstraint: _check,
    sa.ForeignKeyConstraint: _foreign_key,
}


def constraint_directive(constraint: sa.Constraint) -> ops.AddConstraintOp | None:
    """The create directive for a constraint of the table being rebuilt (None: nothing to
    carry, as for an empty primary key or a kind the rebuild does not know)."""
    convert = dispatch.find(_FROM_CONSTRAINT, constraint)
    return None if convert is None else convert(constraint)


def index_directive(index: sa.Index, table: str, schema: str | None) -> ops.CreateIndexOp:
    """The create_index directive for an index of the table being rebuilt."""
    columns = [e.name if isinstance(e, sa.Column) else e for e in index.expressions]
    name = index.name if isinstance(index.name, str) else None
    return ops.CreateIndexOp(
        name, table, columns, schema, unique=bool(index.unique), **index.dialect_kwargs
    )


_COLUMNS_FIELD: dict[type, str | None] = {
    ops.CreatePrimaryKeyOp: "columns",
    ops.CreateUniqueConstraintOp: "columns",
    ops.CreateForeignKeyOp: "local_cols",
    ops.CreateCheckConstraintOp: None,
    ops.CreateIndexOp: "columns",
}
"""Where a directive lists the table's columns it names (a CHECK names them in its SQL)."""


def columns_of(directive: ops.MigrateOperation) -> list[Any]:
    """The table's columns a constraint or index directive names."""
    attribute = dispatch.find(_COLUMNS_FIELD, directive)
    return [] if attribute is None else list(getattr(directive, attribute))


def with_columns(directive: _Op, columns: list[Any]) -> _Op:
    """A copy of ``directive`` naming ``columns`` instead (the directive is left alone)."""
    attribute = dispatch.find(_COLUMNS_FIELD, directive)
    if attribute is None:
        return directive
    return changed(directive, **{attribute: list(columns)})


def changed(directive: _Op, **values: Any) -> _Op:
    """A shallow copy of ``directive`` with some attributes replaced."""
    other = copy.copy(directive)
    for key, value in values.items():
        setattr(other, key, value)
    return other


def name_of(directive: ops.MigrateOperation) -> str | None:
    """A constraint's or index's name as text, or None when it has none."""
    name = getattr(directive, "constraint_name", None) or getattr(directive, "index_name", None)
    return None if name is None else str(name)


# -- building the new table's constraints --------------------------------------------------

Build = Callable[[Any, sa.Table, Any], sa.Constraint]


def _build_primary_key(op: ops.CreatePrimaryKeyOp, table: sa.Table, impl: Any) -> sa.Constraint:
    return sa.PrimaryKeyConstraint(*op.columns, name=op.constraint_name, **op.kw)


def _build_unique(op: ops.CreateUniqueConstraintOp, table: sa.Table, impl: Any) -> sa.Constraint:
    return sa.UniqueConstraint(*op.columns, name=op.constraint_name, **op.kw)


def _build_check(op: ops.CreateCheckConstraintOp, table: sa.Table, impl: Any) -> sa.Constraint:
    text = sa.text(op.condition) if isinstance(op.condition, str) else op.condition
    return sa.CheckConstraint(text, name=op.constraint_name, **op.kw)


def _build_foreign_key(op: ops.CreateForeignKeyOp, table: sa.Table, impl: Any) -> sa.Constraint:
    ref = impl.stub_table(op.referent_table, op.referent_schema, metadata=table.metadata)
    return foreign_key_to(op, ref, list(op.local_cols))


_BUILDERS: dict[type, Build] = {
    ops.CreatePrimaryKeyOp: _build_primary_key,
    ops.CreateUniqueConstraintOp: _build_unique,
    ops.CreateCheckConstraintOp: _build_check,
    ops.CreateForeignKeyOp: _build_foreign_key,
}
"""The constraint directives a rebuild can declare, and how each becomes a constraint."""


def can_build(directive: ops.MigrateOperation) -> bool:
    """Whether a rebuild can declare this constraint directive on the new table."""
    return dispatch.find(_BUILDERS, directive) is not None


def build_constraint(directive: ops.AddConstraintOp, table: sa.Table, impl: Any) -> sa.Constraint:
    """The SQLAlchemy constraint for ``directive`` on ``table`` (not yet appended)."""
    builder = dispatch.find(_BUILDERS, directive)
    assert builder is not None, f"{directive.op_name} is no rebuild constraint"
    return builder(directive, table, impl)
