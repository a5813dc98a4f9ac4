"""Test matrix, package isolation, lint and benchmarks.

    nox -s tests                     # every backend x SQLAlchemy minor
    nox -s "tests(backend='sqlite', sqlalchemy='2.0')"
    nox -s isolated-mig-ops          # one package alone in a fresh venv
    nox -s lint
    nox -s bench

Backend URLs default to the servers on the development machine and CI; override them with
MIG_PG_URI / MIG_MARIADB_URI.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import nox

ROOT = Path(__file__).parent
nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = False

BACKENDS = {
    "sqlite": "sqlite://",
    "postgresql": os.environ.get("MIG_PG_URI", "postgresql+psycopg://root@127.0.0.1:5432/test"),
    "mariadb": os.environ.get("MIG_MARIADB_URI", "mariadb+pymysql://root@127.0.0.1:3306/test"),
}
SQLALCHEMY = {"2.0": "SQLAlchemy~=2.0.0", "2.1": "SQLAlchemy~=2.1.0"}


def _edges():
    """The package edges, declared once in tools/edges.toml (see tools/edges.py)."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import edges
    finally:
        sys.path.remove(str(ROOT / "tools"))
    return edges.load()


EDGES = _edges()
# Each package and the mig siblings it needs, transitively (DESIGN.md)
CLOSURE = {name: EDGES.closure(name) for name in EDGES.packages}


@nox.session
@nox.parametrize("sqlalchemy", list(SQLALCHEMY))
@nox.parametrize("backend", list(BACKENDS))
def tests(session: nox.Session, backend: str, sqlalchemy: str) -> None:
    """The whole test suite on one backend and one SQLAlchemy minor."""
    session.install("-r", "requirements-dev.txt")
    session.install(SQLALCHEMY[sqlalchemy])
    session.run(
        "python", "-m", "pytest", *session.posargs, env={"MIG_TEST_DBURI": BACKENDS[backend]}
    )


def _build_wheels(session: nox.Session, names: list[str], outdir: str) -> list[str]:
    for name in names:
        session.run(
            "python",
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            outdir,
            str(ROOT / "packages" / f"mig-{name}"),
        )
    return [str(p) for p in Path(outdir).glob("mig_*.whl")]


def _isolated(package: str):
    @nox.session(name=f"isolated-mig-{package}")
    def session_fn(session: nox.Session) -> None:
        """Build this package's wheel (and its siblings'), install it alone, check its edges."""
        with tempfile.TemporaryDirectory() as outdir:
            wheels = _build_wheels(session, CLOSURE[package], outdir)
            session.install(*wheels)
        session.run("python", str(ROOT / "tools" / "check_isolated.py"), package)
        for script in RUNS_ALONE.get(package, ()):
            session.run("python", script, "offline", external=False)

    return session_fn


#: scripts that must run with only a package and its closure installed: a deployment with
#: mig-runtime alone records and writes the PostgreSQL enum ops (issue 16)
RUNS_ALONE = {"runtime": [str(ROOT / "tests" / "runtime" / "enum_ops_runtime_only.py")]}


for _package in CLOSURE:
    globals()[f"isolated_{_package}"] = _isolated(_package)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff keeps the format and the lint rules."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def bench(session: nox.Session) -> None:
    """Run every benchmark in bench/; each prints its own figures."""
    session.install("-r", "requirements-dev.txt")
    scripts = sorted((ROOT / "bench").glob("bench_*.py"))
    if not scripts:
        session.error("bench/ has no bench_*.py scripts")
    for script in scripts:
        session.run("python", str(script), *session.posargs)
