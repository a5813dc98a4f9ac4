"""Helpers for the end-to-end runtime tests: a project made from a real `mig init` template,
revisions written into it, and a command driven the way mig-cli drives one
(EnvironmentContext(config, script, fn=...) around ScriptDirectory.run_env()).

The config is a small ini reader with the methods env.py templates call, so these tests do
not depend on mig-cli (written separately): it reads the same mig.ini the template wrote.
"""

from __future__ import annotations

import configparser
import logging
import os
from argparse import Namespace
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from mig.runtime import EnvironmentContext, plan_stamp
from mig.scripts import ScriptDirectory
from mig.scripts.templates import copy_template


class IniConfig:
    """What env.py reads from `context.config`, over the template's own mig.ini."""

    def __init__(self, path: Path, section: str = "mig", x: list[str] | None = None) -> None:
        self.config_file_name = str(path)
        self.config_ini_section = section
        self.cmd_opts = Namespace(x=list(x or []))
        self.attributes: dict[str, Any] = {}
        self.parser = configparser.ConfigParser(defaults={"here": str(path.parent)})
        self.parser.read(path)

    def get_main_option(self, name: str, default: str | None = None) -> str | None:
        return self.get_section_option(self.config_ini_section, name, default)

    def get_section_option(self, section: str, name: str, default: str | None = None) -> str | None:
        return self.parser.get(section, name, fallback=default)

    def get_section(self, name: str, default: Any = None) -> Any:
        if not self.parser.has_section(name):
            return default
        return {k: v for k, v in self.parser.items(name) if k != "here"}

    def set_main_option(self, name: str, value: str) -> None:
        self.set_section_option(self.config_ini_section, name, value)

    def set_section_option(self, section: str, name: str, value: str) -> None:
        if not self.parser.has_section(section):
            self.parser.add_section(section)
        self.parser.set(section, name, value.replace("%", "%%"))


def new_project(root: Path, template: str, **template_args: Any) -> tuple[IniConfig, Path]:
    """`mig init` with ``template`` under ``root``: the config and the script location."""
    root.mkdir(parents=True, exist_ok=True)
    location = root / "migrations"
    copy_template(template, location, config_file=root / "mig.ini", **template_args)
    return IniConfig(root / "mig.ini"), location


def write_revision(
    location: Path,
    rev: str,
    down: str | tuple[str, ...] | None,
    upgrade: str,
    downgrade: str = "pass",
    *,
    labels: tuple[str, ...] | None = None,
    preamble: str = "",
    signature: str = "",
) -> None:
    """A revision file as `mig revision` would leave it once its bodies are filled in."""
    indent = "\n    "
    text = (
        f'"""doc of {rev}"""\n'
        "import sqlalchemy as sa\n"
        "from mig.ops import op\n\n"
        f"revision = {rev!r}\n"
        f"down_revision = {down!r}\n"
        f"branch_labels = {labels!r}\n"
        "depends_on = None\n\n"
        f"{preamble}\n\n"
        f"def upgrade({signature}):\n    {indent.join(upgrade.splitlines())}\n\n\n"
        f"def downgrade({signature}):\n    {indent.join(downgrade.splitlines())}\n"
    )
    (location / "versions" / f"{rev}.py").write_text(text)


def command(
    config: IniConfig,
    location: Path,
    direction: str,
    target: str,
    **opts: Any,
) -> ScriptDirectory:
    """Run env.py for ``upgrade``/``downgrade``/``stamp`` to ``target``, like mig-cli does."""
    script = ScriptDirectory(location)

    def plan(heads: tuple[str, ...], ctx: Any) -> Any:
        if direction == "up":
            return script.plan_upgrade(heads, target)
        if direction == "down":
            return script.plan_downgrade(heads, target)
        return plan_stamp(script, heads, target)

    with kept_logging(), EnvironmentContext(config, script, fn=plan, **opts):
        script.run_env()
    return script


@contextmanager
def kept_logging() -> Iterator[None]:
    """env.py runs ``fileConfig`` on the ini: undo it so later tests log as before."""
    root = logging.getLogger()
    saved_root = (root.level, list(root.handlers))
    saved = {
        name: (lg.disabled, lg.level, list(lg.handlers), lg.propagate)
        for name, lg in logging.Logger.manager.loggerDict.items()
        if isinstance(lg, logging.Logger)
    }
    try:
        yield
    finally:
        root.setLevel(saved_root[0])
        root.handlers[:] = saved_root[1]
        for name, lg in logging.Logger.manager.loggerDict.items():
            if not isinstance(lg, logging.Logger):
                continue
            if name in saved:
                lg.disabled, level, handlers, lg.propagate = saved[name]
                lg.setLevel(level)
                lg.handlers[:] = handlers
            else:
                lg.disabled = False
                lg.handlers[:] = []
                lg.setLevel(logging.NOTSET)
                lg.propagate = True


def ini_url(engine: sa.Engine) -> str:
    """The engine's URL with its password, for writing into mig.ini."""
    return engine.url.render_as_string(hide_password=False)


def async_url(engine: sa.Engine) -> str:
    """The same database through an asyncio driver."""
    url = engine.url
    drivers = {"sqlite": "aiosqlite", "postgresql": "psycopg", "mysql": "aiomysql"}
    backend = url.get_backend_name()
    driver = drivers["mysql" if backend == "mariadb" else backend]
    return url.set(drivername=f"{backend}+{driver}").render_as_string(hide_password=False)


def version_rows(engine: sa.Engine, table: str = "mig_version") -> list[str]:
    if not sa.inspect(engine).has_table(table):
        return []
    with engine.connect() as conn:
        return sorted(conn.execute(sa.text(f"SELECT version_num FROM {table}")).scalars())


def tables(engine: sa.Engine, prefix: str = "t_") -> list[str]:
    return sorted(t for t in sa.inspect(engine).get_table_names() if t.startswith(prefix))


def cwd(path: Path) -> Any:
    """chdir for the block (the multidb template writes <name>.sql where it runs)."""

    @contextmanager
    def block() -> Iterator[None]:
        before = os.getcwd()
        os.chdir(path)
        try:
            yield
        finally:
            os.chdir(before)

    return block()
