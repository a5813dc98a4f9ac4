"""Read the example's migrations as data: each revision's upgrade() recorded as directives.

Needs only mig-ops (no database): this is what a review or lint tool does with a migration.
Run: python examples/blog/show_directives.py [--json]
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

from mig.ops import OpContainer, record_file

VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"


def _header(path: Path) -> tuple[str, str | None, str]:
    """revision, down_revision and the first docstring line, read without running the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    values = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
            if isinstance(target, ast.Name) and node.value is not None:
                values[target.id] = ast.literal_eval(node.value)
    doc = (ast.get_docstring(tree) or "").splitlines()[0]
    return values["revision"], values["down_revision"], doc


def ordered_scripts() -> list[tuple[str, str, Path]]:
    """The linear chain from base to head."""
    by_parent = {}
    for path in sorted(VERSIONS.glob("*.py")):
        revision, down, doc = _header(path)
        by_parent[down] = (revision, doc, path)
    chain, parent = [], None
    while parent in by_parent:
        revision, doc, path = by_parent[parent]
        chain.append((revision, doc, path))
        parent = revision
    return chain


def main(as_json: bool) -> None:
    for revision, doc, path in ordered_scripts():
        directives = record_file(path, "upgrade")
        if as_json:
            print(json.dumps({"revision": revision, "upgrade": [d.to_dict() for d in directives]}))
            continue
        print(f"{revision}  {doc}")
        for directive in directives:
            print(f"    {directive.op_name} {getattr(directive, 'table_name', '')}")
            if isinstance(directive, OpContainer):
                for inner in directive.ops:
                    print(f"        {inner.op_name}")
        reversible = []
        for directive in directives:
            try:
                directive.reverse()
                reversible.append(True)
            except Exception:
                reversible.append(False)
        print(f"    ({sum(reversible)} of {len(directives)} directives invert automatically)")


if __name__ == "__main__":
    main("--json" in sys.argv[1:])
