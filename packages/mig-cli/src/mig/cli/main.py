"""The ``mig`` console script: click over :mod:`mig.cli.command`.

Startup stays light: this module imports click and the Config only; each command imports
what it needs (SQLAlchemy, Mako, the script directory) when it runs, so ``mig --help``
answers at once. Errors a user can fix print one line and exit 2 (usage, configuration) or
1 (a failed migration or check); ``--raiseerr`` shows the traceback instead.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from argparse import Namespace
from collections.abc import Callable
from typing import Any

import click

from mig.cli._version import __version__
from mig.cli.completion import complete_revision
from mig.cli.errors import EXIT_FAILED, EXIT_USAGE, classify, one_line

FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for programs",
)


def _late_quiet(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.find_root().obj.quiet = True


def _late_x(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> None:
    ctx.find_root().obj.x.extend(value)


def _late_config(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.find_root().obj.config = value


def _late_options() -> list[click.Option]:
    """``-q``, ``-x`` and ``-c`` given after the subcommand (``mig upgrade head -q``)."""
    return [
        click.Option(
            ["-q", "--quiet"],
            is_flag=True,
            expose_value=False,
            callback=_late_quiet,
            help="no progress display (as before the command)",
        ),
        click.Option(
            ["-x"],
            multiple=True,
            metavar="KEY=VALUE",
            expose_value=False,
            callback=_late_x,
            help="argument for env.py (as before the command)",
        ),
        click.Option(
            ["-c", "--config"],
            metavar="FILE",
            expose_value=False,
            callback=_late_config,
            help="config file (as before the command)",
        ),
    ]


class MigGroup(click.Group):
    """Accepts Alembic's underscore spellings (``list_templates``) as well as dashes; every
    subcommand also takes the group's ``-q``, ``-x`` and ``-c`` after its name."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        taken = {o for p in cmd.params for o in p.opts}
        cmd.params.extend(o for o in _late_options() if not taken & set(o.opts))
        super().add_command(cmd, name)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, cmd_name.replace("_", "-"))

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, cmd, rest = super().resolve_command(ctx, args)
        return (cmd.name if cmd is not None else name), cmd, rest


class RevisionArgCommand(click.Command):
    """A command whose arguments may look like options: ``downgrade -1``, ``history -r -3:``.

    Unknown tokens are handed to the arguments only when they are relative revisions
    (``-1``, ``-2:current``); any other unknown option is still an error.
    """

    _RELATIVE = re.compile(r"^-\d")

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("context_settings", {})["ignore_unknown_options"] = True
        super().__init__(*args, **kw)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        known = {o for p in self.get_params(ctx) for o in (*p.opts, *p.secondary_opts)}
        for arg in args:
            if arg == "--":
                break
            if arg.startswith("-") and not self._RELATIVE.match(arg):
                if arg.split("=", 1)[0] not in known and not self._short_cluster(arg, known):
                    raise click.NoSuchOption(arg.split("=", 1)[0], ctx=ctx)
        return super().parse_args(ctx, args)

    @staticmethod
    def _short_cluster(arg: str, known: set[str]) -> bool:
        """``-vi`` or ``-rbase:`` : a short option with its flags or value attached."""
        return len(arg) > 2 and arg[1] != "-" and f"-{arg[1]}" in known


