"""What ``upgrade``, ``downgrade`` and ``stamp`` print while they run: one line per step.

The runtime decides when a step is done (``mig.runtime.reporting``: once the database has
confirmed its statements); the reporters here only word its events, so a step is one
line, not a log line and a progress line:

- :class:`TextProgress`: ``[2/3] upgrade b2 add posts ok (0.04s)`` per confirmed step,
  ``FAILED`` for the step that failed, ``rolled back`` for the steps a failed
  one-transaction run undid, then ``3 steps in 0.12 s``. On a terminal the running step is
  shown in place until it is confirmed. ``NO_COLOR`` turns colour off.
- :class:`JsonProgress` (``--format json``): one JSON object per line per step, then one
  summary object (the shapes are in the mig-cli README).
- :class:`QuietProgress` (``-q``): prints nothing.

Each remembers how the run ended, so the command can word a Ctrl-C stop or abort.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any, TextIO

from mig.cli.errors import CommandError
from mig.runtime.interrupt import EXIT_INTERRUPTED
from mig.runtime.reporting import LogReporter, RunSummary, StepReport, StepReporter, heads_text


class Interrupted(CommandError):
    """The run stopped at a step boundary (first Ctrl-C) or was aborted (second)."""

    exit_code = EXIT_INTERRUPTED


class QuietProgress(StepReporter):
    """Prints nothing; remembers how the run ended (every reporter below does too)."""

    def __init__(self) -> None:
        self.summary: RunSummary | None = None
        self.aborted_state: str | None = None
        self.failed_state: str | None = None

    def run_finished(self, summary: RunSummary) -> None:
        self.summary = summary

    def run_aborted(self, report: StepReport | None, state: str) -> None:
        self.aborted_state = state

    def step_failed(self, report: StepReport, error: BaseException, state: str) -> None:
        self.failed_state = state

    # -- what the command says afterwards ----------------------------------------------------

    def stopped_error(self) -> Interrupted:
        """The one-line error for a run a first Ctrl-C stopped at a step boundary."""
        summary = self.summary
        if summary is None:
            return Interrupted("interrupted (Ctrl-C) before any step ran")
        return Interrupted(
            f"interrupted (Ctrl-C): stopped after {summary.steps} of {summary.planned} "
            f"step{'s' if summary.planned != 1 else ''}; the database is at "
            f"{heads_text(summary.heads)}"
        )

    def aborted_error(self) -> Interrupted:
        """The one-line error for a run a second Ctrl-C aborted."""
        state = self.aborted_state or "the run was aborted"
        return Interrupted(f"aborted (Ctrl-C twice): {state}")


def _use_color(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


class TextProgress(QuietProgress):
    """One line per step for people; on a terminal the running step is drawn in place."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__()
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty()
        self.color = _use_color(self.stream)
        self._running = ""

    def _paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    @staticmethod
    def label(report: StepReport) -> str:
        width = len(str(report.total))
        text = f"[{report.index:>{width}}/{report.total}] {report.verb} {report.revision}"
        return f"{text} {report.message}" if report.message else text

    def _line(self, text: str) -> None:
        if self.tty and self._running:
            self.stream.write("\r\x1b[K")
        self.stream.write(text + "\n")
        if self.tty and self._running:
            self.stream.write(self._running)
        self.stream.flush()

    def step_started(self, report: StepReport) -> None:
        if self.tty:
            self._running = f"{self.label(report)} ..."
            self.stream.write(f"\r\x1b[K{self._running}")
            self.stream.flush()

    def _finished(self, report: StepReport, status: str) -> None:
        if self.tty and self._running.startswith(self.label(report) + " "):
            self.stream.write("\r\x1b[K")
            self._running = ""
        self._line(f"{self.label(report)} {status}")

    def step_confirmed(self, report: StepReport) -> None:
        self._finished(report, f"{self._paint('ok', '32')} ({report.seconds:.2f}s)")

    def step_rolled_back(self, report: StepReport) -> None:
        self._finished(report, self._paint("rolled back", "33"))

    def step_failed(self, report: StepReport, error: BaseException, state: str) -> None:
        super().step_failed(report, error, state)
        self._finished(report, f"{self._paint('FAILED', '31')} ({report.seconds:.2f}s)")

    def run_aborted(self, report: StepReport | None, state: str) -> None:
        super().run_aborted(report, state)
        if report is not None:
            self._finished(report, self._paint("aborted", "31"))

    def run_finished(self, summary: RunSummary) -> None:
        super().run_finished(summary)
        if not summary.planned and not summary.stopped:
            return  # nothing to do: nothing to sum up (JSON still gets its summary object)
        if summary.stopped:
            text = f"stopped (Ctrl-C) after {summary.steps} of {summary.planned} steps"
        else:
            text = f"{summary.steps} step{'s' if summary.steps != 1 else ''}"
        self._line(f"{text} in {summary.seconds:.2f} s")


class JsonProgress(QuietProgress):
    """JSON lines for programs: one object per step, then one summary object."""

    def __init__(self, write: Callable[[str], None]) -> None:
        super().__init__()
        self.write = write

    def _emit(self, data: dict[str, Any]) -> None:
        self.write(json.dumps(data))

    @staticmethod
    def step_object(report: StepReport, status: str) -> dict[str, Any]:
        return {
            "event": "step",
            "revision": report.revision,
            "direction": "stamp" if report.is_stamp else report.direction,
            "statements": report.statements,
            "milliseconds": round(report.seconds * 1000),
            "status": status,
        }

    def step_confirmed(self, report: StepReport) -> None:
        self._emit(self.step_object(report, "ok"))

    def step_rolled_back(self, report: StepReport) -> None:
        self._emit(self.step_object(report, "rolled back"))

    def step_failed(self, report: StepReport, error: BaseException, state: str) -> None:
        super().step_failed(report, error, state)
        self._emit({**self.step_object(report, "failed"), "error": str(error).splitlines()[0]})
        self._emit({"event": "summary", "status": "failed", "database": state})

    def run_aborted(self, report: StepReport | None, state: str) -> None:
        super().run_aborted(report, state)
        if report is not None:
            self._emit(self.step_object(report, "aborted"))
        self._emit({"event": "summary", "status": "aborted", "database": state})

    def run_finished(self, summary: RunSummary) -> None:
        super().run_finished(summary)
        self._emit(
            {
                "event": "summary",
                "status": "stopped" if summary.stopped else "ok",
                "steps": summary.steps,
                "planned": summary.planned,
                "milliseconds": round(summary.seconds * 1000),
                "heads": sorted(summary.heads),
            }
        )


class LoggedProgress(QuietProgress):
    """For commands called from Python (no command line): the runtime's log line per step."""

    def step_started(self, report: StepReport) -> None:
        LogReporter().step_started(report)


def reporter_for(config: Any, fmt: str) -> QuietProgress:
    """The reporter a command's options ask for: ``--format json``, ``-q``, text, or the log.

    From the command line, progress is on unless ``-q``; from Python (a Config without
    command-line options), the step log lines of the runtime, as before.
    """
    if fmt == "json":
        return JsonProgress(config.print_stdout)
    cmd_opts = getattr(config, "cmd_opts", None)
    if cmd_opts is None or not hasattr(cmd_opts, "progress"):
        return LoggedProgress()
    if not cmd_opts.progress:
        return QuietProgress()
    return TextProgress(getattr(config, "stdout", None))
