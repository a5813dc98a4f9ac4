"""Progress that tells the truth (issue 15): a step is shown done only once the database
confirmed it, a failure says what the database holds now, one line per step, a summary,
``-q`` silences everything, and ``-q``/``-x``/``-c`` work after the subcommand.

Each test checks the database itself (tables by reflection, the version table's rows), not
only what mig printed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from mig.runtime import reporting
from tests.e2e.conftest import Project

CREATE = 'op.create_table("{0}", sa.Column("id", sa.Integer, primary_key=True))'
# step 3 creates c, then fails creating a again (it exists: step 1 made it)
FAILING = CREATE.format("c") + "\n    " + CREATE.format("a")
SUMMARY = re.compile(r"^3 steps in \d+\.\d\d s$")


@pytest.fixture
def project(engine: sa.Engine, tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    root.mkdir()
    project = Project(root, engine.url.render_as_string(hide_password=False), in_process=True)
    project.init()
    return project


def _chain(project: Project, third: str = CREATE.format("c")) -> None:
    project.revision("aaa111", "create a", CREATE.format("a"), 'op.drop_table("a")')
    project.revision("bbb222", "create b", CREATE.format("b"), 'op.drop_table("b")')
    project.revision("ccc333", "create c", third, 'op.drop_table("c")')


def _rows(project: Project) -> set[str]:
    """The version rows; none when the version table does not exist (rolled back too)."""
    if "mig_version" not in project.table_names():
        return set()
    return project.version_rows()


def _env_configure(project: Project, extra: str) -> None:
    env_py = project.root / "migrations" / "env.py"
    text = env_py.read_text()
    old = "context.configure(connection=connection, target_metadata=target_metadata)"
    assert old in text
    env_py.write_text(text.replace(old, old[:-1] + f", {extra})"))


def test_failing_third_step_of_one_transaction_says_what_the_database_holds(
    project: Project, dburi: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # no sync is made only to confirm steps: with the pipeline, steps 1 and 2 are still
    # queued when step 3 fails, and must not be shown as done
    monkeypatch.setattr(reporting, "CONFIRM_INTERVAL", 3600.0)
    _chain(project, FAILING)
    result = project.mig("upgrade", "head", code=1)
    lines = result.out.splitlines()
    backend = sa.engine.make_url(dburi).get_backend_name()
    err = result.err.strip()
    assert err.startswith("mig: failed: upgrade of revision ccc333 failed while running: CREATE")
    assert lines[-1].startswith("[3/3] upgrade ccc333 create c FAILED (")
    assert len(lines) == 3  # one line per step, no summary for a failed run
    if backend == "postgresql":
        # pipelined: nothing of steps 1-2 was confirmed before the failure
        assert lines[:2] == [
            "[1/3] upgrade aaa111 create a rolled back",
            "[2/3] upgrade bbb222 create b rolled back",
        ]
        assert not any(" ok " in line for line in lines)
    else:
        assert lines[0].startswith("[1/3] upgrade aaa111 create a ok (")
        assert lines[1].startswith("[2/3] upgrade bbb222 create b ok (")
    if backend in ("mysql", "mariadb"):  # no transactional DDL: what ran stays
        assert re.search(
            r"; stopped after bbb222; CREATE TABLE c \(.* of ccc333 had already run and stays$",
            err,
        )
        assert "CREATE TABLE a" not in err.partition("; stopped after")[2]
        assert _rows(project) == {"bbb222"}
        assert {"a", "b", "c"} <= project.table_names()
    else:
        assert err.endswith("; rolled back: the database is at base")
        assert _rows(project) == set()  # the version table itself was rolled back
        assert project.table_names() & {"a", "b", "c", "mig_version"} == set()


def test_confirmed_steps_are_shown_as_the_pipeline_syncs(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every step end syncs: each step is shown ok once confirmed, still one line each
    monkeypatch.setattr(reporting, "CONFIRM_INTERVAL", 0.0)
    _chain(project)
    lines = project.mig("upgrade", "head").out.splitlines()
    assert [line.split(" (")[0] for line in lines[:3]] == [
        "[1/3] upgrade aaa111 create a ok",
        "[2/3] upgrade bbb222 create b ok",
        "[3/3] upgrade ccc333 create c ok",
    ]
    assert SUMMARY.match(lines[3]) and len(lines) == 4
    assert project.version_rows() == {"ccc333"}


def test_transaction_per_migration_names_the_last_committed_step(
    project: Project, dburi: str
) -> None:
    _env_configure(project, "transaction_per_migration=True")
    _chain(project, FAILING)
    err = project.mig("upgrade", "head", code=1).err.strip()
    if sa.engine.make_url(dburi).get_backend_name() in ("mysql", "mariadb"):
        assert "; stopped after bbb222; CREATE TABLE c (" in err
        assert project.version_rows() == {"bbb222"}
        return
    assert err.endswith("; ccc333 rolled back; the database is at bbb222, the last committed step")
    assert project.version_rows() == {"bbb222"}
    assert {"a", "b"} <= project.table_names() and "c" not in project.table_names()


def test_one_line_per_step_no_log_duplicate_and_a_summary(project: Project) -> None:
    _chain(project)
    result = project.mig("upgrade", "head")
    lines = result.out.splitlines()
    assert [line.split(" (")[0] for line in lines[:3]] == [
        "[1/3] upgrade aaa111 create a ok",
        "[2/3] upgrade bbb222 create b ok",
        "[3/3] upgrade ccc333 create c ok",
    ]
    assert SUMMARY.match(lines[3]) and len(lines) == 4
    # the template's logging (logger mig at INFO) no longer repeats each step
    assert "Running upgrade" not in result.err
    assert project.version_rows() == {"ccc333"}

    down = project.mig("downgrade", "base").out.splitlines()
    assert down[0].startswith("[1/3] downgrade ccc333 create c ok (")
    assert re.match(r"^3 steps in \d+\.\d\d s$", down[-1]) and len(down) == 4
    assert project.version_rows() == set()


def test_quiet_silences_progress_and_log_before_or_after_the_subcommand(
    project: Project,
) -> None:
    _chain(project)
    before = project.mig("-q", "upgrade", "bbb222")
    assert (before.out, before.err) == ("", "")
    assert project.version_rows() == {"bbb222"}
    after = project.mig("upgrade", "head", "-q")
    assert (after.out, after.err) == ("", "")
    assert project.version_rows() == {"ccc333"}
    assert {"a", "b", "c"} <= project.table_names()


def test_x_and_c_after_the_subcommand(project: Project) -> None:
    _chain(project)
    env_py = project.root / "migrations" / "env.py"
    env_py.write_text(
        env_py.read_text().replace(
            "target_metadata = None",
            "target_metadata = None\nprint('x =', context.get_x_argument(as_dictionary=True))",
        )
    )
    (project.root / "mig.ini").rename(project.root / "other.ini")
    out = project.mig("upgrade", "aaa111", "-c", "other.ini", "-x", "tenant=acme", "-q").out
    assert out == "x = {'tenant': 'acme'}\n"
    assert project.version_rows() == {"aaa111"}
    out = project.mig("current", "--config", "other.ini").out
    assert out.splitlines()[-1] == "aaa111"
