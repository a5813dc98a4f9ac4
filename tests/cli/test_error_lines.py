"""The user's own mistakes in env.py and in the database URL: one line, the right exit code.

env.py is the project's code, so what it gets wrong is reported as ``FILE:LINE:
ExceptionType: message`` (exit 2 when it cannot be loaded, 1 when it raises while
running), a URL by the config key that holds it with the password masked, never with a
traceback; ``--raiseerr`` shows the traceback.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from e2e.conftest import Project

LOG_LINE = re.compile(r"^(INFO|WARNI|DEBUG) +\[")
MARK = "config = context.config\n"


def one_line(err: str) -> str:
    """The error line, after the log lines env.py's logging config prints."""
    assert "Traceback" not in err, err
    lines = [line for line in err.strip().splitlines() if not LOG_LINE.match(line)]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    root.mkdir()
    p = Project(root, f"sqlite:///{root / 'app.db'}", in_process=True)
    p.init()
    p.revision("abc111", "one", 'op.create_table("t1", sa.Column("id", sa.Integer))', "pass")
    return p


def add_to_env_py(project: Project, code: str) -> int:
    """Put ``code`` right after ``config = context.config``; the line number it is on."""
    env_py = project.root / "migrations" / "env.py"
    text = env_py.read_text()
    assert MARK in text
    line = text[: text.index(MARK)].count("\n") + 2
    env_py.write_text(text.replace(MARK, MARK + code + "\n", 1))
    return line


# -- env.py ---------------------------------------------------------------------------------


def test_a_syntax_error_names_env_py_and_line(project: Project) -> None:
    line = add_to_env_py(project, "x = (")
    err = project.mig("upgrade", "head", code=2).err
    assert (
        one_line(err) == f"mig: error: migrations/env.py:{line}: SyntaxError: '(' was never closed"
    )
    assert project.table_names() == set()


def test_a_failing_import_names_env_py_and_line(project: Project) -> None:
    line = add_to_env_py(project, "import no_such_module_here")
    err = project.mig("current", code=2).err
    assert one_line(err) == (
        f"mig: error: migrations/env.py:{line}: ModuleNotFoundError: "
        f"No module named 'no_such_module_here'"
    )


def test_an_exception_raised_in_env_py_exits_1(project: Project) -> None:
    line = add_to_env_py(project, 'raise RuntimeError("the vault is locked")')
    err = project.mig("upgrade", "head", code=1).err
    assert one_line(err) == (
        f"mig: failed: migrations/env.py:{line}: RuntimeError: the vault is locked"
    )
    assert project.table_names() == set()


def test_an_error_in_the_project_module_env_py_imports_names_that_module(
    project: Project,
) -> None:
    (project.root / "myapp_models.py").write_text("import os\nLIMIT = 1 / 0\n")
    add_to_env_py(project, "import myapp_models")
    err = project.mig("upgrade", "head", code=1).err
    assert one_line(err) == "mig: failed: myapp_models.py:2: ZeroDivisionError: division by zero"
    (project.root / "myapp_models.py").write_text("from myapp.nothing import Base\n")
    err = project.mig("upgrade", "head", code=2).err
    assert one_line(err) == (
        "mig: error: myapp_models.py:1: ModuleNotFoundError: No module named 'myapp'"
    )


def test_raiseerr_shows_the_traceback_of_env_py(project: Project) -> None:
    add_to_env_py(project, 'raise RuntimeError("the vault is locked")')
    err = project.mig("--raiseerr", "upgrade", "head", code=1, console_script=True).err
    assert "Traceback" in err and 'raise RuntimeError("the vault is locked")' in err


def test_a_missing_env_py_is_a_configuration_mistake(project: Project) -> None:
    env_py = project.root / "migrations" / "env.py"
    env_py.unlink()
    err = project.mig("upgrade", "head", code=2).err
    assert one_line(err) == (
        f"mig: error: {env_py} does not exist; the script location needs an env.py"
    )


# -- target_metadata --------------------------------------------------------------------------


def test_autogenerate_with_target_metadata_none_says_what_to_set(project: Project) -> None:
    project.mig("upgrade", "head")
    err = project.mig("revision", "--autogenerate", "-m", "x", code=2).err
    assert one_line(err) == (
        "mig: error: no target metadata: pass a MetaData (or a list of them), or set "
        "target_metadata in env.py to the model's MetaData (target_metadata = Base.metadata, "
        "say; env.py hands it to context.configure())"
    )
    assert len(list((project.root / "migrations" / "versions").glob("*.py"))) == 1


