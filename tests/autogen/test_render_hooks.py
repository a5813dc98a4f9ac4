"""Rendering options and hooks: render_item, imports of dialect and project types,
user_module_prefix, render_as_batch, the rename note, and the dialect of the context."""

from __future__ import annotations

import textwrap

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from mig import ops
from mig.autogen.render import FOOTER, HEADER, RenderContext, render_python_code
from mig.runtime import MigrationContext


class Money(sa.types.TypeDecorator):
    impl = sa.Numeric(12, 2)
    cache_ok = True


def code(directives, **kw) -> str:
    lines = render_python_code(directives, **kw).splitlines()
    assert lines[0] == HEADER
    assert lines[-1] == f"    {FOOTER}"
    return textwrap.dedent("\n".join(lines[1:-1])) + "\n"


ADD_MONEY = ops.AddColumnOp("invoice", sa.Column("total", Money(), nullable=False))


def test_project_type_gets_its_module_prefix_and_import() -> None:
    imports: set[str] = set()
    text = code([ADD_MONEY], imports=imports)
    assert f'"total", {__name__}.Money(precision=12, scale=2), nullable=False' in text
    assert imports == {f"import {__name__}"}


def test_user_module_prefix_replaces_the_module_and_adds_no_import() -> None:
    imports: set[str] = set()
    text = code([ADD_MONEY], imports=imports, user_module_prefix="types.")
    assert 'sa.Column("total", types.Money(precision=12, scale=2), nullable=False)' in text
    assert imports == set()


def test_dialect_types_import_their_dialect_module() -> None:
    imports: set[str] = set()
    column = sa.Column("tags", postgresql.ARRAY(postgresql.JSONB()))
    assert code([ops.AddColumnOp("t", column)], imports=imports) == textwrap.dedent(
        """\
        op.add_column(
            "t", sa.Column("tags", postgresql.ARRAY(postgresql.JSONB()), nullable=True)
        )
        """
    )
    assert imports == {"from sqlalchemy.dialects import postgresql"}


def test_render_item_replaces_what_it_returns_and_keeps_the_rest() -> None:
    seen: list[tuple[str, str]] = []

    def render_item(kind, obj, context):
        seen.append((kind, type(obj).__name__))
        assert isinstance(context, RenderContext)
        if kind == "type" and isinstance(obj, Money):
            context.imports.add("from myapp.types import Money")
            return "Money( )"  # re-read: formatted like the rest
        if kind == "server_default":
            return "sa.text('0.00')"
        return False

    imports: set[str] = set()
    column = sa.Column("total", Money(), server_default=sa.text("0"), comment="sum")
    text = code([ops.AddColumnOp("invoice", column)], imports=imports, render_item=render_item)
    assert text == textwrap.dedent(
        """\
        op.add_column(
            "invoice",
            sa.Column(
                "total",
                Money(),
                server_default=sa.text("0.00"),
                nullable=True,
                comment="sum",
            ),
        )
        """
    )
    assert imports == {"from myapp.types import Money"}
    assert seen == [("column", "Column"), ("type", "Money"), ("server_default", "DefaultClause")]


def test_render_item_sees_table_items_of_create_table() -> None:
    kinds: list[str] = []

    def render_item(kind, obj, context):
        kinds.append(kind)
        if kind == "check":
            return "sa.CheckConstraint('x > 0', name='ck_custom')"
        return False

    table = sa.Table(
        "t",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("x", sa.Integer, sa.ForeignKey("u.id")),
        sa.UniqueConstraint("x", name="uq_t_x"),
        sa.CheckConstraint("x > 1", name="ck_t_x"),
        sa.Index("ix_t_x", "x"),
    )
    text = code([ops.CreateTableOp.from_table(table)], render_item=render_item)
    assert '    sa.CheckConstraint("x > 0", name="ck_custom"),\n' in text
    assert sorted(set(kinds)) == ["check", "column", "foreign_key", "index", "type", "unique"]


