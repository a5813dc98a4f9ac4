"""mig lint: report risky operations in migrations before they reach a database.

Each migration's ``upgrade()`` is recorded as directives (mig-ops's recorder, no database),
and rules look at the directives: dropping or renaming tables and columns, NOT NULL columns
without a default, narrowing or table-rewriting type changes, PostgreSQL locking hazards,
raw SQL. See the "Lint" section of mig-cli's README.

The CLI calls::

    config = LintConfig.from_options(disable="MIG001, MIG003", plugins="myproject.lint")
    report = lint_script_directory(ScriptDirectory(...), "base:heads",
                                   dialect="postgresql", config=config)
    print(render(report, "text"))          # or "json", "sarif"
    sys.exit(exit_code(report))
"""

from mig.cli.lint import rules as _builtin_rules  # noqa: F401  (registers MIG001-MIG013)
from mig.cli.lint.context import LintContext
from mig.cli.lint.engine import (
    active_rules,
    lint_directives,
    lint_file,
    lint_script_directory,
    lint_scripts,
    normalise_dialect,
    select_revisions,
)
from mig.cli.lint.model import (
    Finding,
    LintConfigError,
    LintError,
    LintReport,
    MigrationLoadError,
    Rule,
    Severity,
)
from mig.cli.lint.output import (
    FORMATS,
    exit_code,
    format_json,
    format_sarif,
    format_text,
    render,
    text_line,
    to_json,
    to_sarif,
)
from mig.cli.lint.recording import record_migration
from mig.cli.lint.registry import REGISTRY, RuleRegistry, rule
from mig.cli.lint.settings import LintConfig, disabled_rules, load_plugins

__all__ = [
    "FORMATS",
    "REGISTRY",
    "Finding",
    "LintConfig",
    "LintConfigError",
    "LintContext",
    "LintError",
    "LintReport",
    "MigrationLoadError",
    "Rule",
    "RuleRegistry",
    "Severity",
    "active_rules",
    "disabled_rules",
    "exit_code",
    "format_json",
    "format_sarif",
    "format_text",
    "lint_directives",
    "lint_file",
    "lint_script_directory",
    "lint_scripts",
    "load_plugins",
    "normalise_dialect",
    "record_migration",
    "render",
    "rule",
    "select_revisions",
    "text_line",
    "to_json",
    "to_sarif",
]
