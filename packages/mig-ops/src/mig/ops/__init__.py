"""mig.ops: the migration directive IR and the ``op`` facade.

Build directives (``AddColumnOp(...)`` or ``op.add_column(...)``), check them (construction
validates), invert them (``reverse()``), record a migration as data (``record(fn)``) and
exchange them as JSON (``to_dict()`` / ``from_dict()``). SQLAlchemy is the only dependency.
"""

from mig.ops._version import __version__
from mig.ops.backfill_ops import BackfillOp
from mig.ops.base import MigrateOperation, from_dict, registered_ops
from mig.ops.batch import BatchOperations
from mig.ops.column_ops import AddColumnOp, AlterColumnOp, DropColumnOp
from mig.ops.constraint_ops import (
    AddConstraintOp,
    CreateCheckConstraintOp,
    CreateExcludeConstraintOp,
    CreateForeignKeyOp,
    CreatePrimaryKeyOp,
    CreateUniqueConstraintOp,
    DropConstraintOp,
)
from mig.ops.containers import (
    BatchAlterTableOp,
    DowngradeOps,
    MigrationScript,
    ModifyTableOps,
    OpContainer,
    UpgradeOps,
)
from mig.ops.data_ops import BulkInsertOp, ExecuteSQLOp
from mig.ops.enum_ops import (
    AddEnumValueOp,
    CreateEnumTypeOp,
    DropEnumTypeOp,
    DropEnumValueOp,
    RebuildEnumTypeOp,
    RenameEnumValueOp,
)
from mig.ops.errors import (
    DirectiveError,
    IrreversibleOperationError,
    MigOpsError,
    NoActiveMigrationError,
    NoDatabaseError,
    NoImplementationError,
    SerializationError,
)
from mig.ops.identity_ops import AlterIdentityOp
from mig.ops.index_ops import CreateIndexOp, DropIndexOp
from mig.ops.literals import f, inline_literal
from mig.ops.operations import Operations
from mig.ops.proxy import OperationsProxy, current_operations
from mig.ops.recorder import RecordingOperations, record, record_file
from mig.ops.table_ops import (
    CreateTableCommentOp,
    CreateTableOp,
    DropTableCommentOp,
    DropTableOp,
    RenameTableOp,
)

op: Operations = OperationsProxy()  # type: ignore[assignment]
"""What migration scripts import: forwards to the Operations of the running migration."""

__all__ = [
    "AddColumnOp",
    "AddConstraintOp",
    "AddEnumValueOp",
    "AlterColumnOp",
    "AlterIdentityOp",
    "BackfillOp",
    "BatchAlterTableOp",
    "BatchOperations",
    "BulkInsertOp",
    "CreateCheckConstraintOp",
    "CreateEnumTypeOp",
    "CreateExcludeConstraintOp",
    "CreateForeignKeyOp",
    "CreateIndexOp",
    "CreatePrimaryKeyOp",
    "CreateTableCommentOp",
    "CreateTableOp",
    "CreateUniqueConstraintOp",
    "DirectiveError",
    "DowngradeOps",
    "DropColumnOp",
    "DropConstraintOp",
    "DropEnumTypeOp",
    "DropEnumValueOp",
    "DropIndexOp",
    "DropTableCommentOp",
    "DropTableOp",
    "ExecuteSQLOp",
    "IrreversibleOperationError",
    "MigOpsError",
    "MigrateOperation",
    "MigrationScript",
    "ModifyTableOps",
    "NoActiveMigrationError",
    "NoDatabaseError",
    "NoImplementationError",
    "OpContainer",
    "Operations",
    "OperationsProxy",
    "RebuildEnumTypeOp",
    "RecordingOperations",
    "RenameEnumValueOp",
    "RenameTableOp",
    "SerializationError",
    "UpgradeOps",
    "__version__",
    "current_operations",
    "f",
    "from_dict",
    "inline_literal",
    "op",
    "record",
    "record_file",
    "registered_ops",
]
