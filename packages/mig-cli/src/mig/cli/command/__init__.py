"""The commands, as a Python API: ``mig.cli.command.upgrade(config, "head")`` and friends.

Each takes a :class:`mig.cli.Config` first, as Alembic's do, prints through
``config.print_stdout`` and raises a :class:`mig.cli.errors.CommandError` (or an error of
the package below) for a user's mistake. The ``mig`` command line is a thin click layer
over these functions.
"""

from mig.cli.command.adopt import adopt
from mig.cli.command.check import check
from mig.cli.command.graph import graph
from mig.cli.command.lint import lint
from mig.cli.command.listing import branches, heads, history, show
from mig.cli.command.run import current, downgrade, ensure_version, stamp, upgrade
from mig.cli.command.verify import verify
from mig.cli.command.writing import edit, init, list_templates, merge, revision

__all__ = [
    "adopt",
    "branches",
    "check",
    "current",
    "downgrade",
    "edit",
    "ensure_version",
    "graph",
    "heads",
    "history",
    "init",
    "lint",
    "list_templates",
    "merge",
    "revision",
    "show",
    "stamp",
    "upgrade",
    "verify",
]
