"""The move-and-copy rebuild of one table: apply the block's directives, then rebuild.

:class:`RebuildPlan` starts from the table as it is, takes the block's directives one by
one (each handler changes the plan's columns, constraints and indexes; see
:mod:`mig.ddl.batch_state` for what it holds), and then creates the new table under a
temporary name, copies the rows (casting columns whose type changed), drops the old table,
renames the new one into place and recreates the indexes.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.sql import ddl as sa_ddl
from sqlalchemy.sql.schema import DefaultClause

from mig import ops
from mig.ddl import elements, type_checks
from mig.ddl.batch_state import (
    ColumnSpec,
    build_constraint,
    can_build,
    changed,
    columns_of,
    constraint_directive,
    index_directive,
    name_of,
    with_columns,
)
from mig.ddl.errors import BatchError
from mig.ops import dispatch

if TYPE_CHECKING:
    from mig.ddl.impl import DefaultImpl

TEMP_PREFIX = "_mig_tmp_"


def _column_word(name: str) -> re.Pattern[str]:
    """``name`` as an identifier in SQL text, bare or quoted, not inside a longer word."""
    return re.compile(
        rf"(?<![\w\"`\[]){re.escape(name)}(?![\w\"`\]])|[\"`\[]{re.escape(name)}[\"`\]]"
    )


class RebuildPlan:
    """The new table, built up directive by directive, then created and filled."""

    def __init__(self, impl: DefaultImpl, table: sa.Table, batch: ops.BatchAlterTableOp) -> None:
        self.impl = impl
        self.batch = batch
        self.source = table
        self.name = table.name
        self.schema = table.schema
        self.columns: dict[str, ColumnSpec] = {
            c.name: ColumnSpec.from_column(c, c.name) for c in table.columns
        }
        self.constraints: list[ops.AddConstraintOp] = []
        for constraint in sorted(table.constraints, key=lambda c: str(c.name or "")):
            if type_checks.is_type_check(constraint):
                continue  # the column's type (copy_from) declares it again, or its successor
            directive = constraint_directive(constraint)
            if directive is not None:
                self.constraints.append(directive)
        self.indexes: list[ops.CreateIndexOp] = [
            index_directive(index, self.name, self.schema)
            for index in sorted(table.indexes, key=lambda i: str(i.name))
        ]
        self.comment = table.comment
        self.table_kwargs = dict(table.dialect_kwargs)
        self.after: list[Any] = []  # directives run once the table is in place
        self.dropped: set[str] = set()
        """Columns the block dropped. Indexes, unique constraints and foreign keys are kept
        by column name until the table is built, so a column dropped and added again under
        the same name keeps them (as in Alembic); those still naming a missing column then
        go with it."""

    # -- applying directives ----------------------------------------------------------------

    def apply(self, op: Any) -> None:
        handler = dispatch.find(_APPLY, op)
        if handler is not None:
            handler(self, op)
            return
        raise BatchError(
            f"batch_alter_table({self.name!r}): {op.op_name or type(op).__name__} cannot be "
            "part of a table rebuild"
        )

    def column(self, name: str, op: Any) -> ColumnSpec:
        try:
            return self.columns[name]
        except KeyError:
            raise BatchError(
                f"{op.op_name}: table {self.name!r} has no column {name!r} "
                f"(it has {', '.join(self.columns)})"
            ) from None

    def place(self, name: str, kw: dict[str, Any]) -> None:
        before, after = kw.get("insert_before"), kw.get("insert_after")
        if before is None and after is None:
            return
        order = [n for n in self.columns if n != name]
        anchor = before if before is not None else after
        if anchor not in order:
            raise BatchError(
                f"insert_before/insert_after: table {self.name!r} has no column {anchor!r}"
            )
        at = order.index(anchor) + (0 if before is not None else 1)
        order.insert(at, name)
        self.columns = {n: self.columns[n] for n in order}

    def add_column(self, op: ops.AddColumnOp) -> None:
        col = op.column
        if col.name in self.columns:
            if op.if_not_exists:
                return
            raise BatchError(f"add_column: table {self.name!r} already has column {col.name!r}")
        self.columns[col.name] = ColumnSpec.from_column(col, None)
        if col.primary_key:
            pk = self.primary_key()
            if pk is None:
                self.constraints.append(
                    ops.CreatePrimaryKeyOp(None, self.name, [col.name], self.schema)
                )
            else:
                self.replace(pk, with_columns(pk, [*pk.columns, col.name]))
        if col.unique:
            self.constraints.append(
                ops.CreateUniqueConstraintOp(None, self.name, [col.name], self.schema)
            )
        for fk in col.foreign_keys:
            schema, table, remote = tuple(fk._column_tokens)
            self.constraints.append(
                ops.CreateForeignKeyOp(
                    fk.name,
                    self.name,
                    table,
                    [col.name],
                    [remote],
                    ondelete=fk.ondelete or None,
                    onupdate=fk.onupdate or None,
                    source_schema=self.schema,
                    referent_schema=schema,
                )
            )
        if col.index:
            self.indexes.append(ops.CreateIndexOp(None, self.name, [col.name], self.schema))
        self.place(col.name, op.kw)

    def replace(self, old: ops.AddConstraintOp, new: ops.AddConstraintOp) -> None:
        """Put ``new`` where ``old`` is in the constraint list (it keeps its place)."""
        self.constraints = [new if c is old else c for c in self.constraints]

    def drop_column(self, op: ops.DropColumnOp) -> None:
        if op.column_name not in self.columns:
            if op.if_exists:
                return
            self.column(op.column_name, op)
        del self.columns[op.column_name]
        name = op.column_name
        self.dropped.add(name)
        word = _column_word(name)
        kept: list[ops.AddConstraintOp] = []
        for constraint in self.constraints:
            kind, columns = constraint.constraint_type, columns_of(constraint)
            if kind == "check" and word.search(str(constraint.condition)):  # type: ignore[attr-defined]
                continue
            if kind == "primary" and name in columns:
                if len(columns) == 1:
                    continue
                columns.remove(name)
                constraint = with_columns(constraint, columns)
            kept.append(constraint)
        self.constraints = kept

    def alter_column(self, op: ops.AlterColumnOp) -> None:
        spec = self.column(op.column_name, op)
        if op.modify_type is not None:
            self.drop_type_checks(op)
            spec.cast = spec.cast or (
                spec.source is not None
                and (
                    spec.type._type_affinity is not op.modify_type._type_affinity  # type: ignore[attr-defined]
                )
            )
            spec.type = op.modify_type
        if op.modify_nullable is not None:
            spec.nullable = op.modify_nullable
        if op.modify_server_default is not False:
            default = op.modify_server_default
            spec.server_default = default.arg if isinstance(default, DefaultClause) else default
        if op.modify_comment is not False:
            spec.comment = op.modify_comment
        if "autoincrement" in op.kw:
            spec.autoincrement = op.kw["autoincrement"]
        if op.modify_name is not None and op.modify_name != op.column_name:
            self.rename_column(spec, op.column_name, op.modify_name)
        self.place(spec.name, op.kw)

    def rename_column(self, spec: ColumnSpec, old: str, new: str) -> None:
        """Rename a column here and in every constraint and index that names it."""
        spec.name = new
        self.columns = {(new if k == old else k): v for k, v in self.columns.items()}

        def renamed(columns: list[Any]) -> list[Any]:
            return [new if x == old else x for x in columns]

        constraints: list[ops.AddConstraintOp] = []
        for c in self.constraints:
            c = with_columns(c, renamed(columns_of(c)))
            if isinstance(c, ops.CreateCheckConstraintOp):
                c = changed(c, condition=self.rename_in_sql(c.condition, old, new))
            constraints.append(c)
        self.constraints = constraints
        self.indexes = [with_columns(i, renamed(i.columns)) for i in self.indexes]

    @property
    def convention(self) -> Any:
        """What names the type CHECKs: the block's naming convention, else the run's."""
        return self.batch.naming_convention or self.impl.naming_convention

    def drop_type_checks(self, op: ops.AlterColumnOp) -> None:
        """Forget the CHECKs of the type being replaced, and any the new type's replace.

        A type of ``copy_from`` takes its own CHECK along when it is replaced. A reflected
        table only has the CHECK's name and condition: the one ``existing_type`` would make
        (same name, or same condition when unnamed) goes; without ``existing_type`` it is
        kept, as Alembic does. A CHECK named as one of the new type's is replaced by it.
        """
        dialect, convention = self.impl.dialect, self.convention
        args = (op.column_name, self.name, self.schema, dialect, convention)
        old = type_checks.type_checks(op.existing_type, *args)
        new = type_checks.type_checks(op.modify_type, op.modify_name or op.column_name, *args[1:])
        names = {type_checks.check_name(c) for c in [*old, *new]} - {None}
        conditions = {
            type_checks.condition_text(c.sqltext, dialect)
            for c in old
            if type_checks.check_name(c) is None
        }

        def replaced(c: ops.AddConstraintOp) -> bool:
            if not isinstance(c, ops.CreateCheckConstraintOp):
                return False
            name = name_of(c)
            if name is not None:
                return name in names
            return type_checks.condition_text(c.condition, dialect) in conditions

        self.constraints = [c for c in self.constraints if not replaced(c)]

    def rename_in_sql(self, sqltext: Any, old: str, new: str) -> Any:
        """A CHECK condition with column ``old`` renamed, outside string literals."""
        text = sqltext if isinstance(sqltext, str) else str(getattr(sqltext, "text", ""))
        if not text:
            return sqltext
        prep = self.impl.dialect.identifier_preparer
        name = _column_word(old)
        parts = re.split(r"('(?:[^']|'')*')", text)
        renamed = "".join(
            p if i % 2 else name.sub(lambda m: prep.quote(new), p) for i, p in enumerate(parts)
        )
        return renamed

    def primary_key(self) -> ops.CreatePrimaryKeyOp | None:
        return next((c for c in self.constraints if isinstance(c, ops.CreatePrimaryKeyOp)), None)

    def add_constraint(self, op: ops.AddConstraintOp) -> None:
        if not can_build(op):
            self.impl.build_constraint(op)  # raises for what this database cannot have
            raise BatchError(f"{op.op_name} cannot be part of a table rebuild")
        if isinstance(op, ops.CreatePrimaryKeyOp):
            self.constraints = [c for c in self.constraints if c.constraint_type != "primary"]
        self.constraints.append(op)

    def drop_constraint(self, op: ops.DropConstraintOp) -> None:
        for at, constraint in enumerate(self.constraints):
            if name_of(constraint) == op.constraint_name:
                del self.constraints[at]  # by place: directives compare by value
                return
        if op.if_exists:
            return
        named = sorted(n for n in map(name_of, self.constraints) if n is not None)
        raise BatchError(
            f"drop_constraint: table {self.name!r} has no constraint named {op.constraint_name!r} "
            f"(named ones: {', '.join(named) or 'none'}; unnamed ones can be named with "
            "batch_alter_table(..., naming_convention=...))"
        )

    def create_index(self, op: ops.CreateIndexOp) -> None:
        self.indexes.append(op)

    def drop_index(self, op: ops.DropIndexOp) -> None:
        for at, index in enumerate(self.indexes):
            if name_of(index) == op.index_name:
                del self.indexes[at]
                return
        if not op.if_exists:
            raise BatchError(
                f"drop_index: table {self.name!r} has no index named {op.index_name!r}"
            )

    def table_comment(self, op: Any) -> None:
        self.comment = (
            getattr(op, "comment", None) if isinstance(op, ops.CreateTableCommentOp) else None
        )

    def later(self, op: Any) -> None:
        self.after.append(op)

    def reorder(self, partial: Any) -> None:
        """Apply ``partial_reordering``: each tuple's columns in that order, the rest kept."""
        if not partial:
            return
        names = list(self.columns)
        position = {n: i for i, n in enumerate(names)}
        edges: dict[str, set[str]] = {n: set() for n in names}
        for group in partial:
            for name in group:
                if name not in position:
                    raise BatchError(
                        f"partial_reordering: table {self.name!r} has no column {name!r}"
                    )
            for first, second in itertools.pairwise(group):
                edges[second].add(first)
        ordered: list[str] = []
        remaining = set(names)
        while remaining:
            ready = [n for n in remaining if not (edges[n] & remaining)]
            if not ready:
                raise BatchError(
                    f"partial_reordering: the orderings given for {self.name!r} conflict"
                )
            pick = min(ready, key=position.__getitem__)
            ordered.append(pick)
            remaining.remove(pick)
        self.columns = {n: self.columns[n] for n in ordered}

    # -- building and running -----------------------------------------------------------------

    def new_table(self, name: str, inline: Any) -> tuple[sa.Table, list[ops.AddConstraintOp]]:
        """The table to create, and the constraints to add once it has its final name."""
        md = sa.MetaData(naming_convention=self.batch.naming_convention or None)
        kwargs = {**self.table_kwargs, **self.batch.table_kwargs}
        if self.comment is not None:
            kwargs.setdefault("comment", self.comment)
        table = sa.Table(
            name, md, *[c.build() for c in self.columns.values()], schema=self.schema, **kwargs
        )
        later: list[ops.AddConstraintOp] = []
        for constraint in self.constraints:
            missing = [c for c in columns_of(constraint) if c not in table.c]
            if missing and set(missing) <= self.dropped:
                continue  # it went with its column
            if missing:
                raise BatchError(
                    f"batch_alter_table({self.name!r}): a {constraint.constraint_type} "
                    f"constraint names column {missing[0]!r}, which the table does not have"
                )
            if constraint.constraint_type in inline:
                table.append_constraint(build_constraint(constraint, table, self.impl))
            else:
                later.append(constraint)
        for item in self.batch.table_args:
            table.append_constraint(item._copy() if hasattr(item, "_copy") else item)
        type_checks.name_by_convention(table, self.impl.dialect, self.convention, self.name)
        return table, later

    def run(self) -> None:
        impl = self.impl
        temp = TEMP_PREFIX + self.name
        inline = impl.batch_inline_constraints
        table, later = self.new_table(temp, inline)
        copied = [c for c in self.columns.values() if c.source is not None]
        source = sa.table(self.name, *[sa.column(c.source) for c in copied], schema=self.schema)
        exprs = [
            sa.cast(source.c[c.source], c.type) if c.cast else source.c[c.source] for c in copied
        ]
        impl.execute(sa_ddl.CreateTable(table))
        if copied:
            impl.execute(table.insert().from_select([c.name for c in copied], sa.select(*exprs)))
        impl.execute(sa_ddl.DropTable(sa.Table(self.name, sa.MetaData(), schema=self.schema)))
        impl.execute(elements.RenameTable(temp, self.name, self.schema))
        final = sa.Table(
            self.name,
            sa.MetaData(naming_convention=self.batch.naming_convention or None),
            *[sa.Column(c.name, c.type) for c in self.columns.values()],
            schema=self.schema,
        )
        for directive in later:
            constraint = build_constraint(directive, final, impl)
            final.append_constraint(constraint)
            impl.execute(sa_ddl.AddConstraint(constraint))
        for index in self.indexes:
            if any(
                isinstance(c, str) and c in self.dropped and c not in table.c for c in index.columns
            ):
                continue  # it went with its column
            impl.create_index(
                ops.CreateIndexOp(
                    name_of(index),
                    self.name,
                    index.columns,
                    schema=self.schema,
                    unique=index.unique,
                    **index.kw,
                )
            )
        for op in self.after:
            impl.run(op)


_APPLY: dict[type, Any] = {
    ops.AddColumnOp: RebuildPlan.add_column,
    ops.DropColumnOp: RebuildPlan.drop_column,
    ops.AlterColumnOp: RebuildPlan.alter_column,
    ops.AddConstraintOp: RebuildPlan.add_constraint,
    ops.DropConstraintOp: RebuildPlan.drop_constraint,
    ops.CreateIndexOp: RebuildPlan.create_index,
    ops.DropIndexOp: RebuildPlan.drop_index,
    ops.CreateTableCommentOp: RebuildPlan.table_comment,
    ops.DropTableCommentOp: RebuildPlan.table_comment,
    ops.ExecuteSQLOp: RebuildPlan.later,
}
