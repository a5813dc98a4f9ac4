"""``mig adopt``: convert an Alembic project to mig in place (run once, by its owner).

It converts what it can and writes it all at once; the lines it cannot convert are listed
as ``file:line: reason`` and make it exit 1 (the rest is converted all the same: those
lines are the user's to fix, and a second run converts nothing twice). With ``dry_run``
it prints the unified diff instead and writes nothing.
"""

from __future__ import annotations

import os

from mig.cli.config import Config
from mig.cli.errors import CheckFailed


def adopt(
    config: Config, directory: str | os.PathLike[str] = ".", dry_run: bool = False
) -> list[str]:
    """Adopt the Alembic project in ``directory``; returns the changed files (relative)."""
    from mig.cli.adopt import plan_adoption, summary_lines, unified_diff, write_all
    from mig.cli.adopt.report import relative

    plan = plan_adoption(directory)
    root = plan.root
    if dry_run:
        for change in plan.changes:
            config.print_stdout(unified_diff(change, root).rstrip("\n"))
    elif plan.changes:
        write_all(plan.changes)
        config.print_stdout(f"Adopted the Alembic project in {root}:")
        for line in summary_lines(plan.changes, root):
            config.print_stdout(line)
        config.print_stdout(
            "The database keeps its alembic_version table: mig carries on from the revision "
            "Alembic recorded, no stamp needed."
        )
    if not plan.changes:
        config.print_stdout(f"Nothing to change: {root} is a mig project already.")
    for finding in plan.findings:
        note = "" if finding.blocking else "note: "
        config.print_stdout(f"{finding.path}:{finding.line}: {note}{finding.reason}")
    blocking = plan.blocking
    if blocking:
        raise CheckFailed(
            f"{len(blocking)} line{'s' if len(blocking) > 1 else ''} to convert by hand "
            f"(listed above); the rest is {'shown' if dry_run else 'converted'}"
        )
    return [relative(c.target, root) for c in plan.changes]
