"""A step's Ctrl-C window (mig/runtime/interrupt.py, StepWindow) in the process itself.

tests/e2e/test_ctrl_c.py sends real signals to a real ``mig upgrade``; this checks the
window's rules directly: a second Ctrl-C inside the window waits until the window closes,
also when the window closes on an error; before ``protect()`` it aborts at once; without a
guard the window is one shared object that does nothing.
"""

from __future__ import annotations

import signal

import pytest

from mig.runtime import interrupt
from mig.runtime.interrupt import GracefulInterrupt, step_window


def ctrl_c() -> None:
    signal.raise_signal(signal.SIGINT)


def test_a_second_ctrl_c_in_the_window_waits_for_it_to_close() -> None:
    closed = False
    with GracefulInterrupt() as guard:
        ctrl_c()  # the first: stop at the next boundary
        assert guard.requested
        with pytest.raises(KeyboardInterrupt):
            with step_window() as window:
                window.protect()
                ctrl_c()  # the second, held
                closed = True
        assert closed


def test_the_window_holds_it_also_when_it_closes_on_an_error() -> None:
    with GracefulInterrupt():
        ctrl_c()
        with pytest.raises(KeyboardInterrupt):
            with step_window() as window:
                window.protect()
                ctrl_c()
                raise ValueError("the step's version row failed")


def test_before_protect_a_second_ctrl_c_aborts_at_once() -> None:
    reached = False
    with GracefulInterrupt():
        ctrl_c()
        with pytest.raises(KeyboardInterrupt):
            with step_window():
                ctrl_c()
                reached = True
    assert not reached


def test_without_a_guard_the_window_is_shared_and_does_nothing() -> None:
    assert interrupt._active is None
    first, second = step_window(), step_window()
    assert first is second
    with first as window:
        window.protect()
    with GracefulInterrupt():
        assert step_window() is not first
