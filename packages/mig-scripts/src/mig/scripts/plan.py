"""Upgrade and downgrade plans: the ordered steps and the version-table rows around each.

The runtime (which does not import this package) receives a list of :class:`MigrationStep`.
Each step says which rows the version table holds before and after it, so the runtime only
deletes ``heads_before - heads_after`` and inserts ``heads_after - heads_before``.

The rows are the *heads of the applied set*: every applied revision that no other applied
revision has as a parent (``down_revision`` or ``depends_on``). That is what Alembic keeps in
``alembic_version`` for the same graph and commands: a branch point leaves one row per
branch, a merge collapses them, a revision that depends on another branch's revision absorbs
that row, and downgrading one branch leaves the others' rows alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from mig.scripts.errors import (
    MultipleHeads,
    NotReachable,
    RelativeRevisionError,
    UnknownRevision,
)
from mig.scripts.graph import RevisionMap
from mig.scripts.revision import Script
from mig.scripts.specs import Target, resolve_target


@dataclass(frozen=True, slots=True)
class MigrationStep:
    """One script to run, in one direction."""

    revision: str
    script: Script = field(repr=False, compare=False)
    direction: str  # "up" or "down"
    heads_before: frozenset[str]
    heads_after: frozenset[str]

    @property
    def doc(self) -> str:
        return self.script.doc

    @property
    def checksum(self) -> str | None:
        """The script's sha256, for the history table (see Script.checksum)."""
        return self.script.checksum

    @property
    def is_upgrade(self) -> bool:
        return self.direction == "up"

    @property
    def rows_removed(self) -> frozenset[str]:
        return self.heads_before - self.heads_after

    @property
    def rows_added(self) -> frozenset[str]:
        return self.heads_after - self.heads_before

    def callable(self) -> Callable[..., object]:
        """The script's ``upgrade`` or ``downgrade`` function; imports the file (only now)."""
        name = "upgrade" if self.direction == "up" else "downgrade"
        fn = getattr(self.script.module, name, None)
        if not callable(fn):
            from mig.scripts.errors import NotARevisionScript

            raise NotARevisionScript(str(self.script.path), f"it defines no {name}() function")
        return fn

    def __str__(self) -> str:
        arrow = "->" if self.is_upgrade else "<-"
        downs = ", ".join(self.script.down_revisions) or "<base>"
        return f"{downs} {arrow} {self.revision}, {self.doc}"


def _applied(rmap: RevisionMap, current: Iterable[str]) -> tuple[list[str], set[str]]:
    rows = list(dict.fromkeys(current))
    for rev in rows:
        if rev not in rmap:
            raise UnknownRevision(rev, "(it is in the version table but no script declares it)")
    return rows, rmap.ancestors(rows)


def plan_upgrade(
    rmap: RevisionMap, current: Iterable[str], destination: str
) -> list[MigrationStep]:
    """Steps from the version-table rows ``current`` up to ``destination``.

    Everything the destination needs that is not applied yet, parents first. A destination
    already applied (or below what is applied) gives no steps.
    """
    rows, applied = _applied(rmap, current)
    target = resolve_target(rmap, destination, rows)
    if target.relative < 0:
        raise NotReachable(destination, "upgrade", rows)
    wanted = target.revisions
    todo = rmap.ancestors(wanted) - applied
    order = rmap.upgrade_order(todo)
    heads = set(rows)
    parents_of, script = rmap._parents, rmap.script
    steps = []
    before = frozenset(heads)
    for rev in order:
        heads.difference_update(parents_of[rev])
        heads.add(rev)
        after = frozenset(heads)
        steps.append(MigrationStep(rev, script(rev), "up", before, after))
        before = after
    return steps


def downgrade_removals(rmap: RevisionMap, applied: set[str], target: Target) -> set[str]:
    """The applied revisions a downgrade to ``target`` takes away."""
    if not target.revisions and not target.below:
        return set(applied)  # base
    remove = rmap.descendants(target.below, within=applied)
    if target.relative:
        return remove
    if target.revisions:
        above = rmap.descendants(target.revisions, within=applied)
        remove |= above - set(target.revisions)
    return remove


def plan_downgrade(
    rmap: RevisionMap, current: Iterable[str], destination: str
) -> list[MigrationStep]:
    """Steps from the version-table rows ``current`` down to ``destination``.

    Removes what lies above the destination (and, for ``label@base``, the branch itself),
    children before parents; branches not above the destination keep their rows.
    """
    rows, applied = _applied(rmap, current)
    try:
        target = resolve_target(rmap, destination, rows)
    except RelativeRevisionError:
        steps = _peel(rmap, rows, applied, destination)
        if steps is None:
            raise
        return steps
    if target.relative > 0:
        raise NotReachable(destination, "downgrade", rows)
    if len(target.revisions) > 1:
        raise MultipleHeads(destination, target.revisions)
    if not target.relative and any(r not in applied for r in target.revisions):
        raise NotReachable(destination, "downgrade", rows)
    remove = downgrade_removals(rmap, applied, target)
    return _removal_steps(rmap, rows, applied, remove)


_PEEL = re.compile(r"^-(\d+)$")


def _peel(
    rmap: RevisionMap, rows: list[str], applied: set[str], destination: str
) -> list[MigrationStep] | None:
    """``downgrade -N`` taken literally: N times, remove the database's single head.

    This is what makes ``downgrade -1`` from a merge point work (the merge is undone and
    both parents become rows), where walking ``down_revision`` links cannot pick a parent.
    None when ``destination`` is not a bare ``-N`` or walks past base; an error when a
    step finds several rows (which head to remove next is a choice the user must make).
    Alembic refuses ``-1`` at a merge point; mig undoes the merge (see the README).
    """
    match = _PEEL.match(destination.strip())
    if match is None:
        return None
    steps: list[MigrationStep] = []
    for _ in range(int(match[1])):
        if not rows:
            return None  # walked past base: the resolver's own error says so
        if len(rows) > 1:
            raise MultipleHeads(destination, rows)
        more = _removal_steps(rmap, rows, applied, {rows[0]})
        steps.extend(more)
        rows = sorted(more[-1].heads_after)
        applied = applied - {step.revision for step in more}
    return steps


def _removal_steps(
    rmap: RevisionMap, rows: list[str], applied: set[str], remove: set[str]
) -> list[MigrationStep]:
    """Steps removing ``remove`` (children first), with the rows before and after each."""
    order = rmap.downgrade_order(remove)
    # children count inside the applied set: a parent becomes a row when it drops to 0
    remaining = set(applied)
    parents_of, children, script = rmap._parents, rmap._all_children, rmap.script
    count: dict[str, int] = {}
    for rev in remove:
        for parent in parents_of[rev]:
            if parent not in count:
                count[parent] = sum(1 for c in children[parent] if c in remaining)
    heads = set(rows)
    steps = []
    before = frozenset(heads)
    for rev in order:
        heads.discard(rev)
        remaining.discard(rev)
        for parent in parents_of[rev]:
            count[parent] -= 1
            if count[parent] == 0:
                heads.add(parent)
        after = frozenset(heads)
        steps.append(MigrationStep(rev, script(rev), "down", before, after))
        before = after
    return steps
