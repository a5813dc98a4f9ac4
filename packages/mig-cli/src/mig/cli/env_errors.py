"""What went wrong while env.py ran, as one line that names the culprit.

env.py is the user's code: a syntax error, an import that fails or an exception it raises
is not a bug in mig, so the user gets the file and line at fault (``migrations/env.py:6:
ModuleNotFoundError: No module named 'myapp'``) instead of a traceback through runpy and
mig's runtime; ``mig --raiseerr`` still shows the traceback. A database URL that cannot be
used is reported by the config key that holds it, with its password masked, since the URL
is what the user must fix and SQLAlchemy's own text names neither.

Exit codes follow the rule of :mod:`mig.cli.errors`: env.py that cannot even be loaded
(syntax, import) and a bad URL are configuration mistakes (2); an exception env.py raises
while running is a failure (1).
"""

from __future__ import annotations

import os
import re
import sys
import sysconfig
import traceback
from collections.abc import Iterator
from typing import Any

from mig.cli.errors import (
    EXIT_FAILED,
    EXIT_USAGE,
    CommandError,
    UsageError,
    display_path,
    mask_passwords,
)

#: int()'s complaint about a port: ``invalid literal for int() with base 10: 'x'``
_NOT_A_NUMBER = re.compile(r"int\(\) with base \d+: (?P<value>.+)$")
#: the config key env.py builds its engine from (in the main section, or per database)
URL_KEY = "sqlalchemy.url"


class EnvScriptError(CommandError):
    """env.py (or a module of the project it imports) failed; the message names file:line.

    ``exit_code`` is 2 when the file cannot be loaded (a syntax error, an import that
    fails), 1 for an exception raised while it runs.
    """

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


#: the attribute that carries, on an exception from env.py, the line ``mig`` shows for it
_CLI_ERROR = "mig_cli_error"


def attach_cli_error(exc: BaseException, error: CommandError) -> bool:
    """Put ``error`` on ``exc`` for the command line to show; False if ``exc`` refuses."""
    try:
        setattr(exc, _CLI_ERROR, error)
    except (AttributeError, TypeError):
        return False
    return True


