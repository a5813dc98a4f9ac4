"""mig.scripts: the script directory, the revision graph, upgrade/downgrade plans, and the
Mako templates of new revisions and of ``mig init``. See this distribution's README."""

from mig.scripts._version import __version__
from mig.scripts.directory import ScriptDirectory
from mig.scripts.errors import ScriptError
from mig.scripts.graph import RevisionMap
from mig.scripts.plan import MigrationStep
from mig.scripts.revision import Script
from mig.scripts.templates import TemplateInfo, copy_template, list_templates

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
