"""Running env.py for a command: the script directory, sys.path and the EnvironmentContext.

Every command that touches the database goes through :func:`run_env`: it builds the
EnvironmentContext with the command's plan function (``fn``), enters it, and executes the
project's env.py, which connects and calls ``context.run_migrations()``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from mig.cli.config import Config
from mig.cli.errors import UsageError, classify, mask_passwords, one_line


def script_directory(config: Config) -> Any:
    """The project's ScriptDirectory (``script_location`` and friends from the config)."""
    from mig.scripts import ScriptDirectory

    return ScriptDirectory.from_config(config)


def _sys_path_entries(config: Config) -> list[str]:
    """``prepend_sys_path``, split as Alembic 1.20 splits it (``path_separator``, else the
    older rules), each entry relative to the config's folder."""
    from mig.scripts.settings import split_path_list

    raw = config.get_main_option("prepend_sys_path")
    if not raw:
        return []
    parts = split_path_list(config, "prepend_sys_path", raw)
    return [os.path.normpath(os.path.join(config.here, p)) for p in parts]


@contextmanager
def prepended_sys_path(config: Config) -> Iterator[None]:
    """``prepend_sys_path`` entries (relative to the config's folder) on sys.path for the run."""
    entries = [e for e in _sys_path_entries(config) if e not in sys.path]
    sys.path[:0] = entries
    try:
        yield
    finally:
        for entry in entries:
            if entry in sys.path:
                sys.path.remove(entry)


T = TypeVar("T")

PlanFn = Callable[[tuple[str, ...], Any], Sequence[Any]]


def run_env(
    config: Config,
    script: Any,
    fn: PlanFn,
    *,
    as_sql: bool = False,
    starting_rev: str | tuple[str, ...] | None = None,
    destination_rev: str | None = None,
    tag: str | None = None,
    environment: Callable[..., Any] | None = None,
    **extra: Any,
) -> None:
    """Execute env.py with an EnvironmentContext that runs ``fn``'s plan.

    ``environment`` builds the context instead of EnvironmentContext itself (called with
    the same arguments): ``mig verify`` passes a subclass that checks, as env.py
    configures it, that the connection is the scratch database. The config's
    :meth:`~mig.cli.config.Config.environment_defaults` (an Alembic project's version
    table) are defaults env.py may override; the Alembic import alias is on for the run.
    """
    from mig.runtime import EnvironmentContext

    factory = environment or EnvironmentContext

    defaults = getattr(config, "environment_defaults", None)
    opts: dict[str, Any] = dict(defaults() if callable(defaults) else {})
    opts.update({"fn": fn, "as_sql": as_sql, "destination_rev": destination_rev})
    if starting_rev is not None:
        opts["starting_rev"] = starting_rev
    if tag is not None:
        opts["tag"] = tag
    opts.update(extra)
    from sqlalchemy import exc as sa_exc

    from mig.cli.alembic_compat import alembic_alias, find_compat_error

    with prepended_sys_path(config), alembic_alias() as aliased, factory(config, script, **opts):
        try:
            script.run_env()
        except (sa_exc.OperationalError, sa_exc.InterfaceError) as exc:
            # outside a step (a failing step is StepFailed): the database cannot be reached
            reason = str(exc.orig or exc).strip().splitlines()[0]
            url = config.get_main_option("sqlalchemy.url") or "the database"
            raise UsageError(
                f"cannot connect to {mask_passwords(url)}: {reason}; check sqlalchemy.url "
                f"and that the server is running"
            ) from exc
        except Exception as exc:
            compat = find_compat_error(exc)
            if compat is not None:
                raise compat from None  # the import is the mistake, not the step around it
            if not aliased and _real_alembic_failed(exc):
                raise UsageError(
                    f"`from alembic import context` / `op` gave the real Alembic installed "
                    f"in this environment, which mig leaves alone ({one_line(exc)}): "
                    f"uninstall alembic here, or import them from mig.runtime / mig.ops"
                ) from exc
            _raise_user_mistake(config, script, exc)
            raise


def _raise_user_mistake(config: Config, script: Any, exc: Exception) -> None:
    """Give a bad URL setting or env.py's own failure its one-line error, if it is one.

    mig's errors already are one line (their class says the exit code); anything else
    that env.py (or the project's code it imports) raised names its file and line. The
    line is attached to the exception, which goes on as it is: code calling the commands
    from Python still catches what its env.py raised, and the ``mig`` command prints the
    line (``--raiseerr``: the original traceback).
    """
    from mig.cli.env_errors import attach_cli_error, env_script_error, url_mistake

    error = url_mistake(config, exc)
    if error is None and classify(exc) is None:
        error = env_script_error(exc, script.env_py_location)
    if error is not None and not attach_cli_error(exc, error):
        raise error from exc


#: what Alembic's own ``context`` / ``op`` raise when no Alembic command set them up
_REAL_ALEMBIC_SIGNS = (
    (NameError, "proxy object has not yet been established"),
    (AttributeError, "module 'alembic.context' has no attribute"),
)


def _real_alembic_failed(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what it wraps) is Alembic's ``context``/``op`` used outside Alembic."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if any(isinstance(exc, cls) and sign in str(exc) for cls, sign in _REAL_ALEMBIC_SIGNS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def split_range(revision: str, *, as_sql: bool) -> tuple[str | None, str]:
    """``start:end`` (offline only) into its two halves."""
    if ":" not in revision:
        return None, revision
    if not as_sql:
        raise UsageError(
            f"revision range {revision!r} is only for --sql (offline) mode; "
            f"online, the start is what the database holds"
        )
    start, _, end = revision.partition(":")
    if not start or not end:
        raise UsageError(f"revision range {revision!r}: expected START:END")
    return start, end


def read_database(config: Config, script: Any, read: Callable[[tuple[str, ...], Any], T]) -> T:
    """Run env.py only to read: ``read(heads, migration_context)`` on its connection.

    Commands that look at the database (current, history, integrity) go through env.py
    like the others, so they connect exactly as upgrade would; the plan they hand the
    runtime is empty, and ``read_only`` tells it to take no lock (a running upgrade does
    not hold them up) and create no table (reading leaves the database as it was).
    """
    found: list[T] = []

    def plan(heads: tuple[str, ...], ctx: Any) -> list[Any]:
        found.append(read(tuple(heads), ctx))
        return []

    run_env(config, script, plan, read_only=True)
    if not found:
        raise UsageError(
            "env.py did not call context.run_migrations(), so the database was not read"
        )
    return found[0]


def require_heads(script: Any, heads: Sequence[str], error: type[Exception], advice: str) -> None:
    """Raise ``error`` unless the database's rows are exactly the script directory's heads."""
    expected = sorted(script.get_heads())
    if set(heads) != set(expected):
        raise error(
            f"the database is at {', '.join(heads) or 'base'}, not at the head(s) "
            f"{', '.join(expected) or 'base'}: {advice}"
        )
