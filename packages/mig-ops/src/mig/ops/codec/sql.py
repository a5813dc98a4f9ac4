"""SQL fragments (check conditions, index expressions, server defaults) to text and back.

A fragment is kept as the SQL string SQLAlchemy's default dialect renders for it, with bound
values inlined; it comes back as ``text()``. That is what a migration needs: the DDL it emits
is the same, and no Python is rebuilt from the input.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import default
from sqlalchemy.sql.elements import ClauseElement, TextClause

from mig.ops.errors import SerializationError

_DIALECT = default.StrCompileDialect()


def encode_sql(element: Any, path: str) -> str:
    """Render a str, ``text()`` or SQL expression to its SQL string."""
    if isinstance(element, str):
        return element
    if isinstance(element, TextClause) and not element._bindparams:
        return element.text
    if isinstance(element, ClauseElement):
        try:
            return str(element.compile(dialect=_DIALECT, compile_kwargs={"literal_binds": True}))
        except Exception as exc:  # SQLAlchemy raises several kinds for unrenderable values
            raise SerializationError(path, f"cannot render SQL expression: {exc}") from None
    raise SerializationError(
        path, f"expected SQL text or an expression, got {type(element).__name__}"
    )


def decode_sql(data: Any, path: str) -> TextClause:
    if not isinstance(data, str):
        raise SerializationError(path, f"expected a SQL string, got {type(data).__name__}")
    return text(data)
