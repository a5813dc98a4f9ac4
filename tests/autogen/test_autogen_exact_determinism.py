"""Item 8: the same autogenerate gives byte-identical output in every process.

Ties (two unnamed foreign keys of a many-to-many table, unnamed unique constraints) used to
be broken by ``id()`` or set order, so the order changed from run to run. Ten fresh
processes, each with its own ``PYTHONHASHSEED``, must write the same revision, the same
reports and the same SQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import sqlalchemy as sa

MODEL = textwrap.dedent(
    """
    import sqlalchemy as sa

    metadata = sa.MetaData()
    sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("email", sa.String(50)), sa.Column("nick", sa.String(50)),
             sa.UniqueConstraint("email"), sa.UniqueConstraint("nick"))
    sa.Table("groups", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("owner_id", sa.Integer, sa.ForeignKey("users.id")),
             sa.Column("admin_id", sa.Integer, sa.ForeignKey("users.id")))
    sa.Table("memberships", metadata,
             sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
             sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.id"), primary_key=True),
             sa.CheckConstraint("user_id > 0"), sa.CheckConstraint("group_id > 0"))
    """
)

OLD = textwrap.dedent(
    """
    import sqlalchemy as sa

    metadata = sa.MetaData()
    sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("email", sa.String(50)), sa.Column("nick", sa.String(50)))
    sa.Table("groups", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("owner_id", sa.Integer), sa.Column("admin_id", sa.Integer))
    """
)

SCRIPT = textwrap.dedent(
    """
    import sys
    import sqlalchemy as sa
    from mig.autogen import produce_migrations, render_python_code, diff
    from mig.runtime import MigrationContext
    import models

    url = sys.argv[1]
    with sa.create_engine(url).connect() as conn:
        ctx = MigrationContext.configure(
            connection=conn, opts={"target_metadata": models.metadata, "migration_lock": False}
        )
        script = produce_migrations(ctx, models.metadata)
        imports = set(script.imports)
        print(render_python_code(script.upgrade_ops, imports=imports))
        print(render_python_code(script.downgrade_ops, imports=imports))
        print(sorted(imports))
    report = diff("models:metadata", url)
    print(report.to_text())
    print(report.to_json())
    print(report.to_sql())
    """
)


def test_ten_processes_write_the_same_bytes(engine: sa.Engine, tmp_path: Path) -> None:
    (tmp_path / "models.py").write_text(MODEL)
    (tmp_path / "old_models.py").write_text(OLD)
    (tmp_path / "run.py").write_text(SCRIPT)
    namespace: dict = {}
    exec(OLD, namespace)
    with engine.begin() as conn:
        namespace["metadata"].create_all(conn)
    url = engine.url.render_as_string(hide_password=False)
    outputs = set()
    for seed in range(10):
        env = {**os.environ, "PYTHONHASHSEED": str(seed * 7919 + 1)}
        done = subprocess.run(
            [sys.executable, "run.py", url],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1, "autogenerate output differs between processes"
