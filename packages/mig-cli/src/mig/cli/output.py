"""What commands print: text for people, JSON for programs (progress is ``progress.py``).

Commands hand their result to :func:`emit` as data plus the text lines a person reads; the
``--format`` option picks which one is printed, so the two never drift apart. Timestamps in
JSON are ISO-8601 with their zone (a naive one is the database's UTC).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

FORMATS = ("text", "json")


def emit(config: Any, data: Any, lines: Iterable[str], fmt: str = "text") -> None:
    """Print ``data`` as JSON or ``lines`` as text, through the config's stdout."""
    if fmt == "json":
        config.print_stdout(json.dumps(data, indent=2, default=json_value))
    elif fmt == "text":
        for line in lines:
            config.print_stdout(line)
    else:
        from mig.cli.errors import UsageError

        raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")


def json_value(value: Any) -> Any:
    """What JSON has no type for: datetimes as ISO-8601 with the zone, the rest as text."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def json_line(data: Any) -> str:
    """One JSON object on one line (JSON lines: what the commands that run steps print)."""
    return json.dumps(data, default=json_value)


def script_record(script: Any, current: Sequence[str] | None = None) -> dict[str, Any]:
    """One revision as JSON: what ``heads``, ``history`` and ``show`` print per revision.

    ``is_current`` is null unless the command read the database (``current``, ``history -i``).
    """
    deps = script.dependencies
    return {
        "revision": script.revision,
        "down_revisions": list(script.down_revisions),
        "branch_labels": sorted(script.branch_labels),
        "depends_on": [deps] if isinstance(deps, str) else list(deps or ()),
        "message": script.doc,
        "path": script.path,
        "is_head": script.is_head,
        "is_base": script.is_base,
        "is_branch_point": script.is_branch_point,
        "is_merge_point": script.is_merge_point,
        "is_current": None if current is None else script.revision in current,
    }
