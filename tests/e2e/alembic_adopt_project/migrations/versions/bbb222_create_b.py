"""create b

Revision ID: bbb222
Revises: aaa111
Create Date: 2026-12-02 04:43:29.353982

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'bbb222'
down_revision: Union[str, Sequence[str], None] = 'aaa111'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "b",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50)),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("b")
