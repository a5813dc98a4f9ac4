"""Where a backfill stands: one row per running backfill, written with each batch.

``<version_table>_backfill`` (in the version table's schema) holds, per step (revision and
direction) and backfill of that step (``op_index``: 0 for its first ``op.backfill``), the
key of the last row updated, the rows done so far and whether it has finished. The row is
updated in the same transaction as the batch it records, so after a crash (``kill -9``,
Ctrl-C, a lost connection) it names exactly the last committed batch: the rerun resumes
after it and no row is updated twice. A finished backfill keeps its row (``done``) until
its step commits with its version row, which deletes the step's rows in that same
transaction: a crash between a step's backfills never repeats the first one.

The table is created the first time a backfill runs and stays (empty between runs).
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection


@dataclass(frozen=True)
class BackfillState:
    """A backfill's recorded progress."""

    last_key: tuple[Any, ...] | None
    rows_done: int
    done: bool


@dataclass(frozen=True)
class BackfillProgress:
    """What the progress hook is told after each committed batch (and once at the end).

    ``revision``/``direction`` name the step (None outside a run), ``table`` the table,
    ``batches`` the batches committed by this run, ``rows_done`` the rows updated so far
    (a resumed backfill counts the rows of the run that died too), ``done`` whether it
    has finished, ``resumed`` whether it started from recorded progress.
    """

    revision: str | None
    direction: str | None
    table: str
    batches: int
    rows_done: int
    done: bool
    resumed: bool = False

    def __str__(self) -> str:
        state = "done" if self.done else "running"
        resumed = ", resumed" if self.resumed else ""
        return (
            f"backfill {self.table}: {self.rows_done} rows done "
            f"({self.batches} batches, {state}{resumed})"
        )


_DECODERS: dict[type, Callable[[Any], Any]] = {
    datetime.datetime: datetime.datetime.fromisoformat,
    datetime.date: datetime.date.fromisoformat,
    decimal.Decimal: decimal.Decimal,
    uuid.UUID: uuid.UUID,
}
"""Key types JSON cannot hold as they are, by the column's Python type: written as text."""


def encode_key(key: Sequence[Any]) -> str:
    return json.dumps([v if isinstance(v, int | float | str) else str(v) for v in key])


def decode_key(text: str, columns: Sequence[sa.Column[Any]]) -> tuple[Any, ...]:
    values = json.loads(text)
    out = []
    for column, value in zip(columns, values, strict=True):
        try:
            python_type = column.type.python_type
        except NotImplementedError:
            python_type = None
        decoder = _DECODERS.get(python_type) if isinstance(value, str) else None  # type: ignore[arg-type]
        out.append(decoder(value) if decoder is not None else value)
    return tuple(out)


class ProgressTable:
    """The progress table of one version table."""

    def __init__(self, name: str, schema: str | None = None) -> None:
        self.name = name
        self.schema = schema
        self.table = sa.Table(
            name,
            sa.MetaData(),
            sa.Column("revision", sa.String(255), primary_key=True),
            sa.Column("direction", sa.String(8), primary_key=True),
            sa.Column("op_index", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("last_key", sa.Text, nullable=True),
            sa.Column("rows_done", sa.BigInteger, nullable=False),
            sa.Column("done", sa.Boolean, nullable=False),
            schema=schema,
        )

    @classmethod
    def for_version_table(cls, version_table: str, schema: str | None) -> ProgressTable:
        return cls(f"{version_table}_backfill", schema)

    def _key(self, revision: str, direction: str, op_index: int) -> sa.ColumnElement[bool]:
        c = self.table.c
        return sa.and_(c.revision == revision, c.direction == direction, c.op_index == op_index)

    def ensure(self, connection: Connection) -> None:
        self.table.create(connection, checkfirst=True)

    def load(
        self,
        connection: Connection,
        revision: str,
        direction: str,
        op_index: int,
        key_columns: Sequence[sa.Column[Any]],
    ) -> BackfillState | None:
        c = self.table.c
        row = connection.execute(
            sa.select(c.last_key, c.rows_done, c.done).where(
                self._key(revision, direction, op_index)
            )
        ).first()
        if row is None:
            return None
        last = None if row.last_key is None else decode_key(row.last_key, key_columns)
        return BackfillState(last, int(row.rows_done), bool(row.done))

    def start(self, connection: Connection, revision: str, direction: str, op_index: int) -> None:
        connection.execute(
            self.table.insert().values(
                revision=revision,
                direction=direction,
                op_index=op_index,
                last_key=None,
                rows_done=0,
                done=False,
            )
        )

    def record(
        self,
        connection: Connection,
        revision: str,
        direction: str,
        op_index: int,
        last_key: Sequence[Any] | None,
        rows_done: int,
        done: bool,
    ) -> None:
        """Write the batch's progress (in the batch's transaction): exactly one row."""
        result = connection.execute(
            self.table.update()
            .where(self._key(revision, direction, op_index))
            .values(
                last_key=None if last_key is None else encode_key(last_key),
                rows_done=rows_done,
                done=done,
            )
        )
        if result.rowcount != 1:
            raise RuntimeError(
                f"backfill progress row of {revision} #{op_index} in {self.name} is gone "
                "(another process changed it)"
            )

    def finish_step(self, connection: Connection, revision: str, direction: str) -> None:
        """Forget the step's backfills (in the transaction that writes its version row)."""
        c = self.table.c
        connection.execute(
            self.table.delete().where(c.revision == revision, c.direction == direction)
        )
