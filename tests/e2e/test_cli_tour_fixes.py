"""What the README tour tripped over, one by one: a history range counted past base, a
second root that `branches` silently left out, and `from mig.cli import Config`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import Project


def _two_revisions(tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    root.mkdir()
    project = Project(root, f"sqlite:///{root / 'app.db'}", in_process=True)
    project.init()
    project.revision("aa01", "one", "pass", "pass")
    project.revision("bb02", "two", "pass", "pass")
    return project


def test_a_history_range_counted_past_base_starts_at_base(tmp_path: Path) -> None:
    project = _two_revisions(tmp_path)
    project.mig("upgrade", "head")
    expected = ["aa01 -> bb02 (head) (current), two", "<base> -> aa01, one"]
    assert project.mig("history", "-r", "-3:current", "-i").out.splitlines() == expected
    assert project.mig("history", "-r", "-9:").out.splitlines() == [
        "aa01 -> bb02 (head), two",
        "<base> -> aa01, one",
    ]
    # elsewhere a count past base is still an error
    err = project.mig("downgrade", "-3", code=2).err
    assert "cannot resolve relative revision '-3'" in err


def test_branches_says_a_second_root_is_not_a_fork(tmp_path: Path) -> None:
    project = _two_revisions(tmp_path)
    plain = project.mig("branches")
    assert (plain.out, plain.err) == ("", "")  # one line of history: nothing to say
    project.mig(
        "revision",
        "-m",
        "reports",
        "--head",
        "base",
        "--branch-label",
        "reports",
        "--rev-id",
        "cc03",
    )
    result = project.mig("branches")
    assert result.out == ""  # stdout stays Alembic's
    assert result.err.strip() == (
        "mig branches: no branch points; history has 2 roots (aa01, cc03): a revision made "
        "with --head base starts a line of its own, it does not fork one (see `mig heads`)"
    )
    assert project.mig("branches", "--format", "json").err == ""


def test_config_is_importable_from_mig_cli() -> None:
    from mig.cli import Config
    from mig.cli.config import Config as Defined

    assert Config is Defined
    import mig.cli

    with pytest.raises(AttributeError, match=r"module 'mig\.cli' has no attribute 'Nope'"):
        mig.cli.Nope  # noqa: B018
    # and `import mig.cli` alone still loads no Config module (mig --help stays fast)
    code = "import sys, mig.cli; print('mig.cli.config' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip() == "False"
