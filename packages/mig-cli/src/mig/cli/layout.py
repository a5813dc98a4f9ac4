"""The text ``heads``, ``current``, ``history``, ``branches`` and ``show`` print: Alembic's layout.

Deploy scripts grep this text (``grep '(head)'``, ``Rev: ...``), so each line is laid out as
Alembic lays it out, mark by mark and in the same order. Where Alembic prints a set (branch
labels, the children of a branch point) in Python's hash order, which changes from one run
to the next, mig prints it sorted, so its output is stable.

A revision is a :class:`mig.scripts.Script`; ``current`` is the set of revisions the
database's version table holds (for ``(current)``), empty when not asked.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any


def _comma(values: Any) -> str:
    if values is None:
        return ""
    if isinstance(values, str):
        return values
    return ", ".join(values)


def _parents(script: Any) -> str:
    return _comma(script.down_revisions) if script.down_revisions else "<base>"


def _depends(script: Any) -> tuple[str, ...]:
    deps = script.dependencies
    return () if not deps else (deps,) if isinstance(deps, str) else tuple(deps)


@dataclass(frozen=True)
class Line:
    """Which parts of a one-line entry are shown (Alembic's ``cmd_format`` switches)."""

    branches: bool = False  # "(label, ...)"
    doc: bool = False  # ", message"
    parents: bool = False  # "down -> rev"
    tree: bool = True  # "(branchpoint)", "(mergepoint)"
    head: bool = True  # "(head)", "(effective head)", "(current)"


#: the one-line form each command prints
HEADS = Line(branches=True, tree=False)
HISTORY = Line(branches=True, doc=True, parents=True)
BRANCH_POINT = Line(branches=True)
CURRENT = Line()


def one_line(script: Any, how: Line, current: Collection[str] = ()) -> str:
    """``[down (deps) -> ]rev[ (labels)][ (head)][ (current)][ (branchpoint)][, doc]``."""
    text = script.revision
    if how.parents:
        deps = _depends(script)
        joined = f"{_parents(script)} ({_comma(deps)})" if deps else _parents(script)
        text = f"{joined} -> {text}"
    if how.branches and script.branch_labels:
        text += f" ({_comma(sorted(script.branch_labels))})"
    if how.head or how.tree:
        if not script.all_nextrev:
            text += " (head)"
        elif script.is_head:  # a head that another revision depends_on
            text += " (effective head)"
        if script.revision in current:
            text += " (current)"
    if how.tree:
        if script.is_branch_point:
            text += " (branchpoint)"
        if script.is_merge_point:
            text += " (mergepoint)"
    if how.doc:
        text += f", {script.doc}"
    return text


def log_entry(script: Any, current: Collection[str] = ()) -> str:
    """The verbose block (``-v``, ``show``): ``Rev:``, ``Parent:``/``Merges:``, ``Path:``,
    the docstring indented; it ends with a newline, so printed it leaves a blank line."""
    marks = ""
    if script.is_head:
        marks += " (head)"
    if script.is_branch_point:
        marks += " (branchpoint)"
    if script.is_merge_point:
        marks += " (mergepoint)"
    if script.revision in current:
        marks += " (current)"
    lines = [f"Rev: {script.revision}{marks}"]
    lines.append(f"{'Merges' if script.is_merge_point else 'Parent'}: {_parents(script)}")
    deps = _depends(script)
    if deps:
        lines.append(f"Also depends on: {_comma(deps)}")
    if script.is_branch_point:
        lines.append(f"Branches into: {_comma(sorted(script.nextrev))}")
    if script.branch_labels:
        lines.append(f"Branch names: {_comma(sorted(script.branch_labels))}")
    lines.append(f"Path: {script.path}")
    lines.append("")
    lines.append("\n".join(f"    {para}" for para in script.longdoc.splitlines()))
    return "\n".join(lines) + "\n"


def entry(script: Any, verbose: bool, how: Line, current: Collection[str] = ()) -> str:
    """What one revision prints: the verbose block, or the one-line form ``how``."""
    return log_entry(script, current) if verbose else one_line(script, how, current)


def branch_block(point: Any, children: list[Any], verbose: bool) -> str:
    """A branch point and the revisions leaving it, then a blank line (``branches``)."""
    indent = " " * len(point.revision)
    child = Line(branches=True, doc=verbose)
    lines = [entry(point, verbose, BRANCH_POINT)]
    lines.extend(f"{indent} -> {one_line(c, child)}" for c in children)
    return "\n".join(lines) + "\n"
