"""SQL helpers the op API hands out: ``inline_literal`` and ``f``."""

from __future__ import annotations

from typing import Any

from sqlalchemy.sql.elements import BindParameter, conv
from sqlalchemy.sql.type_api import TypeEngine


def inline_literal(
    value: str | int | Any, type_: TypeEngine | type[TypeEngine] | None = None
) -> BindParameter:
    """A bound value that is rendered inline in the SQL, online and offline alike.

    Use it in ``op.execute(table.update().values(x=op.inline_literal("y")))`` so the
    statement written by ``--sql`` carries the value instead of a placeholder.
    """
    return BindParameter(None, value, type_=type_, unique=True, literal_execute=True)


def f(name: str) -> conv:
    """Mark a constraint name as final, so a naming convention does not rewrite it."""
    return conv(name)
