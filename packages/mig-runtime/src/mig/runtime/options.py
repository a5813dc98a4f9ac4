"""Run options: what ``context.configure()`` tells mig-runtime, typed and frozen.

``configure()`` (and a command building its EnvironmentContext) passes keywords; they are
checked and split here, once: the run options below (mig-runtime's own), the DDL options
(:class:`mig.ddl.options.DDLOptions`, mig-ddl's), and the autogenerate options, which
mig-runtime only carries for mig-autogen (it names them so that a typo is caught, but never
reads them). An unknown keyword is a one-line error naming the closest valid one.

The keywords as given stay readable as a read-only mapping (``migration_context.opts``,
``context.context_opts``), because scripts written for Alembic read them there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

from mig.ddl.options import DDLOptions, unknown_option_message
from mig.runtime.errors import ConfigurationError
from mig.runtime.lock import DEFAULT_TIMEOUT
from mig.runtime.version_table import DEFAULT_VERSION_TABLE

AUTOGENERATE_OPTIONS = frozenset(
    {
        "target_metadata",
        "include_name",
        "include_object",
        "include_schemas",
        "process_revision_directives",
        "compare_type",
        "compare_server_default",
        "compare_check_constraints",
        "detect_renames",
        "render_as_batch",
        "render_item",
        "render_line_length",
        "user_module_prefix",
        "sqlalchemy_module_prefix",
        "mig_module_prefix",
        "alembic_module_prefix",
        "upgrade_token",
        "downgrade_token",
        "template_args",
        "autogenerate_plugins",
    }
)
"""Keywords ``configure()`` accepts for autogenerate (mig-autogen's AutogenOptions reads
them, plus ``template_args`` for the revision template and Alembic's
``autogenerate_plugins``, accepted and unused); mig-runtime carries them unread."""


def _callbacks(value: Any) -> tuple[Callable[..., None], ...]:
    """``on_version_apply``: one callable or a sequence of them."""
    if value is None:
        return ()
    return tuple(value) if isinstance(value, Sequence) else (value,)


def _version_info(value: Any) -> tuple[int, ...]:
    """The ``server_version_info`` option: a tuple of ints such as ``(16, 2)``."""
    if isinstance(value, tuple | list) and value and all(isinstance(v, int) for v in value):
        return tuple(value)
    raise ConfigurationError(
        f"configure(server_version_info={value!r}): give the version as numbers, e.g. (16, 2)"
    )


_UNITS = {"ms": 0.001, "s": 1.0, "sec": 1.0, "min": 60.0, "m": 60.0, "h": 3600.0}


def seconds(name: str, value: Any) -> float:
    """A duration: a number of seconds, or text such as ``"2s"``, ``"500ms"``, ``"10min"``."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    if isinstance(value, str):
        text = value.strip().lower()
        number = text.rstrip("abcdefghijklmnopqrstuvwxyz").strip()
        unit = text[len(number) :].strip() or "s"
        try:
            amount = float(number)
        except ValueError:
            amount = -1.0
        if unit in _UNITS and amount > 0:
            return amount * _UNITS[unit]
    raise ConfigurationError(
        f"{name} = {value!r}: give a duration such as 2, '2s', '500ms' or '10min'"
    )


def _flag(name: str, value: Any) -> bool:
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "yes", "on", "1"):
            return True
        if text in ("false", "no", "off", "0", ""):
            return False
        raise ConfigurationError(f"{name} = {value!r}: give true or false")
    return bool(value)


