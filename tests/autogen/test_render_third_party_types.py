"""third_party_types_cases.py, run by pytest in a process of its own.

Importing geoalchemy2 changes the whole process: it listens on every Engine
(``before_execute``, with ``retval=True``), which rightly turns off mig's paths past
SQLAlchemy (direct DDL, the history COPY), and it compiles every ``Computed`` on
MySQL/MariaDB without ``STORED``. Collected with the rest, those cases made every later
test in the run take SQLAlchemy's slower paths and create VIRTUAL columns, so the suite
did not test what a project without geoalchemy2 runs. Here they run apart, on the same
backends.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import configured_dburis

CASES = Path(__file__).with_name("third_party_types_cases.py")


def test_third_party_types_in_their_own_process(request: pytest.FixtureRequest) -> None:
    missing = [
        name
        for name in ("geoalchemy2", "sqlalchemy_utils", "sqlmodel")
        if importlib.util.find_spec(name) is None
    ]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)}")
    backends = [arg for uri in configured_dburis(request.config) for arg in ("--dburi", uri)]
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(CASES), *backends],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parents[2],
        env={k: v for k, v in os.environ.items() if k != "MIG_TEST_DBURI"},  # given as --dburi
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout.splitlines()[-1], proc.stdout[-2000:]
