"""Transactions, autocommit blocks, stamps and on_version_apply, run through a real
ScriptDirectory and an env.py on each live backend.

The graph: a -> b, a -> c (branch point, labels lb and lc), m merges b and c.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from mig.runtime import MigrationContext, StepFailed

from .history_sql import insert_history, script_of
from .runtime_project import (
    command,
    ini_url,
    new_project,
    tables,
    version_rows,
    write_revision,
)

ENV_PY = '''"""env.py that takes its configure() options from config.attributes["configure"]."""
from sqlalchemy import create_engine, pool

from mig.runtime import context

config = context.config
opts = config.attributes.get("configure", {})
url = config.get_main_option("sqlalchemy.url")

if context.is_offline_mode():
    context.configure(url=url, literal_binds=True, **opts)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, **opts)
        with context.begin_transaction():
            context.run_migrations()
        action = config.attributes.get("after")
        if action is not None:
            action(context.get_context())
'''

CREATE = 'op.create_table("t_{0}", sa.Column("id", sa.Integer))'
DROP = 'op.drop_table("t_{0}")'
FAIL = 'op.execute("INSERT INTO no_such_table VALUES (1)")'


def project(engine: sa.Engine, root: Path, fail: str | None = None, **configure: Any):
    config, location = new_project(root, "generic")
    (location / "env.py").write_text(ENV_PY)
    config.set_main_option("sqlalchemy.url", ini_url(engine))
    config.attributes["configure"] = configure
    graph = [
        ("a", None, None),
        ("b", "a", ("lb",)),
        ("c", "a", ("lc",)),
        ("m", ("b", "c"), None),
    ]
    for rev, down, labels in graph:
        up = CREATE.format(rev) + ("\n" + FAIL if rev == fail else "")
        write_revision(location, rev, down, up, DROP.format(rev), labels=labels)
    return config, location


# -- transaction_per_migration across a branch point and a merge ----------------------------


@pytest.mark.parametrize("per_migration", [False, True], ids=["one-transaction", "per-migration"])
def test_failing_merge_step(engine: sa.Engine, tmp_path: Path, per_migration: bool) -> None:
    config, location = project(engine, tmp_path, fail="m", transaction_per_migration=per_migration)
    with pytest.raises(StepFailed, match=r"^upgrade of revision m failed while running: INSERT"):
        command(config, location, "up", "heads")
    if engine.dialect.name == "mariadb":
        # no transactional DDL: each step commits; m's CREATE TABLE committed before it failed
        assert version_rows(engine) == ["b", "c"]
        assert tables(engine) == ["t_a", "t_b", "t_c", "t_m"]
    elif per_migration:
        assert version_rows(engine) == ["b", "c"]  # both branches recorded, the merge not
        assert tables(engine) == ["t_a", "t_b", "t_c"]
    else:
        assert version_rows(engine) == []  # the whole run rolled back
        assert tables(engine) == []


@pytest.mark.parametrize("per_migration", [False, True], ids=["one-transaction", "per-migration"])
def test_failing_branch_step_then_resume(
    engine: sa.Engine, tmp_path: Path, per_migration: bool
) -> None:
    """The plan runs a, c, b, m: b (the second branch) fails after c has been applied."""
    config, location = project(engine, tmp_path, fail="b", transaction_per_migration=per_migration)
    with pytest.raises(StepFailed, match=r"^upgrade of revision b failed while running: INSERT"):
        command(config, location, "up", "heads")
    if engine.dialect.name == "mariadb" or per_migration:
        assert version_rows(engine) == ["c"]
        expected = ["t_a", "t_c"] + (["t_b"] if engine.dialect.name == "mariadb" else [])
        assert tables(engine) == sorted(expected)
        if engine.dialect.name == "mariadb":
            with engine.begin() as conn:
                conn.execute(sa.text("DROP TABLE t_b"))  # what a half-done step leaves to mend
    else:
        assert version_rows(engine) == []
        assert tables(engine) == []
    # mend b and run again: the run resumes from what the version table says
    write_revision(location, "b", "a", CREATE.format("b"), DROP.format("b"), labels=("lb",))
    command(config, location, "up", "heads")
    assert version_rows(engine) == ["m"]
    assert tables(engine) == ["t_a", "t_b", "t_c", "t_m"]


@pytest.mark.parametrize("per_migration", [False, True], ids=["one-transaction", "per-migration"])
def test_failing_downgrade_across_the_merge(
    engine: sa.Engine, tmp_path: Path, per_migration: bool
) -> None:
    config, location = project(engine, tmp_path, transaction_per_migration=per_migration)
    command(config, location, "up", "heads")
    # b's downgrade now fails: the run undoes m, then stops at b
    write_revision(
        location, "b", "a", CREATE.format("b"), DROP.format("b") + "\n" + FAIL, labels=("lb",)
    )
    with pytest.raises(StepFailed, match=r"^downgrade of revision b failed while running: INSERT"):
        command(config, location, "down", "base")
    if engine.dialect.name == "mariadb" or per_migration:
        assert version_rows(engine) == ["b", "c"]
        if engine.dialect.name == "mariadb":  # b's DROP TABLE committed on its own
            assert tables(engine) == ["t_a", "t_c"]
        else:
            assert tables(engine) == ["t_a", "t_b", "t_c"]
    else:
        assert version_rows(engine) == ["m"]
        assert tables(engine) == ["t_a", "t_b", "t_c", "t_m"]


# -- autocommit_block --------------------------------------------------------------------------

INDEX_IN_BLOCK = """with op.get_context().autocommit_block():
    op.create_index("ix_big_v", "t_big", ["v"], postgresql_concurrently=True)"""


def index_project(engine: sa.Engine, root: Path, r2: str, r3: str, **configure: Any):
    config, location = new_project(root, "generic")
    (location / "env.py").write_text(ENV_PY)
    config.set_main_option("sqlalchemy.url", ini_url(engine))
    config.attributes["configure"] = configure
    write_revision(
        location,
        "r1",
        None,
        'op.create_table("t_big", sa.Column("id", sa.Integer, primary_key=True),'
        ' sa.Column("v", sa.Integer))\n'
        'op.execute("INSERT INTO t_big (id, v) VALUES (1, 10), (2, 20)")',
    )
    write_revision(location, "r2", "r1", r2)
    write_revision(location, "r3", "r2", r3)
    return config, location


def indexes(engine: sa.Engine) -> list[str]:
    return [i["name"] for i in sa.inspect(engine).get_indexes("t_big")]


def test_autocommit_block_in_a_whole_run_transaction(engine: sa.Engine, tmp_path: Path) -> None:
    config, location = index_project(engine, tmp_path, INDEX_IN_BLOCK, CREATE.format("after"))
    command(config, location, "up", "head")
    assert version_rows(engine) == ["r3"]
    assert indexes(engine) == ["ix_big_v"]
    assert tables(engine) == ["t_after", "t_big"]


def test_step_after_an_autocommit_block_fails(engine: sa.Engine, tmp_path: Path) -> None:
    """The block's work cannot be undone, so its step is committed with its version row:
    the later failure leaves the table at r2, matching the database (index present)."""
    r3 = FAIL + "\n" + CREATE.format("after")
    config, location = index_project(engine, tmp_path, INDEX_IN_BLOCK, r3)
    with pytest.raises(StepFailed, match=r"^upgrade of revision r3 failed while running: INSERT"):
        command(config, location, "up", "head")
    assert version_rows(engine) == ["r2"]
    assert indexes(engine) == ["ix_big_v"]
    assert tables(engine) == ["t_big"]
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM t_big")).scalar_one() == 2


def test_concurrent_index_needs_the_block_on_postgresql(engine: sa.Engine, tmp_path: Path) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("CREATE INDEX CONCURRENTLY is PostgreSQL's")
    bare = 'op.create_index("ix_big_v", "t_big", ["v"], postgresql_concurrently=True)'
    config, location = index_project(engine, tmp_path, bare, CREATE.format("after"))
    with pytest.raises(StepFailed) as info:
        command(config, location, "up", "head")
    assert str(info.value) == (
        "upgrade of revision r2 failed while running: CREATE INDEX CONCURRENTLY ix_big_v ON "
        "t_big (v): CREATE INDEX CONCURRENTLY cannot run inside a transaction block; "
        "rolled back: the database is at base"  # what the database holds now (issue 15)
    )
    assert version_rows(engine) == [] and tables(engine) == []


def test_autocommit_block_offline_on_postgresql(tmp_path: Path) -> None:
    config, location = new_project(tmp_path, "generic")
    (location / "env.py").write_text(ENV_PY)
    config.set_main_option("sqlalchemy.url", "postgresql://")
    write_revision(location, "r1", None, CREATE.format("big"))
    write_revision(location, "r2", "r1", INDEX_IN_BLOCK)
    write_revision(location, "r3", "r2", CREATE.format("after"))
    buffer = io.StringIO()
    command(config, location, "up", "head", as_sql=True, starting_rev="r1", output_buffer=buffer)
    versions = location / "versions"
    assert buffer.getvalue() == (
        "BEGIN;\n\n"
        "-- Running upgrade r1 -> r2\n\n"
        "COMMIT;\n\n"
        "CREATE INDEX CONCURRENTLY ix_big_v ON t_big (v);\n\n"
        "BEGIN;\n\n"
        "UPDATE mig_version SET version_num='r2' WHERE mig_version.version_num = 'r1';\n\n"
        + insert_history("postgresql", "r2", script_of(versions, "r2"))
        + "COMMIT;\n\n"
        "BEGIN;\n\n"
        "-- Running upgrade r2 -> r3\n\n"
        "CREATE TABLE t_after (\n    id INTEGER\n);\n\n"
        "UPDATE mig_version SET version_num='r3' WHERE mig_version.version_num = 'r2';\n\n"
        + insert_history("postgresql", "r3", script_of(versions, "r3"))
        + "COMMIT;\n\n"
    )


# -- on_version_apply --------------------------------------------------------------------------


def recorder(calls: list[dict[str, Any]]):
    def on_version_apply(*, ctx, step, heads, run_args):
        assert isinstance(ctx, MigrationContext)
        calls.append(
            {
                "up": step.up_revision_ids,
                "down": step.down_revision_ids,
                "up1": step.up_revision_id,
                "is_upgrade": step.is_upgrade,
                "is_stamp": step.is_stamp,
                "is_migration": step.is_migration,
                "src": step.source_revision_ids,
                "dst": step.destination_revision_ids,
                "heads": sorted(heads),
                "run_args": run_args,
                "doc": step.doc,
                "up_rev": step.up_revision.revision if step.up_revision else None,
                "downs": tuple(r.revision for r in step.down_revisions),
            }
        )

    return on_version_apply


def call(up, down, is_upgrade, heads, is_stamp=False):
    """One callback as Alembic 1.20.1 makes it for the same graph (recorded by hand)."""
    up, down = tuple(up), tuple(down)
    return {
        "up": up,
        "down": down,
        "up1": up[0] if up else None,
        "is_upgrade": is_upgrade,
        "is_stamp": is_stamp,
        "is_migration": not is_stamp,
        "src": down if is_upgrade else up,
        "dst": up if is_upgrade else down,
        "heads": sorted(heads),
        "run_args": {},
        "doc": f"doc of {up[0]}" if up else None,
        "up_rev": up[0] if up else None,
        "downs": down,
    }


def test_on_version_apply_for_upgrade_and_downgrade(engine: sa.Engine, tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []
    second: list[dict[str, Any]] = []
    config, location = project(engine, tmp_path, on_version_apply=[recorder(calls)])
    command(config, location, "up", "heads")
    assert calls == [
        call("a", "", True, ["a"]),
        call("c", "a", True, ["c"]),
        call("b", "a", True, ["b", "c"]),
        call("m", "bc", True, ["m"]),
    ]
    calls.clear()
    config.attributes["configure"] = {"on_version_apply": (recorder(calls), recorder(second))}
    command(config, location, "down", "base")
    assert (
        calls
        == second
        == [
            call("m", "bc", False, ["b", "c"]),
            call("b", "a", False, ["c"]),
            call("c", "a", False, ["a"]),
            call("a", "", False, []),
        ]
    )


def test_on_version_apply_sees_run_args(engine: sa.Engine, tmp_path: Path) -> None:
    from mig.runtime import EnvironmentContext
    from mig.scripts import ScriptDirectory

    calls: list[dict[str, Any]] = []
    config, location = project(engine, tmp_path)
    for rev in "abcm":  # the multidb shape: upgrade(engine_name)
        path = location / "versions" / f"{rev}.py"
        path.write_text(path.read_text().replace("def upgrade():", "def upgrade(engine_name):"))
    script = ScriptDirectory(location)
    with (
        EnvironmentContext(config, script, fn=lambda h, c: script.plan_upgrade(h, "c")),
        engine.connect() as connection,
    ):
        from mig.runtime import context

        context.configure(connection=connection, on_version_apply=recorder(calls))
        with context.begin_transaction():
            context.run_migrations(engine_name="one")
    assert [c["up"] for c in calls] == [("a",), ("c",)]
    assert [c["run_args"] for c in calls] == [{"engine_name": "one"}] * 2


# -- stamp by spec -----------------------------------------------------------------------------

STAMPS = [  # spec, rows after, the callback Alembic 1.20.1 gives (recorded by hand)
    ("heads", ["m"], call("m", "", True, ["m"], True)),
    ("b", ["b"], call("m", "b", False, ["b"], True)),
    ("a", ["a"], call("b", "a", False, ["a"], True)),
    ("c", ["c"], call("c", "a", True, ["c"], True)),
    ("lb@head", ["m"], call("m", "c", True, ["m"], True)),
    ("base", [], call("m", "", False, [], True)),
    ("b", ["b"], call("b", "", True, ["b"], True)),
    ("c", ["b", "c"], call("c", "", True, ["b", "c"], True)),
    ("m", ["m"], call("m", "bc", True, ["m"], True)),
]


def test_stamp_by_spec_matches_alembic(engine: sa.Engine, tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []
    config, location = project(engine, tmp_path, on_version_apply=recorder(calls))
    for spec, rows, callback in STAMPS:
        calls.clear()
        command(config, location, "stamp", spec)
        assert version_rows(engine) == rows, spec
        for c in calls:
            c["doc"] = f"doc of {c['up1']}" if c["up1"] else None  # Alembic: the up script's
        assert calls == [callback], spec
    assert tables(engine) == []  # stamping ran no script


def stamp_directly(engine: sa.Engine, location: Path, spec: Any, purge: bool = False) -> None:
    """MigrationContext.stamp() as code calls it, with the ScriptDirectory as source."""
    from mig.runtime import EnvironmentContext, context
    from mig.scripts import ScriptDirectory

    with EnvironmentContext(None, ScriptDirectory(location)), engine.connect() as connection:
        context.configure(connection=connection)
        context.get_context().stamp(spec, purge=purge)


def test_stamp_over_unknown_rows_needs_purge(engine: sa.Engine, tmp_path: Path) -> None:
    config, location = project(engine, tmp_path)
    command(config, location, "up", "b")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO mig_version (version_num) VALUES ('zz_unknown')"))
    with pytest.raises(Exception, match="zz_unknown") as info:
        stamp_directly(engine, location, "lc@head")
    assert "\n" not in str(info.value)
    assert version_rows(engine) == ["b", "zz_unknown"]  # nothing changed
    stamp_directly(engine, location, ["lc@head"], purge=True)
    assert version_rows(engine) == ["m"]
    stamp_directly(engine, location, ["b", "c"])
    assert version_rows(engine) == ["b", "c"]
    assert tables(engine) == ["t_a", "t_b"]  # stamps ran no script


def test_stamp_bad_spec_is_one_line(engine: sa.Engine, tmp_path: Path) -> None:
    config, location = project(engine, tmp_path)
    with pytest.raises(Exception) as info:
        command(config, location, "stamp", "nope@head")
    assert "nope" in str(info.value) and "\n" not in str(info.value)
    assert version_rows(engine) == []