@click.group(cls=MigGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mig")
@click.option(
    "-c",
    "--config",
    "config_file",
    metavar="FILE",
    help="config file: mig.ini, or a pyproject.toml with [tool.mig]; an Alembic project's "
    "alembic.ini or [tool.alembic] works too (default: $MIG_CONFIG, $ALEMBIC_CONFIG, "
    "./mig.ini and ./pyproject.toml, else ./alembic.ini)",
)
@click.option(
    "-n",
    "--name",
    default=None,
    help="main section of the ini file (default: mig; alembic for an Alembic config)",
)
@click.option(
    "-x", "x", multiple=True, metavar="KEY=VALUE", help="argument for env.py (repeatable)"
)
@click.option("--raiseerr", is_flag=True, help="show the full traceback of an error")
@click.option("-q", "--quiet", is_flag=True, help="no progress display")
@click.pass_context
def cli(
    ctx: click.Context,
    config_file: str | None,
    name: str | None,
    x: tuple[str, ...],
    raiseerr: bool,
    quiet: bool,
) -> None:
    """mig: schema migrations for SQLAlchemy."""
    ctx.obj = Namespace(config=config_file, name=name, x=list(x), raiseerr=raiseerr, quiet=quiet)


def _config(ctx: click.Context, **cmd_opts: Any) -> Any:
    from mig.cli.config import find_config

    g = ctx.find_root().obj
    opts = Namespace(
        config=g.config, name=g.name, x=g.x, raiseerr=g.raiseerr, quiet=g.quiet, **cmd_opts
    )
    opts.progress = not g.quiet
    return find_config(g.config, g.name, cmd_opts=opts)


def _command(name: str) -> Callable[..., Any]:
    """The command function, run with the Alembic import alias on (see alembic_compat).

    Commands that import revision scripts outside env.py (lint, for one) need it as much
    as those that run env.py; it is gone again when the command returns.
    """
    from mig.cli import command

    fn = getattr(command, name)

    @functools.wraps(fn)
    def with_alias(*args: Any, **kw: Any) -> Any:
        from mig.cli.alembic_compat import alembic_alias

        with alembic_alias():
            return fn(*args, **kw)

    return with_alias


# -- setting up ---------------------------------------------------------------------------


@cli.command()
@click.argument("directory")
@click.option("-t", "--template", default="generic", show_default=True)
@click.option("--package", is_flag=True, help="write __init__.py files in the new folders")
@click.pass_context
def init(ctx: click.Context, directory: str, template: str, package: bool) -> None:
    """Create a migration environment in DIRECTORY."""
    from mig.cli.config import CONFIG_ENV_VAR, DEFAULT_INI, Config

    g = ctx.find_root().obj
    config = Config(None, g.name or "mig", cmd_opts=Namespace(**vars(g)))
    config.config_file_name = g.config or os.environ.get(CONFIG_ENV_VAR) or DEFAULT_INI
    _command("init")(config, directory, template=template, package=package)


@cli.command("list-templates")
@click.pass_context
def list_templates(ctx: click.Context) -> None:
    """List the templates init can use."""
    from mig.cli.config import Config

    _command("list_templates")(Config(None))


@cli.command()
@click.argument("directory", default=".", required=False)
@click.option("--dry-run", is_flag=True, help="print the diff and change nothing")
@click.pass_context
def adopt(ctx: click.Context, directory: str, dry_run: bool) -> None:
    """Convert the Alembic project in DIRECTORY (default: here) to mig, in place, once."""
    from mig.cli.config import Config

    _command("adopt")(Config(None), directory, dry_run=dry_run)


# -- writing revisions --------------------------------------------------------------------


@cli.command()
@click.option("-m", "--message", help="what the revision does")
@click.option("--autogenerate", is_flag=True, help="fill it in by comparing model and database")
@click.option("--sql", is_flag=True, help="run env.py offline (with revision_environment)")
@click.option(
    "--head",
    default="head",
    show_default=True,
    help="the revision it follows",
    shell_complete=complete_revision,
)
@click.option("--splice", is_flag=True, help="allow --head to be a non-head (start a branch)")
@click.option("--branch-label", multiple=True, help="label for a new branch")
@click.option("--version-path", help="which version location to write to")
@click.option("--rev-id", help="the revision id, instead of a random one")
@click.option("--depends-on", multiple=True, help="revisions this one depends on")
@FORMAT_OPTION
@click.pass_context
def revision(ctx: click.Context, **kw: Any) -> None:
    """Write a new revision file."""
    fmt = kw.pop("fmt")
    config = _config(ctx, **kw)
    _command("revision")(
        config,
        message=kw["message"],
        autogenerate=kw["autogenerate"],
        sql=kw["sql"],
        head=kw["head"],
        splice=kw["splice"],
        branch_label=list(kw["branch_label"]) or None,
        version_path=kw["version_path"],
        rev_id=kw["rev_id"],
        depends_on=list(kw["depends_on"]) or None,
        format=fmt,
    )


@cli.command()
@click.argument("revisions", nargs=-1, required=True, shell_complete=complete_revision)
@click.option("-m", "--message")
@click.option("--branch-label", multiple=True)
@click.option("--rev-id")
@FORMAT_OPTION
@click.pass_context
def merge(
    ctx: click.Context,
    revisions: tuple[str, ...],
    message: str | None,
    branch_label: tuple[str, ...],
    rev_id: str | None,
    fmt: str,
) -> None:
    """Write a revision that merges REVISIONS (e.g. heads) into one."""
    config = _config(ctx)
    _command("merge")(
        config,
        list(revisions),
        message=message,
        branch_label=list(branch_label) or None,
        rev_id=rev_id,
        format=fmt,
    )


@cli.command(cls=RevisionArgCommand)
@click.argument("rev", shell_complete=complete_revision)
@click.pass_context
def edit(ctx: click.Context, rev: str) -> None:
    """Open revision REV in $EDITOR."""
    _command("edit")(_config(ctx), rev)


# -- running ------------------------------------------------------------------------------


@cli.command(cls=RevisionArgCommand)
@click.argument("revision", shell_complete=complete_revision)
@click.option("--sql", is_flag=True, help="write the SQL instead of running it")
@click.option("--tag", help="a value env.py reads with context.get_tag_argument()")
@click.option(
    "--online/--no-online",
    default=None,
    help="rewrite risky ops into lock-light forms (overrides `online` in the config and env.py)",
)
@click.option(
    "--plan",
    is_flag=True,
    help="with --online: print the rewritten statements and their locks, run nothing (as --sql)",
)
@FORMAT_OPTION
@click.pass_context
def upgrade(
    ctx: click.Context,
    revision: str,
    sql: bool,
    tag: str | None,
    online: bool | None,
    plan: bool,
    fmt: str,
) -> None:
    """Upgrade to REVISION (head, heads, an id, +2, label@head; start:end with --sql)."""
    sql = sql or plan
    config = _config(ctx, sql=sql, tag=tag)
    _command("upgrade")(config, revision, sql=sql, tag=tag, online=online, plan=plan, format=fmt)


@cli.command(cls=RevisionArgCommand)
@click.argument("revision", shell_complete=complete_revision)
@click.option("--sql", is_flag=True, help="write the SQL instead of running it")
@click.option("--tag", help="a value env.py reads with context.get_tag_argument()")
@FORMAT_OPTION
@click.pass_context
def downgrade(ctx: click.Context, revision: str, sql: bool, tag: str | None, fmt: str) -> None:
    """Downgrade to REVISION (base, an id, -1, label@-1; start:end with --sql)."""
    config = _config(ctx, sql=sql, tag=tag)
    _command("downgrade")(config, revision, sql=sql, tag=tag, format=fmt)


@cli.command(cls=RevisionArgCommand)
@click.argument("revisions", nargs=-1, required=True, shell_complete=complete_revision)
@click.option("--sql", is_flag=True, help="write the SQL instead of running it")
@click.option("--tag")
@click.option("--purge", is_flag=True, help="empty the version table first")
@FORMAT_OPTION
@click.pass_context
def stamp(
    ctx: click.Context,
    revisions: tuple[str, ...],
    sql: bool,
    tag: str | None,
    purge: bool,
    fmt: str,
) -> None:
    """Set the version table to REVISIONS without running migrations."""
    config = _config(ctx, sql=sql, tag=tag)
    _command("stamp")(config, list(revisions), sql=sql, tag=tag, purge=purge, format=fmt)


@cli.command("ensure-version")
@click.option("--sql", is_flag=True)
@click.pass_context
def ensure_version(ctx: click.Context, sql: bool) -> None:
    """Create the version table if it does not exist."""
    _command("ensure_version")(_config(ctx, sql=sql), sql=sql)


# -- looking ------------------------------------------------------------------------------


@cli.command()
@click.option("-v", "--verbose", is_flag=True)
@click.option("--check-heads", is_flag=True, help="exit 1 unless the database is at the heads")
@FORMAT_OPTION
@click.pass_context
def current(ctx: click.Context, verbose: bool, check_heads: bool, fmt: str) -> None:
    """Show the database's revision(s)."""
    _command("current")(_config(ctx), verbose=verbose, check_heads=check_heads, format=fmt)


@cli.command()
@click.option("-v", "--verbose", is_flag=True)
@click.option("--resolve-dependencies", is_flag=True)
@FORMAT_OPTION
@click.pass_context
def heads(ctx: click.Context, verbose: bool, resolve_dependencies: bool, fmt: str) -> None:
    """Show the head revisions."""
    _command("heads")(
        _config(ctx), verbose=verbose, resolve_dependencies=resolve_dependencies, format=fmt
    )


@cli.command()
@click.option("-v", "--verbose", is_flag=True)
@FORMAT_OPTION
@click.pass_context
def branches(ctx: click.Context, verbose: bool, fmt: str) -> None:
    """Show the branch points."""
    _command("branches")(_config(ctx), verbose=verbose, format=fmt)


@cli.command(cls=RevisionArgCommand)
@click.option(
    "-r",
    "--rev-range",
    help="START:END, e.g. ae10:head, -3:current, base:",
    shell_complete=complete_revision,
)
@click.option("-v", "--verbose", is_flag=True)
@click.option("-i", "--indicate-current", is_flag=True, help="mark the database's revision")
@click.option("--applied", is_flag=True, help="the steps the database recorded (its history table)")
@FORMAT_OPTION
@click.pass_context
def history(
    ctx: click.Context,
    rev_range: str | None,
    verbose: bool,
    indicate_current: bool,
    applied: bool,
    fmt: str,
) -> None:
    """List revisions, newest first (--applied: the steps the database recorded)."""
    _command("history")(
        _config(ctx),
        rev_range=rev_range,
        verbose=verbose,
        indicate_current=indicate_current,
        format=fmt,
        applied=applied,
    )


@cli.command(cls=RevisionArgCommand)
@click.argument("rev", shell_complete=complete_revision)
@FORMAT_OPTION
@click.pass_context
def show(ctx: click.Context, rev: str, fmt: str) -> None:
    """Show revision REV in full."""
    _command("show")(_config(ctx), rev, format=fmt)


@cli.command()
@click.option(
    "--integrity",
    is_flag=True,
    help="instead: exit 1 if an applied script changed or is gone",
)
@FORMAT_OPTION
@click.pass_context
def check(ctx: click.Context, integrity: bool, fmt: str) -> None:
    """Exit 1 if the model differs from the database (or the database is behind)."""
    _command("check")(_config(ctx), format=fmt, integrity=integrity)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["dot", "mermaid", "svg", "png"]),
    default="dot",
    show_default=True,
    help="svg and png are drawn by Graphviz's dot, which must be on PATH",
)
@click.option("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
@click.option(
    "--current/--no-current",
    "indicate_current",
    default=True,
    show_default=True,
    help="mark the database's revision (connects to it; drawn without it when it is down)",
)
@click.option(
    "--fold/--no-fold",
    default=True,
    show_default=True,
    help="draw each run of 6 or more plain revisions as one node",
)
@click.pass_context
def graph(
    ctx: click.Context, fmt: str, output: str | None, indicate_current: bool, fold: bool
) -> None:
    """Write the revision graph, left to right: Graphviz dot, Mermaid, svg or png."""
    _command("graph")(
        _config(ctx), format=fmt, indicate_current=indicate_current, output=output, fold=fold
    )


@cli.command(cls=RevisionArgCommand)
@click.argument("rev_range", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    show_default=True,
)
@click.option("--dialect", help="lint for this database (default: the backend of sqlalchemy.url)")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default=None,
    help="the least severe finding that makes lint exit 1 (default: lint.fail_on, else error)",
)
@click.pass_context
def lint(
    ctx: click.Context, rev_range: str | None, fmt: str, dialect: str | None, fail_on: str | None
) -> None:
    """Report risky operations in the migrations (no database needed); exit 1 on a finding
    at or above --fail-on."""
    _command("lint")(_config(ctx), rev_range, format=fmt, dialect=dialect, fail_on=fail_on)


