"""Running the rules: over directives (autogenerate's), over migration files, over a range of
a script directory.

Per migration: record ``upgrade()`` (no database), walk its directives in order (batch and
autogenerate containers included), run every enabled rule that applies to the dialect on
each directive it targets, then mark findings silenced by the script's ``mig-lint``
comments. Rules disabled in the config never run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

from mig.cli.alembic_compat import alembic_alias
from mig.cli.lint.context import LintContext
from mig.cli.lint.describe import describe
from mig.cli.lint.model import (
    Finding,
    LintConfigError,
    LintError,
    LintReport,
    MigrationLoadError,
    Rule,
)
from mig.cli.lint.recording import Located, record_migration
from mig.cli.lint.registry import REGISTRY, RuleRegistry
from mig.cli.lint.rules import NEEDS_DATABASE, UNRENDERED_TYPE
from mig.cli.lint.settings import DEFAULT_CONFIG, LintConfig
from mig.cli.lint.suppress import Suppressions, parse_suppressions
from mig.cli.lint.todos import unrendered_types
from mig.ops import (
    CreateTableOp,
    MigrateOperation,
    MigrationScript,
    OpContainer,
    RenameTableOp,
)
from mig.ops.dispatch import Dispatcher

_DIALECT_ALIASES = {"postgres": "postgresql"}


class ScriptLike(Protocol):
    """What lint needs of a revision: mig.scripts' ``Script`` has both."""

    revision: str
    path: str | None


class ScriptDirectoryLike(Protocol):
    def walk_revisions(self, base: str = ..., head: str = ...) -> Iterable[Any]: ...
    def get_revisions(self, spec: Any) -> Any: ...


def normalise_dialect(dialect: str | None) -> str | None:
    """``"postgresql+psycopg"`` -> ``"postgresql"``; None stays None (every rule applies)."""
    if dialect is None:
        return None
    name = dialect.split("+", 1)[0].strip().lower()
    if not name:
        raise LintConfigError(f"lint: dialect {dialect!r} names no database")
    return _DIALECT_ALIASES.get(name, name)


def active_rules(
    registry: RuleRegistry | None = None,
    config: LintConfig | None = None,
    dialect: str | None = None,
) -> tuple[Rule, ...]:
    """The rules a run uses: enabled in ``config`` and applicable to ``dialect``."""
    registry = registry or REGISTRY
    config = config or DEFAULT_CONFIG
    dialect = normalise_dialect(dialect)
    return tuple(r for r in registry if config.enabled(r.id) and r.applies_to(dialect))


# -- tables created inside the migration ----------------------------------------------------

Tracker = Callable[[Any, set[tuple[str | None, str]]], None]


def _track_create(op: CreateTableOp, new: set[tuple[str | None, str]]) -> None:
    new.add((op.schema, op.table_name))


def _track_rename(op: RenameTableOp, new: set[tuple[str | None, str]]) -> None:
    if (op.schema, op.old_table_name) in new:
        new.add((op.schema, op.new_table_name))


_TRACKERS: Dispatcher[Tracker] = Dispatcher(
    "new-table tracker", {CreateTableOp: _track_create, RenameTableOp: _track_rename}
)


# -- walking and checking -------------------------------------------------------------------


def _flatten(
    items: Iterable[Located], outer: tuple[int, ...] = ()
) -> Iterator[tuple[MigrateOperation, int | None, tuple[int, ...]]]:
    """Each directive in execution order with its line and the lines of its containers."""
    for item in items:
        yield item.directive, item.line, outer
        if item.members:
            inner = (*outer, item.line) if item.line is not None else outer
            yield from _flatten(item.members, inner)


def _as_located(directives: Any) -> list[Located]:
    if isinstance(directives, MigrationScript):
        directives = directives.upgrade_ops
    if isinstance(directives, MigrateOperation):
        directives = [directives]
    out = []
    for d in directives:
        if not isinstance(d, MigrateOperation):
            raise LintError(f"lint_directives: {d!r} is not a directive (mig.ops)")
        members = _as_located(d.ops) if isinstance(d, OpContainer) else []
        out.append(Located(d, None, members))
    return out


