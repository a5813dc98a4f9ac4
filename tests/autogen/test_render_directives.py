"""The exact Python each directive renders to (mig.autogen.render), one case per directive form.

Every directive class of mig.ops (and mig.autogen's enum directives) appears here, and a test
checks that none is missing, so a new directive cannot ship without a renderer.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from mig import ops
from mig.autogen.render import FOOTER, HEADER, RenderError, render_python_code, renderers
from mig.ops import enum_ops


def _load_samples():
    """render_samples.py beside this file (loaded by path: tests/autogen is not a package)."""
    path = Path(__file__).with_name("render_samples.py")
    name = "mig_autogen_render_samples"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


cases = _load_samples().cases


def code(directive, **kw) -> str:
    """The rendered statements, dedented, without the header and footer comments."""
    text = render_python_code([directive], **kw)
    lines = text.splitlines()
    assert lines[0] == HEADER
    assert lines[-1] == f"    {FOOTER}"
    return textwrap.dedent("\n".join(lines[1:-1])) + "\n"


EXPECTED = {
    "create_table_minimal": (
        [],
        """\
op.create_table(
    "t", sa.Column("id", sa.Integer(), primary_key=True, nullable=False)
)
""",
    ),
    "create_table": (
        [],
        """\
op.create_table(
    "users",
    sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
    sa.Column(
        "email", sa.String(length=120), nullable=False, unique=True, comment="login"
    ),
    sa.Column("team_id", sa.Integer(), nullable=True),
    sa.Column(
        "created",
        sa.DateTime(timezone=True),
        server_default=sa.text("now()"),
        nullable=True,
    ),
    sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE"),
    sa.Index("ix_users_lower_email", sa.text("lower(email)")),
    comment="people",
)
""",
    ),
    "create_table_named_pk_schema_kw": (
        ["from sqlalchemy.dialects import postgresql"],
        """\
op.create_table(
    "orders",
    sa.Column(
        "id", sa.BigInteger(), sa.Identity(start=10, increment=5), nullable=False
    ),
    sa.Column(
        "total",
        sa.Numeric(precision=12, scale=2),
        sa.Computed("qty * price", persisted=True),
        nullable=True,
    ),
    sa.Column(
        "state",
        sa.Enum("new", "paid", name="order_state"),
        server_default="new",
        nullable=True,
    ),
    sa.Column("data", postgresql.JSONB(), nullable=True),
    sa.PrimaryKeyConstraint("id", name="pk_orders"),
    sa.ForeignKeyConstraint(
        ["id"],
        ["shop.refs.id"],
        name="fk_ref",
        onupdate="CASCADE",
        deferrable=True,
        initially="DEFERRED",
    ),
    sa.UniqueConstraint("state", "data", name=op.f("uq_orders_state_data")),
    sa.CheckConstraint("total >= 0", name="ck_orders_total"),
    sa.Index(
        "ix_orders_state",
        "state",
        unique=True,
        postgresql_where=sa.text("state <> 'new'"),
    ),
    schema="shop",
    if_not_exists=True,
    mysql_engine="InnoDB",
)
""",
    ),
    "drop_table": (
        [],
        """\
op.drop_table("users")
""",
    ),
    "drop_table_options": (
        [],
        """\
op.drop_table("t", schema="s", if_exists=True)
""",
    ),
    "rename_table": (
        [],
        """\
op.rename_table("old", "new", schema="s")
""",
    ),
    "create_table_comment": (
        [],
        """\