def cli_error_of(exc: BaseException | None, *, deep: bool = True) -> CommandError | None:
    """The one-line error attached to ``exc`` or (``deep``) to an exception it wraps."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        error = getattr(exc, _CLI_ERROR, None)
        if isinstance(error, CommandError):
            return error
        if not deep:
            return None
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _mig_roots() -> set[str]:
    """The folders of the ``mig`` namespace (one per installed distribution)."""
    return {os.path.realpath(str(p)) for p in sys.modules["mig"].__path__}


def _library_roots() -> tuple[str, ...]:
    """Folders whose code is not the user's: the standard library, site-packages, mig."""
    paths = sysconfig.get_paths()
    roots = {paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib") if k in paths}
    roots = {os.path.realpath(r) for r in roots} | _mig_roots()
    return tuple(r + os.sep for r in roots)


def _is_user_file(filename: str, roots: tuple[str, ...]) -> bool:
    if filename.startswith("<"):  # <frozen importlib._bootstrap>, <string>
        return False
    return not os.path.realpath(filename).startswith(roots)


def _is_mig_file(filename: str) -> bool:
    real = os.path.realpath(filename)
    return any(real.startswith(root + os.sep) for root in _mig_roots())


def env_script_error(exc: BaseException, env_py: str) -> EnvScriptError | None:
    """The one-line error for ``exc`` raised while running ``env_py``; None if mig's own.

    A syntax error names the file and line it is in. Any other exception names the
    innermost frame of the user's code (env.py, or the model module it imports), unless
    the exception was raised inside mig itself: that is mig's bug and keeps its traceback.
    """
    if isinstance(exc, SyntaxError):
        where = f"{display_path(exc.filename or env_py)}:{exc.lineno or 0}"
        return EnvScriptError(f"{where}: {type(exc).__name__}: {exc.msg}", EXIT_USAGE)
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return None
    if not isinstance(exc, ImportError) and _is_mig_file(frames[-1].filename):
        return None
    roots = _library_roots()
    user = [f for f in frames if _is_user_file(f.filename, roots)]
    if not user:
        return None
    frame = user[-1]
    text = str(exc).strip().splitlines()
    message = text[0] if text else ""
    code = EXIT_USAGE if isinstance(exc, ImportError) else EXIT_FAILED
    detail = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return EnvScriptError(f"{display_path(frame.filename)}:{frame.lineno}: {detail}", code)


# -- database URLs ----------------------------------------------------------------------------


def _about_a_url(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLAlchemy refusing a URL (not any ValueError env.py may raise)."""
    from sqlalchemy import exc as sa_exc

    if isinstance(exc, sa_exc.NoSuchModuleError):
        return True
    if isinstance(exc, sa_exc.ArgumentError):
        return "URL" in str(exc)
    if isinstance(exc, KeyError):  # engine_from_config with no url key
        return exc.args in (("url",), (URL_KEY,))
    if isinstance(exc, ValueError):  # a port that is not a number
        frames = traceback.extract_tb(exc.__traceback__)
        tail = os.path.join("sqlalchemy", "engine", "url.py")
        return bool(frames) and frames[-1].filename.endswith(tail)
    return False


def _url_settings(config: Any) -> Iterator[tuple[str, str | None]]:
    """Each section that holds (or, the main one, should hold) ``sqlalchemy.url``."""
    main = config.config_ini_section
    yield main, config.get_main_option(URL_KEY)
    for section in config.sections():
        if section != main:
            value = config.get_section_option(section, URL_KEY)
            if value is not None:
                yield section, value


def url_problem(value: str | None) -> tuple[str, BaseException | None] | None:
    """Why ``value`` is not a usable database URL, and what SQLAlchemy raised for it
    (None: it is one)."""
    from sqlalchemy import exc as sa_exc
    from sqlalchemy.engine import make_url

    if value is None:
        return "is not set", None
    try:
        url = make_url(value)
    except sa_exc.ArgumentError as exc:
        if not value.strip():
            return "is empty", exc
        return "is not a URL of the form dialect+driver://user@host:port/database", exc
    except ValueError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        port = _NOT_A_NUMBER.search(reason)
        if port:
            reason = f"the port {port['value']} is not a number"
        return f"cannot be read: {reason}", exc
    try:
        url.get_dialect()
    except sa_exc.NoSuchModuleError as exc:
        return f"names no installed SQLAlchemy dialect ({url.drivername!r})", exc
    return None


def mask_url(value: str) -> str:
    """The URL with its password shown as ``***`` (SQLAlchemy's rendering where it parses)."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(value).render_as_string(hide_password=True)
    except Exception:  # not parseable: mask by pattern
        return mask_passwords(value)


def url_mistake(config: Any, exc: BaseException) -> UsageError | None:
    """A UsageError naming the ``sqlalchemy.url`` setting behind ``exc``, if one is wrong.

    Only errors SQLAlchemy gives for a URL are considered, and only when a setting in
    the config is what is wrong: a URL env.py builds itself is env.py's business.
    """
    if not _about_a_url(exc):
        return None
    for section, value in _url_settings(config):
        found = url_problem(value)
        if found is None:
            continue
        problem, failure = found
        if failure is None:  # unset: the cause only if the engine looked for the key
            if not isinstance(exc, KeyError):
                continue
        elif type(failure) is not type(exc) or str(failure) != str(exc):
            continue  # this setting is wrong, but env.py failed on a URL of its own
        where = config.option_source(section, URL_KEY)
        shown = f" = {mask_url(value)!r}" if value and value.strip() else ""
        return UsageError(
            f"{where}: {URL_KEY}{shown} {problem}; set it to the database URL, e.g. "
            f"postgresql+psycopg://user@localhost/dbname"
        )
    return None
