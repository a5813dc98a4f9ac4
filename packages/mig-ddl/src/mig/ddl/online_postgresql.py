"""PostgreSQL's lock-light forms (``mig upgrade --online``).

- ``create_index``: ``CREATE INDEX CONCURRENTLY`` (SHARE UPDATE EXCLUSIVE: reads and writes
  go on); an INVALID index left by a failed or killed build is dropped first (and after a
  failure), then built again.
- ``create_foreign_key`` / ``create_check_constraint``: ``ADD ... NOT VALID`` (a brief
  lock, no scan), then ``VALIDATE CONSTRAINT`` in its own transaction (SHARE UPDATE
  EXCLUSIVE: writes go on while the rows are checked).
- ``alter_column(nullable=False)``: ``CHECK (col IS NOT NULL) NOT VALID``, ``VALIDATE``,
  ``SET NOT NULL`` (PostgreSQL 12+ proves it from the validated check: no scan under the
  exclusive lock), then the helper check is dropped.
- ``create_unique_constraint``: the unique index built concurrently, then ``ADD CONSTRAINT
  ... UNIQUE USING INDEX`` (brief, no scan).

Each statement carries the catalog query that says whether it is still to do, so a rerun
after a crash does only what is missing.
"""

from __future__ import annotations

import copy
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import ddl as sa_ddl

from mig import ops
from mig.ddl.errors import MissingArgumentError
from mig.ddl.impl import DefaultImpl
from mig.ddl.online import (
    ONLINE_DIALECTS,
    PLAIN_LOCKS,
    LockLightPlan,
    LockLightStatement,
    OnlineDialect,
    driver_error,
    literal,
    online_form,
)

PG = ("postgresql",)

BRIEF_EXCLUSIVE = "ACCESS EXCLUSIVE on {t}, brief (no scan): waits at most lock_timeout"
SUE = "SHARE UPDATE EXCLUSIVE on {t}: reads and writes go on"
CHECK_NAME_PREFIX = "mig_nn_"


def _qualified(impl: DefaultImpl, name: str, schema: str | None) -> str:
    """``schema.name`` as the run's statements reach it (its schema_translate_map applied)."""
    prep = impl.dialect.identifier_preparer
    schema = impl.catalog_schema(schema)
    return f"{prep.quote_schema(schema)}.{prep.quote(name)}" if schema else prep.quote(name)


def _regclass(impl: DefaultImpl, name: str, schema: str | None) -> str:
    return f"to_regclass({literal(_qualified(impl, name, schema))})"


def _need_name(impl: DefaultImpl, op: Any, name: Any, what: str) -> str:
    if not name:
        raise MissingArgumentError(
            op.op_name,
            impl.dialect_name,
            what,
            "--online finds what a crashed run left by name; give the name (or a naming "
            "convention)",
        )
    return str(name)


# -- catalog conditions (boolean SQL expressions; a statement's run_if selects them) ------


def _select(*conditions: str) -> str:
    return "SELECT " + " AND ".join(f"({c})" for c in conditions)


def _index_missing(impl: DefaultImpl, name: str, schema: str | None) -> str:
    return f"{_regclass(impl, name, schema)} IS NULL"


def _index_invalid(impl: DefaultImpl, name: str, schema: str | None) -> str:
    return (
        "EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = "
        f"{_regclass(impl, name, schema)} AND NOT indisvalid)"
    )


def _constraint(
    impl: DefaultImpl, table: str, schema: str | None, name: str, extra: str = ""
) -> str:
    return (
        "EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = "
        f"{_regclass(impl, table, schema)} AND conname = {literal(name)}{extra})"
    )


def _constraint_missing(impl: DefaultImpl, table: str, schema: str | None, name: str) -> str:
    return "NOT " + _constraint(impl, table, schema, name)


def _constraint_not_valid(impl: DefaultImpl, table: str, schema: str | None, name: str) -> str:
    return _constraint(impl, table, schema, name, " AND NOT convalidated")


def _column_nullable(impl: DefaultImpl, table: str, schema: str | None, column: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = "
        f"{_regclass(impl, table, schema)} AND attname = {literal(column)} AND NOT attnotnull)"
    )


# -- the pieces shared by the forms ---------------------------------------------------------


def _drop_invalid(impl: DefaultImpl, name: str, table: str, schema: str | None) -> Any:
    return LockLightStatement(
        f"DROP INDEX CONCURRENTLY IF EXISTS {_qualified(impl, name, schema)}",
        SUE.format(t=table) + " (drops the INVALID index a failed build left)",
        run_if=_select(_index_invalid(impl, name, schema)),
    )


def _validate(impl: DefaultImpl, table: str, schema: str | None, name: str, lock: str) -> Any:
    return LockLightStatement(
        f"ALTER TABLE {_qualified(impl, table, schema)} VALIDATE CONSTRAINT "
        f"{impl.dialect.identifier_preparer.quote(name)}",
        lock,
        run_if=_select(_constraint_not_valid(impl, table, schema, name)),
    )


