"""MySQL and MariaDB's lock-light forms (``mig upgrade --online``).

The statement a directive becomes is the one it becomes anyway, with the algorithm asked
for: ``ALGORITHM=INSTANT`` first, then ``ALGORITHM=INPLACE, LOCK=NONE``. The server is the
judge of what it can do for that change on that table; when it refuses both, the run stops
with one line naming the op and the server's reason, rather than copying the table under a
lock that blocks writes. ``create_foreign_key`` is refused outright: InnoDB adds a foreign
key in place only with ``foreign_key_checks=0``, which leaves existing rows unchecked.
"""

from __future__ import annotations

from typing import Any

from mig import ops
from mig.ddl.impl import DefaultImpl
from mig.ddl.online import (
    ONLINE_DIALECTS,
    PLAIN_LOCKS,
    LockLightPlan,
    LockLightStatement,
    OnlineDialect,
    OnlineRefused,
    driver_error,
    literal,
    online_form,
    statements_as_written,
)

MY = ("mysql", "mariadb")
ALGORITHM_REFUSED = frozenset({1845, 1846})
"""ER_ALTER_OPERATION_NOT_SUPPORTED(_REASON): the server cannot use that algorithm here."""
LOCK_WAIT_TIMEOUT = 1205
NO_WRITE_BLOCK = "metadata lock, brief at start and end; writes go on (LOCK=NONE)"


def _spellings(sql: str) -> tuple[str, tuple[str, ...]]:
    """``sql`` with INSTANT asked for, and the INPLACE, LOCK=NONE spelling to try next."""
    if sql.upper().startswith("CREATE"):  # CREATE INDEX takes the options without commas
        return f"{sql} ALGORITHM=INSTANT", (f"{sql} ALGORITHM=INPLACE LOCK=NONE",)
    return f"{sql}, ALGORITHM=INSTANT", (f"{sql}, ALGORITHM=INPLACE, LOCK=NONE",)


def _where(impl: DefaultImpl, table: str, schema: str | None) -> str:
    schema = impl.catalog_schema(schema)  # the database a schema_translate_map points at
    where = "DATABASE()" if schema is None else literal(schema)
    return f"table_schema = {where} AND table_name = {literal(table)}"


def _plan(impl: DefaultImpl, op: Any, target: str, run_if: str | None) -> LockLightPlan:
    statements = []
    for sql in statements_as_written(impl, op):
        first, rest = _spellings(sql)
        statements.append(
            LockLightStatement(first, NO_WRITE_BLOCK, run_if=run_if, alternatives=rest)
        )
    return LockLightPlan(op.op_name, target, tuple(statements))


@online_form(ops.CreateIndexOp, dialects=MY)
def create_index(impl: DefaultImpl, op: ops.CreateIndexOp) -> LockLightPlan:
    name = op.index_name or impl.build_index(op).name
    run_if = None
    if name:
        run_if = (
            "SELECT COUNT(*) = 0 FROM information_schema.statistics WHERE "
            f"{_where(impl, op.table_name, op.schema)} AND index_name = {literal(str(name))}"
        )
    return _plan(impl, op, f"{op.table_name}.{name}", run_if)


def _constraint_plan(impl: DefaultImpl, op: Any) -> LockLightPlan:
    name = impl.build_constraint(op).name
    run_if = None
    if name:
        run_if = (
            "SELECT COUNT(*) = 0 FROM information_schema.table_constraints WHERE "
            f"{_where(impl, op.table_name, op.schema)} AND constraint_name = {literal(str(name))}"
        )
    return _plan(impl, op, f"{op.table_name}.{name}", run_if)


online_form(ops.CreateUniqueConstraintOp, ops.CreateCheckConstraintOp, dialects=MY)(
    _constraint_plan
)


@online_form(ops.CreateForeignKeyOp, dialects=MY)
def create_foreign_key(impl: DefaultImpl, op: ops.CreateForeignKeyOp) -> LockLightPlan:
    raise OnlineRefused(
        f"--online: create_foreign_key {op.constraint_name or ''} on {op.source_table} "
        f"refused: {impl.dialect_name} checks existing rows only with ALGORITHM=COPY, which "
        "blocks writes for the whole copy (run it without --online in a quiet window)"
    )


@online_form(ops.AlterColumnOp, dialects=MY)
def alter_column(impl: DefaultImpl, op: ops.AlterColumnOp) -> LockLightPlan | None:
    if op.modify_nullable is not False:
        return None
    only_nullable = (
        op.modify_type is None
        and op.modify_name is None
        and op.modify_server_default is False
        and op.modify_comment is False
    )
    run_if = None
    if only_nullable:
        run_if = (
            "SELECT COUNT(*) > 0 FROM information_schema.columns WHERE "
            f"{_where(impl, op.table_name, op.schema)} AND column_name = {literal(op.column_name)} "
            "AND is_nullable = 'YES'"
        )
    return _plan(impl, op, f"{op.table_name}.{op.column_name}", run_if)


def _copy_lock(impl: DefaultImpl, op: Any) -> str:
    table = getattr(op, "table_name", "the table")
    return f"as written: the server picks the algorithm for {table} (may copy the table)"


for _cls in (ops.AddColumnOp, ops.DropColumnOp, ops.DropConstraintOp, ops.DropIndexOp):
    for _name in MY:
        PLAIN_LOCKS.register(_cls, _copy_lock, _name)


# -- session timeouts -----------------------------------------------------------------------


def _value(name: str, seconds: float) -> float | int:
    """lock_wait_timeout takes whole seconds (at least 1)."""
    return max(1, round(seconds)) if name == "lock_wait_timeout" else seconds


def _set(connection: Any, name: str, seconds: float, local: bool) -> str | None:
    previous = connection.exec_driver_sql(f"SELECT @@SESSION.{name}").scalar()
    connection.exec_driver_sql(f"SET SESSION {name} = {_value(name, seconds)}")
    return None if previous is None else str(previous)


def _restore(connection: Any, name: str, previous: str | None) -> None:
    if previous is not None:
        connection.exec_driver_sql(f"SET SESSION {name} = {previous}")


def _errno(exc: BaseException) -> int | None:
    args = getattr(driver_error(exc), "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def _dialect(statement_timeout: str | None) -> OnlineDialect:
    return OnlineDialect(
        lock_timeout_setting="lock_wait_timeout",
        statement_timeout_setting=statement_timeout,
        set_timeout=_set,
        restore_timeout=_restore,
        is_lock_timeout=lambda exc: _errno(exc) == LOCK_WAIT_TIMEOUT,
        is_algorithm_refused=lambda exc: _errno(exc) in ALGORITHM_REFUSED,
        timeout_sql=lambda name, seconds: f"SET SESSION {name} = {_value(name, seconds)}",
    )


ONLINE_DIALECTS["mysql"] = _dialect(None)  # max_execution_time bounds SELECTs only
ONLINE_DIALECTS["mariadb"] = _dialect("max_statement_time")
