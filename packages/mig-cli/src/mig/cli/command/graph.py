"""``mig graph``: the revision graph as Graphviz dot, Mermaid, or a picture (svg, png).

History reads left to right, base first. Heads are bold, branch labels and the database's
current revision(s) marked, and the two places where history changes shape are shaped:
a branch point (two or more revisions follow it) is an arrow-like ``cds`` node, a merge
point a hexagon. No revision is folded away: at 40 revisions with two branches and a merge
the picture is still one readable strip, and hiding steps would hide what a reviewer looks
for. The marker of the current revision needs the database; when it cannot be read (the
server is down, no URL), the graph is drawn without it and a note on stderr says why.
``svg`` and ``png`` are made by Graphviz's ``dot`` from the dot text, so they need ``dot``
on PATH.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mig.cli.command._env import script_directory
from mig.cli.config import Config
from mig.cli.errors import CommandError, UsageError, classify, one_line

#: the longest message shown in a node (the rest is cut with "...")
MESSAGE_WIDTH = 30
#: Graphviz's shape for each kind of node, and Mermaid's brackets for the same
DOT_SHAPES = {"revision": "box", "fold": "box", "branch point": "cds", "merge point": "hexagon"}
MERMAID_SHAPES = {
    "revision": ('("', '")'),
    "fold": ('["', '"]'),
    "branch point": ('>"', '"]'),
    "merge point": ('{{"', '"}}'),
}
#: runs of this many plain revisions (or more) are drawn as one node; ``--no-fold`` draws all
FOLD_AT = 6
GRAPHVIZ_HINT = (
    "install Graphviz (apt-get install graphviz, brew install graphviz, choco install "
    "graphviz, or https://graphviz.org/download/), or write --format dot and render it elsewhere"
)


def own_labels(script: Any) -> frozenset[str]:
    """The branch labels the revision's file declares (not those it inherits)."""
    return frozenset(getattr(script, "_branch_labels", script.branch_labels))


def kind(script: Any) -> str:
    """``merge point``, ``branch point`` or ``revision`` (a merge that forks is a merge)."""
    if script.is_merge_point:
        return "merge point"
    if script.is_branch_point:
        return "branch point"
    return "revision"


@dataclass
class Node:
    """One box of the picture: a revision, or a fold of ``folded`` plain revisions."""

    id: str
    lines: list[str]
    kind: str = "revision"
    head: bool = False
    current: bool = False
    folded: tuple[str, ...] = ()