def _count(name: str, value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0 or isinstance(value, bool):
        raise ConfigurationError(f"{name} = {value!r}: give a whole number, 0 or more")
    return number


@dataclass(frozen=True)
class RunOptions:
    """How a run goes: offline or not, its plan, its transactions, tables, lock and output."""

    as_sql: bool = False
    fn: Callable[..., Any] | None = None
    """The command's plan: ``fn(heads, migration_context)`` gives the steps to run."""
    read_only: bool = False
    starting_rev: Any = None
    destination_rev: Any = None
    tag: str | None = None
    transaction_per_migration: bool = False
    output_buffer: Any = None
    output_encoding: str | None = None
    output_file: Any = None
    server_version_info: tuple[int, ...] | None = None
    """Offline: the server version scripts see (there is no server to ask)."""
    version_table: str = DEFAULT_VERSION_TABLE
    version_table_schema: str | None = None
    version_table_pk: bool = True
    history_table: str | bool | None = None
    """None or True: ``<version table>_history``; False: none; else the table's name."""
    on_version_apply: tuple[Callable[..., None], ...] = ()
    migration_lock: bool = True
    migration_lock_timeout: float = DEFAULT_TIMEOUT
    notify: Callable[[str], None] | None = None
    """Told when the run waits for another process's lock (besides the log)."""
    ddl_pipeline: bool = True
    on_backfill_progress: Callable[[Any], None] | None = None
    """Told after each committed ``op.backfill`` batch (a ``BackfillProgress``)."""
    online: bool = False
    """Rewrite risky ops into their lock-light forms (``mig upgrade --online``)."""
    online_override: bool | None = None
    """The command line's ``--online`` / ``--no-online``: wins over ``online``."""
    lock_timeout: float = 2.0
    """Online: seconds a statement may wait for its lock before it is retried."""
    lock_retries: int = 5
    statement_timeout: float | None = None
    """Online: seconds a statement may run (None: the server's setting)."""
    reporter: Any = None
    """A :class:`~mig.runtime.reporting.StepReporter` for the run's step events (default: the
    log)."""

    @classmethod
    def names(cls) -> frozenset[str]:
        return frozenset(f.name for f in fields(cls))

    @classmethod
    def from_keywords(cls, keywords: Mapping[str, Any]) -> RunOptions:
        """The run options among ``keywords``; a keyword left at None keeps its default."""
        given = {k: v for k, v in keywords.items() if k in cls.names() and v is not None}
        for flag in (
            "as_sql",
            "read_only",
            "transaction_per_migration",
            "version_table_pk",
            "migration_lock",
            "ddl_pipeline",
        ):
            if flag in given:
                given[flag] = bool(given[flag])
        if not given.get("version_table"):
            given.pop("version_table", None)
        if "migration_lock_timeout" in given:
            given["migration_lock_timeout"] = float(given["migration_lock_timeout"])
        if "online_override" in given:
            given["online"] = bool(given["online_override"])
        elif "online" in given:
            given["online"] = _flag("online", given["online"])
        for name in ("lock_timeout", "statement_timeout"):
            if name in given:
                given[name] = seconds(name, given[name])
        if "lock_retries" in given:
            given["lock_retries"] = _count("lock_retries", given["lock_retries"])
        given["on_version_apply"] = _callbacks(given.get("on_version_apply"))
        if given.get("as_sql") and "server_version_info" in given:
            given["server_version_info"] = _version_info(given["server_version_info"])
        else:
            given.pop("server_version_info", None)  # online, the server says
        return cls(**given)


VALID_OPTIONS = RunOptions.names() | DDLOptions.names() | AUTOGENERATE_OPTIONS
"""Every keyword ``configure()`` accepts as an option."""


def check_keywords(keywords: Mapping[str, Any] | Sequence[str], where: str = "configure()") -> None:
    """A one-line :class:`ConfigurationError` for a keyword no package reads."""
    message = unknown_option_message(keywords, VALID_OPTIONS, where)
    if message is not None:
        raise ConfigurationError(message)


@dataclass(frozen=True)
class ContextOptions:
    """Everything one ``configure()`` set: run options, DDL options, and the keywords."""

    run: RunOptions = field(default_factory=RunOptions)
    ddl: DDLOptions = field(default_factory=DDLOptions)
    keywords: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    """The keywords as given, read-only (Alembic's ``opts``; mig-autogen reads its own)."""

    @classmethod
    def from_keywords(
        cls, keywords: Mapping[str, Any], where: str = "configure()"
    ) -> ContextOptions:
        check_keywords(keywords, where)
        return cls(
            run=RunOptions.from_keywords(keywords),
            ddl=DDLOptions.from_keywords(keywords),
            keywords=MappingProxyType(dict(keywords)),
        )
