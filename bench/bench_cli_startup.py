"""How fast does the command line answer? ``mig --help`` against ``alembic --help``.

Both run as fresh processes (what a user waits for), best of N, in the same run on the same
machine. Alembic is installed from PyPI into bench/.work/alembic-venv (created on first
use); mig is the one of the current environment. Target: mig in under half Alembic's time,
which needs mig's commands to import their machinery lazily.

    python bench/bench_cli_startup.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

WORK = Path(__file__).resolve().parent / ".work"
ALEMBIC_VENV = WORK / "alembic-venv"


def alembic_executable() -> Path:
    exe = ALEMBIC_VENV / "bin" / "alembic"
    if not exe.exists():
        WORK.mkdir(exist_ok=True)
        venv.create(ALEMBIC_VENV, with_pip=True)
        subprocess.run([str(ALEMBIC_VENV / "bin" / "pip"), "install", "-q", "alembic"], check=True)
    return exe


def best_of(argv: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    mig = shutil.which("mig", path=str(Path(sys.executable).parent))
    if mig is None:
        print("mig is not installed in this environment", file=sys.stderr)
        return 2
    alembic = alembic_executable()
    python = best_of([sys.executable, "-c", "pass"], args.repeat)
    mig_t = best_of([mig, "--help"], args.repeat)
    alembic_t = best_of([str(alembic), "--help"], args.repeat)
    print(f"{'python -c pass':<18}{python * 1000:8.1f} ms")
    print(f"{'mig --help':<18}{mig_t * 1000:8.1f} ms")
    print(f"{'alembic --help':<18}{alembic_t * 1000:8.1f} ms")
    ratio = mig_t / alembic_t
    print(f"mig / alembic = {ratio:.2f} (target < 0.50: {'met' if ratio < 0.5 else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
