"""``mig check``: does the model (env.py's target_metadata) match the database?

It exits 1 when the database is not at the heads or when autogenerate would write a
non-empty migration, printing what differs: CI runs it to catch a model change that has no
migration yet.
"""

from __future__ import annotations

from typing import Any

from mig.cli.command._env import require_heads, run_env, script_directory
from mig.cli.config import Config
from mig.cli.errors import CheckFailed, UsageError
from mig.cli.output import emit


def describe_diff(diff: Any) -> str:
    """One line per difference tuple of ``compare_metadata``."""
    if isinstance(diff, list):  # several column modifications of one column
        return "; ".join(describe_diff(d) for d in diff)
    kind, *rest = diff
    names = []
    for item in rest:
        name = getattr(item, "name", None)
        if name is not None:
            table = getattr(item, "table", None)
            tname = getattr(table, "name", None)
            names.append(f"{tname}.{name}" if tname and tname != name else str(name))
        elif isinstance(item, str):
            names.append(item)
    return f"{kind}: {' '.join(names)}".rstrip()


def _json_diff(diff: Any) -> Any:
    if isinstance(diff, list):
        return [_json_diff(d) for d in diff]
    return {"kind": diff[0], "detail": describe_diff(diff).partition(": ")[2]}


def check(config: Config, format: str = "text", integrity: bool = False) -> list[Any]:
    """Exit 1 (CheckFailed) if the database is behind or the model differs from it.

    ``integrity``: instead, check that every applied revision's script is still there and
    unchanged since it was applied (see ``applied.py``).
    """
    if integrity:
        from mig.cli.command.applied import integrity as check_integrity

        return check_integrity(config, format)
    from mig.autogen import compare_metadata

    script = script_directory(config)
    found: list[Any] = []

    def plan(heads: tuple[str, ...], ctx: Any) -> list[Any]:
        require_heads(script, heads, CheckFailed, "run `mig upgrade heads` first")
        metadata = ctx.opts.get("target_metadata")
        if metadata is None:
            raise UsageError(
                "env.py passes no target_metadata to context.configure(): point it at "
                "your model's MetaData so check can compare"
            )
        found.extend(compare_metadata(ctx, metadata))
        return []

    run_env(config, script, plan)
    lines = [describe_diff(d) for d in found] or ["No new upgrade operations detected."]
    emit(config, {"ok": not found, "differences": [_json_diff(d) for d in found]}, lines, format)
    if found:
        raise CheckFailed(
            f"the model and the database differ ({len(found)} difference"
            f"{'s' if len(found) != 1 else ''}): run `mig revision --autogenerate`"
        )
    return found
