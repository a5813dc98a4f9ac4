"""Benchmark: compare a 2,000-table model with PostgreSQL, mig vs Alembic vs bare reflection.

    python bench/bench_autogen_compare.py [URL] [--tables N] [--repeat R] [--keep]

URL defaults to $MIG_BENCH_URL, else postgresql+psycopg://root@127.0.0.1:5432/mig_bench_compare.
The model has N tables (default 2,000), each with a primary key, a unique column, a foreign
key to the previous table, an index, a server default, a column comment and a table comment.
The tables are created (unless they are already there), then, in one run, each of these is
timed (best of R, default 3), each starting from a fresh connection:

- mig: ``mig.autogen.compare_metadata`` (bulk reflection + comparison);
- SQLAlchemy: ``MetaData.reflect`` of the same tables (reflection alone);
- Alembic: ``alembic.autogenerate.compare_metadata``, in a subprocess of a scratch virtual
  environment (/tmp/alembic-bench-venv, created with pip when missing), so mig never
  imports Alembic.

Each comparison must find no difference (the model is the database). Prints seconds and the
ratios (target: mig at least 3x faster than Alembic, within 1.5x of the bare reflection).
``--keep`` leaves the tables in place for the next run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import venv
from pathlib import Path

import sqlalchemy as sa
from _database import ensure_database

DEFAULT_URL = "postgresql+psycopg://root@127.0.0.1:5432/mig_bench_compare"
ALEMBIC_VENV = Path("/tmp/alembic-bench-venv")
HERE = Path(__file__).resolve()


def build_model(n: int) -> sa.MetaData:
    md = sa.MetaData()
    for i in range(n):
        previous = f"bench_t{max(i - 1, 0):04d}"
        sa.Table(
            f"bench_t{i:04d}",
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(80), nullable=False, comment="display name"),
            sa.Column("code", sa.String(20), unique=True),
            sa.Column("amount", sa.Numeric(12, 2), server_default=sa.text("0")),
            sa.Column("created_at", sa.DateTime, server_default=sa.func.now()),
            sa.Column("prev_id", sa.Integer, sa.ForeignKey(f"{previous}.id")),
            sa.Index(f"ix_bench_t{i:04d}_name", "name"),
            comment=f"bench table {i}",
        )
    return md


def ensure_tables(engine: sa.Engine, md: sa.MetaData) -> None:
    names = set(sa.inspect(engine).get_table_names())
    if set(md.tables) <= names:
        return
    print(f"creating {len(md.tables)} tables ...", flush=True)
    start = time.perf_counter()
    drop_tables(engine, md)
    for batch in _batches(md.sorted_tables):  # one transaction would run out of locks
        with engine.begin() as conn:
            md.create_all(conn, tables=batch)
    print(f"  created in {time.perf_counter() - start:.1f} s", flush=True)


def _batches(tables: list[sa.Table], size: int = 200) -> list[list[sa.Table]]:
    return [tables[i : i + size] for i in range(0, len(tables), size)]


def drop_tables(engine: sa.Engine, md: sa.MetaData) -> None:
    for batch in _batches(list(reversed(md.sorted_tables))):
        with engine.begin() as conn:
            md.drop_all(conn, tables=batch, checkfirst=True)


def best_of(repeat: int, fn) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def time_mig(engine: sa.Engine, md: sa.MetaData, repeat: int) -> float:
    from mig.autogen import compare_metadata
    from mig.runtime import MigrationContext

    def run() -> list:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(connection=conn, opts={"migration_lock": False})
            return compare_metadata(ctx, md)

    seconds, diffs = best_of(repeat, run)
    if diffs:
        raise SystemExit(f"mig found differences where there are none: {diffs[:3]!r} ...")
    return seconds


def time_reflect(engine: sa.Engine, md: sa.MetaData, repeat: int) -> float:
    names = list(md.tables)

    def run() -> sa.MetaData:
        reflected = sa.MetaData()
        with engine.connect() as conn:
            reflected.reflect(conn, only=names)
        return reflected

    seconds, reflected = best_of(repeat, run)
    assert len(reflected.tables) == len(names)
    return seconds


def ensure_alembic_venv() -> Path:
    python = ALEMBIC_VENV / "bin" / "python"
    check = [str(python), "-c", "import alembic, psycopg, sqlalchemy"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    print(f"creating {ALEMBIC_VENV} with Alembic ...", flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(ALEMBIC_VENV)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "alembic", "psycopg[binary]", "pymysql"],
        check=True,
    )
    return python


def time_alembic(url: str, n: int, repeat: int) -> tuple[float, str]:
    python = ensure_alembic_venv()
    out = subprocess.run(
        [
            str(python),
            str(HERE),
            url,
            "--tables",
            str(n),
            "--repeat",
            str(repeat),
            "--alembic-worker",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["seconds"], result["version"]


def alembic_worker(url: str, n: int, repeat: int) -> None:
    """Runs inside the Alembic venv: time Alembic's compare_metadata, print JSON."""
    import alembic
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = sa.create_engine(url)
    md = build_model(n)

    def run() -> list:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn), md)

    seconds, diffs = best_of(repeat, run)
    if diffs:
        raise SystemExit(f"Alembic found differences: {diffs[:3]!r} ...")
    print(json.dumps({"seconds": seconds, "version": alembic.__version__}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url", nargs="?", default=os.environ.get("MIG_BENCH_URL", DEFAULT_URL))
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="leave the tables for the next run")
    parser.add_argument("--alembic-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.alembic_worker:
        alembic_worker(args.url, args.tables, args.repeat)
        return

    ensure_database(args.url)
    engine = sa.create_engine(args.url)
    md = build_model(args.tables)
    ensure_tables(engine, md)
    try:
        reflect = time_reflect(engine, md, args.repeat)
        mig = time_mig(engine, md, args.repeat)
        alembic, version = time_alembic(args.url, args.tables, args.repeat)
    finally:
        if not args.keep:
            drop_tables(engine, md)
    print(f"{args.tables} tables on {engine.dialect.name}, best of {args.repeat}:")
    print(f"  mig compare_metadata         {mig:8.3f} s")
    print(f"  SQLAlchemy MetaData.reflect  {reflect:8.3f} s")
    print(f"  Alembic {version} compare    {alembic:8.3f} s")
    print(f"  Alembic / mig                {alembic / mig:8.2f}x  (target >= 3)")
    print(f"  mig / reflect                {mig / reflect:8.2f}x  (target <= 1.5)")


if __name__ == "__main__":
    sys.exit(main())
