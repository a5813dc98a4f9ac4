"""op.backfill offline (--sql): the exact text per dialect, and on PostgreSQL and MariaDB the
written SQL run through psql / the mariadb client, with the rows checked after."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
import sqlalchemy as sa
from steps_source import Chain

from mig.ops import op
from mig.runtime import EnvironmentContext, StepFailed, context


def create_items() -> None:
    t = op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("n", sa.Integer),
        sa.Column("cnt", sa.Integer, nullable=False, server_default="0"),
    )
    op.bulk_insert(t, [{"id": i, "n": i} for i in range(1, 26)])


def fill() -> None:
    op.backfill(
        "items",
        {"cnt": sa.text("cnt + 1"), "n": 0},
        where="id % 2 = 1",
        batch_size=4,
        primary_key=["id"],
    )


def offline(dialect: str, upgrade=fill, **configure) -> str:
    chain = Chain([("r1", create_items, lambda: None), ("r2", upgrade, lambda: None)])
    buffer = io.StringIO()
    with EnvironmentContext(
        None, chain, fn=lambda h, c: chain.plan_upgrade(h, "head"), as_sql=True
    ):
        context.configure(
            dialect_name=dialect, output_buffer=buffer, history_table=False, **configure
        )
        with context.begin_transaction():
            context.run_migrations()
    return buffer.getvalue()


def step_text(sql: str) -> str:
    """From r2's comment to its version UPDATE."""
    start = sql.index("-- Running upgrade r1 -> r2")
    end = sql.index("UPDATE mig_version SET")
    return sql[start:end]


POSTGRESQL = """\
-- Running upgrade r1 -> r2

COMMIT;

-- op.backfill items: batches of 4 rows by (id), each committed

DO $mig_backfill$
DECLARE
    mig_first boolean := true;
    mig_rows bigint := 0;
    mig_n bigint;
    mig_last_0 items.id%TYPE;
    mig_upper_0 items.id%TYPE;
BEGIN
    LOOP
        SELECT items.id
        FROM items
        WHERE (mig_first OR items.id > mig_last_0) AND (id % 2 = 1) ORDER BY items.id
         LIMIT 1 OFFSET 3
        INTO mig_upper_0;
        IF NOT FOUND THEN
            UPDATE items SET cnt=cnt + 1, n=0 WHERE (mig_first OR items.id > mig_last_0) AND (id % 2 = 1);
            GET DIAGNOSTICS mig_n = ROW_COUNT;
            mig_rows := mig_rows + mig_n;
            RAISE NOTICE 'backfill items: % rows done', mig_rows;
            COMMIT;
            EXIT;
        END IF;
        UPDATE items SET cnt=cnt + 1, n=0 WHERE (mig_first OR items.id > mig_last_0) AND items.id <= mig_upper_0 AND (id % 2 = 1);
        GET DIAGNOSTICS mig_n = ROW_COUNT;
        mig_rows := mig_rows + mig_n;
        RAISE NOTICE 'backfill items: % rows done', mig_rows;
        COMMIT;
        mig_first := false;
        mig_last_0 := mig_upper_0;
    END LOOP;
END
$mig_backfill$;

BEGIN;

"""

MARIADB = """\
-- Running upgrade r1 -> r2

-- op.backfill items: batches of 4 rows by (id), each committed

DROP PROCEDURE IF EXISTS mig_backfill_r2_0;

DELIMITER //

CREATE PROCEDURE mig_backfill_r2_0()
BEGIN
    SET @mig_first = TRUE, @mig_rows = 0, @mig_last_0 = NULL;
    mig_loop: LOOP
        SET @mig_upper_0 = NULL;
        SELECT items.id
        FROM items
        WHERE (@mig_first OR items.id > @mig_last_0) AND (id % 2 = 1) ORDER BY items.id
         LIMIT 3, 1
        INTO @mig_upper_0;
        IF @mig_upper_0 IS NULL THEN
            UPDATE items SET cnt=cnt + 1, n=0 WHERE (@mig_first OR items.id > @mig_last_0) AND (id % 2 = 1);
            SET @mig_rows = @mig_rows + ROW_COUNT();
            COMMIT;
            SELECT 'items' AS backfill, @mig_rows AS rows_done;
            LEAVE mig_loop;
        END IF;
        UPDATE items SET cnt=cnt + 1, n=0 WHERE (@mig_first OR items.id > @mig_last_0) AND items.id <= @mig_upper_0 AND (id % 2 = 1);
        SET @mig_rows = @mig_rows + ROW_COUNT();
        COMMIT;
        SELECT 'items' AS backfill, @mig_rows AS rows_done;
        SET @mig_first = FALSE, @mig_last_0 = @mig_upper_0;
    END LOOP;
END//

DELIMITER ;

CALL mig_backfill_r2_0();

DROP PROCEDURE mig_backfill_r2_0;

"""

