"""The Alembic side of bench_scripts_graph.py: code run by the Alembic venv's python.

It times, in-process, a fresh ``alembic.script.ScriptDirectory`` doing the same three
operations as mig: heads, the history walk (formatted as ``alembic history`` does), and
the upgrade plan from an empty database to heads (``_upgrade_revs``, what ``upgrade``
computes before running anything). Prints one JSON line: operation -> best seconds.
"""

ALEMBIC_TIMER = r"""
import json, sys, time
from alembic.script import ScriptDirectory

root, repeat = sys.argv[1], int(sys.argv[2])

def heads(sd):
    return sd.get_heads()

def history(sd):
    return [s.cmd_format(False) for s in sd.walk_revisions()]

def plan(sd):
    return sd._upgrade_revs("heads", ())

best = {}
for _ in range(repeat):
    for name, fn in (("heads", heads), ("history", history), ("upgrade plan", plan)):
        start = time.perf_counter()
        sd = ScriptDirectory(root)
        fn(sd)
        elapsed = time.perf_counter() - start
        best[name] = min(best.get(name, elapsed), elapsed)
print(json.dumps(best))
"""
