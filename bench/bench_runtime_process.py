"""Benchmark: a whole `mig upgrade head` process on 1,000 DDL-heavy revisions vs psql.

Each revision creates a table (id, name, created_at with a server default) and an index on
it: DDL the server needs real time for, so the figure shows whether mig's client work (the
process start, imports, script reading, compile) hides behind the server's (the DDL
pipeline sends while the server works). Compared, interleaved, for ``--rounds`` rounds:

- mig: ``mig -c mig.ini upgrade head`` as a user runs it, the whole process timed from the
  outside (interpreter start, imports, reading the project, connecting, the upgrade);
- psql: ``psql -q -f upgrade.sql`` on the SQL that ``mig upgrade head --sql`` writes for
  the same run (one transaction), also timed as a whole process.

The schema is dropped and recreated before every run, and every run is checked (head in
the version table, every table present). The figure is the median of the rounds, with each
round listed (target: mig within 1.05x of psql). The project is built in a temporary
directory; one untimed mig run first writes the caches a second deploy would find. Usage:

    python bench/bench_runtime_process.py [--url URL] [--revisions 1000] [--rounds 3]

(`MIG_BENCH_URL` also sets the URL; default
postgresql+psycopg://root@127.0.0.1:5432/mig_bench_process.)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from _database import ensure_database, psql_argv, reset_schema

DEFAULT_URL = "postgresql+psycopg://root@127.0.0.1:5432/mig_bench_process"
TARGET = 1.05
MIG = str(Path(sys.executable).with_name("mig"))

SCRIPT = '''"""table {n}"""
import sqlalchemy as sa
from mig.ops import op

revision = {rev!r}
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "p_{n:04d}",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime, server_default=sa.func.now()),
    )
    op.create_index("ix_p_{n:04d}_name", "p_{n:04d}", ["name"])


def downgrade():
    op.drop_table("p_{n:04d}")
'''


def write_project(root: Path, url: str, n: int) -> Path:
    subprocess.run([MIG, "init", str(root / "mig")], cwd=root, check=True, capture_output=True)
    ini = root / "mig.ini"
    text = ini.read_text()
    start = text.index("sqlalchemy.url =")
    end = text.index("\n", start)
    ini.write_text(text[:start] + f"sqlalchemy.url = {url}" + text[end:])
    versions = root / "mig" / "versions"
    for i in range(n):
        down = None if i == 0 else f"p{i - 1:04d}"
        body = SCRIPT.format(n=i, rev=f"p{i:04d}", down=down)
        (versions / f"p{i:04d}_table.py").write_text(body)
    past = time.time() - 3600  # old enough for mig's caches to trust (see mig-scripts)
    for path in versions.iterdir():
        os.utime(path, (past, past))
    return ini


def check_applied(url: str, n: int) -> None:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        head = conn.exec_driver_sql("SELECT version_num FROM mig_version").scalars().all()
        tables = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'p\\_%%'"
        ).scalar()
    engine.dispose()
    if head != [f"p{n - 1:04d}"] or tables != n:
        raise SystemExit(f"run incomplete: version {head}, {tables} of {n} tables")


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        argv, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("MIG_BENCH_URL", DEFAULT_URL))
    parser.add_argument("--revisions", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args, _ = parser.parse_known_args()  # `nox -s bench -- ...` passes its args to every bench
    url, n = args.url, args.revisions
    ensure_database(url)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    work = Path(tempfile.mkdtemp(prefix="mig-bench-process-"))
    try:
        ini = write_project(work, url, n)
        sql_file = work / "upgrade.sql"
        with sql_file.open("w") as out:
            subprocess.run(
                [MIG, "-c", str(ini), "upgrade", "head", "--sql"], cwd=work, env=env,
                check=True, stdout=out,
            )  # fmt: skip
        mig_argv = [MIG, "-c", str(ini), "-q", "upgrade", "head"]
        reset_schema(url)
        first = timed(mig_argv, work, env)
        check_applied(url, n)
        print(f"{n} revisions (a table and an index each); first mig run, untimed: {first:.2f}s")
        print(f"load average before the timed rounds: {os.getloadavg()[0]:.2f}")
        mig_runs, psql_runs = [], []
        for _ in range(args.rounds):
            reset_schema(url)
            psql_runs.append(timed(psql_argv(url, sql_file), work, env))
            check_applied(url, n)
            reset_schema(url)
            mig_runs.append(timed(mig_argv, work, env))
            check_applied(url, n)
        reset_schema(url)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    mig_s, psql_s = statistics.median(mig_runs), statistics.median(psql_runs)
    ratio = mig_s / psql_s
    print(f"psql -f (mig's offline SQL)  {psql_s:7.3f}s   rounds: " + fmt(psql_runs))
    print(f"mig upgrade head (process)   {mig_s:7.3f}s   rounds: " + fmt(mig_runs))
    verdict = "meets" if ratio <= TARGET else "MISSES"
    print(f"mig / psql = {ratio:.2f}x (median of {args.rounds}; {verdict} the {TARGET}x target)")
    print(
        "per round: " + " ".join(f"{m / p:.2f}x" for m, p in zip(mig_runs, psql_runs, strict=True))
    )


def fmt(values: list[float]) -> str:
    return " ".join(f"{v:.3f}" for v in values)


if __name__ == "__main__":
    sys.exit(main())
