"""create c

Revision ID: ccc333
Revises: bbb222
Create Date: 2026-12-02 04:43:29.849779

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'ccc333'
down_revision: Union[str, Sequence[str], None] = 'bbb222'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "c",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50)),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("c")
