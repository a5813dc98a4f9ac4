"""What differs between two schema snapshots, in words a person can act on.

``diff_snapshots(expected, actual)`` lists :class:`SchemaDifference` objects; each says
which object is extra, missing or changed. The sentence depends on what is being checked:
after a downgrade, an extra column "is still there" (the downgrade forgot to drop it); after
running an upgrade again, it is "new". :class:`Wording` holds those verbs, so one diff
serves both checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from mig.cli.verify.snapshot import Snapshot

#: the kinds of a table's parts, singular, in the order differences are listed
_TABLE_PARTS = {
    "columns": "column",
    "primary key": "primary key",
    "foreign keys": "foreign key",
    "indexes": "index",
    "unique constraints": "unique constraint",
    "check constraints": "check constraint",
    "comment": "comment",
}
_TOP_LEVEL = {"tables": "table", "sequences": "sequence", "enum types": "enum type"}


@dataclass(frozen=True)
class Wording:
    """Verbs for objects the actual schema has in excess (``extra``) or lacks (``missing``)."""

    exists: str
    gone: str
    has: str
    lacks: str


#: after a downgrade, compared with the schema before the upgrade
AFTER_DOWNGRADE = Wording("still exists", "no longer exists", "still has", "no longer has")
#: after upgrading again, compared with the schema after the first upgrade
AFTER_REUPGRADE = Wording("exists now", "is missing now", "has in addition", "is missing")
#: neutral, for any two schemas
NEUTRAL = Wording("is extra", "is missing", "has an extra", "lacks")


@dataclass(frozen=True)
class SchemaDifference:
    """One object that differs: ``change`` is extra, missing or changed."""

    change: Literal["extra", "missing", "changed"]
    kind: str  # table, column, index, foreign key, ..., sequence, enum type
    name: str
    table: str | None = None
    detail: str | None = None  # for "changed": what differs

    def describe(self, wording: Wording = NEUTRAL) -> str:
        """One sentence: ``table posts still has column x``, ``column posts.x: type ...``."""
        if self.table is None:
            if self.change == "changed":
                return f"{self.kind} {self.name}: {self.detail}"
            verb = wording.exists if self.change == "extra" else wording.gone
            return f"{self.kind} {self.name} {verb}"
        if self.change == "changed":
            if self.kind == "column":
                subject = f"column {self.table}.{self.name}"
            elif self.name:
                subject = f"{self.kind} {self.name} of table {self.table}"
            else:
                subject = f"{self.kind} of table {self.table}"
            return f"{subject}: {self.detail}"
        verb = wording.has if self.change == "extra" else wording.lacks
        return f"table {self.table} {verb} {self.kind} {self.name}".rstrip()

    def to_json(self, wording: Wording = NEUTRAL) -> dict[str, Any]:
        return {
            "change": self.change,
            "kind": self.kind,
            "table": self.table,
            "name": self.name,
            "detail": self.detail,
            "text": self.describe(wording),
        }


def _text(value: Any) -> str:
    if isinstance(value, tuple):
        return f"({', '.join(str(v) for v in value)})"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_text(v)}" for k, v in value.items()) or "{}"
    return "none" if value is None else str(value)


def _changed_detail(expected: Any, actual: Any) -> str:
    """``type VARCHAR(10), expected VARCHAR(20)`` for the fields that differ."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        parts = [
            f"{field} {_text(actual.get(field))}, expected {_text(expected.get(field))}"
            for field in dict.fromkeys([*expected, *actual])
            if expected.get(field) != actual.get(field)
        ]
        return "; ".join(parts)
    return f"{_text(actual)}, expected {_text(expected)}"


def _compare_named(
    kind: str, expected: dict[str, Any], actual: dict[str, Any], table: str | None
) -> list[SchemaDifference]:
    out = [SchemaDifference("extra", kind, n, table) for n in actual if n not in expected]
    out += [SchemaDifference("missing", kind, n, table) for n in expected if n not in actual]
    out += [
        SchemaDifference("changed", kind, n, table, _changed_detail(expected[n], actual[n]))
        for n in expected
        if n in actual and expected[n] != actual[n]
    ]
    return out


def _compare_single(kind: str, expected: Any, actual: Any, table: str) -> list[SchemaDifference]:
    """A part a table has at most one of: its primary key, its comment."""
    if expected == actual:
        return []
    if expected is None:
        return [SchemaDifference("extra", kind, _label(actual), table)]
    if actual is None:
        return [SchemaDifference("missing", kind, _label(expected), table)]
    return [SchemaDifference("changed", kind, "", table, _changed_detail(expected, actual))]


def _label(value: Any) -> str:
    if isinstance(value, dict):
        return _text(value.get("columns", ()))
    return _text(value)


def diff_tables(name: str, expected: dict[str, Any], actual: dict[str, Any]) -> list[Any]:
    out: list[SchemaDifference] = []
    for part, kind in _TABLE_PARTS.items():
        if part in ("primary key", "comment"):
            out += _compare_single(kind, expected.get(part), actual.get(part), name)
        else:
            out += _compare_named(kind, expected.get(part, {}), actual.get(part, {}), name)
    return out


def diff_snapshots(expected: Snapshot, actual: Snapshot) -> list[SchemaDifference]:
    """Every difference of ``actual`` from ``expected``; empty when they are the same."""
    out: list[SchemaDifference] = []
    for group, kind in _TOP_LEVEL.items():
        want, have = expected.get(group, {}), actual.get(group, {})
        if group == "tables":
            out += [SchemaDifference("extra", kind, n) for n in have if n not in want]
            out += [SchemaDifference("missing", kind, n) for n in want if n not in have]
            for name in want:
                if name in have and want[name] != have[name]:
                    out += diff_tables(name, want[name], have[name])
        else:
            out += _compare_named(kind, want, have, None)
    return out
