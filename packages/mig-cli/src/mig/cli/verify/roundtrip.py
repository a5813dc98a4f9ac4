"""Run every revision up, down and up again on a scratch database, checking the schema.

One run of env.py does it all: the plan is, for each upgrade step from base to the heads,
the step, its inverse, and the step again. Each is wrapped so that, right after the
script's function returns (inside the step, on the same connection and transaction), the
schema is reflected: after the downgrade it must equal the schema before the upgrade, and
after the upgrade run again it must equal the schema after the first upgrade. A mismatch
stops the run at once, before the next step, and names the revision. After the last step
the head schema is compared with env.py's ``target_metadata`` (mig.autogen), as ``mig
check`` does.

The same runner, with ``roundtrip=False``, is a plain upgrade from base to the heads: the
pytest plugin's upgrade and model tests use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mig.cli.config import Config
from mig.cli.errors import UsageError
from mig.cli.verify.diff import (
    AFTER_DOWNGRADE,
    AFTER_REUPGRADE,
    SchemaDifference,
    Wording,
    diff_snapshots,
)
from mig.cli.verify.scratch import ScratchDatabase, run_on_scratch
from mig.cli.verify.snapshot import Snapshot, is_empty, object_names, take_snapshot

UPGRADE, DOWNGRADE, REUPGRADE = "upgrade", "downgrade", "upgrade again"

#: phase -> (what its failure means, how its differences are worded)
_MISMATCH: dict[str, tuple[str, Wording]] = {
    DOWNGRADE: ("its downgrade does not undo its upgrade", AFTER_DOWNGRADE),
    REUPGRADE: (
        "upgrading again after its downgrade gives a different schema",
        AFTER_REUPGRADE,
    ),
}


@dataclass
class StepResult:
    """A revision that went up, down and up again with matching schemas."""

    revision: str
    message: str


@dataclass
class Failure:
    """The first revision that failed: a step that raised, or a schema that differs."""

    revision: str
    message: str
    phase: str  # upgrade, downgrade, upgrade again
    differences: list[SchemaDifference] = field(default_factory=list)
    error: str | None = None  # the step's own error, when it raised

    @property
    def wording(self) -> Wording:
        return _MISMATCH.get(self.phase, (None, AFTER_DOWNGRADE))[1]

    def lines(self) -> list[str]:
        return [d.describe(self.wording) for d in self.differences]

    def summary(self) -> str:
        """One line naming the revision and what went wrong."""
        if self.error is not None:
            return self.error
        meaning = _MISMATCH[self.phase][0]
        what = f"revision {self.revision}" + (f" ({self.message})" if self.message else "")
        return f"{what}: {meaning}: {'; '.join(self.lines())}"

    def to_json(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "message": self.message,
            "phase": self.phase,
            "error": self.error,
            "differences": [d.to_json(self.wording) for d in self.differences],
            "summary": self.summary(),
        }


@dataclass
class VerifyReport:
    """What a verify run found; ``ok`` when every step round-tripped and the model matched."""

    database: str
    revisions: int
    steps: list[StepResult] = field(default_factory=list)
    failure: Failure | None = None
    model_checked: bool = False
    model_note: str | None = None
    model_differences: list[Any] = field(default_factory=list)
    """``mig.autogen.report.Difference`` objects, as ``mig check`` and ``mig-diff`` show them."""
    model_records: list[dict[str, Any]] = field(default_factory=list)
    """The same, as the difference objects of the JSON output (mig.autogen.records)."""
    model_skipped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failure is None and not self.model_differences and not self.model_skipped


class _Mismatch(Exception):
    """Raised inside a step when the schema after it is not the expected one."""

    def __init__(self, differences: list[SchemaDifference]) -> None:
        super().__init__(f"{len(differences)} schema difference(s)")
        self.differences = differences


class _NotAStepError(Exception):
    """An error of verify's own work inside a step (comparing the model): not the step's."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


class _CheckedStep:
    """A planned step that calls ``after()`` once the script's function has returned.

    Everything but ``callable`` is the wrapped step's own, so the runtime records the
    version rows as for the plain step.
    """

    def __init__(self, step: Any, phase: str, run: _Run, after: Callable[[], None]) -> None:
        self._step = step
        self.phase = phase
        self._run = run
        self._after = after

    def __getattr__(self, name: str) -> Any:
        return getattr(self._step, name)

    def __str__(self) -> str:
        return str(self._step)

    def callable(self) -> Callable[..., Any]:
        self._run.current = self  # before the import: a script that fails to load is this one
        fn = self._step.callable()

        def run(*args: Any, **kw: Any) -> Any:
            result = fn(*args, **kw)
            self._after()
            return result

        return run


def inverse(step: Any) -> Any:
    """The downgrade that undoes an upgrade step (version rows swapped)."""
    from mig.scripts.plan import MigrationStep

    return MigrationStep(
        revision=step.revision,
        script=step.script,
        direction="down",
        heads_before=step.heads_after,
        heads_after=step.heads_before,
    )


