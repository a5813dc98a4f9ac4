"""``mig verify``: does every downgrade undo its upgrade, and does the model match the heads?

On a scratch database (``--url``, or a temporary SQLite file), each revision from base to
the heads is upgraded, downgraded and upgraded again, and the schema is compared by
reflection around each step (see :mod:`mig.cli.verify`). The first revision whose
downgrade leaves the schema different is reported with what differs, and the command
exits 1; so it does when the head schema differs from env.py's ``target_metadata``.
"""

from __future__ import annotations

from typing import Any

from mig.cli.command._env import script_directory
from mig.cli.config import Config
from mig.cli.errors import CheckFailed, UsageError
from mig.cli.output import FORMATS, emit


def _model_lines(report: Any) -> list[str]:
    from mig.autogen.report import difference_lines

    if report.model_note:
        return [f"model: not compared ({report.model_note})"]
    if not report.model_checked:
        return []
    count = len(report.model_differences) + len(report.model_skipped)
    if not count:
        return ["model: matches the schema at the heads"]
    lines = [f"model: {count} difference{'s' if count != 1 else ''} from the schema at the heads"]
    return lines + difference_lines(report.model_differences, report.model_skipped)


def _text(report: Any) -> list[str]:
    count = report.revisions
    noun = "revision" if count == 1 else "revisions"
    lines = [f"verify: {count} {noun} on {report.database}"]
    lines += [f"ok      {s.revision}  {s.message}".rstrip() for s in report.steps]
    failure = report.failure
    if failure is not None:
        lines.append(f"FAILED  {failure.revision}  {failure.message} ({failure.phase})")
        lines += [f"          {line}" for line in failure.lines() or [failure.summary()]]
        return lines
    return lines + _model_lines(report)


def _json(report: Any) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "database": report.database,
        "revisions": report.revisions,
        "verified": [{"revision": s.revision, "message": s.message} for s in report.steps],
        "failure": report.failure.to_json() if report.failure is not None else None,
        "model": {
            "checked": report.model_checked,
            "note": report.model_note,
            "equal": (
                report.model_checked and not report.model_differences and not report.model_skipped
            ),
            "differences": report.model_records,
            "skipped": report.model_skipped,
        },
    }


def verify(config: Config, url: str | None = None, format: str = "text") -> Any:
    """Round-trip every revision on a scratch database; CheckFailed (exit 1) on a problem.

    ``url`` names the scratch database, which must be empty; verify empties it again when
    done. Without it a temporary SQLite file is used and deleted. Returns the
    :class:`mig.cli.verify.VerifyReport`.
    """
    from mig.cli.verify import scratch_database, verify_migrations

    if format not in FORMATS:
        raise UsageError(f"--format {format!r}: use one of {', '.join(FORMATS)}")
    script = script_directory(config)
    with scratch_database(config, script, url) as scratch:
        report = verify_migrations(config, scratch, script=script)
    emit(config, _json(report), _text(report), format)
    if report.failure is not None:
        raise CheckFailed(report.failure.summary())
    if report.model_differences:
        count = len(report.model_differences)
        raise CheckFailed(
            f"the schema at the heads differs from the model ({count} difference"
            f"{'s' if count != 1 else ''}): run `mig revision --autogenerate`"
        )
    return report
