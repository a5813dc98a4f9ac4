"""Benchmark: a busy table keeps taking writes while its schema changes (``--online``).

A table of ``--rows`` rows (1,000,000 by default) and a writer thread doing single-row
UPDATEs on it, one after another, each timed. While it writes, one revision adds an index,
a foreign key, a check constraint and NOT NULL to that table, run three ways, each from a
fresh subprocess: Alembic (``command.upgrade``, from the scratch venv
/tmp/alembic-bench-venv, created when missing), ``mig upgrade head``, and
``mig upgrade head --online``. Printed per run: the migration's wall time, how many UPDATEs
ran meanwhile and the longest single UPDATE wait, then a check of the schema afterwards
(index valid, constraints validated, column NOT NULL, no helper check left).

The second scenario adds a long-running transaction holding a row lock on the table
(``SELECT ... FOR UPDATE`` on one row the writer never touches, held ``--hold`` seconds,
begun just before the migration). Every exclusive lock then waits for it; with plain DDL
the writers queue behind the waiting ALTER. ``--online`` runs there with
``lock_timeout = --hold-lock-timeout`` (100 ms by default) and more retries, so a waiting
statement gives up quickly, lets the queue drain, and tries again.

Target: with ``--online`` no UPDATE waits more than 200 ms, and the schema is complete.

    python bench/bench_online_migration.py [--url postgresql+psycopg://root@127.0.0.1:5432/mig_bench_online]
                                           [--rows 1000000] [--hold 4] [--skip-alembic]

(``MIG_BENCH_URL`` also sets the URL.) The machine's load average is printed with the
figures: on a shared machine, the waits include the time the writer was not scheduled.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import venv
from pathlib import Path

import sqlalchemy as sa
from _database import ensure_database

DEFAULT_URL = "postgresql+psycopg://root@127.0.0.1:5432/mig_bench_online"
ALEMBIC_VENV = Path("/tmp/alembic-bench-venv")
HERE = Path(__file__).resolve().parent
MIG = Path(sys.executable).with_name("mig")

UPGRADE = """
def upgrade():
    op.create_index("ix_big_n", "big", ["n"])
    op.create_foreign_key("fk_big_parent", "big", "parent", ["pid"], ["id"])
    op.create_check_constraint("ck_big_n", "big", "n >= 0")
    op.alter_column("big", "n", nullable=False, existing_type=sa.Integer())


def downgrade():
    pass
"""

MIG_REVISION = (
    '"""the schema change"""\nimport sqlalchemy as sa\nfrom mig.ops import op\n\n'
    'revision = "b1"\ndown_revision = None\nbranch_labels = None\ndepends_on = None\n' + UPGRADE
)
ALEMBIC_REVISION = (
    '"""the schema change"""\nimport sqlalchemy as sa\nfrom alembic import op\n\n'
    'revision = "b1"\ndown_revision = None\nbranch_labels = None\ndepends_on = None\n' + UPGRADE
)

# env.py for the Alembic project: written here, the least Alembic needs to run online
ALEMBIC_ENV = """
from alembic import context
import sqlalchemy as sa

url = context.config.get_main_option("sqlalchemy.url")
with sa.create_engine(url).connect() as connection:
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()
"""

ALEMBIC_RUNNER = """
import sys
from alembic import command
from alembic.config import Config
command.upgrade(Config(sys.argv[1]), "head")
"""


def prepare(url: str, rows: int) -> None:
    """The two tables, ``rows`` rows in ``big``, no index but the key, nothing recorded."""
    eng = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        for table in ("big", "parent", "mig_version", "mig_version_history", "alembic_version"):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table} CASCADE")
        conn.exec_driver_sql("CREATE TABLE parent (id integer PRIMARY KEY)")
        conn.exec_driver_sql("INSERT INTO parent SELECT generate_series(1, 1000)")
        conn.exec_driver_sql(
            "CREATE TABLE big (id integer PRIMARY KEY, pid integer, n integer, note text)"
        )
        conn.exec_driver_sql(
            f"INSERT INTO big SELECT g, 1 + mod(g, 1000), mod(g, 10000), 'x' "
            f"FROM generate_series(1, {rows}) g"
        )
        conn.exec_driver_sql("VACUUM ANALYZE big")
    eng.dispose()


def schema_complete(url: str) -> str:
    eng = sa.create_engine(url)
    with eng.connect() as conn:
        index = conn.execute(
            sa.text("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('ix_big_n')")
        ).scalar()
        constraints = dict(
            conn.execute(
                sa.text(
                    "SELECT conname, convalidated FROM pg_constraint "
                    "WHERE conrelid = 'big'::regclass AND contype IN ('f', 'c')"
                )
            ).all()
        )
        notnull = conn.execute(
            sa.text(
                "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'big'::regclass "
                "AND attname = 'n'"
            )
        ).scalar()
    eng.dispose()
    ok = (
        index is True
        and constraints == {"fk_big_parent": True, "ck_big_n": True}
        and notnull is True
    )
    return "complete" if ok else f"INCOMPLETE index={index} {constraints} notnull={notnull}"


class Writer(threading.Thread):
    """Single-row UPDATEs, one after another, each timed; row 1 is the holder's."""

    def __init__(self, url: str, rows: int) -> None:
        super().__init__(daemon=True)
        self.eng = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        self.rows = rows
        self.stop = threading.Event()
        self.waits: list[float] = []
        self.errors: list[str] = []

    def run(self) -> None:
        import random

        with self.eng.connect() as conn:
            update = sa.text("UPDATE big SET note = 'w' WHERE id = :id")
            while not self.stop.is_set():
                row = random.randint(2, self.rows)
                started = time.perf_counter()
                try:
                    conn.execute(update, {"id": row})
                except sa.exc.DBAPIError as exc:
                    self.errors.append(str(exc.orig).splitlines()[0])
                self.waits.append(time.perf_counter() - started)
        self.eng.dispose()


