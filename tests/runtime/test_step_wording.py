"""A step is worded (``str(step)``: ``r1 -> r2, add users``) only when something reads it.

The default reporter logs ``Running upgrade r1 -> r2, ...`` at INFO as each step starts;
with the log below INFO nobody reads the words, and building them for every step was a
tenth of a small step's cost. What a reporter or the log shows must not change.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from steps_source import Chain, ChainStep
from test_ddl_pipeline import add, create_t
from test_run import run

from mig.runtime.reporting import StepReport, StepReporter

worded: list[str] = []


@dataclass(frozen=True)
class WordedStep(ChainStep):
    def __str__(self) -> str:
        before = ",".join(sorted(self.heads_before))
        text = f"{before} -> {','.join(sorted(self.heads_after))}, step {self.revision}"
        worded.append(text)
        return text


class WordedChain(Chain):
    def plan_upgrade(self, current_heads, destination):
        return [WordedStep(**vars(s)) for s in super().plan_upgrade(current_heads, destination)]


def two_steps() -> WordedChain:
    return WordedChain([("r1", create_t, lambda: None), ("r2", add("a"), lambda: None)])


def test_the_log_names_each_step_as_it_starts(engine, caplog) -> None:
    worded.clear()
    with caplog.at_level(logging.INFO, logger="mig.runtime.migration"):
        run(engine, two_steps(), "up", "head")
    logged = [r.getMessage() for r in caplog.records if r.name == "mig.runtime.migration"]
    assert logged == ["Running upgrade  -> r1, step r1", "Running upgrade r1 -> r2, step r2"]


def test_no_step_is_worded_while_the_log_is_below_info(engine, caplog) -> None:
    worded.clear()
    with caplog.at_level(logging.WARNING, logger="mig.runtime.migration"):
        run(engine, two_steps(), "up", "head")
    assert worded == []


def test_a_reporter_still_reads_each_steps_words(engine, caplog) -> None:
    seen: list[str] = []

    class Reporter(StepReporter):
        def step_started(self, report: StepReport) -> None:
            seen.append(report.text)

    with caplog.at_level(logging.WARNING, logger="mig.runtime.migration"):
        run(engine, two_steps(), "up", "head", reporter=Reporter())
    assert seen == [" -> r1, step r1", "r1 -> r2, step r2"]
    assert StepReport("r1", "up", "", False, 1, 1).text == ""  # no step: no words
