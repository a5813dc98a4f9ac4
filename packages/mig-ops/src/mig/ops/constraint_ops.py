"""Directives on constraints: primary key, unique, foreign key, check, exclude, and drop."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import sqlalchemy as sa

from mig.ops import fields as f
from mig.ops import validate
from mig.ops.base import MigrateOperation
from mig.ops.codec.schema import constraint_columns, decode_exclude_elements
from mig.ops.errors import DirectiveError, IrreversibleOperationError

CONSTRAINT_TYPES = (None, "foreignkey", "primary", "unique", "check")


class AddConstraintOp(MigrateOperation):
    """Shared behaviour of the create_* constraint directives: reversing into a drop."""

    constraint_type: ClassVar[str | None] = None
    constraint_name: str | None
    table_name: str
    schema: str | None

    def reverse(self) -> DropConstraintOp:
        if self.constraint_name is None:
            raise IrreversibleOperationError(
                self.op_name, f"the constraint on {self.table_name!r} has no name to drop it by"
            )
        return DropConstraintOp(
            self.constraint_name,
            self.table_name,
            type_=self.constraint_type,
            schema=self.schema,
            restore=self,
        )

    @classmethod
    def from_constraint(cls, constraint: sa.Constraint) -> AddConstraintOp:
        """The create directive for a table-bound SQLAlchemy constraint."""
        for sub in _CONSTRAINT_BUILDERS:
            if isinstance(constraint, sub[0]):
                return sub[1](constraint)
        raise DirectiveError(
            "add_constraint", "constraint", f"no directive builds a {type(constraint).__name__}"
        )


def _init_common(
    op: AddConstraintOp, constraint_name: Any, table_name: Any, schema: Any, kw: dict
) -> None:
    op.constraint_name = validate.name(
        op.op_name, "constraint_name", constraint_name, optional=True
    )
    op.table_name = validate.name(op.op_name, "table_name", table_name)
    op.schema = validate.name(op.op_name, "schema", schema, optional=True)
    op.kw = kw


class ColumnListConstraintOp(AddConstraintOp):
    """A constraint defined by a list of column names: primary key and unique."""

    accepts_kw = True
    fields = (
        f.name("constraint_name", required=False),
        f.name("table_name"),
        f.names("columns"),
        f.name("schema", required=False),
    )

    def __init__(
        self,
        constraint_name: str | None,
        table_name: str,
        columns: Sequence[str],
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        _init_common(self, constraint_name, table_name, schema, kw)
        self.columns = validate.names(self.op_name, "columns", columns)


class CreatePrimaryKeyOp(ColumnListConstraintOp):
    op_name = "create_primary_key"
    constraint_type = "primary"


class CreateUniqueConstraintOp(ColumnListConstraintOp):
    op_name = "create_unique_constraint"
    constraint_type = "unique"


class CreateForeignKeyOp(AddConstraintOp):
    op_name = "create_foreign_key"
    constraint_type = "foreignkey"
    accepts_kw = True
    fields = (
        f.name("constraint_name", required=False),
        f.name("source_table"),
        f.name("referent_table"),
        f.names("local_cols"),
        f.names("remote_cols"),
        f.text_value("onupdate"),
        f.text_value("ondelete"),
        f.flag("deferrable"),
        f.text_value("initially"),
        f.text_value("match"),
        f.name("source_schema", required=False),
        f.name("referent_schema", required=False),
    )

    def __init__(
        self,
        constraint_name: str | None,
        source_table: str,
        referent_table: str,
        local_cols: Sequence[str],
        remote_cols: Sequence[str],
        onupdate: str | None = None,
        ondelete: str | None = None,
        deferrable: bool | None = None,
        initially: str | None = None,
        match: str | None = None,
        source_schema: str | None = None,
        referent_schema: str | None = None,
        **dialect_kw: Any,
    ) -> None:
        op = self.op_name
        _init_common(self, constraint_name, source_table, source_schema, dialect_kw)
        self.source_table = self.table_name
        self.source_schema = self.schema
        self.referent_table = validate.name(op, "referent_table", referent_table)
        self.referent_schema = validate.name(op, "referent_schema", referent_schema, optional=True)
        self.local_cols = validate.names(op, "local_cols", local_cols)
        self.remote_cols = validate.names(op, "remote_cols", remote_cols)
        if len(self.local_cols) != len(self.remote_cols):
            raise DirectiveError(
                op,
                "remote_cols",
                f"has {len(self.remote_cols)} column(s) but local_cols has {len(self.local_cols)}: "
                "each local column needs one referenced column",
            )
        self.onupdate = onupdate
        self.ondelete = ondelete
        self.deferrable = deferrable
        self.initially = initially
        self.match = match


class CreateCheckConstraintOp(AddConstraintOp):
    op_name = "create_check_constraint"
    constraint_type = "check"
    accepts_kw = True
    fields = (
        f.name("constraint_name", required=False),
        f.name("table_name"),
        f.sql("condition", required=True),
        f.name("schema", required=False),
    )

    def __init__(
        self,
        constraint_name: str | None,
        table_name: str,
        condition: Any,
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        _init_common(self, constraint_name, table_name, schema, kw)
        self.condition = validate.sql(self.op_name, "condition", condition)


class CreateExcludeConstraintOp(AddConstraintOp):
    """PostgreSQL ``EXCLUDE USING gist (col WITH &&, ...)``; elements are (expression, operator)."""

    op_name = "create_exclude_constraint"
    constraint_type = None
    accepts_kw = True
    fields = (
        f.name("constraint_name", required=False),
        f.name("table_name"),
        f.Field(
            "elements",
            lambda v, p: [[f.sql("e").encode(e, f"{p}[{i}]"), o] for i, (e, o) in enumerate(v)],
            lambda d, p, t: decode_exclude_elements(d, p),
            required=True,
        ),
        f.sql("where"),
        f.name("schema", required=False),
        f.flag("deferrable"),
        f.text_value("initially"),
        f.text_value("using", default="gist"),
    )

    def __init__(
        self,
        constraint_name: str | None,
        table_name: str,
        elements: Sequence[tuple[Any, str]],
        where: Any = None,
        schema: str | None = None,
        deferrable: bool | None = None,
        initially: str | None = None,
        using: str = "gist",
        **kw: Any,
    ) -> None:
        _init_common(self, constraint_name, table_name, schema, kw)
        items = list(elements)
        if not items:
            raise DirectiveError(
                self.op_name, "elements", "needs at least one (column, operator) pair"
            )
        for item in items:
            if not (isinstance(item, tuple | list) and len(item) == 2 and isinstance(item[1], str)):
                raise DirectiveError(
                    self.op_name, "elements", f"holds {item!r}, not a (column, operator) pair"
                )
            validate.sql(self.op_name, "elements", item[0])
        self.elements = [(e, o) for e, o in items]
        self.where = None if where is None else validate.sql(self.op_name, "where", where)
        self.deferrable = deferrable
        self.initially = initially
        self.using = using


class DropConstraintOp(MigrateOperation):
    """``op.drop_constraint(name, table, type_=...)``; ``restore`` is the create that undoes it.

    ``type_`` is one of None, "foreignkey", "primary", "unique", "check": MySQL needs it to
    choose its DROP syntax.
    """

    op_name = "drop_constraint"
    accepts_kw = True
    fields = (
        f.name("constraint_name"),
        f.name("table_name"),
        f.text_value("type_"),
        f.name("schema", required=False),
        f.flag("if_exists"),
        f.directive("restore"),
    )

    def __init__(
        self,
        constraint_name: str,
        table_name: str,
        type_: str | None = None,
        schema: str | None = None,
        if_exists: bool | None = None,
        restore: AddConstraintOp | None = None,
        **kw: Any,
    ) -> None:
        self.constraint_name = validate.name(self.op_name, "constraint_name", constraint_name)
        self.table_name = validate.name(self.op_name, "table_name", table_name)
        self.type_ = validate.choice(self.op_name, "type_", type_, CONSTRAINT_TYPES)
        self.schema = validate.name(self.op_name, "schema", schema, optional=True)
        self.if_exists = if_exists
        if restore is not None and not isinstance(restore, AddConstraintOp):
            raise DirectiveError(self.op_name, "restore", "must be a create-constraint directive")
        self.restore = restore
        self.kw = kw

    @classmethod
    def from_constraint(cls, constraint: sa.Constraint) -> DropConstraintOp:
        """A drop that remembers the constraint, so it can be reversed."""
        create = AddConstraintOp.from_constraint(constraint)
        if create.constraint_name is None:
            raise DirectiveError(
                cls.op_name, "constraint", "a constraint without a name cannot be dropped"
            )
        return cls(
            create.constraint_name,
            create.table_name,
            type_=create.constraint_type,
            schema=create.schema,
            restore=create,
        )

    def reverse(self) -> AddConstraintOp:
        if self.restore is None:
            raise IrreversibleOperationError(
                self.op_name,
                f"the definition of constraint {self.constraint_name!r} is not known "
                "(build it with DropConstraintOp.from_constraint)",
            )
        return self.restore


def _name(c: Any) -> str | None:
    return None if c.name is None else str(c.name)


def _pk(c: sa.PrimaryKeyConstraint) -> AddConstraintOp:
    return CreatePrimaryKeyOp(
        _name(c), c.table.name, constraint_columns(c), schema=c.table.schema, **c.dialect_kwargs
    )


def _unique(c: sa.UniqueConstraint) -> AddConstraintOp:
    kw = dict(c.dialect_kwargs)
    for opt in ("deferrable", "initially"):
        if getattr(c, opt, None) is not None:
            kw[opt] = getattr(c, opt)
    return CreateUniqueConstraintOp(
        _name(c), c.table.name, constraint_columns(c), schema=c.table.schema, **kw
    )


def _fk(c: sa.ForeignKeyConstraint) -> AddConstraintOp:
    specs = [e._get_colspec().split(".") for e in c.elements]
    referent_schema = ".".join(specs[0][:-2]) or None
    return CreateForeignKeyOp(
        _name(c),
        c.table.name,
        specs[0][-2],
        constraint_columns(c),
        [s[-1] for s in specs],
        onupdate=c.onupdate,
        ondelete=c.ondelete,
        deferrable=c.deferrable,
        initially=c.initially,
        match=c.match,
        source_schema=c.table.schema,
        referent_schema=referent_schema,
        **c.dialect_kwargs,
    )


def _check(c: sa.CheckConstraint) -> AddConstraintOp:
    return CreateCheckConstraintOp(
        _name(c), c.table.name, c.sqltext, schema=c.table.schema, **c.dialect_kwargs
    )


_CONSTRAINT_BUILDERS: list[tuple[type, Any]] = [
    (sa.PrimaryKeyConstraint, _pk),
    (sa.UniqueConstraint, _unique),
    (sa.ForeignKeyConstraint, _fk),
    (sa.CheckConstraint, _check),
]
