"""Revision specs: the strings users pass to upgrade, downgrade, stamp and history.

Grammar (``N`` is a positive integer)::

    heads | head | base                  all heads, the single head, nothing applied
    <id> | <unique id prefix> | <label>   one revision (a label names the revision declaring it)
    <label>@head | <label>@heads          the head(s) of a branch
    <label>@base                          below the branch: downgrade removes the branch and
                                          the revisions below it down to its base
    <label>@<id or prefix>                a revision on that branch (prefixes resolve within it)
    <anchor>+N | <anchor>-N               N steps up / down from an anchor: an id, a label,
                                          head, heads (if one), base, or label@...
    +N | -N | <label>@+N | <label>@-N     N steps from the *current* head (of that branch)

An exact revision id or label always wins over the grammar, so an id like ``2024-1`` works.
Walking up stops with an error at a branch point (name the branch: ``label@+1``), walking
down at a merge point; both count ``down_revision`` links only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from mig.scripts.errors import (
    BranchLabelError,
    InvalidSpec,
    MultipleHeads,
    RelativeRevisionError,
    UnknownRevision,
)
from mig.scripts.graph import RevisionMap

_SPEC = re.compile(r"^(?:(?P<branch>[^@]+)@)?(?P<symbol>[^@]*?)(?P<offset>[+-]\d+)?$")


@dataclass(frozen=True, slots=True)
class Spec:
    text: str
    branch: str | None
    symbol: str  # "" = relative to the current heads
    offset: int | None


@dataclass(frozen=True, slots=True)
class Target:
    """Where a spec lands.

    ``revisions``: the revisions to end at (empty for base). ``below``: revisions that are
    themselves to be removed by a downgrade (``label@base``, the revisions ``-N`` walks).
    """

    revisions: tuple[str, ...]
    below: tuple[str, ...] = ()
    #: counted from the current heads (``+N``/``-N``/``label@-N``): ``-N`` removes exactly
    #: the revisions walked (and what depends on them), not everything above the landing
    relative: int = 0


def parse_spec(text: str, rmap: RevisionMap) -> Spec:
    if not isinstance(text, str) or not text.strip():
        raise InvalidSpec(str(text), "empty")
    text = text.strip()
    if text in rmap or rmap.label_owner(text) is not None:
        return Spec(text, None, text, None)
    m = _SPEC.match(text)
    if m is None:
        raise InvalidSpec(text, "use id, label@id, head, heads, base, or id+N / id-N")
    offset = int(m.group("offset")) if m.group("offset") else None
    if offset == 0:
        raise InvalidSpec(text, "a relative step must not be 0")
    branch = m.group("branch")
    if branch is not None and rmap.label_owner(branch) is None:
        raise UnknownRevision(text, f"(there is no branch label {branch!r})")
    symbol = m.group("symbol")
    if not symbol and offset is None:
        raise InvalidSpec(text, "nothing after '@'")
    return Spec(text, branch, symbol, offset)


def _on_branch_path(rmap: RevisionMap, branch: str) -> Callable[[str], bool]:
    """A revision is on a branch's path if it carries the label or lies below the revision
    that declares it: ``label@+1`` from an empty database starts at the bottom of that path.
    """
    owner = rmap.label_owner(branch)
    assert owner is not None
    below = rmap._ancestors([owner.revision], include_dependencies=False)
    labelled = rmap._branch
    return lambda rev: rev in below or branch in labelled.get(rev, ())


def _branch_heads(rmap: RevisionMap, branch: str | None) -> tuple[str, ...]:
    heads = rmap.heads
    if branch is not None:
        labelled = rmap._branch
        heads = tuple(h for h in heads if branch in labelled.get(h, ()))
    return heads


def resolve_target(rmap: RevisionMap, text: str, current: Sequence[str] | None = None) -> Target:
    """Resolve ``text``; relative-to-current forms need ``current`` (the version table)."""
    spec = parse_spec(text, rmap)
    symbol, branch, offset = spec.symbol, spec.branch, spec.offset
    if symbol == "":
        assert offset is not None
        return _from_current(rmap, spec, current)
    if symbol in ("head", "heads"):
        heads = _branch_heads(rmap, branch)
        if symbol == "heads" and offset is None:
            return Target(heads)
        if not heads and offset is None and branch is None:
            return Target(())  # an empty directory: "head" is base
        if not heads:
            raise UnknownRevision(text, "(the directory has no head there)")
        if len(heads) != 1:
            raise MultipleHeads(text, heads)
        start = heads[0]
    elif symbol == "base":
        if offset is None:
            if branch is not None:
                # as in Alembic: the whole path of the branch down to its base(s)
                on_path = _on_branch_path(rmap, branch)
                return Target((), tuple(b for b in rmap.bases if on_path(b)))
            return Target(())
        if offset < 0:
            raise RelativeRevisionError(text, "nothing lies below base")
        return _up_from_base(rmap, spec, offset)
    else:
        start = rmap.lookup(symbol, branch).revision
        if branch is not None:
            _check_on_branch(rmap, start, branch, text)
    if offset is None:
        return Target((start,))
    return _walk(rmap, spec, start, offset)


def _check_on_branch(rmap: RevisionMap, rev: str, branch: str, text: str) -> None:
    # Alembic accepts a revision below the branch (branch@<ancestor>); so do we.
    if not _on_branch_path(rmap, branch)(rev):
        raise BranchLabelError(
            f"revision {rev!r} is not on branch {branch!r} (spec {text!r}); "
            f"run `mig branches` to see which revisions carry it",
            branch,
        )


def _from_current(rmap: RevisionMap, spec: Spec, current: Sequence[str] | None) -> Target:
    offset = spec.offset
    assert offset is not None
    if current is None:
        raise InvalidSpec(spec.text, "a relative step needs the current revision of a database")
    unknown = [h for h in current if h not in rmap]
    if unknown:
        raise UnknownRevision(unknown[0], "(it is in the version table but has no script)")
    heads = list(current)
    if spec.branch is not None:
        # the highest applied revisions on the branch's path (which may be below its label)
        on_path = _on_branch_path(rmap, spec.branch)
        applied = {r for r in rmap._ancestors(heads) if on_path(r)}
        heads = [r for r in applied if applied.isdisjoint(rmap._children[r])]
    if len(heads) > 1:
        raise RelativeRevisionError(
            spec.text,
            f"the database has several heads ({', '.join(sorted(heads))}); "
            f"say which branch, e.g. label@{spec.offset:+d}",
        )
    if not heads:
        if offset < 0:
            raise RelativeRevisionError(spec.text, "nothing is applied to step down from")
        return replace(_up_from_base(rmap, spec, offset), relative=1)
    if offset > 0:
        return replace(_walk(rmap, spec, heads[0], offset), relative=1)
    walked = _walk_down(rmap, spec, heads[0], -offset)
    landing = rmap._downs[walked[-1]]
    return Target(landing[:1] if len(walked) == -offset else (), (walked[-1],), relative=-1)


def _up_from_base(rmap: RevisionMap, spec: Spec, offset: int) -> Target:
    """``base+N``: the first step lands on the bottom revision itself."""
    if spec.branch is not None:
        on_path = _on_branch_path(rmap, spec.branch)
        starts = [b for b in rmap.bases if on_path(b)]
    else:
        starts = list(rmap.bases)
    if len(starts) != 1:
        raise RelativeRevisionError(
            spec.text,
            f"there are {len(starts)} bases ({', '.join(starts)}) to start from; "
            f"name a branch, e.g. label@+{offset}",
        )
    if offset == 1:
        return Target((starts[0],))
    return _walk(rmap, spec, starts[0], offset - 1)


def _walk_down(rmap: RevisionMap, spec: Spec, start: str, steps: int) -> list[str]:
    """The ``steps`` revisions passed walking down from ``start`` (``start`` included)."""
    walked = [start]
    rev = start
    for step in range(steps):
        downs = rmap._downs[rev]
        if len(downs) > 1:
            raise RelativeRevisionError(
                spec.text,
                f"{rev!r} is a merge point of {', '.join(downs)}: the walk down is "
                f"ambiguous; give a revision id",
            )
        if not downs:
            if step == steps - 1:
                return walked
            raise RelativeRevisionError(
                spec.text, f"only {step + 1} revision(s) from {start!r} down to base"
            )
        rev = downs[0]
        if step < steps - 1:
            walked.append(rev)
    return walked


def _walk(rmap: RevisionMap, spec: Spec, start: str, offset: int) -> Target:
    rev = start
    if offset < 0:
        walked = _walk_down(rmap, spec, start, -offset)
        landing = rmap._downs[walked[-1]]
        if len(walked) == -offset and landing:
            return Target(landing[:1])
        return Target((), (walked[-1],))
    on_path = _on_branch_path(rmap, spec.branch) if spec.branch is not None else None
    for step in range(offset):
        children = sorted(rmap._children[rev])
        if on_path is not None:
            children = [c for c in children if on_path(c)]
        if not children:
            raise RelativeRevisionError(
                spec.text, f"only {step} revision(s) above {start!r}, {offset} asked"
            )
        if len(children) > 1:
            raise RelativeRevisionError(
                spec.text,
                f"{rev!r} is a branch point ({', '.join(children)}); "
                f"name the branch, e.g. label@+{offset}",
            )
        rev = children[0]
    return Target((rev,))
