"""Errors of the commands, their exit codes, and password masking for every message.

The ``mig`` command turns an exception into one line on stderr and an exit code:
0 success, 1 the operation failed (a migration, a check, a hook), 2 a usage or
configuration mistake. The table below decides which is which, by exception class, so a
new error type is classified by adding a line, not by another branch in the command.
"""

from __future__ import annotations

import re

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


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


def _exit_codes() -> list[tuple[type[BaseException], int]]:
    """Exception classes from the packages below and what they mean to the user."""
    from sqlalchemy import exc as sa_exc

    from mig.autogen import AutogenError
    from mig.autogen.render.registry import RenderError
    from mig.cli.lint import LintConfigError, MigrationLoadError
    from mig.runtime import ConfigurationError, LockTimeout, StepFailed, VersionTableConflict
    from mig.scripts.errors import (
        ConfigError,
        GraphError,
        HookError,
        RevisionError,
        ScriptError,
        TemplateError,
        WriteError,
    )

    return [
        (CommandError, -1),  # the error's own exit_code
        (LintConfigError, EXIT_USAGE),
        (AutogenError, EXIT_USAGE),  # target_metadata, options: the project's setup
        (RenderError, EXIT_USAGE),  # a type only a render_item hook can write
        (MigrationLoadError, EXIT_FAILED),
        (StepFailed, EXIT_FAILED),
        (VersionTableConflict, EXIT_FAILED),
        (LockTimeout, EXIT_FAILED),
        (HookError, EXIT_FAILED),
        (ConfigurationError, EXIT_USAGE),
        (RevisionError, EXIT_USAGE),
        (GraphError, EXIT_USAGE),
        (ConfigError, EXIT_USAGE),
        (WriteError, EXIT_USAGE),
        (TemplateError, EXIT_USAGE),
        (ScriptError, EXIT_FAILED),
        (sa_exc.ArgumentError, EXIT_USAGE),
        (sa_exc.NoSuchModuleError, EXIT_USAGE),
        (sa_exc.OperationalError, EXIT_USAGE),
        (sa_exc.InterfaceError, EXIT_USAGE),
    ]


def classify(exc: BaseException) -> int | None:
    """The exit code for a known (user-facing) error, or None for a real bug."""
    for cls, code in _exit_codes():
        if isinstance(exc, cls):
            return exc.exit_code if code == -1 else code  # type: ignore[attr-defined]
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
