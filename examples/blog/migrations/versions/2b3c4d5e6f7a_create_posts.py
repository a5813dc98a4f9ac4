"""create posts

Revision ID: 2b3c4d5e6f7a
Revises: 1a2b3c4d5e6f
Create Date: 2026-11-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from mig.ops import op

revision: str = "2b3c4d5e6f7a"
down_revision: str | Sequence[str] | None = "1a2b3c4d5e6f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    posts = op.create_table(
        "posts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "author_id",
            sa.Integer,
            sa.ForeignKey("authors.id", name="fk_posts_author"),
            nullable=False,
        ),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_posts_author_id", "posts", ["author_id"])
    op.bulk_insert(
        sa.table("authors", sa.column("id", sa.Integer), sa.column("name"), sa.column("email")),
        [{"id": 1, "name": "Ada", "email": "ada@example.com"}],
    )
    op.bulk_insert(posts, [{"id": 1, "author_id": 1, "title": "Hello", "body": "First post."}])


def downgrade() -> None:
    op.drop_index("ix_posts_author_id", table_name="posts")
    op.drop_table("posts")
    op.execute("DELETE FROM authors WHERE id = 1")
