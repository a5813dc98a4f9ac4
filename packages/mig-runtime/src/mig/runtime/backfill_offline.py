"""``op.backfill`` offline (``--sql``): the batches as a loop the database runs itself.

The script is applied later by someone else's client, so the loop must live in SQL:

- PostgreSQL: a ``DO`` block that walks the key and ``COMMIT``s after each batch (allowed in
  ``DO`` since PostgreSQL 11 when it is not inside a transaction block: the runtime writes
  it between the step's ``COMMIT`` and ``BEGIN``; ``psql`` runs it as written). The key
  variables take the key columns' types (``%TYPE``), and each batch raises a NOTICE with
  the rows done.
- MySQL / MariaDB: a stored procedure, created (between ``DELIMITER`` lines, for the
  ``mysql``/``mariadb`` client), called and dropped; each batch commits and selects the
  rows done.
- SQLite and the others: one ``UPDATE`` with a comment saying why (SQLite has no procedural
  SQL, and a SQLite file has no concurrent writers for batches to make room for).

A script killed part way is not resumable from its own output: rerun it from the step.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from mig.runtime.backfill_sql import BackfillStatements, compare_keys

Writer = Callable[[Any, BackfillStatements, str, str], None]


def _variables(prefix: str, statements: BackfillStatements) -> list[sa.ColumnElement[Any]]:
    return [sa.literal_column(f"{prefix}_{i}") for i in range(len(statements.key))]


def _key_list(statements: BackfillStatements) -> str:
    return ", ".join(c.name for c in statements.key)


def _header(statements: BackfillStatements, table: str) -> str:
    return (
        f"-- op.backfill {table}: batches of {statements.batch_size} rows by "
        f"({_key_list(statements)}), each committed"
    )


def _loop_parts(
    impl: Any, statements: BackfillStatements, first: str, last: str, upper: str
) -> tuple[str, str, str, str]:
    """The SELECT of the next upper key, the bounded and the final UPDATE, and the INTO list."""
    lasts = _variables(last, statements)
    uppers = _variables(upper, statements)
    after = sa.or_(
        sa.literal_column(first), compare_keys(statements.key, lasts, ">", statements.row_values)
    )
    select = impl.render(statements.next_upper(None, after=after))
    bounded = impl.render(statements.update(None, uppers, after=after))
    final = impl.render(statements.update(None, None, after=after))
    into = ", ".join(f"{upper}_{i}" for i in range(len(statements.key)))
    return select, bounded, final, into


def _indent(sql: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join((pad + line).rstrip() for line in sql.splitlines())


def write_postgresql(impl: Any, statements: BackfillStatements, table: str, name: str) -> None:
    prep = impl.dialect.identifier_preparer
    qualified = prep.format_table(statements.table)
    select, bounded, final, into = _loop_parts(
        impl, statements, "mig_first", "mig_last", "mig_upper"
    )
    declare = ["    mig_first boolean := true;", "    mig_rows bigint := 0;", "    mig_n bigint;"]
    for i, column in enumerate(statements.key):
        column_type = f"{qualified}.{prep.quote(column.name)}%TYPE"
        declare += [f"    mig_last_{i} {column_type};", f"    mig_upper_{i} {column_type};"]
    shift = "\n".join(f"        mig_last_{i} := mig_upper_{i};" for i in range(len(statements.key)))
    quoted_table = table.replace("'", "''").replace("%", "%%")
    notice = f"        RAISE NOTICE 'backfill {quoted_table}: % rows done', mig_rows;"
    count = "        GET DIAGNOSTICS mig_n = ROW_COUNT;\n        mig_rows := mig_rows + mig_n;"
    body = "\n".join(
        [
            "DO $mig_backfill$",
            "DECLARE",
            *declare,
            "BEGIN",
            "    LOOP",
            _indent(f"{select}\nINTO {into};", 8),
            "        IF NOT FOUND THEN",
            _indent(f"{final};", 12),
            "    " + count.replace("\n", "\n    "),
            "    " + notice,
            "            COMMIT;",
            "            EXIT;",
            "        END IF;",
            _indent(f"{bounded};", 8),
            count,
            notice,
            "        COMMIT;",
            "        mig_first := false;",
            shift,
            "    END LOOP;",
            "END",
            "$mig_backfill$;",
        ]
    )
    impl.static_output(_header(statements, table))
    impl.static_output(body)


def write_mysql(impl: Any, statements: BackfillStatements, table: str, name: str) -> None:
    select, bounded, final, into = _loop_parts(
        impl, statements, "@mig_first", "@mig_last", "@mig_upper"
    )
    reset_upper = ", ".join(f"@mig_upper_{i} = NULL" for i in range(len(statements.key)))
    lasts = ", ".join(f"@mig_last_{i} = NULL" for i in range(len(statements.key)))
    shift = ", ".join(f"@mig_last_{i} = @mig_upper_{i}" for i in range(len(statements.key)))
    quoted_table = table.replace("'", "''")
    rows = f"SELECT '{quoted_table}' AS backfill, @mig_rows AS rows_done;"
    body = "\n".join(
        [
            f"CREATE PROCEDURE {name}()",
            "BEGIN",
            f"    SET @mig_first = TRUE, @mig_rows = 0, {lasts};",
            "    mig_loop: LOOP",
            f"        SET {reset_upper};",
            _indent(f"{select}\nINTO {into};", 8),
            "        IF @mig_upper_0 IS NULL THEN",
            _indent(f"{final};", 12),
            "            SET @mig_rows = @mig_rows + ROW_COUNT();",
            "            COMMIT;",
            f"            {rows}",
            "            LEAVE mig_loop;",
            "        END IF;",
            _indent(f"{bounded};", 8),
            "        SET @mig_rows = @mig_rows + ROW_COUNT();",
            "        COMMIT;",
            f"        {rows}",
            f"        SET @mig_first = FALSE, {shift};",
            "    END LOOP;",
            "END//",
        ]
    )
    impl.static_output(_header(statements, table))
    impl.static_output(f"DROP PROCEDURE IF EXISTS {name};")
    impl.static_output("DELIMITER //")
    impl.static_output(body)
    impl.static_output("DELIMITER ;")
    impl.static_output(f"CALL {name}();")
    impl.static_output(f"DROP PROCEDURE {name};")


def _single_update(why: str) -> Writer:
    def write(impl: Any, statements: BackfillStatements, table: str, name: str) -> None:
        impl.static_output(
            f"-- op.backfill {table}: one UPDATE, not batches of {statements.batch_size} rows: "
            f"{why} (online, mig runs the batches)"
        )
        impl.execute(statements.update(None, None))

    return write


OFFLINE_WRITERS: dict[str, Writer] = {
    "postgresql": write_postgresql,
    "mysql": write_mysql,
    "mariadb": write_mysql,
    "sqlite": _single_update("SQLite has no procedural SQL to loop in"),
}
"""Per dialect name: how a backfill is written offline."""

DEFAULT_WRITER = _single_update("mig writes no batch loop for this database")


def procedure_name(step: Any, index: int) -> str:
    """A stored procedure name for the step's ``index``-th backfill (64 characters at most)."""
    revision = re.sub(r"[^A-Za-z0-9_]", "_", str(getattr(step, "revision", "") or "run"))
    return f"mig_backfill_{revision}_{index}"[:64]


def write_offline(
    impl: Any, statements: BackfillStatements, table: str, step: Any, index: int
) -> None:
    """Write the backfill for ``impl``'s dialect (see the module docstring)."""
    writer = OFFLINE_WRITERS.get(impl.dialect.name, DEFAULT_WRITER)
    writer(impl, statements, table, procedure_name(step, index))
