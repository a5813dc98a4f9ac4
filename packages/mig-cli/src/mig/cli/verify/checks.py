"""The pytest plugin's ready-made tests, as plain functions of a Config.

Each check takes the project's Config and the scratch database URL (None: a temporary
SQLite file per check) and returns when all is well; otherwise it raises
:class:`~mig.cli.errors.CheckFailed` whose message (several lines where useful) is what
the test report shows, or :class:`CheckSkipped` when the check does not apply. They are
functions, not pytest tests, so the plugin stays a small module that imports this one only
when a test runs, and a project can call them from its own tests as well.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mig.cli.config import Config
from mig.cli.errors import CheckFailed


class CheckSkipped(Exception):
    """The check does not apply to this project (the message says why)."""


def _script(config: Config) -> Any:
    from mig.cli.command._env import script_directory

    return script_directory(config)


def _run(config: Config, url: str | None, *, roundtrip: bool, compare_model: bool) -> Any:
    from mig.cli.verify.roundtrip import verify_migrations
    from mig.cli.verify.scratch import scratch_database

    script = _script(config)
    with scratch_database(config, script, url) as scratch:
        report = verify_migrations(
            config, scratch, roundtrip=roundtrip, compare_model=compare_model, script=script
        )
    if report.failure is not None:
        lines = [report.failure.summary()]
        if len(report.failure.differences) > 1:
            lines += [f"  {line}" for line in report.failure.lines()]
        raise CheckFailed("\n".join(lines))
    return report


def single_head(config: Config, url: str | None = None) -> None:
    """The revisions have at most one head (two heads need a merge revision)."""
    script = _script(config)
    heads = script.get_heads()
    if len(heads) > 1:
        rmap = script.revision_map
        listed = "\n".join(f"  {rev} {rmap.script(rev).doc}".rstrip() for rev in heads)
        raise CheckFailed(
            f"{len(heads)} head revisions, expected one: merge them with "
            f"`mig merge heads`\n{listed}"
        )


def upgrade(config: Config, url: str | None = None) -> None:
    """Every revision applies, base to heads, on an empty database."""
    _run(config, url, roundtrip=False, compare_model=False)


def model_matches(config: Config, url: str | None = None) -> None:
    """After upgrading to the heads, autogenerate finds nothing to do (``mig check``)."""
    from mig.autogen.report import difference_lines

    report = _run(config, url, roundtrip=False, compare_model=True)
    if report.model_note:
        raise CheckSkipped(report.model_note)
    if report.model_differences or report.model_skipped:
        count = len(report.model_differences) + len(report.model_skipped)
        lines = difference_lines(report.model_differences, report.model_skipped)
        raise CheckFailed(
            f"the schema at the heads differs from the model ({count} difference"
            f"{'s' if count != 1 else ''}; run `mig revision --autogenerate`):\n" + "\n".join(lines)
        )


def up_down(config: Config, url: str | None = None) -> None:
    """Each revision's downgrade undoes its upgrade, and the upgrade then runs again."""
    _run(config, url, roundtrip=True, compare_model=False)


def no_lint_errors(config: Config, url: str | None = None) -> None:
    """``mig lint`` finds nothing (rules disabled in the config stay disabled)."""
    from mig.cli.command.lint import config_dialect, lint_config
    from mig.cli.lint import lint_script_directory, render

    report = lint_script_directory(
        _script(config), dialect=config_dialect(config), config=lint_config(config)
    )
    if report.exit_code:
        raise CheckFailed(render(report, "text").rstrip("\n"))


#: test name (as pytest shows it) -> check; pytest-alembic users know most of the names
CHECKS: dict[str, Callable[[Config, str | None], None]] = {
    "test_single_head_revision": single_head,
    "test_upgrade": upgrade,
    "test_model_definitions_match_ddl": model_matches,
    "test_up_down_consistency": up_down,
    "test_no_lint_errors": no_lint_errors,
}


def run_check(name: str, config_file: str, url: str | None = None) -> None:
    """Run the check ``name`` on the project whose mig config is ``config_file``."""
    from argparse import Namespace

    from mig.cli.config import find_config

    config = find_config(config_file, cmd_opts=Namespace(x=[], progress=False))
    CHECKS[name](config, url)
