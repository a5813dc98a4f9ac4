"""``mig graph``: the revision graph as Graphviz dot or Mermaid.

Heads, branch labels, merge points and the database's current revision(s) are marked, so a
picture of the project's history answers "where are we, and where are the branches?".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mig.cli.command._env import script_directory
from mig.cli.config import Config
from mig.cli.errors import UsageError


def _label(script: Any, current: set[str]) -> str:
    parts = [script.revision]
    doc = script.doc.replace('"', "'")
    if doc:
        parts.append(doc if len(doc) <= 40 else doc[:37] + "...")
    marks = []
    if script.branch_labels:
        marks.append(", ".join(sorted(script.branch_labels)))
    if script.is_head:
        marks.append("head")
    if script.revision in current:
        marks.append("current")
    if marks:
        parts.append(f"({'; '.join(marks)})")
    return "\\n".join(parts)


def render_dot(scripts: list[Any], current: set[str]) -> str:
    lines = ["digraph revisions {", "  rankdir=BT;", '  node [shape=box, fontname="monospace"];']
    for s in scripts:
        attrs = [f'label="{_label(s, current)}"']
        if s.revision in current:
            attrs.append('style=filled, fillcolor="palegreen"')
        elif s.is_head:
            attrs.append("style=bold")
        if s.is_merge_point:
            attrs.append("shape=diamond")
        lines.append(f'  "{s.revision}" [{", ".join(attrs)}];')
    for s in scripts:
        for down in s.down_revisions:
            lines.append(f'  "{s.revision}" -> "{down}";')
        for dep in s.resolved_dependencies:
            lines.append(f'  "{s.revision}" -> "{dep}" [style=dashed, label="depends on"];')
    lines.append("}")
    return "\n".join(lines)


def _mermaid_id(rev: str) -> str:
    return "r_" + "".join(c if c.isalnum() else "_" for c in rev)


def render_mermaid(scripts: list[Any], current: set[str]) -> str:
    lines = ["flowchart BT"]
    for s in scripts:
        text = _label(s, current).replace("\\n", "<br/>")
        lines.append(f'  {_mermaid_id(s.revision)}["{text}"]')
    for s in scripts:
        for down in s.down_revisions:
            lines.append(f"  {_mermaid_id(s.revision)} --> {_mermaid_id(down)}")
        for dep in s.resolved_dependencies:
            lines.append(f"  {_mermaid_id(s.revision)} -. depends on .-> {_mermaid_id(dep)}")
    if current:
        lines.append("  classDef current fill:#9f9,stroke:#393")
        lines.append("  class " + ",".join(_mermaid_id(r) for r in sorted(current)) + " current")
    heads = [s.revision for s in scripts if s.is_head and s.revision not in current]
    if heads:
        lines.append("  classDef head stroke-width:3px")
        lines.append("  class " + ",".join(_mermaid_id(r) for r in heads) + " head")
    return "\n".join(lines)


RENDERERS: dict[str, Callable[[list[Any], set[str]], str]] = {
    "dot": render_dot,
    "mermaid": render_mermaid,
}


def graph(
    config: Config, format: str = "dot", indicate_current: bool = True, output: str | None = None
) -> str:
    """Write the graph (to ``output`` or stdout); ``indicate_current`` reads the database."""
    renderer = RENDERERS.get(format)
    if renderer is None:
        raise UsageError(f"graph --format {format!r}: use one of {', '.join(RENDERERS)}")
    script = script_directory(config)
    current: set[str] = set()
    if indicate_current:
        from mig.cli.command.run import current_heads

        current = set(current_heads(config, script))
    scripts = list(reversed(list(script.walk_revisions())))
    text = renderer(scripts, current)
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    else:
        config.print_stdout(text)
    return text
