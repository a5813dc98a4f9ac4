"""A directive's whole state as plain, comparable data, for round-trip tests.

``==`` on directives compares ``to_dict()``, which holds the declared fields only: an
attribute outside them (a directive's ``info``, the Table a CreateTableOp keeps) could be
lost by a round trip and ``==`` would not see it. ``state()`` walks every instance attribute
of a directive, and describes the SQLAlchemy objects inside by what they mean (a Column by
its name, type, flags, defaults, keys, comment, info and dialect options), not by identity.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.types import TypeEngine

from mig.ops import MigrateOperation


def _sql(value: Any) -> str:
    if isinstance(value, ClauseElement):
        return str(value.compile(compile_kwargs={"literal_binds": True}))
    return str(value)


def _sorted(items: Any) -> list[Any]:
    return sorted((state(i) for i in items), key=repr)


def _options(item: Any) -> Any:
    return state(dict(item.dialect_kwargs))


def _constraint(c: sa.Constraint) -> tuple:
    extra: Any = None
    if isinstance(c, sa.CheckConstraint):
        extra = _sql(c.sqltext)
    elif isinstance(c, sa.ForeignKeyConstraint):
        extra = [state(e) for e in c.elements]
    elif hasattr(c, "columns"):
        extra = [col.name if hasattr(col, "name") else str(col) for col in c.columns]
    return (
        type(c).__name__,
        c.name,
        extra,
        c.deferrable,
        c.initially,
        state(c.info),
        _options(c),
    )


def _column(c: sa.Column) -> tuple:
    return (
        "Column",
        c.name,
        c.key,
        state(c.type),
        c.nullable,
        c.primary_key,
        c.autoincrement,
        c.unique,
        c.index,
        c.comment,
        state(c.server_default),
        state(c.server_onupdate),
        state(c.computed),
        state(c.identity),
        _sorted(c.foreign_keys),
        state(c.info),
        _options(c),
    )


def state(value: Any) -> Any:
    """``value`` as nested tuples, lists and dicts of plain values."""
    if isinstance(value, MigrateOperation):
        return (type(value).__name__, {k: state(v) for k, v in sorted(vars(value).items())})
    if isinstance(value, sa.Table):
        return (
            "Table",
            value.name,
            value.schema,
            value.comment,
            [state(c) for c in value.columns],
            _sorted(value.constraints),
            _sorted(value.indexes),
            state(value.info),
            _options(value),
        )
    if isinstance(value, sa.Column):
        return _column(value)
    if isinstance(value, sa.ForeignKey):
        return (
            "ForeignKey",
            value.target_fullname,
            value.name,
            value.ondelete,
            value.onupdate,
            value.deferrable,
            value.initially,
            value.use_alter,
            value.match,
            state(value.info),
            _options(value),
        )
    if isinstance(value, sa.Constraint):
        return _constraint(value)
    if isinstance(value, sa.Index):
        return (
            "Index",
            value.name,
            value.unique,
            [_sql(e) for e in value.expressions],
            state(value.info),
            _options(value),
        )
    if isinstance(value, sa.Computed):
        return ("Computed", _sql(value.sqltext), value.persisted)
    if isinstance(value, sa.Identity):
        return ("Identity", repr(value))
    if isinstance(value, sa.DefaultClause):  # a quoted literal and SQL stay apart here
        kind = "sql" if isinstance(value.arg, ClauseElement) else "string"
        return ("DefaultClause", kind, _sql(value.arg), value.for_update)
    if isinstance(value, TypeEngine):
        return (type(value).__name__, repr(value))
    if isinstance(value, ClauseElement):  # SQL given as text or built: the same SQL
        return _sql(value)
    if isinstance(value, dict):
        return {state(k): state(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if any(isinstance(v, sa.Constraint | sa.Index) for v in value):
            # a table's items: the columns in order, its constraints and indexes as a set
            # (where they stand among the columns does not change the table)
            columns = [state(v) for v in value if not isinstance(v, sa.Constraint | sa.Index)]
            others = [v for v in value if isinstance(v, sa.Constraint | sa.Index)]
            return type(value)([*columns, ("items", _sorted(others))])
        return type(value)(state(v) for v in value)
    if isinstance(value, set | frozenset):
        return ("set", _sorted(value))
    if value is None or isinstance(value, str | int | float | bool | bytes):
        return value
    if hasattr(value, "__dict__"):
        return (type(value).__name__, {k: state(v) for k, v in sorted(vars(value).items())})
    return (type(value).__name__, repr(value))
