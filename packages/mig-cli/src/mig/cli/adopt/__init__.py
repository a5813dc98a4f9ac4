"""``mig adopt``: turn an Alembic project into a mig project, in place, once.

:func:`plan_adoption` computes every change (config, env.py, script.py.mako, revisions)
and what it cannot convert, without writing; :func:`write_all` writes a plan's changes all
or nothing. The source edits are exact (libcst): comments and formatting stay.
"""

from mig.cli.adopt.files import write_all
from mig.cli.adopt.plan import Plan, plan_adoption
from mig.cli.adopt.report import FileChange, Finding, summary_lines, unified_diff
from mig.cli.adopt.source import convert_mako, convert_python

__all__ = [
    "FileChange",
    "Finding",
    "Plan",
    "convert_mako",
    "convert_python",
    "plan_adoption",
    "summary_lines",
    "unified_diff",
    "write_all",
]
