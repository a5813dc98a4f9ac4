"""What ``mig adopt`` found and would change: findings, file changes, their diff and summary.

Kept apart from the conversions so that ``--dry-run`` and a real run print from the same
data: the conversions only compute :class:`FileChange` and :class:`Finding` objects.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Finding:
    """A line mig adopt left alone. ``blocking``: the user must fix it (exit 1); else a note."""

    path: str
    line: int
    reason: str
    blocking: bool = True

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass
class FileChange:
    """One file's new text; ``new_path`` set when the file is renamed (alembic.ini -> mig.ini)."""

    path: Path
    old: str
    new: str
    new_path: Path | None = None
    what: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.old != self.new or (self.new_path is not None and self.new_path != self.path)

    @property
    def target(self) -> Path:
        return self.new_path or self.path


def relative(path: Path, root: Path) -> str:
    """``path`` as the user sees it: relative to the project folder when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def unified_diff(change: FileChange, root: Path) -> str:
    """The change as a unified diff (``a/alembic.ini`` -> ``b/mig.ini`` for a rename)."""
    old_name, new_name = relative(change.path, root), relative(change.target, root)
    lines = difflib.unified_diff(
        change.old.splitlines(keepends=True),
        change.new.splitlines(keepends=True),
        fromfile=f"a/{old_name}",
        tofile=f"b/{new_name}",
    )
    text = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    if not text and old_name != new_name:  # renamed, same text
        text = f"rename from {old_name}\nrename to {new_name}\n"
    return text


def summary_lines(changes: list[FileChange], root: Path) -> list[str]:
    """One line per changed file: what was converted in it."""
    lines = []
    for change in changes:
        name = relative(change.path, root)
        if change.new_path is not None and change.new_path != change.path:
            name = f"{name} -> {relative(change.new_path, root)}"
        lines.append(f"  {name}: {', '.join(change.what) or 'converted'}")
    return lines
