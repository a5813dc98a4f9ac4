"""The config side of ``mig adopt``: find the Alembic config and turn it into mig's.

- ``alembic.ini`` becomes ``mig.ini``: the ``[alembic]`` header becomes ``[mig]``; every
  other line (comments, the logging and hook sections) stays as it is.
- ``[tool.alembic]`` in pyproject.toml becomes ``[tool.mig]``: only the table headers
  (``[tool.alembic]``, ``[tool.alembic.X]``, ``[[tool.alembic.post_write_hooks]]``, and
  the commented-out ones of Alembic's template) are renamed. The result is checked by
  parsing both texts: ``tool.mig`` must hold exactly what ``tool.alembic`` held and nothing
  else may differ, or the file is left alone with an error saying so.

The keys keep their names: mig reads Alembic's. The version table is not a config key in
mig (it is a ``configure()`` argument), so the config needs nothing more.
"""

from __future__ import annotations

import configparser
import copy
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mig.cli.adopt.files import read_text
from mig.cli.errors import UsageError

ALEMBIC_INI = "alembic.ini"
MIG_INI = "mig.ini"
PYPROJECT = "pyproject.toml"
ALEMBIC_SECTION = "alembic"
MIG_SECTION = "mig"


@dataclass
class Project:
    """The config files found in the project folder."""

    root: Path
    alembic_ini: Path | None = None
    #: pyproject.toml holding [tool.alembic] (to convert) or [tool.mig] (converted)
    pyproject: Path | None = None
    pyproject_tool: str | None = None
    mig_ini: Path | None = None

    @property
    def adopted(self) -> bool:
        """Already a mig project: no Alembic config left."""
        return self.alembic_ini is None and self.pyproject_tool != ALEMBIC_SECTION


def _toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML ({exc})") from None


def locate(root: Path) -> Project:
    """The Alembic (or, run a second time, mig) config of the project in ``root``."""
    if not root.is_dir():
        raise UsageError(f"{root}: no such folder")
    project = Project(root)
    if (root / ALEMBIC_INI).is_file():
        project.alembic_ini = root / ALEMBIC_INI
    if (root / MIG_INI).is_file():
        project.mig_ini = root / MIG_INI
    pyproject = root / PYPROJECT
    if pyproject.is_file():
        tool = _toml(pyproject).get("tool", {})
        if ALEMBIC_SECTION in tool and MIG_SECTION in tool:
            raise UsageError(f"{pyproject}: has both [tool.alembic] and [tool.mig]; keep one")
        for name in (ALEMBIC_SECTION, MIG_SECTION):
            if isinstance(tool.get(name), dict):
                project.pyproject, project.pyproject_tool = pyproject, name
    if project.alembic_ini is not None and project.mig_ini is not None:
        raise UsageError(
            f"{root / MIG_INI} exists already next to {ALEMBIC_INI}: remove one of them"
        )
    if project.alembic_ini is None and project.pyproject is None and project.mig_ini is None:
        raise UsageError(
            f"no Alembic project in {root}: no {ALEMBIC_INI} and no {PYPROJECT} with [tool.alembic]"
        )
    return project


# -- alembic.ini -> mig.ini ------------------------------------------------------------------


