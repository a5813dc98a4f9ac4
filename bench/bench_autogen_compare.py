"""Benchmark: compare a 2,000-table model with PostgreSQL and MariaDB, mig vs Alembic vs bare
reflection.

    python bench/bench_autogen_compare.py [URL] [--mariadb URL | --no-mariadb]
                                          [--tables N] [--repeat R] [--keep]

URL defaults to $MIG_BENCH_URL, else postgresql+psycopg://root@127.0.0.1:5432/mig_bench_compare;
the MariaDB URL to $MIG_BENCH_MARIADB_URL, else
mariadb+pymysql://root@127.0.0.1:3306/mig_bench_compare. Both run in the same invocation and
are printed side by side; the targets (issue "Speed close to the floor") are PostgreSQL's.
The model has N tables (default 2,000), each with a primary key, a unique column, a foreign
key to the previous table, an index, a server default, a column comment and a table comment.
The tables are created (unless they are already there), then, in one run, each of these is
timed (best of R, default 3), each starting from a fresh connection:

- mig: ``mig.autogen.compare_metadata`` (bulk reflection + comparison);
- SQLAlchemy: ``MetaData.reflect`` of the same tables (reflection alone);
- Alembic: ``alembic.autogenerate.compare_metadata``, in a subprocess of a scratch virtual
  environment (/tmp/alembic-bench-venv, created with pip when missing), so mig never
  imports Alembic.

Each comparison must find no difference (the model is the database). Prints seconds (wall
time, best of R; mig's client CPU time beside it) and the ratios (targets: mig at least 6x
faster than Alembic, and at most 0.6x of the bare reflection).
``--keep`` leaves the tables in place for the next run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from _alembic_venv import ensure_alembic_venv
from _database import ensure_database

DEFAULT_URL = "postgresql+psycopg://root@127.0.0.1:5432/mig_bench_compare"
DEFAULT_MARIADB_URL = "mariadb+pymysql://root@127.0.0.1:3306/mig_bench_compare"
TARGET_ALEMBIC, TARGET_REFLECT = 6.0, 0.6
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
    best, result, _ = best_of_with_cpu(repeat, fn)
    return best, result


def best_of_with_cpu(repeat: int, fn) -> tuple[float, object, float]:
    """Best wall time of ``repeat`` runs, the result, and the client CPU time of that run."""
    best, result, cpu = float("inf"), None, 0.0
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        seconds = time.perf_counter() - start
        if seconds < best:
            best, cpu = seconds, time.process_time() - start_cpu
    return best, result, cpu


def time_mig(engine: sa.Engine, md: sa.MetaData, repeat: int) -> tuple[float, float]:
    from mig.autogen import compare_metadata
    from mig.runtime import MigrationContext

    def run() -> list:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(connection=conn, opts={"migration_lock": False})
            return compare_metadata(ctx, md)

    seconds, diffs, cpu = best_of_with_cpu(repeat, run)
    if diffs:
        raise SystemExit(f"mig found differences where there are none: {diffs[:3]!r} ...")
    return seconds, cpu


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


def bench_backend(url: str, args: argparse.Namespace) -> dict:
    """Time mig, bare reflection and Alembic on one backend; the tables are dropped after."""
    ensure_database(url)
    engine = sa.create_engine(url)
    md = build_model(args.tables)
    ensure_tables(engine, md)
    try:
        reflect = time_reflect(engine, md, args.repeat)
        mig, mig_cpu = time_mig(engine, md, args.repeat)
        alembic, version = time_alembic(url, args.tables, args.repeat)
    finally:
        if not args.keep:
            drop_tables(engine, md)
        engine.dispose()
    return {
        "name": engine.dialect.name,
        "mig": mig,
        "mig_cpu": mig_cpu,
        "reflect": reflect,
        "alembic": alembic,
        "version": version,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url", nargs="?", default=os.environ.get("MIG_BENCH_URL", DEFAULT_URL))
    parser.add_argument(
        "--mariadb", default=os.environ.get("MIG_BENCH_MARIADB_URL", DEFAULT_MARIADB_URL)
    )
    parser.add_argument("--no-mariadb", action="store_true", help="PostgreSQL only")
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="leave the tables for the next run")
    parser.add_argument("--alembic-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.alembic_worker:
        alembic_worker(args.url, args.tables, args.repeat)
        return

    results = [bench_backend(args.url, args)]
    if not args.no_mariadb:
        results.append(bench_backend(args.mariadb, args))
    print(f"{args.tables} tables, best of {args.repeat} (wall seconds):")
    print("  " + " " * 30 + "".join(f"{r['name']:>14}" for r in results))

    def row(label: str, values: list[str]) -> None:
        print(f"  {label:<30}" + "".join(f"{v:>14}" for v in values))

    row("mig compare_metadata", [f"{r['mig']:.3f}" for r in results])
    row("  (mig client CPU)", [f"{r['mig_cpu']:.3f}" for r in results])
    row("SQLAlchemy MetaData.reflect", [f"{r['reflect']:.3f}" for r in results])
    row("Alembic compare_metadata", [f"{r['alembic']:.3f}" for r in results])
    row("Alembic / mig", [f"{r['alembic'] / r['mig']:.2f}x" for r in results])
    row("mig / reflect", [f"{r['mig'] / r['reflect']:.2f}x" for r in results])
    pg = results[0]
    met = (
        pg["alembic"] / pg["mig"] >= TARGET_ALEMBIC and pg["mig"] / pg["reflect"] <= TARGET_REFLECT
    )
    print(
        f"  targets on {pg['name']} (Alembic {pg['version']}): Alembic/mig >= {TARGET_ALEMBIC:g}x, "
        f"mig/reflect <= {TARGET_REFLECT:g}x: {'MET' if met else 'NOT MET'}"
    )


if __name__ == "__main__":
    sys.exit(main())
