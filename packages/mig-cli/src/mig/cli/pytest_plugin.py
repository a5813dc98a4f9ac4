"""pytest plugin: ready-made migration tests for a project, enabled by one setting.

mig-cli registers it (entry point ``pytest11``), so every pytest run loads this module;
it stays inert, adding only its options, until the project names its mig config::

    [pytest]                      # or [tool.pytest.ini_options] in pyproject.toml
    mig_config = mig.ini          # or pyproject.toml with [tool.mig]; or --mig-config FILE
    # mig_url = postgresql+psycopg://localhost/scratch   (or --mig-url; default: temp SQLite)

Then the tests are collected from the config file (``mig.ini::test_upgrade``...):
single head, upgrade from an empty database, model matches the schema, every step
reversible, no lint errors (at or above the config's ``lint.fail_on``). What they check
lives in :mod:`mig.cli.verify.checks`, imported only when a test runs, so this module costs
nothing else at startup. The fixtures for a project's own migration tests (``mig_runner``,
``mig_engine``, ``mig_config``) are in :mod:`mig.cli.pytest_fixtures`, registered here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pytest

# pytest is imported inside the hooks (which only pytest calls), so that mig-cli installed
# without pytest can still import every one of its modules.

#: the tests, in the order they run (the names mig.cli.verify.checks.CHECKS knows)
TEST_NAMES = (
    "test_single_head_revision",
    "test_upgrade",
    "test_model_definitions_match_ddl",
    "test_up_down_consistency",
    "test_no_lint_errors",
)


@dataclass(frozen=True)
class Settings:
    """The project's choices: its mig config, the scratch database, where tests attach."""

    config_file: Path
    url: str | None
    anchor: Path
    tests: tuple[str, ...]


@cache
def _settings_key() -> pytest.StashKey[Settings | None]:
    import pytest

    return pytest.StashKey()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mig", "mig migration tests (mig.cli.pytest_plugin)")
    group.addoption(
        "--mig-config",
        metavar="FILE",
        help="enable mig's migration tests for this mig config file (ini: mig_config)",
    )
    group.addoption(
        "--mig-url",
        metavar="URL",
        help="an empty scratch database for them (ini: mig_url; default: a temporary "
        "SQLite file per test); every table in it is dropped after each test",
    )
    parser.addini("mig_config", "the project's mig config file: enables mig's migration tests")
    parser.addini("mig_url", "an empty scratch database for mig's tests (default: temp SQLite)")
    parser.addini(
        "mig_tests_path",
        "the file mig's tests are collected from (default: the mig config file)",
    )
    parser.addini(
        "mig_tests",
        f"which of mig's tests to run (default: all of {', '.join(TEST_NAMES)})",
        type="args",
    )


def _ini_base(config: pytest.Config) -> Path:
    return config.inipath.parent if config.inipath is not None else config.rootpath


def _read_settings(config: pytest.Config) -> Settings | None:
    import pytest

    option = config.getoption("mig_config", None)
    if option:
        config_file = Path(config.invocation_params.dir, option)
    elif config.getini("mig_config"):
        config_file = _ini_base(config) / str(config.getini("mig_config"))
    else:
        return None
    config_file = config_file.resolve()
    if not config_file.is_file():
        raise pytest.UsageError(f"mig_config {str(config_file)!r}: no such file")
    anchor_ini = config.getini("mig_tests_path")
    anchor = (_ini_base(config) / str(anchor_ini)).resolve() if anchor_ini else config_file
    chosen = tuple(config.getini("mig_tests")) or TEST_NAMES
    unknown = [name for name in chosen if name not in TEST_NAMES]
    if unknown:
        raise pytest.UsageError(
            f"mig_tests: unknown test {unknown[0]!r}; the tests are {', '.join(TEST_NAMES)}"
        )
    url = config.getoption("mig_url", None) or config.getini("mig_url") or None
    return Settings(config_file, url, anchor, chosen)


def pytest_configure(config: pytest.Config) -> None:
    settings = _read_settings(config)
    config.stash[_settings_key()] = settings
    if settings is not None:
        config.addinivalue_line("markers", "mig: a migration test of mig's pytest plugin")
        from mig.cli.pytest_fixtures import fixtures_plugin

        config.pluginmanager.register(fixtures_plugin(), "mig-fixtures")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    settings = parent.config.stash.get(_settings_key(), None)
    if settings is None or file_path.name != settings.anchor.name:
        return None
    if file_path.resolve() != settings.anchor:
        return None
    mig_tests, _ = _node_classes()
    return mig_tests.from_parent(parent, path=file_path, settings=settings)


@cache
def _node_classes() -> tuple[type[pytest.File], type[pytest.Item]]:
    """The collector and item classes, made on first use (they subclass pytest's)."""
    import pytest

    class MigTests(pytest.File):
        """The mig config file (or ``mig_tests_path``) as a collector of mig's tests."""

        def __init__(self, *, settings: Settings, **kw: Any) -> None:
            super().__init__(**kw)
            self.settings = settings

        def collect(self) -> Iterator[pytest.Item]:
            for name in self.settings.tests:
                yield MigTest.from_parent(self, name=name, settings=self.settings)

    class MigTest(pytest.Item):
        """One of mig's checks, run on the project's migrations."""

        def __init__(self, *, settings: Settings, **kw: Any) -> None:
            super().__init__(**kw)
            self.settings = settings
            self.add_marker("mig")

        def runtest(self) -> None:
            from mig.cli.verify.checks import CheckSkipped, run_check

            try:
                run_check(self.name, str(self.settings.config_file), self.settings.url)
            except CheckSkipped as exc:
                pytest.skip(str(exc))

        def repr_failure(
            self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
        ) -> Any:
            """A check's finding or a project mistake is its message; a bug keeps its traceback."""
            from mig.cli.errors import classify, mask_passwords

            if classify(excinfo.value) is not None:
                return mask_passwords(str(excinfo.value))
            return super().repr_failure(excinfo, style=style)

        def reportinfo(self) -> tuple[Path, int | None, str]:
            return self.path, None, f"mig: {self.name}"

    return MigTests, MigTest
