"""A small real source of steps for runtime tests: a linear chain of revisions whose
functions are plain Python, planned from the version table's heads like mig.scripts does."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from mig.ops import op


@dataclass(frozen=True)
class ChainStep:
    revision: str
    direction: str
    heads_before: frozenset[str]
    heads_after: frozenset[str]
    fn: Callable[[], None]
    doc: str = ""

    def callable(self) -> Callable[[], None]:
        return self.fn


class Chain:
    """revisions: list of (id, upgrade_fn, downgrade_fn), base first."""

    def __init__(self, revisions: list[tuple[str, Callable[[], None], Callable[[], None]]]) -> None:
        self.revisions = revisions
        self.ids = [r[0] for r in revisions]

    def _index(self, heads: Iterable[str]) -> int:
        heads = tuple(heads)
        return self.ids.index(heads[0]) + 1 if heads else 0

    def plan_upgrade(self, current_heads, destination):
        start = self._index(current_heads)
        end = len(self.ids) if destination == "head" else self.ids.index(destination) + 1
        steps = []
        for i in range(start, end):
            before = frozenset([self.ids[i - 1]]) if i else frozenset()
            steps.append(
                ChainStep(self.ids[i], "up", before, frozenset([self.ids[i]]), self.revisions[i][1])
            )
        return steps

    def plan_downgrade(self, current_heads, destination):
        start = self._index(current_heads)
        end = 0 if destination == "base" else self.ids.index(destination) + 1
        steps = []
        for i in range(start - 1, end - 1, -1):
            after = frozenset([self.ids[i - 1]]) if i else frozenset()
            steps.append(
                ChainStep(
                    self.ids[i], "down", frozenset([self.ids[i]]), after, self.revisions[i][2]
                )
            )
        return steps

    def resolve(self, spec, current_heads=None):
        return (self.ids[-1],) if spec == "head" else (spec,)


def blog_chain(pause: float = 0.0) -> Chain:
    def up1():
        op.create_table(
            "authors",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(50)),
        )
        op.create_table("applied_log", sa.Column("revision", sa.String(32)))
        op.execute("INSERT INTO applied_log (revision) VALUES ('r1')")
        time.sleep(pause)

    def down1():
        op.drop_table("applied_log")
        op.drop_table("authors")

    def up2():
        op.add_column("authors", sa.Column("email", sa.String(100)))
        op.execute("INSERT INTO applied_log (revision) VALUES ('r2')")
        time.sleep(pause)

    def down2():
        op.drop_column("authors", "email")

    def up3():
        op.create_index("ix_authors_email", "authors", ["email"], unique=True)
        op.execute("INSERT INTO applied_log (revision) VALUES ('r3')")
        time.sleep(pause)

    def down3():
        op.drop_index("ix_authors_email", table_name="authors")

    return Chain([("r1", up1, down1), ("r2", up2, down2), ("r3", up3, down3)])
