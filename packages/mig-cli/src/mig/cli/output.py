"""What commands print: text for people, JSON for programs, progress while migrating.

Commands hand their result to :func:`emit` as data plus the text lines a person reads; the
``--format`` option picks which one is printed, so the two never drift apart.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

FORMATS = ("text", "json")


def emit(config: Any, data: Any, lines: Iterable[str], fmt: str = "text") -> None:
    """Print ``data`` as JSON or ``lines`` as text, through the config's stdout."""
    if fmt == "json":
        config.print_stdout(json.dumps(data, indent=2, default=str))
    elif fmt == "text":
        for line in lines:
            config.print_stdout(line)
    else:
        from mig.cli.errors import UsageError

        raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")


def script_record(script: Any, current: Sequence[str] = ()) -> dict[str, Any]:
    """One revision as JSON: what ``heads``, ``history`` and ``show`` print per revision."""
    deps = script.dependencies
    return {
        "revision": script.revision,
        "down_revisions": list(script.down_revisions),
        "branch_labels": sorted(script.branch_labels),
        "depends_on": [deps] if isinstance(deps, str) else list(deps or ()),
        "message": script.doc,
        "path": script.path,
        "is_head": script.is_head,
        "is_base": script.is_base,
        "is_branch_point": script.is_branch_point,
        "is_merge_point": script.is_merge_point,
        "is_current": script.revision in current,
    }


def _use_color(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


class Progress:
    """Step n of m while upgrading or downgrading.

    On a terminal the line of the running step is redrawn in place and finished with its
    elapsed time; anywhere else (CI logs, pipes) one plain line per finished step.
    ``NO_COLOR`` (https://no-color.org) turns colour off.
    """

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = total
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty()
        self.color = _use_color(self.stream)
        self.count = 0
        self._started = 0.0
        self._label = ""

    def _paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def start(self, step: Any) -> None:
        self.count += 1
        verb = "upgrade" if step.direction == "up" else "downgrade"
        width = len(str(self.total))
        self._label = f"[{self.count:>{width}}/{self.total}] {verb} {step.revision} {step.doc}"
        self._started = time.perf_counter()
        if self.tty:
            self.stream.write(f"\r{self._label} ...")
            self.stream.flush()

    def finish(self, ok: bool) -> None:
        elapsed = time.perf_counter() - self._started
        status = self._paint("ok", "32") if ok else self._paint("FAILED", "31")
        line = f"{self._label} {status} ({elapsed:.2f}s)"
        self.stream.write(("\r" if self.tty else "") + line + "\n")
        self.stream.flush()


class ReportingStep:
    """A planned step that tells a :class:`Progress` when it starts and ends.

    It stands in for the step the runtime receives; everything but ``callable`` is the
    wrapped step's own.
    """

    def __init__(self, step: Any, progress: Progress) -> None:
        self._step = step
        self._progress = progress

    def __getattr__(self, name: str) -> Any:
        return getattr(self._step, name)

    def __str__(self) -> str:
        return str(self._step)

    def callable(self) -> Any:
        fn = self._step.callable()
        progress = self._progress
        step = self._step

        def run(*args: Any, **kw: Any) -> Any:
            progress.start(step)
            try:
                result = fn(*args, **kw)
            except BaseException:
                progress.finish(False)
                raise
            progress.finish(True)
            return result

        return run


def with_progress(steps: Sequence[Any], enabled: bool, stream: TextIO | None = None) -> list[Any]:
    if not enabled or not steps:
        return list(steps)
    progress = Progress(len(steps), stream)
    return [ReportingStep(step, progress) for step in steps]