def _suppression(
    suppressions: Suppressions | None, rule_id: str, lines: Iterable[int | None]
) -> str | None:
    if suppressions is None:
        return None
    if suppressions.for_file(rule_id):
        return "migration"
    if any(suppressions.for_line(rule_id, n) for n in lines):
        return "op"
    return None


def _check(
    located: list[Located],
    rules: tuple[Rule, ...],
    *,
    dialect: str | None,
    revision: str | None,
    path: str | None,
    suppressions: Suppressions | None,
) -> list[Finding]:
    findings: list[Finding] = []
    new_tables: set[tuple[str | None, str]] = set()
    for directive, line, outer in _flatten(located):
        ctx = LintContext(dialect, revision, path, frozenset(new_tables))
        for rule in rules:
            if not rule.ops or not isinstance(directive, rule.ops):
                continue
            try:
                result = rule.check(directive, ctx)
            except Exception as exc:
                raise LintError(
                    f"lint rule {rule.id} ({rule.name}) failed on {directive.op_name} "
                    f"{describe(directive)}: {type(exc).__name__}: {exc}"
                ) from exc
            if not result:
                continue
            shown_line = line if line is not None else (outer[-1] if outer else None)
            findings.append(
                Finding(
                    rule_id=rule.id,
                    rule_name=rule.name,
                    severity=rule.severity,
                    message=rule.summary if result is True else f"{rule.summary} ({result})",
                    op=directive.op_name or type(directive).__name__,
                    target=describe(directive),
                    revision=revision,
                    path=path,
                    line=shown_line,
                    suppressed=_suppression(suppressions, rule.id, (line, *outer)),
                )
            )
        tracker = _TRACKERS.lookup(type(directive))
        if tracker is not None:
            tracker(directive, new_tables)
    return findings


# -- entry points ---------------------------------------------------------------------------


def _fail_on(config: LintConfig | None) -> Any:
    """The config's ``--fail-on`` threshold (``error`` without a config)."""
    return (config or DEFAULT_CONFIG).fail_on


def lint_directives(
    directives: MigrateOperation | Iterable[MigrateOperation],
    *,
    revision: str | None = None,
    dialect: str | None = None,
    config: LintConfig | None = None,
    registry: RuleRegistry | None = None,
) -> LintReport:
    """Lint directives that are not (yet) a file: what autogenerate is about to write.

    Accepts a list of directives, an ``UpgradeOps``/container, or a ``MigrationScript``
    (its upgrade ops are linted). Findings carry no path or line.
    """
    dialect = normalise_dialect(dialect)
    rules = active_rules(registry, config, dialect)
    report = LintReport(rules=rules, migrations=1, dialect=dialect, fail_on=_fail_on(config))
    if revision is None and isinstance(directives, MigrationScript):
        revision = directives.rev_id
    located = _as_located(directives)
    report.add(
        _check(located, rules, dialect=dialect, revision=revision, path=None, suppressions=None)
    )
    return report


