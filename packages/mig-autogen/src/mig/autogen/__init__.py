"""mig.autogen: see this distribution's README for what it holds."""

from mig.autogen._version import __version__

__all__ = ["__version__"]

# -- compare (model vs database -> directives) ---------------------------------------------
from mig.autogen import enum_ops  # the enum directives' old home (now mig.ops), re-exported
from mig.autogen.api import compare_metadata, compare_to_ops, produce_migrations
from mig.autogen.compare import comparator, comparators
from mig.autogen.context import AutogenContext, AutogenError
from mig.ops.enum_ops import (
    AddEnumValueOp,
    CreateEnumTypeOp,
    DropEnumTypeOp,
    DropEnumValueOp,
)

__all__ += [
    "AddEnumValueOp",
    "AutogenContext",
    "AutogenError",
    "CreateEnumTypeOp",
    "DropEnumTypeOp",
    "DropEnumValueOp",
    "comparator",
    "comparators",
    "compare_metadata",
    "compare_to_ops",
    "enum_ops",
    "produce_migrations",
]
# -- end compare ---------------------------------------------------------------------------

# -- render, rewriter, revision glue, schema-diff reports ----------------------------------
from mig.autogen.render import RenderContext, render_python_code, renderers  # noqa: E402
from mig.autogen.report import DiffError, DiffReport, diff  # noqa: E402
from mig.autogen.revision import build_revision_scripts, template_args  # noqa: E402
from mig.autogen.rewriter import Rewriter  # noqa: E402

__all__ += [
    "DiffError",
    "DiffReport",
    "RenderContext",
    "Rewriter",
    "build_revision_scripts",
    "diff",
    "render_python_code",
    "renderers",
    "template_args",
]
# -- end render ----------------------------------------------------------------------------
