"""Offline SQL names each step before its statements, in the words deploy tooling greps for
(Alembic's): ``-- Running upgrade A -> B``, ``-- Running downgrade B -> A``, an empty side at
base, ``b1, c1 -> d1`` for a merge, ``depends_on`` left out, ``stamp_revision`` for stamps."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pytest

from mig.ops import op
from mig.runtime import EnvironmentContext, context


@dataclass(frozen=True)
class Script:
    revision: str
    down_revisions: tuple[str, ...]
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class GraphStep:
    """A step as mig.scripts plans it: the script it runs and the version rows around it.

    The comment comes from the step's own script (its ``down_revisions``)."""

    script: Script = field(repr=False)
    direction: str
    heads_before: frozenset[str]
    heads_after: frozenset[str]
    doc: str = ""

    @property
    def revision(self) -> str:
        return self.script.revision

    def callable(self) -> Callable[[], None]:
        def run() -> None:
            op.execute(f"SELECT '{self.revision} {self.direction}'")

        return run


# a1 <- b1, a1 <- c1 (c1 also depends_on b1), d1 merges b1 and c1
A1 = Script("a1", ())
B1 = Script("b1", ("a1",))
C1 = Script("c1", ("a1",), depends_on=("b1",))
D1 = Script("d1", ("b1", "c1"))


def step(script: Script, direction: str, before: Sequence[str], after: Sequence[str]) -> GraphStep:
    return GraphStep(script, direction, frozenset(before), frozenset(after))


UP = [
    step(A1, "up", [], ["a1"]),
    step(B1, "up", ["a1"], ["b1"]),
    step(C1, "up", ["b1"], ["c1"]),  # depends_on b1: its row is absorbed
    step(D1, "up", ["c1"], ["d1"]),
]
DOWN = [
    step(D1, "down", ["d1"], ["c1"]),
    step(C1, "down", ["c1"], ["b1"]),
    step(B1, "down", ["b1"], ["a1"]),
    step(A1, "down", ["a1"], []),
]


def offline(url: str, steps: list[GraphStep], **configure) -> str:
    buffer = io.StringIO()
    start = {"starting_rev": "d1"} if steps is DOWN else {}
    with EnvironmentContext(None, None, as_sql=True, fn=lambda h, c: steps, **start):
        context.configure(url=url, output_buffer=buffer, history_table=False, **configure)
        with context.begin_transaction():
            context.run_migrations()
    return buffer.getvalue()


def comments(sql: str) -> list[str]:
    return [line for line in sql.splitlines() if line.startswith("-- ")]


def test_upgrade_through_a_merge_on_postgresql() -> None:
    assert offline("postgresql://", UP) == (
        "BEGIN;\n\n"
        "CREATE TABLE mig_version (\n    version_num VARCHAR(32) NOT NULL, \n"
        "    CONSTRAINT mig_version_pkc PRIMARY KEY (version_num)\n);\n\n"
        "-- Running upgrade  -> a1\n\n"
        "SELECT 'a1 up';\n\n"
        "INSERT INTO mig_version (version_num) VALUES ('a1');\n\n"
        "-- Running upgrade a1 -> b1\n\n"
        "SELECT 'b1 up';\n\n"
        "UPDATE mig_version SET version_num='b1' WHERE mig_version.version_num = 'a1';\n\n"
        "-- Running upgrade a1 -> c1\n\n"
        "SELECT 'c1 up';\n\n"
        "UPDATE mig_version SET version_num='c1' WHERE mig_version.version_num = 'b1';\n\n"
        "-- Running upgrade b1, c1 -> d1\n\n"
        "SELECT 'd1 up';\n\n"
        "UPDATE mig_version SET version_num='d1' WHERE mig_version.version_num = 'c1';\n\n"
        "COMMIT;\n\n"
    )


def test_downgrade_to_base_on_mysql() -> None:
    assert offline("mysql+pymysql://", DOWN) == (
        "-- Running downgrade d1 -> b1, c1\n\n"
        "SELECT 'd1 down';\n\n"
        "UPDATE mig_version SET version_num='c1' WHERE mig_version.version_num = 'd1';\n\n"
        "-- Running downgrade c1 -> a1\n\n"
        "SELECT 'c1 down';\n\n"
        "UPDATE mig_version SET version_num='b1' WHERE mig_version.version_num = 'c1';\n\n"
        "-- Running downgrade b1 -> a1\n\n"
        "SELECT 'b1 down';\n\n"
        "UPDATE mig_version SET version_num='a1' WHERE mig_version.version_num = 'b1';\n\n"
        "-- Running downgrade a1 -> \n\n"
        "SELECT 'a1 down';\n\n"
        "DELETE FROM mig_version WHERE mig_version.version_num = 'a1';\n\n"
    )


def test_transaction_per_migration_puts_the_comment_inside_each_transaction() -> None:
    sql = offline("postgresql://", UP[:2], transaction_per_migration=True)
    assert sql.endswith(
        "BEGIN;\n\n"
        "-- Running upgrade  -> a1\n\n"
        "SELECT 'a1 up';\n\n"
        "INSERT INTO mig_version (version_num) VALUES ('a1');\n\n"
        "COMMIT;\n\n"
        "BEGIN;\n\n"
        "-- Running upgrade a1 -> b1\n\n"
        "SELECT 'b1 up';\n\n"
        "UPDATE mig_version SET version_num='b1' WHERE mig_version.version_num = 'a1';\n\n"
        "COMMIT;\n\n"
    )


@pytest.mark.parametrize(
    ("start", "rows", "expected"),
    [
        (None, ["b1"], "-- Running stamp_revision  -> b1"),
        ("a1", ["d1"], "-- Running stamp_revision a1 -> d1"),
    ],
)
def test_stamp_is_named_too(start, rows, expected) -> None:
    buffer = io.StringIO()
    opts = {"starting_rev": start} if start else {}
    with EnvironmentContext(None, None, as_sql=True, **opts):
        context.configure(url="postgresql://", output_buffer=buffer, history_table=False)
        context.get_context().stamp(rows)
    assert comments(buffer.getvalue()) == [expected]
