"""Commands that read the script directory: heads, branches, history, show.

They never import a revision file (the graph comes from the cached headers); only
``history --indicate-current``, ranges naming ``current`` and ``history --applied`` (the
database's history table, see ``applied.py``) connect to the database.
"""

from __future__ import annotations

import sys
from typing import Any

from mig.cli.command._env import script_directory
from mig.cli.config import Config
from mig.cli.errors import UsageError
from mig.cli.layout import HEADS, HISTORY, branch_block, entry, log_entry
from mig.cli.output import emit, script_record
from mig.scripts.errors import RangeNotAncestor, RelativeRevisionError


def heads(
    config: Config, verbose: bool = False, resolve_dependencies: bool = False, format: str = "text"
) -> list[str]:
    """Print the head revisions (with ``resolve_dependencies``: not counting depended-on ones)."""
    script = script_directory(config)
    rmap = script.revision_map
    if resolve_dependencies:
        found = [s for s in rmap if not s.all_nextrev]
    else:
        found = [rmap.script(r) for r in script.get_heads()]
    emit(
        config,
        [script_record(s) for s in found],
        [entry(s, verbose, HEADS) for s in found],
        format,
    )
    return [s.revision for s in found]


def branches(config: Config, verbose: bool = False, format: str = "text") -> list[str]:
    """Print the branch points and the revisions that leave each one."""
    script = script_directory(config)
    rmap = script.revision_map
    points = [s for s in script.walk_revisions() if s.is_branch_point]
    lines: list[str] = []
    data = []
    for point in points:
        children = [rmap.script(r) for r in sorted(point.nextrev)]
        lines.append(branch_block(point, children, verbose))
        data.append({**script_record(point), "branches": [c.revision for c in children]})
    emit(config, data, lines, format)
    bases = script.get_bases()
    if not points and len(bases) > 1 and format == "text":
        # stdout stays Alembic's (empty); a person is told why two lines of history show none
        print(
            f"mig branches: no branch points; history has {len(bases)} roots "
            f"({', '.join(sorted(bases))}): a revision made with --head base starts a line "
            f"of its own, it does not fork one (see `mig heads`)",
            file=sys.stderr,
        )
    return [p.revision for p in points]


def _needs_database(spec: str | None) -> bool:
    return spec is not None and (spec == "current" or spec[:1] in "+-")


def _resolve_end(script: Any, spec: str | None, current: tuple[str, ...] | None, default: str):
    if spec is None or spec == "":
        return script.resolve(default)
    if spec == "current":
        assert current is not None
        return current
    try:
        return script.resolve(spec, current)
    except RelativeRevisionError as exc:
        # a range's lower end counted past base starts at base, as Alembic's history does
        if default == "base" and spec.startswith("-") and "down to base" in str(exc):
            return script.resolve("base")
        raise


def history(
    config: Config,
    rev_range: str | None = None,
    verbose: bool = False,
    indicate_current: bool = False,
    format: str = "text",
    applied: bool = False,
) -> list[str]:
    """Print revisions newest first; ``rev_range`` is ``start:end`` (either may be empty,
    ``current`` names the database's revision, ``-2`` counts from it). ``applied``: the
    steps the database's history table recorded instead."""
    if applied:
        if rev_range or indicate_current or verbose:
            raise UsageError("history --applied takes no -r/--rev-range, -i or -v")
        from mig.cli.command.applied import applied_history

        return [e.revision for e in applied_history(config, format)]
    script = script_directory(config)
    start = end = None
    if rev_range:
        if ":" not in rev_range:
            raise UsageError(
                f"history range {rev_range!r}: expected START:END (either may be empty)"
            )
        start, _, end = rev_range.partition(":")
        start, end = start or None, end or None
    current: tuple[str, ...] | None = None
    if indicate_current or _needs_database(start) or _needs_database(end):
        from mig.cli.command.run import current_heads

        current = current_heads(config, script)
    uppers = _resolve_end(script, end, current, "heads")
    lowers = _resolve_end(script, start, current, "base")
    keep: set[str] = set()
    missed: RangeNotAncestor | None = None
    for lower in lowers or ("base",):  # (as Alembic: pairs not in line are left out)
        for upper in uppers:
            try:
                walked = script.iterate_revisions(upper, lower, inclusive=True)
                keep.update(s.revision for s in walked)
            except RangeNotAncestor as exc:
                missed = exc
    if missed is not None and not keep:
        raise missed
    rmap = script.revision_map
    tops = rmap.real_heads if end in (None, "heads") else uppers
    ordered = list(rmap.scripts_for(rmap.history_order(keep, tops)))
    marks = set(current or ()) if indicate_current else set()
    lines = [entry(s, verbose, HISTORY, marks) for s in ordered]
    emit(config, [script_record(s, current) for s in ordered], lines, format)
    return [s.revision for s in ordered]


def show(config: Config, rev: str, format: str = "text") -> list[str]:
    """Print one revision (or each of ``heads``) in full."""
    script = script_directory(config)
    if rev == "heads":  # as Alembic: the heads the version table would hold (not the
        rmap = script.revision_map  # heads that another revision depends_on)
        found = tuple(rmap.scripts_for(rmap.real_heads))
    else:
        found = script.get_revisions(rev)
    if not found:
        raise UsageError(f"{rev!r} names no revision (base is the empty database)")
    data = [{**script_record(s), "doc": s.longdoc} for s in found]
    emit(config, data if len(data) > 1 else data[0], [log_entry(s) for s in found], format)
    return [s.revision for s in found]
