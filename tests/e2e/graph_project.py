"""A 40-revision history with two branches and a merge, for ``mig graph``'s readability test
and the README's picture.

The trunk has 15 revisions; then it forks: the main line goes on for 11 revisions and a
``reports`` branch (its own branch label) for 12; a merge joins them and one revision
follows. Run ``python -m tests.e2e.graph_project`` from the repository root to redraw
docs/revision-graph.dot and docs/revision-graph.svg with the ``mig`` command (the svg
needs Graphviz's ``dot``).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

TRUNK = [
    "create users",
    "create accounts",
    "users belong to accounts",
    "create projects",
    "project owner",
    "create tasks",
    "task status",
    "task due dates",
    "create comments",
    "comment edits",
    "create tags",
    "task tags",
    "users email unique",
    "account plans",
    "project archive flag",
]
MAIN_LINE = [
    "create invoices",
    "invoice lines",
    "invoice tax rates",
    "payments",
    "payment providers",
    "refunds",
    "invoice pdf path",
    "currency per account",
    "invoice numbering sequence",
    "late payment reminders",
    "drop legacy billing columns",
]
REPORTS = [
    "report definitions",
    "report schedules",
    "report runs",
    "report run output",
    "report filters",
    "report sharing",
    "report favourites",
    "report run timing index",
    "report owners",
    "report templates",
    "report exports",
    "report retention",
]

HEADER = '''"""{message}

Revision ID: {rev}
Revises: {down}
"""

revision = {rev!r}
down_revision = {down_revision!r}
branch_labels = {labels!r}
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
'''

INI = """[mig]
script_location = %(here)s/migrations
sqlalchemy.url = sqlite:///%(here)s/graph.db
"""


def revisions() -> list[tuple[str, str | tuple[str, ...] | None, str, tuple[str, ...] | None]]:
    """(revision, down_revision, message, branch_labels), base first: 40 of them."""
    out: list[tuple[str, str | tuple[str, ...] | None, str, tuple[str, ...] | None]] = []
    down: str | tuple[str, ...] | None = None
    for i, message in enumerate(TRUNK, 1):
        rev = f"t{i:02d}a1"
        out.append((rev, down, message, None))
        down = rev
    fork = down
    for i, message in enumerate(MAIN_LINE, 1):
        rev = f"m{i:02d}b2"
        out.append((rev, down, message, None))
        down = rev
    main_head = down
    down = fork
    for i, message in enumerate(REPORTS, 1):
        rev = f"r{i:02d}c3"
        out.append((rev, down, message, ("reports",) if i == 1 else None))
        down = rev
    out.append(("x01d4", (main_head, down), "merge reports into main", None))
    out.append(("x02e5", "x01d4", "report permissions", None))
    return out


def build(root: Path) -> Path:
    """Write the project (mig.ini, migrations/) into ``root``; returns ``root``."""
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "mig.ini").write_text(INI)
    (root / "migrations" / "env.py").write_text("raise SystemExit('graph only')\n")
    (root / "migrations" / "script.py.mako").write_text("")
    for rev, down, message, labels in revisions():
        shown = ", ".join(down) if isinstance(down, tuple) else (down or "")
        (versions / f"{rev}_{message.replace(' ', '_')}.py").write_text(
            HEADER.format(message=message, rev=rev, down=shown, down_revision=down, labels=labels)
        )
    return root


def main() -> None:
    docs = Path("docs").resolve()
    docs.mkdir(exist_ok=True)
    mig = str(Path(sys.executable).with_name("mig"))
    with tempfile.TemporaryDirectory() as tmp:
        root = build(Path(tmp))
        for fmt in ("dot", "svg"):
            out = docs / f"revision-graph.{fmt}"
            subprocess.run(
                [mig, "graph", "--no-current", "--format", fmt, "-o", str(out)],
                cwd=root,
                check=True,
            )
            print(f"wrote {out}")


if __name__ == "__main__":
    main()
