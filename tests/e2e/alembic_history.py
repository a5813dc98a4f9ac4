"""A 20-revision Alembic history, written as `alembic revision` writes its files.

The scripts are what an Alembic project holds, untouched: ``from alembic import op``,
``op.f()``, batch blocks (SQLite cannot ALTER constraints), type-bound CHECKs
(``native_enum=False`` / ``Boolean(create_constraint=True)``), a native enum shared by two
columns, a data migration through ``op.get_bind()``, a literal ``%`` in a CHECK, a server
default, a comment and inserted data, a branch point with a label and a merge.
Every downgrade undoes its upgrade, so ``downgrade base`` leaves only the version table.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Revision:
    rev: str
    down: str | tuple[str, ...] | None
    message: str
    upgrade: str
    downgrade: str
    branch_labels: tuple[str, ...] | None = None


STATUS_OLD = (
    'sa.Enum("draft", "published", name="ck_posts_status", native_enum=False, '
    "create_constraint=True)"
)
STATUS_NEW = (
    'sa.Enum("draft", "published", "archived", name="ck_posts_status", native_enum=False, '
    "create_constraint=True)"
)

HISTORY: list[Revision] = [
    Revision(
        "a01",
        None,
        "create users",
        """
        op.create_table(
            "users",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("name", sa.String(length=50), nullable=False),
            sa.Column("email", sa.String(length=120), nullable=True),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        )
        op.create_index(op.f("ix_users_email"), "users", ["email"], unique=True)
        """,
        """
        op.drop_index(op.f("ix_users_email"), table_name="users")
        op.drop_table("users")
        """,
    ),
    Revision(
        "a02",
        "a01",
        "create posts",
        """
        op.create_table(
            "posts",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("user_id", sa.Integer(), nullable=False),
            sa.Column("title", sa.String(length=200), nullable=False),
            sa.Column("body", sa.Text(), nullable=True),
            sa.ForeignKeyConstraint(
                ["user_id"], ["users.id"], name=op.f("fk_posts_user_id_users"), ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_posts")),
        )
        op.create_index("ix_posts_user_id", "posts", ["user_id"])
        """,
        """
        op.drop_table("posts")
        """,
    ),
    Revision(
        "a03",
        "a02",
        "titles never start with x; seed users",
        """
        with op.batch_alter_table("posts") as batch_op:
            batch_op.create_check_constraint("ck_posts_title_x", "title NOT LIKE 'x%'")
        op.execute("INSERT INTO users (id, name, email) VALUES (1, '50% off', 'a@example.com')")
        op.execute("INSERT INTO users (id, name, email) VALUES (2, 'ann', 'ann@example.com')")
        op.execute("INSERT INTO posts (id, user_id, title) VALUES (1, 1, 'hello 100%')")
        """,
        """
        op.execute("DELETE FROM posts")
        op.execute("DELETE FROM users")
        with op.batch_alter_table("posts") as batch_op:
            batch_op.drop_constraint("ck_posts_title_x", type_="check")
        """,
    ),
    Revision(
        "a04",
        "a03",
        "post status",
        f"""
        with op.batch_alter_table("posts") as batch_op:
            batch_op.add_column(sa.Column("status", {STATUS_OLD}, nullable=True))
        """,
        """
        with op.batch_alter_table("posts") as batch_op:
            batch_op.drop_constraint("ck_posts_status", type_="check")
            batch_op.drop_column("status")
        """,
    ),
    Revision(
        "a05",
        "a04",
        "widen post status",
        f"""
        if op.get_bind().dialect.name in ("mysql", "mariadb"):
            # MySQL keeps the old type's CHECK through an ALTER: drop it by hand
            op.drop_constraint("ck_posts_status", "posts", type_="check")
        with op.batch_alter_table("posts") as batch_op:
            batch_op.alter_column(
                "status",
                existing_type={STATUS_OLD},
                type_={STATUS_NEW},
                existing_nullable=True,
            )
        """,
        f"""
        op.execute("UPDATE posts SET status = 'draft' WHERE status = 'archived'")
        if op.get_bind().dialect.name in ("mysql", "mariadb"):
            op.drop_constraint("ck_posts_status", "posts", type_="check")
        with op.batch_alter_table("posts") as batch_op:
            batch_op.alter_column(
                "status",
                existing_type={STATUS_NEW},
                type_={STATUS_OLD},
                existing_nullable=True,
            )
        """,
    ),
    Revision(
        "a06",
        "a05",
        "archive old posts through the bind",
        """
        bind = op.get_bind()
        posts = sa.table("posts", sa.column("id", sa.Integer), sa.column("status", sa.String))
        bind.execute(posts.update().where(posts.c.id == 1).values(status="archived"))
        if bind.dialect.name == "postgresql":
            bind.execute(sa.text("UPDATE posts SET body = 'pg' WHERE id = 1"))
        else:
            bind.execute(sa.text("UPDATE posts SET body = 'other' WHERE id = 1"))
        """,
        """
        op.execute("UPDATE posts SET status = NULL, body = NULL")
        """,
    ),
    Revision(
        "a07",
        "a06",
        "moods share one native enum",
        """
        mood = sa.Enum("sad", "ok", "happy", name="mood")
        op.create_table(
            "moods",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("current", mood, nullable=False),
            sa.Column("previous", mood, nullable=True),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_moods")),
        )
        """,
        """
        op.drop_table("moods")
        if op.get_bind().dialect.name == "postgresql":
            op.execute("DROP TYPE mood")
        """,
    ),
    Revision(
        "a08",
        "a07",
        "email recreated keeps its index",
        """
        with op.batch_alter_table("users") as batch_op:
            batch_op.add_column(sa.Column("nickname", sa.String(length=30), nullable=True))
            batch_op.create_index("ix_users_nickname", ["nickname"])
        # a SQLite rebuild may keep the index; elsewhere it went with the dropped column
        if op.get_bind().dialect.name == "sqlite":
            op.execute("DROP INDEX IF EXISTS ix_users_nickname")
        with op.batch_alter_table("users") as batch_op:
            batch_op.drop_column("nickname")
            batch_op.add_column(sa.Column("nickname", sa.String(length=40), nullable=True))
        """,
        """
        # a SQLite rebuild may keep the index; elsewhere it went with the dropped column
        if op.get_bind().dialect.name == "sqlite":
            op.execute("DROP INDEX IF EXISTS ix_users_nickname")
        with op.batch_alter_table("users") as batch_op:
            batch_op.drop_column("nickname")
        """,
    ),
    Revision(
        "a09",
        "a08",
        "active flag",
        """
        with op.batch_alter_table("users") as batch_op:
            batch_op.add_column(
                sa.Column(
                    "active",
                    sa.Boolean(create_constraint=True, name="ck_users_active"),
                    server_default=sa.true(),
                    nullable=False,
                )
            )
        """,
        """
        # the SQLite rebuild would restate the flag's CHECK without its column
        sqlite = op.get_bind().dialect.name == "sqlite"
        with op.batch_alter_table("users") as batch_op:
            if sqlite:
                batch_op.drop_constraint("ck_users_active", type_="check")
            batch_op.drop_column("active")
        """,
    ),
    Revision(
        "b10",
        "a09",
        "tags (a labelled branch)",
        """
        op.create_table(
            "tags",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("label", sa.String(length=40), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
            sa.UniqueConstraint("label", name=op.f("uq_tags_label")),
        )
        tags = sa.table("tags", sa.column("id", sa.Integer), sa.column("label", sa.String))
        op.bulk_insert(tags, [{"id": 1, "label": "100%"}, {"id": 2, "label": "a%%b"}])
        """,
        """
        op.drop_table("tags")
        """,
        branch_labels=("tags",),
    ),
    Revision(
        "c10",
        "a09",
        "user bio",
        """
        with op.batch_alter_table("users") as batch_op:
            batch_op.add_column(
                sa.Column("bio", sa.Text(), nullable=True, comment="50% of them write one")
            )
        """,
        """
        with op.batch_alter_table("users") as batch_op:
            batch_op.drop_column("bio")
        """,
    ),
    Revision(
        "d11",
        ("b10", "c10"),
        "merge tags and bio",
        """
        pass
        """,
        """
        pass
        """,
    ),
    Revision(
        "d12",
        "d11",
        "jobs",
        """
        op.create_table(
            "jobs",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("job_name", sa.String(length=100), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        )
        """,
        """
        op.drop_table("jobs")
        """,
    ),
    Revision(
        "d13",
        "d12",
        "longer job names",
        """
        with op.batch_alter_table("jobs") as batch_op:
            batch_op.alter_column(
                "job_name", existing_type=sa.String(length=100), type_=sa.String(length=200)
            )
        """,
        """
        with op.batch_alter_table("jobs") as batch_op:
            batch_op.alter_column(
                "job_name",
                existing_type=sa.String(length=200),
                type_=sa.String(length=100),
                nullable=False,
            )
        """,
    ),
    Revision(
        "d14",
        "d13",
        "discount with a percent default",
        """
        with op.batch_alter_table("posts") as batch_op:
            batch_op.add_column(
                sa.Column("discount", sa.String(length=20), server_default="10%", nullable=True)
            )
        """,
        """
        with op.batch_alter_table("posts") as batch_op:
            batch_op.drop_column("discount")
        """,
    ),
    Revision(
        "d15",
        "d14",
        "unique titles",
        """
        with op.batch_alter_table("posts") as batch_op:
            batch_op.create_unique_constraint("uq_posts_title", ["title"])
        """,
        """
        with op.batch_alter_table("posts") as batch_op:
            batch_op.drop_constraint("uq_posts_title", type_="unique")
        """,
    ),
    Revision(
        "d16",
        "d15",
        "rename tags to labels",
        """
        op.rename_table("tags", "labels")
        """,
        """
        op.rename_table("labels", "tags")
        """,
    ),
    Revision(
        "d17",
        "d16",
        "flag becomes plain again",
        """
        flag = sa.Boolean(create_constraint=True, name="ck_users_active")
        if op.get_bind().dialect.name in ("mysql", "mariadb"):
            op.drop_constraint("ck_users_active", "users", type_="check")
        with op.batch_alter_table("users") as batch_op:
            batch_op.alter_column(
                "active", existing_type=flag, existing_nullable=False, server_default=None
            )
        with op.batch_alter_table("users") as batch_op:
            batch_op.alter_column(
                "active",
                existing_type=flag,
                type_=sa.Integer(),
                existing_nullable=False,
                server_default="1",
                postgresql_using="active::integer",
            )
        """,
        """
        flag = sa.Boolean(create_constraint=True, name="ck_users_active")
        with op.batch_alter_table("users") as batch_op:
            batch_op.alter_column(
                "active", existing_type=sa.Integer(), existing_nullable=False, server_default=None
            )
        with op.batch_alter_table("users") as batch_op:
            batch_op.alter_column(
                "active",
                existing_type=sa.Integer(),
                type_=flag,
                existing_nullable=False,
                server_default=sa.true(),
                postgresql_using="active::boolean",
            )
        """,
    ),
    Revision(
        "d18",
        "d17",
        "priority is a checked enum from the start",
        """
        op.create_table(
            "tasks",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column(
                "priority",
                sa.Enum("low", "high", name="ck_tasks_priority", native_enum=False,
                        create_constraint=True),
                nullable=False,
            ),
            sa.Column("done", sa.Boolean(create_constraint=True, name="ck_tasks_done"),
                      nullable=True),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        )
        """,
        """
        op.drop_table("tasks")
        """,
    ),
    Revision(
        "d19",
        "d18",
        "posts lose their status",
        """
        with op.batch_alter_table("posts") as batch_op:
            batch_op.drop_constraint("ck_posts_status", type_="check")
            batch_op.drop_column("status")
        """,
        f"""
        with op.batch_alter_table("posts") as batch_op:
            batch_op.add_column(sa.Column("status", {STATUS_NEW}, nullable=True))
        """,
    ),
]

_FILE = '''"""{message}

Revision ID: {rev}
Revises: {revises}
Create Date: 2026-11-30 12:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = {rev!r}
down_revision: Union[str, Sequence[str], None] = {down!r}
branch_labels: Union[str, Sequence[str], None] = {labels!r}
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
{upgrade}


def downgrade() -> None:
    """Downgrade schema."""
{downgrade}
'''


def _body(code: str) -> str:
    return textwrap.indent(textwrap.dedent(code).strip("\n"), "    ")


def write_history(versions: Path) -> None:
    """Write every revision file into ``versions`` as `alembic revision` would name it."""
    for r in HISTORY:
        revises = ", ".join(r.down) if isinstance(r.down, tuple) else (r.down or "")
        text = _FILE.format(
            message=r.message,
            rev=r.rev,
            revises=revises,
            down=r.down,
            labels=r.branch_labels,
            upgrade=_body(r.upgrade),
            downgrade=_body(r.downgrade),
        )
        slug = r.message.split(" (")[0].replace(" ", "_").replace(";", "")
        (versions / f"{r.rev}_{slug}.py").write_text(text)
