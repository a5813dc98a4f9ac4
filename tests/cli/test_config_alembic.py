"""Config for an Alembic project: ``[alembic]`` in alembic.ini, ``[tool.alembic]`` in
pyproject.toml, how the command finds them, and the run defaults they give."""

from __future__ import annotations

from pathlib import Path

import pytest

from mig.cli.config import AlembicConfig, Config, find_config
from mig.cli.errors import ConfigFileError
from mig.scripts import ScriptDirectory

# what `alembic init -t generic alembic` writes, comments dropped
ALEMBIC_INI = """\
[alembic]
script_location = %(here)s/alembic
# file_template = %%(year)d_%%(month).2d_%%(rev)s_%%(slug)s
file_template = %%(rev)s_%%(slug)s
prepend_sys_path = .
path_separator = os
sqlalchemy.url = sqlite:///%(here)s/app.db

[post_write_hooks]

[loggers]
keys = root
"""

# what `alembic init -t pyproject alembic` splits between the two files
PYPROJECT = """\
[project]
name = "demo"

[tool.alembic]
script_location = "%(here)s/alembic"
file_template = "%%(rev)s_%%(slug)s"
prepend_sys_path = ["."]
version_locations = ["%(here)s/alembic/versions", "%(here)s/more"]
truncate_slug_length = 20

[[tool.alembic.post_write_hooks]]
name = "ruff"
type = "exec"
executable = "ruff"
options = "check --fix REVISION_SCRIPT_FILENAME"
"""
PYPROJECT_INI = """\
[alembic]
sqlalchemy.url = sqlite:///%(here)s/app.db
"""


def _project(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / name.replace("_", ".", 1)).write_text(text)
    (tmp_path / "alembic" / "versions").mkdir(parents=True, exist_ok=True)
    (tmp_path / "more").mkdir(exist_ok=True)
    return tmp_path


@pytest.fixture(autouse=True)
def _no_env(monkeypatch) -> None:
    monkeypatch.delenv("MIG_CONFIG", raising=False)
    monkeypatch.delenv("ALEMBIC_CONFIG", raising=False)


def test_dash_c_alembic_ini_reads_the_alembic_section(tmp_path: Path) -> None:
    root = _project(tmp_path, alembic_ini=ALEMBIC_INI)
    config = find_config("alembic.ini", cwd=root)
    here = str(root.resolve())
    assert isinstance(config, AlembicConfig)
    assert config.config_ini_section == "alembic"
    assert config.get_main_option("script_location") == f"{here}/alembic"
    assert config.get_main_option("file_template") == "%(rev)s_%(slug)s"
    section = config.get_section(config.config_ini_section, {})
    assert section["sqlalchemy.url"] == f"sqlite:///{here}/app.db"
    sd = ScriptDirectory.from_config(config)
    assert sd.dir == f"{here}/alembic" and sd.file_template == "%(rev)s_%(slug)s"


def test_pyproject_template_reads_tool_alembic_beside_the_ini(tmp_path: Path) -> None:
    root = _project(tmp_path, alembic_ini=PYPROJECT_INI, pyproject_toml=PYPROJECT)
    here = str(root.resolve())
    for named in ("alembic.ini", "pyproject.toml", None):
        config = find_config(named, cwd=root)
        assert isinstance(config, AlembicConfig), named
        assert config.config_file_name == str(root / "alembic.ini")
        assert config.toml_file_name == str(root / "pyproject.toml")
        assert config.get_main_option("sqlalchemy.url") == f"sqlite:///{here}/app.db"
        # Alembic %-formats [tool.alembic] strings: %% is a literal %
        assert config.get_main_option("file_template") == "%(rev)s_%(slug)s"
        assert config.get_section("post_write_hooks") == {
            "hooks": "ruff",
            "ruff.type": "exec",
            "ruff.executable": "ruff",
            "ruff.options": "check --fix REVISION_SCRIPT_FILENAME",
        }
        sd = ScriptDirectory.from_config(config)
        assert sd.version_locations == [f"{here}/alembic/versions", f"{here}/more"]
        assert sd.truncate_slug_length == 20
        assert sd.file_template == "%(rev)s_%(slug)s"


