"""Ctrl-C during ``mig upgrade`` (issue 15), with a real ``mig`` process and real signals.

The second of three steps writes a marker file and then sleeps: the test sends SIGINT
while it sleeps. Once: the step finishes and is recorded, the run stops at that step
boundary, and mig exits 130 saying where the database is. Twice: the run aborts at once,
and the database is what a failed run leaves (rolled back; on MariaDB the steps before,
each recorded). The version table is read from the database afterwards.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.e2e.conftest import MIG, Project

CREATE = 'op.create_table("{0}", sa.Column("id", sa.Integer, primary_key=True))'
SLOW = (
    "import os, time\n"
    "    open(os.environ['MIG_TEST_MARK'], 'w').close()\n"
    "    time.sleep({0})\n"
    "    " + CREATE.format("b")
)


@pytest.fixture
def project(engine: sa.Engine, tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    root.mkdir()
    project = Project(root, engine.url.render_as_string(hide_password=False), in_process=True)
    project.init()
    return project


def _chain(project: Project, sleep: float) -> None:
    project.revision("aaa111", "create a", CREATE.format("a"), 'op.drop_table("a")')
    project.revision("bbb222", "slow b", SLOW.format(sleep), 'op.drop_table("b")')
    project.revision("ccc333", "create c", CREATE.format("c"), 'op.drop_table("c")')


def _start(project: Project, mark: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "NO_COLOR": "1", "MIG_TEST_MARK": str(mark)}
    return subprocess.Popen(
        [MIG, "upgrade", "head"],
        cwd=project.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(mark: Path, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while not mark.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the slow step never started"
        time.sleep(0.05)


def _rows(project: Project) -> set[str]:
    if "mig_version" not in project.table_names():
        return set()
    return project.version_rows()


def test_first_ctrl_c_finishes_and_records_the_step_then_stops(
    project: Project, tmp_path: Path
) -> None:
    _chain(project, 2)
    mark = tmp_path / "started"
    proc = _start(project, mark)
    _wait_for(mark, proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert "Ctrl-C: stopping after the running step (press Ctrl-C again to abort now)" in err
    assert err.strip().splitlines()[-1] == (
        "mig: failed: interrupted (Ctrl-C): stopped after 2 of 3 steps; the database is at bbb222"
    )
    lines = out.splitlines()
    assert [line.split(" (")[0] for line in lines[:2]] == [
        "[1/3] upgrade aaa111 create a ok",
        "[2/3] upgrade bbb222 slow b ok",
    ]
    assert lines[2].startswith("stopped (Ctrl-C) after 2 of 3 steps in ") and len(lines) == 3
    assert _rows(project) == {"bbb222"}
    tables = project.table_names()
    assert {"a", "b"} <= tables and "c" not in tables

    # the run can carry on where it stopped
    project.mig("upgrade", "head", "-q")
    assert _rows(project) == {"ccc333"} and "c" in project.table_names()


def test_second_ctrl_c_aborts_at_once(project: Project, dburi: str, tmp_path: Path) -> None:
    _chain(project, 30)
    mark = tmp_path / "started"
    proc = _start(project, mark)
    _wait_for(mark, proc)
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert time.monotonic() - started < 20  # it did not sleep the step out
    assert proc.returncode == 130, (out, err)
    last = err.strip().splitlines()[-1]
    assert "[2/3] upgrade bbb222 slow b aborted" in out.splitlines()
    tables = project.table_names()
    assert "b" not in tables and "c" not in tables
    if sa.engine.make_url(dburi).get_backend_name() in ("mysql", "mariadb"):
        # each step commits on its own: step 1 is applied and recorded, step 2 not at all
        assert last == (
            "mig: failed: aborted (Ctrl-C twice): stopped after aaa111; nothing of bbb222 had run"
        )
        assert _rows(project) == {"aaa111"} and "a" in tables
    else:
        assert last == "mig: failed: aborted (Ctrl-C twice): rolled back: the database is at base"
        assert _rows(project) == set() and "a" not in tables