def test_autogenerate_with_a_string_target_metadata(project: Project) -> None:
    env_py = project.root / "migrations" / "env.py"
    env_py.write_text(
        env_py.read_text().replace("target_metadata = None", 'target_metadata = "oops"')
    )
    project.mig("upgrade", "head")
    err = project.mig("revision", "--autogenerate", "-m", "x", code=2).err
    assert one_line(err) == (
        "mig: error: target_metadata: expected a sqlalchemy MetaData or a list of them, got "
        "str ('oops'); set it in env.py to the model's MetaData "
        "(target_metadata = Base.metadata, say)"
    )


# -- sqlalchemy.url ---------------------------------------------------------------------------


def _url_line(value: str, problem: str) -> str:
    shown = f" = {value!r}" if value else ""
    return (
        f"mig: error: mig.ini [mig]: sqlalchemy.url{shown} {problem}; set it to the "
        f"database URL, e.g. postgresql+psycopg://user@localhost/dbname"
    )


@pytest.mark.parametrize("offline", [False, True], ids=["online", "sql"])
@pytest.mark.parametrize(
    ("url", "shown", "problem"),
    [
        (
            "postgresql://u:secret@127.0.0.1:notaport/x",
            "postgresql://u:***@127.0.0.1:notaport/x",
            "cannot be read: the port 'notaport' is not a number",
        ),
        (
            "not a url at all",
            "not a url at all",
            "is not a URL of the form dialect+driver://user@host:port/database",
        ),
        ("", "", "is empty"),
        (
            "nosuchdb://u:secret@host/x",
            "nosuchdb://u:***@host/x",
            "names no installed SQLAlchemy dialect ('nosuchdb')",
        ),
    ],
    ids=["port", "unparseable", "empty", "dialect"],
)
def test_a_bad_url_names_the_key_and_masks_the_password(
    project: Project, url: str, shown: str, problem: str, offline: bool
) -> None:
    ini = project.root / "mig.ini"
    text = re.sub(
        r"(?m)^sqlalchemy\.url = .*$", f"sqlalchemy.url = {url}".rstrip(), ini.read_text()
    )
    ini.write_text(text)
    args = ("upgrade", "head", "--sql") if offline else ("upgrade", "head")
    err = project.mig(*args, code=2).err
    assert one_line(err) == _url_line(shown, problem)
    assert "secret" not in err


def test_an_unset_url_names_the_key(project: Project) -> None:
    ini = project.root / "mig.ini"
    ini.write_text(re.sub(r"(?m)^sqlalchemy\.url = .*\n", "", ini.read_text()))
    err = project.mig("upgrade", "head", code=2).err
    assert one_line(err) == _url_line("", "is not set")


def test_a_bad_url_in_pyproject_names_its_table(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    project = Project(root, "sqlite://", in_process=True)
    project.init("pyproject")
    project.set_url("postgresql://u:secret@h:5432x/db")
    err = project.mig("current", code=2).err
    assert one_line(err) == (
        "mig: error: pyproject.toml [tool.mig]: sqlalchemy.url = "
        "'postgresql://u:***@h:5432x/db' cannot be read: the port '5432x' is not a number; "
        "set it to the database URL, e.g. postgresql+psycopg://user@localhost/dbname"
    )


def test_a_url_env_py_builds_itself_is_not_blamed_on_the_setting(project: Project) -> None:
    """The setting is a placeholder; env.py's own URL is what SQLAlchemy refused."""
    ini = project.root / "mig.ini"
    placeholder = "sqlalchemy.url = driver://user:pass@localhost/dbname"
    ini.write_text(re.sub(r"(?m)^sqlalchemy\.url = .*$", placeholder, ini.read_text()))
    line = add_to_env_py(
        project, 'import sqlalchemy\nsqlalchemy.make_url("postgresql://u@h:badport/x")'
    )
    err = project.mig("upgrade", "head", code=1).err
    assert one_line(err) == (
        f"mig: failed: migrations/env.py:{line + 1}: ValueError: invalid literal for int() "
        f"with base 10: 'badport'"
    )


def test_the_python_api_still_raises_what_env_py_raised(project: Project) -> None:
    """Only the command line turns env.py's exception into a line; callers catch their own."""
    from mig.cli import command
    from mig.cli.config import Config

    line = add_to_env_py(project, 'raise LookupError("no such tenant")')
    config = Config(project.root / "mig.ini")
    before = os.getcwd()
    os.chdir(project.root)
    try:
        with pytest.raises(LookupError, match="no such tenant") as info:
            command.upgrade(config, "head")
    finally:
        os.chdir(before)
    attached = info.value.mig_cli_error  # what `mig upgrade` prints for it
    assert str(attached) == f"migrations/env.py:{line}: LookupError: no such tenant"
    assert attached.exit_code == 1
