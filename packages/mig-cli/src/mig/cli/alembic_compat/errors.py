"""The one-line error for an ``alembic`` name mig's compatibility does not give.

It names the file and line that imported it (found on the stack when the import is
attempted: the first frame that is neither the import machinery nor this package), the
statement, and the name. It is an ImportError too, so a script that guards an optional
import with ``try: ... except ImportError`` keeps working.
"""

from __future__ import annotations

import linecache
import os
import sys
from pathlib import Path

from mig.cli.errors import UsageError

_HERE = str(Path(__file__).resolve().parent)


class AlembicCompatError(UsageError, ImportError):
    """A script or env.py imported an Alembic name that mig's compatibility does not cover."""

    def __init__(self, message: str, name: str) -> None:
        UsageError.__init__(self, message)
        self.name = name  # ImportError's attribute: the module that could not be imported
        self.msg = message


def _display(filename: str) -> str:
    try:
        relative = os.path.relpath(filename)
    except ValueError:  # another drive (Windows)
        return filename
    return filename if relative.startswith("..") else relative


def _importer() -> tuple[str, int] | None:
    """The file and line of the code doing the import (outside importlib and this package)."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith("<frozen importlib") and not filename.startswith(_HERE):
            return filename, frame.f_lineno
        frame = frame.f_back
    return None


def uncovered(name: str) -> AlembicCompatError:
    """The error for importing ``name`` (``alembic.ddl.postgresql``, ``alembic.x.Y``)."""
    where = _importer()
    if where is None:
        place = "an import"
    else:
        filename, line = where
        statement = linecache.getline(filename, line).strip()
        place = f"{_display(filename)}, line {line}" + (f": `{statement}`" if statement else "")
    return AlembicCompatError(
        f"{place}: mig's Alembic compatibility does not cover {name} (it gives the names "
        f"migration scripts and env.py use; import from mig for the rest, see "
        f"'Coming from Alembic' in the mig-cli README)",
        name,
    )


def find_compat_error(exc: BaseException | None) -> AlembicCompatError | None:
    """The AlembicCompatError behind ``exc`` (a failed step or script load wraps it)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, AlembicCompatError):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None
