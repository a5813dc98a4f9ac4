"""MySQL/MariaDB ``alter_column``: online and offline restate the column the same way.

MODIFY / CHANGE restate the whole column. As in Alembic, what the directive does not say
comes from its ``existing_*`` arguments only, so a revision without ``existing_nullable``
leaves the column nullable, online as in the offline SQL. (Online mig used to read the
nullability from the database, leaving ``NOT NULL`` where the offline script said NULL.)
Live on MariaDB (the other backends skip), against the offline text of both dialects.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mig import ops
from mig.ddl import to_sql

VARIANTS = {
    "type": ({}, "ALTER TABLE jobs MODIFY job_name VARCHAR(200)"),
    "server_default": (
        {"modify_server_default": "none"},
        "ALTER TABLE jobs MODIFY job_name VARCHAR(200) DEFAULT 'none'",
    ),
    "comment": (
        {"modify_comment": "the name"},
        "ALTER TABLE jobs MODIFY job_name VARCHAR(200) COMMENT 'the name'",
    ),
    "new_column_name": (
        {"modify_name": "name"},
        "ALTER TABLE jobs CHANGE job_name name VARCHAR(200)",
    ),
}


def _alter(**kw) -> ops.AlterColumnOp:
    return ops.AlterColumnOp(
        "jobs", "job_name", modify_type=sa.String(200), existing_type=sa.String(100), **kw
    )


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_online_restates_what_offline_does(engine, migrate, variant):
    if engine.dialect.name not in ("mysql", "mariadb"):
        pytest.skip("MODIFY / CHANGE are MySQL's")
    kw, offline = VARIANTS[variant]
    assert to_sql(_alter(**kw), "mysql") == [offline]
    assert to_sql(_alter(**kw), "mariadb") == [offline]
    migrate(
        lambda op: op.create_table(
            "jobs",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("job_name", sa.String(100), nullable=False, server_default="x"),
        )
    )
    sent: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        if statement.lstrip().upper().startswith("ALTER"):
            sent.append(statement.strip())

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        migrate(lambda op: op.invoke(_alter(**kw)))
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert sent == [offline]
    column = {c["name"]: c for c in sa.inspect(engine).get_columns("jobs")}[
        kw.get("modify_name", "job_name")
    ]
    assert column["nullable"] is True
    assert column["type"].length == 200
