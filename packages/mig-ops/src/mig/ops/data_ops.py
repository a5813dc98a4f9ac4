"""Directives that touch data or run SQL: bulk_insert and execute."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.selectable import TableClause

from mig.ops import fields as f
from mig.ops.base import MigrateOperation
from mig.ops.errors import DirectiveError, IrreversibleOperationError


class BulkInsertOp(MigrateOperation):
    """``op.bulk_insert(table, rows)``: rows as dicts keyed by column name."""

    op_name = "bulk_insert"
    fields = (f.table_clause("table"), f.rows("rows"), f.flag("multiinsert", default=True))

    def __init__(
        self, table: TableClause, rows: Sequence[Mapping[str, Any]], multiinsert: bool = True
    ) -> None:
        if not isinstance(table, TableClause):
            raise DirectiveError(
                self.op_name, "table", f"must be a Table or sa.table(), got {type(table).__name__}"
            )
        self.table = table
        checked = []
        known = {c.key for c in table.columns} | {c.name for c in table.columns}
        for i, row in enumerate(rows):
            if not isinstance(row, Mapping):
                raise DirectiveError(
                    self.op_name, "rows", f"row {i} is {type(row).__name__}, not a dict"
                )
            unknown = sorted(set(row) - known)
            if unknown:
                raise DirectiveError(
                    self.op_name,
                    "rows",
                    f"row {i} names column {unknown[0]!r}, not in {table.name!r}",
                )
            checked.append(dict(row))
        self.rows = checked
        self.multiinsert = multiinsert

    @property
    def table_name(self) -> str:
        return self.table.name

    def reverse(self) -> MigrateOperation:
        raise IrreversibleOperationError(
            self.op_name, "inserted rows are not removed automatically"
        )


class ExecuteSQLOp(MigrateOperation):
    """``op.execute(sql)``: a SQL string or statement the op API has no directive for."""

    op_name = "execute"
    fields = (f.sql("sqltext", required=True), f.mapping("execution_options"))

    def __init__(
        self,
        sqltext: str | Executable | ClauseElement,
        execution_options: Mapping[str, Any] | None = None,
    ) -> None:
        if isinstance(sqltext, str):
            if not sqltext.strip():
                raise DirectiveError(self.op_name, "sqltext", "must not be empty")
        elif not isinstance(sqltext, Executable | ClauseElement):
            raise DirectiveError(
                self.op_name,
                "sqltext",
                f"must be SQL text or a statement, got {type(sqltext).__name__}",
            )
        self.sqltext = sqltext
        self.execution_options = dict(execution_options or {})

    def reverse(self) -> MigrateOperation:
        raise IrreversibleOperationError(self.op_name, "arbitrary SQL has no known inverse")
