"""A total, content-based order for schema items, so output never depends on the run.

``Table.constraints`` and ``Table.foreign_key_constraints`` are sets: iterating them, or
breaking a tie between two unnamed constraints by ``id()``, gives another order in another
process (or another ``PYTHONHASHSEED``). Sorting by what an item *is* (its kind, name,
columns, referenced columns, SQL text) makes revisions, reports and SQL byte-identical
across runs. Two items with the same key are interchangeable, so their order cannot show.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def _text(element: Any) -> str:
    try:
        return str(element)
    except Exception:  # an expression that cannot compile without a dialect
        return repr(element)


def schema_item_key(item: Any) -> tuple[str, ...]:
    """The sort key of a constraint, index or column: kind, name, then content."""
    name = item.name
    parts: list[str] = [type(item).__name__, "" if not isinstance(name, str) else str(name)]
    if isinstance(item, sa.ForeignKeyConstraint):
        parts += [c.name for c in item.columns] if item.columns else []
        parts += [e.target_fullname for e in item.elements]
    elif isinstance(item, sa.CheckConstraint):
        parts.append(_text(item.sqltext))
    elif isinstance(item, sa.Index):
        parts += [_text(e) for e in item.expressions]
    elif isinstance(item, sa.Constraint):
        parts += [c.name for c in item.columns]
    return tuple(parts)


def sorted_items(items: Any) -> list[Any]:
    """``items`` in ``schema_item_key`` order."""
    return sorted(items, key=schema_item_key)
