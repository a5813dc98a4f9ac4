"""Walking the revision graph: what lies below or above, and the orders steps run in.

A mixin of :class:`~mig.scripts.graph.RevisionMap`, which holds the links: this module is
only the walks over them (upgrade order, Alembic's history order, cycle reports), kept apart
from how the map is built, looked up and cached.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from mig.scripts.errors import RevisionCycle


class Walks:
    """The walks of a revision map; the links are the map's (see graph.py)."""

    # (set by RevisionMap; annotated here for the walks that read them)
    heads: tuple[str, ...]
    _downs: dict[str, tuple[str, ...]]
    _parents: dict[str, tuple[str, ...]]
    _children: dict[str, tuple[str, ...]] | dict[str, list[str]]
    _all_children: dict[str, tuple[str, ...]] | dict[str, list[str]]
    _resolved: dict[str, tuple[str, ...]]
    _order: dict[str, int]
    _full_order: tuple[str, ...]
    _real_heads: tuple[str, ...]

    def _path(self, rev: str) -> str:
        raise NotImplementedError

    def _covers_heads(self, revs: Sequence[str]) -> bool:
        """Do ``revs`` include every head? (Then everything lies below them.)"""
        heads = self.heads
        return bool(heads) and len(revs) >= len(heads) and not set(heads).difference(revs)

    def ancestors(self, revs: Iterable[str], include_dependencies: bool = True) -> set[str]:
        """The revisions given (known ids) and everything below them, through
        ``down_revision`` and, unless ``include_dependencies`` is false, ``depends_on``."""
        stack = list(revs)
        if self._covers_heads(stack):
            # every revision lies below some head (down_revision links alone reach it)
            return set(self._downs)
        links = self._parents if include_dependencies else self._downs
        seen: set[str] = set()
        while stack:
            rev = stack.pop()
            if rev in seen:
                continue
            seen.add(rev)
            stack.extend(links[rev])
        return seen

    def descendants(
        self,
        revs: Iterable[str],
        include_dependencies: bool = True,
        within: set[str] | None = None,
    ) -> set[str]:
        """The revisions given and everything above them (optionally only inside ``within``)."""
        links = self._all_children if include_dependencies else self._children
        seen: set[str] = set()
        stack = list(revs)
        while stack:
            rev = stack.pop()
            if rev in seen or (within is not None and rev not in within):
                continue
            seen.add(rev)
            stack.extend(links[rev])
        return seen

    def upgrade_order(self, todo: set[str], tops: Sequence[str] | None = None) -> list[str]:
        """``todo`` in an order that applies every parent before its children.

        Depth-first from the top revisions, parents first: each branch comes out in one run,
        the branch of a merge's first down_revision last (right before the merge), which is
        the order Alembic users see. ``tops`` defaults to the members of ``todo`` nothing in
        ``todo`` depends on, in file order.
        """
        if tops is None and len(todo) == len(self._downs):
            return list(self._full_order)  # todo is every revision: computed once, cached
        return self._order_from(todo, tops)

    def _order_from(
        self,
        todo: set[str] | dict[str, int],
        tops: Sequence[str] | None = None,
        check: bool = False,
    ) -> list[str]:
        """The depth-first order of :meth:`upgrade_order`; with ``check``, ``todo`` is every
        revision and a cycle (a parent met again while its own parents are being walked, or
        a revision no top reaches) is reported."""
        all_children, parents_of, order = self._all_children, self._parents, self._order
        if tops is None:
            if check:
                tops = list(self._real_heads)
            else:
                tops = [r for r in todo if todo.isdisjoint(all_children[r])]
                tops.sort(key=order.__getitem__)
        else:
            tops = sorted((t for t in tops if t in todo), key=order.__getitem__)
        out: list[str] = []
        done: set[str] = set()
        walking: set[str] = set()
        for top in reversed(tops):
            if top in done:
                continue
            done.add(top)
            walking.add(top)
            stack = [(top, reversed(parents_of[top]))]
            while stack:
                rev, parents = stack[-1]
                for parent in parents:
                    if parent in todo and parent not in done:
                        done.add(parent)
                        walking.add(parent)
                        stack.append((parent, reversed(parents_of[parent])))
                        break
                    if check and parent in walking:
                        self._report_cycle()
                else:
                    stack.pop()
                    walking.discard(rev)
                    out.append(rev)
        if check and len(out) != len(order):
            self._report_cycle()
        return out

    def _history_extra(self, rev: str) -> tuple[str, ...]:
        """The depends_on targets of ``rev`` that no revision below it (through
        down_revision) already depends on: the dependency links a history walk follows."""
        resolved = self._resolved.get(rev)
        if not resolved:
            return ()
        inherited: set[str] = set()
        for below in self.ancestors([rev], include_dependencies=False):
            if below != rev:
                inherited.update(self._resolved.get(below, ()))
        return tuple(d for d in resolved if d not in inherited)

    def history_order(self, todo: Collection[str], tops: Sequence[str]) -> list[str]:
        """``todo`` newest first, in the order Alembic's ``history`` lists revisions.

        Walk down from the tops (in file order) one line at a time; a revision that
        another line still being walked has below it waits until that line reaches it,
        so a branch comes out whole before the revision it leaves from. After a merge
        point the walk continues with its first down_revision and queues the others.
        """
        pending = set(todo)
        order = self._order
        lines = sorted({t for t in tops if t in pending}, key=order.__getitem__)
        below = [self.ancestors([t]) for t in lines]
        out: list[str] = []
        i = 0
        while lines:
            rev = lines[i]
            waiting = next((j for j, seen in enumerate(below) if j != i and rev in seen), None)
            if waiting is not None:
                i = waiting  # another line reaches rev: walk that one first
                continue
            if rev in pending:
                out.append(rev)
                pending.discard(rev)
            downs, extra = self._downs[rev], self._history_extra(rev)
            links = dict.fromkeys(downs + extra)
            parents = [p for p in links if p in pending and p not in lines]
            if not parents:
                del lines[i], below[i]
                i = max(i - 1, 0)
            elif len(downs) == 1 and not extra:
                lines[i] = parents[0]  # the plain step down a line
                below[i].discard(rev)
            else:
                lines[i] = parents[0]
                lines.extend(parents[1:])
                below[i] = self.ancestors([parents[0]])
                below.extend(self.ancestors([p]) for p in parents[1:])
        return out

    def downgrade_order(self, todo: set[str], tops: Sequence[str] | None = None) -> list[str]:
        """``todo`` with every revision before its parents (the upgrade order, reversed)."""
        return self.upgrade_order(todo, tops)[::-1]

    def _report_cycle(self) -> None:
        """Kahn's algorithm over both edge kinds; whatever is left sits on or above a cycle."""
        parents_of = self._parents
        pending = {rev: len(p) for rev, p in parents_of.items()}
        ready = [rev for rev, n in pending.items() if n == 0]
        while ready:
            rev = ready.pop()
            for child in self._all_children[rev]:
                pending[child] -= 1
                if pending[child] == 0:
                    ready.append(child)
        left = {rev for rev, n in pending.items() if n > 0}
        if not left:
            return
        # Walk parents among the leftovers until a revision repeats: that loop is the cycle.
        start = min(left, key=self._order.__getitem__)
        path: list[str] = []
        seen: dict[str, int] = {}
        node = start
        while node not in seen:
            seen[node] = len(path)
            path.append(node)
            node = next(p for p in parents_of[node] if p in left)
        cycle = path[seen[node] :]
        cycle = [*reversed(cycle), cycle[-1]]  # shown oldest-to-newest, closed
        raise RevisionCycle(cycle, [self._path(r) for r in dict.fromkeys(cycle)])

    def tops(self, revs: Collection[str], include_dependencies: bool = False) -> list[str]:
        """The members of ``revs`` that no other member has as a down_revision (or, with
        ``include_dependencies``, as a depends_on either), in file order: the top of each
        line of history in ``revs``."""
        links = self._all_children if include_dependencies else self._children
        members = revs if isinstance(revs, set | frozenset) else set(revs)
        found = [r for r in members if members.isdisjoint(links[r])]
        return sorted(found, key=self._order.__getitem__)

    # the names the other modules of mig.scripts have always used
    _ancestors = ancestors
    _descendants = descendants
