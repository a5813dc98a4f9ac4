"""What the comparators share while one comparison runs.

``SchemaPlan`` holds the reflected tables, the model tables and the directives found so far
in buckets that fix their order in the migration: enum types first, then table renames,
new tables (a referenced table before the tables that reference it), changes to existing
tables, dropped tables (referencing tables first), and enum types last.

``TableDiff`` collects one table's directives by *phase*, so that whatever order the
comparators run in, the table's ``ModifyTableOps`` is safe to execute: foreign keys, checks
and indexes are dropped before the columns they cover, and created after the columns they
need.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from mig import ops
from mig.autogen.compare.reflect import ReflectedTable

TableKey = tuple[str | None, str]

PHASES: dict[str, int] = {
    "drop_fk": 10,
    "drop_check": 20,
    "drop_index": 30,
    "rewrite_drop": 35,
    "add_column": 40,
    "alter_column": 50,
    "drop_column": 60,
    "add_index": 70,
    "add_check": 80,
    "add_fk": 90,
    "comment": 100,
}


@dataclass
class TableDiff:
    """One table present in both the model and the database (possibly renamed)."""

    schema: str | None
    name: str
    """The model's name (the new name when the table is renamed)."""
    model: sa.Table
    reflected: ReflectedTable
    renamed_from: str | None = None
    column_renames: dict[str, str] = field(default_factory=dict)
    """Reflected column name -> model column name, for columns found renamed."""
    table_renames: dict[TableKey, TableKey] = field(default_factory=dict)
    """Every table rename of the migration, old key -> new key (the database points
    foreign keys at a renamed table's new name by itself)."""
    dropped_columns: set[str] = field(default_factory=set)
    dropped_fks: list[dict[str, Any]] = field(default_factory=list)
    rewritten_columns: set[str] = field(default_factory=set)
    """Columns dropped and added again (a changed computed expression): the indexes and
    unique constraints covering them are dropped and created around that."""
    _ops: list[tuple[int, int, ops.MigrateOperation]] = field(default_factory=list)

    @property
    def key(self) -> TableKey:
        return self.schema, self.name

    @property
    def parent_names(self) -> dict[str, Any]:
        """What ``include_name`` is told about the table a column or index belongs to."""
        qualified = f"{self.schema}.{self.reflected.name}" if self.schema else self.reflected.name
        return {
            "schema_name": self.schema,
            "table_name": self.reflected.name,
            "schema_qualified_table_name": qualified,
        }

    def model_name(self, reflected_column: str) -> str:
        """A reflected column's name in the model (its new name when renamed)."""
        return self.column_renames.get(reflected_column, reflected_column)

    def emit(self, phase: str, op: ops.MigrateOperation) -> None:
        self._ops.append((PHASES[phase], len(self._ops), op))

    def ops(self) -> list[ops.MigrateOperation]:
        return [op for _, _, op in sorted(self._ops, key=lambda item: (item[0], item[1]))]


class ColumnDiff:
    """One column present in both; comparators fill ``alter``'s ``modify_*`` fields.

    ``info`` is the reflection dictionary; ``reflected`` (a detached ``Column``) and
    ``alter`` are built only when a comparator asks for them, since most columns of a
    large model have nothing to report.
    """

    def __init__(
        self,
        table: TableDiff,
        name: str,
        model: sa.Column,
        info: dict[str, Any],
        make_alter: Callable[[ColumnDiff], ops.AlterColumnOp],
    ) -> None:
        self.table = table
        self.name = name
        """The reflected name (the column is altered by this name)."""
        self.model = model
        self.info = info
        self._make_alter = make_alter
        self._alter: ops.AlterColumnOp | None = None

    @property
    def schema(self) -> str | None:
        return self.table.schema

    @property
    def reflected(self) -> sa.Column:
        return self.table.reflected.column(self.name)

    @property
    def alter(self) -> ops.AlterColumnOp:
        if self._alter is None:
            self._alter = self._make_alter(self)
        return self._alter

    def result(self) -> ops.AlterColumnOp | None:
        """The alter_column when a comparator changed something, else None."""
        if self._alter is None or not self._alter.changes:
            return None
        return self._alter


@dataclass
class SchemaPlan:
    schemas: list[str | None]
    reflected: dict[TableKey, ReflectedTable] = field(default_factory=dict)
    model: dict[TableKey, sa.Table] = field(default_factory=dict)
    table_diffs: dict[TableKey, TableDiff] = field(default_factory=dict)
    removed: dict[TableKey, ReflectedTable] = field(default_factory=dict)
    added: dict[TableKey, sa.Table] = field(default_factory=dict)
    pre: list[ops.MigrateOperation] = field(default_factory=list)
    renames: list[ops.MigrateOperation] = field(default_factory=list)
    creates: list[ops.MigrateOperation] = field(default_factory=list)
    modifies: list[ops.MigrateOperation] = field(default_factory=list)
    drops: list[ops.MigrateOperation] = field(default_factory=list)
    post: list[ops.MigrateOperation] = field(default_factory=list)

    def directives(self) -> list[ops.MigrateOperation]:
        return [
            *self.pre,
            *self.renames,
            *self.creates,
            *self.modifies,
            *self.drops,
            *self.post,
        ]
