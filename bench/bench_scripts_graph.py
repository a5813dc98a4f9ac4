"""Benchmark: mig.scripts vs Alembic on heads, history and an upgrade plan.

Builds script directories of 2,000 and 10,000 revisions (a linear chain, and one with
branches and merges every 50 revisions) under bench/.work/, with plain ``revision = "..."``
headers that both tools read. Alembic is installed from PyPI into bench/.work/alembic-venv
at run time. Each operation is timed *inside* its interpreter (interpreter start-up and
imports are excluded for both tools): mig in this process, Alembic in a subprocess of its
venv. "cold" = a fresh ScriptDirectory with no header cache on disk (Alembic has no cache,
so its cold and warm differ only by the OS file cache); "warm" = the header cache written by
a previous run. Each figure is the best of a few runs. Usage:

    python bench/bench_scripts_graph.py [--sizes 2000,10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
ALEMBIC_VENV = WORK / "alembic-venv"

sys.path.insert(0, str(HERE))
from _scripts_bench_alembic import ALEMBIC_TIMER  # noqa: E402

from mig.scripts import ScriptDirectory  # noqa: E402
from mig.scripts.cache import CACHE_DIR  # noqa: E402

TEMPLATE = '''"""{doc}

Revision ID: {rev}
Revises: {down_text}
"""
import sqlalchemy as sa

revision = {rev!r}
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
'''


def make_ids(n: int) -> list[str]:
    return [f"{(i * 2654435761) % (1 << 48):012x}" for i in range(n)]


def build(root: Path, n: int, shape: str) -> str:
    """Write ``n`` revisions; returns the id of the single head."""
    if root.exists():
        shutil.rmtree(root)
    versions = root / "versions"
    versions.mkdir(parents=True)
    ids = make_ids(n)
    downs: list[object] = [None]
    if shape == "linear":
        downs += ids[:-1]
    else:
        # every 50 revisions: a branch point with two 20-revision branches, then a merge
        i = 1
        while i < n:
            downs.append(ids[i - 1])
            i += 1
            block = min(41, n - i)
            if block < 41:
                downs += ids[i - 1 : i - 1 + block]
                i += block
                continue
            bp = ids[i - 1]
            left = [bp, *ids[i : i + 19]]
            right = [bp, *ids[i + 20 : i + 39]]
            downs += left
            downs += right
            downs.append((ids[i + 19], ids[i + 39]))
            i += 41
    (root / "script.py.mako").write_text("")
    for i, (rev, down) in enumerate(zip(ids, downs, strict=True)):
        down_text = ", ".join(down) if isinstance(down, tuple) else (down or "")
        (versions / f"{rev}_step_{i}.py").write_text(
            TEMPLATE.format(doc=f"step {i}", rev=rev, down=down, down_text=down_text)
        )
    return ids[-1]


def ensure_alembic() -> Path:
    python = ALEMBIC_VENV / "bin" / "python"
    if not python.exists():
        print("installing alembic into", ALEMBIC_VENV, flush=True)
        venv.create(ALEMBIC_VENV, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "alembic"], check=True)
    return python


def time_alembic(python: Path, root: Path, repeat: int) -> dict[str, float]:
    out = subprocess.run(
        [str(python), "-c", ALEMBIC_TIMER, str(root), str(repeat)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _ops(sd: ScriptDirectory) -> dict[str, object]:
    return {
        "heads": sd.get_heads,
        "history": lambda: [s.cmd_format() for s in sd.walk_revisions()],
        "upgrade plan": lambda: sd.plan_upgrade([], "heads"),
    }


def time_mig(root: Path, repeat: int, warm: bool) -> dict[str, float]:
    best: dict[str, float] = {}
    for _ in range(repeat):
        for name in ("heads", "history", "upgrade plan"):
            if not warm:
                shutil.rmtree(root / "versions" / CACHE_DIR, ignore_errors=True)
            start = time.perf_counter()
            sd = ScriptDirectory(root)
            _ops(sd)[name]()
            elapsed = time.perf_counter() - start
            best[name] = min(best.get(name, elapsed), elapsed)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    python = ensure_alembic()
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        for shape in ("linear", "branchy"):
            root = WORK / f"dir-{shape}-{n}"
            build(root, n, shape)
            time.sleep(2.1)  # let the files age past the cache's racy window (cache.RACY_NS)
            ours_cold = time_mig(root, args.repeat, warm=False)
            ScriptDirectory(root).get_heads()  # writes the cache
            ours_warm = time_mig(root, args.repeat, warm=True)
            theirs = time_alembic(python, root, args.repeat)
            for op in ("heads", "history", "upgrade plan"):
                rows.append((n, shape, op, theirs[op], ours_cold[op], ours_warm[op]))
            sd = ScriptDirectory(root)
            assert len(sd.get_heads()) == 1
    print()
    print("operation timed in-process (no interpreter start-up), best of", args.repeat)
    head = f"{'revs':>6} {'shape':8} {'operation':13} {'alembic':>9} {'mig cold':>9} "
    head += f"{'mig warm':>9} {'x cold':>7} {'x warm':>7}"
    print(head)
    print("-" * len(head))
    for n, shape, op, a, c, w in rows:
        print(
            f"{n:>6} {shape:8} {op:13} {a * 1000:8.1f}ms {c * 1000:8.1f}ms {w * 1000:8.1f}ms "
            f"{a / c:6.1f}x {a / w:6.1f}x"
        )


if __name__ == "__main__":
    main()
