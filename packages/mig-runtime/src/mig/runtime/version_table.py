"""The version table: one row per applied head, ``version_num`` in each.

The default name is ``mig_version``; pointed at ``alembic_version`` (same column, same
meaning) it reads and keeps an Alembic-managed database as it is, so a project moves to mig
without re-stamping. A step changes the rows from its ``heads_before`` to its
``heads_after``; the statements for that are built here so the runtime can run them inside
the step's own transaction, or write them as text offline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ClauseElement

VERSION_COLUMN = "version_num"


@dataclass(frozen=True)
class VersionTable:
    """Where the applied heads are kept: table name, schema, and whether it has a primary key."""

    name: str = "mig_version"
    schema: str | None = None
    primary_key: bool = True

    @property
    def table(self) -> sa.Table:
        args: list[sa.SchemaItem] = [sa.Column(VERSION_COLUMN, sa.String(32), nullable=False)]
        if self.primary_key:
            args.append(sa.PrimaryKeyConstraint(VERSION_COLUMN, name=f"{self.name}_pkc"))
        return sa.Table(self.name, sa.MetaData(), *args, schema=self.schema)

    def exists(self, connection: Connection) -> bool:
        return sa.inspect(connection).has_table(self.name, schema=self.schema)

    def create_statement(self) -> ClauseElement:
        return sa.schema.CreateTable(self.table)

    def ensure(self, connection: Connection) -> bool:
        """Create the table if it is missing; True when it was created."""
        if self.exists(connection):
            return False
        connection.execute(self.create_statement())
        return True

    def heads(self, connection: Connection) -> tuple[str, ...]:
        """The rows, sorted; empty when the table does not exist yet."""
        if not self.exists(connection):
            return ()
        table = self.table
        rows = connection.execute(sa.select(table.c[VERSION_COLUMN])).scalars()
        return tuple(sorted(rows))

    def change_statements(self, before: Iterable[str], after: Iterable[str]) -> list[ClauseElement]:
        """Statements that turn the rows ``before`` into ``after``.

        One row replaced by one row is an UPDATE (what a linear step does, and what readers
        of ``--sql`` output expect); anything else is DELETEs then INSERTs.
        """
        before_set, after_set = set(before), set(after)
        removed = sorted(before_set - after_set)
        added = sorted(after_set - before_set)
        table = self.table
        column = table.c[VERSION_COLUMN]
        if len(removed) == 1 and len(added) == 1:
            return [table.update().where(column == removed[0]).values({VERSION_COLUMN: added[0]})]
        statements: list[ClauseElement] = [
            table.delete().where(column == revision) for revision in removed
        ]
        statements += [table.insert().values({VERSION_COLUMN: revision}) for revision in added]
        return statements

    def apply(self, connection: Connection, before: Iterable[str], after: Iterable[str]) -> None:
        """Run :meth:`change_statements` and check each touched exactly one row.

        A row count other than one means another process changed the table under us (or
        the version table does not say what the plan assumed): stop rather than record a
        state that is not true.
        """
        for statement in self.change_statements(before, after):
            result = connection.execute(statement)
            if not statement.is_insert and result.rowcount != 1:
                raise VersionTableConflict(
                    f"version table {self.qualified_name}: expected to change one row "
                    f"but changed {result.rowcount}; another process may be migrating"
                )

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


class VersionTableConflict(RuntimeError):
    """The version table did not hold the rows a step expected."""
