"""``mig lint --fail-on error|warning``: a warning (MIG009, a new index on PostgreSQL) does not
fail the default run, and the pytest plugin's lint test follows the config's ``lint.fail_on``.

Lint needs no database: the project's URL only names the dialect, so the PostgreSQL URL
below is never connected to.
"""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Project
from .test_pytest_plugin import pytest_in

PG_URL = "postgresql+psycopg://nobody@127.0.0.1:1/not_contacted"


def _project_with_new_index(tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    root.mkdir()
    project = Project(root, PG_URL, in_process=True)
    project.init()
    project.revision(
        "a00001",
        "users",
        'op.create_table("users", sa.Column("id", sa.Integer, primary_key=True), '
        'sa.Column("email", sa.String(200)))',
        'op.drop_table("users")',
    )
    project.revision(
        "b00002",
        "email index",
        'op.create_index("ix_users_email", "users", ["email"])',
        'op.drop_index("ix_users_email", table_name="users")',
    )
    return project


def test_a_warning_passes_by_default_and_fails_with_fail_on_warning(tmp_path: Path) -> None:
    project = _project_with_new_index(tmp_path)
    out = project.mig("lint").out
    assert "MIG009 [revision b00002] create_index ix_users_email" in out
    assert out.strip().endswith(
        "mig lint: 1 finding in 2 migrations; none at or above --fail-on error, so it passes"
    )
    data = json.loads(project.mig("lint", "--format", "json").out)
    assert (data["fail_on"], data["exit_code"]) == ("error", 0)
    assert data["summary"]["by_severity"] == {"warning": 1}

    result = project.mig("lint", "--fail-on", "warning", code=1)
    assert "MIG009 [revision b00002]" in result.out
    data = json.loads(project.mig("lint", "--fail-on", "warning", "--format", "json", code=1).out)
    assert (data["fail_on"], data["exit_code"]) == ("warning", 1)

    # an error still fails at the default threshold
    project.revision("c00003", "drop email", 'op.drop_column("users", "email")', "pass")
    assert "MIG002 [revision c00003]" in project.mig("lint", code=1).out


def test_fail_on_from_the_config_and_a_bad_value(tmp_path: Path) -> None:
    project = _project_with_new_index(tmp_path)
    ini = project.root / "mig.ini"
    ini.write_text(ini.read_text().replace("[mig]\n", "[mig]\nlint.fail_on = warning\n", 1))
    assert "MIG009" in project.mig("lint", code=1).out
    project.mig("lint", "--fail-on", "error")  # the option wins over the config

    err = project.mig("lint", "--fail-on", "note", code=2).err
    assert "'note' is not one of 'error', 'warning'" in err
    ini.write_text(ini.read_text().replace("lint.fail_on = warning", "lint.fail_on = loud"))
    err = project.mig("lint", code=2).err
    assert err.strip() == "mig: error: lint.fail_on 'loud': use one of error, warning"


def test_the_pytest_plugin_lint_test_follows_lint_fail_on(tmp_path: Path) -> None:
    project = _project_with_new_index(tmp_path)
    (project.root / "pytest.ini").write_text(
        "[pytest]\nmig_config = mig.ini\nmig_tests = test_no_lint_errors\n"
    )
    result = pytest_in(project.root, "-v")
    assert result.code == 0, result.out
    assert "mig.ini::test_no_lint_errors PASSED" in result.out

    ini = project.root / "mig.ini"
    ini.write_text(ini.read_text().replace("[mig]\n", "[mig]\nlint.fail_on = warning\n", 1))
    result = pytest_in(project.root, "-v")
    assert result.code == 1
    assert "mig.ini::test_no_lint_errors FAILED" in result.out
    assert "MIG009 [revision b00002] create_index ix_users_email" in result.out
