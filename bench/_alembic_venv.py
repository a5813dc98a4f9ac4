"""The scratch virtual environment that holds Alembic for the benches that time it.

Alembic is the yardstick, never a dependency: it lives in its own venv under /tmp, shared by
the benches that run it on a database. One definition of what that venv must hold, so a
venv made by one bench has every driver the next bench needs (the upgrade bench once made
it without PyMySQL, and the compare bench then failed on MariaDB).
"""

from __future__ import annotations

import subprocess
import venv
from pathlib import Path

ALEMBIC_VENV = Path("/tmp/alembic-bench-venv")

# What the benches import in that venv, and the pip requirement that brings each.
REQUIREMENTS = {
    "alembic": "alembic==1.*",
    "sqlalchemy": "sqlalchemy>=2.0",
    "psycopg": "psycopg[binary]",
    "pymysql": "pymysql",
}


def ensure_alembic_venv() -> Path:
    """The venv's python, after creating the venv or installing what it lacks."""
    python = ALEMBIC_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {ALEMBIC_VENV} with Alembic ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(ALEMBIC_VENV)
    missing = [
        requirement
        for module, requirement in REQUIREMENTS.items()
        if subprocess.run([str(python), "-c", f"import {module}"], capture_output=True).returncode
    ]
    if missing:
        print(f"installing into {ALEMBIC_VENV}: {' '.join(missing)}", flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *missing], check=True)
    return python
