"""The migration lock on each live backend: exclusive, bounded wait with a message, and never
left behind by a process killed while holding it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
import sqlalchemy as sa

from mig.runtime.lock import LockRowLock, LockTimeout, MigrationLock, lock_name

NAME = lock_name("mig_version")


def test_lock_is_exclusive_and_waits_with_a_message(engine: sa.Engine) -> None:
    with engine.connect() as first, engine.connect() as second:
        holder = MigrationLock.for_connection(first, NAME)
        waiter = MigrationLock.for_connection(second, NAME)
        assert type(holder).__name__ != "LockRowLock"
        assert holder.try_acquire()
        assert not waiter.try_acquire()
        messages: list[str] = []
        with pytest.raises(
            LockTimeout, match=r"held the migration lock 'mig:mig_version' for more than 0\.5s"
        ):
            with waiter.held(timeout=0.5, notify=messages.append):
                pass
        assert messages == [
            "waiting for the migration lock 'mig:mig_version' held by another process"
        ]
        holder.release()
        with waiter.held(timeout=2):
            assert not holder.try_acquire()
        assert holder.try_acquire()
        holder.release()


def test_lock_row_fallback_for_other_databases(tmp_path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as a, engine.connect() as b:
        first, second = LockRowLock(a, NAME), LockRowLock(b, NAME)
        assert first.try_acquire()
        assert not second.try_acquire()
        first.release()
        assert second.try_acquire()
        second.release()
    engine.dispose()


HOLDER = textwrap.dedent(
    """
    import sys, time
    import sqlalchemy as sa
    from mig.runtime.lock import MigrationLock, lock_name
    engine = sa.create_engine(sys.argv[1])
    conn = engine.connect()
    lock = MigrationLock.for_connection(conn, lock_name("mig_version"))
    assert lock.try_acquire()
    print("locked", flush=True)
    time.sleep(600)
    """
)


def test_killed_holder_leaves_no_lock(engine: sa.Engine) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, engine.url.render_as_string(hide_password=False)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "locked"
        with engine.connect() as conn:
            lock = MigrationLock.for_connection(conn, NAME)
            assert not lock.try_acquire()
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            with lock.held(timeout=10):
                pass
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
