"""``mig lint [REV_RANGE]``: risky operations in the migrations, found without a database.

The rules, suppression comments and output formats are mig.cli.lint's; this command reads
the settings from the config (``lint.disable``, ``lint.plugins`` in the main section, or
``disable``/``plugins`` in a ``[lint]`` section / ``[tool.mig.lint]`` table) and picks the
dialect from ``--dialect`` or the backend of ``sqlalchemy.url``.
"""

from __future__ import annotations

from typing import Any

from mig.cli.command._env import script_directory
from mig.cli.config import Config
from mig.cli.errors import CheckFailed


def _setting(config: Config, key: str) -> str | None:
    return config.get_main_option(f"lint.{key}") or config.get_section_option("lint", key)


def lint_config(config: Config) -> Any:
    from mig.cli.lint import LintConfig

    return LintConfig.from_options(_setting(config, "disable"), plugins=_setting(config, "plugins"))


def config_dialect(config: Config) -> str | None:
    """The backend name of ``sqlalchemy.url`` (None when there is no usable URL)."""
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        return None
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).get_backend_name()
    except ArgumentError:
        return None


def lint(
    config: Config, rev_range: str | None = None, format: str = "text", dialect: str | None = None
) -> Any:
    """Print the findings; CheckFailed (exit 1) when an enabled rule fires."""
    from mig.cli.lint import lint_script_directory, render

    report = lint_script_directory(
        script_directory(config),
        rev_range,
        dialect=dialect or config_dialect(config),
        config=lint_config(config),
    )
    config.print_stdout(render(report, format).rstrip("\n"))
    if report.exit_code:
        raise CheckFailed("mig lint: enabled rules fired (see above)", quiet=True)
    return report
