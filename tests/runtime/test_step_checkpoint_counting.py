"""How a step's directives are counted for its checkpoint (mig-runtime step_checkpoint.py).

The database round trip (a killed run, then a rerun that skips what was committed) is in
tests/e2e/test_online_kill.py; these pin the counting rules themselves: top-level
directives only, a directive another one runs is not counted, a committed one is skipped.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from mig import ops
from mig.runtime.backfill_progress import ProgressTable
from mig.runtime.errors import EditedAfterCheckpoint
from mig.runtime.step_checkpoint import StepCheckpoints


class _Op:
    op_name = "add_column"


def test_outside_a_step_a_directive_runs_uncounted() -> None:
    checkpoints = StepCheckpoints(table=None)  # type: ignore[arg-type]
    assert checkpoints.enter_directive(_Op()) is None
    assert checkpoints.current is None


def test_top_level_directives_are_counted_and_nested_ones_are_not() -> None:
    checkpoints = StepCheckpoints(table=None)  # type: ignore[arg-type]
    checkpoints.start_step("r1", "up")
    assert checkpoints.enter_directive(_Op()) is True
    assert checkpoints.current == 0
    assert checkpoints.enter_directive(_Op()) is None  # run by the first one
    assert checkpoints.current == 0
    checkpoints.leave_directive()
    assert checkpoints.current is None
    assert checkpoints.enter_directive(_Op()) is True
    assert checkpoints.current == 1
    checkpoints.leave_directive()


def test_directives_a_crashed_run_committed_are_skipped() -> None:
    checkpoints = StepCheckpoints(table=None)  # type: ignore[arg-type]
    checkpoints._saved = {("r1", "up"): (2, None)}  # as load() reads it from the table
    assert checkpoints.start_step("r1", "up") is True
    assert checkpoints.enter_directive(_Op()) is False
    assert checkpoints.enter_directive(_Op()) is False
    assert checkpoints.current is None
    assert checkpoints.enter_directive(_Op()) is True
    assert checkpoints.current == 2
    checkpoints.leave_directive()
    checkpoints.end_step()
    assert checkpoints.enter_directive(_Op()) is None


# -- a resumed step checks what it skips (the database round trip: tests/e2e/
# test_checkpoint_edited_script.py) ---------------------------------------------------------


class _Step:
    def __init__(self, checksum: str) -> None:
        self.checksum = checksum


def _add(column: str) -> ops.AddColumnOp:
    return ops.AddColumnOp("t", sa.Column(column, sa.Integer))


def _resuming(recorded: dict | None, checksum: str = "sha256:now") -> StepCheckpoints:
    checkpoints = StepCheckpoints(table=ProgressTable("mig_version_backfill"))
    checkpoints._saved = {("r1", "up"): (1, None if recorded is None else json.dumps(recorded))}
    assert checkpoints.start_step("r1", "up", _Step(checksum)) is True
    return checkpoints


def test_the_checkpoint_records_the_script_and_what_it_committed() -> None:
    engine = sa.create_engine("sqlite://")
    checkpoints = StepCheckpoints(table=ProgressTable("mig_version_backfill"))
    checkpoints.start_step("r1", "up", _Step("sha256:abc"))
    assert checkpoints.enter_directive(_add("a")) is True
    checkpoints.leave_directive()
    assert checkpoints.enter_directive(_add("b")) is True  # running when the commit comes
    with engine.begin() as conn:
        assert checkpoints.before_commit(conn) is True
        row = conn.execute(sa.text("SELECT rows_done, last_key FROM mig_version_backfill")).one()
    assert row.rows_done == 1
    assert json.loads(row.last_key) == {
        "checksum": "sha256:abc",
        "done": ["add_column(table_name=t, column=a)"],
    }


def test_the_same_script_is_trusted_by_count() -> None:
    recorded = {"checksum": "sha256:now", "done": ["add_column(table_name=t, column=x)"]}
    checkpoints = _resuming(recorded)
    assert checkpoints.enter_directive(_add("a")) is False  # same checksum: not compared


def test_an_edited_script_must_begin_with_what_ran() -> None:
    recorded = {"checksum": "sha256:then", "done": ["add_column(table_name=t, column=a)"]}
    assert _resuming(recorded).enter_directive(_add("a")) is False
    with pytest.raises(EditedAfterCheckpoint, match=r"directive #0 is now add_column\(.*b\)"):
        _resuming(recorded).enter_directive(_add("b"))


def test_an_edited_script_with_fewer_directives_stops_at_its_end() -> None:
    recorded = {"checksum": "sha256:then", "done": ["add_column(table_name=t, column=a)"]}
    checkpoints = _resuming(recorded)
    with pytest.raises(EditedAfterCheckpoint, match=r"directive #0 is now \(none\)"):
        checkpoints.check_resumed()


def test_a_checkpoint_without_a_record_is_trusted_by_count() -> None:
    """Rows written before the record was kept (``last_key`` NULL) resume as they did."""
    checkpoints = _resuming(None)
    assert checkpoints.enter_directive(_add("anything")) is False
    checkpoints.check_resumed()
