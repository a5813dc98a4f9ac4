"""Config: mig.ini, [tool.mig] in pyproject.toml, both, and the mistakes users make."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

import pytest

from mig.cli.config import Config, find_config
from mig.cli.errors import ConfigFileError, mask_passwords
from mig.scripts import ScriptDirectory

INI = """\
[mig]
script_location = %(here)s/migrations
sqlalchemy.url = sqlite:///%(here)s/app.db
version_locations = %(here)s/migrations/versions %(here)s/more
my_option = 50%%

[other]
script_location = %(here)s/other
sqlalchemy.url = sqlite:///%(here)s/other.db

[post_write_hooks]
hooks = fmt
fmt.type = exec
fmt.executable = true
"""

PYPROJECT = """\
[project]
name = "demo"

[tool.mig]
script_location = "%(here)s/migrations"
"sqlalchemy.url" = "postgresql://scott:tiger@db/app"
version_locations = ["%(here)s/migrations/versions", "%(here)s/more"]
prepend_sys_path = ["."]
recursive_version_locations = true
truncate_slug_length = 20

[[tool.mig.post_write_hooks]]
name = "ruff"
type = "exec"
executable = "ruff"
options = "format REVISION_SCRIPT_FILENAME"

[[tool.mig.post_write_hooks]]
name = "black"
type = "console_scripts"
entrypoint = "black"
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    (tmp_path / "migrations" / "versions").mkdir(parents=True, exist_ok=True)
    (tmp_path / "more").mkdir(exist_ok=True)
    return path


def test_ini_sections_here_and_escaped_percent(tmp_path: Path) -> None:
    ini = _write(tmp_path, "mig.ini", INI)
    config = Config(ini)
    here = str(tmp_path.resolve())
    assert config.get_main_option("script_location") == f"{here}/migrations"
    assert config.get_main_option("my_option") == "50%"
    assert config.get_main_option("missing", "dflt") == "dflt"
    assert config.get_section("post_write_hooks") == {
        "hooks": "fmt",
        "fmt.type": "exec",
        "fmt.executable": "true",
    }
    assert config.get_section("nope") is None
    assert config.get_section("nope", {}) == {}
    other = Config(ini, ini_section="other")
    assert other.get_main_option("sqlalchemy.url") == f"sqlite:///{here}/other.db"
    section = config.get_section(config.config_ini_section)
    assert section["sqlalchemy.url"] == f"sqlite:///{here}/app.db" and "here" not in section


def test_set_options_and_attributes(tmp_path: Path) -> None:
    config = Config(_write(tmp_path, "mig.ini", INI), attributes={"connection": "live"})
    config.set_main_option("sqlalchemy.url", "sqlite:///%(here)s/x.db")
    assert config.get_main_option("sqlalchemy.url").endswith("/x.db")
    assert str(tmp_path.resolve()) in config.get_main_option("sqlalchemy.url")
    config.set_section_option("new", "k", "v")
    assert config.get_section_option("new", "k") == "v"
    assert config.attributes["connection"] == "live"
    config.remove_main_option("my_option")
    assert config.get_main_option("my_option") is None


def test_pyproject_tool_mig_with_hook_tables(tmp_path: Path) -> None:
    toml = _write(tmp_path, "pyproject.toml", PYPROJECT)
    config = Config(None, toml_file=toml)
    here = str(tmp_path.resolve())
    assert config.config_file_name is None
    assert config.get_main_option("script_location") == f"{here}/migrations"
    assert config.get_main_option("recursive_version_locations") == "true"
    assert config.get_section("post_write_hooks") == {
        "hooks": "ruff, black",
        "ruff.type": "exec",
        "ruff.executable": "ruff",
        "ruff.options": "format REVISION_SCRIPT_FILENAME",
        "black.type": "console_scripts",
        "black.entrypoint": "black",
    }
    sd = ScriptDirectory.from_config(config)
    assert sd.version_locations == [f"{here}/migrations/versions", f"{here}/more"]
    assert sd.truncate_slug_length == 20
    assert [h.name for h in sd.hooks] == ["ruff", "black"]