def test_render_as_batch_groups_each_table() -> None:
    upgrade = ops.UpgradeOps(
        [
            ops.CreateTableOp("other", [sa.Column("id", sa.Integer, primary_key=True)]),
            ops.ModifyTableOps(
                "account",
                [
                    ops.AddColumnOp("account", sa.Column("email", sa.String(200)), schema="app"),
                    ops.DropIndexOp("ix_old", table_name="account", schema="app"),
                    ops.RenameTableOp("account", "accounts", schema="app"),
                ],
                schema="app",
            ),
            ops.ModifyTableOps("z", [ops.DropColumnOp("z", "c")]),
        ]
    )
    assert code(upgrade, render_as_batch=True) == textwrap.dedent(
        """\
        op.create_table(
            "other", sa.Column("id", sa.Integer(), primary_key=True, nullable=False)
        )
        with op.batch_alter_table("account", schema="app") as batch_op:
            batch_op.add_column(sa.Column("email", sa.String(length=200), nullable=True))
            batch_op.drop_index("ix_old")

        op.rename_table("account", "accounts", schema="app")
        with op.batch_alter_table("z") as batch_op:
            batch_op.drop_column("c")
        """
    )
    assert code(upgrade).count("batch_alter_table") == 0


def test_detected_rename_gets_a_comment_and_explicit_one_does_not() -> None:
    detected = ops.AlterColumnOp("users", "name", modify_name="full_name", schema="app")
    detected.info = {"detected_rename": True}
    table = ops.RenameTableOp("person", "people")
    table.info = {"detected_rename": True}
    explicit = ops.RenameTableOp("a", "b")
    explicit.info = {"explicit_rename": True}
    assert code([detected, table, explicit]) == textwrap.dedent(
        """\
        # Rename detected: column app.users.name -> full_name; review it.
        # Turn detection off with context.configure(..., detect_renames=False).
        op.alter_column("users", "name", new_column_name="full_name", schema="app")
        # Rename detected: table person -> people; review it.
        # Turn detection off with context.configure(..., detect_renames=False).
        op.rename_table("person", "people")
        op.rename_table("a", "b")
        """
    )


def test_expressions_are_compiled_for_the_context_dialect() -> None:
    column = sa.Column("at", sa.DateTime, server_default=sa.func.now())
    add = ops.AddColumnOp("t", column)
    sqlite_ctx = MigrationContext.configure(dialect_name="sqlite", opts={"as_sql": True})
    assert 'server_default=sa.text("now()")' in code([add])
    assert 'server_default=sa.text("CURRENT_TIMESTAMP")' in code(
        [add], migration_context=sqlite_ctx
    )
    index = ops.CreateIndexOp("ix", "t", [sa.func.lower(sa.column("a"))])
    assert (
        code([index], migration_context=sqlite_ctx)
        == 'op.create_index("ix", "t", [sa.text("lower(a)")])\n'
    )


def test_context_from_migration_context_reads_configure_options() -> None:
    def hook(kind, obj, context):
        return False

    mc = MigrationContext.configure(
        dialect_name="sqlite",
        opts={
            "as_sql": True,
            "render_item": hook,
            "user_module_prefix": "t.",
            "render_as_batch": True,
            "sqlalchemy_module_prefix": "sqla.",
        },
    )
    context = RenderContext.from_migration_context(mc)
    assert context.render_item is hook
    assert context.user_module_prefix == "t."
    assert context.render_as_batch is True
    assert context.sa("Column") == "sqla.Column"
    assert context.dialect is mc.dialect


def test_copy_from_table_keeps_names_a_naming_convention_gave() -> None:
    md = sa.MetaData(naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"})
    table = sa.Table(
        "t",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(50), unique=True),
        sa.Column("code", sa.String(5), index=True),
    )
    batch = ops.BatchAlterTableOp("t", [ops.DropColumnOp("t", "code")], copy_from=table)
    assert code([batch]) == textwrap.dedent(
        """\
        with op.batch_alter_table(
            "t",
            copy_from=sa.Table(
                "t",
                sa.MetaData(),
                sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
                sa.Column("email", sa.String(length=50), nullable=True),
                sa.Column("code", sa.String(length=5), nullable=True, index=True),
                sa.UniqueConstraint("email", name=op.f("uq_t_email")),
            ),
        ) as batch_op:
            batch_op.drop_column("code")
        """
    )
