"""A self-check of an ops-only install: every built-in directive recorded, reversed and
round-tripped through JSON. ``python -m mig.ops.selfcheck`` prints one line per directive
and exits non-zero on the first failure; ``nox -s isolated-mig-ops`` runs it.
"""

from __future__ import annotations

import json
import sys

import sqlalchemy as sa

from mig.ops.base import MigrateOperation, from_dict, registered_ops
from mig.ops.containers import DowngradeOps, MigrationScript, ModifyTableOps, UpgradeOps
from mig.ops.errors import IrreversibleOperationError
from mig.ops.proxy import current_operations
from mig.ops.recorder import record
from mig.ops.table_ops import DropTableOp


def _migration() -> None:
    op = current_operations()
    users = op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(200), nullable=False, unique=True),
        sa.Column("created", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.CheckConstraint("id > 0", name="ck_users_id"),
        comment="people",
    )
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE")),
        sa.Column("period", sa.Text),
    )
    op.rename_table("posts", "articles")
    op.add_column("users", sa.Column("age", sa.Integer, server_default="0"))
    op.alter_column(
        "users",
        "email",
        type_=sa.String(300),
        existing_type=sa.String(200),
        nullable=True,
        existing_nullable=False,
        new_column_name="mail",
    )
    op.create_index(
        "ix_users_age", "users", ["age"], unique=False, postgresql_where=sa.text("age > 0")
    )
    op.create_index("ix_users_lower", "users", [sa.text("lower(mail)")])
    op.create_primary_key("pk_tags", "tags", ["id"])
    op.create_unique_constraint("uq_users_age", "users", ["age"])
    op.create_foreign_key(
        "fk_art_user", "articles", "users", ["user_id"], ["id"], ondelete="SET NULL"
    )
    op.create_check_constraint("ck_age", "users", "age >= 0")
    op.create_exclude_constraint("ex_period", "articles", ("period", "&&"), using="gist")
    op.create_table_comment("users", "all people", existing_comment="people")
    op.drop_table_comment("users", existing_comment="all people")
    op.bulk_insert(users, [{"id": 1, "email": "a@example.com"}])
    op.execute("UPDATE users SET age = 1")
    op.backfill("users", {"age": sa.text("age + 1")}, where="age IS NULL", batch_size=500)
    op.drop_constraint("ck_age", "users", type_="check")
    op.drop_index("ix_users_lower", table_name="users")
    op.drop_column("users", "age")
    op.drop_table("articles")
    with op.batch_alter_table("users", recreate="always") as batch:
        batch.add_column(sa.Column("nick", sa.String(30)), insert_after="id")
        batch.drop_column("created")
    op.create_enum_type("mood", ["sad", "ok"], schema="app")
    mood_columns = [{"table": "users", "column": "mood", "schema": "app"}]
    op.add_enum_value(
        "mood", "happy", schema="app", before="ok", values=["sad", "ok"], columns=mood_columns
    )
    op.drop_enum_value("mood", "happy", ["sad", "ok"], schema="app", columns=mood_columns)
    op.rename_enum_value("mood", "ok", "fine", schema="app")
    op.rebuild_enum_type(
        "mood", ["fine", "sad"], schema="app", old_values=["sad", "fine"], columns=mood_columns
    )
    op.alter_identity("users", "id", start=100, increment=5, existing={"start": 1, "increment": 1})
    op.drop_enum_type("mood", schema="app", values=["sad", "ok"])


def check_every_directive() -> str:
    """Record :func:`_migration`, then reverse and round-trip every directive in it."""
    directives: list[MigrateOperation] = record(_migration)
    directives.append(
        DropTableOp.from_table(sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer)))
    )
    upgrade = UpgradeOps(
        [
            ModifyTableOps(
                "users", [d for d in directives if getattr(d, "table_name", "") == "users"]
            )
        ]
    )
    directives.append(MigrationScript("abc123", upgrade, DowngradeOps([]), message="self-check"))
    missing = (
        set(registered_ops(builtin_only=True))
        - {d.op_name for d in directives}
        - {"upgrade_ops", "downgrade_ops", "modify_table"}
    )
    if missing:
        raise AssertionError(f"self-check does not build: {sorted(missing)}")
    lines = []
    for directive in directives:
        text = json.dumps(directive.to_dict())
        if from_dict(json.loads(text)) != directive:
            raise AssertionError(f"{directive.op_name}: JSON round trip changed it: {text}")
        try:
            directive.reverse()
            reversible = "reversible"
        except IrreversibleOperationError as exc:
            reversible = f"irreversible ({exc.reason})"
        lines.append(f"{directive.op_name:<26} json ok, {reversible}")
    lines.append(
        f"{len(directives)} directives: recorded, reversed where possible, JSON round-tripped"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    try:
        print(check_every_directive())
    except AssertionError as exc:
        print(f"mig.ops self-check failed: {exc}", file=sys.stderr)
        sys.exit(1)
