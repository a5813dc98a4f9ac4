"""A throwaway mig project driven through the real ``mig`` command in a subprocess."""

from __future__ import annotations

import os
import re
import subprocess
import sys
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


class Project:
    """A folder with a mig config, a migrations directory and a database URL."""

    def __init__(self, root: Path, url: str) -> None:
        self.root = root
        self.url = url

    def mig(
        self,
        *args: str,
        code: int = 0,
        env: dict[str, str] | None = None,
        timeout: float | None = None,
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
        result = Result(proc.returncode, proc.stdout, proc.stderr)
        assert proc.returncode == code, (
            f"mig {' '.join(args)} exited {proc.returncode}, expected {code}\n"
            f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        )
        return result

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
