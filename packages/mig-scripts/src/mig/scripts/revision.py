"""The Script object: one revision file and its place in the graph.

Attribute names follow what Alembic users and tools already call (``revision``,
``down_revision``, ``branch_labels``, ``dependencies``, ``nextrev``, ``is_head`` ...). The
module itself is imported only when something asks for ``module`` (running the step, or a
header that is not a literal), so listing thousands of revisions executes no code.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

from mig.scripts.header import Header, load_module


class Script:
    """One revision. Graph links (``nextrev`` etc.) are filled in by the revision map."""

    __slots__ = (
        "_all_nextrev",
        "_branch_labels",
        "_module",
        "_parents",
        "_resolved_dependencies",
        "branch_labels",
        "dependencies",
        "down_revision",
        "longdoc",
        "nextrev",
        "path",
        "revision",
    )

    def __init__(self, header: Header, path: str | Path | None) -> None:
        self.revision: str = header.revision
        #: as written in the file: None, one id, or a tuple of ids for a merge
        self.down_revision: str | tuple[str, ...] | None = header.down_revision
        #: the labels declared in this file (``branch_labels`` also holds inherited ones)
        self._branch_labels: frozenset[str] = frozenset(header.branch_labels)
        self.branch_labels: set[str] = set(header.branch_labels)
        #: ``depends_on`` as written: None, one name, or a tuple
        deps = header.depends_on
        self.dependencies: str | tuple[str, ...] | None = (
            None if not deps else deps[0] if len(deps) == 1 else deps
        )
        self._resolved_dependencies: tuple[str, ...] = ()
        self._parents: tuple[str, ...] = self.down_revisions
        self.longdoc: str = header.docstring.strip()
        self.path: str | None = str(path) if path is not None else None
        self.nextrev: frozenset[str] = frozenset()
        self._all_nextrev: frozenset[str] = frozenset()
        self._module: ModuleType | None = None

    # --- the links -----------------------------------------------------------------------

    @property
    def down_revisions(self) -> tuple[str, ...]:
        """``down_revision`` as a tuple (empty for a base)."""
        d = self.down_revision
        return () if d is None else (d,) if isinstance(d, str) else d

    def _branch_deps(self) -> tuple[str, ...]:
        """``depends_on`` as a tuple of names (ids, prefixes or branch labels)."""
        d = self.dependencies
        return () if d is None else (d,) if isinstance(d, str) else d

    @property
    def _all_down_revisions(self) -> tuple[str, ...]:
        """Parents through ``down_revision`` and ``depends_on`` alike (set by the map)."""
        return self._parents

    @property
    def is_head(self) -> bool:
        """No revision names this one as its down_revision."""
        return not self.nextrev

    @property
    def is_base(self) -> bool:
        return self.down_revision is None

    @property
    def _is_real_base(self) -> bool:
        """A base that nothing is a dependency of either (neither down nor depends_on)."""
        return self.down_revision is None and not self._resolved_dependencies

    @property
    def is_merge_point(self) -> bool:
        return len(self.down_revisions) > 1

    @property
    def is_branch_point(self) -> bool:
        return len(self.nextrev) > 1

    # --- the text ------------------------------------------------------------------------

    @property
    def doc(self) -> str:
        """The first paragraph of the docstring: the message given to ``revision -m``."""
        return re.split(r"\n\s*\n", self.longdoc, maxsplit=1)[0]

    @property
    def module(self) -> ModuleType:
        """The imported script, loaded on first use."""
        if self._module is None:
            if self.path is None:
                raise AttributeError(f"revision {self.revision!r} has no file to import")
            self._module = load_module(Path(self.path))
        return self._module

    def __repr__(self) -> str:
        extra = ""
        if self.dependencies:
            extra += f", dependencies={self.dependencies!r}"
        if self._branch_labels:
            extra += f", branch_labels={sorted(self.branch_labels)!r}"
        return f"Script({self.revision!r}, {self.down_revision!r}{extra})"

    def _head_marks(self) -> str:
        marks = []
        if self.is_head:
            marks.append("head")
        if self.is_branch_point:
            marks.append("branchpoint")
        if self.is_merge_point:
            marks.append("mergepoint")
        return f" ({', '.join(marks)})" if marks else ""

    def cmd_format(self, verbose: bool = False) -> str:
        """The one-line (or, verbose, multi-line) form ``history`` prints."""
        down = ", ".join(self.down_revisions) or "<base>"
        labels = f" ({', '.join(sorted(self.branch_labels))})" if self.branch_labels else ""
        line = f"{down} -> {self.revision}{self._head_marks()}{labels}, {self.doc}"
        if not verbose:
            return line
        parts = [f"Rev: {self.revision}{self._head_marks()}"]
        parts.append(f"Parent: {down}")
        if self._resolved_dependencies:
            parts.append(f"Also depends on: {', '.join(self._resolved_dependencies)}")
        if self.branch_labels:
            parts.append(f"Branch names: {', '.join(sorted(self.branch_labels))}")
        if self.path:
            parts.append(f"Path: {self.path}")
        parts.append("")
        parts.extend(f"    {line}" for line in self.longdoc.splitlines())
        return "\n".join(parts) + "\n"
