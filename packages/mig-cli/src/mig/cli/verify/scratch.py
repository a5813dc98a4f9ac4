"""The scratch database verify runs on, and the guard that keeps env.py on it.

verify upgrades and downgrades every revision, so it must never touch a database that
matters. The scratch database is the URL given or, by default, a temporary database of the
project's own kind: a SQLite file deleted afterwards for a SQLite project (or one with no
URL), a ``mig_verify_<hex>`` database created and dropped on the project's server for
PostgreSQL and MySQL/MariaDB (:mod:`mig.cli.verify.server`). The project's env.py is run
with the config's ``sqlalchemy.url`` set to it; as env.py configures its migration
context, :class:`ScratchEnvironment` checks that the connection really is the scratch
database and stops with a one-line error otherwise (an env.py that reads its URL from an
environment variable or a settings module), before the version table is read or any step
runs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, make_url

from mig.cli.config import Config
from mig.cli.errors import UsageError, mask_passwords
from mig.runtime import EnvironmentContext

URL_KEY = "sqlalchemy.url"


class ScratchDatabase:
    """A database verify may change: ``url``, or a temporary one (``url=None``) of the kind
    ``like`` (the project's URL) names.

    Use it as a context manager: the temporary file (and its folder) is removed, the
    temporary server database dropped, on exit.
    """

    def __init__(self, url: str | None = None, *, like: str | None = None) -> None:
        self.given_url = url
        self.url = url or ""
        #: the project's own URL: its backend and an async driver are kept for the scratch
        self.like = like
        #: set once verify found it empty: everything in it since is verify's to drop
        self.claimed = False
        self._folder: str | None = None
        self._server: Any = None
        self._stack = ExitStack()

    @property
    def temporary(self) -> bool:
        return self.given_url is None

    def __enter__(self) -> ScratchDatabase:
        if not self.temporary:
            try:
                make_url(self.url)
            except sa.exc.ArgumentError:
                raise UsageError(f"--url {self.url!r}: not a database URL") from None
            return self
        project = _project_url(self.like)
        if project is not None and project.get_backend_name() != "sqlite":
            from mig.cli.verify.server import temporary_server_database

            self._server = self._stack.enter_context(temporary_server_database(project))
            self.url = self._server.url
            return self
        self._folder = tempfile.mkdtemp(prefix="mig-verify-")
        driver = "sqlite+aiosqlite" if _is_async(self.like) else "sqlite"
        self.url = f"{driver}:///{os.path.join(self._folder, 'scratch.db')}"
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._stack.__exit__(*exc)
        finally:
            self._server = None
            if self._folder is not None:
                shutil.rmtree(self._folder, ignore_errors=True)
                self._folder = None

    def clean(self, config: Config, script: Any) -> None:
        """Empty a given database verify found empty (a temporary one is simply deleted).

        It is done through env.py, like the runs before, so that an async env.py's driver
        and the guard apply here too.
        """
        if self.claimed and not self.temporary:
            self.claimed = False

            def drop(heads: tuple[str, ...], ctx: Any) -> list[Any]:
                drop_everything(ctx.bind)
                return []

            run_on_scratch(config, script, self, drop)

    def label(self) -> str:
        """What messages call it: the masked URL, ``a temporary SQLite database``, or
        ``a temporary PostgreSQL database (mig_verify_... on host:port)``."""
        if self._server is not None:
            return str(self._server.label())
        return "a temporary SQLite database" if self.temporary else mask_passwords(self.url)


def _project_url(url: str | None) -> URL | None:
    """The project's URL, parsed; None when there is none (or it is not a URL: env.py
    then says what is wrong with it, on a temporary SQLite file)."""
    if not url:
        return None
    try:
        return make_url(url)
    except sa.exc.ArgumentError:
        return None


def _is_async(url: str | None) -> bool:
    """Whether ``url`` names an asyncio driver (an async env.py wants one)."""
    if not url:
        return False
    try:
        return bool(make_url(url).get_dialect().is_async)
    except Exception:  # not a URL, or a dialect that is not installed: env.py will say
        return False


@contextmanager
def scratch_database(
    config: Config, script: Any, url: str | None = None
) -> Iterator[ScratchDatabase]:
    """The scratch database for the block, emptied (given) or deleted (temporary) after it.

    When the block fails, the cleaning still happens, but its own error (if any) gives way
    to the block's: that is the one to report.
    """
    like = config.get_main_option(URL_KEY)
    with ScratchDatabase(url, like=like) as scratch:
        try:
            yield scratch
        except BaseException:
            with suppress(Exception):
                scratch.clean(config, script)
            raise
        scratch.clean(config, script)


def same_database(actual: URL, expected: URL) -> bool:
    """Whether two URLs name one database (drivers and query options may differ)."""
    if actual.get_backend_name() != expected.get_backend_name():
        return False
    if actual.get_backend_name() == "sqlite":
        a, e = actual.database or "", expected.database or ""
        if a in ("", ":memory:") or e in ("", ":memory:"):
            return a == e
        return os.path.realpath(a) == os.path.realpath(e)
    return (actual.host or "", actual.port, actual.database or "") == (
        expected.host or "",
        expected.port,
        expected.database or "",
    )


def ensure_scratch(migration_context: Any, expected: str) -> None:
    """Stop (UsageError) unless the context's connection is the scratch database."""
    bind = migration_context.bind
    if bind is None:
        raise UsageError(
            "env.py configured the migration context without a connection: verify needs "
            "to run the migrations online, on the scratch database"
        )
    actual = bind.engine.url
    if not same_database(actual, make_url(expected)):
        raise UsageError(
            f"env.py connected to {actual.render_as_string(hide_password=True)}, not to the "
            f"scratch database {mask_passwords(expected)}: env.py must take its URL from the "
            f"config's sqlalchemy.url (which verify sets); nothing was run"
        )


