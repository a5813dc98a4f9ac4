"""Eight processes run `upgrade head` on one database at once: with the migration lock all
exit 0 and every step runs exactly once; with the lock turned off they collide (which shows
that the lock is what does the work)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

WORKER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[3])
    import sqlalchemy as sa
    from steps_source import blog_chain
    from mig.runtime import EnvironmentContext, context

    url, lock = sys.argv[1], sys.argv[2] == "on"
    chain = blog_chain(pause=0.2)
    engine = sa.create_engine(url)
    print("ready", flush=True)
    sys.stdin.readline()  # all eight start together, however slow their start-up was
    try:
        with EnvironmentContext(None, chain, fn=lambda h, c: chain.plan_upgrade(h, "head")):
            with engine.connect() as connection:
                context.configure(connection=connection, migration_lock=lock, migration_lock_timeout=60)
                with context.begin_transaction():
                    context.run_migrations()
    except Exception as exc:
        print(f"worker failed: {str(exc).splitlines()[0]}", file=sys.stderr)
        sys.exit(1)
    """
)
HERE = str(Path(__file__).resolve().parent)


def upgrade_from_eight_processes(engine: sa.Engine, lock: str) -> list[int]:
    url = engine.url.render_as_string(hide_password=False)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, url, lock, HERE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    return [p.wait(timeout=120) for p in procs]


def applied(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(sa.text("SELECT revision FROM applied_log")).scalars())


def test_eight_processes_with_the_lock_apply_each_step_once(engine: sa.Engine) -> None:
    assert upgrade_from_eight_processes(engine, "on") == [0] * 8
    assert applied(engine) == ["r1", "r2", "r3"]
    with engine.connect() as conn:
        assert list(conn.execute(sa.text("SELECT version_num FROM mig_version")).scalars()) == [
            "r3"
        ]


def test_without_the_lock_the_processes_collide(engine: sa.Engine) -> None:
    codes = upgrade_from_eight_processes(engine, "off")
    try:
        log = applied(engine)
    except sa.exc.DBAPIError:
        log = None
    collided = codes != [0] * 8 or log != ["r1", "r2", "r3"]
    if not collided:
        pytest.fail(f"8 unlocked processes did not collide: exit codes {codes}, log {log}")