def _is_header(line: str, section: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("[") and stripped.endswith("]") and stripped[1:-1] == section


def _parse_ini(text: str, name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=name)
    except configparser.Error as exc:
        raise UsageError(f"{name}: cannot be read ({str(exc).splitlines()[0]})") from None
    return parser


#: what keeps the database's Alembic version table (mig's own default is mig_version)
VERSION_TABLE_KEY, VERSION_TABLE = "version_table", "alembic_version"
_KEPT = "# mig adopt: carry on with the version table Alembic has been writing"


def convert_ini(text: str, name: str) -> str:
    """alembic.ini's text with ``[alembic]`` renamed ``[mig]`` and, unless the section names
    one, ``version_table = alembic_version`` as its first key; nothing else changes."""
    parser = _parse_ini(text, name)
    if parser.has_section(MIG_SECTION):
        raise UsageError(f"{name}: has a [{MIG_SECTION}] section already; remove it or rename it")
    keep = not (
        parser.has_section(ALEMBIC_SECTION)
        and parser.has_option(ALEMBIC_SECTION, VERSION_TABLE_KEY)
    )
    out = []
    for line in text.splitlines(keepends=True):
        if not _is_header(line, ALEMBIC_SECTION):
            out.append(line)
            continue
        header = line.replace(f"[{ALEMBIC_SECTION}]", f"[{MIG_SECTION}]", 1)
        out.append(header)
        if keep:
            if not header.endswith("\n"):
                out.append("\n")
            out.append(f"{_KEPT}\n{VERSION_TABLE_KEY} = {VERSION_TABLE}\n")
            keep = False
    return "".join(out)


def ini_options(path: Path, section: str, shown: str) -> dict[str, str]:
    """The main section's values as Alembic reads them (``%(here)s`` is the file's folder)."""
    parser = configparser.ConfigParser(defaults={"here": str(path.resolve().parent)})
    try:
        parser.read_string(read_text(path, shown), source=shown)
        if not parser.has_section(section):
            return {}
        return {k: parser.get(section, k) for k in parser.options(section) if k != "here"}
    except configparser.Error as exc:
        raise UsageError(f"{shown}: cannot be read ({str(exc).splitlines()[0]})") from None


# -- [tool.alembic] -> [tool.mig] ------------------------------------------------------------

_OLD, _NEW = f"tool.{ALEMBIC_SECTION}", f"tool.{MIG_SECTION}"


def _rename_header(line: str) -> str:
    """``[tool.alembic...]`` / ``[[tool.alembic...]]``, live or commented out, renamed."""
    at = line.find(f"[{_OLD}")
    if at < 0:
        return line
    before, after = line[:at], line[at + 1 + len(_OLD) :]
    if before.replace("#", "").replace("[", "").strip() or after[:1] not in ("]", "."):
        return line
    return f"{before}[{_NEW}{after}"


def convert_pyproject(text: str, name: str) -> str:
    """pyproject.toml's text with the ``[tool.alembic]`` headers renamed, checked by parsing."""
    try:
        old = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{name}: not valid TOML ({exc})") from None
    tool_table = old.get("tool", {}).get(ALEMBIC_SECTION)
    keep = isinstance(tool_table, dict) and VERSION_TABLE_KEY not in tool_table
    lines = []
    for line in text.splitlines(keepends=True):
        renamed = _rename_header(line)
        lines.append(renamed)
        if keep and renamed.strip() == f"[{_NEW}]":
            lines.append(f'{_KEPT}\n{VERSION_TABLE_KEY} = "{VERSION_TABLE}"\n')
            keep = False
    new_text = "".join(lines)
    expected = copy.deepcopy(old)
    tool = expected.get("tool", {})
    if ALEMBIC_SECTION in tool:
        tool[MIG_SECTION] = tool.pop(ALEMBIC_SECTION)
        if isinstance(tool_table, dict) and VERSION_TABLE_KEY not in tool_table:
            tool[MIG_SECTION] = {VERSION_TABLE_KEY: VERSION_TABLE, **tool[MIG_SECTION]}
    try:
        converted = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError:
        converted = None
    if converted != expected:
        raise UsageError(
            f"{name}: [tool.alembic] is not written as table headers mig adopt can rename "
            f"(dotted keys or inline tables?): rename it to [tool.mig] by hand"
        )
    return new_text


def toml_options(path: Path, root: Path) -> dict[str, str]:
    """``[tool.alembic]`` as the flat strings an ini section holds (lists one per line)."""
    table = _toml(path).get("tool", {}).get(ALEMBIC_SECTION, {})
    here = str(path.resolve().parent)
    values: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, bool):
            values[key] = "true" if value else "false"
        elif isinstance(value, list):
            values[key] = "\n".join(str(v).replace("%(here)s", here) for v in value)
            if key == "version_locations":
                values.setdefault("version_path_separator", "newline")
        elif not isinstance(value, dict):
            values[key] = str(value).replace("%(here)s", here)
    return values


class Options:
    """A config object for :func:`mig.scripts.settings.settings_from_config`, from a dict."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def get_main_option(self, name: str, default: str | None = None) -> str | None:
        return self.values.get(name, default)

    def get_section(self, name: str, default: Any = None) -> Any:
        return default


def alembic_options(project: Project) -> Options:
    """The Alembic project's main options: pyproject first, alembic.ini over it, key by key.

    A relative script_location is taken from the project folder (not the current one).
    """
    values: dict[str, str] = {}
    if project.pyproject is not None and project.pyproject_tool == ALEMBIC_SECTION:
        values.update(toml_options(project.pyproject, project.root))
    if project.alembic_ini is not None:
        values.update(ini_options(project.alembic_ini, ALEMBIC_SECTION, ALEMBIC_INI))
    location = values.get("script_location")
    if location and not Path(location).is_absolute() and (project.root / location).is_dir():
        values["script_location"] = str(project.root / location)
    return Options(values)
