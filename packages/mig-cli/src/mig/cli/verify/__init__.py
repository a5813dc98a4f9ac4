"""mig verify: every migration up, down and up again on a scratch database.

The schema is reflected around each step (:mod:`mig.cli.verify.snapshot`), compared
(:mod:`mig.cli.verify.diff`), and the first revision whose downgrade does not undo its
upgrade is reported (:mod:`mig.cli.verify.roundtrip`). The scratch database and the guard
that keeps env.py on it are in :mod:`mig.cli.verify.scratch`; the ready-made checks of the
pytest plugin in :mod:`mig.cli.verify.checks`. ``mig.cli.command.verify`` is the command.
"""

from mig.cli.verify.diff import (
    AFTER_DOWNGRADE,
    AFTER_REUPGRADE,
    NEUTRAL,
    SchemaDifference,
    Wording,
    diff_snapshots,
)
from mig.cli.verify.roundtrip import Failure, StepResult, VerifyReport, inverse, verify_migrations
from mig.cli.verify.scratch import (
    ScratchDatabase,
    drop_everything,
    same_database,
    scratch_database,
)
from mig.cli.verify.snapshot import Snapshot, is_empty, take_snapshot

__all__ = [
    "AFTER_DOWNGRADE",
    "AFTER_REUPGRADE",
    "NEUTRAL",
    "Failure",
    "SchemaDifference",
    "ScratchDatabase",
    "Snapshot",
    "StepResult",
    "VerifyReport",
    "Wording",
    "diff_snapshots",
    "drop_everything",
    "inverse",
    "is_empty",
    "same_database",
    "scratch_database",
    "take_snapshot",
    "verify_migrations",
]
