"""Exact SQL for every directive with its main options, on every dialect, offline.

Each case is built fresh for each dialect and rendered with ``mig.ddl.to_sql``; the key
``"*"`` means every dialect, a space-separated key lists dialects that render the same.
On SQLite, directives that need a table rebuild raise offline unless the table is given
(see test_batch_sqlite.py); comments render nothing there since SQLite keeps none.
"""

from __future__ import annotations

import warnings

import pytest
import sqlalchemy as sa

from mig import ops
from mig.ddl import OfflineBatchError, to_sql

DIALECTS = ["postgresql", "mysql", "mariadb", "sqlite", "mssql", "oracle"]

CASES = {
    "create_table": lambda: ops.CreateTableOp(
        "order",
        [
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column(
                "code", sa.String(20), nullable=False, server_default="n/a", comment="the code"
            ),
            sa.Column("user_id", sa.Integer, sa.ForeignKey("app.user.id", ondelete="CASCADE")),
            sa.UniqueConstraint("code", name="uq_order_code"),
            sa.Index("ix_order_user", "user_id"),
        ],
        comment="orders",
    ),
    "create_table_if_not_exists": lambda: ops.CreateTableOp(
        "t",
        [sa.Column("id", sa.Integer, primary_key=True, autoincrement=False)],
        if_not_exists=True,
        schema="s",
    ),
    "drop_table": lambda: ops.DropTableOp("order", schema="s"),
    "drop_table_if_exists": lambda: ops.DropTableOp("t", if_exists=True),
    "rename_table": lambda: ops.RenameTableOp("old", "new", schema="s"),
    "create_table_comment": lambda: ops.CreateTableCommentOp("t", "it's here"),
    "drop_table_comment": lambda: ops.DropTableCommentOp("t"),
    "add_column": lambda: ops.AddColumnOp(
        "t",
        sa.Column("n", sa.Integer, nullable=False, server_default=sa.text("0"), comment="count"),
    ),
    "add_column_fk": lambda: ops.AddColumnOp(
        "t", sa.Column("u", sa.Integer, sa.ForeignKey("user.id")), schema="s"
    ),
    "drop_column": lambda: ops.DropColumnOp("t", "n", schema="s"),
    "drop_column_mssql": lambda: ops.DropColumnOp(
        "t", "n", mssql_drop_default=True, mssql_drop_foreign_key=True
    ),
    "alter_nullable": lambda: ops.AlterColumnOp(
        "t", "c", modify_nullable=False, existing_type=sa.String(10)
    ),
    "alter_type": lambda: ops.AlterColumnOp(
        "t",
        "c",
        modify_type=sa.Integer(),
        existing_type=sa.String(10),
        existing_nullable=True,
        postgresql_using="c::integer",
    ),
    "alter_default": lambda: ops.AlterColumnOp(
        "t",
        "c",
        modify_server_default=sa.text("now()"),
        existing_type=sa.DateTime(),
        existing_nullable=False,
    ),
    "alter_drop_default": lambda: ops.AlterColumnOp(
        "t",
        "c",
        modify_server_default=None,
        existing_type=sa.Integer(),
        existing_server_default="1",
    ),
    "alter_rename": lambda: ops.AlterColumnOp(
        "t", "c", modify_name="d", existing_type=sa.Integer(), existing_nullable=False
    ),
    "alter_comment": lambda: ops.AlterColumnOp(
        "t", "c", modify_comment="new 'one'", existing_type=sa.Integer(), existing_comment="old"
    ),
    "create_primary_key": lambda: ops.CreatePrimaryKeyOp("pk_t", "t", ["a", "b"]),
    "create_unique_constraint": lambda: ops.CreateUniqueConstraintOp(
        "uq_t_a", "t", ["a"], schema="s"
    ),
    "create_foreign_key": lambda: ops.CreateForeignKeyOp(
        "fk_t_u",
        "t",
        "user",
        ["uid"],
        ["id"],
        onupdate="CASCADE",
        ondelete="SET NULL",
        referent_schema="auth",
    ),
    "create_check_constraint": lambda: ops.CreateCheckConstraintOp(
        "ck_t_a", "t", sa.column("a") > 5
    ),
    "drop_fk": lambda: ops.DropConstraintOp("fk_t_u", "t", type_="foreignkey"),
    "drop_pk": lambda: ops.DropConstraintOp("pk_t", "t", type_="primary"),
    "drop_unique": lambda: ops.DropConstraintOp("uq_t_a", "t", type_="unique", schema="s"),
    "drop_check": lambda: ops.DropConstraintOp("ck_t_a", "t", type_="check"),
    "create_index": lambda: ops.CreateIndexOp("ix_t_a_b", "t", ["a", "b"], unique=True, schema="s"),
    "create_index_functional": lambda: ops.CreateIndexOp(
        "ix_t_lower", "t", [sa.text("lower(email)")]
    ),
    "drop_index": lambda: ops.DropIndexOp("ix_t_a_b", "t", schema="s"),
    "bulk_insert": lambda: ops.BulkInsertOp(
        sa.table("t", sa.column("id", sa.Integer), sa.column("name", sa.String)),
        [{"id": 1, "name": "O'Brien"}, {"id": 2, "name": "50% \\ off"}],
    ),
    "execute": lambda: ops.ExecuteSQLOp("UPDATE t SET a = 'x'"),
    "execute_inline_literal": lambda: ops.ExecuteSQLOp(
        sa.table("t", sa.column("a")).update().values(a=ops.inline_literal("it's"))
    ),
}

