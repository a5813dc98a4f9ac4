"""mig.ddl: turns mig.ops directives into SQL for a dialect, online or offline.

Importing it registers the built-in dialect Impls (sqlite, postgresql, mysql, mariadb,
mssql, oracle) and the executors ``Operations.invoke`` uses. See the README for the Impl
registry, per-dialect notes, batch mode, SQLite auto-batch and offline mode.
"""

from mig.ddl import (  # noqa: F401  (registration)
    dispatch,
    mssql,
    mysql,
    online_mysql,
    online_postgresql,
    oracle,
    postgresql,
    sqlite,
)
from mig.ddl._version import __version__
from mig.ddl.context import ImplContext, get_impl, offline_dialect, run_directives, to_sql
from mig.ddl.errors import (
    BatchError,
    DDLError,
    EnumValueInUseError,
    MissingArgumentError,
    MissingImplError,
    OfflineBatchError,
    UnsupportedOperationError,
)
from mig.ddl.impl import DIRECTIVE_METHODS, DefaultImpl, constraint_builder
from mig.ddl.mssql import MSSQLImpl
from mig.ddl.mysql import MariaDBImpl, MySQLImpl
from mig.ddl.oracle import OracleImpl
from mig.ddl.postgresql import PostgresqlImpl
from mig.ddl.registry import ENTRY_POINT_GROUP, impl_class_for, register_impl, registered_impls
from mig.ddl.sqlite import AUTOBATCH_OPTION, SQLiteImpl

__all__ = [
    "AUTOBATCH_OPTION",
    "DIRECTIVE_METHODS",
    "ENTRY_POINT_GROUP",
    "BatchError",
    "DDLError",
    "DefaultImpl",
    "EnumValueInUseError",
    "ImplContext",
    "MSSQLImpl",
    "MariaDBImpl",
    "MissingArgumentError",
    "MissingImplError",
    "MySQLImpl",
    "OfflineBatchError",
    "OracleImpl",
    "PostgresqlImpl",
    "SQLiteImpl",
    "UnsupportedOperationError",
    "__version__",
    "constraint_builder",
    "get_impl",
    "impl_class_for",
    "offline_dialect",
    "register_impl",
    "registered_impls",
    "run_directives",
    "to_sql",
]
