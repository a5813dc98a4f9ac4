"""The pytest plugin's fixtures: ``mig_config``, ``mig_engine`` and ``mig_runner``.

:mod:`mig.cli.pytest_plugin` registers :func:`fixtures_plugin`'s object once pytest is
configured with a mig config. pytest is imported inside that function, so this module
(like every module of mig-cli) imports without pytest installed. ``mig_engine`` is the one
to override in a project's conftest.py to test on another database::

    @pytest.fixture
    def mig_engine():
        engine = sqlalchemy.create_engine("postgresql+psycopg://app@localhost/app_test")
        yield engine
        engine.dispose()
"""

from __future__ import annotations

from argparse import Namespace
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def _settings(request: Any) -> Any:
    import pytest

    from mig.cli.pytest_plugin import _settings_key

    settings = request.config.stash.get(_settings_key(), None)
    if settings is None:
        raise pytest.UsageError(
            "mig_runner / mig_config need the project's mig config: set mig_config in the "
            "pytest settings or pass --mig-config FILE"
        )
    return settings


def project_config(request: Any) -> Any:
    """The project's :class:`mig.cli.Config` (from ``mig_config`` / ``--mig-config``)."""
    from mig.cli.config import find_config

    settings = _settings(request)
    return find_config(str(settings.config_file), cmd_opts=Namespace(x=[], progress=False))


def scratch_engine(request: Any, tmp_path: Path) -> Iterator[Any]:
    """``mig_url`` when set (emptied after the test), else a SQLite file in ``tmp_path``."""
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


def fixtures_plugin() -> object:
    """An object pytest registers as a plugin: its three fixtures."""
    import pytest

    class MigFixtures:
        @pytest.fixture
        def mig_config(self, request: pytest.FixtureRequest) -> Any:
            """The project's :class:`mig.cli.Config`."""
            return project_config(request)

        @pytest.fixture
        def mig_engine(self, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
            """The database ``mig_runner`` migrates; override it to choose another."""
            yield from scratch_engine(request, tmp_path)

        @pytest.fixture
        def mig_runner(self, mig_config: Any, mig_engine: Any) -> Any:
            """A :class:`mig.cli.pytest_runner.MigrationRunner` on ``mig_engine``, at base."""
            from mig.cli.pytest_runner import MigrationRunner

            return MigrationRunner(mig_config, mig_engine)

    return MigFixtures()
