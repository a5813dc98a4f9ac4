"""Commands that change the database or read its state: upgrade, downgrade, stamp, current,
ensure_version."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mig.cli.command._env import (
    read_database,
    require_heads,
    run_env,
    script_directory,
    split_range,
)
from mig.cli.config import Config
from mig.cli.errors import CheckFailed, CommandError, UsageError
from mig.cli.layout import CURRENT, entry
from mig.cli.output import FORMATS, emit, script_record


def _run_steps(config: Config, script: Any, plan: Any, *, sql: bool, fmt: str, **kw: Any) -> None:
    """Run env.py with the command's reporter (``progress.py``) and Ctrl-C handling.

    The first Ctrl-C lets the running step finish and be recorded, and the run ends at that
    step boundary (committed); the command then exits 130 saying where the database is. A
    second one aborts at once (``mig.runtime.interrupt``).
    """
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    if sql:
        if fmt == "json":
            raise UsageError("--format json cannot be combined with --sql: the SQL is the output")
        run_env(config, script, plan, as_sql=True, **kw)
        return
    from mig.cli.progress import reporter_for
    from mig.runtime.interrupt import GracefulInterrupt

    reporter = reporter_for(config, fmt)
    with GracefulInterrupt(_notice) as guard:
        try:
            run_env(config, script, plan, reporter=reporter, **kw)
        except KeyboardInterrupt:
            if not guard.installed:
                raise
            raise reporter.aborted_error() from None
    if guard.requested:
        raise reporter.stopped_error()


def _notice(text: str) -> None:
    """What the first Ctrl-C prints (stderr: stdout may be a program's JSON)."""
    import sys

    sys.stderr.write(f"\n{text}\n" if sys.stderr.isatty() else f"{text}\n")
    sys.stderr.flush()


def _offline_start(script: Any, start: str | None) -> tuple[str, ...] | None:
    """The version rows an offline run starts from (None: from an empty database)."""
    if start is None:
        return None
    revisions = script.resolve(start)
    return revisions or None


def _migrate(
    config: Config,
    revision: str,
    sql: bool,
    tag: str | None,
    upward: bool,
    fmt: str = "text",
    **extra: Any,
) -> None:
    """upgrade/downgrade: plan from the database's heads (or START of START:END offline)."""
    script = script_directory(config)
    start, destination = split_range(revision, as_sql=sql)
    if sql and start is None and not upward:
        raise UsageError(
            "downgrade --sql needs the revision to start from: give START:END, e.g. head:base"
        )
    planner = script.plan_upgrade if upward else script.plan_downgrade

    def plan(heads: tuple[str, ...], ctx: Any) -> list[Any]:
        return list(planner(heads, destination))

    _run_steps(
        config,
        script,
        plan,
        sql=sql,
        fmt=fmt,
        starting_rev=_offline_start(script, start),
        destination_rev=destination,
        tag=tag,
        **extra,
    )


def upgrade(
    config: Config,
    revision: str,
    sql: bool = False,
    tag: str | None = None,
    online: bool | None = None,
    plan: bool = False,
    format: str = "text",
) -> None:
    """Upgrade to ``revision`` (``head``, ``heads``, an id or prefix, ``+2``, ``label@head``).

    With ``sql`` the SQL is written instead of run; ``start:end`` picks the range.
    ``online`` (``--online`` / ``--no-online``) wins over the config and env.py; ``plan``
    writes the ``--online`` statements with their locks instead of running them.
    ``format="json"`` prints JSON lines (one object per step, then a summary).
    """
    if plan:
        online, sql = True if online is None else online, True
    extra = {} if online is None else {"online_override": online}
    _migrate(config, revision, sql, tag, upward=True, fmt=format, **extra)


def downgrade(
    config: Config,
    revision: str,
    sql: bool = False,
    tag: str | None = None,
    format: str = "text",
) -> None:
    """Downgrade to ``revision`` (``base``, an id, ``-1``, ``label@-1``, ``label@base``)."""
    _migrate(config, revision, sql, tag, upward=False, fmt=format)


def _check_known_rows(script: Any, current: Sequence[str], purge: bool) -> None:
    """A row no script declares stops a stamp, unless ``purge`` empties the table."""
    if purge:
        return
    rmap = script.revision_map
    unknown = [rev for rev in current if rev not in rmap]
    if unknown:
        raise UsageError(
            f"the version table holds revision {unknown[0]!r}, which no script has; "
            f"use `mig stamp --purge` to replace the table's contents"
        )


def stamp(
    config: Config,
    revision: str | Sequence[str],
    sql: bool = False,
    tag: str | None = None,
    purge: bool = False,
    format: str = "text",
) -> None:
    """Set the version table to ``revision`` (one or several) without running migrations."""
    script = script_directory(config)
    specs = [revision] if isinstance(revision, str) else list(revision)
    start: str | None = None
    if sql and len(specs) == 1 and ":" in specs[0]:
        start, specs[0] = split_range(specs[0], as_sql=True)
    for spec in specs:
        if ":" in spec:
            raise UsageError(f"stamp {spec!r}: a START:END range is only for --sql")
    from mig.runtime.steps import plan_stamp

    for spec in specs:
        script.resolve(spec)  # an unknown revision fails before env.py connects

    def plan(heads: tuple[str, ...], ctx: Any) -> list[Any]:
        _check_known_rows(script, heads, purge)
        return plan_stamp(script, heads, specs, purge=purge)

    _run_steps(
        config,
        script,
        plan,
        sql=sql,
        fmt=format,
        starting_rev=_offline_start(script, start),
        destination_rev=",".join(specs),
        tag=tag,
    )


def current_heads(config: Config, script: Any = None) -> tuple[str, ...]:
    """The revisions the database's version table holds."""
    script = script if script is not None else script_directory(config)
    return read_database(config, script, lambda heads, ctx: heads)


def current(
    config: Config, verbose: bool = False, check_heads: bool = False, format: str = "text"
) -> tuple[str, ...]:
    """Print the database's revision(s); ``check_heads`` fails unless they are the heads."""
    script = script_directory(config)
    heads, url = read_database(config, script, lambda rows, ctx: (rows, _url_of(ctx)))
    rmap = script.revision_map
    unknown = [rev for rev in heads if rev not in rmap]
    records = [
        {"revision": rev, "unknown": True}
        if rev in unknown
        else script_record(rmap.script(rev), heads)
        for rev in heads
    ]
    if unknown:
        if format == "json":
            emit(config, {"current": records, "up_to_date": False}, (), format)
        raise CommandError(
            f"the version table holds revision {unknown[0]!r}, which no script has; "
            f"is this the right project and branch?"
        )
    lines = []
    if verbose:
        lines.append(f"Current revision(s) for {url}:")
    lines += [entry(s, verbose, CURRENT) for s in _branch_heads(rmap, heads)]
    up_to_date = set(heads) == set(script.get_heads())
    emit(config, {"current": records, "up_to_date": up_to_date}, lines, format)
    if check_heads:
        require_heads(script, heads, CheckFailed, "run `mig upgrade heads`")
    return heads


def _branch_heads(rmap: Any, rows: Sequence[str]) -> list[Any]:
    """What ``current`` lists, as Alembic does: the top of each line of history applied,
    i.e. the rows and anything they depend on that no applied revision has as
    down_revision (a depended-on branch shows as ``(effective head)``), in file order."""
    return list(rmap.scripts_for(rmap.tops(rmap.ancestors(rows))))


def _url_of(ctx: Any) -> str:
    """The database's URL with the password hidden (what ``current -v`` names)."""
    bind = getattr(ctx, "bind", None)
    engine = getattr(bind, "engine", None)
    return engine.url.render_as_string(hide_password=True) if engine is not None else "?"


def ensure_version(config: Config, sql: bool = False) -> None:
    """Create the version table if it does not exist yet."""
    script = script_directory(config)
    run_env(config, script, lambda heads, ctx: [], as_sql=sql)
