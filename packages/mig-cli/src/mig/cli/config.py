"""Config: the project's mig settings, from ``mig.ini``, ``[tool.mig]`` in pyproject.toml, or both.

Alembic users know the shape: a main section (``[mig]``, or another chosen with ``-n``)
holding ``script_location``, ``sqlalchemy.url`` and friends, other sections for
post-write hooks and logging, ``%(here)s`` meaning the config file's folder. A project may
instead (or as well) keep the same keys in ``[tool.mig]`` of its pyproject.toml; when both
exist the ini file wins key by key, so a deploy can override what the repository ships.

Config is also a Python API: a framework can build one in code, ``set_main_option`` the URL,
put live objects in ``attributes`` (a connection, say) for env.py to pick up, and call
``mig.cli.command.upgrade(config, "head")``.

An Alembic project's own files are read too (:class:`AlembicConfig`): ``[alembic]`` in
alembic.ini, ``[tool.alembic]`` in pyproject.toml, with Alembic's rules where they differ
from mig's, so a team can run mig on a project without converting its config first.
"""

from __future__ import annotations

import configparser
import os
import re
import sys
import tomllib
from argparse import Namespace
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, TextIO

from mig.cli.errors import ConfigFileError, display_path

#: environment variable naming the config file when ``-c`` is not given
CONFIG_ENV_VAR = "MIG_CONFIG"
#: Alembic's variable for the same, read after ``$MIG_CONFIG`` (CI set up for Alembic keeps working)
ALEMBIC_CONFIG_ENV_VAR = "ALEMBIC_CONFIG"
DEFAULT_INI = "mig.ini"
DEFAULT_SECTION = "mig"
PYPROJECT = "pyproject.toml"
ALEMBIC_INI = "alembic.ini"
ALEMBIC_SECTION = "alembic"
#: the version table mig keeps for an Alembic project: Alembic's own, so neither re-stamps
ALEMBIC_VERSION_TABLE = "alembic_version"

#: pyproject list values joined into the one string an ini file would hold
_LIST_JOINERS: dict[str, str] = {
    "version_locations": "\n",
    "prepend_sys_path": "\n",
}

#: what a ``[tool.mig]`` value of a key mig reads may be (TOML type names, for messages);
#: a key not listed (the project's own, for env.py) may be any string, number, boolean or
#: list of strings. A list where one string is meant would be joined into a value with a
#: newline in it, so it is refused by name instead.
_KEY_TYPES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        (
            "script_location",
            "file_template",
            "timezone",
            "output_encoding",
            "sqlalchemy.url",
            "path_separator",
            "version_path_separator",
            "version_table",
            "version_table_schema",
        ),
        ("string",),
    ),
    "truncate_slug_length": ("integer",),
    **dict.fromkeys(
        ("revision_environment", "sourceless", "recursive_version_locations"), ("boolean",)
    ),
    "history_table": ("string", "boolean"),
    **dict.fromkeys(
        ("version_locations", "prepend_sys_path", "databases"), ("string", "list of strings")
    ),
}


ONLINE_KEYS = ("online", "lock_timeout", "lock_retries", "statement_timeout")
"""Config keys for ``--online`` runs (``online = true``, ``lock_timeout = 2s``, ...)."""


