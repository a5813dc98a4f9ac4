"""Migration scripts for the lint tests, written with the header `mig revision` writes."""

from __future__ import annotations

import textwrap
from pathlib import Path

SCRIPT = '''"""{message}

Revision ID: {rev}
Revises: {down_text}
Create Date: 2024-01-01 00:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa

from mig.ops import op
{top}
# Revision identifiers: mig reads these four lines without running the file.
revision: str = {rev!r}
down_revision: str | Sequence[str] | None = {down!r}
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
{body}


def downgrade() -> None:
    pass
{bottom}'''


def write_script(
    directory: Path,
    body: str,
    *,
    rev: str = "ab12",
    down: str | None = None,
    top: str = "",
    bottom: str = "",
) -> Path:
    """``<directory>/<rev>_step.py``, a migration whose upgrade() is ``body``."""
    directory.mkdir(parents=True, exist_ok=True)
    text = SCRIPT.format(
        message=f"revision {rev}",
        rev=rev,
        down=down,
        down_text=down or "",
        top=textwrap.dedent(top),
        bottom=textwrap.dedent(bottom),
        body=textwrap.indent(textwrap.dedent(body).strip("\n"), "    "),
    )
    path = directory / f"{rev}_step.py"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, marker: str) -> int:
    """The 1-based number of the first line of ``path`` holding ``marker``."""
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if marker in line:
            return n
    raise AssertionError(f"{marker!r} not in {path}")
