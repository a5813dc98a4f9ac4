"""A real ``mig upgrade`` killed with SIGKILL in the middle of an op.backfill, then rerun:
every row is updated exactly once (a counter column proves it), and the version table,
the history and the progress table end right."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import sqlalchemy as sa

from tests.e2e.conftest import MIG

ROWS = 120
BATCH = 10

CREATE = f"""op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("cnt", sa.Integer, nullable=False, server_default="0"),
    )
    op.execute("INSERT INTO items (id) VALUES " + ", ".join(f"({{i}})" for i in range(1, {ROWS + 1})))"""

# each commit (a batch with its progress row) first bumps a marker file and waits, so the
# test can kill the process part way: before a batch commits, or between two batches
BACKFILL = f"""import os, pathlib, time
    marker = os.environ.get("BACKFILL_MARKER")
    if marker:
        path = pathlib.Path(marker)

        @sa.event.listens_for(op.get_bind(), "commit")
        def slow(conn):
            path.write_text(str(int(path.read_text() or "0") + 1))
            time.sleep(0.15)

    op.backfill("items", {{"cnt": sa.text("cnt + 1")}}, batch_size={BATCH})"""


def query(url: str, sql: str) -> list[tuple]:
    eng = sa.create_engine(url)
    try:
        with eng.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql))]
    finally:
        eng.dispose()


def _start_and_kill(project, marker) -> None:
    proc = subprocess.Popen(
        [MIG, "upgrade", "head"],
        cwd=project.root,
        env={**os.environ, "BACKFILL_MARKER": str(marker), "NO_COLOR": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while int(marker.read_text() or "0") < 5:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the backfill never got going"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def test_killed_backfill_resumes_and_updates_each_row_once(project, tmp_path) -> None:
    project.init()
    project.revision("a1", "items", CREATE, "pass")
    project.revision("b1", "backfill", BACKFILL, "pass", "--head", "a1")
    marker = tmp_path / "marker"
    marker.write_text("0")
    _start_and_kill(project, marker)

    url = project.url
    counts = dict(query(url, "SELECT cnt, COUNT(*) FROM items GROUP BY cnt"))
    assert set(counts) == {0, 1}, counts  # part way: some rows done, none twice
    assert 0 < counts[1] < ROWS
    assert counts[1] % BATCH == 0  # whole batches only: the one being written was rolled back
    assert project.version_rows() == {"a1"}
    progress = query(
        url,
        "SELECT revision, direction, op_index, rows_done FROM mig_version_backfill"
        " ORDER BY op_index",
    )
    # the step's checkpoint (op_index -1: no directive before the backfill) and the
    # backfill's own progress (op_index 0: the step's first directive)
    assert progress == [("b1", "up", -1, 0), ("b1", "up", 0, counts[1])]

    project.mig("upgrade", "head", console_script=True)

    assert query(url, "SELECT cnt, COUNT(*) FROM items GROUP BY cnt") == [(1, ROWS)]
    assert project.version_rows() == {"b1"}
    history = query(url, "SELECT revision, direction FROM mig_version_history ORDER BY id")
    assert history == [("a1", "up"), ("b1", "up")]
    assert query(url, "SELECT COUNT(*) FROM mig_version_backfill") == [(0,)]

    project.mig("upgrade", "head", console_script=True)  # nothing left: nothing applied again
    assert query(url, "SELECT cnt, COUNT(*) FROM items GROUP BY cnt") == [(1, ROWS)]


BEFORE = """op.add_column("items", sa.Column("extra", sa.Integer))
    op.create_table("audit", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("INSERT INTO audit (id) VALUES (1)")
    """


def test_ops_before_a_killed_backfill_are_not_run_again(project, tmp_path) -> None:
    """The ops of the step before the backfill were committed when it began: the rerun
    skips them (the step's checkpoint) instead of adding the column and the row twice."""
    project.init()
    project.revision("a1", "items", CREATE, "pass")
    project.revision("b1", "backfill", BEFORE + BACKFILL, "pass", "--head", "a1")
    marker = tmp_path / "marker"
    marker.write_text("0")
    _start_and_kill(project, marker)
    url = project.url
    assert project.version_rows() == {"a1"}
    assert query(url, "SELECT COUNT(*) FROM audit") == [(1,)]  # committed before the kill
    checkpoint = query(url, "SELECT rows_done FROM mig_version_backfill WHERE op_index = -1")
    assert checkpoint == [(3,)]  # three directives before the backfill are done

    result = project.mig("upgrade", "head", console_script=True)
    assert "already exists" not in result.err
    assert query(url, "SELECT COUNT(*) FROM audit") == [(1,)]
    assert query(url, "SELECT cnt, COUNT(*) FROM items GROUP BY cnt") == [(1, ROWS)]
    assert project.version_rows() == {"b1"}
    assert query(url, "SELECT COUNT(*) FROM mig_version_backfill") == [(0,)]
    assert "extra" in {c["name"] for c in sa.inspect(sa.create_engine(url)).get_columns("items")}
