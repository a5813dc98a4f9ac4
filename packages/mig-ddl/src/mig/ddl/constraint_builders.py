"""How a create-constraint directive becomes a SQLAlchemy constraint, on stub tables.

A registry keyed by directive class (``constraint_builder`` adds to it): the Impl's
``build_constraint`` looks the directive up here, so a third-party constraint directive
brings its own builder without subclassing an Impl.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mig import ops

if TYPE_CHECKING:
    from mig.ddl.impl import DefaultImpl


def _pk(impl: DefaultImpl, op: ops.CreatePrimaryKeyOp) -> sa.Constraint:
    table = impl.stub_table(
        op.table_name, op.schema, *[sa.Column(c, sa.types.NullType()) for c in op.columns]
    )
    pk = sa.PrimaryKeyConstraint(*op.columns, name=op.constraint_name, **op.kw)
    table.append_constraint(pk)
    return pk


def _unique(impl: DefaultImpl, op: ops.CreateUniqueConstraintOp) -> sa.Constraint:
    table = impl.stub_table(
        op.table_name, op.schema, *[sa.Column(c, sa.types.NullType()) for c in op.columns]
    )
    uq = sa.UniqueConstraint(*op.columns, name=op.constraint_name, **op.kw)
    table.append_constraint(uq)
    return uq


def _fk(impl: DefaultImpl, op: ops.CreateForeignKeyOp) -> sa.Constraint:
    md = sa.MetaData()
    source = impl.stub_table(
        op.source_table,
        op.source_schema,
        *[sa.Column(c, sa.types.NullType()) for c in op.local_cols],
        metadata=md,
    )
    same = (op.referent_table, op.referent_schema) == (op.source_table, op.source_schema)
    referent = (
        source if same else impl.stub_table(op.referent_table, op.referent_schema, metadata=md)
    )
    fk = foreign_key_to(op, referent, [source.c[c] for c in op.local_cols])
    source.append_constraint(fk)
    return fk


def foreign_key_to(
    op: ops.CreateForeignKeyOp, referent: sa.Table, local: list[Any]
) -> sa.ForeignKeyConstraint:
    """The foreign key ``op`` describes from ``local`` columns to ``referent`` (a stub: its
    remote columns are added as needed), for a single ALTER and for a batch rebuild alike."""
    for name in op.remote_cols:
        if name not in referent.c:
            referent.append_column(sa.Column(name, sa.types.NullType()))
    return sa.ForeignKeyConstraint(
        local,
        [referent.c[c] for c in op.remote_cols],
        name=op.constraint_name,
        onupdate=op.onupdate,
        ondelete=op.ondelete,
        deferrable=op.deferrable,
        initially=op.initially,
        match=op.match,
        **op.kw,
    )


def _check(impl: DefaultImpl, op: ops.CreateCheckConstraintOp) -> sa.Constraint:
    table = impl.stub_table(op.table_name, op.schema)
    condition = sa.text(op.condition) if isinstance(op.condition, str) else op.condition
    ck = sa.CheckConstraint(condition, name=op.constraint_name, **op.kw)
    table.append_constraint(ck)
    return ck


def _exclude(impl: DefaultImpl, op: ops.CreateExcludeConstraintOp) -> sa.Constraint:
    return impl.unsupported(
        op.op_name,
        "EXCLUDE constraints exist only on PostgreSQL",
        "run it only on PostgreSQL, or write the SQL with op.execute(...)",
    )


_CONSTRAINT_BUILDERS: dict[type, Callable[[DefaultImpl, Any], sa.Constraint]] = {
    ops.CreatePrimaryKeyOp: _pk,
    ops.CreateUniqueConstraintOp: _unique,
    ops.CreateForeignKeyOp: _fk,
    ops.CreateCheckConstraintOp: _check,
    ops.CreateExcludeConstraintOp: _exclude,
}


def constraint_builder(op_cls: type[ops.AddConstraintOp]) -> Callable[[Any], Any]:
    """Register how a create-constraint directive becomes a SQLAlchemy constraint."""

    def register(fn: Callable[[DefaultImpl, Any], sa.Constraint]) -> Any:
        _CONSTRAINT_BUILDERS[op_cls] = fn
        return fn

    return register
