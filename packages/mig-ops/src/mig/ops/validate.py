"""Argument checks shared by the directive constructors.

Each check raises :class:`DirectiveError` naming the op and the argument, so an impossible
directive fails where it is written, not halfway through a migration.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import types as sqltypes
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.schema import Column
from sqlalchemy.sql.type_api import TypeEngine

from mig.ops.errors import DirectiveError


def name(op: str, arg: str, value: Any, *, optional: bool = False) -> str | None:
    """A table, column or constraint name: a non-empty string (or None when optional)."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise DirectiveError(op, arg, f"must be a name (a string), got {type(value).__name__}")
    if not value.strip():
        raise DirectiveError(op, arg, "must not be empty")
    return value


def names(op: str, arg: str, values: Any, *, min_count: int = 1) -> list[str]:
    """A list of column names; a bare string is refused (it would split into letters)."""
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise DirectiveError(op, arg, f"must be a list of names, got {values!r}")
    result = list(values)
    if len(result) < min_count:
        raise DirectiveError(op, arg, "must name at least one column")
    for item in result:
        name(op, arg, item)
    return result


def expressions(op: str, arg: str, values: Any) -> list[Any]:
    """Index columns: names or SQL expressions, at least one."""
    if isinstance(values, str | ClauseElement):
        values = [values]
    if not isinstance(values, Iterable):
        raise DirectiveError(op, arg, f"must be a list of columns, got {values!r}")
    result = list(values)
    if not result:
        raise DirectiveError(op, arg, "must name at least one column or expression")
    for item in result:
        if isinstance(item, str):
            name(op, arg, item)
        elif not isinstance(item, ClauseElement):
            raise DirectiveError(op, arg, f"holds {item!r}, neither a name nor a SQL expression")
    return result


def sql_type(op: str, arg: str, value: Any) -> TypeEngine | None:
    """A SQLAlchemy type instance or class (a class is instantiated), or None."""
    if value is None:
        return None
    if isinstance(value, TypeEngine) or (isinstance(value, type) and issubclass(value, TypeEngine)):
        return sqltypes.to_instance(value)
    raise DirectiveError(op, arg, f"must be a SQLAlchemy type, got {value!r}")


def column(op: str, arg: str, value: Any) -> Column:
    if not isinstance(value, Column):
        raise DirectiveError(op, arg, f"must be a sqlalchemy.Column, got {type(value).__name__}")
    if not value.name:
        raise DirectiveError(op, arg, "must be a Column with a name")
    return value


def choice(op: str, arg: str, value: Any, choices: Sequence[Any]) -> Any:
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise DirectiveError(op, arg, f"must be one of {allowed}, got {value!r}")
    return value


def sql(op: str, arg: str, value: Any) -> Any:
    if isinstance(value, str):
        if not value.strip():
            raise DirectiveError(op, arg, "must not be empty SQL")
        return value
    if isinstance(value, ClauseElement):
        return value
    raise DirectiveError(
        op, arg, f"must be SQL text or a SQL expression, got {type(value).__name__}"
    )
