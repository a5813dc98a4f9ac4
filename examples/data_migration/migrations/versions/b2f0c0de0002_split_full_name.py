"""split full_name

Revision ID: b2f0c0de0002
Revises: a1f0c0de0001
Create Date: 2026-12-02 09:00:00

A data migration: the new columns are filled from full_name (first word, then the rest)
before full_name goes; the downgrade joins them again.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from mig.ops import op

revision: str = "b2f0c0de0002"
down_revision: str | Sequence[str] | None = "a1f0c0de0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the table as this revision sees it: only the columns it reads and writes
users = sa.table(
    "users",
    sa.column("id", sa.Integer),
    sa.column("full_name", sa.String),
    sa.column("first_name", sa.String),
    sa.column("last_name", sa.String),
)


def upgrade() -> None:
    op.add_column("users", sa.Column("first_name", sa.String(100)))
    op.add_column(
        "users", sa.Column("last_name", sa.String(100), nullable=False, server_default="")
    )
    bind = op.get_bind()
    for user_id, full_name in bind.execute(sa.select(users.c.id, users.c.full_name)).all():
        first, _, last = full_name.strip().partition(" ")
        bind.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(first_name=first, last_name=last.strip())
        )
    with op.batch_alter_table("users") as batch_op:
        # every row has a first name now
        batch_op.alter_column("first_name", existing_type=sa.String(100), nullable=False)
        # its data lives on in first_name and last_name
        batch_op.drop_column("full_name")  # mig-lint: disable=MIG002


def downgrade() -> None:
    op.add_column("users", sa.Column("full_name", sa.String(200)))
    bind = op.get_bind()
    rows = bind.execute(sa.select(users.c.id, users.c.first_name, users.c.last_name)).all()
    for user_id, first, last in rows:
        full_name = f"{first} {last}".strip()
        bind.execute(users.update().where(users.c.id == user_id).values(full_name=full_name))
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column("full_name", existing_type=sa.String(200), nullable=False)
        batch_op.drop_column("last_name")
        batch_op.drop_column("first_name")
