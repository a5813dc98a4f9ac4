"""Commands that write files: init, list_templates, revision, merge, edit."""

from __future__ import annotations

import os
import shlex
import subprocess
import uuid
from collections.abc import Sequence
from typing import Any

from mig.cli.command._env import require_heads, run_env, script_directory
from mig.cli.config import DEFAULT_INI, Config
from mig.cli.errors import CommandError, UsageError
from mig.cli.output import FORMATS, json_line


class _Written:
    """What ``revision`` and ``merge`` print per file: text, or JSON lines and a summary."""

    def __init__(self, config: Config, fmt: str) -> None:
        if fmt not in FORMATS:
            raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
        self.config = config
        self.json = fmt == "json"
        self.count = 0

    def file(self, written: Any) -> None:
        self.count += 1
        if not self.json:
            self.config.print_stdout(f"Generating {written.path} ... done")
            return
        self.config.print_stdout(
            json_line(
                {
                    "event": "written",
                    "revision": written.revision,
                    "path": written.path,
                    "message": written.doc,
                    "down_revisions": list(written.down_revisions),
                }
            )
        )

    def summary(self) -> None:
        if self.json:
            self.config.print_stdout(json_line({"event": "summary", "written": self.count}))


def new_rev_id() -> str:
    """A fresh 12-hex-digit revision id."""
    return uuid.uuid4().hex[-12:]


def list_templates(config: Config) -> list[str]:
    """Print the templates ``init`` can use (built-in and from installed packages)."""
    from mig.scripts.templates import list_templates as available

    found = available()
    width = max((len(t.name) for t in found), default=0)
    config.print_stdout("Available templates:\n")
    for info in found:
        config.print_stdout(f"{info.name:<{width}} - {info.description}")
    config.print_stdout("\nTemplates are used via the 'init' command, e.g.:\n")
    config.print_stdout("  mig init --template generic ./migrations")
    return [t.name for t in found]


def init(config: Config, directory: str, template: str = "generic", package: bool = False) -> None:
    """Create a migration environment in ``directory`` and the config next to where mig runs.

    The config file is ``config.config_file_name`` (``mig.ini`` by default); the
    ``pyproject`` template adds ``[tool.mig]`` to pyproject.toml instead.
    """
    from mig.scripts.templates import copy_template

    config_file = config.config_file_name or DEFAULT_INI
    done = copy_template(template, directory, config_file=config_file)
    if package:
        for folder in (directory, os.path.join(directory, "versions")):
            path = os.path.join(folder, "__init__.py")
            with open(path, "w", encoding="utf-8"):
                pass
            done.append((path, "created"))
    for path, what in done:
        config.print_stdout(f"  {what}: {path}")
    config.print_stdout(
        f"Done. Edit {config_file if template != 'pyproject' else 'pyproject.toml'} "
        f"(sqlalchemy.url) and {os.path.join(directory, 'env.py')} (target_metadata)."
    )


def _autogen_glue() -> Any:
    try:
        from mig.autogen import revision as glue
    except ImportError as exc:  # pragma: no cover - mig-cli depends on mig-autogen
        raise CommandError(f"autogenerate needs mig-autogen: {exc}") from None
    return glue


