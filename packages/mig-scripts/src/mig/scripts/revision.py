"""The Script object: one revision file and its place in the graph.

Attribute names follow what Alembic users and tools already call (``revision``,
``down_revision``, ``branch_labels``, ``dependencies``, ``nextrev``, ``is_head`` ...). A
Script is a small view on its :class:`~mig.scripts.graph.RevisionMap`: the map holds the
data, and makes a Script only for a revision someone asks about, so answering ``heads`` on
10,000 revisions builds no 10,000 objects. The module itself is imported only when something
asks for ``module`` (running the step), so listing executes no code.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from mig.scripts.header import Header, load_module, read_header, step_cache

if TYPE_CHECKING:
    from mig.scripts.graph import RevisionMap

_EMPTY: frozenset[str] = frozenset()


def as_written(values: tuple[str, ...]) -> str | tuple[str, ...] | None:
    """None, one value, or the tuple: how a header value is written (``down_revision``,
    ``branch_labels``, ``depends_on``), from the tuple the graph keeps."""
    return None if not values else values[0] if len(values) == 1 else values


class Script:
    """One revision. ``Script(header, path)`` makes one outside any map (its graph links are
    empty until a :class:`~mig.scripts.graph.RevisionMap` takes it in)."""

    __slots__ = ("_header", "_header_path", "_map", "_module", "revision")

    def __init__(self, header: Header | tuple, path: str | Path | None) -> None:
        self._header = tuple(header)[:5]
        self._header_path = str(path) if path is not None else None
        self.revision: str = self._header[0]
        self._map: RevisionMap | None = None
        self._module: ModuleType | None = None

    @classmethod
    def _of(cls, rmap: RevisionMap, rev: str) -> Script:
        """The view of revision ``rev`` of ``rmap`` (the map keeps one per revision)."""
        script = cls.__new__(cls)
        script.revision = rev
        script._map = rmap
        script._module = None
        return script

    def _linked(self) -> RevisionMap:
        if self._map is None:
            from mig.scripts.graph import RevisionMap

            RevisionMap([self])  # alone, it must be a base without dependencies
        assert self._map is not None
        return self._map

    # --- the header ----------------------------------------------------------------------

    @property
    def down_revision(self) -> str | tuple[str, ...] | None:
        """As written in the file: None, one id, or a tuple of ids for a merge."""
        return as_written(self.down_revisions)

    @property
    def down_revisions(self) -> tuple[str, ...]:
        """``down_revision`` as a tuple (empty for a base)."""
        if self._map is None:
            d = self._header[1]
            return () if d is None else (d,) if isinstance(d, str) else tuple(d)
        return self._map._downs[self.revision]

    @property
    def dependencies(self) -> str | tuple[str, ...] | None:
        """``depends_on`` as written: None, one name, or a tuple."""
        if self._map is None:
            return as_written(tuple(self._header[3]))
        return as_written(self._map._written_deps.get(self.revision, ()))

    @property
    def _branch_labels(self) -> frozenset[str]:
        """The labels declared in this file (``branch_labels`` also holds inherited ones)."""
        if self._map is None:
            return frozenset(self._header[2])
        return frozenset(self._map._declared.get(self.revision, ()))

    @property
    def branch_labels(self) -> frozenset[str]:
        """The labels declared here and inherited from the revisions below."""
        return self._linked()._branch.get(self.revision, _EMPTY)

    @property
    def longdoc(self) -> str:
        """The whole docstring, stripped. (The cache keeps only the first paragraph: a map
        loaded from it, or rebuilt from it where only some files changed, reads the rest
        from the file the first time it is asked for.)"""
        if self._map is None:
            return str(self._header[4]).strip()
        rmap, rev = self._map, self.revision
        text = rmap._longdoc.get(rev)
        if text is None:
            path = self.path
            whole = read_header(path).docstring.strip() if path is not None else ""
            text = rmap._longdoc[rev] = whole
        return text

    @property
    def doc(self) -> str:
        """The first paragraph of the docstring: the message given to ``revision -m``."""
        if self._map is None:
            from mig.scripts.graph import first_paragraph

            return first_paragraph(self.longdoc)
        return self._map._doc[self.revision]

    @property
    def path(self) -> str | None:
        if self._map is None:
            return self._header_path
        return self._map._path(self.revision)

    # --- the links -----------------------------------------------------------------------

    @property
    def nextrev(self) -> frozenset[str]:
        """The revisions that name this one as down_revision."""
        return frozenset(self._linked()._children[self.revision])

    @property
    def all_nextrev(self) -> frozenset[str]:
        """Children through ``down_revision`` and ``depends_on`` alike (empty: a head the
        version table keeps after ``upgrade heads``)."""
        return frozenset(self._linked()._all_children[self.revision])

    @property
    def all_down_revisions(self) -> tuple[str, ...]:
        """Parents through ``down_revision`` and ``depends_on`` alike."""
        return self._linked()._parents[self.revision]

    @property
    def resolved_dependencies(self) -> tuple[str, ...]:
        """``depends_on`` resolved to revision ids (labels and prefixes looked up)."""
        return self._linked()._resolved.get(self.revision, ())

    # Alembic's Script keeps these three under underscore names, which tools written for it
    # read; mig's own code uses the public names above.
    _all_nextrev = all_nextrev
    _all_down_revisions = all_down_revisions
    _resolved_dependencies = resolved_dependencies

    @property
    def is_head(self) -> bool:
        """No revision names this one as its down_revision."""
        return self.revision in self._linked()._head_set

    @property
    def is_base(self) -> bool:
        return not self.down_revisions

    @property
    def _is_real_base(self) -> bool:
        """A base that nothing is a dependency of either (neither down nor depends_on)."""
        return not self.all_down_revisions

    @property
    def is_merge_point(self) -> bool:
        return len(self.down_revisions) > 1

    @property
    def is_branch_point(self) -> bool:
        return self.revision in self._linked()._branch_point_set

    # --- the module ----------------------------------------------------------------------

    @property
    def module(self) -> ModuleType:
        """The imported script, loaded on first use."""
        if self._module is None:
            path = self.path
            if path is None:
                raise AttributeError(f"revision {self.revision!r} has no file to import")
            self._module = load_module(path)
        return self._module

    @property
    def checksum(self) -> str | None:
        """``sha256:<hex>`` of the script's source, as the history table records it: of
        the source the imported module ran, once it is imported (so a file edited since
        is not what the row names), else from the step cache."""
        cache = step_cache()
        if self._module is not None:
            ran = cache.ran_checksum(self._module)
            if ran is not None:
                return ran
        path = self.path
        return None if path is None else cache.checksum_of(path)

    # --- the text ------------------------------------------------------------------------

    def __repr__(self) -> str:
        extra = ""
        if self.dependencies:
            extra += f", dependencies={self.dependencies!r}"
        if self._branch_labels:
            extra += f", branch_labels={sorted(self.branch_labels)!r}"
        return f"Script({self.revision!r}, {self.down_revision!r}{extra})"

    def _head_marks(self) -> str:
        rmap = self._linked()
        rev = self.revision
        marks = []
        if rev in rmap._head_set:
            marks.append("head")
        if rev in rmap._branch_point_set:
            marks.append("branchpoint")
        if len(rmap._downs[rev]) > 1:
            marks.append("mergepoint")
        return f" ({', '.join(marks)})" if marks else ""

    def cmd_format(self, verbose: bool = False) -> str:
        """The one-line (or, verbose, multi-line) form ``history`` prints."""
        rmap = self._map
        if rmap is None:
            rmap = self._linked()
        rev = self.revision
        downs = rmap._downs[rev]
        if not verbose and len(downs) == 1 and rev not in rmap._marked:
            labels = rmap._branch.get(rev) if rmap._branch else None
            if not labels:  # the most common line: a revision in the middle of a chain
                return f"{downs[0]} -> {rev}, {rmap._doc[rev]}"
        down = ", ".join(downs) if downs else "<base>"
        labels = rmap._branch.get(rev)
        shown = f" ({', '.join(sorted(labels))})" if labels else ""
        if not verbose:
            return f"{down} -> {rev}{self._head_marks()}{shown}, {rmap._doc[rev]}"
        parts = [f"Rev: {rev}{self._head_marks()}", f"Parent: {down}"]
        resolved = rmap._resolved.get(rev)
        if resolved:
            parts.append(f"Also depends on: {', '.join(resolved)}")
        if labels:
            parts.append(f"Branch names: {', '.join(sorted(labels))}")
        path = self.path
        if path:
            parts.append(f"Path: {path}")
        parts.append("")
        parts.extend(f"    {line}" for line in self.longdoc.splitlines())
        return "\n".join(parts) + "\n"