class Config:
    """One project's configuration, as commands and env.py see it.

    ``file_`` is the ini file (None: none); ``toml_file`` the pyproject.toml whose
    ``[tool.mig]`` table is read (None: none). ``cmd_opts`` holds the parsed command line
    (``-x`` values among them), ``attributes`` whatever code wants to hand to env.py.
    """

    #: the pyproject.toml table read as the main section: ``[tool.<tool_table>]``
    tool_table: ClassVar[str] = "mig"

    def __init__(
        self,
        file_: str | os.PathLike[str] | None = None,
        ini_section: str = DEFAULT_SECTION,
        *,
        toml_file: str | os.PathLike[str] | None = None,
        cmd_opts: Namespace | None = None,
        attributes: Mapping[str, Any] | None = None,
        stdout: TextIO | None = None,
        config_args: Mapping[str, str] | None = None,
    ) -> None:
        self.config_file_name: str | None = str(file_) if file_ is not None else None
        self.toml_file_name: str | None = str(toml_file) if toml_file is not None else None
        self.config_ini_section = ini_section
        self.cmd_opts = cmd_opts if cmd_opts is not None else Namespace()
        self.attributes: dict[str, Any] = dict(attributes or {})
        self.stdout = stdout
        self._config_args = dict(config_args or {})
        self._ini = self._read_ini()
        self._toml_main, self._toml_sections = self._read_toml()
        #: whether a main-table list was joined into one string (split again on newlines)
        self._joined_lists = any(k in self._toml_main for k in _LIST_JOINERS)

    # -- reading ----------------------------------------------------------------------------

    @property
    def here(self) -> str:
        """The folder of the config file (ini first, then pyproject), or the current one."""
        for name in (self.config_file_name, self.toml_file_name):
            if name is not None:
                return str(Path(name).resolve().parent)
        return os.getcwd()

    def _read_ini(self) -> configparser.ConfigParser:
        parser = configparser.ConfigParser()
        if self.config_file_name is None:
            parser.add_section(self.config_ini_section)
            return parser
        path = Path(self.config_file_name)
        if not path.is_file():
            raise ConfigFileError(
                f"no config file {self.config_file_name}: run `mig init DIR` to create one, "
                f"or point -c / ${CONFIG_ENV_VAR} at it"
            )
        try:
            parser.read(path, encoding="utf-8")
        except configparser.Error as exc:
            first = str(exc).splitlines()[0]
            raise ConfigFileError(f"{self.config_file_name}: cannot be read: {first}") from None
        if not parser.has_section(self.config_ini_section):
            if self.toml_file_name is None:
                raise ConfigFileError(
                    f"{self.config_file_name} has no [{self.config_ini_section}] section"
                )
            parser.add_section(self.config_ini_section)
        return parser

    def _read_toml(self) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
        if self.toml_file_name is None:
            return {}, {}
        path = Path(self.toml_file_name)
        if not path.is_file():
            raise ConfigFileError(f"no file {self.toml_file_name}")
        data = load_toml(path)
        table = data.get("tool", {}).get(self.tool_table)
        if table is None:
            return {}, {}
        if not isinstance(table, dict):
            raise ConfigFileError(
                f"{self.toml_file_name}: [tool.{self.tool_table}] must be a table"
            )
        main: dict[str, str] = {}
        sections: dict[str, dict[str, str]] = {}
        for key, value in table.items():
            if key == "post_write_hooks":
                sections[key] = self._flatten_hooks(value)
            elif isinstance(value, dict):
                sections[key] = {k: self._toml_text(f"{key}.{k}", v) for k, v in value.items()}
            else:
                main[key] = self._toml_text(key, value)
        return main, sections

    def _flatten_hooks(self, value: Any) -> dict[str, str]:
        """``[[tool.mig.post_write_hooks]]`` tables as the flat section an ini file holds."""
        where = f"{self.toml_file_name}: [[tool.{self.tool_table}.post_write_hooks]]"
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise ConfigFileError(f"{where} must be an array of tables")
        flat: dict[str, str] = {}
        names: list[str] = []
        for hook in value:
            name = hook.get("name")
            if not isinstance(name, str) or not name:
                raise ConfigFileError(f"{where}: every hook needs a name")
            names.append(name)
            for key, option in hook.items():
                if key != "name":
                    where_key = f"post_write_hooks.{name}.{key}"
                    flat[f"{name}.{key}"] = self._toml_text(where_key, option)
        flat["hooks"] = ", ".join(names)
        return flat

    def _toml_text(self, key: str, value: Any) -> str:
        self._check_type(key, value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        if isinstance(value, str):
            return self._toml_string(key, value)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            joiner = _LIST_JOINERS.get(key.rsplit(".", 1)[-1], "\n")
            return joiner.join(self._toml_string(key, v) for v in value)
        raise ConfigFileError(
            f"{self.toml_file_name}: [tool.{self.tool_table}] {key} must be a string, number, "
            f"boolean or list of strings"
        )

    def _check_type(self, key: str, value: Any) -> None:
        """Refuse a value of the wrong TOML type for a key mig reads, naming key and type."""
        if key.startswith("post_write_hooks."):
            expected: tuple[str, ...] | None = ("string",)  # as an ini hook section holds
        else:  # a main key (``sqlalchemy.url``), or one in a section (``engine1.sqlalchemy.url``)
            expected = _KEY_TYPES.get(key) or _KEY_TYPES.get(key.partition(".")[2])
        if expected is None or _toml_type(value) in expected:
            return
        raise ConfigFileError(
            f"{display_path(str(self.toml_file_name))}: [tool.{self.tool_table}] {key} must be "
            f"{' or '.join(map(_a, expected))}, not {_a(_toml_type(value))} ({value!r})"
        )

    def _toml_string(self, key: str, text: str) -> str:
        """A ``[tool.mig]`` string: ``%(here)s`` is the folder, any other ``%`` is literal."""
        return text.replace("%(here)s", self.here)

    def environment_defaults(self) -> dict[str, Any]:
        """``context.configure()`` defaults the commands hand env.py, from the main section.

        ``version_table``, ``version_table_schema`` and ``history_table`` (``false`` for
        none, ``true`` for ``<version table>_history``, or a table name) may be set in the
        config, so a project keeps its tables without editing env.py (``mig adopt`` writes
        ``version_table = alembic_version`` there). Unset keys leave the runtime's defaults;
        env.py's explicit arguments always win.
        """
        defaults: dict[str, Any] = {}
        for key in ("version_table", "version_table_schema"):
            value = (self.get_main_option(key) or "").strip()
            if value:
                defaults[key] = value
        history = self._history_table_setting()
        if history is not None:
            defaults["history_table"] = history
        for key in ONLINE_KEYS:  # `mig upgrade --online`'s settings; mig-runtime parses them
            value = (self.get_main_option(key) or "").strip()
            if value:
                defaults[key] = value
        return defaults

    def _history_table_setting(self) -> str | bool | None:
        """``history_table``: None when unset or true (the default name), False, or a name."""
        value = (self.get_main_option("history_table") or "").strip()
        if value.lower() in ("", "true", "yes", "on", "1"):
            return None
        if value.lower() in ("false", "no", "off", "0"):
            return False
        return value

    def get_main_option(self, name: str, default: str | None = None) -> str | None:
        """A key of the main section (ini first, then ``[tool.mig]``), interpolated."""
        return self.get_section_option(self.config_ini_section, name, default)

    def get_section_option(self, section: str, name: str, default: str | None = None) -> str | None:
        if self._ini.has_section(section) and self._ini.has_option(section, name):
            return self._ini_value(section, name)
        source = self._toml_main if section == self.config_ini_section else None
        if source is None:
            source = self._toml_sections.get(section, {})
        if name in source:
            return source[name]
        if name in ("path_separator", "version_path_separator") and self._joined_lists:
            return "newline"  # pyproject lists are joined with newlines
        return default

    def _ini_value(self, section: str, name: str) -> str:
        try:
            return self._ini.get(section, name, vars={"here": self.here, **self._config_args})
        except configparser.InterpolationError as exc:
            raise ConfigFileError(
                f"{self.config_file_name}: [{section}] {name}: bad %-interpolation "
                f"({str(exc).splitlines()[0]}); write a literal % as %%"
            ) from None

    def option_source(self, section: str, name: str) -> str:
        """Where a key is (or would be) set, for messages: ``mig.ini [mig]``,
        ``pyproject.toml [tool.mig]``; the ini file wins, as in :meth:`get_section_option`."""
        in_ini = self._ini.has_section(section) and self._ini.has_option(section, name)
        main = section == self.config_ini_section
        in_toml = name in (self._toml_main if main else self._toml_sections.get(section, {}))
        if self.toml_file_name is not None and (in_toml or self.config_file_name is None):
            if not in_ini:
                table = f"tool.{self.tool_table}" + ("" if main else f".{section}")
                return f"{display_path(self.toml_file_name)} [{table}]"
        if self.config_file_name is not None:
            return f"{display_path(self.config_file_name)} [{section}]"
        return f"[{section}]"

    def get_section(self, name: str, default: Any = None) -> dict[str, str] | Any:
        """A whole section as a dict (for ``engine_from_config`` and hooks), or ``default``."""
        merged: dict[str, str] = {}
        if name == self.config_ini_section:
            merged.update(self._toml_main)
        merged.update(self._toml_sections.get(name, {}))
        if self._ini.has_section(name):
            for key in self._ini.options(name):
                merged[key] = self._ini_value(name, key)
        if not merged and not self._ini.has_section(name) and name not in self._toml_sections:
            return default
        return merged

    def sections(self) -> list[str]:
        names = list(self._ini.sections())
        names += [s for s in self._toml_sections if s not in names]
        return names

    # -- writing (in memory) ----------------------------------------------------------------

    def set_main_option(self, name: str, value: str) -> None:
        """Set a main-section key for this run (``%(here)s`` is interpolated; ``%%`` for %)."""
        self.set_section_option(self.config_ini_section, name, value)

    def set_section_option(self, section: str, name: str, value: str) -> None:
        if not self._ini.has_section(section):
            self._ini.add_section(section)
        self._ini.set(section, name, value)

    def remove_main_option(self, name: str) -> None:
        self._ini.remove_option(self.config_ini_section, name)
        self._toml_main.pop(name, None)

    # -- output -----------------------------------------------------------------------------

    def print_stdout(self, text: str, *args: Any) -> None:
        """Print a line for the user (what env.py and commands use for messages)."""
        out = self.stdout or sys.stdout
        out.write((text % args if args else text) + "\n")

    def __repr__(self) -> str:
        files = [f for f in (self.config_file_name, self.toml_file_name) if f]
        return f"Config({', '.join(files) or 'in memory'}, section={self.config_ini_section!r})"


class AlembicConfig(Config):
    """An Alembic project's config: ``[alembic]`` in alembic.ini, ``[tool.alembic]`` in pyproject.

    It reads the files as Alembic does where Alembic's rules differ from mig's: the main
    section is ``[alembic]``, and a ``[tool.alembic]`` string is %-formatted (``%(here)s``,
    ``%%`` for a literal ``%``, as Alembic's pyproject template writes ``file_template``).
    The arguments are Alembic's, in Alembic's order, so an env.py or a test that builds
    ``Config("alembic.ini")`` itself gets what it expects. Runs it configures keep Alembic's
    version table (see :meth:`environment_defaults`).
    """

    tool_table: ClassVar[str] = "alembic"

    def __init__(
        self,
        file_: str | os.PathLike[str] | None = None,
        ini_section: str = ALEMBIC_SECTION,
        output_buffer: TextIO | None = None,
        stdout: TextIO | None = None,
        cmd_opts: Namespace | None = None,
        config_args: Mapping[str, str] | None = None,
        attributes: Mapping[str, Any] | None = None,
        toml_file: str | os.PathLike[str] | None = None,
    ) -> None:
        #: where offline (``--sql``) output goes when env.py does not say (None: stdout)
        self.output_buffer = output_buffer
        super().__init__(
            file_,
            ini_section,
            toml_file=toml_file,
            cmd_opts=cmd_opts,
            attributes=attributes,
            stdout=stdout,
            config_args=config_args,
        )

    def _toml_string(self, key: str, text: str) -> str:
        args = {"here": self.here, **self._config_args}
        try:
            return text % args
        except (KeyError, ValueError, TypeError) as exc:
            raise ConfigFileError(
                f"{self.toml_file_name}: [tool.alembic] {key}: bad %-interpolation ({exc!r}); "
                f"write a literal % as %%"
            ) from None

    def environment_defaults(self) -> dict[str, Any]:
        """Alembic's version table, and no history table unless the config names one.

        The database stays as Alembic leaves it: ``alembic_version`` is read and written
        as it is (no re-stamp when switching either way), and no table Alembic does not know
        is added (Alembic's autogenerate would propose dropping it). ``history_table`` in
        the main section turns mig's history table on: ``true`` for
        ``alembic_version_history``, or a table name.
        """
        defaults = super().environment_defaults()
        defaults.setdefault("version_table", ALEMBIC_VERSION_TABLE)
        if not (self.get_main_option("history_table") or "").strip():
            defaults["history_table"] = False
        if self.output_buffer is not None:
            defaults["output_buffer"] = self.output_buffer
        return defaults

    def __repr__(self) -> str:
        return "Alembic" + super().__repr__()


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _toml_type(value: Any) -> str:
    """The TOML name of a parsed value's type, as messages say it."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list of strings" if all(isinstance(v, str) for v in value) else "list"
    return "table" if isinstance(value, dict) else type(value).__name__


def find_config(
    config_file: str | None = None,
    name: str | None = None,
    cwd: str | os.PathLike[str] | None = None,
    **kw: Any,
) -> Config:
    """The project's Config, as the ``mig`` command finds it.

    ``-c FILE`` (else ``$MIG_CONFIG``, else ``$ALEMBIC_CONFIG``) names the file: an
    ``.toml`` file is read as pyproject, anything else as ini. Without one, ``mig.ini`` in
    the current folder, and ``pyproject.toml`` there if it has ``[tool.mig]``; both are read
    when both exist. With neither, an Alembic project's ``alembic.ini`` and/or
    ``[tool.alembic]`` there. ``name`` is the main section (None: ``mig``, or ``alembic``
    for an Alembic config).
    """
    base = Path(cwd) if cwd is not None else Path.cwd()
    explicit = (
        config_file
        or os.environ.get(CONFIG_ENV_VAR)
        or os.environ.get(ALEMBIC_CONFIG_ENV_VAR)
        or None
    )
    if explicit:
        path = Path(explicit)
        if not path.is_absolute():
            path = base / path
        return _named_config(path, name, base, kw)
    ini = base / DEFAULT_INI
    pyproject = base / PYPROJECT
    toml_file = pyproject if _has_tool_table(pyproject, "mig") else None
    if ini.is_file() or toml_file is not None:
        ini_file = ini if ini.is_file() else None
        return Config(ini_file, name or DEFAULT_SECTION, toml_file=toml_file, **kw)
    alembic_ini = base / ALEMBIC_INI
    alembic_toml = pyproject if _has_tool_table(pyproject, "alembic") else None
    if alembic_ini.is_file() or alembic_toml is not None:
        ini_file = alembic_ini if alembic_ini.is_file() else None
        return AlembicConfig(ini_file, name or ALEMBIC_SECTION, toml_file=alembic_toml, **kw)
    raise ConfigFileError(
        f"no {DEFAULT_INI} or pyproject.toml with [tool.mig] in {base}: run `mig init DIR` "
        f"to create one, or point -c / ${CONFIG_ENV_VAR} at it"
    )


def _named_config(path: Path, name: str | None, base: Path, kw: dict[str, Any]) -> Config:
    """The Config for a file the user named: mig's, or Alembic's when the file is Alembic's.

    A pyproject.toml is Alembic's when it has ``[tool.alembic]`` and no ``[tool.mig]`` (the
    alembic.ini beside it is read too, as ``alembic init -t pyproject`` splits the two). An
    ini file is Alembic's when ``-n alembic`` says so, or (no ``-n mig``) when it has no
    ``[mig]`` section and has ``[alembic]`` or is named alembic.ini; its pyproject.toml
    (beside it, else in the current folder, as Alembic looks) is read if it has
    ``[tool.alembic]``.
    """
    if path.suffix == ".toml":
        if not _has_tool_table(path, "mig") and _has_tool_table(path, "alembic"):
            ini = path.with_name(ALEMBIC_INI)
            ini_file = ini if ini.is_file() else None
            return AlembicConfig(ini_file, name or ALEMBIC_SECTION, toml_file=path, **kw)
        return Config(None, name or DEFAULT_SECTION, toml_file=path, **kw)
    if not _is_alembic_ini(path, name):
        return Config(path, name or DEFAULT_SECTION, **kw)
    candidates = (path.with_name(PYPROJECT), base / PYPROJECT)
    toml_file = next((p for p in candidates if _has_tool_table(p, "alembic")), None)
    return AlembicConfig(path, name or ALEMBIC_SECTION, toml_file=toml_file, **kw)


def _is_alembic_ini(path: Path, name: str | None) -> bool:
    if name in (DEFAULT_SECTION, ALEMBIC_SECTION):
        return name == ALEMBIC_SECTION
    sections = _ini_sections(path)
    if DEFAULT_SECTION in sections:
        return False
    return ALEMBIC_SECTION in sections or path.name == ALEMBIC_INI


def _ini_sections(path: Path) -> set[str]:
    """The section names of an ini file (none if unreadable: Config reports why)."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, configparser.Error, UnicodeDecodeError):
        return set()
    return set(parser.sections())


#: where tomllib says a syntax error is: ``... (at line 3, column 5)``
_TOML_POSITION = re.compile(r"^(?P<what>.*?) \(at line (?P<line>\d+), column (?P<col>\d+)\)$")


def load_toml(path: Path) -> dict[str, Any]:
    """A TOML file's contents; a file that is not valid TOML is a ConfigFileError naming
    the line and column (whether the user named it or the search found it: the project's
    pyproject.toml may hold ``[tool.mig]``, so skipping it would hide the mistake)."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        text = str(exc).splitlines()[0] if str(exc) else "cannot be parsed"
        found = _TOML_POSITION.match(text)
        if found:
            text = f"(line {found['line']}, column {found['col']}): {found['what']}"
        raise ConfigFileError(f"{display_path(str(path))}: not valid TOML {text}") from None
    except OSError as exc:
        raise ConfigFileError(f"{display_path(str(path))}: cannot be read: {exc}") from None


def _has_tool_table(path: Path, tool: str) -> bool:
    if not path.is_file():
        return False
    data = load_toml(path)
    return isinstance(data.get("tool", {}).get(tool), dict)
