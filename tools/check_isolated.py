"""Run inside a fresh venv that has one mig package (and its siblings) installed from wheels.

Proves the install stands on its own: every module of the package imports, the mig packages
outside its edges are absent, and no third-party distribution beyond the allowed ones is
installed. For mig-ops it also records, reverses and JSON round-trips every built-in
directive, which is what an ops-only tool does. For mig-autogen (and mig-cli, which brings
it) it runs the ``mig-diff`` console script on two SQLite files, one with an extra table,
which is what the autogen-only install is for.

Usage: python tools/check_isolated.py PACKAGE   (ops, ddl, scripts, runtime, autogen, cli)
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import pkgutil
import subprocess
import sys
import tempfile
from pathlib import Path

from edges import load, normalise  # (tools/edges.py: this script's folder is on sys.path)

EDGES = load()
# Each package and the mig siblings it needs, transitively
CLOSURE = {name: set(EDGES.closure(name)) for name in EDGES.packages}
# Third-party distributions each install may bring (with their own dependencies)
THIRD_PARTY = {name: EDGES.distributions(name) for name in EDGES.packages}
INSTALLER = {"pip", "setuptools", "wheel"}


def check_mig_diff() -> list[str]:
    """Run ``mig-diff`` as a user would: exit 1 and the extra table reported, then exit 0."""
    import sqlalchemy as sa

    script = Path(sys.executable).with_name("mig-diff")
    if not script.exists():
        return [f"the mig-diff console script is missing ({script})"]
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        urls = {name: f"sqlite:///{Path(tmp) / name}.db" for name in ("model", "database")}
        for name, url in urls.items():
            md = sa.MetaData()
            sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True))
            if name == "model":
                sa.Table("extra", md, sa.Column("id", sa.Integer, primary_key=True))
            engine = sa.create_engine(url)
            md.create_all(engine)
            engine.dispose()
        runs = [
            ([urls["model"], urls["database"]], 1, "+ create table extra: 1 column: id"),
            (["--format", "sql", urls["model"], urls["database"]], 1, "CREATE TABLE extra ("),
            ([urls["model"], urls["model"]], 0, "No differences between"),
            (["no_such_module:metadata", urls["model"]], 2, "cannot import module"),
        ]
        for args, code, expected in runs:
            proc = subprocess.run([str(script), *args], capture_output=True, text=True)
            output = proc.stdout + proc.stderr
            if proc.returncode != code or expected not in output:
                problems.append(
                    f"mig-diff {' '.join(args)}: exit {proc.returncode} (expected {code}), "
                    f"output {output.strip()!r} lacks {expected!r}"
                )
            else:
                print(f"mig-diff {' '.join(args)}: exit {code} ok")
    return problems


def check_wheel_metadata(packages: set[str]) -> list[str]:
    """Each installed mig wheel ships py.typed and tells the index its classifiers and URLs."""
    import importlib.resources

    problems: list[str] = []
    for name in sorted(packages):
        if not (importlib.resources.files(f"mig.{name}") / "py.typed").is_file():
            problems.append(f"mig-{name}: the wheel has no mig/{name}/py.typed")
        meta = importlib.metadata.metadata(f"mig-{name}")
        if "Typing :: Typed" not in (meta.get_all("Classifier") or []):
            problems.append(f"mig-{name}: no 'Typing :: Typed' classifier")
        if not meta.get_all("Project-URL"):
            problems.append(f"mig-{name}: no Project-URL")
    return problems


def main(package: str) -> int:
    problems: list[str] = []
    root = importlib.import_module(f"mig.{package}")
    for info in pkgutil.walk_packages(root.__path__, prefix=f"mig.{package}."):
        importlib.import_module(info.name)
    for other in set(CLOSURE) - CLOSURE[package]:
        if importlib.util.find_spec(f"mig.{other}") is not None:
            problems.append(f"mig.{other} is importable but outside mig-{package}'s edges")
    installed = {normalise(d.metadata["Name"]) for d in importlib.metadata.distributions()}
    ours = {f"mig-{p}" for p in CLOSURE[package]}
    extra = installed - ours - THIRD_PARTY[package] - INSTALLER
    if extra:
        problems.append(f"unexpected distributions installed: {sorted(extra)}")
    missing = ours - installed
    if missing:
        problems.append(f"missing distributions: {sorted(missing)}")
    problems += check_wheel_metadata(CLOSURE[package] & {p for p in CLOSURE})
    if package == "ops":
        from mig.ops.selfcheck import check_every_directive

        print(check_every_directive())
    if package in ("autogen", "cli"):
        problems += check_mig_diff()
    for line in problems:
        print(f"isolated-mig-{package}: {line}", file=sys.stderr)
    if not problems:
        print(f"isolated-mig-{package}: ok ({', '.join(sorted(installed - INSTALLER))})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
