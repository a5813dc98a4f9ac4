"""Batch mode: rebuild a table with every change of a ``batch_alter_table`` block applied.

The move-and-copy recipe: take the table as it is (reflected, or ``copy_from``), apply the
block's directives to a description of it, create the new table under a temporary name,
copy the rows (casting columns whose type changed), drop the old table, rename the new one
into place and recreate the indexes. Named and unnamed constraints are carried through; a
``naming_convention`` names the unnamed ones so the block can drop them by that name.

When nothing in the block needs a rebuild (``recreate="auto"`` on a database that can
ALTER), the directives simply run one by one.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.sql import ddl as sa_ddl
from sqlalchemy.sql.schema import Computed, DefaultClause, FetchedValue, Identity

from mig import ops
from mig.ddl import elements, type_checks
from mig.ddl.errors import BatchError, OfflineBatchError, UnsupportedOperationError

if TYPE_CHECKING:
    from mig.ddl.impl import DefaultImpl

TEMP_PREFIX = "_mig_tmp_"


def run_batch(impl: DefaultImpl, batch: ops.BatchAlterTableOp, reason: str | None = None) -> None:
    """Carry out a whole batch block on ``impl``.

    ``reason`` is set when the rebuild stands in for one directive (SQLite auto-batch): it
    names that directive in errors.
    """
    needs_rebuild = impl.requires_recreate_in_batch(batch)
    if batch.recreate == "never" and needs_rebuild:
        raise UnsupportedOperationError(
            "batch_alter_table",
            impl.dialect_name,
            "use recreate='auto' so the table can be rebuilt",
            f"recreate='never' but {batch.table_name!r} needs a rebuild for these changes",
        )
    if batch.recreate == "always" or needs_rebuild:
        plan = RebuildPlan(impl, source_table(impl, batch, reason), batch)
        for op in batch.ops:
            plan.apply(op)
        plan.reorder(batch.partial_reordering)
        plan.run()
        return
    for op in batch.ops:
        impl.run(op)


def source_table(
    impl: DefaultImpl, batch: ops.BatchAlterTableOp, reason: str | None = None
) -> sa.Table:
    """The table as it is now: ``copy_from``, or reflected from the connection."""
    md = sa.MetaData(naming_convention=batch.naming_convention or None)
    if batch.copy_from is not None:
        return batch.copy_from.to_metadata(md, schema=batch.schema or batch.copy_from.schema)
    if impl.as_sql or impl.connection is None:
        what = reason or f"batch_alter_table({batch.table_name!r})"
        raise OfflineBatchError(
            f"{what} rebuilds the table on {impl.dialect_name}, and offline (--sql) mode "
            f"cannot reflect it: use op.batch_alter_table({batch.table_name!r}, "
            "copy_from=sa.Table(...)) describing the table as it is"
        )
    if not sa.inspect(impl.connection).has_table(batch.table_name, schema=batch.schema):
        raise BatchError(
            f"batch_alter_table: table {batch.table_name!r} does not exist on {impl.dialect_name}"
        )
    return sa.Table(
        batch.table_name,
        md,
        *[a._copy() if hasattr(a, "_copy") else a for a in batch.reflect_args],
        schema=batch.schema,
        autoload_with=impl.connection,
        **batch.reflect_kwargs,
    )


# -- the description of the table being rebuilt -------------------------------------------


@dataclass
class ColumnSpec:
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


@dataclass
class ConstraintSpec:
    kind: str  # "primary", "unique", "foreignkey", "check"
    name: Any
    columns: list[str] = field(default_factory=list)
    sqltext: Any = None
    referent: tuple[str | None, str] | None = None  # (schema, table)
    remote_cols: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class IndexSpec:
    name: Any
    columns: list[Any]
    unique: bool
    kw: dict[str, Any]


def _constraint_spec(c: sa.Constraint) -> ConstraintSpec | None:
    name = c.name if isinstance(c.name, str) else None  # not SQLAlchemy's "no name" marker
    opts = {
        k: getattr(c, k) for k in ("deferrable", "initially") if getattr(c, k, None) is not None
    }
    opts.update(c.dialect_kwargs)
    if isinstance(c, sa.PrimaryKeyConstraint):
        return ConstraintSpec("primary", name, [col.name for col in c.columns], options=opts)
    if isinstance(c, sa.UniqueConstraint):
        return ConstraintSpec("unique", name, [col.name for col in c.columns], options=opts)
    if isinstance(c, sa.CheckConstraint):
        return ConstraintSpec("check", name, sqltext=c.sqltext, options=opts)
    if isinstance(c, sa.ForeignKeyConstraint):
        elems = list(c.elements)
        tokens = [tuple(e._column_tokens) for e in elems]
        schema, table = tokens[0][0], tokens[0][1]
        if schema is None and table == c.table.name:
            schema = c.table.schema
        for key in ("onupdate", "ondelete", "match"):
            if getattr(c, key, None) is not None:
                opts[key] = getattr(c, key)
        return ConstraintSpec(
            "foreignkey",
            name,
            [e.parent.name for e in elems],
            referent=(schema, table),
            remote_cols=[t[2] for t in tokens],
            options=opts,
        )
    return None


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
        self.constraints: list[ConstraintSpec] = []
        for constraint in sorted(table.constraints, key=lambda c: str(c.name or "")):
            if type_checks.is_type_check(constraint):
                continue  # the column's type (copy_from) declares it again, or its successor
            spec = _constraint_spec(constraint)
            if spec is not None and not (spec.kind == "primary" and not spec.columns):
                self.constraints.append(spec)
        self.indexes: list[IndexSpec] = []
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            cols = [e.name if isinstance(e, sa.Column) else e for e in index.expressions]
            self.indexes.append(
                IndexSpec(index.name, cols, bool(index.unique), dict(index.dialect_kwargs))
            )
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
        for klass in type(op).__mro__:
            handler = _APPLY.get(klass)
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
                self.constraints.append(ConstraintSpec("primary", None, [col.name]))
            else:
                pk.columns.append(col.name)
        if col.unique:
            self.constraints.append(ConstraintSpec("unique", None, [col.name]))
        for fk in col.foreign_keys:
            schema, table, remote = tuple(fk._column_tokens)
            self.constraints.append(
                ConstraintSpec(
                    "foreignkey",
                    fk.name,
                    [col.name],
                    referent=(schema, table),
                    remote_cols=[remote],
                    options={
                        k: v for k, v in (("ondelete", fk.ondelete), ("onupdate", fk.onupdate)) if v
                    },
                )
            )
        if col.index:
            self.indexes.append(IndexSpec(None, [col.name], False, {}))
        self.place(col.name, op.kw)

    def drop_column(self, op: ops.DropColumnOp) -> None:
        if op.column_name not in self.columns:
            if op.if_exists:
                return
            self.column(op.column_name, op)
        del self.columns[op.column_name]
        name = op.column_name
        self.dropped.add(name)
        word = re.compile(
            rf"(?<![\w\"`\[]){re.escape(name)}(?![\w\"`\]])|[\"`\[]{re.escape(name)}[\"`\]]"
        )
        kept = []
        for spec in self.constraints:
            if spec.kind == "check":
                if word.search(str(spec.sqltext)):
                    continue
            elif spec.kind == "primary" and name in spec.columns:
                if len(spec.columns) == 1:
                    continue
                spec.columns.remove(name)
            kept.append(spec)
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
            old, new = op.column_name, op.modify_name
            spec.name = new
            self.columns = {(new if k == old else k): v for k, v in self.columns.items()}
            for c in self.constraints:
                c.columns = [new if x == old else x for x in c.columns]
                if c.kind == "check":
                    c.sqltext = self.rename_in_sql(c.sqltext, old, new)
            for i in self.indexes:
                i.columns = [new if x == old else x for x in i.columns]
        self.place(spec.name, op.kw)

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
        self.constraints = [
            c
            for c in self.constraints
            if c.kind != "check"
            or not (
                (c.name is not None and str(c.name) in names)
                or (c.name is None and type_checks.condition_text(c.sqltext, dialect) in conditions)
            )
        ]

    def rename_in_sql(self, sqltext: Any, old: str, new: str) -> Any:
        """A CHECK condition with column ``old`` renamed, outside string literals."""
        text = sqltext if isinstance(sqltext, str) else str(getattr(sqltext, "text", ""))
        if not text:
            return sqltext
        prep = self.impl.dialect.identifier_preparer
        name = re.compile(
            rf"(?<![\w\"`\[]){re.escape(old)}(?![\w\"`\]])|[\"`\[]{re.escape(old)}[\"`\]]"
        )
        parts = re.split(r"('(?:[^']|'')*')", text)
        renamed = "".join(
            p if i % 2 else name.sub(lambda m: prep.quote(new), p) for i, p in enumerate(parts)
        )
        return renamed

    def primary_key(self) -> ConstraintSpec | None:
        return next((c for c in self.constraints if c.kind == "primary"), None)

    def add_constraint(self, op: ops.AddConstraintOp) -> None:
        if isinstance(op, ops.CreatePrimaryKeyOp):
            self.constraints = [c for c in self.constraints if c.kind != "primary"]
            self.constraints.append(
                ConstraintSpec("primary", op.constraint_name, list(op.columns), options=dict(op.kw))
            )
        elif isinstance(op, ops.CreateUniqueConstraintOp):
            self.constraints.append(
                ConstraintSpec("unique", op.constraint_name, list(op.columns), options=dict(op.kw))
            )
        elif isinstance(op, ops.CreateCheckConstraintOp):
            self.constraints.append(
                ConstraintSpec(
                    "check", op.constraint_name, sqltext=op.condition, options=dict(op.kw)
                )
            )
        elif isinstance(op, ops.CreateForeignKeyOp):
            opts = {
                k: getattr(op, k)
                for k in ("onupdate", "ondelete", "deferrable", "initially", "match")
            }
            self.constraints.append(
                ConstraintSpec(
                    "foreignkey",
                    op.constraint_name,
                    list(op.local_cols),
                    referent=(op.referent_schema, op.referent_table),
                    remote_cols=list(op.remote_cols),
                    options={**{k: v for k, v in opts.items() if v is not None}, **op.kw},
                )
            )
        else:
            self.impl.build_constraint(op)  # raises for what this database cannot have
            raise BatchError(f"{op.op_name} cannot be part of a table rebuild")

    def drop_constraint(self, op: ops.DropConstraintOp) -> None:
        for spec in self.constraints:
            if spec.name is not None and str(spec.name) == op.constraint_name:
                self.constraints.remove(spec)
                return
        if op.if_exists:
            return
        named = sorted(str(c.name) for c in self.constraints if c.name is not None)
        raise BatchError(
            f"drop_constraint: table {self.name!r} has no constraint named {op.constraint_name!r} "
            f"(named ones: {', '.join(named) or 'none'}; unnamed ones can be named with "
            "batch_alter_table(..., naming_convention=...))"
        )

    def create_index(self, op: ops.CreateIndexOp) -> None:
        self.indexes.append(IndexSpec(op.index_name, list(op.columns), op.unique, dict(op.kw)))

    def drop_index(self, op: ops.DropIndexOp) -> None:
        for spec in self.indexes:
            if spec.name is not None and str(spec.name) == op.index_name:
                self.indexes.remove(spec)
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

    def build_constraint(self, spec: ConstraintSpec, table: sa.Table) -> sa.Constraint:
        name = spec.name
        if spec.kind == "primary":
            return sa.PrimaryKeyConstraint(*spec.columns, name=name, **spec.options)
        if spec.kind == "unique":
            return sa.UniqueConstraint(*spec.columns, name=name, **spec.options)
        if spec.kind == "check":
            text = sa.text(spec.sqltext) if isinstance(spec.sqltext, str) else spec.sqltext
            return sa.CheckConstraint(text, name=name, **spec.options)
        assert spec.referent is not None
        schema, ref_name = spec.referent
        ref = self.impl.stub_table(ref_name, schema, metadata=table.metadata)
        for col in spec.remote_cols:
            if col not in ref.c:
                ref.append_column(sa.Column(col, sa.types.NullType()))
        return sa.ForeignKeyConstraint(
            spec.columns, [ref.c[c] for c in spec.remote_cols], name=name, **spec.options
        )

    def new_table(self, name: str, inline: Any) -> tuple[sa.Table, list[ConstraintSpec]]:
        """The table to create, and the constraints to add once it has its final name."""
        md = sa.MetaData(naming_convention=self.batch.naming_convention or None)
        kwargs = {**self.table_kwargs, **self.batch.table_kwargs}
        if self.comment is not None:
            kwargs.setdefault("comment", self.comment)
        table = sa.Table(
            name, md, *[c.build() for c in self.columns.values()], schema=self.schema, **kwargs
        )
        later: list[ConstraintSpec] = []
        for spec in self.constraints:
            missing = [c for c in spec.columns if c not in table.c]
            if missing and set(missing) <= self.dropped:
                continue  # it went with its column
            if missing:
                raise BatchError(
                    f"batch_alter_table({self.name!r}): a {spec.kind} constraint names "
                    f"column {missing[0]!r}, which the table does not have"
                )
            if spec.kind in inline:
                table.append_constraint(self.build_constraint(spec, table))
            else:
                later.append(spec)
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
        for spec in later:
            constraint = self.build_constraint(spec, final)
            final.append_constraint(constraint)
            impl.execute(sa_ddl.AddConstraint(constraint))
        for spec in self.indexes:
            if any(
                isinstance(c, str) and c in self.dropped and c not in table.c for c in spec.columns
            ):
                continue  # it went with its column
            index = ops.CreateIndexOp(
                None if spec.name is None else str(spec.name),
                self.name,
                spec.columns,
                schema=self.schema,
                unique=spec.unique,
                **spec.kw,
            )
            impl.create_index(index)
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