@dataclass
class Picture:
    """What the renderers draw: nodes base first, edges ``(older, newer, depends_on)``."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[tuple[str, str, bool]] = field(default_factory=list)


def _label(script: Any, current: set[str]) -> list[str]:
    parts = [script.revision]
    doc = " ".join(script.doc.replace('"', "'").split())
    if doc:
        cut = MESSAGE_WIDTH - 3
        parts.append(doc if len(doc) <= MESSAGE_WIDTH else doc[:cut].rstrip() + "...")
    marks = []
    if own_labels(script):
        marks.append(", ".join(sorted(own_labels(script))))
    if kind(script) != "revision":
        marks.append(kind(script))
    if script.is_head:
        marks.append("head")
    if script.revision in current:
        marks.append("current")
    if marks:
        parts.append(f"({'; '.join(marks)})")
    return parts


def _plain(script: Any, current: set[str], depended: set[str]) -> bool:
    """A revision with nothing to show but its message: one parent, one child, no label,
    not a head, base or the current revision, no depends_on either way."""
    return (
        len(script.down_revisions) == 1
        and len(script.nextrev) == 1
        and not own_labels(script)
        and script.revision not in current
        and script.revision not in depended
        and not script.resolved_dependencies
    )


def picture(scripts: list[Any], current: set[str], fold: int | None = FOLD_AT) -> Picture:
    """The nodes and edges for ``scripts`` (base first).

    With ``fold``, each run of at least ``fold`` consecutive plain revisions (see
    :func:`_plain`) becomes one node naming the first and last of the run and how many it
    holds; heads, bases, branch and merge points, labels and the current revision always
    stay. ``fold=None`` draws every revision.
    """
    depended = {d for s in scripts for d in s.resolved_dependencies}
    by_rev = {s.revision: s for s in scripts}
    owner: dict[str, str] = {}  # revision -> the node that shows it
    out = Picture()
    done: set[str] = set()
    for s in scripts:
        if s.revision in done:
            continue
        run = [s]
        if fold is not None and _plain(s, current, depended):
            while True:
                (child,) = run[-1].nextrev
                nxt = by_rev.get(child)
                if nxt is None or not _plain(nxt, current, depended):
                    break
                run.append(nxt)
        if fold is None or len(run) < fold:
            run = [s]
        done.update(r.revision for r in run)
        if len(run) == 1:
            owner[s.revision] = s.revision
            out.nodes.append(
                Node(s.revision, _label(s, current), kind(s), s.is_head, s.revision in current)
            )
            continue
        node_id = f"{run[0].revision}..{run[-1].revision}"
        revs = tuple(r.revision for r in run)
        for rev in revs:
            owner[rev] = node_id
        lines = [f"{run[0].revision} .. {run[-1].revision}", f"({len(run)} revisions)"]
        out.nodes.append(Node(node_id, lines, "fold", folded=revs))
    for s in scripts:
        for down in s.down_revisions:
            if owner.get(down, down) != owner[s.revision]:
                out.edges.append((owner.get(down, down), owner[s.revision], False))
        for dep in s.resolved_dependencies:
            out.edges.append((owner.get(dep, dep), owner[s.revision], True))
    return out


def render_dot(pic: Picture) -> str:
    lines = [
        "digraph revisions {",
        "  rankdir=LR;",
        "  nodesep=0.25; ranksep=0.35;",
        '  node [shape=box, style=rounded, fontname="monospace", fontsize=10, margin="0.1,0.05"];',
        "  edge [arrowsize=0.6];",
    ]
    for node in pic.nodes:
        label = "\\n".join(node.lines)
        attrs = [f'label="{label}"']
        shape = DOT_SHAPES[node.kind]
        if shape != "box":
            attrs.append(f'shape={shape}, margin="0.2,0.1"')
        styles = ["rounded"]
        if node.kind == "fold":
            styles.append("dashed")
        if node.current:
            styles.append("filled")
            attrs.append('fillcolor="palegreen"')
        if node.head:
            styles.append("bold")
        if len(styles) > 1:
            attrs.append(f'style="{",".join(styles)}"')
        lines.append(f'  "{node.id}" [{", ".join(attrs)}];')
    for older, newer, depends in pic.edges:
        extra = ' [style=dashed, label="depends on"]' if depends else ""
        lines.append(f'  "{older}" -> "{newer}"{extra};')
    lines.append("}")
    return "\n".join(lines)


def _mermaid_id(rev: str) -> str:
    return "r_" + "".join(c if c.isalnum() else "_" for c in rev)


def render_mermaid(pic: Picture) -> str:
    lines = ["flowchart LR"]
    for node in pic.nodes:
        opening, closing = MERMAID_SHAPES[node.kind]
        lines.append(f"  {_mermaid_id(node.id)}{opening}{'<br/>'.join(node.lines)}{closing}")
    for older, newer, depends in pic.edges:
        arrow = "-. depends on .->" if depends else "-->"
        lines.append(f"  {_mermaid_id(older)} {arrow} {_mermaid_id(newer)}")
    current = [n.id for n in pic.nodes if n.current]
    if current:
        lines.append("  classDef current fill:#9f9,stroke:#393")
        lines.append("  class " + ",".join(_mermaid_id(r) for r in sorted(current)) + " current")
    heads = [n.id for n in pic.nodes if n.head and not n.current]
    if heads:
        lines.append("  classDef head stroke-width:3px")
        lines.append("  class " + ",".join(_mermaid_id(r) for r in heads) + " head")
    return "\n".join(lines)


RENDERERS: dict[str, Callable[[Picture], str]] = {
    "dot": render_dot,
    "mermaid": render_mermaid,
}
#: pictures Graphviz's dot makes from the dot text: format -> is it text
PICTURES: dict[str, bool] = {"svg": True, "png": False}
FORMATS = (*RENDERERS, *PICTURES)


def dot_program() -> str | None:
    """Where Graphviz's ``dot`` is, or None."""
    return shutil.which("dot")


def render_picture(dot_text: str, format: str) -> bytes:
    """``dot -T<format>`` of ``dot_text``; a one-line UsageError when dot is missing."""
    program = dot_program()
    if program is None:
        raise UsageError(f"graph --format {format} needs Graphviz's `dot` on PATH: {GRAPHVIZ_HINT}")
    proc = subprocess.run([program, f"-T{format}"], input=dot_text.encode(), capture_output=True)
    if proc.returncode != 0:
        reason = proc.stderr.decode(errors="replace").strip().splitlines() or ["no message"]
        raise CommandError(f"dot -T{format} failed: {reason[0]}")
    return proc.stdout


def _current(config: Config, script: Any) -> set[str]:
    """The database's revisions; none, with a note on stderr, when it cannot be read."""
    from mig.cli.command.run import current_heads

    try:
        return set(current_heads(config, script))
    except Exception as exc:
        if classify(exc) is None:
            raise  # a bug, not an unreachable database
        print(
            f"mig graph: drawn without the current revision ({one_line(exc)}); "
            f"--no-current skips the database",
            file=sys.stderr,
        )
        return set()


def graph(
    config: Config,
    format: str = "dot",
    indicate_current: bool = True,
    output: str | None = None,
    fold: bool = True,
) -> str:
    """Write the graph (to ``output`` or stdout) and return its dot or Mermaid text.

    ``indicate_current`` reads the database to mark its revision; ``svg`` and ``png`` are
    drawn by Graphviz's ``dot`` (``png`` only to a file); ``fold`` draws each run of
    :data:`FOLD_AT` or more plain revisions as one node.
    """
    if format not in FORMATS:
        raise UsageError(f"graph --format {format!r}: use one of {', '.join(FORMATS)}")
    if format in PICTURES and not PICTURES[format] and not output:
        raise UsageError(f"graph --format {format} writes a binary picture: pass -o FILE")
    script = script_directory(config)
    current = _current(config, script) if indicate_current else set()
    scripts = list(reversed(list(script.walk_revisions())))
    pic = picture(scripts, current, FOLD_AT if fold else None)
    text = RENDERERS.get(format, render_dot)(pic)
    if format in PICTURES:
        drawn = render_picture(text, format)
        if output:
            with open(output, "wb") as fh:
                fh.write(drawn)
        else:
            config.print_stdout(drawn.decode("utf-8").rstrip("\n"))
        return text
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    else:
        config.print_stdout(text)
    return text
