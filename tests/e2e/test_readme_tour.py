"""The README's "A tour" section, run as written: every ``sh`` line in order in an empty
folder (``pip install`` aside: mig is installed here), the model block as models.py, the
env.py edit its prose asks for, and the Python block last. On each backend: for SQLite the
tour's own ``sqlite:///app.db``; otherwise ``sqlalchemy.url`` points at the backend, as the
tour says to."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from .conftest import Project

README = Path(__file__).resolve().parents[2] / "README.md"
ENV_EDIT = (
    "in `migrations/env.py` replace the line `target_metadata = None` with "
    "`from models import metadata as target_metadata`"
)


def tour_blocks() -> list[tuple[str, str]]:
    """(language, body) of each fenced block of the tour, in order."""
    text = README.read_text()
    section = text.split("\n## A tour\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(\w+)\n(.*?)```", section, flags=re.S)


def _run(line: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(
        ["bash", "-c", line], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )


def test_the_readme_tour_runs_as_written(project: Project) -> None:
    blocks = tour_blocks()
    assert [lang for lang, _ in blocks] == ["sh", "python", "sh", "sh", "sh", "sh", "python"]
    prose = " ".join(README.read_text().split())
    assert ENV_EDIT in prose
    root = project.root
    ran: list[str] = []
    outputs: dict[str, str] = {}
    python_blocks = 0
    for lang, body in blocks:
        if lang == "python":
            python_blocks += 1
            if python_blocks == 1:  # the model, beside mig.ini
                (root / "models.py").write_text(body)
                env_py = root / "migrations" / "env.py"
                text = env_py.read_text()
                assert text.count("\ntarget_metadata = None\n") == 1
                env_py.write_text(
                    text.replace(
                        "\ntarget_metadata = None\n",
                        "\nfrom models import metadata as target_metadata\n",
                    )
                )
                if not project.url.startswith("sqlite"):
                    project.set_url(project.url)  # "point it at your database"
                continue
            result = subprocess.run(
                [sys.executable, "-c", body], cwd=root, capture_output=True, text=True
            )
            assert result.returncode == 0, result.stderr
            outputs["python"] = result.stdout
            continue
        for line in body.splitlines():
            if not line.strip() or line.startswith("pip install"):
                continue
            result = _run(line, root)
            assert result.returncode == 0, (
                f"tour line failed ({result.returncode}): {line}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
            ran.append(line.split("#", 1)[0].strip())
            outputs[ran[-1]] = result.stdout + result.stderr

    # the steps did what the tour says
    assert 'mig revision --autogenerate -m "create account"' in ran
    history = outputs["mig history -r -3:current -i"]
    assert "(current)" in history and "create account" in history and "<base> -> ae1027" in history
    assert "no branch points; history has 2 roots" in outputs["mig branches"]
    assert outputs["mig graph --format mermaid"].startswith("flowchart LR")
    assert "CREATE TABLE account" in (root / "upgrade.sql").read_text()
    assert '"version": "2.1.0"' in (root / "lint.sarif").read_text()
    printed, returned = outputs["python"].strip().splitlines()
    assert printed.endswith("(head)") and "join" not in printed
    assert len(ast.literal_eval(returned)) == 1  # one head after the merge
    engine = sa.create_engine(
        project.url if not project.url.startswith("sqlite") else f"sqlite:///{root / 'app.db'}"
    )
    try:
        assert "account" in sa.inspect(engine).get_table_names()
        columns = {c["name"] for c in sa.inspect(engine).get_columns("account")}
        assert columns == {"id", "name", "email"}
    finally:
        engine.dispose()
