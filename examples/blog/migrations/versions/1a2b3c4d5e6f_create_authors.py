"""create authors

Revision ID: 1a2b3c4d5e6f
Revises:
Create Date: 2026-11-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from mig.ops import op

revision: str = "1a2b3c4d5e6f"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "authors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("email", sa.String(200), nullable=False),
        sa.UniqueConstraint("email", name="uq_authors_email"),
    )


def downgrade() -> None:
    op.drop_table("authors")
