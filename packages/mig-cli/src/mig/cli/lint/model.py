"""The values the lint engine works with: rules, findings, reports, and its errors.

Kept free of any logic about directives so that output formats, the CLI and project plugins
can all import them without pulling in the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

#: SARIF's result levels, which are also the severities of rules.
Severity = Literal["error", "warning", "note"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "note")

#: What a rule's check returns: falsy (nothing to report), True (report the rule's summary),
#: or a string (report the summary followed by this detail, e.g. "VARCHAR(100) -> VARCHAR(50)").
CheckResult = bool | str | None
Check = Callable[[Any, Any], CheckResult]


class LintError(Exception):
    """A lint run could not be completed; ``str(err)`` is one line naming the culprit."""

    #: the ``mig`` command's exit status for this error: 1, a failure while running
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split("\n")))


class LintConfigError(LintError):
    """Bad lint configuration or usage: an unknown rule id, a bad plugin, a bad dialect.

    The CLI maps it to exit code 2 (usage or configuration error).
    """

    #: the ``mig`` command's exit status: 2, a usage or configuration mistake
    exit_code = 2


class MigrationLoadError(LintError):
    """A migration script could not be imported or recorded; the message names the file.

    The CLI maps it to exit code 1 (the operation failed).
    """


@dataclass(frozen=True)
class Rule:
    """One lint rule: a stable id (``MIG002``), a name (``drop-column``), a default severity,
    a one-line explanation, and the check run on each directive of the classes in ``ops``.

    ``dialects`` limits the rule to those database dialects (``{"postgresql"}``); when the
    lint run names no dialect, every rule applies.
    """

    id: str
    name: str
    severity: Severity
    summary: str
    ops: tuple[type, ...]
    check: Check
    dialects: frozenset[str] | None = None

    def applies_to(self, dialect: str | None) -> bool:
        return dialect is None or self.dialects is None or dialect in self.dialects


@dataclass(frozen=True)
class Finding:
    """One rule firing on one directive.

    ``suppressed`` is None for an active finding, or where the in-source comment that
    silenced it sits: ``"migration"`` (a module-level comment) or ``"op"`` (a comment on or
    above the op's line). Findings of rules disabled in the config are never produced.
    """

    rule_id: str
    rule_name: str
    severity: Severity
    message: str
    op: str
    target: str
    revision: str | None = None
    path: str | None = None
    line: int | None = None
    suppressed: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule_id,
            "name": self.rule_name,
            "severity": self.severity,
            "revision": self.revision,
            "path": self.path,
            "line": self.line,
            "op": self.op,
            "target": self.target,
            "message": self.message,
        }
        if self.suppressed is not None:
            out["suppressed"] = self.suppressed
        return out


@dataclass
class LintReport:
    """The outcome of a lint run: active findings, suppressed ones, and what was checked.

    ``rules`` are the rules that ran (enabled and applicable to the dialect), in id order;
    ``migrations`` the number of migrations linted.
    """

    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    rules: tuple[Rule, ...] = ()
    migrations: int = 0
    dialect: str | None = None

    @property
    def exit_code(self) -> int:
        """1 when an enabled rule fired (and was not suppressed), else 0."""
        return 1 if self.findings else 0

    def add(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            (self.suppressed if finding.suppressed else self.findings).append(finding)

    def extend(self, other: LintReport) -> None:
        """Fold another report (one more migration) into this one."""
        self.findings.extend(other.findings)
        self.suppressed.extend(other.suppressed)
        self.migrations += other.migrations
        known = {r.id for r in self.rules}
        self.rules = self.rules + tuple(r for r in other.rules if r.id not in known)
