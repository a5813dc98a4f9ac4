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
from steps_source import blog_chain
from test_run import run

from mig.runtime import EnvironmentContext, context
from mig.runtime.lock import LockRowLock, LockTimeout, MigrationLock, lock_name

NAME = lock_name("mig_version")


def name_for(engine: sa.Engine) -> str:
    """The name the runtime uses: the database is part of it (GET_LOCK is server-wide)."""
    database = None if engine.dialect.name == "sqlite" else engine.url.database
    return lock_name("mig_version", None, database)


def test_lock_name_includes_the_database() -> None:
    assert lock_name("mig_version") == "mig:mig_version"
    assert lock_name("mig_version", "app", "prod") == "mig:prod/app.mig_version"
    long = lock_name("v" * 40, "s" * 20, "d" * 30)
    assert len(long) == 64 and long.startswith("mig:" + "d" * 30 + "/")
    assert long != lock_name("v" * 40, "s" * 20, "d" * 29 + "e")


def test_lock_is_exclusive_and_waits_with_a_message(engine: sa.Engine) -> None:
    name = name_for(engine)
    with engine.connect() as first, engine.connect() as second:
        holder = MigrationLock.for_connection(first, name)
        waiter = MigrationLock.for_connection(second, name)
        assert type(holder).__name__ != "LockRowLock"
        assert holder.try_acquire()
        assert not waiter.try_acquire()
        messages: list[str] = []
        with pytest.raises(
            LockTimeout, match=rf"held the migration lock '{name}' for more than 0\.5s"
        ):
            with waiter.held(timeout=0.5, notify=messages.append):
                pass
        assert messages == [f"waiting for the migration lock '{name}' held by another process"]
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
    lock = MigrationLock.for_connection(conn, sys.argv[2])
    assert lock.try_acquire()
    print("locked", flush=True)
    time.sleep(600)
    """
)


def test_killed_holder_leaves_no_lock(engine: sa.Engine) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            HOLDER,
            engine.url.render_as_string(hide_password=False),
            name_for(engine),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "locked"
        with engine.connect() as conn:
            lock = MigrationLock.for_connection(conn, name_for(engine))
            assert not lock.try_acquire()
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            with lock.held(timeout=10):
                pass
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_run_holds_the_lock_of_its_own_database(engine: sa.Engine) -> None:
    """While steps run, the lock named after this database and version table is taken, and
    the same version table in another database (same server) is free."""
    chain = blog_chain()
    seen: list[tuple[bool, bool]] = []

    def probe(**_: object) -> None:
        with engine.connect() as other:
            ours = MigrationLock.for_connection(other, name_for(engine))
            elsewhere = MigrationLock.for_connection(
                other, lock_name("mig_version", None, "some_other_db")
            )
            got_ours, got_elsewhere = ours.try_acquire(), elsewhere.try_acquire()
            for lock, got in ((ours, got_ours), (elsewhere, got_elsewhere)):
                if got:
                    lock.release()
            seen.append((got_ours, got_elsewhere))

    with (
        EnvironmentContext(None, chain, fn=lambda h, c: chain.plan_upgrade(h, "r1")),
        engine.connect() as connection,
    ):
        context.configure(connection=connection, on_version_apply=probe)
        with context.begin_transaction():
            context.run_migrations()
    # SQLite's lock is a file beside the database, whatever the name: both are taken there
    assert seen == [(False, engine.dialect.name != "sqlite")]


@pytest.mark.parametrize("per_migration", [False, True], ids=["one-transaction", "per-migration"])
def test_the_next_holder_of_the_lock_sees_the_run_committed(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch, per_migration: bool
) -> None:
    """At the moment the lock is released, another connection must already see the new rows.

    Released before the run's transaction commits, the lock would let the next process read
    the version table as it was before the run and apply the same steps again.
    """
    seen_at_release: list[list[str]] = []
    make_lock = MigrationLock.for_connection.__func__

    def watched(cls, connection, name):
        lock = make_lock(cls, connection, name)
        release = lock.release

        def release_and_look() -> None:
            with engine.connect() as other:
                rows = other.execute(sa.text("SELECT version_num FROM mig_version")).scalars()
                seen_at_release.append(sorted(rows))
            release()

        lock.release = release_and_look
        return lock

    monkeypatch.setattr(MigrationLock, "for_connection", classmethod(watched))
    run(engine, blog_chain(), "up", "head", transaction_per_migration=per_migration)
    assert seen_at_release == [["r3"]]
