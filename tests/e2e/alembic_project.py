"""An Alembic project as `alembic init` writes it (from alembic_projects/), driven by `mig`.

The template files are Alembic's own, stored as test data; the revisions are written with
``mig -c alembic.ini revision`` from the project's script.py.mako and their bodies filled in,
as a person would in an editor. Alembic itself is never imported or run.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import sqlalchemy as sa

from .conftest import Project, Result
from .runtime_project import async_url

FIXTURES = Path(__file__).resolve().parent / "alembic_projects"
TEMPLATES = ("generic", "pyproject", "async")
UPGRADE_BODY = '    """Upgrade schema."""\n    pass\n'
DOWNGRADE_BODY = '    """Downgrade schema."""\n    pass\n'


class AlembicProject(Project):
    """A copy of ``alembic_projects/<template>`` with its URL set; ``mig`` runs in it."""

    def __init__(self, root: Path, url: str, template: str) -> None:
        shutil.copytree(FIXTURES / template, root, dirs_exist_ok=True)
        (root / "alembic" / "versions").mkdir()
        self.template = template
        self.sync_url = url
        run_url = async_url(sa.create_engine(url)) if template == "async" else url
        super().__init__(root, run_url)
        self.set_url(run_url)

    def set_url(self, url: str) -> None:
        ini = self.root / "alembic.ini"
        text = re.sub(
            r"(?m)^sqlalchemy\.url = .*$",
            lambda _: f"sqlalchemy.url = {url.replace('%', '%%')}",
            ini.read_text(),
        )
        ini.write_text(text)

    def alembic_ini(self, *args: str, code: int = 0) -> Result:
        """``mig -c alembic.ini ARGS``."""
        return self.mig("-c", "alembic.ini", *args, code=code)

    def revision(
        self, rev_id: str, message: str, upgrade: str, downgrade: str, *imports: str
    ) -> Path:
        self.alembic_ini("revision", "-m", message, "--rev-id", rev_id)
        path = next((self.root / "alembic" / "versions").glob(f"{rev_id}_*.py"))
        text = path.read_text()
        assert "from alembic import op\n" in text and UPGRADE_BODY in text, text
        text = text.replace(UPGRADE_BODY, UPGRADE_BODY.replace("    pass\n", _indent(upgrade)))
        text = text.replace(
            DOWNGRADE_BODY, DOWNGRADE_BODY.replace("    pass\n", _indent(downgrade))
        )
        text = text.replace(
            "import sqlalchemy as sa\n",
            "".join(f"{i}\n" for i in imports) + "import sqlalchemy as sa\n",
        )
        path.write_text(text)
        return path

    def engine(self) -> sa.Engine:
        return sa.create_engine(self.sync_url)

    def table_names(self) -> set[str]:
        eng = self.engine()
        try:
            return set(sa.inspect(eng).get_table_names())
        finally:
            eng.dispose()

    def version_rows(self, table: str = "alembic_version") -> set[str]:
        eng = self.engine()
        try:
            with eng.connect() as conn:
                return set(conn.execute(sa.text(f"SELECT version_num FROM {table}")).scalars())
        finally:
            eng.dispose()

    def rows(self, sql: str) -> list[tuple]:
        eng = self.engine()
        try:
            with eng.connect() as conn:
                return [tuple(r) for r in conn.execute(sa.text(sql))]
        finally:
            eng.dispose()


def _indent(body: str) -> str:
    return "".join(f"    {line}\n" if line else "\n" for line in body.strip("\n").splitlines())


# -- six revisions an Alembic user would write ------------------------------------------------

USERS_AT_R1 = """\
sa.Table(
    "users",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(50), nullable=False),
    sa.Index("ix_users_name", "name"),
)"""

REVISIONS: list[tuple[str, str, str, str, tuple[str, ...]]] = [
    (
        "r1",
        "create users",
        'op.create_table(\n    "users",\n    sa.Column("id", sa.Integer, primary_key=True),\n'
        '    sa.Column("name", sa.String(50), nullable=False),\n)\n'
        'op.create_index(op.f("ix_users_name"), "users", ["name"])',
        'op.drop_index(op.f("ix_users_name"), table_name="users")\nop.drop_table("users")',
        (),
    ),
    (
        "r2",
        "record the alembic version",
        'meta = op.create_table(\n    "app_meta",\n'
        '    sa.Column("key", sa.String(20), primary_key=True),\n'
        '    sa.Column("value", sa.String(40)),\n)\n'
        'op.bulk_insert(meta, [{"key": "alembic", "value": alembic.__version__}])',
        'op.drop_table("app_meta")',
        ("import alembic",),
    ),
    (
        "r3",
        "users email in batch",
        # copy_from: the table as it is, so the SQLite rebuild needs no reflection (--sql too)
        f"users = {USERS_AT_R1}\n"
        'with op.batch_alter_table("users", copy_from=users) as batch_op:\n'
        '    batch_op.add_column(sa.Column("email", sa.String(100), nullable=True))\n'
        '    batch_op.create_unique_constraint(batch_op.f("uq_users_email"), ["email"])',
        'with op.batch_alter_table("users") as batch_op:\n'
        '    batch_op.drop_constraint(batch_op.f("uq_users_email"), type_="unique")\n'
        '    batch_op.drop_column("email")',
        (),
    ),
    (
        "r4",
        "fill emails",
        'users = sa.table("users", sa.column("id"), sa.column("name"), sa.column("email"))\n'
        'op.bulk_insert(users, [{"id": 1, "name": "ann"}, {"id": 2, "name": "bob"}])\n'
        "if context.is_offline_mode():\n"
        "    return  # nothing to read offline\n"
        "bind = op.get_bind()\n"
        "for id_, name in bind.execute(sa.select(users.c.id, users.c.name)).all():\n"
        "    bind.execute(\n"
        '        users.update().where(users.c.id == id_).values(email=f"{name}@example.com")\n'
        "    )",
        'op.execute(sa.table("users").delete())',
        ("from alembic import context",),
    ),
    (
        "r5",
        "create posts",
        'op.create_table(\n    "posts",\n    sa.Column("id", sa.Integer, primary_key=True),\n'
        '    sa.Column("user_id", sa.Integer, nullable=False),\n'
        '    sa.Column("title", sa.String(100)),\n'
        '    sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_posts_user_id_users")),\n)',
        'op.drop_table("posts")',
        (),
    ),
    (
        "r6",
        "posts published and title index",
        'with alembic.op.batch_alter_table("posts") as batch_op:\n'
        '    batch_op.add_column(sa.Column("published", sa.Integer, server_default="0"))\n'
        'alembic.op.invoke(ops.CreateIndexOp(op.f("ix_posts_title"), "posts", ["title"]))',
        'op.drop_index(op.f("ix_posts_title"), table_name="posts")\n'
        'with op.batch_alter_table("posts") as batch_op:\n'
        '    batch_op.drop_column("published")',
        ("import alembic", "from alembic.operations import ops"),
    ),
]


_written: dict[str, dict[str, str]] = {}  # template -> file name -> text, once per session


def write_revisions(project: AlembicProject) -> None:
    """The six revisions: written with ``mig revision`` the first time for each template,
    copied from that first project afterwards (the same files, without six more runs)."""
    versions = project.root / "alembic" / "versions"
    done = _written.get(project.template)
    if done is None:
        for rev_id, message, upgrade, downgrade, imports in REVISIONS:
            project.revision(rev_id, message, upgrade, downgrade, *imports)
        _written[project.template] = {p.name: p.read_text() for p in versions.glob("*.py")}
        return
    for name, text in done.items():
        (versions / name).write_text(text)
