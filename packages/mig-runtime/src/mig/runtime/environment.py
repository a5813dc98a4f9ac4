"""EnvironmentContext: what env.py talks to, as ``from mig.runtime import context``.

A command (mig-cli, or a framework embedding mig) builds an EnvironmentContext with the
config, the script directory and what to do (``fn`` plans the steps from the current heads),
enters it, and runs env.py. env.py calls ``context.configure(...)`` and
``context.run_migrations()``. The active EnvironmentContext lives in a context variable, so
migrations run from several threads or tasks never see each other's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar, Token
from types import MappingProxyType
from typing import IO, Any

from sqlalchemy.engine import Connection

from mig.runtime.errors import ConfigurationError, MigRuntimeError
from mig.runtime.migration import MigrationContext
from mig.runtime.offline_bind import OfflineConnection
from mig.runtime.options import ContextOptions, RunOptions, check_keywords

_active: ContextVar[EnvironmentContext | None] = ContextVar("mig_environment", default=None)


class EnvironmentContext:
    """The facade env.py uses; options Alembic users pass to ``configure`` keep their names."""

    def __init__(self, config: Any, script: Any, **kw: Any) -> None:
        self.config = config
        self.script = script
        check_keywords(kw, f"{type(self).__name__}()")
        self._command = RunOptions.from_keywords(kw)
        self.context_opts: Mapping[str, Any] = MappingProxyType(dict(kw))
        """The command's keywords, read-only (Alembic's name); env.py's go to configure()."""
        self._migration_context: MigrationContext | None = None
        self._tokens: list[Token[EnvironmentContext | None]] = []
        self._output_file: IO[bytes] | None = None

    def __enter__(self) -> EnvironmentContext:
        self._tokens.append(_active.set(self))
        return self

    def __exit__(self, *exc: object) -> None:
        _active.reset(self._tokens.pop())
        if self._output_file is not None and not self._tokens:
            self._output_file.close()
            self._output_file = None

    def _offline_file(self) -> IO[bytes] | None:
        """The file a command asked offline SQL to go to (``output_file``), opened once.

        Opened in binary mode: the text is encoded with ``output_encoding`` (UTF-8 by
        default). Every ``configure()`` of the run (one per database in a multi-database
        env.py) appends to it; it is closed when the command's context ends.
        """
        path = self._command.output_file
        if path is None or not self.is_offline_mode():
            return None
        if self._output_file is None:
            try:
                self._output_file = open(path, "wb")  # closed in __exit__
            except OSError as exc:
                raise ConfigurationError(
                    f"output_file {str(path)!r}: cannot write it ({exc.strerror})"
                ) from None
        return self._output_file

    def configure(
        self,
        connection: Connection | None = None,
        url: str | None = None,
        dialect_name: str | None = None,
        dialect_opts: Mapping[str, Any] | None = None,
        transactional_ddl: bool | None = None,
        transaction_per_migration: bool | None = None,
        output_buffer: Any = None,
        starting_rev: str | None = None,
        tag: str | None = None,
        template_args: Mapping[str, Any] | None = None,
        render_as_batch: bool | None = None,
        target_metadata: Any = None,
        include_name: Callable[..., bool] | None = None,
        include_object: Callable[..., bool] | None = None,
        include_schemas: bool | None = None,
        process_revision_directives: Callable[..., None] | None = None,
        compare_type: bool | Callable[..., Any] | None = None,
        compare_server_default: bool | Callable[..., Any] | None = None,
        render_item: Callable[..., Any] | None = None,
        literal_binds: bool | None = None,
        upgrade_token: str | None = None,
        downgrade_token: str | None = None,
        sqlalchemy_module_prefix: str | None = None,
        user_module_prefix: str | None = None,
        on_version_apply: Callable[..., None] | Sequence[Callable[..., None]] | None = None,
        version_table: str | None = None,
        version_table_schema: str | None = None,
        version_table_pk: bool | None = None,
        history_table: str | bool | None = None,
        output_encoding: str | None = None,
        migration_lock: bool | None = None,
        migration_lock_timeout: float | None = None,
        sqlite_autobatch: bool | None = None,
        **kw: Any,
    ) -> None:
        """Set up the MigrationContext for this run (see the mig-runtime README).

        An option left at None keeps what the command gave, else the default of the
        package that reads it (:class:`~mig.runtime.options.RunOptions`, mig-ddl's
        ``DDLOptions``, mig-autogen's ``AutogenOptions``): defaults are written there only.
        Any other keyword must be an option one of them reads; an unknown one is an error
        naming the closest valid one.
        """
        named = {
            "transactional_ddl": transactional_ddl,
            "transaction_per_migration": transaction_per_migration,
            "template_args": template_args,
            "render_as_batch": render_as_batch,
            "target_metadata": target_metadata,
            "include_name": include_name,
            "include_object": include_object,
            "include_schemas": include_schemas,
            "process_revision_directives": process_revision_directives,
            "compare_type": compare_type,
            "compare_server_default": compare_server_default,
            "render_item": render_item,
            "literal_binds": literal_binds,
            "upgrade_token": upgrade_token,
            "downgrade_token": downgrade_token,
            "sqlalchemy_module_prefix": sqlalchemy_module_prefix,
            "user_module_prefix": user_module_prefix,
            "on_version_apply": on_version_apply,
            "version_table": version_table,
            "version_table_schema": version_table_schema,
            "version_table_pk": version_table_pk,
            "history_table": history_table,
            "output_encoding": output_encoding,
            "migration_lock": migration_lock,
            "migration_lock_timeout": migration_lock_timeout,
            "sqlite_autobatch": sqlite_autobatch,
            "starting_rev": starting_rev,
            "tag": tag,
        }
        opts = dict(self.context_opts)
        # an option env.py leaves at None keeps what the command gave (output_encoding...)
        opts.update({k: v for k, v in named.items() if v is not None or k not in opts})
        opts.update(kw)
        if output_buffer is None:
            output_buffer = self._offline_file()
        if output_buffer is not None:
            opts.update(output_buffer=output_buffer)
        self._migration_context = MigrationContext.configure(
            connection=connection,
            url=url,
            dialect_name=dialect_name,
            dialect_opts=dialect_opts,
            environment_context=self,
            opts=ContextOptions.from_keywords(opts),
        )

    # -- queries env.py makes ---------------------------------------------------------------

    def is_offline_mode(self) -> bool:
        return self._command.as_sql

    def is_transactional_ddl(self) -> bool:
        return self.get_context().impl.transactional_ddl

    def get_context(self) -> MigrationContext:
        if self._migration_context is None:
            raise ConfigurationError(
                "the migration context is not configured: call context.configure() first"
            )
        return self._migration_context

    def requires_connection(self) -> bool:
        """Whether env.py must connect (False offline, where a URL is enough)."""
        return not self.is_offline_mode()

    def get_bind(self) -> Connection | OfflineConnection | None:
        """The connection; offline, one that writes what it runs (see ``offline_bind.py``)."""
        return self.get_context().bind

    def get_impl(self) -> Any:
        """The DDL implementation (mig.ddl) of the configured context."""
        return self.get_context().impl

    def get_tag_argument(self) -> str | None:
        return self._command.tag

    def get_head_revision(self) -> str | None:
        """The one head revision of the scripts (an error naming them if there are several)."""
        return self._revision_number("head")

    def get_head_revisions(self) -> str | tuple[str, ...] | None:
        """Every head revision of the scripts, as a tuple (None when there are no scripts)."""
        return self._revision_number("heads", as_tuple=True)

    def get_starting_revision_argument(self) -> str | tuple[str, ...] | None:
        """The START of an offline ``START:END`` run, as revision id(s); None without one."""
        start = None
        if self._migration_context is not None:
            start = self._migration_context.options.run.starting_rev
        if start is None:
            start = self._command.starting_rev
        return self._revision_number(start)

    def get_revision_argument(self) -> str | tuple[str, ...] | None:
        """The destination the command was given, resolved: ``head`` gives its id, ``base``
        None. A relative spec (``+1``, ``-2``) counts from the database and is returned as
        the command gave it."""
        return self._revision_number(self._command.destination_rev, relative_ok=True)

    def _revision_number(
        self, spec: Any, *, as_tuple: bool = False, relative_ok: bool = False
    ) -> str | tuple[str, ...] | None:
        """``spec`` resolved by the script source: None for base, an id, or several ids."""
        if spec is None:
            return None
        resolve = getattr(self.script, "resolve", None)
        if isinstance(spec, tuple | list):
            ids: tuple[str, ...] = tuple(spec)
        elif resolve is None:
            return spec
        elif relative_ok and _is_relative(spec):
            return spec
        else:
            ids = tuple(r for part in str(spec).split(",") for r in resolve(part.strip()))
        if not ids:
            return None
        return ids if as_tuple or len(ids) > 1 else ids[0]

    def get_x_argument(self, as_dictionary: bool = False) -> list[str] | dict[str, str]:
        """The ``-x key=value`` arguments of the command line."""
        raw = list(getattr(getattr(self.config, "cmd_opts", None), "x", None) or [])
        if not as_dictionary:
            return raw
        out: dict[str, str] = {}
        for item in raw:
            key, sep, value = item.partition("=")
            if not sep:
                raise ConfigurationError(f"-x {item!r}: expected key=value")
            out[key] = value
        return out

    # -- actions ---------------------------------------------------------------------------

    @contextmanager
    def begin_transaction(self) -> Iterator[None]:
        with self.get_context().begin_transaction():
            yield

    def run_migrations(self, **kw: Any) -> None:
        self.get_context().run_migrations(**kw)

    def execute(self, sql: Any, execution_options: Mapping[str, Any] | None = None) -> None:
        self.get_context().execute(sql, execution_options=execution_options)

    def static_output(self, text: str) -> None:
        self.get_context().impl.static_output(text)


def _is_relative(spec: str) -> bool:
    """``+1``, ``-2``, ``lbl@+1``, ``head-1``: counted from the database's rows."""
    return re.fullmatch(r"\w*[+-]\d+", spec.rpartition("@")[2]) is not None


@contextmanager
def environment_serving(env: Any) -> Iterator[None]:
    """``context`` forwards to ``env`` for the block.

    For a tool that runs a script's functions outside a command and answers the script's
    questions itself: ``mig lint`` records ``upgrade()`` with no database, and a history
    written for Alembic may ask ``context.is_offline_mode()`` in it.
    """
    token = _active.set(env)
    try:
        yield
    finally:
        _active.reset(token)


def current_environment() -> EnvironmentContext:
    env = _active.get()
    if env is None:
        raise MigRuntimeError(
            "mig.runtime.context was used outside a mig command: env.py runs under "
            "`mig upgrade` (or an EnvironmentContext entered by your code)"
        )
    return env


class EnvironmentProxy:
    """``from mig.runtime import context``: forwards to the running EnvironmentContext."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(current_environment(), name)