def test_mig_config_wins_over_alembic_one(tmp_path: Path) -> None:
    root = _project(tmp_path, alembic_ini=ALEMBIC_INI, mig_ini="[mig]\nscript_location = m\n")
    config = find_config(cwd=root)
    assert type(config) is Config and config.config_file_name == str(root / "mig.ini")
    both = "[tool.mig]\nscript_location = 'm'\n\n" + PYPROJECT
    (root / "mig.ini").unlink()
    (root / "pyproject.toml").write_text(both)
    config = find_config(cwd=root)
    assert type(config) is Config and config.get_main_option("script_location") == "m"
    config = find_config("pyproject.toml", cwd=root)
    assert type(config) is Config


def test_alembic_config_env_var_after_mig_config(tmp_path: Path, monkeypatch) -> None:
    root = _project(tmp_path, alembic_ini=ALEMBIC_INI, other_ini="[mig]\nscript_location = o\n")
    monkeypatch.setenv("ALEMBIC_CONFIG", str(root / "alembic.ini"))
    assert isinstance(find_config(cwd=tmp_path / "more"), AlembicConfig)
    monkeypatch.setenv("MIG_CONFIG", str(root / "other.ini"))
    assert type(find_config(cwd=tmp_path / "more")) is Config
    assert isinstance(find_config("alembic.ini", cwd=root), AlembicConfig)  # -c first


def test_section_choice_with_and_without_dash_n(tmp_path: Path) -> None:
    multi = ALEMBIC_INI + "\n[db2]\nscript_location = %(here)s/db2\n"
    root = _project(tmp_path, alembic_ini=multi, custom_ini=ALEMBIC_INI)
    db2 = find_config("alembic.ini", "db2", cwd=root)
    assert isinstance(db2, AlembicConfig) and db2.config_ini_section == "db2"
    assert db2.get_main_option("script_location").endswith("/db2")
    # another name, an [alembic] section and no [mig]: Alembic's
    assert find_config("custom.ini", cwd=root).config_ini_section == "alembic"
    # -n mig asks for mig's section, whatever the file
    with pytest.raises(ConfigFileError, match=r"alembic\.ini has no \[mig\] section$"):
        find_config("alembic.ini", "mig", cwd=root)


def test_environment_defaults_keep_alembics_version_table(tmp_path: Path) -> None:
    root = _project(tmp_path, alembic_ini=ALEMBIC_INI)
    config = find_config("alembic.ini", cwd=root)
    assert config.environment_defaults() == {
        "version_table": "alembic_version",
        "history_table": False,
    }
    config.set_main_option("history_table", "true")
    assert config.environment_defaults() == {"version_table": "alembic_version"}
    config.set_main_option("history_table", "migrations_log")
    assert config.environment_defaults()["history_table"] == "migrations_log"
    assert Config(None).environment_defaults() == {}


def test_alembic_config_api_takes_alembics_arguments(tmp_path: Path) -> None:
    import io

    root = _project(tmp_path, alembic_ini=ALEMBIC_INI)
    out, buffer = io.StringIO(), io.StringIO()
    config = AlembicConfig(str(root / "alembic.ini"), "alembic", buffer, out)
    assert config.get_main_option("prepend_sys_path") == "."
    config.print_stdout("hello %s", "there")
    assert out.getvalue() == "hello there\n"
    assert config.environment_defaults()["output_buffer"] is buffer


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"alembic.ini": "[loggers]\nkeys = root\n"}, "alembic.ini has no [alembic] section"),
        (
            {"pyproject.toml": '[tool.alembic]\nfile_template = "%(rev)s_%(slug"\n'},
            "[tool.alembic] file_template: bad %-interpolation",
        ),
        (
            {"pyproject.toml": "[tool.alembic]\nx = {a = {b = 1}}\n"},
            "[tool.alembic] x.a must be a string, number, boolean or list of strings",
        ),
        (
            {"pyproject.toml": "[tool.alembic]\npost_write_hooks = 1\n"},
            "[[tool.alembic.post_write_hooks]] must be an array of tables",
        ),
    ],
)
def test_alembic_config_mistakes_are_one_line(tmp_path: Path, files, message) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(ConfigFileError) as info:
        find_config(cwd=tmp_path)
    assert message in str(info.value)
    assert "\n" not in str(info.value)
