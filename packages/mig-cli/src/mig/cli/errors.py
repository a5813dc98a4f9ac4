"""Errors of the commands, their exit codes, and password masking for every message.

The ``mig`` command turns an exception into one line on stderr and an exit code:
0 success, 1 the operation failed (a migration, a check, a hook), 2 a usage or
configuration mistake. Each package's error classes say which by their ``exit_code``
attribute, so a new error type is classified where it is defined, not by another branch
in the command; the one table here covers the library errors (SQLAlchemy's) mig does not
define.
"""

from __future__ import annotations

import os
import re

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
#: the run stopped on Ctrl-C (128 + SIGINT, as shells report it): mig.cli.progress.Interrupted
EXIT_INTERRUPTED = 130


class CommandError(Exception):
    """A command cannot do what was asked; the message is the one line the user sees."""

    exit_code = EXIT_FAILED


class UsageError(CommandError):
    """The command line or the project's setup is wrong (exit 2)."""

    exit_code = EXIT_USAGE


class ConfigFileError(UsageError):
    """The config file is missing or cannot be read."""


class CheckFailed(CommandError):
    """``mig check`` (or another check) found something; exit 1.

    ``quiet``: the command already printed the details, so no extra error line.
    """

    def __init__(self, message: str, quiet: bool = False) -> None:
        super().__init__(message)
        self.quiet = quiet


_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][\w+.-]*://[^/\s:@]*:)(?P<pw>[^@\s/]+)(?=@)")


def mask_passwords(text: str) -> str:
    """``postgresql://scott:tiger@host/db`` -> ``postgresql://scott:***@host/db``, anywhere."""
    return _URL_PASSWORD.sub(lambda m: m["head"] + "***", text)


def display_path(filename: str) -> str:
    """A file's name as messages show it: relative to the working folder when inside it."""
    try:
        relative = os.path.relpath(filename)
    except ValueError:  # another drive (Windows)
        return filename
    return filename if relative.startswith("..") else relative


def _library_exit_codes() -> list[tuple[type[BaseException], int]]:
    """Errors of the libraries below (SQLAlchemy) that mean a mistake in the project's setup.

    mig's own errors carry their code (``exit_code`` on each package's error base), so
    only exceptions mig does not define are listed here.
    """
    from sqlalchemy import exc as sa_exc

    return [
        (sa_exc.ArgumentError, EXIT_USAGE),
        (sa_exc.NoSuchModuleError, EXIT_USAGE),
        (sa_exc.OperationalError, EXIT_USAGE),  # outside a step: cannot reach the database
        (sa_exc.InterfaceError, EXIT_USAGE),
    ]


def classify(exc: BaseException) -> int | None:
    """The exit code for a known (user-facing) error, or None for a real bug.

    Every mig package's errors carry ``exit_code`` (1 or 2); that is read first, so a new
    error class is classified where it is defined.
    """
    code = getattr(exc, "exit_code", None)
    if code in (EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED):
        return code
    for cls, library_code in _library_exit_codes():
        if isinstance(exc, cls):
            return library_code
    return None


def one_line(exc: BaseException) -> str:
    """The message the user sees: first line only, passwords masked, driver noise dropped."""
    from sqlalchemy import exc as sa_exc

    if isinstance(exc, sa_exc.DBAPIError) and exc.orig is not None:
        text = f"cannot use the database: {str(exc.orig).strip().splitlines()[0]}"
    else:
        lines = str(exc).strip().splitlines()
        text = lines[0] if lines else type(exc).__name__
    return mask_passwords(text)