def _add_not_valid(
    impl: DefaultImpl, constraint: sa.Constraint, table: str, schema: Any, lock: str
):
    return LockLightStatement(
        impl.render(sa_ddl.AddConstraint(constraint)) + " NOT VALID",
        lock,
        run_if=_select(_constraint_missing(impl, table, schema, str(constraint.name))),
    )


# -- the forms ------------------------------------------------------------------------------


@online_form(ops.CreateIndexOp, dialects=PG)
def create_index(impl: DefaultImpl, op: ops.CreateIndexOp) -> LockLightPlan:
    index = impl.build_index(op)
    name = _need_name(impl, op, index.name, "index_name")
    index.dialect_options["postgresql"]["concurrently"] = True
    build = impl.render(sa_ddl.CreateIndex(index, if_not_exists=bool(op.if_not_exists)))
    drop = _drop_invalid(impl, name, op.table_name, op.schema)
    return LockLightPlan(
        op.op_name,
        _qualified(impl, name, op.schema),
        (
            drop,
            LockLightStatement(
                build,
                SUE.format(t=op.table_name) + " (builds without blocking writes)",
                run_if=_select(_index_missing(impl, name, op.schema)),
            ),
        ),
        cleanup=(drop,),
    )


@online_form(ops.CreateForeignKeyOp, dialects=PG)
def create_foreign_key(impl: DefaultImpl, op: ops.CreateForeignKeyOp) -> LockLightPlan:
    constraint = impl.build_constraint(op)
    name = _need_name(impl, op, constraint.name, "constraint_name")
    table, schema = op.source_table, op.source_schema
    both = f"{op.source_table} and {op.referent_table}"
    return LockLightPlan(
        op.op_name,
        f"{table}.{name}",
        (
            _add_not_valid(
                impl,
                constraint,
                table,
                schema,
                f"SHARE ROW EXCLUSIVE on {both}, brief (no scan): waits at most lock_timeout",
            ),
            _validate(
                impl,
                table,
                schema,
                name,
                f"SHARE UPDATE EXCLUSIVE on {table}, ROW SHARE on {op.referent_table}: "
                "writes go on while existing rows are checked",
            ),
        ),
    )


@online_form(ops.CreateCheckConstraintOp, dialects=PG)
def create_check_constraint(impl: DefaultImpl, op: ops.CreateCheckConstraintOp) -> LockLightPlan:
    constraint = impl.build_constraint(op)
    name = _need_name(impl, op, constraint.name, "constraint_name")
    return LockLightPlan(
        op.op_name,
        f"{op.table_name}.{name}",
        (
            _add_not_valid(
                impl, constraint, op.table_name, op.schema, BRIEF_EXCLUSIVE.format(t=op.table_name)
            ),
            _validate(
                impl,
                op.table_name,
                op.schema,
                name,
                SUE.format(t=op.table_name) + " while existing rows are checked",
            ),
        ),
    )


def not_null_check_name(table: str, column: str) -> str:
    """The helper check's name, within PostgreSQL's 63 bytes."""
    return f"{CHECK_NAME_PREFIX}{table}_{column}"[:63]


@online_form(ops.AlterColumnOp, dialects=PG)
def alter_column(impl: DefaultImpl, op: ops.AlterColumnOp) -> LockLightPlan | None:
    if op.modify_nullable is not False:
        return None  # only SET NOT NULL scans under an exclusive lock
    rest = copy.copy(op)
    rest.modify_nullable = None
    others = impl.alter_column_elements(rest) or impl.type_check_elements(rest) != ([], [])
    column = op.modify_name or op.column_name
    t, s = op.table_name, op.schema
    prep = impl.dialect.identifier_preparer
    check = not_null_check_name(t, column)
    table = _qualified(impl, t, s)
    exists = _constraint(impl, t, s, check)
    version = getattr(impl.dialect, "server_version_info", None) or (12,)
    set_lock = BRIEF_EXCLUSIVE.format(t=t)
    notes: tuple[str, ...] = ()
    if version < (12,):
        set_lock = f"ACCESS EXCLUSIVE on {t} while every row is scanned (PostgreSQL < 12)"
        notes = ("PostgreSQL < 12 scans the table again for SET NOT NULL",)
    return LockLightPlan(
        op.op_name,
        f"{t}.{column}",
        (
            LockLightStatement(
                f"ALTER TABLE {table} ADD CONSTRAINT {prep.quote(check)} "
                f"CHECK ({prep.quote(column)} IS NOT NULL) NOT VALID",
                BRIEF_EXCLUSIVE.format(t=t),
                run_if=_select("NOT " + exists, _column_nullable(impl, t, s, column)),
            ),
            _validate(impl, t, s, check, SUE.format(t=t) + " while existing rows are checked"),
            LockLightStatement(
                f"ALTER TABLE {table} ALTER COLUMN {prep.quote(column)} SET NOT NULL",
                set_lock,
                run_if=_select(_column_nullable(impl, t, s, column)),
            ),
            LockLightStatement(
                f"ALTER TABLE {table} DROP CONSTRAINT {prep.quote(check)}",
                BRIEF_EXCLUSIVE.format(t=t),
                run_if=_select(exists),
            ),
        ),
        notes=notes,
        rest=rest if others else None,
    )


