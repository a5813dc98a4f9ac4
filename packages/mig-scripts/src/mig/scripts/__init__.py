"""mig.scripts: the script directory, the revision graph, upgrade/downgrade plans, and the
Mako templates of new revisions and of ``mig init``. See this distribution's README."""

from mig.scripts._version import __version__
from mig.scripts.directory import ScriptDirectory
from mig.scripts.errors import ScriptError
from mig.scripts.graph import RevisionMap
from mig.scripts.plan import MigrationStep
from mig.scripts.revision import Script

# The templates (and through them Mako) are imported on first use only: listing commands
# (heads, history, upgrade) never need them, and importing Mako costs more than they do.
_LAZY = {"TemplateInfo", "copy_template", "list_templates"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        from mig.scripts import templates

        return getattr(templates, name)
    raise AttributeError(f"module 'mig.scripts' has no attribute {name!r}")


__all__ = [
    "MigrationStep",
    "RevisionMap",
    "Script",
    "ScriptDirectory",
    "ScriptError",
    "TemplateInfo",
    "__version__",
    "copy_template",
    "list_templates",
]