SQLITE = """\
-- Running upgrade r1 -> r2

COMMIT;

-- op.backfill items: one UPDATE, not batches of 4 rows: SQLite has no procedural SQL to loop in (online, mig runs the batches)

UPDATE items SET cnt=cnt + 1, n=0 WHERE (id % 2 = 1);

BEGIN;

"""

MSSQL = """\
-- Running upgrade r1 -> r2

COMMIT;
GO

-- op.backfill items: one UPDATE, not batches of 4 rows: mig writes no batch loop for this database (online, mig runs the batches)

UPDATE items SET cnt=cnt + 1, n=0 WHERE (id % 2 = 1);
GO

BEGIN TRANSACTION;
GO

"""


@pytest.mark.parametrize(
    "dialect,expected",
    [("postgresql", POSTGRESQL), ("mariadb", MARIADB), ("sqlite", SQLITE), ("mssql", MSSQL)],
)
def test_offline_text_per_dialect(dialect, expected) -> None:
    assert step_text(offline(dialect)) == expected


def test_composite_key_offline_uses_row_values_where_supported() -> None:
    def pairs() -> None:
        op.backfill("pairs", {"cnt": 1}, batch_size=2, primary_key=["a", "b"])

    pg = step_text(offline("postgresql", pairs))
    assert "WHERE (mig_first OR (pairs.a, pairs.b) > (mig_last_0, mig_last_1))" in pg
    assert "AND (pairs.a, pairs.b) <= (mig_upper_0, mig_upper_1);" in pg
    assert "INTO mig_upper_0, mig_upper_1;" in pg
    assert "mig_last_1 pairs.b%TYPE;" in pg


def test_offline_needs_the_primary_key() -> None:
    def no_key() -> None:
        op.backfill("items", {"cnt": 1})

    with pytest.raises(StepFailed) as info:
        offline("postgresql", no_key)
    assert str(info.value) == (
        "upgrade of revision r2 failed: op.backfill(): offline (--sql) mode cannot read the "
        "primary key of 'items': pass primary_key=[...] (or a Table that has one)"
    )


def _client(engine: sa.Engine) -> list[str]:
    url = engine.url
    if engine.dialect.name == "postgresql":
        return [
            shutil.which("psql") or "psql",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            url.host or "127.0.0.1",
            "-p",
            str(url.port or 5432),
            "-U",
            url.username or "root",
            "-d",
            url.database or "",
        ]
    return [
        shutil.which("mariadb") or "mariadb",
        "-h",
        url.host or "127.0.0.1",
        "-P",
        str(url.port or 3306),
        "-u",
        url.username or "root",
        url.database or "",
    ]


def test_offline_sql_runs_in_the_database_client(engine) -> None:
    sql = offline(engine.dialect.name)
    if engine.dialect.name == "sqlite":  # one UPDATE: run by the driver's script runner
        raw = engine.raw_connection()
        try:
            raw.driver_connection.executescript(sql)
        finally:
            raw.close()
    else:
        proc = subprocess.run(
            _client(engine), input=sql, capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == 0, proc.stderr
    with engine.connect() as conn:
        got = [tuple(r) for r in conn.execute(sa.text("SELECT id, n, cnt FROM items ORDER BY id"))]
        version = list(conn.execute(sa.text("SELECT version_num FROM mig_version")).scalars())
    assert got == [(i, 0, 1) if i % 2 else (i, i, 0) for i in range(1, 26)]
    assert version == ["r2"]
    if engine.dialect.name == "postgresql":  # the NOTICE per batch: rows done
        notices = [
            line.split("NOTICE:  ")[-1] for line in proc.stderr.splitlines() if "NOTICE" in line
        ]
        assert notices == [
            "backfill items: 4 rows done",
            "backfill items: 8 rows done",
            "backfill items: 12 rows done",
            "backfill items: 13 rows done",
        ]
    elif engine.dialect.name == "mariadb":  # a row per batch: table, rows done
        shown = [line.split("\t") for line in proc.stdout.splitlines() if line.startswith("items")]
        assert shown == [["items", "4"], ["items", "8"], ["items", "12"], ["items", "13"]]
