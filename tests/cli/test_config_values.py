"""Config values of the wrong shape are refused by name, before they do anything odd.

An invalid pyproject.toml is reported as such (line, column) even when the search found
it, a list or a number where mig reads a string is refused naming the key, and a
``file_template`` that would leave a token unfilled (``%%(year)d`` in pyproject.toml,
where there is no %-escaping) or put a line break in a file name writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e.conftest import Project

from mig.cli.config import Config, find_config
from mig.cli.errors import ConfigFileError

from .test_error_lines import one_line


def _versions(project: Project) -> list[str]:
    return sorted(p.name for p in (project.root / "migrations" / "versions").glob("*.py"))


@pytest.fixture
def pyproject(tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    root.mkdir()
    p = Project(root, "sqlite:///app.db", in_process=True)
    p.init("pyproject")
    return p


@pytest.fixture
def ini_project(tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    root.mkdir()
    p = Project(root, "sqlite:///app.db", in_process=True)
    p.init()
    return p


def _set(project: Project, name: str, line: str, after: str) -> None:
    path = project.root / name
    text = path.read_text()
    assert after in text
    path.write_text(text.replace(after, f"{after}\n{line}", 1))


# -- pyproject.toml ----------------------------------------------------------------------------


@pytest.mark.parametrize("with_ini", [False, True], ids=["alone", "beside-mig.ini"])
def test_an_invalid_pyproject_found_by_the_search_is_reported(
    tmp_path: Path, with_ini: bool
) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.mig\n')
    if with_ini:
        (tmp_path / "mig.ini").write_text("[mig]\nscript_location = migrations\n")
    with pytest.raises(ConfigFileError) as info:
        find_config(cwd=tmp_path)
    assert str(info.value).endswith(
        "pyproject.toml: not valid TOML (line 3, column 10): "
        "Expected ']' at the end of a table declaration"
    )
    project = Project(tmp_path, "sqlite://", in_process=True)
    assert one_line(project.mig("heads", code=2).err) == (
        "mig: error: pyproject.toml: not valid TOML (line 3, column 10): "
        "Expected ']' at the end of a table declaration"
    )


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            'file_template = ["%(rev)s", "%(slug)s"]',
            "file_template must be a string, not a list of strings (['%(rev)s', '%(slug)s'])",
        ),
        ("file_template = 5", "file_template must be a string, not an integer (5)"),
        (
            'truncate_slug_length = "40"',
            "truncate_slug_length must be an integer, not a string ('40')",
        ),
        (
            'revision_environment = "yes"',
            "revision_environment must be a boolean, not a string ('yes')",
        ),
        (
            'timezone = ["UTC"]',
            "timezone must be a string, not a list of strings (['UTC'])",
        ),
        (
            "version_locations = [1, 2]",
            "version_locations must be a string or a list of strings, not a list ([1, 2])",
        ),
    ],
)
def test_a_wrong_type_is_refused_naming_the_key(
    pyproject: Project, setting: str, message: str
) -> None:
    _set(pyproject, "pyproject.toml", setting, "[tool.mig]")
    err = pyproject.mig("revision", "-m", "x", code=2).err
    assert one_line(err) == f"mig: error: pyproject.toml: [tool.mig] {message}"
    assert _versions(pyproject) == []


def test_a_section_and_a_hook_value_are_checked_too(tmp_path: Path) -> None:
    toml = tmp_path / "pyproject.toml"
    toml.write_text('[tool.mig]\nscript_location = "m"\n[tool.mig.engine1]\n"sqlalchemy.url" = 1\n')
    with pytest.raises(ConfigFileError, match=r"\[tool.mig\] engine1.sqlalchemy.url must be a "):
        Config(None, toml_file=toml)
    toml.write_text(
        '[tool.mig]\nscript_location = "m"\n[[tool.mig.post_write_hooks]]\n'
        'name = "fmt"\ntype = "exec"\noptions = ["format", "x"]\n'
    )
    with pytest.raises(ConfigFileError) as info:
        Config(None, toml_file=toml)
    assert str(info.value).endswith(
        "[tool.mig] post_write_hooks.fmt.options must be a string, not a list of strings "
        "(['format', 'x'])"
    )


def test_the_right_types_are_read(tmp_path: Path) -> None:
    toml = tmp_path / "pyproject.toml"
    toml.write_text(
        "[tool.mig]\n"
        'script_location = "m"\n'
        "truncate_slug_length = 12\n"
        "revision_environment = true\n"
        'version_locations = ["a", "b"]\n'
        'prepend_sys_path = "."\n'
        "history_table = false\n"
        'my_own_list = ["x", "y"]\n'
    )
    config = Config(None, toml_file=toml)
    assert config.get_main_option("truncate_slug_length") == "12"
    assert config.get_main_option("revision_environment") == "true"
    assert config.get_main_option("version_locations") == "a\nb"
    assert config.get_main_option("history_table") == "false"
    assert config.get_main_option("my_own_list") == "x\ny"  # the project's key: as before


# -- file_template ---------------------------------------------------------------------------


def test_a_doubled_percent_in_pyproject_is_refused(pyproject: Project) -> None:
    _set(pyproject, "pyproject.toml", 'file_template = "%%(rev)s_%%(slug)s"', "[tool.mig]")
    err = pyproject.mig("revision", "-m", "x", "--rev-id", "abc", code=2).err
    assert one_line(err) == (
        "mig: error: configuration option 'file_template': '%%(rev)s_%%(slug)s' leaves "
        "'%(rev)s' unfilled in the file name '%(rev)s_%(slug)s': write a token with one % "
        "in pyproject.toml ([tool.mig]) and with %% in an ini file"
    )
    assert _versions(pyproject) == []


def test_a_single_percent_in_pyproject_fills_the_tokens(pyproject: Project) -> None:
    _set(pyproject, "pyproject.toml", 'file_template = "%(rev)s-%(slug)s"', "[tool.mig]")
    pyproject.mig("revision", "-m", "add things", "--rev-id", "abc")
    assert _versions(pyproject) == ["abc-add_things.py"]


def test_an_unfilled_token_in_an_ini_file_is_refused(ini_project: Project) -> None:
    _set(ini_project, "mig.ini", "file_template = %%%%(rev)s_x", "\n[mig]")
    err = ini_project.mig("revision", "-m", "x", "--rev-id", "abc", code=2).err
    assert one_line(err).startswith(
        "mig: error: configuration option 'file_template': '%%(rev)s_x' leaves '%(rev)s' "
        "unfilled in the file name '%(rev)s_x'"
    )
    assert _versions(ini_project) == []


def test_a_line_break_in_the_file_name_is_refused(ini_project: Project) -> None:
    _set(ini_project, "mig.ini", "file_template = %%(rev)s\n    %%(slug)s", "\n[mig]")
    err = ini_project.mig("revision", "-m", "x", "--rev-id", "abc", code=2).err
    assert one_line(err) == (
        "mig: error: configuration option 'file_template': '%(rev)s\\n%(slug)s' makes a file "
        "name with a line break or tab in it"
    )
    assert _versions(ini_project) == []
