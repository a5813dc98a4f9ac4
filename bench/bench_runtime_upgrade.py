"""Benchmark: `upgrade base -> head` of a 2,000-revision chain on PostgreSQL, three ways.

(a) mig: ScriptDirectory + EnvironmentContext running an ordinary env.py (one connection,
    one transaction for the whole run, the migration lock on), as `mig upgrade head` does;
    its DDL goes through psycopg's pipeline mode (mig-runtime's `ddl_pipeline`, on by
    default). The same run with `ddl_pipeline=False` is timed too, to show what the
    pipeline buys;
(b) psql: the SQL that mig writes offline for the same run (`--sql`: BEGIN, every step's
    DDL, version-table UPDATE and history-table INSERT, COMMIT), executed by `psql -q -f`.
    A second psql figure, "net SQL", runs about the statements mig sends online: the same
    DDL with the version-table writes folded into one (mig writes only the net change in a
    one-transaction run, see mig-runtime's README) and without the history rows (mig sends
    them as one executemany at the end). The second is the target's yardstick (mig within
    1.3x of psql running the net SQL): it isolates mig's own overhead from the work the
    server does;
(c) the floor of a Python tool (FLOOR_DRIVER below): the same revision files imported from
    their .pyc, each upgrade() run against a stub `op` that compiles its DDL with
    SQLAlchemy and queues it on psycopg's pipeline, one version row, commit; no lock,
    history, reporting or directives. What mig spends beyond it is mig's own per-step cost,
    printed as such; the floor's own ratio to psql(net) says how close any Python tool on
    SQLAlchemy and psycopg can come to the 1.3x target;
(d) Alembic: a parallel Alembic project with the same operations, `command.upgrade(cfg,
    "head")`, run from a scratch venv (/tmp/alembic-bench-venv, created when missing).

Each revision is one small op: every tenth creates a table `t_NNNN` (one INTEGER column),
the nine after it each add a column to it (PostgreSQL allows 1,600 columns per table, so no
single table takes them all). The projects live in a temporary directory; the schema is
dropped and recreated before every run, and every run is checked (head recorded, 2,000
columns present).

What is timed. mig and Alembic each run in a fresh subprocess of their own interpreter,
which first imports its package (SQLAlchemy and psycopg included) and reports that import
time separately (not counted); the timed part starts after the imports and covers reading
the script directory, creating the engine, connecting, and the whole upgrade (each script
is imported when its step runs). Their client CPU time for the same span is printed too.
psql is timed from outside as the wall time of the `psql` process (start, connect, run the
file). One untimed warm-up run per tool comes first (it writes the scripts' .pyc files and
mig's header cache, as any second deploy would find them; PYTHONDONTWRITEBYTECODE is
removed from the subprocesses' environment so both tools can keep .pyc files); the figure
printed is the best of `--repeat` timed runs, with every run listed. The database server is
shared: a run that fails with "out of shared memory" (others filling the lock table) is
retried. A last, untimed-for-the-verdict mig run wraps the main phases (script import, op
argument binding, directive build, SQL compile, driver execute) with CPU timers and prints
the client CPU per step of each, so the next person can see where the time goes. Usage:

    python bench/bench_runtime_upgrade.py [--url postgresql+psycopg://root@127.0.0.1:5432/mig_bench_upgrade]
                                          [--revisions 2000] [--repeat 3] [--profile]
                                          [--skip-alembic] [--instructions]

(`MIG_BENCH_URL` also sets the URL; `--profile` prints a cProfile of one extra mig run;
`--instructions` counts, with valgrind's callgrind, the client instructions per step of mig
and of the floor, each run minus a run of its imports alone: a figure that hardly moves
with the machine's load or the server's speed, for comparing two versions of mig when the
seconds are too noisy to tell a few microseconds apart; it takes about two minutes.)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from _alembic_venv import ensure_alembic_venv
from _database import ensure_database, psql_argv, reset_schema

DEFAULT_URL = "postgresql+psycopg://root@127.0.0.1:5432/mig_bench_upgrade"
TARGET = 1.3  # mig / psql running the net SQL (issue "Speed close to the floor")
FLOOR_TARGET = 1.3  # mig / the floor driver: the restatement proposed on the issue (see its notes)

# Revision scripts are imported from their .pyc after the first run, as in a deployment
# (this variable, if set in the environment, would make both tools compile every script
# on every run).
DRIVER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

SCRIPT = '''"""step {n}"""
import sqlalchemy as sa
from {op_module} import op

revision = {rev!r}
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
    {upgrade}


def downgrade():
    {downgrade}
'''

ENV_PY = """from sqlalchemy import create_engine, pool

