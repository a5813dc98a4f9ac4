"""The pytest plugin's fixtures: ``mig_config``, ``mig_engine`` and ``mig_runner``.

:mod:`mig.cli.pytest_plugin` registers this module once pytest is configured (it imports
pytest, which the plugin module itself does not). ``mig_engine`` is the one to override
in a project's conftest.py to test on another database (a container, a server)::

    @pytest.fixture
    def mig_engine():
        engine = sqlalchemy.create_engine("postgresql+psycopg://app@localhost/app_test")
        yield engine
        engine.dispose()
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def _settings(request: pytest.FixtureRequest) -> Any:
    from mig.cli.pytest_plugin import _settings_key

    settings = request.config.stash.get(_settings_key(), None)
    if settings is None:
        raise pytest.UsageError(
            "mig_runner / mig_config need the project's mig config: set mig_config in the "
            "pytest settings or pass --mig-config FILE"
        )
    return settings


@pytest.fixture
def mig_config(request: pytest.FixtureRequest) -> Any:
    """The project's :class:`mig.cli.Config` (from ``mig_config`` / ``--mig-config``)."""
    from argparse import Namespace

    from mig.cli.config import find_config

    settings = _settings(request)
    return find_config(str(settings.config_file), cmd_opts=Namespace(x=[], progress=False))


@pytest.fixture
def mig_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """The database the runner migrates: ``mig_url`` when set (emptied after the test),
    else a SQLite file in the test's temporary folder. Override it to choose another."""
    import sqlalchemy as sa

    url = _settings(request).url
    engine = sa.create_engine(url or f"sqlite:///{tmp_path / 'mig_runner.db'}")
    try:
        yield engine
    finally:
        if url:
            from mig.cli.verify.scratch import drop_everything

            with engine.begin() as conn:
                drop_everything(conn)
        engine.dispose()


@pytest.fixture
def mig_runner(mig_config: Any, mig_engine: Any) -> Any:
    """A :class:`mig.cli.pytest_runner.MigrationRunner` on ``mig_engine``, at base."""
    from mig.cli.pytest_runner import MigrationRunner

    return MigrationRunner(mig_config, mig_engine)
