"""Commands that only read the database take no migration lock and create nothing.

``mig current``, ``mig history --indicate-current``, ``mig history --applied`` and ``mig check
--integrity`` run env.py like upgrade does, but the runtime is told the run is read-only: a
deploy's upgrade holding the lock does not hold them up, and a database that has never been
migrated is left without a version table (Alembic's ``current`` creates one).
"""

from __future__ import annotations

import sqlalchemy as sa

from mig.runtime.lock import MigrationLock, lock_name

CREATE_A = 'op.create_table("a", sa.Column("id", sa.Integer, primary_key=True))'


def test_reading_a_database_never_migrated_creates_nothing(project) -> None:
    project.init()
    project.revision("aaa111", "create a", CREATE_A, 'op.drop_table("a")')
    assert project.mig("current").out.strip() == ""
    history = project.mig("history", "--indicate-current").out
    assert "aaa111" in history and "(current)" not in history
    assert project.mig("history", "--applied").out.strip() == "(no applied history)"
    project.mig("check", "--integrity")
    assert project.table_names() == set()


def test_current_does_not_wait_for_a_running_upgrade(project, engine: sa.Engine) -> None:
    """The test holds the migration lock as an upgrade would; reading goes straight on.

    If ``current`` took the lock it would wait for it (300 s by default) and the subprocess
    timeout would fail the test.
    """
    project.init()
    project.revision("aaa111", "create a", CREATE_A, 'op.drop_table("a")')
    project.mig("upgrade", "head")
    database = None if engine.dialect.name == "sqlite" else engine.url.database
    with engine.connect() as holder:
        lock = MigrationLock.for_connection(holder, lock_name("mig_version", None, database))
        assert lock.try_acquire()
        try:
            assert project.mig("current", timeout=60).out.split() == ["aaa111", "(head)"]
            applied = project.mig("history", "--applied", timeout=60).out
            assert "aaa111" in applied
        finally:
            lock.release()
