"""The model at the head revision (mig's model-matches-database check compares it)."""

import sqlalchemy as sa

metadata = sa.MetaData()

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("first_name", sa.String(100), nullable=False),
    sa.Column("last_name", sa.String(100), nullable=False, server_default=""),
    sa.Column("email", sa.String(200)),
)
