"""Reading and writing the project's files for ``mig adopt``: one error line, all or nothing.

Every new text is computed before anything is written; then every file is written next to
its target first and only moved into place once all of them were written, so a full disk
or a read-only folder leaves the project as it was.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from mig.cli.adopt.report import FileChange
from mig.cli.errors import UsageError


def read_text(path: Path, shown: str | None = None) -> str:
    """The file's text with its line endings as they are, or a one-line error naming it."""
    name = shown or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name}: not UTF-8 text (byte {exc.start})") from None


def _temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.mig-adopt")


def write_all(changes: list[FileChange]) -> None:
    """Write every change, then move them all into place; renamed files lose the old name."""
    written: list[tuple[Path, Path]] = []
    try:
        for change in changes:
            temp = _temp_name(change.target)
            written.append((temp, change.target))
            with open(temp, "w", encoding="utf-8", newline="") as fh:
                fh.write(change.new)
            if change.path.exists():
                shutil.copymode(change.path, temp)
    except OSError as exc:
        for temp, _ in written:
            temp.unlink(missing_ok=True)
        where = exc.filename or "a file"
        raise UsageError(
            f"{where}: cannot be written ({exc.strerror or exc}); nothing changed"
        ) from None
    for temp, target in written:
        os.replace(temp, target)
    for change in changes:
        if change.new_path is not None and change.new_path != change.path:
            change.path.unlink(missing_ok=True)
