"""Writing a lint report: text for people, JSON for programs, SARIF 2.1.0 for code review
tools (GitHub code scanning and the like). The formats sit in a registry by name."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mig.cli._version import __version__
from mig.cli.lint.model import Finding, LintConfigError, LintReport

TOOL_NAME = "mig-lint"
SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
JSON_FORMAT_VERSION = 1


def exit_code(report: LintReport) -> int:
    """1 when an enabled rule at or above the report's ``fail_on`` fired, else 0."""
    return report.exit_code


def _base(base_dir: str | os.PathLike[str] | None) -> Path:
    return Path(base_dir if base_dir is not None else os.getcwd()).resolve()


def _relative(path: str, base: Path) -> str | None:
    try:
        return Path(path).resolve().relative_to(base).as_posix()
    except ValueError:
        return None


def display_path(path: str | None, base_dir: str | os.PathLike[str] | None = None) -> str | None:
    """A finding's path relative to ``base_dir`` (default: the working directory) when it
    lies inside it, else as recorded."""
    if path is None:
        return None
    return _relative(path, _base(base_dir)) or path


# -- text -----------------------------------------------------------------------------------


def text_line(finding: Finding, base_dir: str | os.PathLike[str] | None = None) -> str:
    """``path:line: MIG002 [revision abc123] drop_column t.c: <explanation>``."""
    path = display_path(finding.path, base_dir)
    where = ""
    if path is not None:
        where = f"{path}:{finding.line}: " if finding.line is not None else f"{path}: "
    rev = f" [revision {finding.revision}]" if finding.revision else ""
    what = f"{finding.op} {finding.target}" if finding.target else finding.op
    return f"{where}{finding.rule_id}{rev} {what}: {finding.message}"


def summary_line(report: LintReport) -> str:
    n, m, s = len(report.findings), report.migrations, len(report.suppressed)
    migrations = f"{m} migration{'s' if m != 1 else ''}"
    extra = f" ({s} suppressed)" if s else ""
    if not n:
        return f"mig lint: no findings in {migrations}{extra}"
    line = f"mig lint: {n} finding{'s' if n != 1 else ''} in {migrations}{extra}"
    if not report.failing:
        line += f"; none at or above --fail-on {report.fail_on}, so it passes"
    return line


def format_text(
    report: LintReport,
    *,
    base_dir: str | os.PathLike[str] | None = None,
    summary: bool = True,
    show_suppressed: bool = False,
) -> str:
    lines = [text_line(f, base_dir) for f in report.findings]
    if show_suppressed:
        lines += [f"{text_line(f, base_dir)} [suppressed]" for f in report.suppressed]
    if summary:
        lines.append(summary_line(report))
    return "\n".join(lines)


# -- JSON -----------------------------------------------------------------------------------


def _finding_dict(finding: Finding, base_dir: str | os.PathLike[str] | None) -> dict[str, Any]:
    out = finding.to_dict()
    out["path"] = display_path(finding.path, base_dir)
    return out


def to_json(
    report: LintReport, *, base_dir: str | os.PathLike[str] | None = None
) -> dict[str, Any]:
    """The report as a JSON-compatible dict (shape documented in the README)."""
    by_severity: dict[str, int] = {}
    for f in report.findings:
        by_severity[f.severity] = by_severity.get(f.severity, 0) + 1
    return {
        "version": JSON_FORMAT_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "dialect": report.dialect,
        "migrations": report.migrations,
        "rules": [
            {"id": r.id, "name": r.name, "severity": r.severity, "summary": r.summary}
            for r in report.rules
        ],
        "findings": [_finding_dict(f, base_dir) for f in report.findings],
        "suppressed": [_finding_dict(f, base_dir) for f in report.suppressed],
        "summary": {
            "findings": len(report.findings),
            "suppressed": len(report.suppressed),
            "by_severity": by_severity,
        },
        "fail_on": report.fail_on,
        "exit_code": report.exit_code,
    }


def format_json(report: LintReport, *, base_dir: str | os.PathLike[str] | None = None) -> str:
    return json.dumps(to_json(report, base_dir=base_dir), indent=2)


# -- SARIF 2.1.0 ----------------------------------------------------------------------------


def _artifact_location(path: str, base: Path) -> dict[str, Any]:
    rel = _relative(path, base)
    if rel is not None:
        return {"uri": quote(rel), "uriBaseId": SRCROOT}
    return {"uri": Path(path).resolve().as_uri()}


def _sarif_result(finding: Finding, rule_index: dict[str, int], base: Path) -> dict[str, Any]:
    what = f"{finding.op} {finding.target}" if finding.target else finding.op
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": finding.severity,
        "message": {"text": f"{what}: {finding.message}"},
    }
    if finding.rule_id in rule_index:
        result["ruleIndex"] = rule_index[finding.rule_id]
    if finding.path is not None:
        physical: dict[str, Any] = {"artifactLocation": _artifact_location(finding.path, base)}
        if finding.line is not None and finding.line >= 1:
            physical["region"] = {"startLine": finding.line}
        result["locations"] = [{"physicalLocation": physical}]
    if finding.suppressed is not None:
        result["suppressions"] = [
            {
                "kind": "inSource",
                "justification": f"mig-lint comment ({finding.suppressed} level)",
            }
        ]
    props: dict[str, Any] = {"op": finding.op, "target": finding.target}
    if finding.revision is not None:
        props["revision"] = finding.revision
    result["properties"] = props
    return result


def to_sarif(
    report: LintReport, *, base_dir: str | os.PathLike[str] | None = None
) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log: one run, the rules that ran, one result per
    finding (suppressed ones carry ``suppressions``, as the format asks)."""
    base = _base(base_dir)
    rules = [
        {
            "id": r.id,
            "name": r.name,
            "shortDescription": {"text": r.summary},
            "defaultConfiguration": {"level": r.severity},
            **({"properties": {"dialects": sorted(r.dialects)}} if r.dialects else {}),
        }
        for r in report.rules
    ]
    index = {r.id: i for i, r in enumerate(report.rules)}
    results = [_sarif_result(f, index, base) for f in (*report.findings, *report.suppressed)]
    return {
        "version": SARIF_VERSION,
        "$schema": SARIF_SCHEMA,
        "runs": [
            {
                "tool": {"driver": {"name": TOOL_NAME, "version": __version__, "rules": rules}},
                "originalUriBaseIds": {SRCROOT: {"uri": base.as_uri().rstrip("/") + "/"}},
                "results": results,
            }
        ],
    }


def format_sarif(report: LintReport, *, base_dir: str | os.PathLike[str] | None = None) -> str:
    return json.dumps(to_sarif(report, base_dir=base_dir), indent=2)


Formatter = Callable[..., str]
FORMATS: dict[str, Formatter] = {"text": format_text, "json": format_json, "sarif": format_sarif}


def render(
    report: LintReport, fmt: str = "text", *, base_dir: str | os.PathLike[str] | None = None
) -> str:
    """The report in one of :data:`FORMATS` (``text``, ``json``, ``sarif``)."""
    formatter = FORMATS.get(fmt)
    if formatter is None:
        raise LintConfigError(
            f"lint: unknown output format {fmt!r} (choose from {', '.join(FORMATS)})"
        )
    return formatter(report, base_dir=base_dir)
