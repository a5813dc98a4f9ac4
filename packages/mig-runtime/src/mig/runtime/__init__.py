"""mig.runtime: EnvironmentContext, MigrationContext, the version table and the lock.

env.py scripts write ``from mig.runtime import context``; commands build an
:class:`EnvironmentContext` and run env.py inside it.
"""

from mig.runtime._version import __version__
from mig.runtime.environment import EnvironmentContext, EnvironmentProxy, current_environment
from mig.runtime.errors import ConfigurationError, MigRuntimeError, StepFailed
from mig.runtime.lock import LockTimeout, MigrationLock
from mig.runtime.migration import MigrationContext
from mig.runtime.offline_bind import OfflineConnection, OfflineModeError
from mig.runtime.options import ContextOptions, RunOptions
from mig.runtime.protocol import ScriptSource, Step
from mig.runtime.steps import MigrationInfo, StampStep, plan_stamp
from mig.runtime.version_table import VersionTable, VersionTableConflict

context: EnvironmentContext = EnvironmentProxy()  # type: ignore[assignment]
"""What env.py imports: forwards to the EnvironmentContext of the running command."""

__all__ = [
    "ConfigurationError",
    "ContextOptions",
    "EnvironmentContext",
    "EnvironmentProxy",
    "LockTimeout",
    "MigRuntimeError",
    "MigrationContext",
    "MigrationInfo",
    "MigrationLock",
    "OfflineConnection",
    "OfflineModeError",
    "RunOptions",
    "ScriptSource",
    "StampStep",
    "Step",
    "StepFailed",
    "VersionTable",
    "VersionTableConflict",
    "__version__",
    "context",
    "current_environment",
    "plan_stamp",
]
