"""``mig check``: does the model (env.py's target_metadata) match the database?

It exits 1 when the database is not at the heads or when autogenerate would write a
non-empty migration, printing what differs: CI runs it to catch a model change that has no
migration yet. The differences are worded, in text and in JSON, exactly as ``mig-diff``
words them (``mig.autogen.report`` / ``mig.autogen.records``): one vocabulary.
"""

from __future__ import annotations

from typing import Any

from mig.cli.command._env import require_heads, run_env, script_directory
from mig.cli.config import Config
from mig.cli.errors import CheckFailed, UsageError
from mig.cli.output import emit


def check(config: Config, format: str = "text", integrity: bool = False) -> list[Any]:
    """Exit 1 (CheckFailed) if the database is behind or the model differs from it.

    ``integrity``: instead, check that every applied revision's script is still there and
    unchanged since it was applied (see ``applied.py``).
    """
    if integrity:
        from mig.cli.command.applied import integrity as check_integrity

        return check_integrity(config, format)
    from mig.autogen.records import difference_record
    from mig.autogen.report import compare, difference_lines

    script = script_directory(config)
    found: list[Any] = []
    records: list[dict[str, Any]] = []
    skipped: list[str] = []

    def plan(heads: tuple[str, ...], ctx: Any) -> list[Any]:
        require_heads(script, heads, CheckFailed, "run `mig upgrade heads` first")
        metadata = ctx.opts.get("target_metadata")
        if metadata is None:
            raise UsageError(
                "env.py passes no target_metadata to context.configure(): point it at "
                "your model's MetaData so check can compare"
            )
        compared = compare(ctx, metadata)
        found.extend(compared.differences)
        records.extend(difference_record(d, ctx.dialect) for d in compared.differences)
        skipped.extend(compared.skipped)
        return []

    run_env(config, script, plan)
    count = len(found) + len(skipped)
    lines = ["No new upgrade operations detected."]
    if count:
        head = f"{count} difference{'s' if count != 1 else ''} between the model and the database:"
        lines = [head, *difference_lines(found, skipped)]
    data = {"equal": not count, "differences": records, "skipped": skipped}
    emit(config, data, lines, format)
    if count:
        raise CheckFailed(
            f"the model and the database differ ({count} difference"
            f"{'s' if count != 1 else ''}): run `mig revision --autogenerate`"
        )
    return found
