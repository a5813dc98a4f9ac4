"""Reading a migration as data: run it against a recorder instead of a database."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mig.ops.base import MigrateOperation
from mig.ops.errors import MigOpsError
from mig.ops.operations import Operations


class RecordingOperations(Operations):
    """An Operations whose ``invoke`` keeps each directive instead of executing it."""

    def __init__(self, migration_context: Any = None) -> None:
        super().__init__(migration_context)
        self.directives: list[MigrateOperation] = []

    def invoke(self, operation: MigrateOperation) -> None:
        self.directives.append(operation)


def record(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> list[MigrateOperation]:
    """Run ``fn`` (a migration's ``upgrade``, or anything that uses ``op``) and return the
    directives it issued, in order. No database and no dialect are involved.
    """
    recorder = RecordingOperations()
    with recorder.activate():
        fn(*args, **kwargs)
    return recorder.directives


def record_file(path: str | Path, function: str = "upgrade") -> list[MigrateOperation]:
    """Import a migration script by path and record its ``upgrade`` (or ``downgrade``)."""
    path = Path(path)
    spec = importlib.util.spec_from_file_location(f"_mig_recorded_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise MigOpsError(f"{path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fn = getattr(module, function, None)
    if not callable(fn):
        raise MigOpsError(f"{path}: has no {function}() function")
    return record(fn)