from {context_module} import context

url = context.config.get_main_option("sqlalchemy.url")

if context.is_offline_mode():
    context.configure(url=url, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
"""

# The timed driver for mig, run by this interpreter (the dev venv) in a subprocess.
MIG_DRIVER = """
import json, sys, time
t0 = time.perf_counter()
import psycopg, sqlalchemy
from mig.runtime import EnvironmentContext
from mig.scripts import ScriptDirectory
t1 = time.perf_counter()

class Config:
    config_file_name = None
    config_ini_section = "mig"
    def __init__(self, url):
        self.url = url
    def get_main_option(self, name, default=None):
        return self.url if name == "sqlalchemy.url" else default

location, url, mode = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "imports":  # the baseline of --instructions: everything before the timed part
    print(json.dumps({}))
    raise SystemExit(0)
if mode == "profile":
    import cProfile, pstats
    profiler = cProfile.Profile()
    profiler.enable()
phases = {}
if mode == "phases":
    # Client CPU by phase: each wrapped function adds its own process time to its phase.
    import psycopg
    import sqlalchemy.sql.compiler as compiler
    from mig.ops import signatures
    from mig.scripts import header

    def timed(owner, attr, phase):
        real = getattr(owner, attr)
        phases[phase] = 0.0

        def wrapper(*a, **k):
            start = time.process_time()
            try:
                return real(*a, **k)
            finally:
                phases[phase] += time.process_time() - start

        setattr(owner, attr, wrapper)

    timed(header, "import_file", "script import")
    timed(signatures.ArgumentBinder, "__call__", "op arguments")
    timed(signatures.OpSpec, "build", "directive build")
    timed(compiler.Compiled, "__init__", "SQL compile")
    timed(psycopg.Cursor, "execute", "driver execute")
t2 = time.perf_counter()
c2 = time.process_time()
script = ScriptDirectory(location)
kw = {"as_sql": True, "output_buffer": open(sys.argv[4], "w")} if mode == "sql" else {}
if mode == "nopipe":
    kw["ddl_pipeline"] = False
with EnvironmentContext(Config(url), script, fn=lambda h, c: script.plan_upgrade(h, "head"), **kw):
    script.run_env()
t3 = time.perf_counter()
c3 = time.process_time()
if mode == "profile":
    profiler.disable()
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
print(json.dumps({"import": t1 - t0, "upgrade": t3 - t2, "cpu": c3 - c2, "phases": phases}))
"""

# The floor of a Python tool: what any migration runner written in Python on SQLAlchemy and
# psycopg must do per step, and nothing else. Each revision file is imported from its .pyc
# by importlib, its upgrade() runs against a stub `op` whose create_table/add_column compile
# the DDL with SQLAlchemy's compiler and queue it on psycopg's pipeline (a cursor per
# statement, as a tool that can name the failing statement needs); one version row, commit.
# No lock, no history row, no reporting, no directive objects: mig's per-step machinery is
# the difference between this and mig's own run.
FLOOR_DRIVER = """
import json, sys, time, types
t0 = time.perf_counter()
import importlib.util, os
import psycopg, sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateTable
t1 = time.perf_counter()
location, url = sys.argv[1], sys.argv[2]
if sys.argv[3:] == ["imports"]:  # the baseline of --instructions
    print(json.dumps({}))
    raise SystemExit(0)
t2 = time.perf_counter()
c2 = time.process_time()
dialect = postgresql.psycopg.dialect()
raw = psycopg.connect(sa.engine.make_url(url).render_as_string(hide_password=False)
                      .replace("postgresql+psycopg", "postgresql"))
queued = []

def send(sql):
    cursor = raw.cursor()
    cursor.execute(sql, {} if "%" in sql else None)
    queued.append(cursor)

class FloorOp:
    def create_table(self, name, *columns):
        send(str(CreateTable(sa.Table(name, sa.MetaData(), *columns)).compile(dialect=dialect)))

    def add_column(self, table, column):
        compiler = dialect.ddl_compiler(dialect, None)
        spec = compiler.get_column_specification(column)
        send(f"ALTER TABLE {compiler.preparer.quote(table)} ADD COLUMN {spec}")

stub = types.ModuleType("mig.ops")
stub.op = FloorOp()
sys.modules["mig.ops"] = stub
versions = os.path.join(location, "versions")
last = None
with raw.pipeline():
    for i, name in enumerate(sorted(os.listdir(versions))):
        if not name.endswith(".py"):
            continue
        path = os.path.join(versions, name)
        spec = importlib.util.spec_from_file_location(f"_floor_{i}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.upgrade()
        last = module.revision
    send("CREATE TABLE mig_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    send(f"INSERT INTO mig_version (version_num) VALUES ('{last}')")
raw.commit()
raw.close()
t3 = time.perf_counter()
c3 = time.process_time()
print(json.dumps({"import": t1 - t0, "upgrade": t3 - t2, "cpu": c3 - c2}))
"""

# The timed driver for Alembic, run by the scratch venv's interpreter in a subprocess.
ALEMBIC_DRIVER = """
import json, sys, time
t0 = time.perf_counter()
import psycopg, sqlalchemy
from alembic import command
from alembic.config import Config
t1 = time.perf_counter()
location, url = sys.argv[1], sys.argv[2]
t2 = time.perf_counter()
c2 = time.process_time()
cfg = Config()
cfg.set_main_option("script_location", location)
cfg.set_main_option("sqlalchemy.url", url)
command.upgrade(cfg, "head")
t3 = time.perf_counter()
c3 = time.process_time()
print(json.dumps({"import": t1 - t0, "upgrade": t3 - t2, "cpu": c3 - c2}))
"""


def write_project(root: Path, op_module: str, context_module: str, n: int) -> Path:
    """A script location: env.py and ``n`` revisions, for mig or for Alembic."""
    versions = root / "versions"
    versions.mkdir(parents=True)
    (root / "env.py").write_text(ENV_PY.format(context_module=context_module))
    for i in range(n):
        if i % 10 == 0:
            up = f'op.create_table("t_{i:04d}", sa.Column("id", sa.Integer))'
            down = f'op.drop_table("t_{i:04d}")'
        else:
            table = f"t_{i - i % 10:04d}"
            up = f'op.add_column("{table}", sa.Column("c_{i:04d}", sa.Integer))'
            down = f'op.drop_column("{table}", "c_{i:04d}")'
        rev = f"r{i:04d}"
        prev = f"r{i - 1:04d}" if i else None
        text = SCRIPT.format(
            n=i, op_module=op_module, rev=rev, down=prev, upgrade=up, downgrade=down
        )
        (versions / f"{rev}_step.py").write_text(text)
    return root


def write_net_sql(offline: Path, target: Path, head: str) -> int:
    """The offline SQL with the per-step version writes folded into one, as mig runs it.

    Online, in a one-transaction run, mig writes the version table once, after the last
    step (nothing outside the transaction could see the rows in between). psql running
    this file therefore executes exactly the statements mig sends, which isolates mig's
    own overhead from the work the database does.
    """
    statements = [s for s in offline.read_text().split(";\n\n") if s.strip()]
    kept = [
        s
        for s in statements
        if not s.lstrip().startswith(("INSERT INTO mig_version", "UPDATE mig_version"))
    ]
    commit = kept.pop()  # COMMIT
    kept.append(f"INSERT INTO mig_version (version_num) VALUES ('{head}')")
    kept.append(commit)
    target.write_text("".join(f"{s};\n\n" for s in kept))
    return len(kept)


def check_applied(url: str, version_table: str, head: str, n: int) -> None:
    """The run really happened: the head is recorded and every column exists."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(f"SELECT version_num FROM {version_table}").scalars().all()
        columns = conn.execute(
            sa.text(
                "SELECT count(*) FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name LIKE 't\\_%'"
            )
        ).scalar_one()
    engine.dispose()
    if rows != [head] or columns != n:
        raise SystemExit(f"{version_table}: rows {rows}, {columns} columns; expected {head}, {n}")


def run_json(argv: list[str], url: str | None = None, attempts: int = 3) -> dict[str, float]:
    """Run a timed driver; its last stdout line is JSON.

    The PostgreSQL server is shared: when other sessions fill its lock table, a run fails
    with "out of shared memory". Such a run is retried (schema reset first), and says so.
    """
    for attempt in range(1, attempts + 1):
        proc = subprocess.run(argv, capture_output=True, text=True, env=DRIVER_ENV)
        if proc.returncode == 0:
            if proc.stderr.strip():
                sys.stderr.write(proc.stderr)
            return json.loads(proc.stdout.strip().splitlines()[-1])
        if "out of shared memory" in proc.stderr and url is not None and attempt < attempts:
            print(f"  (shared server out of lock slots; retrying, attempt {attempt + 1})")
            time.sleep(5)
            reset_schema(url)
            continue
        break
    raise SystemExit(f"{' '.join(argv[:2])} failed:\n{proc.stderr[-3000:]}")


def run_psql(url: str, path: Path, env: dict[str, str], attempts: int = 3) -> float:
    """Wall time of ``psql -f path`` on a fresh schema (retried like :func:`run_json`)."""
    for attempt in range(1, attempts + 1):
        reset_schema(url)
        start = time.perf_counter()
        proc = subprocess.run(psql_argv(url, path), env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if proc.returncode == 0:
            return elapsed
        if "out of shared memory" not in proc.stderr or attempt == attempts:
            break
        print(f"  (shared server out of lock slots; retrying psql, attempt {attempt + 1})")
        time.sleep(5)
    raise SystemExit(f"psql -f {path} failed:\n{proc.stderr[-3000:]}")


def count_instructions(argv: list[str], url: str) -> int | None:
    """Client instructions of one driver run, counted by valgrind's callgrind (None: no
    valgrind). Unlike seconds, the count hardly moves with the machine's load or the
    server's speed; hash randomisation is fixed so two runs of the same code agree."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    reset_schema(url)
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [valgrind, "--tool=callgrind", f"--callgrind-out-file={tmp}/out", *argv],
            env={**DRIVER_ENV, "PYTHONHASHSEED": "0"},
            capture_output=True,
            text=True,
        )
    found = [ln for ln in proc.stderr.splitlines() if "Collected :" in ln]
    if proc.returncode != 0 or not found:
        raise SystemExit(f"{' '.join(argv[:2])} under valgrind failed:\n{proc.stderr[-3000:]}")
    return int(found[-1].rsplit(":", 1)[1].replace(",", ""))


def print_instructions(mig_cmd: list[str], floor_cmd: list[str], url: str, n: int) -> None:
    """mig's and the floor's client instructions per step (each run minus its imports)."""
    print("client instructions per step (valgrind callgrind, each run minus its imports):")
    per_step = {}
    for name, full, baseline in (
        ("floor", floor_cmd, [*floor_cmd, "imports"]),
        ("mig", [*mig_cmd, "run"], [*mig_cmd, "imports"]),
    ):
        ran, imported = count_instructions(full, url), count_instructions(baseline, url)
        if ran is None or imported is None:
            print("  valgrind is not installed: no instruction counts")
            return
        per_step[name] = (ran - imported) / n
        print(f"  {name:<6} {per_step[name]:>10,.0f}")
    own = per_step["mig"] - per_step["floor"]
    ratio = per_step["mig"] / per_step["floor"]
    print(f"  mig / floor = {ratio:.2f}x; mig's own: {own:,.0f} a step")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("MIG_BENCH_URL", DEFAULT_URL))
    parser.add_argument("--revisions", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile one mig run")
    parser.add_argument("--skip-alembic", action="store_true")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count mig's and the floor's client instructions per step (valgrind)",
    )
    args, _ = parser.parse_known_args()  # `nox -s bench -- ...` passes its args to every bench
    url, n = args.url, args.revisions
    head = f"r{n - 1:04d}"
    ensure_database(url)
    env = dict(os.environ)
    if sa.engine.make_url(url).password:
        env["PGPASSWORD"] = sa.engine.make_url(url).password

    work = Path(tempfile.mkdtemp(prefix="mig-bench-upgrade-"))
    try:
        mig_dir = write_project(work / "mig", "mig.ops", "mig.runtime", n)
        alembic_dir = write_project(work / "alembic", "alembic", "alembic", n)
        sql_file = work / "upgrade.sql"
        mig_cmd = [sys.executable, "-c", MIG_DRIVER, str(mig_dir), url]

        run_json([*mig_cmd, "sql", str(sql_file)])  # the offline SQL psql will run
        statements = sql_file.read_text().count(";\n")
        size = sql_file.stat().st_size
        print(f"{n} revisions; offline SQL: {statements} statements, {size:,} bytes")
        net_file = work / "upgrade-net.sql"
        net = write_net_sql(sql_file, net_file, head)
        print(f"the statements mig sends online (one net version-table write): {net}")

        results: dict[str, list[float]] = {
            "mig": [],
            "mig_nopipe": [],
            "psql": [],
            "psql_net": [],
            "alembic": [],
            "floor": [],
        }
        imports: dict[str, float] = {}
        cpu: dict[str, list[float]] = {"mig": [], "alembic": [], "floor": []}
        floor_cmd = [sys.executable, "-c", FLOOR_DRIVER, str(mig_dir), url]

        def time_floor() -> None:
            reset_schema(url)
            out = run_json(floor_cmd, url)
            check_applied(url, "mig_version", head, n)
            results["floor"].append(out["upgrade"])
            cpu["floor"].append(out["cpu"])

        def time_mig(mode: str = "run", key: str = "mig") -> None:
            reset_schema(url)
            out = run_json([*mig_cmd, mode], url)
            check_applied(url, "mig_version", head, n)
            results[key].append(out["upgrade"])
            if key == "mig":
                cpu["mig"].append(out["cpu"])
                imports["mig"] = min(imports.get("mig", 1e9), out["import"])

        def time_psql() -> None:
            for key, path in (("psql", sql_file), ("psql_net", net_file)):
                results[key].append(run_psql(url, path, env))
                check_applied(url, "mig_version", head, n)

        alembic_python = None if args.skip_alembic else ensure_alembic_venv()

        def time_alembic() -> None:
            reset_schema(url)
            out = run_json([str(alembic_python), "-c", ALEMBIC_DRIVER, str(alembic_dir), url], url)
            check_applied(url, "alembic_version", head, n)
            results["alembic"].append(out["upgrade"])
            cpu["alembic"].append(out["cpu"])
            imports["alembic"] = min(imports.get("alembic", 1e9), out["import"])

        # warm-up: .pyc files and mig's header cache, as a second deploy finds them
        reset_schema(url)
        first_mig = run_json([*mig_cmd, "run"], url)["upgrade"]
        print(f"first mig run (compiles {n} scripts, writes the header cache): {first_mig:.2f}s")
        reset_schema(url)
        run_json(floor_cmd, url)  # the floor's own .pyc files (mig keeps its step cache)
        if alembic_python is not None:
            reset_schema(url)
            run_json([str(alembic_python), "-c", ALEMBIC_DRIVER, str(alembic_dir), url], url)

        load = os.getloadavg()[0]
        print(f"load average before the timed runs: {load:.2f} on {os.cpu_count()} CPUs")
        for _ in range(args.repeat):
            time_psql()
            time_mig()
            time_mig("nopipe", "mig_nopipe")
            time_floor()
            if alembic_python is not None:
                time_alembic()

        if args.profile:
            reset_schema(url)
            run_json([*mig_cmd, "profile"], url)
        reset_schema(url)
        phased = run_json([*mig_cmd, "phases"], url)  # one more run, with the phase timers
        reset_schema(url)

        psql_s = min(results["psql"])
        net_s = min(results["psql_net"])
        mig_s = min(results["mig"])
        print(f"psql -f (offline SQL)   {psql_s:7.3f}s   runs: {fmt(results['psql'])}")
        print(f"psql -f (net SQL)       {net_s:7.3f}s   runs: {fmt(results['psql_net'])}")
        print(
            f"mig upgrade             {mig_s:7.3f}s   runs: {fmt(results['mig'])}"
            f"   (+ imports {imports['mig']:.3f}s, not counted; "
            f"client CPU {min(cpu['mig']):.3f}s)"
        )
        nopipe_s = min(results["mig_nopipe"])
        print(
            f"mig, ddl_pipeline=False {nopipe_s:7.3f}s   runs: {fmt(results['mig_nopipe'])}"
            f"   (each statement waits for its reply)"
        )
        print(f"mig / psql      = {mig_s / psql_s:.2f}x  (the offline file, version rows per step)")
        mig_ratio = mig_s / net_s
        verdict = "meets" if mig_ratio <= TARGET else "MISSES"
        print(
            f"mig / psql(net) = {mig_ratio:.2f}x  (same statements as mig sends; "
            f"{verdict} the {TARGET}x target)"
        )
        timed_cpu = phased["cpu"]
        print(f"client CPU per step, by phase (one extra run with timers, {timed_cpu:.3f}s):")
        for phase, seconds in phased["phases"].items():
            print(f"  {phase:<18} {seconds / n * 1e6:7.1f} us/step")
        other = timed_cpu - sum(phased["phases"].values())
        print(f"  {'rest of mig+SA':<18} {other / n * 1e6:7.1f} us/step")
        print(f"  {'total':<18} {timed_cpu / n * 1e6:7.1f} us/step")
        print(f"mig without the DDL pipeline / psql = {nopipe_s / psql_s:.2f}x")
        floor_s = min(results["floor"])
        print(
            f"floor (Python+SA+psycopg, no mig) {floor_s:7.3f}s   runs: {fmt(results['floor'])}"
            f"   (client CPU {min(cpu['floor']):.3f}s, "
            f"{min(cpu['floor']) / n * 1e6:.0f} us/step)"
        )
        print(
            f"floor / psql(net) = {floor_s / net_s:.2f}x; mig / floor = {mig_s / floor_s:.2f}x "
            f"(mig's own per-step cost: {(min(cpu['mig']) - min(cpu['floor'])) / n * 1e6:.0f} us)"
        )
        floor_verdict = "meets" if mig_s / floor_s <= FLOOR_TARGET else "MISSES"
        print(
            f"mig / floor {floor_verdict} the {FLOOR_TARGET}x restatement proposed on issue 18 "
            "(no Python tool gets under the floor)"
        )
        if results["alembic"]:
            alembic_s = min(results["alembic"])
            print(
                f"alembic upgrade         {alembic_s:7.3f}s   runs: {fmt(results['alembic'])}"
                f"   (+ imports {imports['alembic']:.3f}s, not counted; "
                f"client CPU {min(cpu['alembic']):.3f}s)"
            )
            print(f"alembic / psql  = {alembic_s / psql_s:.2f}x")
            print(f"alembic / mig   = {alembic_s / mig_s:.2f}x")
        if args.instructions:
            print_instructions(mig_cmd, floor_cmd, url, n)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def fmt(values: list[float]) -> str:
    return " ".join(f"{v:.3f}" for v in values)


if __name__ == "__main__":
    main()