def test_ini_overrides_pyproject_key_by_key(tmp_path: Path) -> None:
    toml = _write(tmp_path, "pyproject.toml", PYPROJECT)
    ini = _write(tmp_path, "mig.ini", "[mig]\nsqlalchemy.url = sqlite://\n")
    config = find_config(cwd=tmp_path)
    assert config.config_file_name == str(ini) and config.toml_file_name == str(toml)
    assert config.get_main_option("sqlalchemy.url") == "sqlite://"
    assert config.get_main_option("truncate_slug_length") == "20"


def test_find_config_env_var_and_explicit(tmp_path: Path, monkeypatch) -> None:
    custom = _write(tmp_path, "custom.ini", INI)
    monkeypatch.setenv("MIG_CONFIG", str(custom))
    assert find_config(cwd=tmp_path / "more").config_file_name == str(custom)
    monkeypatch.delenv("MIG_CONFIG")
    toml = _write(tmp_path, "pyproject.toml", PYPROJECT)
    assert find_config(str(toml)).toml_file_name == str(toml)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "no mig.ini or pyproject.toml with [tool.mig] in"),
        ({"mig.ini": "[other]\nx = 1\n"}, "mig.ini has no [mig] section"),
        ({"mig.ini": "not an ini\n"}, "mig.ini: cannot be read: File contains no section headers."),
        ({"pyproject.toml": "[tool.mig\n"}, "not valid TOML"),
        (
            {"pyproject.toml": "[tool.mig]\nx = {a = {b = 1}}\n"},
            "[tool.mig] x.a must be a string, number, boolean or list of strings",
        ),
        (
            {"pyproject.toml": "[tool.mig]\npost_write_hooks = 1\n"},
            "[[tool.mig.post_write_hooks]] must be an array of tables",
        ),
    ],
)
def test_config_mistakes_are_one_line(tmp_path: Path, files: dict[str, str], message) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    explicit = str(tmp_path / "pyproject.toml") if "pyproject.toml" in files else None
    with pytest.raises(ConfigFileError) as info:
        find_config(explicit, cwd=tmp_path)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_explicit_file() -> None:
    with pytest.raises(ConfigFileError, match=r"^no config file /nowhere/mig.ini: run `mig init"):
        Config("/nowhere/mig.ini")


def test_cmd_opts_x_arguments(tmp_path: Path) -> None:
    config = Config(_write(tmp_path, "mig.ini", INI), cmd_opts=Namespace(x=["a=1", "b=two"]))
    assert config.cmd_opts.x == ["a=1", "b=two"]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("postgresql://scott:tiger@db/app", "postgresql://scott:***@db/app"),
        (
            "cannot reach mysql+pymysql://root:s3cr%40t@127.0.0.1:3306/x now",
            "cannot reach mysql+pymysql://root:***@127.0.0.1:3306/x now",
        ),
        ("sqlite:///a.db", "sqlite:///a.db"),
        ("postgresql://scott@db/app", "postgresql://scott@db/app"),
    ],
)
def test_passwords_are_masked(text: str, masked: str) -> None:
    assert mask_passwords(text) == masked


@pytest.mark.parametrize(
    ("lines", "defaults"),
    [
        ("", {}),
        (
            "version_table = alembic_version\nversion_table_schema = app\n",
            {"version_table": "alembic_version", "version_table_schema": "app"},
        ),
        ("history_table = false\n", {"history_table": False}),
        ("history_table = true\n", {}),
        ("history_table = audit_steps\n", {"history_table": "audit_steps"}),
    ],
)
def test_table_keys_are_configure_defaults(tmp_path: Path, lines: str, defaults) -> None:
    """What ``mig adopt`` writes (``version_table = alembic_version``) reaches the run."""
    (tmp_path / "mig.ini").write_text("[mig]\nscript_location = m\n" + lines)
    assert Config(str(tmp_path / "mig.ini")).environment_defaults() == defaults


def test_prepend_sys_path_follows_path_separator(tmp_path: Path) -> None:
    from mig.cli.command._env import _sys_path_entries

    (tmp_path / "mig.ini").write_text(
        "[mig]\nscript_location = m\npath_separator = os\nprepend_sys_path = .:src lib\n"
    )
    entries = _sys_path_entries(Config(str(tmp_path / "mig.ini")))
    assert entries == [str(tmp_path), str(tmp_path / "src lib")]