@online_form(ops.CreateUniqueConstraintOp, dialects=PG)
def create_unique_constraint(impl: DefaultImpl, op: ops.CreateUniqueConstraintOp) -> LockLightPlan:
    constraint = impl.build_constraint(op)
    name = _need_name(impl, op, constraint.name, "constraint_name")
    prep = impl.dialect.identifier_preparer
    t, s = op.table_name, op.schema
    columns = ", ".join(prep.quote(c) for c in op.columns)
    drop = _drop_invalid(impl, name, t, s)
    tail = ""
    if constraint.deferrable is not None:
        tail += " DEFERRABLE" if constraint.deferrable else " NOT DEFERRABLE"
    if constraint.initially:
        tail += f" INITIALLY {constraint.initially}"
    missing = _constraint_missing(impl, t, s, name)
    return LockLightPlan(
        op.op_name,
        f"{t}.{name}",
        (
            drop,
            LockLightStatement(
                f"CREATE UNIQUE INDEX CONCURRENTLY {prep.quote(name)} ON "
                f"{_qualified(impl, t, s)} ({columns})",
                SUE.format(t=t) + " (builds without blocking writes)",
                run_if=_select(_index_missing(impl, name, s), missing),
            ),
            LockLightStatement(
                f"ALTER TABLE {_qualified(impl, t, s)} ADD CONSTRAINT {prep.quote(name)} "
                f"UNIQUE USING INDEX {prep.quote(name)}{tail}",
                BRIEF_EXCLUSIVE.format(t=t),
                run_if=_select(missing),
            ),
        ),
        cleanup=(drop,),
    )


# -- what runs as written, and the lock it takes ---------------------------------------------


def _exclusive(impl: DefaultImpl, op: Any) -> str:
    table = getattr(op, "table_name", None) or getattr(op, "source_table", "the table")
    return f"ACCESS EXCLUSIVE on {table}, brief: no lock-light form, runs as written"


def _alter_column_lock(impl: DefaultImpl, op: ops.AlterColumnOp) -> str:
    if op.modify_type is not None:
        return (
            f"ACCESS EXCLUSIVE on {op.table_name} for the whole table rewrite (a type change "
            "that rewrites the table has no lock-light form): reads and writes wait"
        )
    return _exclusive(impl, op)


def _drop_column_lock(impl: DefaultImpl, op: ops.DropColumnOp) -> str:
    return (
        f"ACCESS EXCLUSIVE on {op.table_name}, brief: no lock-light form; code still reading "
        f"{op.column_name} fails once it is gone"
    )


for _cls in (
    ops.AddColumnOp,
    ops.DropConstraintOp,
    ops.CreatePrimaryKeyOp,
    ops.RenameTableOp,
    ops.DropTableOp,
    ops.DropIndexOp,
):
    PLAIN_LOCKS.register(_cls, _exclusive, "postgresql")
PLAIN_LOCKS.register(ops.AlterColumnOp, _alter_column_lock, "postgresql")
PLAIN_LOCKS.register(ops.DropColumnOp, _drop_column_lock, "postgresql")


# -- session timeouts -----------------------------------------------------------------------


def _set(connection: Any, name: str, seconds: float, local: bool) -> str | None:
    previous = connection.exec_driver_sql(f"SELECT current_setting('{name}')").scalar()
    connection.exec_driver_sql(
        f"SELECT set_config('{name}', '{int(seconds * 1000)}ms', {'true' if local else 'false'})"
    )
    return previous


def _restore(connection: Any, name: str, previous: str | None) -> None:
    if previous is not None:
        connection.exec_driver_sql(f"SELECT set_config('{name}', {literal(previous)}, false)")


def _sqlstate(exc: BaseException) -> str | None:
    orig = driver_error(exc)
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


ONLINE_DIALECTS["postgresql"] = OnlineDialect(
    lock_timeout_setting="lock_timeout",
    statement_timeout_setting="statement_timeout",
    set_timeout=_set,
    restore_timeout=_restore,
    is_lock_timeout=lambda exc: _sqlstate(exc) == "55P03",
    transactional_ddl=True,
    timeout_sql=lambda name, seconds: f"SET {name} = '{int(seconds * 1000)}ms'",
)
