"""``applied_at`` of the history table: now, in UTC, to the second, one datetime a second.

Steps within one second share that second's datetime instead of building one each (a small
step costs mig tens of µs; the datetime was a tenth of it). The value must be what
``datetime.now(UTC)`` truncated to the second gives, also across a second's boundary.
"""

from __future__ import annotations

import datetime as dt

from mig.runtime import history
from mig.runtime.history import history_row, utc_now_to_the_second


def test_it_is_now_in_utc_to_the_second() -> None:
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    now = utc_now_to_the_second()
    after = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    assert before <= now <= after
    assert now.tzinfo is None and now.microsecond == 0


def test_one_datetime_a_second_and_a_new_one_when_the_second_changes(monkeypatch) -> None:
    clock = iter([1_700_000_000.25, 1_700_000_000.99, 1_700_000_001.0, 1_700_000_001.5])
    monkeypatch.setattr(history.time, "time", lambda: next(clock))
    first, same, next_second, again = (utc_now_to_the_second() for _ in range(4))
    assert first == dt.datetime(2023, 11, 14, 22, 13, 20)
    assert same is first
    assert next_second == dt.datetime(2023, 11, 14, 22, 13, 21)
    assert again is next_second


def test_a_row_carries_it() -> None:
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    row = history_row("r1", "up", "sha256:00", 0.0125, "root")
    assert before <= row["applied_at"] <= dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert row["duration_ms"] == 12 and row["revision"] == "r1"
