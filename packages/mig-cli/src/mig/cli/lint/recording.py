"""Record a migration's ``upgrade()`` without a database, remembering where each op was called.

mig-ops's :class:`~mig.ops.RecordingOperations` keeps each directive instead of running it;
the subclass here also notes the line of the migration script that issued it, by walking
the call stack up to the first frame whose code comes from the script file. Ops issued
inside ``with op.batch_alter_table(...) as batch_op:`` get their own lines too (the block
itself gets the line of the ``with``).
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, ModuleType, TracebackType
from typing import Any

from mig.cli.alembic_compat import alembic_alias
from mig.cli.lint.model import MigrationLoadError
from mig.ops import MigrateOperation, NoDatabaseError, OpContainer, RecordingOperations
from mig.scripts.header import import_file


@dataclass
class Located:
    """A directive and the script line that issued it (None when unknown); containers
    (a batch block) keep their members located too."""

    directive: MigrateOperation
    line: int | None = None
    members: list[Located] = field(default_factory=list)


@dataclass
class Recording:
    """What recording one migration gave: its directives in order, and whether ``upgrade()``
    stopped early because it asked for a database (and at which line)."""

    located: list[Located]
    needs_database: bool = False
    needs_database_line: int | None = None
    revision: str | None = None


class _LintMigrationContext:
    """The little a script may ask of ``op.get_context()`` while being linted: the dialect.

    There is no connection (``bind`` is None, so ``op.get_bind()`` raises NoDatabaseError).
    """

    bind = None
    as_sql = False

    def __init__(self, dialect_name: str | None) -> None:
        self.dialect = _dialect(dialect_name)
        self.opts: dict[str, Any] = {}


class _LintEnvironment:
    """What a script may ask of ``context`` (``from alembic import context``) in ``upgrade()``
    while being linted. Lint describes the online run: ``is_offline_mode()`` is False, so a
    script branching on it takes the branch a deploy takes (where ``op.get_bind()`` ends the
    recording, as everywhere in lint); ``get_bind()`` ends it the same way. Anything else a
    script reads there (``context.config``, ...) needs a command, and says so."""

    def __init__(self, migration_context: _LintMigrationContext) -> None:
        self._migration_context = migration_context

    def is_offline_mode(self) -> bool:
        return False

    def get_context(self) -> _LintMigrationContext:
        return self._migration_context

    def get_bind(self) -> Any:
        raise NoDatabaseError("context.get_bind(): lint records without a database")

    def get_x_argument(self, as_dictionary: bool = False) -> Any:
        return {} if as_dictionary else []

    def get_tag_argument(self) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(f"context.{name} is not available while linting (no command runs)")


def _dialect(name: str | None) -> Any:
    from sqlalchemy.dialects import registry
    from sqlalchemy.engine import default

    if name is None:
        return default.DefaultDialect()
    try:
        return registry.load(name)()
    except Exception:
        return default.DefaultDialect()


class TracingRecorder(RecordingOperations):
    """A RecordingOperations that notes, for each directive, the line in ``filename`` where
    the op was called."""

    def __init__(self, filename: str | os.PathLike[str], migration_context: Any = None) -> None:
        super().__init__(migration_context)
        self._target = _normalise(str(filename))
        self._matches: dict[str, bool] = {}
        self.lines: dict[int, int | None] = {}

    def _is_script(self, code_filename: str) -> bool:
        hit = self._matches.get(code_filename)
        if hit is None:
            hit = self._matches[code_filename] = _normalise(code_filename) == self._target
        return hit

    def script_line(self, frame: FrameType | None) -> int | None:
        while frame is not None:
            if self._is_script(frame.f_code.co_filename):
                return frame.f_lineno
            frame = frame.f_back
        return None

    def invoke(self, operation: MigrateOperation) -> None:
        self.lines[id(operation)] = self.script_line(sys._getframe(1))
        super().invoke(operation)

    @contextmanager
    def batch_alter_table(self, *args: Any, **kw: Any) -> Iterator[Any]:
        with super().batch_alter_table(*args, **kw) as batch_op:
            collect = batch_op.invoke

            def invoke(operation: MigrateOperation) -> None:
                self.lines[id(operation)] = self.script_line(sys._getframe(1))
                collect(operation)

            batch_op.invoke = invoke  # the batch facade calls self.invoke for every op
            yield batch_op

    def located(self) -> list[Located]:
        return [self._locate(d) for d in self.directives]

    def _locate(self, directive: MigrateOperation) -> Located:
        members = directive.ops if isinstance(directive, OpContainer) else []
        return Located(directive, self.lines.get(id(directive)), [self._locate(m) for m in members])


def _normalise(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))


def load_migration(path: str | os.PathLike[str]) -> ModuleType:
    """Import a migration script by path under a private module name.

    Any failure raises :class:`MigrationLoadError` naming the file (and the line of a
    syntax error), never a bare traceback.
    """
    path = Path(path)
    if not path.is_file():
        raise MigrationLoadError(f"{path}: no such migration file")
    try:
        return import_file(path, prefix="_mig_lint")
    except SyntaxError as exc:
        raise MigrationLoadError(
            f"{path}: cannot import the migration: syntax error at line {exc.lineno}: {exc.msg}"
        ) from None
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        where = _script_line_of(exc.__traceback__, path)
        at = f" (line {where})" if where else ""
        raise MigrationLoadError(
            f"{path}: cannot import the migration{at}: {type(exc).__name__}: {exc}"
        ) from exc


def _script_line_of(tb: TracebackType | None, path: Path) -> int | None:
    """The last line of ``path`` in a traceback: where the script itself went wrong."""
    target = _normalise(str(path))
    line = None
    for frame, lineno in traceback.walk_tb(tb):
        if _normalise(frame.f_code.co_filename) == target:
            line = lineno
    return line


def record_migration(
    path: str | os.PathLike[str],
    *,
    revision: str | None = None,
    dialect: str | None = None,
    function: str = "upgrade",
) -> Recording:
    """Import the script at ``path`` and record its ``upgrade()`` with line numbers.

    ``op.get_bind()`` stops the recording: what was recorded up to there is kept and
    ``needs_database`` holds the line. Any other exception raised by ``upgrade()`` raises
    :class:`MigrationLoadError` naming the file, the revision and the line.

    A script of an Alembic history (``from alembic import op``) is served mig's ``op``
    here as under every command (``alembic_compat``), however lint is called: ``mig
    lint``, the pytest plugin's lint test, or Python.
    """
    with alembic_alias():
        return _record(path, revision, dialect, function)


def _record(
    path: str | os.PathLike[str], revision: str | None, dialect: str | None, function: str
) -> Recording:
    module = load_migration(path)
    if revision is None:
        found = getattr(module, "revision", None)
        revision = found if isinstance(found, str) else None
    fn: Callable[[], Any] | None = getattr(module, function, None)
    label = f"{path}" + (f" (revision {revision})" if revision else "")
    if not callable(fn):
        raise MigrationLoadError(f"{label}: has no {function}() function")
    from mig.runtime.environment import environment_serving

    migration_context = _LintMigrationContext(dialect)
    recorder = TracingRecorder(module.__file__ or str(path), migration_context)
    result = Recording([], revision=revision)
    try:
        with recorder.activate(), environment_serving(_LintEnvironment(migration_context)):
            fn()
    except NoDatabaseError as exc:
        result.needs_database = True
        result.needs_database_line = _script_line_of(exc.__traceback__, Path(path))
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        where = _script_line_of(exc.__traceback__, Path(path))
        at = f" at line {where}" if where else ""
        raise MigrationLoadError(
            f"{label}: {function}() failed while being recorded{at}: {type(exc).__name__}: {exc}"
        ) from exc
    finally:
        # Linting a thousand revisions must not leave a thousand modules behind.
        sys.modules.pop(module.__name__, None)
    result.located = recorder.located()
    return result
