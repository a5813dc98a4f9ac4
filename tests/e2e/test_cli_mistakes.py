"""Every user mistake: one line on stderr naming the problem, exit 2 (1 for a failed run)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import MIG, Project

LOG_LINE = re.compile(r"^(INFO|WARNI|DEBUG) +\[")


@pytest.fixture
def sqlite_project(tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    root.mkdir()
    p = Project(root, f"sqlite:///{root / 'app.db'}")
    p.init()
    p.revision("abc111", "one", 'op.create_table("t1", sa.Column("id", sa.Integer))', "pass")
    p.revision("abc222", "two", 'op.create_table("t2", sa.Column("id", sa.Integer))', "pass")
    return p


def _one_line(err: str) -> str:
    """The error line, after the log lines env.py's logging config prints."""
    lines = [line for line in err.strip().splitlines() if not LOG_LINE.match(line)]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_no_config_file(tmp_path: Path) -> None:
    p = Project(tmp_path, "sqlite://")
    line = _one_line(p.mig("current", code=2).err)
    assert line == (
        f"mig: error: no mig.ini or pyproject.toml with [tool.mig] in {tmp_path}: run "
        f"`mig init DIR` to create one, or point -c / $MIG_CONFIG at it"
    )
    line = _one_line(p.mig("-c", "missing.ini", "heads", code=2).err)
    assert line.startswith(f"mig: error: no config file {tmp_path}/missing.ini: run `mig init")


def test_bad_option_and_missing_argument(sqlite_project: Project) -> None:
    line = _one_line(sqlite_project.mig("upgrade", "--bogus", "head", code=2).err)
    assert line == "mig: error: No such option '--bogus'. (see `mig upgrade --help`)"
    line = _one_line(sqlite_project.mig("upgrade", code=2).err)
    assert line == "mig: error: Missing argument 'REVISION'. (see `mig upgrade --help`)"
    line = _one_line(sqlite_project.mig("nonsense", code=2).err)
    assert "No such command 'nonsense'" in line


def test_unknown_and_ambiguous_revisions(sqlite_project: Project) -> None:
    line = _one_line(sqlite_project.mig("upgrade", "zzz", code=2).err)
    assert line.startswith("mig: error: ") and "'zzz'" in line
    line = _one_line(sqlite_project.mig("upgrade", "abc", code=2).err)
    assert "abc111" in line and "abc222" in line  # the candidates are listed
    line = _one_line(sqlite_project.mig("show", "nope", code=2).err)
    assert "'nope'" in line
    # nothing was applied by the failed commands
    assert sqlite_project.table_names() == set()


def test_ambiguous_head_for_a_new_revision(sqlite_project: Project) -> None:
    sqlite_project.mig("revision", "-m", "side", "--head", "abc111", "--splice")
    line = _one_line(sqlite_project.mig("revision", "-m", "next", code=2).err)
    assert "several heads" in line and "--head" in line
    line = _one_line(sqlite_project.mig("upgrade", "head", code=2).err)
    assert "heads" in line


def test_bad_config_value(sqlite_project: Project) -> None:
    ini = sqlite_project.root / "mig.ini"
    ini.write_text(ini.read_text().replace("[mig]\n", "[mig]\ntruncate_slug_length = abc\n"))
    line = _one_line(sqlite_project.mig("heads", code=2).err)
    assert line == (
        "mig: error: configuration option 'truncate_slug_length': 'abc' is not a whole number"
    )


def test_malformed_revision_file(sqlite_project: Project) -> None:
    bad = sqlite_project.root / "migrations" / "versions" / "broken.py"
    bad.write_text('revision = "x1"\ndown_revision = (\n')
    line = _one_line(sqlite_project.mig("heads", code=2).err)
    assert "broken.py" in line


def test_unreachable_database_masks_the_password(tmp_path: Path) -> None:
    p = Project(tmp_path, "postgresql+psycopg://scott:tiger@127.0.0.1:1/nowhere")
    p.init()
    line = _one_line(p.mig("upgrade", "head", code=2).err)
    assert line.startswith(
        "mig: error: cannot connect to postgresql+psycopg://scott:***@127.0.0.1:1/nowhere: "
    )
    assert "tiger" not in line


def test_failing_migration_exits_1_and_records_nothing(sqlite_project: Project) -> None:
    sqlite_project.revision("bad333", "bad", 'op.execute("SELECT * FROM no_such_table")', "pass")
    result = sqlite_project.mig("upgrade", "head", code=1)
    line = _one_line(result.err)
    assert re.match(r"mig: failed: upgrade of revision bad333 failed while running: SELECT", line)
    # one transaction for the run: everything rolled back, the version table included
    assert sqlite_project.table_names() == set()


def test_raiseerr_shows_the_traceback(sqlite_project: Project) -> None:
    err = sqlite_project.mig("--raiseerr", "upgrade", "zzz", code=1).err
    assert "Traceback" in err


def test_bad_x_argument(sqlite_project: Project) -> None:
    env_py = sqlite_project.root / "migrations" / "env.py"
    env_py.write_text(
        env_py.read_text().replace(
            "config = context.config", "config = context.config\ncontext.get_x_argument(True)"
        )
    )
    line = _one_line(sqlite_project.mig("-x", "novalue", "upgrade", "head", code=2).err)
    assert line == "mig: error: -x 'novalue': expected key=value"


def test_help_and_version() -> None:
    import subprocess

    out = subprocess.run([MIG, "--help"], capture_output=True, text=True, check=True).stdout
    for name in ("upgrade", "downgrade", "history", "graph", "list-templates", "ensure-version"):
        assert name in out
    version = subprocess.run([MIG, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("mig, version ")


def test_autogenerate_without_target_metadata_says_what_to_set(sqlite_project: Project) -> None:
    """``mig init`` leaves ``target_metadata = None``, as Alembic's does."""
    sqlite_project.mig("upgrade", "head")
    result = sqlite_project.mig("revision", "--autogenerate", "-m", "x", code=2)
    line = _one_line(result.err)
    assert line.startswith("mig: error: ") and "target_metadata" in line
