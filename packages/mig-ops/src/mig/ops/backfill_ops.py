"""``op.backfill``: update a table's rows in primary-key batches, each its own transaction.

A one-statement ``UPDATE big_table SET ...`` holds row locks on every row until it commits
and can run for an hour; a backfill walks the primary key in batches of ``batch_size`` rows,
committing each, so other sessions wait at most one batch. The directive only says what to
update; mig-runtime runs the batches (online, resumable after a crash) or writes them as a
loop (offline). It is declared here, beside every other directive, so that scripts,
recorders and linters see it without the runtime.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.selectable import TableClause

from mig.ops import fields as f
from mig.ops.base import MigrateOperation
from mig.ops.codec.sql import decode_sql, encode_sql
from mig.ops.codec.values import decode_value, encode_value
from mig.ops.errors import DirectiveError, IrreversibleOperationError, SerializationError

DEFAULT_BATCH_SIZE = 10000


def _encode_values(values: Mapping[str, Any], path: str) -> dict[str, Any]:
    """A SQL expression is written as ``{"sql": text}``, any other value as a literal."""
    out: dict[str, Any] = {}
    for column, value in values.items():
        where = f"{path}.{column}"
        if isinstance(value, ClauseElement):
            out[column] = {"sql": encode_sql(value, where)}
        else:
            out[column] = {"value": encode_value(value, where)}
    return out


def _decode_values(data: Any, path: str, types: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise SerializationError(path, "expected an object of column -> {'sql'|'value': ...}")
    out: dict[str, Any] = {}
    for column, item in data.items():
        where = f"{path}.{column}"
        if isinstance(item, dict) and set(item) == {"sql"}:
            out[column] = decode_sql(item["sql"], where)
        elif isinstance(item, dict) and set(item) == {"value"}:
            out[column] = decode_value(item["value"], where)
        else:
            raise SerializationError(where, "expected {'sql': ...} or {'value': ...}")
    return out


def _optional_names(data: Any, path: str, types: Any) -> list[str] | None:
    if data is None:
        return None
    if not isinstance(data, list) or not all(isinstance(v, str) for v in data):
        raise SerializationError(path, "expected a list of column names or null")
    return data


def _batch_size(data: Any, path: str, types: Any) -> int:
    if not isinstance(data, int) or isinstance(data, bool):
        raise SerializationError(path, "expected an integer")
    return data


class BackfillOp(MigrateOperation):
    """``op.backfill(table, values, where=None, batch_size=10000)``.

    ``table`` is a table name (with ``schema``) or a ``Table`` / ``sa.table()``; from a
    Table the primary key and the column names are taken, so ``values`` is checked now.
    ``values`` maps column names to literals or SQL expressions (``sa.text("a + b")``);
    ``where`` is a SQL expression or text that limits the rows. ``primary_key`` names the
    key columns when the runtime cannot read them (offline, from a table name).
    """

    op_name = "backfill"
    fields = (
        f.name("table_name"),
        f.Field("values", _encode_values, _decode_values, required=True),
        f.sql("where"),
        f.Field("batch_size", lambda v, p: v, _batch_size, DEFAULT_BATCH_SIZE),
        f.name("schema", required=False),
        f.Field("primary_key", lambda v, p: None if v is None else list(v), _optional_names),
    )

    def __init__(
        self,
        table_name: str | TableClause,
        values: Mapping[str, Any],
        where: str | ClauseElement | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        schema: str | None = None,
        primary_key: Sequence[str] | None = None,
    ) -> None:
        op = self.op_name
        known: set[str] | None = None
        if isinstance(table_name, TableClause):
            table = table_name
            table_name = table.name
            schema = schema if schema is not None else getattr(table, "schema", None)
            known = {c.name for c in table.columns}
            table_key = [c.name for c in getattr(table, "primary_key", ())]
            if primary_key is None and table_key:
                primary_key = table_key
        if not isinstance(table_name, str) or not table_name:
            raise DirectiveError(
                op, "table", f"must be a table name or a Table, got {table_name!r}"
            )
        self.table_name = table_name
        if not isinstance(values, Mapping) or not values:
            raise DirectiveError(op, "values", "must be a non-empty dict of column -> value")
        for column in values:
            if not isinstance(column, str) or not column:
                raise DirectiveError(op, "values", f"has key {column!r}, not a column name")
            if known is not None and column not in known:
                raise DirectiveError(
                    op, "values", f"names column {column!r}, not in {table_name!r}"
                )
        self.values = dict(values)
        if where is not None and not isinstance(where, str | ClauseElement):
            raise DirectiveError(
                op, "where", f"must be SQL text or an expression, got {type(where).__name__}"
            )
        if isinstance(where, str) and not where.strip():
            raise DirectiveError(op, "where", "must not be empty (leave it out for every row)")
        self.where = where
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise DirectiveError(op, "batch_size", f"must be an integer >= 1, got {batch_size!r}")
        self.batch_size = batch_size
        if schema is not None and (not isinstance(schema, str) or not schema):
            raise DirectiveError(op, "schema", f"must be a non-empty string, got {schema!r}")
        self.schema = schema
        if primary_key is not None:
            if isinstance(primary_key, str):
                primary_key = [primary_key]
            keys = list(primary_key)
            if not keys or not all(isinstance(k, str) and k for k in keys):
                raise DirectiveError(op, "primary_key", "must be a non-empty list of column names")
            if known is not None and not set(keys) <= known:
                missing = sorted(set(keys) - known)[0]
                raise DirectiveError(
                    op, "primary_key", f"names column {missing!r}, not in {table_name!r}"
                )
            primary_key = keys
        self.primary_key = primary_key

    def reverse(self) -> MigrateOperation:
        raise IrreversibleOperationError(self.op_name, "the values it overwrote are not kept")
