"""The revision graph: scripts linked by down_revision and depends_on.

A revision's parents are its ``down_revision`` (none for a base, several for a merge) and
its ``depends_on`` entries. Both kinds order the revisions (a parent is applied first); only
``down_revision`` shapes branches, heads and labels, as in Alembic:

* a *head* is a revision no other revision names as down_revision (``get_heads()``);
* a branch label declared on a revision applies to it and every descendant;
* the rows of the version table are the revisions applied that no other applied revision
  has as a parent of either kind (see :mod:`mig.scripts.plan`).

The map is built and fully validated at once: duplicate ids, unknown down revisions or
dependencies, label clashes and cycles are reported with the files involved.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence

from mig.scripts.errors import (
    AmbiguousRevision,
    BranchLabelError,
    DuplicateRevision,
    MissingDependency,
    MissingDownRevision,
    RevisionCycle,
    UnknownRevision,
)
from mig.scripts.revision import Script


class RevisionMap:
    """All revisions of a script directory, indexed and linked."""

    def __init__(self, scripts: Iterable[Script]) -> None:
        self._revision_map: dict[str, Script] = {}
        for script in scripts:
            other = self._revision_map.get(script.revision)
            if other is not None:
                raise DuplicateRevision(script.revision, [str(other.path), str(script.path)])
            self._revision_map[script.revision] = script
        #: file order, the tie-breaker wherever an order is not implied by the graph
        self._order = {rev: i for i, rev in enumerate(self._revision_map)}
        self._labels: dict[str, Script] = {}
        self._sorted_ids: list[str] | None = None
        self._link()
        self._check_cycles()
        self._propagate_labels()
        scripts_ = self._revision_map.values()
        self.heads: tuple[str, ...] = tuple(s.revision for s in scripts_ if not s.nextrev)
        self.bases: tuple[str, ...] = tuple(s.revision for s in scripts_ if s.is_base)
        #: heads counting depends_on too: what the version table holds after ``upgrade heads``
        self._real_heads: tuple[str, ...] = tuple(
            s.revision for s in scripts_ if not s._all_nextrev
        )

    # --- building ------------------------------------------------------------------------

    def _link(self) -> None:
        rmap = self._revision_map
        for script in rmap.values():
            for label in script._branch_labels:
                if label in rmap:
                    raise BranchLabelError(
                        f"{script.path}: branch label {label!r} of revision "
                        f"{script.revision!r} is also a revision id; choose another label",
                        label,
                    )
                owner = self._labels.get(label)
                if owner is not None:
                    raise BranchLabelError(
                        f"{script.path}: branch label {label!r} of revision "
                        f"{script.revision!r} is already used by revision {owner.revision!r} "
                        f"({owner.path}); choose another label",
                        label,
                    )
                self._labels[label] = script
        children: dict[str, list[str]] = {rev: [] for rev in rmap}
        dependents: dict[str, list[str]] = {rev: [] for rev in rmap}
        for script in rmap.values():
            for down in script.down_revisions:
                if down not in rmap:
                    raise MissingDownRevision(script.revision, down, str(script.path))
                children[down].append(script.revision)
            resolved = []
            for dep in script._branch_deps():
                target = self._resolve_dependency(dep)
                if target is None:
                    raise MissingDependency(script.revision, dep, str(script.path))
                resolved.append(target)
            script._resolved_dependencies = tuple(dict.fromkeys(resolved))
            script._parents = tuple(dict.fromkeys(script.down_revisions + tuple(resolved)))
            for dep in script._resolved_dependencies:
                dependents[dep].append(script.revision)
        for rev, script in rmap.items():
            script.nextrev = frozenset(children[rev])
            script._all_nextrev = frozenset(children[rev] + dependents[rev])

    def _resolve_dependency(self, name: str) -> str | None:
        if name in self._revision_map:
            return name
        if name in self._labels:
            return self._labels[name].revision
        matches = [r for r in self._revision_map if r.startswith(name)]
        return matches[0] if len(matches) == 1 else None

    def _check_cycles(self) -> None:
        """Kahn's algorithm over both edge kinds; whatever is left sits on or above a cycle."""
        rmap = self._revision_map
        pending = {rev: len(s._all_down_revisions) for rev, s in rmap.items()}
        ready = [rev for rev, n in pending.items() if n == 0]
        done = 0
        while ready:
            rev = ready.pop()
            done += 1
            for child in rmap[rev]._all_nextrev:
                pending[child] -= 1
                if pending[child] == 0:
                    ready.append(child)
        if done == len(rmap):
            return
        # Walk parents among the leftovers until a revision repeats: that loop is the cycle.
        left = {rev for rev, n in pending.items() if n > 0}
        start = min(left, key=self._order.__getitem__)
        path: list[str] = []
        seen: dict[str, int] = {}
        node = start
        while node not in seen:
            seen[node] = len(path)
            path.append(node)
            node = next(p for p in rmap[node]._all_down_revisions if p in left)
        cycle = path[seen[node] :]
        cycle = [*reversed(cycle), cycle[-1]]  # shown oldest-to-newest, closed
        raise RevisionCycle(cycle, [str(rmap[r].path) for r in dict.fromkeys(cycle)])

    def _propagate_labels(self) -> None:
        for owner in self._labels.values():
            labels = owner._branch_labels
            for rev in self._descendants([owner.revision], include_dependencies=False):
                self._revision_map[rev].branch_labels.update(labels)

    # --- lookups -------------------------------------------------------------------------

    def __contains__(self, rev: str) -> bool:
        return rev in self._revision_map

    def __len__(self) -> int:
        return len(self._revision_map)

    def __iter__(self) -> Iterator[Script]:
        return iter(self._revision_map.values())

    @property
    def branch_labels(self) -> dict[str, str]:
        """label -> the revision that declares it."""
        return {label: s.revision for label, s in self._labels.items()}

    def label_owner(self, label: str) -> Script | None:
        return self._labels.get(label)

    def script(self, rev: str) -> Script:
        """The script with exactly this id (internal: ids already resolved)."""
        return self._revision_map[rev]

    def lookup(self, ident: str, branch: str | None = None) -> Script:
        """One revision by exact id, branch label or unique id prefix.

        With ``branch``, a prefix that is ambiguous overall but unique among the branch's
        revisions resolves to that one.
        """
        script = self._revision_map.get(ident)
        if script is not None:
            return script
        owner = self._labels.get(ident)
        if owner is not None:
            return owner
        matches = self._prefix_matches(ident)
        if len(matches) > 1 and branch is not None:
            on_branch = [m for m in matches if branch in self._revision_map[m].branch_labels]
            if len(on_branch) == 1:
                matches = on_branch
        if len(matches) == 1:
            return self._revision_map[matches[0]]
        if matches:
            raise AmbiguousRevision(ident, matches)
        raise UnknownRevision(ident)

    def _prefix_matches(self, prefix: str) -> list[str]:
        if self._sorted_ids is None:
            self._sorted_ids = sorted(self._revision_map)
        ids = self._sorted_ids
        i = bisect.bisect_left(ids, prefix)
        out = []
        while i < len(ids) and ids[i].startswith(prefix):
            out.append(ids[i])
            i += 1
        return out

    # --- walking -------------------------------------------------------------------------

    def _ancestors(self, revs: Iterable[str], include_dependencies: bool = True) -> set[str]:
        """The revisions given and everything below them."""
        rmap = self._revision_map
        seen: set[str] = set()
        stack = [r for r in revs]
        while stack:
            rev = stack.pop()
            if rev in seen:
                continue
            seen.add(rev)
            s = rmap[rev]
            stack.extend(s._all_down_revisions if include_dependencies else s.down_revisions)
        return seen

    def _descendants(
        self,
        revs: Iterable[str],
        include_dependencies: bool = True,
        within: set[str] | None = None,
    ) -> set[str]:
        """The revisions given and everything above them (optionally only inside ``within``)."""
        rmap = self._revision_map
        seen: set[str] = set()
        stack = [r for r in revs]
        while stack:
            rev = stack.pop()
            if rev in seen or (within is not None and rev not in within):
                continue
            seen.add(rev)
            s = rmap[rev]
            stack.extend(s._all_nextrev if include_dependencies else s.nextrev)
        return seen

    def upgrade_order(self, todo: set[str], tops: Sequence[str] | None = None) -> list[str]:
        """``todo`` in an order that applies every parent before its children.

        Depth-first from the top revisions, parents first: each branch comes out in one run,
        the branch of a merge's first down_revision last (right before the merge), which is
        the order Alembic users see. ``tops`` defaults to the members of ``todo`` nothing in
        ``todo`` depends on, in file order.
        """
        rmap = self._revision_map
        if tops is None:
            tops = [r for r in todo if not (rmap[r]._all_nextrev & todo)]
        tops = sorted((t for t in tops if t in todo), key=self._order.__getitem__)
        out: list[str] = []
        done: set[str] = set()
        for top in reversed(tops):
            if top in done:
                continue
            done.add(top)
            stack = [(top, iter(reversed(rmap[top]._all_down_revisions)))]
            while stack:
                rev, parents = stack[-1]
                for parent in parents:
                    if parent in todo and parent not in done:
                        done.add(parent)
                        stack.append((parent, iter(reversed(rmap[parent]._all_down_revisions))))
                        break
                else:
                    stack.pop()
                    out.append(rev)
        return out

    def downgrade_order(self, todo: set[str], tops: Sequence[str] | None = None) -> list[str]:
        """``todo`` with every revision before its parents (the upgrade order, reversed)."""
        return self.upgrade_order(todo, tops)[::-1]