class _Run:
    """The state of one verify run: snapshots, results, the step running now."""

    def __init__(
        self,
        script: Any,
        scratch: ScratchDatabase,
        report: VerifyReport,
        *,
        roundtrip: bool,
        compare_model: bool,
    ) -> None:
        self.script = script
        self.scratch = scratch
        self.report = report
        self.roundtrip = roundtrip
        self.compare_model = compare_model
        self.ctx: Any = None
        self.current: _CheckedStep | None = None
        self.before: Snapshot = {}
        self.after_upgrade: Snapshot = {}

    def snapshot(self) -> Snapshot:
        ctx = self.ctx
        history = getattr(ctx, "history_table", None)
        return take_snapshot(
            ctx.bind,
            version_table=ctx.version_table,
            exclude=() if history is None else (history.name,),
        )

    # -- the plan -------------------------------------------------------------------------

    def plan(self, heads: tuple[str, ...], ctx: Any) -> list[Any]:
        if self.ctx is not None:
            raise UsageError(
                "env.py ran the migrations more than once (a multi-database env.py?): "
                "verify checks one database"
            )
        self.ctx = ctx
        if heads:
            raise UsageError(
                f"the scratch database is at revision {', '.join(heads)}: verify needs an "
                f"empty database to upgrade from base"
            )
        self.before = self.snapshot()
        if not is_empty(self.before):
            names = object_names(self.before)
            shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
            raise UsageError(
                f"the scratch database is not empty ({shown}): verify needs an empty "
                f"database it may change"
            )
        self.scratch.claimed = True  # empty: whatever is in it from now on is verify's
        steps = self.script.plan_upgrade((), "heads")
        if not steps:
            self.finish()
            return []
        planned: list[Any] = []
        for index, step in enumerate(steps):
            last = index == len(steps) - 1
            if not self.roundtrip:
                after = self.after_last_upgrade if last else self.after_plain_upgrade
                planned.append(_CheckedStep(step, UPGRADE, self, after))
                continue
            planned += [
                _CheckedStep(step, UPGRADE, self, self.after_first_upgrade),
                _CheckedStep(inverse(step), DOWNGRADE, self, self.after_downgrade),
                _CheckedStep(step, REUPGRADE, self, self.after_reupgrade),
            ]
        if self.roundtrip:
            planned[-1] = _CheckedStep(steps[-1], REUPGRADE, self, self.after_last)
        return planned

    # -- the checks, run inside the steps ---------------------------------------------------

    def after_plain_upgrade(self) -> None:
        step = self.current
        assert step is not None
        self.report.steps.append(StepResult(step.revision, step.doc))

    def after_last_upgrade(self) -> None:
        self.after_plain_upgrade()
        self.finish()

    def after_first_upgrade(self) -> None:
        self.after_upgrade = self.snapshot()

    def after_downgrade(self) -> None:
        differences = diff_snapshots(self.before, self.snapshot())
        if differences:
            raise _Mismatch(differences)

    def after_reupgrade(self) -> None:
        now = self.snapshot()
        differences = diff_snapshots(self.after_upgrade, now)
        if differences:
            raise _Mismatch(differences)
        step = self.current
        assert step is not None
        self.report.steps.append(StepResult(step.revision, step.doc))
        self.before = now

    def after_last(self) -> None:
        self.after_reupgrade()
        self.finish()

    def finish(self) -> None:
        """At the heads: compare the schema with the model, if asked and env.py has one."""
        if not self.compare_model:
            return
        metadata = self.ctx.opts.get("target_metadata")
        if metadata is None:
            self.report.model_note = "env.py passes no target_metadata to context.configure()"
            return
        from mig.autogen.records import difference_record
        from mig.autogen.report import compare

        try:
            compared = compare(self.ctx, metadata)
        except Exception as exc:
            raise _NotAStepError(exc) from exc
        dialect = getattr(self.ctx, "dialect", None)
        self.report.model_checked = True
        self.report.model_differences = compared.differences
        self.report.model_records = [difference_record(d, dialect) for d in compared.differences]
        self.report.model_skipped = compared.skipped

    # -- failures ---------------------------------------------------------------------------

    def failure(self, exc: Any) -> Failure:
        step = self.current
        revision = getattr(exc, "revision", None) or (step.revision if step else "?")
        message = step.doc if step is not None else ""
        phase = step.phase if step is not None else UPGRADE
        cause = getattr(exc, "cause", None)
        if isinstance(cause, _Mismatch):
            return Failure(revision, message, phase, differences=cause.differences)
        error = str(exc)
        if phase == REUPGRADE:
            error = f"{error} (running the upgrade again, after its downgrade)"
        return Failure(revision, message, phase, error=error)


def verify_migrations(
    config: Config,
    scratch: ScratchDatabase,
    *,
    roundtrip: bool = True,
    compare_model: bool = True,
    script: Any = None,
) -> VerifyReport:
    """Upgrade base -> heads on ``scratch`` (entered), checking each step if ``roundtrip``.

    Returns the report; a failing step or schema mismatch is in ``report.failure`` (the
    caller decides how to fail). A scratch database that is not empty, or an env.py that
    connects elsewhere, raises UsageError before anything runs.
    """
    from mig.runtime import StepFailed

    if script is None:
        from mig.cli.command._env import script_directory

        script = script_directory(config)
    revisions = len(script.plan_upgrade((), "heads"))
    report = VerifyReport(database=scratch.label(), revisions=revisions)
    run = _Run(script, scratch, report, roundtrip=roundtrip, compare_model=compare_model)
    try:
        run_on_scratch(config, script, scratch, run.plan)
    except StepFailed as exc:
        if isinstance(exc.cause, _NotAStepError):
            raise exc.cause.error from None
        report.failure = run.failure(exc)
    if run.ctx is None:
        raise UsageError("env.py did not call context.run_migrations(), so nothing was verified")
    return report
