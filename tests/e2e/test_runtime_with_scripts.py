"""mig-runtime running a real mig-scripts directory on each live backend: a branch point,
a merge, and a partial downgrade, with the tables and the version rows checked."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from mig.runtime import EnvironmentContext, context
from mig.scripts import ScriptDirectory

SCRIPT = '''"""{rev}"""
import sqlalchemy as sa
from mig.ops import op

revision = {rev!r}
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("t_{rev}", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("t_{rev}")
'''


def write_graph(root: Path) -> ScriptDirectory:
    """a -> b, a -> c (branch point), m merges b and c."""
    versions = root / "versions"
    versions.mkdir(parents=True)
    for rev, down in [("a", None), ("b", "a"), ("c", "a"), ("m", ("b", "c"))]:
        (versions / f"{rev}.py").write_text(SCRIPT.format(rev=rev, down=down))
    return ScriptDirectory(root)


def migrate(engine: sa.Engine, script: ScriptDirectory, direction: str, target: str) -> None:
    def plan(heads, ctx):
        if direction == "up":
            return script.plan_upgrade(heads, target)
        return script.plan_downgrade(heads, target)

    with EnvironmentContext(None, script, fn=plan), engine.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()


def state(engine: sa.Engine) -> tuple[list[str], list[str]]:
    with engine.connect() as conn:
        rows = sorted(conn.execute(sa.text("SELECT version_num FROM mig_version")).scalars())
    tables = sorted(t for t in sa.inspect(engine).get_table_names() if t.startswith("t_"))
    return rows, tables


def test_branches_merge_and_partial_downgrade(engine: sa.Engine, tmp_path: Path) -> None:
    script = write_graph(tmp_path / "migrations")
    migrate(engine, script, "up", "b")
    assert state(engine) == (["b"], ["t_a", "t_b"])
    migrate(engine, script, "up", "c")
    assert state(engine) == (["b", "c"], ["t_a", "t_b", "t_c"])  # one row per branch
    migrate(engine, script, "up", "heads")
    assert state(engine) == (["m"], ["t_a", "t_b", "t_c", "t_m"])  # the merge collapses them
    migrate(engine, script, "down", "b")
    # only what descends from b is undone (the merge); the c branch keeps its row, as in Alembic
    assert state(engine) == (["b", "c"], ["t_a", "t_b", "t_c"])
    migrate(engine, script, "down", "base")
    assert state(engine) == ([], [])
