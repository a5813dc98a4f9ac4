"""``path_separator`` / ``version_path_separator`` and ``version_locations``, as Alembic 1.20
reads them: ``path_separator`` wins, the older key still works (deprecated), neither set
splits on spaces and commas (deprecated too); a location that is not a folder is an error."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import sqlalchemy as sa

from mig.scripts import ScriptDirectory
from mig.scripts.errors import ConfigError

MIG = str(Path(sys.executable).with_name("mig"))


class Cfg:
    def __init__(self, main: dict[str, str]) -> None:
        self.main = main

    def get_main_option(self, name, default=None):
        return self.main.get(name, default)


def _revision(folder: Path, rev: str, down: str | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{rev}_x.py").write_text(
        f'"""{rev}"""\n\nrevision = "{rev}"\ndown_revision = {down!r}\n'
        "branch_labels = None\ndepends_on = None\n\n\n"
        "def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n"
    )


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A script location and two version locations: a1 <- b1 in one, a2 in the other."""
    (tmp_path / "env").mkdir()
    _revision(tmp_path / "one", "a1", None)
    _revision(tmp_path / "one", "b1", "a1")
    _revision(tmp_path / "two", "a2", None)
    return tmp_path / "env", tmp_path / "one", tmp_path / "two"


def _heads(options: dict[str, str]) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no deprecation warning when path_separator is set
        return sorted(ScriptDirectory.from_config(Cfg(options)).get_heads())


#: each path_separator value and the character it splits on
VALUES = [("os", os.pathsep), (":", ":"), (";", ";"), ("space", " "), ("newline", "\n")]


def test_path_separator_values(two) -> None:
    env, one, two_ = two
    for separator, joiner in VALUES:
        options = {
            "script_location": str(env),
            "version_locations": joiner.join([str(one), str(two_)]),
            "path_separator": separator,
        }
        assert _heads(options) == ["a2", "b1"], separator


def test_path_separator_wins_over_version_path_separator(two) -> None:
    env, one, two_ = two
    options = {
        "script_location": str(env),
        "version_locations": f"{one};{two_}",
        "path_separator": ";",
        "version_path_separator": "space",
    }
    assert _heads(options) == ["a2", "b1"]


def test_version_path_separator_alone_works_and_is_deprecated(two) -> None:
    env, one, two_ = two
    options = {
        "script_location": str(env),
        "version_locations": f"{one};{two_}",
        "version_path_separator": ";",
    }
    with pytest.warns(DeprecationWarning, match="version_path_separator.*path_separator"):
        sd = ScriptDirectory.from_config(Cfg(options))
    assert sorted(sd.get_heads()) == ["a2", "b1"]


def test_no_separator_splits_on_spaces_and_commas_with_a_warning(two) -> None:
    env, one, two_ = two
    options = {"script_location": str(env), "version_locations": f"{one}, {two_}"}
    with pytest.warns(DeprecationWarning, match="path_separator = os"):
        sd = ScriptDirectory.from_config(Cfg(options))
    assert sorted(sd.get_heads()) == ["a2", "b1"]


@pytest.mark.parametrize("key", ["path_separator"])
def test_unknown_separator_names_the_option(two, key) -> None:
    env, one, _ = two
    options = {"script_location": str(env), "version_locations": str(one), key: "|"}
    with pytest.raises(ConfigError) as exc:
        ScriptDirectory.from_config(Cfg(options))
    assert exc.value.option == key
    assert "'|' is not one of os, :, ;, space, newline" in str(exc.value)


def test_missing_version_location_is_an_error_naming_it(two) -> None:
    env, one, _ = two
    missing = one.parent / "nope"
    options = {
        "script_location": str(env),
        "version_locations": f"{one}{os.pathsep}{missing}",
        "path_separator": "os",
    }
    with pytest.raises(ConfigError) as exc:
        ScriptDirectory.from_config(Cfg(options))
    assert exc.value.option == "version_locations"
    assert repr(str(missing)) in str(exc.value) and "\n" not in str(exc.value)


# --- through the mig command ----------------------------------------------------------------

ENV_PY = """\
from sqlalchemy import create_engine
from mig.runtime import context

engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
"""


def _project(tmp_path: Path, locations: str) -> Path:
    """An Alembic 1.20-style ini: ``path_separator = os`` and two version locations."""
    root = tmp_path / "proj"
    (root / "migrations").mkdir(parents=True)
    (root / "migrations" / "env.py").write_text(ENV_PY)
    _revision(root / "migrations" / "versions", "a1", None)
    _revision(root / "migrations" / "versions", "b1", "a1")
    _revision(root / "other", "a2", None)
    (root / "mig.ini").write_text(
        "[mig]\n"
        "script_location = %(here)s/migrations\n"
        f"version_locations = {locations}\n"
        "path_separator = os\n"
        f"sqlalchemy.url = sqlite:///{root / 'db.sqlite'}\n"
    )
    return root


def _mig(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MIG, *args], cwd=root, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}
    )


def test_cli_reads_path_separator_os(tmp_path: Path) -> None:
    sep = os.pathsep
    root = _project(tmp_path, f"%(here)s/migrations/versions{sep}%(here)s/other")
    heads = _mig(root, "heads")
    assert heads.returncode == 0, heads.stderr
    assert sorted(heads.stdout.splitlines()) == ["a2 (head)", "b1 (head)"]
    up = _mig(root, "-q", "upgrade", "heads")
    assert up.returncode == 0, up.stderr
    engine = sa.create_engine(f"sqlite:///{root / 'db.sqlite'}")
    with engine.connect() as conn:
        rows = {r[0] for r in conn.exec_driver_sql("SELECT version_num FROM mig_version")}
    engine.dispose()
    assert rows == {"a2", "b1"}


def test_cli_missing_version_location_exits_2_naming_it(tmp_path: Path) -> None:
    sep = os.pathsep
    root = _project(tmp_path, f"%(here)s/migrations/versions{sep}%(here)s/gone")
    result = _mig(root, "upgrade", "head")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"mig: error: configuration option 'version_locations': '{root / 'gone'}' is not a "
        "directory; create it or remove it from the list"
    )
