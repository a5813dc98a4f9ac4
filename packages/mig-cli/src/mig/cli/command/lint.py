"""``mig lint [REV_RANGE]``: risky operations in the migrations, found without a database.

The rules, suppression comments and output formats are mig.cli.lint's; this command reads
the settings from the config (``lint.disable``, ``lint.plugins``, ``lint.fail_on`` in the main
section, or ``disable``/``plugins``/``fail_on`` in a ``[lint]`` section / ``[tool.mig.lint]``
table) and picks the dialect from ``--dialect`` or the backend of ``sqlalchemy.url``.
``--fail-on`` (default ``error``, or the config's ``fail_on``) is the least severe finding
that makes it exit 1; the pytest plugin's lint test reads the same setting.
"""

from __future__ import annotations

from typing import Any

from mig.cli.command._env import script_directory
from mig.cli.config import Config
from mig.cli.errors import CheckFailed


def _setting(config: Config, key: str) -> str | None:
    return config.get_main_option(f"lint.{key}") or config.get_section_option("lint", key)


def lint_config(config: Config, fail_on: str | None = None) -> Any:
    """The project's lint settings; ``fail_on`` (the command's option) wins over the config's."""
    from mig.cli.lint import LintConfig

    return LintConfig.from_options(
        _setting(config, "disable"),
        plugins=_setting(config, "plugins"),
        fail_on=fail_on or _setting(config, "fail_on"),
    )


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
    config: Config,
    rev_range: str | None = None,
    format: str = "text",
    dialect: str | None = None,
    fail_on: str | None = None,
) -> Any:
    """Print the findings; CheckFailed (exit 1) when an enabled rule at or above ``fail_on``
    (``error`` | ``warning``; default the config's ``lint.fail_on``, else ``error``) fires."""
    from mig.cli.lint import lint_script_directory, render
    from mig.cli.lint.model import check_fail_on

    if fail_on is not None:
        fail_on = check_fail_on(fail_on)
    report = lint_script_directory(
        script_directory(config),
        rev_range,
        dialect=dialect or config_dialect(config),
        config=lint_config(config, fail_on),
    )
    config.print_stdout(render(report, format).rstrip("\n"))
    if report.exit_code:
        raise CheckFailed(
            f"mig lint: enabled rules at or above --fail-on {report.fail_on} fired (see above)",
            quiet=True,
        )
    return report