@cli.command()
@click.option(
    "--url",
    metavar="URL",
    help="an empty scratch database to use (default: a temporary SQLite file); it is "
    "emptied again afterwards",
)
@FORMAT_OPTION
@click.pass_context
def verify(ctx: click.Context, url: str | None, fmt: str) -> None:
    """Check on a scratch database that every downgrade undoes its upgrade.

    Each revision from base to the heads is upgraded, downgraded and upgraded again, the
    schema compared by reflection; then the heads are compared with the model. Exit 1 at
    the first revision whose downgrade does not undo its upgrade.
    """
    _command("verify")(_config(ctx), url=url, format=fmt)


# -- the entry point ----------------------------------------------------------------------


def run(argv: list[str] | None = None) -> int:
    """Run the ``mig`` command line with ``argv`` (default: sys.argv) and return its exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = cli.main(args=args, prog_name="mig", standalone_mode=False)
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx is not None else "mig"
        click.echo(f"mig: error: {exc.format_message()} (see `{where} --help`)", err=True)
        return EXIT_USAGE
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_FAILED
    except Exception as exc:
        exc = _surface(exc)
        code = classify(exc)
        if code is None or "--raiseerr" in args:
            raise
        if not getattr(exc, "quiet", False):
            prefix = "mig: error" if code == EXIT_USAGE else "mig: failed"
            click.echo(f"{prefix}: {one_line(exc)}", err=True)
        return code
    return result if isinstance(result, int) else 0


def _surface(exc: Exception) -> Exception:
    """The error the user must fix, when ``exc`` only wraps it (a script's uncovered import)
    or carries it (env.py's own failure, a bad URL setting: see mig.cli.env_errors)."""
    from mig.cli.alembic_compat.errors import find_compat_error
    from mig.cli.env_errors import cli_error_of

    compat = find_compat_error(exc)
    if compat is not None:
        return compat
    if getattr(exc, "exit_code", None) is not None and cli_error_of(exc, deep=False) is None:
        return exc  # mig's own error, made from env.py's by a command (verify): it wins
    return cli_error_of(exc) or exc


def main() -> None:
    """Entry point of the ``mig`` console script."""
    code = run()
    settle_before_exit()
    sys.exit(code)


def settle_before_exit() -> None:
    """Collect what is garbage now, then exempt the rest from the collector for the exit.

    After an upgrade the process holds some 80,000 objects the collector tracks (every
    revision module, SQLAlchemy's and mig's own); the interpreter's shutdown runs several
    full collections over them while it clears the modules, about 0.1 s at the end of every
    command that did nothing but exit. One collection here still reclaims every cycle that
    is garbage now (so the ``__del__`` of a cycle the user's env.py dropped still runs, as
    it would at a normal exit), and ``gc.freeze()`` leaves what is still alive to be freed
    by the module clearing alone. Only the console script does this: ``run()``
    called from a program leaves its collector as it was.
    """
    import gc

    gc.collect()
    gc.freeze()


if __name__ == "__main__":
    main()