def lint_file(
    path: str | os.PathLike[str],
    *,
    revision: str | None = None,
    dialect: str | None = None,
    config: LintConfig | None = None,
    registry: RuleRegistry | None = None,
) -> LintReport:
    """Lint one migration script by path (its ``revision`` is read from the module when
    not given). A script that fails to import or record raises :class:`MigrationLoadError`."""
    registry = registry or REGISTRY
    dialect = normalise_dialect(dialect)
    rules = active_rules(registry, config, dialect)
    shown = str(path)
    if not Path(path).is_file():
        raise MigrationLoadError(f"{shown}: no such migration file")
    suppressions = None
    source = ""
    if Path(path).suffix == ".py":
        try:
            source = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise MigrationLoadError(f"{shown}: cannot read the migration: {exc}") from None
        suppressions = parse_suppressions(source, registry, shown)
    recording = record_migration(path, revision=revision, dialect=dialect)
    revision = recording.revision
    findings = _check(
        recording.located,
        rules,
        dialect=dialect,
        revision=revision,
        path=shown,
        suppressions=suppressions,
    )
    needs_db = next((r for r in rules if r.id == NEEDS_DATABASE), None)
    if recording.needs_database and needs_db is not None:
        line = recording.needs_database_line
        findings.append(
            Finding(
                rule_id=needs_db.id,
                rule_name=needs_db.name,
                severity=needs_db.severity,
                message=needs_db.summary,
                op="get_bind",
                target="",
                revision=revision,
                path=shown,
                line=line,
                suppressed=_suppression(suppressions, needs_db.id, (line,)),
            )
        )
    unrendered = next((r for r in rules if r.id == UNRENDERED_TYPE), None)
    for line, type_name in unrendered_types(source) if unrendered is not None else ():
        findings.append(
            Finding(
                rule_id=unrendered.id,
                rule_name=unrendered.name,
                severity=unrendered.severity,
                message=f"{unrendered.summary} ({type_name})",
                op="type",
                target=type_name,
                revision=revision,
                path=shown,
                line=line,
                suppressed=_suppression(suppressions, unrendered.id, (line,)),
            )
        )
    report = LintReport(rules=rules, migrations=1, dialect=dialect, fail_on=_fail_on(config))
    report.add(findings)
    return report


def lint_scripts(
    scripts: Iterable[ScriptLike | str | os.PathLike[str] | tuple[Any, str | None]],
    *,
    dialect: str | None = None,
    config: LintConfig | None = None,
    registry: RuleRegistry | None = None,
) -> LintReport:
    """Lint several migrations in the order given: ``Script`` objects (``.path``,
    ``.revision``), paths, or ``(path, revision)`` pairs."""
    dialect = normalise_dialect(dialect)
    report = LintReport(
        rules=active_rules(registry, config, dialect), dialect=dialect, fail_on=_fail_on(config)
    )
    with alembic_alias():  # once for the lot, not once a script (see record_migration)
        for item in scripts:
            if isinstance(item, str | os.PathLike):
                path, revision = item, None
            elif isinstance(item, tuple):
                path, revision = item
            else:
                path, revision = item.path, item.revision
                if path is None:
                    raise MigrationLoadError(f"revision {revision!r} has no file to lint")
            report.extend(
                lint_file(
                    path, revision=revision, dialect=dialect, config=config, registry=registry
                )
            )
    return report


def select_revisions(script_directory: ScriptDirectoryLike, rev_range: str | None) -> list[Any]:
    """The scripts of ``rev_range``, oldest first.

    ``None``: every revision. ``"A:B"``: from A up to B, both included (``"A:"`` up to the
    heads, ``":B"`` from the base). ``"A"``: that revision alone (an id, prefix, label or
    ``heads``). Unknown revisions raise mig.scripts' one-line errors.
    """
    if not rev_range:
        return list(reversed(list(script_directory.walk_revisions())))
    if ":" in rev_range:
        lower, upper = (p.strip() for p in rev_range.split(":", 1))
        walked = script_directory.walk_revisions(base=lower or "base", head=upper or "heads")
        return list(reversed(list(walked)))
    return list(script_directory.get_revisions(rev_range.strip()))


def lint_script_directory(
    script_directory: ScriptDirectoryLike,
    rev_range: str | None = None,
    *,
    dialect: str | None = None,
    config: LintConfig | None = None,
    registry: RuleRegistry | None = None,
) -> LintReport:
    """Lint the revisions of a ``ScriptDirectory`` in ``rev_range`` (see
    :func:`select_revisions`), oldest first: what ``mig lint [REV_RANGE]`` runs."""
    scripts = select_revisions(script_directory, rev_range)
    return lint_scripts(scripts, dialect=dialect, config=config, registry=registry)
