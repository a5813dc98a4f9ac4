"""A throwaway mig project driven through the real ``mig`` command.

By default each command runs the console script in a subprocess. ``Project(...,
in_process=True)`` runs it in this process through click's CliRunner instead (the same
``mig.cli.main.run`` the console script calls, with the project folder as the working
directory and stdout/stderr captured apart), which is several times faster; keep the
subprocess for what needs a real process: the console script itself, locks, signals.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

MIG = str(Path(sys.executable).with_name("mig"))


@dataclass
class Result:
    code: int
    out: str
    err: str


@contextlib.contextmanager
def _process_state_kept(cwd: Path) -> Iterator[None]:
    """Run in ``cwd``, and put back what a command may change for the whole process: the
    working directory, sys.path (``prepend_sys_path``) and logging (env.py's ``fileConfig``
    points handlers at the captured stderr and disables the loggers that exist)."""
    before_cwd, before_path = os.getcwd(), list(sys.path)
    manager = logging.Logger.manager
    loggers = {
        name: (lg.disabled, lg.level, list(lg.handlers), lg.propagate)
        for name, lg in manager.loggerDict.items()
        if isinstance(lg, logging.Logger)
    }
    root = logging.getLogger()
    root_state = (root.level, list(root.handlers))
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(before_cwd)
        sys.path[:] = before_path
        root.setLevel(root_state[0])
        root.handlers[:] = root_state[1]
        for name, lg in list(manager.loggerDict.items()):
            if not isinstance(lg, logging.Logger):
                continue
            disabled, level, handlers, propagate = loggers.get(name, (False, 0, [], True))
            lg.disabled, lg.level, lg.propagate = disabled, level, propagate
            lg.handlers[:] = handlers


def run_in_process(args: Sequence[str], cwd: Path, env: dict[str, str]) -> Result:
    """``mig ARGS`` through ``mig.cli.main.run`` under click's CliRunner."""
    import click
    from click.testing import CliRunner

    from mig.cli.main import run

    @click.command(
        context_settings={"ignore_unknown_options": True, "help_option_names": []},
    )
    @click.argument("argv", nargs=-1, type=click.UNPROCESSED)
    def mig(argv: tuple[str, ...]) -> None:
        sys.exit(run(list(argv)))

    try:
        runner = CliRunner(mix_stderr=False)  # click 8.1
    except TypeError:
        runner = CliRunner()  # click 8.2+: stderr is always kept apart
    with _process_state_kept(cwd):
        outcome = runner.invoke(mig, list(args), env=env, catch_exceptions=False)
    return Result(outcome.exit_code, outcome.stdout, outcome.stderr)


class Project:
    """A folder with a mig config, a migrations directory and a database URL.

    ``in_process``: run commands through :func:`run_in_process`, except a call that asks
    for the real ``console_script=True`` (or has a ``timeout``)."""

    def __init__(self, root: Path, url: str, in_process: bool = False) -> None:
        self.root = root
        self.url = url
        self.in_process = in_process

    def mig(
        self,
        *args: str,
        code: int = 0,
        env: dict[str, str] | None = None,
        timeout: float | None = None,
        console_script: bool | None = None,
    ) -> Result:
        in_process = self.in_process if console_script is None else not console_script
        if in_process and timeout is None:
            result = run_in_process(args, self.root, {"NO_COLOR": "1", **(env or {})})
        else:
            result = self._subprocess(args, env, timeout)
        assert result.code == code, (
            f"mig {' '.join(args)} exited {result.code}, expected {code}\n"
            f"stdout:\n{result.out}\nstderr:\n{result.err}"
        )
        return result

    def _subprocess(
        self, args: Sequence[str], env: dict[str, str] | None, timeout: float | None
    ) -> Result:
        full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
        proc = subprocess.run(
            [MIG, *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def init(self, template: str = "generic", directory: str = "migrations") -> None:
        self.mig("init", "-t", template, directory)
        self.set_url(self.url)

    def set_url(self, url: str) -> None:
        ini = self.root / "mig.ini"
        if ini.exists():
            text = ini.read_text()
            text = re.sub(r"(?m)^sqlalchemy\.url = .*$", f"sqlalchemy.url = {url}", text)
            ini.write_text(text)
        pyproject = self.root / "pyproject.toml"
        if pyproject.exists():
            text = pyproject.read_text()
            text = re.sub(r'(?m)^"sqlalchemy\.url" = .*$', f'"sqlalchemy.url" = "{url}"', text)
            pyproject.write_text(text)

    def revision(
        self, rev_id: str, message: str, upgrade: str, downgrade: str, *extra: str
    ) -> Path:
        """``mig revision`` then fill in the bodies (as a person would in an editor)."""
        self.mig("revision", "-m", message, "--rev-id", rev_id, *extra)
        path = next((self.root / "migrations" / "versions").glob(f"{rev_id}_*.py"))
        text = path.read_text()
        text = text.replace(
            "def upgrade() -> None:\n    pass", f"def upgrade() -> None:\n    {upgrade}"
        )
        text = text.replace(
            "def downgrade() -> None:\n    pass", f"def downgrade() -> None:\n    {downgrade}"
        )
        path.write_text(text)
        return path

    def table_names(self) -> set[str]:
        eng = sa.create_engine(self.url)
        try:
            return set(sa.inspect(eng).get_table_names())
        finally:
            eng.dispose()

    def version_rows(self) -> set[str]:
        eng = sa.create_engine(self.url)
        try:
            with eng.connect() as conn:
                return {r[0] for r in conn.exec_driver_sql("SELECT version_num FROM mig_version")}
        finally:
            eng.dispose()


@pytest.fixture
def project(engine: sa.Engine, tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    root.mkdir()
    return Project(root, engine.url.render_as_string(hide_password=False))
