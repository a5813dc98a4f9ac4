"""Reading a ScriptDirectory's settings from a config object (``from_config``).

The config is duck-typed: anything with ``get_main_option(name, default=None)`` returning
strings, and optionally ``get_section(name)`` returning a ``dict[str, str]`` (mig.cli's
Config, Alembic's Config, or a test double). Option names and meanings are Alembic's.
A bad value raises :class:`ConfigError` naming the option.
"""

from __future__ import annotations

import os
import re
import warnings
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from mig.scripts.errors import ConfigError
from mig.scripts.hooks import HookSpec, parse_hooks

DEFAULT_FILE_TEMPLATE = "%(rev)s_%(slug)s"
DEFAULT_TRUNCATE_SLUG_LENGTH = 40

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0", ""}

#: ``path_separator`` (and the older ``version_path_separator``) values: how each splits a
#: list of paths written on one ini line
SEPARATORS: dict[str, str] = {
    "os": os.pathsep,
    ":": ":",
    ";": ";",
    "space": " ",
    "newline": "\n",
}


@dataclass(frozen=True)
class PathListRule:
    """How one list-of-paths option is split, as Alembic 1.16+ reads it.

    ``keys`` are the separator options looked at, first set wins (``path_separator`` before
    the deprecated ``version_path_separator``); with none set, ``legacy`` splits the value,
    as files written before ``path_separator`` existed expect, and a DeprecationWarning
    says to add ``path_separator = os``.
    """

    keys: tuple[str, ...]
    legacy: re.Pattern[str]


#: the options holding lists of paths, and how each is split
PATH_LISTS: dict[str, PathListRule] = {
    # (spaces and commas, as before path_separator; newlines too: one path per line)
    "version_locations": PathListRule(
        ("path_separator", "version_path_separator"), re.compile(r"[,\s]+")
    ),
    "prepend_sys_path": PathListRule(("path_separator",), re.compile(r"[,:\s]+")),
}

#: separator options that still work but should be renamed
_DEPRECATED_SEPARATORS = {"version_path_separator": "path_separator"}


class ConfigLike(Protocol):
    def get_main_option(self, name: str, default: str | None = None) -> str | None: ...


@dataclass
class Settings:
    """Everything ``ScriptDirectory.__init__`` takes, as read from a config."""

    dir: str
    version_locations: list[str] | None = None
    recursive_version_locations: bool = False
    file_template: str = DEFAULT_FILE_TEMPLATE
    truncate_slug_length: int = DEFAULT_TRUNCATE_SLUG_LENGTH
    timezone: str | None = None
    sourceless: bool = False
    revision_environment: bool = False
    output_encoding: str = "utf-8"
    hooks: list[HookSpec] = field(default_factory=list)
    template_args: dict[str, Any] = field(default_factory=dict)


def parse_bool(option: str, value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(option, f"{value!r} is not a boolean; use true or false")


def parse_timezone(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    name = value.strip()
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            "timezone",
            f"{name!r} is not a known time zone; use a name like 'UTC' or 'Europe/Paris'",
        ) from None
    return name


def resolve_script_location(value: str) -> str:
    """A path, or ``package:resource`` for a script directory shipped inside a package."""
    if ":" in value and not re.match(r"^[A-Za-z]:[\\/]", value) and not os.path.exists(value):
        package, _, resource = value.partition(":")
        if re.fullmatch(r"[A-Za-z_][\w.]*", package):
            import importlib.resources

            try:
                root = importlib.resources.files(package)
            except ModuleNotFoundError:
                raise ConfigError(
                    "script_location", f"package {package!r} (from {value!r}) is not importable"
                ) from None
            return str(Path(str(root)) / resource)
    return value


def separator_for(config: ConfigLike, option: str) -> tuple[str, str] | None:
    """(separator option used, its character) for splitting ``option``; None when no
    separator option is set. An unknown value is a ConfigError naming the option."""
    for key in PATH_LISTS[option].keys:
        value = config.get_main_option(key)
        if value is None:
            continue
        sep = SEPARATORS.get(value.strip())
        if sep is None:
            raise ConfigError(key, f"{value!r} is not one of {', '.join(SEPARATORS)}")
        newer = _DEPRECATED_SEPARATORS.get(key)
        if newer is not None:
            warnings.warn(
                f"the {key} option is deprecated; name it {newer} instead",
                DeprecationWarning,
                stacklevel=3,
            )
        return key, sep
    return None


def split_path_list(config: ConfigLike, option: str, value: str) -> list[str]:
    """Split the value of a list-of-paths option (``version_locations``,
    ``prepend_sys_path``) by the config's ``path_separator``, with Alembic's fallbacks."""
    found = separator_for(config, option)
    if found is None:
        warnings.warn(
            f"no path_separator in the configuration: {option} is split on spaces and "
            f"commas as before; add path_separator = os",
            DeprecationWarning,
            stacklevel=2,
        )
        parts = PATH_LISTS[option].legacy.split(value)
    else:
        parts = value.split(found[1])
    return [p.strip() for p in parts if p.strip()]


def check_version_locations(locations: list[str]) -> None:
    """A configured version location that is not a folder would hide its revisions."""
    for location in locations:
        if not os.path.isdir(location):
            raise ConfigError(
                "version_locations",
                f"{location!r} is not a directory; create it or remove it from the list",
            )


def settings_from_config(config: ConfigLike) -> Settings:
    location = config.get_main_option("script_location")
    if not location:
        raise ConfigError("script_location", "is not set; point it at the migrations directory")
    location = resolve_script_location(location)
    if not os.path.isdir(location):
        raise ConfigError(
            "script_location", f"{location!r} is not a directory; run `mig init` to create it"
        )
    settings = Settings(dir=location)
    raw_locations = config.get_main_option("version_locations")
    if raw_locations:
        settings.version_locations = split_path_list(config, "version_locations", raw_locations)
        check_version_locations(settings.version_locations)
    settings.recursive_version_locations = parse_bool(
        "recursive_version_locations", config.get_main_option("recursive_version_locations")
    )
    template = config.get_main_option("file_template")
    if template:
        settings.file_template = template
    truncate = config.get_main_option("truncate_slug_length")
    if truncate is not None and truncate.strip():
        try:
            settings.truncate_slug_length = int(truncate)
        except ValueError:
            raise ConfigError(
                "truncate_slug_length", f"{truncate!r} is not a whole number"
            ) from None
        if settings.truncate_slug_length < 1:
            raise ConfigError("truncate_slug_length", "must be at least 1")
    settings.timezone = parse_timezone(config.get_main_option("timezone"))
    settings.sourceless = parse_bool("sourceless", config.get_main_option("sourceless"))
    settings.revision_environment = parse_bool(
        "revision_environment", config.get_main_option("revision_environment")
    )
    encoding = config.get_main_option("output_encoding") or "utf-8"
    try:
        "".encode(encoding)
    except LookupError:
        raise ConfigError("output_encoding", f"{encoding!r} is not a known encoding") from None
    settings.output_encoding = encoding
    get_section = getattr(config, "get_section", None)
    section = get_section("post_write_hooks") if get_section is not None else None
    if section:
        settings.hooks = parse_hooks(dict(section))
    databases = config.get_main_option("databases")
    if databases:
        settings.template_args["databases"] = [d for d in re.split(r"[\s,]+", databases) if d]
    return settings
