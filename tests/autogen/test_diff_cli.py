"""The ``mig-diff`` console script, run as a user runs it: formats, exit codes, errors.

Exit status: 0 equal, 1 different, 2 usage or configuration error (one line on stderr, no
traceback, passwords masked).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from mig.autogen.report import diff, mask_url

MIG_DIFF = Path(sys.executable).with_name("mig-diff")
MODELS = """\
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(30)),
    sa.Column("email", sa.String(50), nullable=False, server_default="x"),
)
sa.Table(
    "extra",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")),
)
"""


def _load(name: str):
    key = f"mig_autogen_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, Path(__file__).with_name(f"{name}.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


helpers = _load("diff_helpers")


def mig_diff(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    assert MIG_DIFF.exists(), "the mig-diff script is installed with mig-autogen"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [str(MIG_DIFF), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


@pytest.fixture
def project(engine: sa.Engine, tmp_path: Path) -> Path:
    """A directory holding the model module; the database holds the older schema."""
    (tmp_path / "clidiffmodels.py").write_text(MODELS)
    helpers.database_schema().create_all(engine)
    return tmp_path


def url_of(engine: sa.Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "sql"])
def test_model_vs_database_every_format(engine: sa.Engine, project: Path, fmt: str) -> None:
    url = url_of(engine)
    proc = mig_diff("--format", fmt, "clidiffmodels:metadata", url, cwd=project)
    assert (proc.returncode, proc.stderr) == (1, "")
    database = mask_url(url)
    target = "clidiffmodels:metadata"
    if fmt == "text":
        assert proc.stdout.splitlines() == [
            f"3 differences between the target ({target}) and the database ({database}):",
            *[f"  {s}" for s in helpers.SUMMARIES],
        ]
    elif fmt == "json":
        data = json.loads(proc.stdout)
        assert (data["equal"], data["target"], data["database"]) == (False, target, database)
        assert [d["summary"] for d in data["differences"]] == [s[2:] for s in helpers.SUMMARIES]
    elif fmt == "markdown":
        assert proc.stdout.startswith(f"# Schema differences\n\n- target: `{target}`\n")
        assert "| 3 | - drop table | `gone` |  |\n" in proc.stdout
    else:
        dialect = helpers.dialect_key(engine)
        head = (
            f"-- SQL ({dialect}) that makes the database ({database}) match the target ({target})"
        )
        assert proc.stdout == "\n\n".join([head, *helpers.SQL[dialect]]) + "\n"


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "sql"])
def test_database_vs_database_every_format(engine: sa.Engine, project: Path, fmt: str) -> None:
    other = helpers.second_url(engine, project)
    other_engine = sa.create_engine(other)
    try:
        helpers.target_schema().create_all(other_engine)
        proc = mig_diff("-f", fmt, other, url_of(engine), cwd=project)
        assert (proc.returncode, proc.stderr) == (1, "")
        assert proc.stdout == diff(other, url_of(engine)).render(fmt)
        assert mask_url(other) in proc.stdout
        same = mig_diff("-f", fmt, other, other, cwd=project)
        assert (same.returncode, same.stderr) == (0, "")
        assert same.stdout == diff(other, other).render(fmt)
    finally:
        helpers.drop_everything(other_engine)
        other_engine.dispose()


def test_equal_exits_zero(engine: sa.Engine, project: Path) -> None:
    (project / "samemodels.py").write_text(
        "import sqlalchemy as sa\n"
        "metadata = sa.MetaData()\n"
        "sa.Table('users', metadata, sa.Column('id', sa.Integer, primary_key=True),\n"
        "         sa.Column('name', sa.String(30)))\n"
        "sa.Table('gone', metadata, sa.Column('id', sa.Integer, primary_key=True))\n"
    )
    proc = mig_diff("samemodels:metadata", url_of(engine), cwd=project)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == (
        f"No differences between the target (samemodels:metadata) and the database "
        f"({mask_url(url_of(engine))}).\n"
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["no_such_models:metadata", "sqlite://"],
            "mig-diff: error: target 'no_such_models:metadata': cannot import module "
            "'no_such_models': No module named 'no_such_models'",
        ),
        (
            ["clidiffmodels:nothing", "sqlite://"],
            "mig-diff: error: target 'clidiffmodels:nothing': clidiffmodels has no attribute "
            "'nothing'",
        ),
        (
            ["--format", "yaml", "clidiffmodels:metadata", "sqlite://"],
            "mig-diff: error: argument --format/-f: invalid choice: 'yaml' (choose from "
            "text, json, markdown, sql) (see mig-diff --help)",
        ),
        (
            ["clidiffmodels:metadata"],
            "mig-diff: error: the following arguments are required: DATABASE_URL "
            "(see mig-diff --help)",
        ),
    ],
)
def test_usage_and_configuration_errors(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "clidiffmodels.py").write_text(MODELS)
    proc = mig_diff(*args, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    # argparse quotes choices differently across Python versions: compare without quotes
    assert proc.stderr.replace("'", "") == message.replace("'", "") + "\n"


def test_unreachable_database_is_one_masked_line(tmp_path: Path) -> None:
    (tmp_path / "clidiffmodels.py").write_text(MODELS)
    url = "postgresql+psycopg://app:s3cret@127.0.0.1:1/nowhere"
    for args in (["clidiffmodels:metadata", url], [url, "sqlite://"]):
        proc = mig_diff(*args, cwd=tmp_path)
        assert proc.returncode == 2
        assert proc.stdout == ""
        assert len(proc.stderr.splitlines()) == 1
        assert "s3cret" not in proc.stderr and "Traceback" not in proc.stderr
        assert "postgresql+psycopg://app:***@127.0.0.1:1/nowhere: " in proc.stderr
