"""Shell completion of revision arguments: ids, branch labels, and the names mig knows.

Click's completion (``eval "$(_MIG_COMPLETE=bash_source mig)"``, see mig-cli's README) asks
:func:`complete_revision` for the candidates of ``upgrade``'s REVISION and the like. They
come from the script directory's header cache, so completing never imports a revision
file nor connects to a database, and a project that cannot be read completes nothing
rather than printing an error into the user's prompt.
"""

from __future__ import annotations

from argparse import Namespace
from typing import Any

import click
from click.shell_completion import CompletionItem

#: what every revision argument also takes
KEYWORDS = ("head", "heads", "base")


def _script(ctx: click.Context) -> Any:
    from mig.cli.command._env import script_directory
    from mig.cli.config import find_config

    root = ctx.find_root()
    params = root.params
    opts = Namespace(x=[], progress=False, quiet=True, raiseerr=False)
    config = find_config(params.get("config_file"), params.get("name"), cmd_opts=opts)
    return script_directory(config)


def candidates(script: Any) -> list[tuple[str, str]]:
    """(value, help) pairs: keywords, revision ids (their message as help), ``label@head``."""
    out = [(k, "") for k in KEYWORDS]
    revisions = list(script.walk_revisions())
    out += [(s.revision, s.doc) for s in revisions]
    labels = sorted({label for s in revisions for label in getattr(s, "_branch_labels", ())})
    for label in labels:
        out += [(f"{label}@head", f"the head of branch {label}"), (f"{label}@base", "")]
    return out


def complete_revision(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Click's ``shell_complete`` for a revision argument or option (never raises)."""
    try:
        found = candidates(_script(ctx))
    except Exception:  # no config, no scripts, a broken header: nothing to offer
        return []
    start, sep, rest = incomplete.rpartition(":")  # a START:END range completes its END
    prefix = start + sep
    return [
        CompletionItem(prefix + value, help=doc or None)
        for value, doc in found
        if value.startswith(rest)
    ]