EXPECTED = {
    "create_table": {
        "postgresql": [
            'CREATE TABLE "order" (\n    id SERIAL NOT NULL, \n    code VARCHAR(20) DEFAULT \'n/a\' NOT NULL, \n    user_id INTEGER, \n    PRIMARY KEY (id), \n    CONSTRAINT uq_order_code UNIQUE (code), \n    FOREIGN KEY(user_id) REFERENCES app."user" (id) ON DELETE CASCADE\n)',
            "COMMENT ON TABLE \"order\" IS 'orders'",
            "COMMENT ON COLUMN \"order\".code IS 'the code'",
            'CREATE INDEX ix_order_user ON "order" (user_id)',
        ],
        "mysql mariadb": [
            "CREATE TABLE `order` (\n    id INTEGER NOT NULL AUTO_INCREMENT, \n    code VARCHAR(20) NOT NULL COMMENT 'the code' DEFAULT 'n/a', \n    user_id INTEGER, \n    PRIMARY KEY (id), \n    CONSTRAINT uq_order_code UNIQUE (code), \n    FOREIGN KEY(user_id) REFERENCES app.user (id) ON DELETE CASCADE\n)COMMENT='orders'",
            "CREATE INDEX ix_order_user ON `order` (user_id)",
        ],
        "sqlite": [
            "CREATE TABLE \"order\" (\n    id INTEGER NOT NULL, \n    code VARCHAR(20) DEFAULT 'n/a' NOT NULL, \n    user_id INTEGER, \n    PRIMARY KEY (id), \n    CONSTRAINT uq_order_code UNIQUE (code)\n)",
            'CREATE INDEX ix_order_user ON "order" (user_id)',
        ],
        "mssql": [
            "CREATE TABLE [order] (\n    id INTEGER NOT NULL IDENTITY, \n    code VARCHAR(20) NOT NULL DEFAULT 'n/a', \n    user_id INTEGER NULL, \n    PRIMARY KEY (id), \n    CONSTRAINT uq_order_code UNIQUE (code), \n    FOREIGN KEY(user_id) REFERENCES app.[user] (id) ON DELETE CASCADE\n)",
            "execute sp_addextendedproperty 'MS_Description', N'orders', 'schema', dbo, 'table', [order]",
            "execute sp_addextendedproperty 'MS_Description', N'the code', 'schema', dbo, 'table', [order], 'column', code",
            "CREATE INDEX ix_order_user ON [order] (user_id)",
        ],
        "oracle": [
            'CREATE TABLE "order" (\n    id INTEGER NOT NULL, \n    code VARCHAR2(20 CHAR) DEFAULT \'n/a\' NOT NULL, \n    user_id INTEGER, \n    PRIMARY KEY (id), \n    CONSTRAINT uq_order_code UNIQUE (code), \n    FOREIGN KEY(user_id) REFERENCES app."user" (id) ON DELETE CASCADE\n)',
            "COMMENT ON TABLE \"order\" IS 'orders'",
            "COMMENT ON COLUMN \"order\".code IS 'the code'",
            'CREATE INDEX ix_order_user ON "order" (user_id)',
        ],
    },
    "create_table_if_not_exists": {
        "*": [
            "CREATE TABLE IF NOT EXISTS s.t (\n    id INTEGER NOT NULL, \n    PRIMARY KEY (id)\n)"
        ],
    },
    "drop_table": {
        "postgresql sqlite oracle": ['DROP TABLE s."order"'],
        "mysql mariadb": ["DROP TABLE s.`order`"],
        "mssql": ["DROP TABLE s.[order]"],
    },
    "drop_table_if_exists": {
        "*": ["DROP TABLE IF EXISTS t"],
    },
    "rename_table": {
        "postgresql": ['ALTER TABLE s."old" RENAME TO "new"'],
        "mysql mariadb": ["ALTER TABLE s.old RENAME s.new"],
        "sqlite oracle": ["ALTER TABLE s.old RENAME TO new"],
        "mssql": ["EXEC sp_rename 's.old', 'new'"],
    },
    "create_table_comment": {
        "postgresql oracle": ["COMMENT ON TABLE t IS 'it''s here'"],
        "mysql mariadb": ["ALTER TABLE t COMMENT 'it''s here'"],
        "sqlite": [],
        "mssql": [
            "execute sp_addextendedproperty 'MS_Description', N'it''s here', 'schema', dbo, 'table', t"
        ],
    },
    "drop_table_comment": {
        "postgresql": ["COMMENT ON TABLE t IS NULL"],
        "mysql mariadb": ["ALTER TABLE t COMMENT ''"],
        "sqlite": [],
        "mssql": ["execute sp_dropextendedproperty 'MS_Description', 'schema', dbo, 'table', t"],
        "oracle": ["COMMENT ON TABLE t IS ''"],
    },
    "add_column": {
        "postgresql": [
            "ALTER TABLE t ADD COLUMN n INTEGER DEFAULT 0 NOT NULL",
            "COMMENT ON COLUMN t.n IS 'count'",
        ],
        "mysql mariadb": ["ALTER TABLE t ADD COLUMN n INTEGER NOT NULL COMMENT 'count' DEFAULT 0"],
        "sqlite": ["ALTER TABLE t ADD COLUMN n INTEGER DEFAULT 0 NOT NULL"],
        "mssql": [
            "ALTER TABLE t ADD n INTEGER NOT NULL DEFAULT 0",
            "execute sp_addextendedproperty 'MS_Description', N'count', 'schema', dbo, 'table', t, 'column', n",
        ],
        "oracle": [
            "ALTER TABLE t ADD n INTEGER DEFAULT 0 NOT NULL",
            "COMMENT ON COLUMN t.n IS 'count'",
        ],
    },
    "add_column_fk": {
        "postgresql": [
            "ALTER TABLE s.t ADD COLUMN u INTEGER",
            'ALTER TABLE s.t ADD FOREIGN KEY(u) REFERENCES "user" (id)',
        ],
        "mysql mariadb": [
            "ALTER TABLE s.t ADD COLUMN u INTEGER",
            "ALTER TABLE s.t ADD FOREIGN KEY(u) REFERENCES user (id)",
        ],
        "sqlite": ("raises", "OfflineBatchError"),
        "mssql": [
            "ALTER TABLE s.t ADD u INTEGER NULL",
            "ALTER TABLE s.t ADD FOREIGN KEY(u) REFERENCES [user] (id)",
        ],
        "oracle": [
            "ALTER TABLE s.t ADD u INTEGER",
            'ALTER TABLE s.t ADD FOREIGN KEY(u) REFERENCES "user" (id)',
        ],
    },
    "drop_column": {
        "*": ["ALTER TABLE s.t DROP COLUMN n"],
    },
    "drop_column_mssql": {
        "postgresql mysql mariadb sqlite oracle": ["ALTER TABLE t DROP COLUMN n"],
        "mssql": [
            "DECLARE @mig_default_name NVARCHAR(256)\nSELECT @mig_default_name = QUOTENAME(name) FROM sys.default_constraints WHERE parent_object_id = OBJECT_ID('t') AND parent_column_id = (SELECT column_id FROM sys.columns WHERE object_id = OBJECT_ID('t') AND name = 'n')\nIF @mig_default_name IS NOT NULL EXEC('ALTER TABLE t DROP CONSTRAINT ' + @mig_default_name)",
            "DECLARE @mig_foreign_key_name NVARCHAR(256)\nSELECT @mig_foreign_key_name = QUOTENAME(name) FROM sys.foreign_keys WHERE object_id IN (SELECT constraint_object_id FROM sys.foreign_key_columns WHERE parent_object_id = OBJECT_ID('t') AND parent_column_id = (SELECT column_id FROM sys.columns WHERE object_id = OBJECT_ID('t') AND name = 'n'))\nIF @mig_foreign_key_name IS NOT NULL EXEC('ALTER TABLE t DROP CONSTRAINT ' + @mig_foreign_key_name)",
            "ALTER TABLE t DROP COLUMN n",
        ],
    },
    "alter_nullable": {
        "postgresql": ["ALTER TABLE t ALTER COLUMN c SET NOT NULL"],
        "mysql mariadb": ["ALTER TABLE t MODIFY c VARCHAR(10) NOT NULL"],
        "sqlite": ("raises", "OfflineBatchError"),
        "mssql": ["ALTER TABLE t ALTER COLUMN c VARCHAR(10) NOT NULL"],
        "oracle": ["ALTER TABLE t MODIFY c NOT NULL"],
    },
    "alter_type": {
        "postgresql": ["ALTER TABLE t ALTER COLUMN c TYPE INTEGER USING c::integer"],
        "mysql mariadb": ["ALTER TABLE t MODIFY c INTEGER NULL"],
        "sqlite": ("raises", "OfflineBatchError"),
        "mssql": ["ALTER TABLE t ALTER COLUMN c INTEGER NULL"],
        "oracle": ["ALTER TABLE t MODIFY c INTEGER"],
    },
    "alter_default": {
        "postgresql mysql mariadb": ["ALTER TABLE t ALTER COLUMN c SET DEFAULT now()"],
        "sqlite": ("raises", "OfflineBatchError"),
        "mssql": [
            "DECLARE @mig_default_name NVARCHAR(256)\nSELECT @mig_default_name = QUOTENAME(name) FROM sys.default_constraints WHERE parent_object_id = OBJECT_ID('t') AND parent_column_id = (SELECT column_id FROM sys.columns WHERE object_id = OBJECT_ID('t') AND name = 'c')\nIF @mig_default_name IS NOT NULL EXEC('ALTER TABLE t DROP CONSTRAINT ' + @mig_default_name)",
            "ALTER TABLE t ADD DEFAULT now() FOR c",
        ],
        "oracle": ["ALTER TABLE t MODIFY c DEFAULT now()"],
    },
    "alter_drop_default": {
        "postgresql mysql mariadb": ["ALTER TABLE t ALTER COLUMN c DROP DEFAULT"],
        "sqlite": ("raises", "OfflineBatchError"),
        "mssql": [
            "DECLARE @mig_default_name NVARCHAR(256)\nSELECT @mig_default_name = QUOTENAME(name) FROM sys.default_constraints WHERE parent_object_id = OBJECT_ID('t') AND parent_column_id = (SELECT column_id FROM sys.columns WHERE object_id = OBJECT_ID('t') AND name = 'c')\nIF @mig_default_name IS NOT NULL EXEC('ALTER TABLE t DROP CONSTRAINT ' + @mig_default_name)"
        ],
        "oracle": ["ALTER TABLE t MODIFY c DEFAULT NULL"],
    },
    "alter_rename": {
        "postgresql sqlite oracle": ["ALTER TABLE t RENAME COLUMN c TO d"],
        "mysql mariadb": ["ALTER TABLE t CHANGE c d INTEGER NOT NULL"],
        "mssql": ["EXEC sp_rename 't.c', 'd', 'COLUMN'"],
    },
    "alter_comment": {
        "postgresql oracle": ["COMMENT ON COLUMN t.c IS 'new ''one'''"],
        "mysql mariadb": ["ALTER TABLE t MODIFY c INTEGER COMMENT 'new ''one'''"],
        "sqlite": [],
        "mssql": [
            "execute sp_dropextendedproperty 'MS_Description', 'schema', dbo, 'table', t, 'column', c",
            "execute sp_addextendedproperty 'MS_Description', N'new ''one''', 'schema', dbo, 'table', t, 'column', c",
        ],
    },
    "create_primary_key": {
        "postgresql mysql mariadb mssql oracle": [
            "ALTER TABLE t ADD CONSTRAINT pk_t PRIMARY KEY (a, b)"
        ],
        "sqlite": ("raises", "OfflineBatchError"),
    },
    "create_unique_constraint": {
        "postgresql mysql mariadb mssql oracle": [
            "ALTER TABLE s.t ADD CONSTRAINT uq_t_a UNIQUE (a)"
        ],
        "sqlite": ("raises", "OfflineBatchError"),
    },
    "create_foreign_key": {
        "postgresql": [
            'ALTER TABLE t ADD CONSTRAINT fk_t_u FOREIGN KEY(uid) REFERENCES auth."user" (id) ON DELETE SET NULL ON UPDATE CASCADE'
        ],
        "mysql mariadb": [
            "ALTER TABLE t ADD CONSTRAINT fk_t_u FOREIGN KEY(uid) REFERENCES auth.user (id) ON DELETE SET NULL ON UPDATE CASCADE"
        ],
        "sqlite": ("raises", "OfflineBatchError"),
        "mssql": [
            "ALTER TABLE t ADD CONSTRAINT fk_t_u FOREIGN KEY(uid) REFERENCES auth.[user] (id) ON DELETE SET NULL ON UPDATE CASCADE"
        ],
        "oracle": [
            'ALTER TABLE t ADD CONSTRAINT fk_t_u FOREIGN KEY("uid") REFERENCES auth."user" (id) ON DELETE SET NULL'
        ],
    },
    "create_check_constraint": {
        "postgresql mysql mariadb mssql oracle": [
            "ALTER TABLE t ADD CONSTRAINT ck_t_a CHECK (a > 5)"
        ],
        "sqlite": ("raises", "OfflineBatchError"),
    },
    "drop_fk": {
        "postgresql mssql oracle": ["ALTER TABLE t DROP CONSTRAINT fk_t_u"],
        "mysql mariadb": ["ALTER TABLE t DROP FOREIGN KEY fk_t_u"],
        "sqlite": ("raises", "OfflineBatchError"),
    },
    "drop_pk": {
        "postgresql mssql oracle": ["ALTER TABLE t DROP CONSTRAINT pk_t"],
        "mysql mariadb": ["ALTER TABLE t DROP PRIMARY KEY"],
        "sqlite": ("raises", "OfflineBatchError"),
    },
    "drop_unique": {
        "postgresql mssql oracle": ["ALTER TABLE s.t DROP CONSTRAINT uq_t_a"],
        "mysql mariadb": ["ALTER TABLE s.t DROP INDEX uq_t_a"],
        "sqlite": ("raises", "OfflineBatchError"),
    },
    "drop_check": {
        "postgresql mariadb mssql oracle": ["ALTER TABLE t DROP CONSTRAINT ck_t_a"],
        "mysql": ["ALTER TABLE t DROP CHECK ck_t_a"],
        "sqlite": ("raises", "OfflineBatchError"),
    },
    "create_index": {
        "postgresql mysql mariadb mssql": ["CREATE UNIQUE INDEX ix_t_a_b ON s.t (a, b)"],
        "sqlite": ["CREATE UNIQUE INDEX s.ix_t_a_b ON t (a, b)"],
        "oracle": ["CREATE UNIQUE INDEX s.ix_t_a_b ON s.t (a, b)"],
    },
    "create_index_functional": {
        "*": ["CREATE INDEX ix_t_lower ON t (lower(email))"],
    },
    "drop_index": {
        "postgresql sqlite oracle": ["DROP INDEX s.ix_t_a_b"],
        "mysql mariadb mssql": ["DROP INDEX ix_t_a_b ON s.t"],
    },
    "bulk_insert": {
        "postgresql sqlite mssql oracle": [
            "INSERT INTO t (id, name) VALUES (1, 'O''Brien')",
            "INSERT INTO t (id, name) VALUES (2, '50% \\ off')",
        ],
        "mysql mariadb": [
            "INSERT INTO t (id, name) VALUES (1, 'O''Brien')",
            "INSERT INTO t (id, name) VALUES (2, '50% \\\\ off')",
        ],
    },
    "execute": {
        "*": ["UPDATE t SET a = 'x'"],
    },
    "execute_inline_literal": {
        "*": ["UPDATE t SET a='it''s'"],
    },
}

RAISES = {"OfflineBatchError": OfflineBatchError}


def _expected(case: str, dialect: str):
    for key, value in EXPECTED[case].items():
        if key == "*" or dialect in key.split():
            return value
    raise AssertionError(f"no expectation for {case} on {dialect}")


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("case", list(CASES))
def test_exact_sql(case: str, dialect: str) -> None:
    expected = _expected(case, dialect)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sa.exc.SAWarning)  # Oracle: no ON UPDATE CASCADE
        if isinstance(expected, tuple):
            with pytest.raises(RAISES[expected[1]]):
                to_sql(CASES[case](), dialect)
        else:
            assert to_sql(CASES[case](), dialect) == expected


def test_every_case_has_every_dialect() -> None:
    assert set(CASES) == set(EXPECTED)
    for case in CASES:
        for dialect in DIALECTS:
            _expected(case, dialect)
