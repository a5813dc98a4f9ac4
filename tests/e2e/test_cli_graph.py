"""``mig graph``: drawn without the current marker when the database is down, left to
right with branch and merge points shaped, long plain runs folded, svg/png through
Graphviz's ``dot``; and the README's picture is what the command draws."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from . import graph_project
from .conftest import Project

REPO = Path(__file__).resolve().parents[2]
DOWN_URL = "postgresql+psycopg://nobody@127.0.0.1:1/app"


def _forty(tmp_path: Path) -> Project:
    root = graph_project.build(tmp_path / "forty")
    return Project(root, f"sqlite:///{root / 'graph.db'}", in_process=True)


def _nodes(dot: str) -> dict[str, str]:
    """node id -> its attribute text."""
    return dict(re.findall(r'(?m)^  "([^"]+)" \[(.*)\];$', dot))


def test_graph_draws_without_the_marker_when_the_database_is_down(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    project = Project(root, DOWN_URL, in_process=True)
    project.init()
    project.revision("a00001", "first", "pass", "pass")
    result = project.mig("graph")
    assert result.out.startswith("digraph revisions {\n  rankdir=LR;")
    assert '"a00001" [label="a00001\\nfirst\\n(head)", style="rounded,bold"];' in result.out
    note = result.err.strip()
    assert note.startswith("mig graph: drawn without the current revision (cannot connect to ")
    assert note.endswith("; --no-current skips the database")
    assert len(note.splitlines()) == 1
    quiet = project.mig("graph", "--no-current")
    assert (quiet.out, quiet.err) == (result.out, "")


def test_forty_revisions_two_branches_and_a_merge_read_left_to_right(tmp_path: Path) -> None:
    project = _forty(tmp_path)
    dot = project.mig("graph", "--no-current").out
    # the README's picture is drawn from exactly this text
    assert dot == (REPO / "docs" / "revision-graph.dot").read_text()
    nodes = _nodes(dot)
    assert list(nodes) == [
        "t01a1",
        "t02a1..t14a1",
        "t15a1",
        "r01c3",
        "r02c3..r12c3",
        "m01b2..m11b2",
        "x01d4",
        "x02e5",
    ]
    assert "shape=cds" in nodes["t15a1"] and "(branch point)" in nodes["t15a1"]
    assert "shape=hexagon" in nodes["x01d4"] and "(merge point)" in nodes["x01d4"]
    assert nodes["r01c3"] == 'label="r01c3\\nreport definitions\\n(reports)"'
    assert nodes["r02c3..r12c3"] == (
        'label="r02c3 .. r12c3\\n(11 revisions)", style="rounded,dashed"'
    )
    assert '"t15a1" -> "r01c3";' in dot and '"t15a1" -> "m01b2..m11b2";' in dot
    assert '"m01b2..m11b2" -> "x01d4";' in dot and '"r02c3..r12c3" -> "x01d4";' in dot

    full = project.mig("graph", "--no-current", "--no-fold").out
    assert len(_nodes(full)) == 40 == len(graph_project.revisions())
    assert '"m11b2" -> "x01d4";' in full and '"r12c3" -> "x01d4";' in full

    mermaid = project.mig("graph", "--no-current", "--format", "mermaid").out
    assert mermaid.startswith("flowchart LR\n")
    assert '  r_t15a1>"t15a1<br/>project archive flag<br/>(branch point)"]' in mermaid
    assert '  r_x01d4{{"x01d4<br/>merge reports into main<br/>(merge point)"}}' in mermaid
    assert "  r_t15a1 --> r_r01c3" in mermaid


def test_svg_and_png_come_from_graphviz_dot(tmp_path: Path) -> None:
    project = _forty(tmp_path)
    if shutil.which("dot") is None:
        # .ci/run installs Graphviz, so CI takes the branch below; here: the one-line hint
        err = project.mig("graph", "--no-current", "--format", "svg", code=2).err.strip()
        assert err.startswith("mig: error: graph --format svg needs Graphviz's `dot` on PATH: ")
        assert "apt-get install graphviz" in err
        return
    svg = project.mig("graph", "--no-current", "--format", "svg").out
    assert svg.lstrip().startswith("<?xml") and svg.rstrip().endswith("</svg>")
    titles = re.findall(r"<title>([^<]+)</title>", svg)
    assert set(_nodes(project.mig("graph", "--no-current").out)) <= set(titles)
    # the committed picture is the command's drawing of the committed dot text
    committed = (REPO / "docs" / "revision-graph.svg").read_text()
    assert set(re.findall(r"<title>([^<]+)</title>", committed)) == set(titles)

    project.mig("graph", "--no-current", "--format", "png", "-o", "g.png")
    assert (project.root / "g.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    err = project.mig("graph", "--no-current", "--format", "png", code=2).err.strip()
    assert err == "mig: error: graph --format png writes a binary picture: pass -o FILE"