class ScratchEnvironment(EnvironmentContext):
    """An EnvironmentContext that refuses a connection to anything but the scratch database."""

    def __init__(self, config: Any, script: Any, *, scratch_url: str, **kw: Any) -> None:
        super().__init__(config, script, **kw)
        self.scratch_url = scratch_url

    def configure(self, *args: Any, **kw: Any) -> None:
        super().configure(*args, **kw)
        ensure_scratch(self.get_context(), self.scratch_url)


@contextmanager
def config_url(config: Config, url: str) -> Iterator[None]:
    """The config's ``sqlalchemy.url`` set to ``url`` for the block, then put back."""
    ini = config._ini
    section = config.config_ini_section
    had = ini.has_section(section) and ini.has_option(section, URL_KEY)
    previous = ini.get(section, URL_KEY, raw=True) if had else None
    config.set_main_option(URL_KEY, url.replace("%", "%%"))
    try:
        yield
    finally:
        if previous is not None:
            ini.set(section, URL_KEY, previous)
        else:
            ini.remove_option(section, URL_KEY)


def run_on_scratch(
    config: Config, script: Any, scratch: ScratchDatabase, fn: Callable[[Any, Any], Any]
) -> None:
    """Run env.py on the scratch database with the plan function ``fn`` (guarded twice:
    when env.py configures the context, and again when the plan is asked for)."""
    from functools import partial

    from mig.cli.command._env import run_env

    def guarded(heads: tuple[str, ...], ctx: Any) -> Any:
        ensure_scratch(ctx, scratch.url)
        return fn(heads, ctx)

    with config_url(config, scratch.url):
        try:
            run_env(
                config,
                script,
                guarded,
                environment=partial(ScratchEnvironment, scratch_url=scratch.url),
            )
        except sa.exc.InvalidRequestError as exc:  # outside any step: env.py and the URL
            reason = str(exc).strip().splitlines()[0]
            raise UsageError(
                f"env.py cannot run on the scratch database {scratch.label()}: {reason}"
            ) from exc


def drop_everything(connection: Connection) -> None:
    """Drop every table, sequence and enum type of the connection's default schema.

    Only for a scratch database that verify found empty: what is there now, it created.
    """
    mysql = connection.dialect.name in ("mysql", "mariadb")
    if mysql:
        connection.exec_driver_sql("SET FOREIGN_KEY_CHECKS=0")
    metadata = sa.MetaData()
    metadata.reflect(connection)
    metadata.drop_all(connection)
    if mysql:
        connection.exec_driver_sql("SET FOREIGN_KEY_CHECKS=1")
    insp = sa.inspect(connection)
    quote = connection.dialect.identifier_preparer.quote
    try:
        sequences = insp.get_sequence_names()
    except NotImplementedError:
        sequences = []
    for name in sequences:
        connection.exec_driver_sql(f"DROP SEQUENCE {quote(name)}")
    for enum in getattr(insp, "get_enums", lambda: [])():
        if enum.get("visible", True):
            connection.exec_driver_sql(f"DROP TYPE {quote(enum['name'])}")