def revision(
    config: Config,
    message: str | None = None,
    autogenerate: bool = False,
    sql: bool = False,
    head: str = "head",
    splice: bool = False,
    branch_label: str | Sequence[str] | None = None,
    version_path: str | None = None,
    rev_id: str | None = None,
    depends_on: str | Sequence[str] | None = None,
    process_revision_directives: Any = None,
    format: str = "text",
) -> list[Any]:
    """Write a new revision; with ``autogenerate`` its body comes from comparing the model
    (env.py's target_metadata) with the database. Returns the new Script(s).

    ``format="json"``: one JSON line per file written, then a summary line."""
    out = _Written(config, format)
    script = script_directory(config)
    if autogenerate and sql:
        raise UsageError("--autogenerate compares with a live database: it cannot run with --sql")
    details = {
        "rev_id": rev_id or new_rev_id(),
        "message": message,
        "head": head,
        "splice": splice,
        "branch_label": branch_label,
        "version_path": version_path,
        "depends_on": depends_on,
    }
    if not (autogenerate or script.revision_environment):
        written = script.generate_revision(
            details["rev_id"],
            message,
            head=head,
            splice=splice,
            branch_labels=branch_label,
            version_path=version_path,
            depends_on=depends_on,
        )
        out.file(written)
        out.summary()
        return [written]
    glue = _autogen_glue()
    directives: list[Any] = []
    contexts: list[Any] = []

    def plan(heads: tuple[str, ...], ctx: Any) -> list[Any]:
        if autogenerate:
            advice = "run `mig upgrade heads` before autogenerating"
            require_heads(script, heads, CommandError, advice)
        # env.py runs once per database (multidb): each run adds its ops to the same script
        result = glue.build_revision_scripts(
            ctx, autogenerate=autogenerate, revision=heads, scripts=directives or None, **details
        )
        directives[:] = result
        contexts.append(ctx)
        return []

    run_env(config, script, plan, as_sql=sql)
    ctx = contexts[-1] if contexts else None
    if process_revision_directives is not None:
        process_revision_directives(ctx, tuple(script.get_heads()), directives)
    produced = [(ms, glue.template_args(ms, ctx)) for ms in directives]
    written_scripts = []
    for ms, args in produced:
        written = script.generate_revision(
            ms.rev_id or new_rev_id(),
            ms.message,
            head=ms.head if ms.head is not None else head,
            splice=bool(ms.splice),
            branch_labels=ms.branch_label,
            version_path=ms.version_path,
            depends_on=ms.depends_on,
            **args,
        )
        out.file(written)
        if autogenerate and not out.json:
            _warn_risky_ops(config, ms, written, ctx)
        written_scripts.append(written)
    out.summary()
    return written_scripts


def _warn_risky_ops(config: Config, ms: Any, written: Any, ctx: Any) -> None:
    """Print what ``mig lint`` would report on the ops autogenerate just wrote."""
    from mig.cli.command.lint import lint_config
    from mig.cli.lint import format_text, lint_directives

    dialect = getattr(getattr(ctx, "dialect", None), "name", None)
    report = lint_directives(
        ms.upgrade_ops, revision=written.revision, dialect=dialect, config=lint_config(config)
    )
    if report.findings:
        config.print_stdout(f"  review before applying ({written.path}):")
        for line in format_text(report, summary=False).splitlines():
            config.print_stdout(f"    {line}")


def merge(
    config: Config,
    revisions: str | Sequence[str],
    message: str | None = None,
    branch_label: str | Sequence[str] | None = None,
    rev_id: str | None = None,
    format: str = "text",
) -> Any:
    """Write a revision that joins ``revisions`` (e.g. ``heads``) into one head."""
    out = _Written(config, format)
    script = script_directory(config)
    specs = [revisions] if isinstance(revisions, str) else list(revisions)
    ids: list[str] = []
    for spec in specs:
        ids.extend(r for r in script.resolve(spec) if r not in ids)
    if len(ids) < 2:
        raise UsageError(
            f"merge needs at least two revisions; {', '.join(specs)} names "
            f"{', '.join(ids) or 'none'}"
        )
    written = script.generate_revision(
        rev_id or new_rev_id(), message, head=tuple(ids), branch_labels=branch_label
    )
    out.file(written)
    out.summary()
    return written


def edit(config: Config, rev: str) -> str:
    """Open revision ``rev``'s file in $VISUAL / $EDITOR (``current`` is the database's)."""
    script = script_directory(config)
    if rev == "current":
        from mig.cli.command.run import current_heads

        found = script.get_revisions(list(current_heads(config, script)))
    else:
        found = script.get_revisions(rev)
    if not found:
        raise UsageError(f"{rev!r} names no revision to edit")
    if len(found) > 1:
        raise UsageError(
            f"{rev!r} names several revisions ({', '.join(s.revision for s in found)}); pick one"
        )
    path = found[0].path
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise UsageError("set $EDITOR (or $VISUAL) to the program that edits files")
    try:
        result = subprocess.run([*shlex.split(editor), path], check=False)
    except FileNotFoundError:
        raise UsageError(f"editor {editor!r} was not found; check $EDITOR") from None
    if result.returncode != 0:
        raise CommandError(f"editor {editor!r} exited with status {result.returncode}")
    return path