op.create_table_comment("t", 'it\\'s "new"', existing_comment="old", schema="s")
""",
    ),
    "drop_table_comment": (
        [],
        """\
op.drop_table_comment("t", existing_comment="old")
""",
    ),
    "add_column": (
        [],
        """\
op.add_column(
    "t", sa.Column("age", sa.Integer(), server_default="0", nullable=False)
)
""",
    ),
    "add_column_fk_schema": (
        [],
        """\
op.add_column(
    "t",
    sa.Column(
        "team_id",
        sa.Integer(),
        sa.ForeignKey("s.teams.id", ondelete="SET NULL"),
        nullable=True,
        index=True,
    ),
    schema="s",
    if_not_exists=True,
)
""",
    ),
    "drop_column": (
        [],
        """\
op.drop_column("t", "age")
""",
    ),
    "drop_column_options": (
        [],
        """\
op.drop_column("t", "age", schema="s", if_exists=True, mssql_drop_default=True)
""",
    ),
    "alter_column_type": (
        [],
        """\
op.alter_column(
    "t",
    "c",
    type_=sa.BigInteger(),
    existing_type=sa.Integer(),
    existing_nullable=False,
)
""",
    ),
    "alter_column_everything": (
        [],
        """\
op.alter_column(
    "t",
    "c",
    new_column_name="d",
    type_=sa.Text(),
    nullable=False,
    server_default=sa.text("now()"),
    comment=None,
    existing_type=sa.String(length=20),
    existing_nullable=True,
    existing_server_default="x",
    existing_comment="old",
    schema="s",
    postgresql_using="c::text",
)
""",
    ),
    "alter_column_drop_default": (
        [],
        """\
op.alter_column("t", "c", server_default=None, existing_server_default=sa.text("0"))
""",
    ),
    "create_index": (
        [],
        """\
op.create_index("ix_t_a", "t", ["a"])
""",
    ),
    "create_index_options": (
        [],
        """\
op.create_index(
    op.f("ix_t_a_lower_b"),
    "t",
    ["a", sa.text("lower(b)")],
    unique=True,
    schema="s",
    if_not_exists=True,
    mysql_length={"a": 10},
    postgresql_using="gin",
)
""",
    ),
    "drop_index": (
        [],
        """\
op.drop_index("ix_t_a", table_name="t")
""",
    ),
    "drop_index_options": (
        [],
        """\
op.drop_index(
    "ix", table_name="t", schema="s", if_exists=True, postgresql_concurrently=True
)
""",
    ),
    "create_primary_key": (
        [],
        """\
op.create_primary_key("pk_t", "t", ["a", "b"], schema="s")
""",
    ),
    "create_unique_constraint": (
        [],
        """\
op.create_unique_constraint("uq_t_a", "t", ["a"], deferrable=True)
""",
    ),
    "create_foreign_key": (
        [],
        """\
op.create_foreign_key("fk_t_u", "t", "u", ["u_id"], ["id"], ondelete="CASCADE")
""",
    ),
    "create_foreign_key_options": (
        [],
        """\
op.create_foreign_key(
    "fk",
    "t",
    "u",
    ["a", "b"],
    ["x", "y"],
    onupdate="CASCADE",
    ondelete="SET NULL",
    deferrable=True,
    initially="IMMEDIATE",
    match="FULL",
    source_schema="s",
    referent_schema="r",
    postgresql_not_valid=True,
)
""",
    ),
    "create_check_constraint": (
        [],
        """\
op.create_check_constraint("ck_t_a", "t", "a > 5", schema="s")
""",
    ),
    "create_exclude_constraint": (
        [],
        """\
op.create_exclude_constraint(
    "ex_booking",
    "booking",
    ("during", "&&"),
    (sa.text("room_id + 0"), "="),
    where="room_id > 0",
)
""",
    ),
    "drop_constraint": (
        [],
        """\
op.drop_constraint("fk_t_u", "t", type_="foreignkey")
""",
    ),
    "drop_constraint_options": (
        [],
        """\
op.drop_constraint("uq", "t", type_="unique", schema="s", if_exists=True)
""",
    ),
    "execute": (
        [],
        """\
op.execute("UPDATE t SET a = 'it''s'")
""",
    ),
    "execute_text_options": (
        [],
        """\
op.execute(sa.text("DELETE FROM t"), execution_options={"timeout": 5})
""",
    ),
    "backfill": (
        [],
        """\
op.backfill(
    "t",
    {"total": sa.text("price * qty"), "state": "new"},
    where="total IS NULL",
    batch_size=500,
    schema="s",
    primary_key=["a", "b"],
)
""",
    ),
    "bulk_insert": (
        [],
        """\
op.bulk_insert(
    sa.table(
        "t",
        sa.column("id", sa.Integer()),
        sa.column("name", sa.String(length=20)),
        schema="s",
    ),
    [{"id": 1, "name": "a"}, {"id": 2, "name": None}],
    multiinsert=False,
)
""",
    ),
    "modify_table": (
        [],
        """\
op.add_column("t", sa.Column("x", sa.Integer(), nullable=True))
op.drop_column("t", "y")
""",
    ),
    "batch_alter_table": (
        [],
        """\
with op.batch_alter_table(
    "t",
    recreate="always",
    partial_reordering=[("b", "a")],
    table_kwargs={"sqlite_autoincrement": True},
    naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"},
) as batch_op:
    batch_op.add_column(
        sa.Column("x", sa.Integer(), nullable=True), insert_after="id"
    )
    batch_op.drop_constraint("uq", type_="unique")
""",
    ),
    "batch_alter_table_empty": (
        [],
        """\
with op.batch_alter_table("t") as batch_op:
    pass
""",
    ),
    "upgrade_ops": (
        [],
        """\
op.drop_table("a")
op.drop_table("b")
""",
    ),
    "downgrade_ops": (
        [],
        """\
op.drop_table("a")
""",
    ),
    "create_enum_type": (
        [],
        """\
op.create_enum_type("mood", ["sad", "ok"], schema="s")
""",
    ),
    "drop_enum_type": (
        [],
        """\
op.drop_enum_type("mood", values=["sad", "ok"])
""",
    ),
    "add_enum_value": (
        [],
        """\
op.add_enum_value(
    "mood",
    "happy",
    after="ok",
    values=["sad", "ok"],
    columns=[{"table": "person", "column": "mood"}],
)
""",
    ),
    "drop_enum_value": (
        [],
        """\
op.drop_enum_value("mood", "happy", ["sad", "ok"], schema="s")
""",
    ),
    "rename_enum_value": (
        [],
        """\
op.rename_enum_value("mood", "ok", "it's ok", schema="s")
""",
    ),
    "rebuild_enum_type": (
        [],
        """\
op.rebuild_enum_type(
    "mood",
    ["ok", "sad"],
    schema="s",
    old_values=["sad", "ok", "happy"],
    columns=[{"table": "person", "column": "moods", "array": True}],
)
""",
    ),
    "alter_identity": (
        [],
        """\
op.alter_identity(
    "t", "id", start=100, increment=5, existing={"start": 1, "increment": 1}
)
""",
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_rendered_text(name: str) -> None:
    directive = cases()[name]
    imports: set[str] = set()
    expected_imports, expected_code = EXPECTED[name]
    assert code(directive, imports=imports) == expected_code
    assert sorted(imports) == expected_imports


def test_every_directive_class_has_a_case() -> None:
    covered = {type(d) for d in cases().values()}
    wanted = set(ops.registered_ops(builtin_only=True).values()) | set(enum_ops.ENUM_DIRECTIVES)
    wanted -= {ops.MigrationScript}  # rendered through the script template (revision.py)
    assert sorted(c.__name__ for c in wanted - covered) == []


def test_empty_body_is_pass() -> None:
    assert render_python_code(ops.UpgradeOps([])) == (f"{HEADER}\n    pass\n    {FOOTER}")


def test_first_line_unindented_rest_indented() -> None:
    text = render_python_code(ops.UpgradeOps([ops.DropTableOp("a"), ops.DropTableOp("b")]))
    assert text.splitlines() == [
        HEADER,
        '    op.drop_table("a")',
        '    op.drop_table("b")',
        f"    {FOOTER}",
    ]


def test_prefixes() -> None:
    directive = ops.AddColumnOp("t", sa.Column("x", sa.Integer))
    text = code(directive, sqlalchemy_module_prefix="sqlalchemy.", op_module_prefix="mig_op.")
    assert (
        text
        == 'mig_op.add_column("t", sqlalchemy.Column("x", sqlalchemy.Integer(), nullable=True))\n'
    )


def test_line_length_option() -> None:
    directive = ops.AddColumnOp(
        "t", sa.Column("age", sa.Integer, server_default="0", nullable=False)
    )
    assert code(directive, line_length=100) == (
        'op.add_column("t", sa.Column("age", sa.Integer(), server_default="0", nullable=False))\n'
    )


def test_directive_without_renderer_is_a_clear_error() -> None:
    class Nameless(ops.MigrateOperation):
        op_name = "nameless_thing"

    with pytest.raises(
        RenderError,
        match=r"no renderer for nameless_thing: register one with .*dispatch_for\(Nameless\)",
    ):
        render_python_code([Nameless()])


def test_project_directive_gets_its_renderer() -> None:
    class CreateSequenceOp(ops.MigrateOperation):
        op_name = "create_sequence_test"

        def __init__(self, name: str) -> None:
            self.sequence_name = name

    @renderers.dispatch_for(CreateSequenceOp)
    def render_create_sequence(context, op):
        return f"op.create_sequence({op.sequence_name!r})"

    try:
        # a renderer's string is re-read, so it is formatted (quotes, splitting) like the rest
        assert code(CreateSequenceOp("order_seq")) == 'op.create_sequence("order_seq")\n'
        upgrade = ops.UpgradeOps([ops.ModifyTableOps("t", [ops.DropColumnOp("t", "c")])])
        upgrade.ops.append(CreateSequenceOp("s2"))
        assert code(upgrade) == 'op.drop_column("t", "c")\nop.create_sequence("s2")\n'
    finally:
        renderers._by_class.pop(CreateSequenceOp)
