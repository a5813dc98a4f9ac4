"""The statements of a backfill: keyset pagination over the primary key.

Each batch is found and updated by key range, never by OFFSET over the whole table: the
next batch's upper key is ``SELECT key ... WHERE key > :last ORDER BY key LIMIT 1 OFFSET
batch_size - 1`` (an index range scan from ``:last``), and the batch is ``UPDATE ... WHERE
key > :last AND key <= :upper``; the last batch has no upper bound. ``where`` is applied to
both, so every batch but the last updates exactly ``batch_size`` rows.

A composite key is compared as a row value, ``(a, b) > (:a, :b)``, where the database
supports it (PostgreSQL, MySQL/MariaDB, SQLite); elsewhere the comparison is spelled out
(``a > :a OR (a = :a AND b > :b)``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import ClauseElement, ColumnElement, Grouping, TextClause

ROW_VALUE_DIALECTS = frozenset({"postgresql", "mysql", "mariadb", "sqlite"})
"""Dialects whose SQL compares row values (``(a, b) > (1, 2)``) in key order."""

KeyValue = Callable[[sa.Column[Any], Any], ColumnElement[Any]]
"""Turns one key column and a value into the SQL the comparison uses (a bound parameter
online; offline, a variable of the generated loop)."""


def bound_value(column: sa.Column[Any], value: Any) -> ColumnElement[Any]:
    """A key value as a parameter typed by its column (online)."""
    type_ = None if isinstance(column.type, sa.types.NullType) else column.type
    return sa.bindparam(None, value, type_=type_)


def compare_keys(
    columns: Sequence[Any], values: Sequence[ColumnElement[Any]], op: str, row_values: bool
) -> ColumnElement[bool]:
    """``columns <op> values`` in key order (``op`` is ``>`` or ``<=``)."""
    if len(columns) == 1:
        return columns[0] > values[0] if op == ">" else columns[0] <= values[0]
    if row_values:
        left, right = sa.tuple_(*columns), sa.tuple_(*values)
        return left > right if op == ">" else left <= right
    strict = [
        sa.and_(
            *[c == v for c, v in zip(columns[:i], values[:i], strict=True)],
            columns[i] > values[i] if op == ">" else columns[i] < values[i],
        )
        for i in range(len(columns))
    ]
    if op == "<=":
        strict.append(sa.and_(*[c == v for c, v in zip(columns, values, strict=True)]))
    return sa.or_(*strict)


@dataclass(frozen=True)
class BackfillStatements:
    """The statements of one backfill on one dialect.

    ``table`` holds (at least) the key columns and the columns being set; ``key`` are the
    key columns in key order.
    """

    table: sa.TableClause
    key: tuple[Any, ...]
    values: Mapping[str, Any]
    where: ClauseElement | None
    batch_size: int
    dialect_name: str

    @property
    def row_values(self) -> bool:
        return self.dialect_name in ROW_VALUE_DIALECTS

    def _range(
        self,
        last: Sequence[ColumnElement[Any]] | None,
        upper: Sequence[ColumnElement[Any]] | None,
        after: ColumnElement[bool] | None = None,
    ) -> list[ColumnElement[bool]]:
        conditions: list[Any] = []
        if after is not None:
            conditions.append(after)
        elif last is not None:
            conditions.append(compare_keys(self.key, last, ">", self.row_values))
        if upper is not None:
            conditions.append(compare_keys(self.key, upper, "<=", self.row_values))
        if self.where is not None:
            conditions.append(self.where)
        return conditions

    def next_upper(
        self,
        last: Sequence[ColumnElement[Any]] | None,
        after: ColumnElement[bool] | None = None,
    ) -> sa.Select[Any]:
        """The key of the batch's last row (none: the rest is the last batch).

        ``after`` replaces the ``key > last`` condition (the offline loop's own test).
        """
        return (
            sa.select(*self.key)
            .where(*self._range(last, None, after))
            .order_by(*self.key)
            .offset(self.batch_size - 1)
            .limit(1)
        )

    def update(
        self,
        last: Sequence[ColumnElement[Any]] | None,
        upper: Sequence[ColumnElement[Any]] | None,
        after: ColumnElement[bool] | None = None,
    ) -> sa.Update:
        """The batch's UPDATE: key above ``last`` (if any) up to ``upper`` (if any)."""
        return sa.update(self.table).where(*self._range(last, upper, after)).values(self.values)

    def values_of(self, key_row: Sequence[Any], value: KeyValue) -> list[ColumnElement[Any]]:
        return [value(c, v) for c, v in zip(self.key, key_row, strict=True)]


def retarget(element: Any, table: sa.TableClause) -> Any:
    """``element`` with the columns of any table of the same name taken from ``table``.

    A script builds its expressions on its own ``sa.table("t", ...)``; the statements are
    built on the reflected Table, and two objects for one table would make a cross join.
    """
    if not isinstance(element, ClauseElement):
        return element

    def swap(node: Any) -> Any:
        owner = getattr(node, "table", None)
        if (
            isinstance(node, sa.ColumnClause)
            and isinstance(owner, sa.TableClause)
            and owner is not table
            and owner.name == table.name
            and node.name in table.c
        ):
            return table.c[node.name]
        return None

    return visitors.replacement_traverse(element, {}, swap)


def where_clause(where: str | ClauseElement | None) -> ClauseElement | None:
    """``where`` as SQL: a string is SQL text; text is parenthesised, since it is ANDed
    with the key range (``a = 1 OR b = 2`` must not escape it)."""
    if where is None:
        return None
    if isinstance(where, str):
        where = sa.text(where)
    if isinstance(where, TextClause):
        return Grouping(where)
    return where


def set_values(table: sa.TableClause, values: Mapping[str, Any], offline: bool) -> dict[str, Any]:
    """``values`` for ``UPDATE ... SET``: offline, literals are typed so they render inline."""
    if not offline:
        return {name: retarget(value, table) for name, value in values.items()}
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, ClauseElement):
            out[name] = retarget(value, table)
        else:
            column = table.c[name]
            type_ = None if isinstance(column.type, sa.types.NullType) else column.type
            out[name] = sa.bindparam(None, value, type_=type_, literal_execute=False)
    return out
