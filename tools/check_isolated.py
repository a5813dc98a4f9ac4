"""Run inside a fresh venv that has one mig package (and its siblings) installed from wheels.

Proves the install stands on its own: every module of the package imports, the mig packages
outside its edges are absent, and no third-party distribution beyond the allowed ones is
installed. For mig-ops it also records, reverses and JSON round-trips every built-in
directive, which is what an ops-only tool does.

Usage: python tools/check_isolated.py PACKAGE   (ops, ddl, scripts, runtime, autogen, cli)
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import pkgutil
import re
import sys

CLOSURE = {
    "ops": {"ops"},
    "ddl": {"ops", "ddl"},
    "scripts": {"scripts"},
    "runtime": {"ops", "ddl", "runtime"},
    "autogen": {"ops", "ddl", "runtime", "autogen"},
    "cli": {"ops", "ddl", "scripts", "runtime", "autogen", "cli"},
}
# Third-party distributions each install may bring (with their own dependencies).
THIRD_PARTY = {
    "ops": {"sqlalchemy", "greenlet", "typing-extensions"},
    "scripts": {"mako", "markupsafe"},
}
THIRD_PARTY["ddl"] = THIRD_PARTY["runtime"] = THIRD_PARTY["autogen"] = THIRD_PARTY["ops"]
THIRD_PARTY["cli"] = THIRD_PARTY["ops"] | THIRD_PARTY["scripts"] | {"click", "colorama"}
INSTALLER = {"pip", "setuptools", "wheel"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def main(package: str) -> int:
    problems: list[str] = []
    root = importlib.import_module(f"mig.{package}")
    for info in pkgutil.walk_packages(root.__path__, prefix=f"mig.{package}."):
        importlib.import_module(info.name)
    for other in set(CLOSURE) - CLOSURE[package]:
        if importlib.util.find_spec(f"mig.{other}") is not None:
            problems.append(f"mig.{other} is importable but outside mig-{package}'s edges")
    installed = {_norm(d.metadata["Name"]) for d in importlib.metadata.distributions()}
    ours = {f"mig-{p}" for p in CLOSURE[package]}
    extra = installed - ours - THIRD_PARTY[package] - INSTALLER
    if extra:
        problems.append(f"unexpected distributions installed: {sorted(extra)}")
    missing = ours - installed
    if missing:
        problems.append(f"missing distributions: {sorted(missing)}")
    if package == "ops":
        from mig.ops.selfcheck import check_every_directive

        print(check_every_directive())
    for line in problems:
        print(f"isolated-mig-{package}: {line}", file=sys.stderr)
    if not problems:
        print(f"isolated-mig-{package}: ok ({', '.join(sorted(installed - INSTALLER))})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