def hold_row_lock(url: str, seconds: float, ready: threading.Event) -> threading.Thread:
    def hold() -> None:
        eng = sa.create_engine(url)
        with eng.connect() as conn:
            conn.exec_driver_sql("SELECT * FROM big WHERE id = 1 FOR UPDATE").all()
            ready.set()
            time.sleep(seconds)
            conn.rollback()
        eng.dispose()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    return thread


def mig_project(root: Path, url: str, extra_ini: str = "") -> Path:
    project = root / "mig_project"
    project.mkdir()
    subprocess.run([str(MIG), "init", "migrations"], cwd=project, check=True, capture_output=True)
    ini = project / "mig.ini"
    text = ini.read_text()
    lines = [
        f"sqlalchemy.url = {url}" if line.startswith("sqlalchemy.url") else line
        for line in text.splitlines()
    ]
    at = lines.index("[mig]") + 1  # the section header (comments may name it too)
    lines[at:at] = [line for line in extra_ini.splitlines() if line]
    ini.write_text("\n".join(lines) + "\n")
    (project / "migrations" / "versions" / "b1_change.py").write_text(MIG_REVISION)
    return project


def alembic_python() -> Path:
    python = ALEMBIC_VENV / "bin" / "python"
    if not python.exists():
        print("creating the Alembic venv ...", flush=True)
        venv.create(ALEMBIC_VENV, with_pip=True, clear=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "alembic", "psycopg[binary]"], check=True
        )
    return python


def alembic_project(root: Path, url: str) -> Path:
    project = root / "alembic_project"
    (project / "migrations" / "versions").mkdir(parents=True)
    (project / "alembic.ini").write_text(
        f"[alembic]\nscript_location = {project / 'migrations'}\nsqlalchemy.url = {url}\n"
    )
    (project / "migrations" / "env.py").write_text(textwrap.dedent(ALEMBIC_ENV))
    (project / "migrations" / "script.py.mako").write_text("")
    (project / "migrations" / "versions" / "b1_change.py").write_text(ALEMBIC_REVISION)
    (project / "run.py").write_text(ALEMBIC_RUNNER)
    return project


def measure(name: str, command: list[str], cwd: Path, url: str, rows: int, hold: float) -> None:
    prepare(url, rows)
    writer = Writer(url, rows)
    writer.start()
    time.sleep(1.0)  # the writer's steady state first
    baseline = len(writer.waits)
    holder = None
    if hold:
        ready = threading.Event()
        holder = hold_row_lock(url, hold, ready)
        ready.wait(10)
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    during = writer.waits[baseline:]
    writer.stop.set()
    writer.join()
    if holder is not None:
        holder.join()
    status = "ok" if proc.returncode == 0 else f"FAILED ({proc.returncode})"
    longest = max(during) * 1000 if during else float("nan")
    print(
        f"  {name:<28} {status:<6} migration {elapsed:6.2f} s   UPDATEs {len(during):6d}   "
        f"longest UPDATE wait {longest:8.1f} ms   schema {schema_complete(url)}",
        flush=True,
    )
    if proc.returncode != 0:
        print(textwrap.indent((proc.stderr or proc.stdout).strip()[-1500:], "      "))
    if writer.errors:
        print(f"      writer errors: {len(writer.errors)} (first: {writer.errors[0]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("MIG_BENCH_URL", DEFAULT_URL))
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--hold", type=float, default=4.0)
    parser.add_argument("--hold-lock-timeout", default="100ms")
    parser.add_argument("--skip-alembic", action="store_true")
    args = parser.parse_args()
    ensure_database(args.url)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "plain").mkdir()
        plain = mig_project(root / "plain", args.url)
        held = root / "held"
        held.mkdir()
        held_project = mig_project(
            held, args.url, f"\nlock_timeout = {args.hold_lock_timeout}\nlock_retries = 30"
        )
        runs: list[tuple[str, list[str], Path]] = []
        if not args.skip_alembic:
            ap = alembic_project(root, args.url)
            runs.append(
                ("Alembic upgrade head", [str(alembic_python()), "run.py", "alembic.ini"], ap)
            )
        runs.append(("mig upgrade head", [str(MIG), "upgrade", "head"], plain))
        runs.append(("mig upgrade head --online", [str(MIG), "upgrade", "head", "--online"], plain))
        print(f"load average before: {os.getloadavg()}")
        print(f"{args.rows:,} rows, writer doing single-row UPDATEs; no other transaction:")
        for name, command, cwd in runs:
            measure(name, command, cwd, args.url, args.rows, 0)
        print(
            f"with a transaction holding a row lock for {args.hold:g} s "
            f"(--online: lock_timeout {args.hold_lock_timeout}, 30 retries):"
        )
        for name, command, cwd in runs:
            if "--online" in command:
                cwd = held_project
            measure(name, command, cwd, args.url, args.rows, args.hold)
        print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
