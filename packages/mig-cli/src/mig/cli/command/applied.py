"""What the database's history table says: ``mig history --applied``, ``mig check --integrity``.

Both read the history table (mig-runtime's ``history.py``) through env.py, like ``current``
reads the version table, so they see the database, table names and schema env.py sets.
``--integrity`` compares each applied revision's recorded sha256 with its script today: an
applied migration edited afterwards no longer describes the schema the database has.
"""

from __future__ import annotations

import os
from typing import Any

from mig.cli.command._env import read_database, script_directory
from mig.cli.config import Config
from mig.cli.errors import CheckFailed, UsageError
from mig.cli.output import emit


def read_history(config: Config, script: Any) -> list[Any]:
    """Every history row, oldest first (mig.runtime.history.HistoryEntry objects)."""

    def read(heads: tuple[str, ...], ctx: Any) -> list[Any]:
        table = getattr(ctx, "history_table", None)
        if table is None:
            raise UsageError(
                f"the history table is turned off ({_why_off(config)}), so there is no "
                "applied history to read"
            )
        return table.entries(ctx.bind)

    return read_database(config, script, read)


def _why_off(config: Config) -> str:
    """Which setting turned the history table off: the config's, its default, or env.py's."""
    defaults = getattr(config, "environment_defaults", None)
    if not callable(defaults) or defaults().get("history_table") is not False:
        return "history_table=False in env.py's context.configure()"
    source = config.option_source(config.config_ini_section, "history_table")
    if (config.get_main_option("history_table") or "").strip():
        return f"history_table = false in {source}"
    # an Alembic project's config: no history table unless it asks for one
    return f"an Alembic config keeps none unless asked: set history_table = true in {source}"


def _when(entry: Any) -> str:
    return entry.applied_at.strftime("%Y-%m-%d %H:%M:%S") if entry.applied_at else "?"


def _short(checksum: str | None) -> str:
    if not checksum:
        return "-"
    algorithm, _, digest = checksum.partition(":")
    return f"{algorithm}:{digest[:8]}" if digest else checksum[:15]


def applied_history(config: Config, format: str = "text") -> list[Any]:
    """Print the history table newest first: when, which way, revision, time, user, checksum."""
    entries = read_history(config, script_directory(config))
    newest = list(reversed(entries))
    width = max((len(e.revision) for e in newest), default=0)
    way = max([4, *(len(e.direction) for e in newest)])
    lines = [
        f"{_when(e)}  {e.direction:<{way}}  {e.revision:<{width}}  "
        f"{'?' if e.duration_ms is None else e.duration_ms} ms  "
        f"by {e.applied_by or '?'}  {_short(e.checksum)}"
        for e in newest
    ] or ["(no applied history)"]
    emit(config, [e.as_dict() for e in newest], lines, format)
    return newest


def _display_path(config: Config, path: str | None) -> str:
    if not path:
        return "?"
    try:
        relative = os.path.relpath(path, config.here)
    except ValueError:  # another drive (Windows)
        return path
    return path if relative.startswith("..") else relative


def integrity(config: Config, format: str = "text") -> list[dict[str, Any]]:
    """Exit 1 (CheckFailed) if an applied script changed or is gone from the directory."""
    from mig.runtime.history import applied_revisions, file_checksum

    script = script_directory(config)
    applied = applied_revisions(read_history(config, script))
    rmap = script.revision_map
    problems: list[dict[str, Any]] = []
    checked = 0
    for revision, entry in applied.items():
        if revision not in rmap:
            problems.append(
                {
                    "revision": revision,
                    "problem": "missing",
                    "path": None,
                    "applied_at": entry.as_dict()["applied_at"],
                    "message": f"revision {revision}: applied but no script has it",
                }
            )
            continue
        if entry.checksum is None:
            continue  # applied by a step that had no source file: nothing to compare
        checked += 1
        path = rmap.script(revision).path
        if file_checksum(path) != entry.checksum:
            problems.append(
                {
                    "revision": revision,
                    "problem": "changed",
                    "path": path,
                    "applied_at": entry.as_dict()["applied_at"],
                    "message": (
                        f"revision {revision} ({_display_path(config, path)}): source changed "
                        f"since it was applied on {_when(entry)}"
                    ),
                }
            )
    ok_line = (
        "integrity ok: 1 applied revision matches its script"
        if checked == 1
        else f"integrity ok: {checked} applied revisions match their scripts"
    )
    lines = [p["message"] for p in problems] or [ok_line]
    emit(
        config,
        {"ok": not problems, "checked": checked, "problems": problems},
        lines,
        format,
    )
    if problems:
        raise CheckFailed(
            f"integrity check found {len(problems)} problem{'s' if len(problems) != 1 else ''} "
            f"with applied revisions",
        )
    return problems
