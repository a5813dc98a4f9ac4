"""A sample project for `mig verify` and the pytest plugin: a blog schema in six revisions.

Every downgrade undoes its upgrade on SQLite, PostgreSQL and MariaDB (the tests plant the
mistakes): tables with unique and check constraints, a foreign key with ON DELETE, indexes,
added, altered, renamed and dropped columns, comments and a server default. MODEL is the
model the revisions build, for the model comparison.
"""

from __future__ import annotations

from pathlib import Path

from .conftest import Project

REVISIONS: list[tuple[str, str, str, str]] = [
    (
        "a00001",
        "authors",
        """op.create_table(
        "authors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("email", sa.String(200)),
        sa.Column("status", sa.String(20), nullable=False, server_default="active"),
        sa.UniqueConstraint("email", name="uq_authors_email"),
        sa.CheckConstraint("status <> ''", name="ck_authors_status"),
    )""",
        'op.drop_table("authors")',
    ),
    (
        "b00002",
        "posts",
        """op.create_table(
        "posts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("author_id", sa.Integer, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["authors.id"], name="fk_posts_author", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_posts_title", "posts", ["title"])""",
        """op.drop_index("ix_posts_title", table_name="posts")
    op.drop_table("posts")""",
    ),
    (
        "c00003",
        "body and slug",
        """op.add_column("posts", sa.Column("body", sa.Text))
    op.add_column("posts", sa.Column("slug", sa.String(100)))
    # a new, empty column: nothing to wait for
    op.create_index("ix_posts_slug", "posts", ["slug"], unique=True)  # mig-lint: disable=MIG009""",
        """op.drop_index("ix_posts_slug", table_name="posts")
    op.drop_column("posts", "slug")
    op.drop_column("posts", "body")""",
    ),
    (
        "d00004",
        "longer titles",
        'op.alter_column("posts", "title", type_=sa.String(300), '
        "existing_type=sa.String(200), existing_nullable=False)",
        'op.alter_column("posts", "title", type_=sa.String(200), '
        "existing_type=sa.String(300), existing_nullable=False)",
    ),
    (
        "e00005",
        "email is contact",
        'op.alter_column("authors", "email", new_column_name="contact", '
        "existing_type=sa.String(200))  # mig-lint: disable=MIG004",
        'op.alter_column("authors", "contact", new_column_name="email", '
        "existing_type=sa.String(200))",
    ),
    (
        "f00006",
        "tags",
        """op.create_table(
        "tags",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("label", sa.String(50), nullable=False, comment="shown to readers"),
        comment="post tags",
    )
    op.create_unique_constraint("uq_tags_label", "tags", ["label"])""",
        'op.drop_table("tags")',
    ),
]

MODEL = """
import sqlalchemy as sa

metadata = sa.MetaData()

authors = sa.Table(
    "authors",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("contact", sa.String(200)),
    sa.Column("status", sa.String(20), nullable=False, server_default="active"),
    sa.UniqueConstraint("contact", name="uq_authors_email"),
    sa.CheckConstraint("status <> ''", name="ck_authors_status"),
)

posts = sa.Table(
    "posts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "author_id",
        sa.Integer,
        sa.ForeignKey("authors.id", name="fk_posts_author", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("body", sa.Text),
    sa.Column("slug", sa.String(100)),
    sa.Index("ix_posts_title", "title"),
    sa.Index("ix_posts_slug", "slug", unique=True),
)

tags = sa.Table(
    "tags",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("label", sa.String(50), nullable=False, comment="shown to readers"),
    sa.UniqueConstraint("label", name="uq_tags_label"),
    comment="post tags",
)
"""


SCRIPT = '''"""{message}

Revision ID: {rev}
Revises: {down}
"""

import sqlalchemy as sa

from mig.ops import op

revision = {rev!r}
down_revision = {down_revision!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    {upgrade}


def downgrade() -> None:
    {downgrade}
'''


def write_revision(
    project: Project, rev: str, down: str | None, message: str, upgrade: str, downgrade: str
) -> Path:
    """A revision file as `mig revision` writes it, bodies filled in (no subprocess: fast)."""
    slug = message.replace(" ", "_")
    path = project.root / "migrations" / "versions" / f"{rev}_{slug}.py"
    path.write_text(
        SCRIPT.format(
            message=message,
            rev=rev,
            down=down or "",
            down_revision=down,
            upgrade=upgrade,
            downgrade=downgrade,
        )
    )
    return path


def build(project: Project, *, with_model: bool = False) -> None:
    """`mig init` and the six revisions; with ``with_model`` env.py points at MODEL."""
    project.init()
    down = None
    for rev, message, upgrade, downgrade in REVISIONS:
        write_revision(project, rev, down, message, upgrade, downgrade)
        down = rev
    if with_model:
        use_model(project)


def use_model(project: Project, model: str = MODEL) -> None:
    (project.root / "models.py").write_text(model)
    env_py = project.root / "migrations" / "env.py"
    text = env_py.read_text()
    if "target_metadata = None" in text:
        text = text.replace(
            "target_metadata = None", "from models import metadata as target_metadata"
        )
        env_py.write_text(text)


def script_path(project: Project, rev: str) -> Path:
    return next((project.root / "migrations" / "versions").glob(f"{rev}_*.py"))


def replace_in_script(project: Project, rev: str, old: str, new: str) -> None:
    """Edit one revision file (the way a person plants a mistake)."""
    path = script_path(project, rev)
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new))


def forget_to_drop_body(project: Project) -> None:
    """c00003's downgrade drops slug but not body: the planted broken downgrade."""
    replace_in_script(project, "c00003", '\n    op.drop_column("posts", "body")', "")
