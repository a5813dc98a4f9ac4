"""How a step's directives are counted for its checkpoint (mig-runtime step_checkpoint.py).

The database round trip (a killed run, then a rerun that skips what was committed) is in
tests/e2e/test_online_kill.py; these pin the counting rules themselves: top-level
directives only, a directive another one runs is not counted, a committed one is skipped.
"""

from __future__ import annotations

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
    checkpoints._saved = {("r1", "up"): 2}  # as load() reads it from the progress table
    assert checkpoints.start_step("r1", "up") is True
    assert checkpoints.enter_directive(_Op()) is False
    assert checkpoints.enter_directive(_Op()) is False
    assert checkpoints.current is None
    assert checkpoints.enter_directive(_Op()) is True
    assert checkpoints.current == 2
    checkpoints.leave_directive()
    checkpoints.end_step()
    assert checkpoints.enter_directive(_Op()) is None
