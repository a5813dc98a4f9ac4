"""The timers of bench_scripts_graph.py: one per tool, each run as ``python -c`` in a fresh
interpreter of that tool's environment (one process per measurement).

Both do exactly the same three things, with the same start and stop points: make a fresh
``ScriptDirectory`` and then

* ``heads``: ``get_heads()``;
* ``history``: walk every revision newest first and format each line as ``history``
  prints it (``alembic history`` calls ``cmd_format`` with parents, branches and doc);
* ``plan``: the steps of ``upgrade heads`` from an empty database, as revision ids
  (Alembic computes them in ``_upgrade_revs``, which ``upgrade`` calls before running).

Imports happen before the clock starts (interpreter start-up and importing the tool are not
timed, for either tool). Each prints one JSON line: wall and CPU seconds, and a digest of the
result that the benchmark compares between the tools, so both are known to have done the
same work.
"""

_COMMON = r"""
import hashlib, json, sys, time
root, op = sys.argv[1], sys.argv[2]

def digest(values):
    return hashlib.sha1("\n".join(values).encode()).hexdigest()

def measure(fn, extra):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    values = sorted(result) if op == "heads" else result
    print(json.dumps({"wall": wall, "cpu": cpu, "digest": digest(values), **extra()}))
"""

MIG_TIMER = (
    _COMMON
    + r"""
from mig.scripts import ScriptDirectory

sd = None

def run():
    global sd
    sd = ScriptDirectory(root)
    if op == "heads":
        return sd.get_heads()
    if op == "history":
        return [s.cmd_format() for s in sd.walk_revisions()]
    return [step.revision for step in sd.plan_upgrade([], "heads")]

measure(run, lambda: {"graph_from_cache": sd.graph_from_cache})
"""
)

ALEMBIC_TIMER = (
    _COMMON
    + r"""
from alembic.script import ScriptDirectory

def run():
    sd = ScriptDirectory(root)
    if op == "heads":
        return sd.get_heads()
    if op == "history":
        return [
            s.cmd_format(
                False, include_branches=True, include_doc=True, include_parents=True
            )
            for s in sd.walk_revisions()
        ]
    return [step.revision.revision for step in sd._upgrade_revs("heads", ())]

measure(run, lambda: {"graph_from_cache": None})
"""
)
