"""Draw revision graphs in tests: one line per revision, written as real files.

    a                      a base
    b <- a                 down_revision = "a"
    m <- b, c              a merge of b and c
    x [lbl]                a base declaring branch label "lbl"
    y <- x ~ b             depends_on = "b"

Files are written as ``<rev>.py`` in ``versions/`` with plain literal headers, in the
given order (file order is the tie-breaker for heads and walks).
"""

from __future__ import annotations

import re
from pathlib import Path

from mig.scripts import ScriptDirectory

LINE = re.compile(
    r"^(?P<rev>[\w.-]+)\s*(?:<-\s*(?P<down>[\w.,\s-]+?))?\s*(?:\[(?P<labels>[^\]]*)\])?"
    r"\s*(?:~\s*(?P<deps>[\w.,@\s]+))?$"
)


def _tuple(text: str | None) -> tuple[str, ...]:
    return tuple(p for p in re.split(r"[\s,]+", text or "") if p)


def _literal(values: tuple[str, ...]) -> str:
    if not values:
        return "None"
    if len(values) == 1:
        return repr(values[0])
    return repr(values)


def revision_source(rev: str, down=(), labels=(), deps=(), doc: str | None = None) -> str:
    return (
        f'"""{doc or f"revision {rev}"}\n\nRevision ID: {rev}\n"""\n'
        f"revision = {rev!r}\n"
        f"down_revision = {_literal(tuple(down))}\n"
        f"branch_labels = {_literal(tuple(labels))}\n"
        f"depends_on = {_literal(tuple(deps))}\n\n\n"
        f"def upgrade():\n    CALLS.append(('up', {rev!r}))\n\n\n"
        f"def downgrade():\n    CALLS.append(('down', {rev!r}))\n\n\n"
        f"CALLS = []\n"
    )


def draw(root: Path, picture: str, **kw) -> ScriptDirectory:
    """Write the revisions of ``picture`` under ``root`` and return the ScriptDirectory."""
    versions = root / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    for i, raw in enumerate(line.strip() for line in picture.strip().splitlines()):
        if not raw or raw.startswith("#"):
            continue
        m = LINE.match(raw)
        assert m, f"bad graph line: {raw!r}"
        rev = m.group("rev")
        src = revision_source(
            rev, _tuple(m.group("down")), _tuple(m.group("labels")), _tuple(m.group("deps"))
        )
        (versions / f"{i:03d}_{rev}.py").write_text(src)
    kw.setdefault("use_cache", False)
    return ScriptDirectory(root, **kw)


def run(sd: ScriptDirectory, command: str, heads: list[str]) -> tuple[list[tuple], list[str]]:
    """Plan ``upgrade X`` / ``downgrade X`` from ``heads``: ([(rev, dir, rows after)], rows)."""
    kind, dest = command.split(" ", 1)
    plan = sd.plan_upgrade if kind == "upgrade" else sd.plan_downgrade
    steps = plan(heads, dest)
    log = [(s.revision, s.direction, sorted(s.heads_after)) for s in steps]
    return log, (sorted(steps[-1].heads_after) if steps else heads)
