"""The garbage collector's pacing during a run (mig.runtime.collector): raised while steps
run, the program's own setting back afterwards, whatever happened."""

from __future__ import annotations

import gc
import threading

import pytest
import sqlalchemy as sa
from steps_source import Chain
from test_run import run

from mig.ops import op
from mig.runtime import StepFailed
from mig.runtime.collector import RUN_THRESHOLD, paced_collection


@pytest.fixture
def default_thresholds():
    """Python's defaults around each test, and the caller's setting back after it."""
    saved, enabled = gc.get_threshold(), gc.isenabled()
    gc.set_threshold(700, 10, 10)
    gc.enable()
    yield
    gc.set_threshold(*saved)
    (gc.enable if enabled else gc.disable)()


def test_threshold_is_raised_inside_and_restored_after(default_thresholds) -> None:
    with paced_collection():
        assert gc.get_threshold() == (RUN_THRESHOLD, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_restored_after_an_error(default_thresholds) -> None:
    with pytest.raises(RuntimeError), paced_collection():
        raise RuntimeError("step failed")
    assert gc.get_threshold() == (700, 10, 10)


def test_a_higher_setting_of_the_program_is_kept(default_thresholds) -> None:
    gc.set_threshold(50_000, 20, 20)
    with paced_collection():
        assert gc.get_threshold() == (50_000, 20, 20)
    assert gc.get_threshold() == (50_000, 20, 20)


def test_a_disabled_collector_is_left_alone(default_thresholds) -> None:
    gc.disable()
    with paced_collection():
        assert not gc.isenabled()
        assert gc.get_threshold() == (700, 10, 10)
    assert not gc.isenabled()


def test_overlapping_runs_restore_when_the_last_one_ends(default_thresholds) -> None:
    first_in, second_done = threading.Event(), threading.Event()
    seen: list[tuple[int, ...]] = []

    def first_run() -> None:
        with paced_collection():
            first_in.set()
            second_done.wait(10)
            seen.append(gc.get_threshold())  # the second run has ended: still raised

    thread = threading.Thread(target=first_run)
    thread.start()
    first_in.wait(10)
    with paced_collection():
        pass
    second_done.set()
    thread.join(10)
    assert seen == [(RUN_THRESHOLD, 10, 10)]
    assert gc.get_threshold() == (700, 10, 10)


def test_a_run_paces_its_steps_and_restores_the_setting(
    engine: sa.Engine, default_thresholds
) -> None:
    during: list[int] = []

    def up() -> None:
        during.append(gc.get_threshold()[0])
        op.create_table("paced", sa.Column("id", sa.Integer, primary_key=True))

    def broken() -> None:
        during.append(gc.get_threshold()[0])
        raise ValueError("no")

    chain = Chain([("p1", up, lambda: op.drop_table("paced")), ("p2", broken, lambda: None)])
    run(engine, chain, "up", "p1")
    assert during == [RUN_THRESHOLD]
    assert gc.get_threshold() == (700, 10, 10)
    with pytest.raises(StepFailed):
        run(engine, chain, "up", "head")
    assert during == [RUN_THRESHOLD, RUN_THRESHOLD]
    assert gc.get_threshold() == (700, 10, 10)
    run(engine, chain, "down", "base")
