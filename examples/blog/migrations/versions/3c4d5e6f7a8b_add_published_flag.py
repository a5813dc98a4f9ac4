"""add published flag to posts

Revision ID: 3c4d5e6f7a8b
Revises: 2b3c4d5e6f7a
Create Date: 2026-11-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from mig.ops import op

revision: str = "3c4d5e6f7a8b"
down_revision: str | Sequence[str] | None = "2b3c4d5e6f7a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch_op:
        batch_op.add_column(
            sa.Column("published", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch_op.create_index("ix_posts_published", ["published"])


def downgrade() -> None:
    with op.batch_alter_table("posts") as batch_op:
        batch_op.drop_index("ix_posts_published")
        batch_op.drop_column("published")
