"""SQLite expression indexes, which SQLAlchemy's reflection skips (with a warning).

An index on ``lower(email)`` is in ``sqlite_master`` with the ``CREATE INDEX`` statement
SQLite keeps verbatim, but ``Inspector.get_indexes`` leaves it out, so every comparison
would report it as missing. The statement is read back here and split into its elements:
a plain column name stays a name, anything else is an expression (text), in the shape
SQLAlchemy gives for other databases' expression indexes (``column_names`` holding None,
``expressions`` the SQL).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

_HEAD = re.compile(
    r"^\s*CREATE\s+(?P<unique>UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?.+?\s+ON\s+"
    r"(?:\"[^\"]+\"|`[^`]+`|\[[^\]]+\]|[^\s(]+)\s*\(",
    re.IGNORECASE | re.DOTALL,
)
_IDENT = re.compile(r'^(?:"((?:[^"]|"")+)"|`([^`]+)`|\[([^\]]+)\]|([A-Za-z_][A-Za-z0-9_$]*))$')
_ORDER = re.compile(r"\s+(?:ASC|DESC)\s*$", re.IGNORECASE)


def _split(body: str) -> tuple[list[str], str]:
    """The top-level comma-separated elements inside the parentheses, and what follows."""
    depth, quote, start = 0, "", 0
    parts: list[str] = []
    for i, ch in enumerate(body):
        if quote:
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"`":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                parts.append(body[start:i])
                return [p.strip() for p in parts], body[i + 1 :]
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    return [p.strip() for p in parts], ""


def parse_index_sql(name: str, sql: str) -> dict[str, Any] | None:
    """A reflection dictionary for one ``CREATE INDEX`` statement, or None if unreadable."""
    head = _HEAD.match(sql)
    if head is None:
        return None
    elements, rest = _split(sql[head.end() :])
    columns: list[str | None] = []
    expressions: list[str] = []
    for element in elements:
        element = _ORDER.sub("", element)
        ident = _IDENT.match(element)
        if ident is not None:
            text = next(g for g in ident.groups() if g is not None).replace('""', '"')
            columns.append(text)
            expressions.append(text)
        else:
            columns.append(None)
            expressions.append(element)
    options: dict[str, Any] = {}
    where = re.match(r"\s*WHERE\s+(.*?)\s*;?\s*$", rest, re.IGNORECASE | re.DOTALL)
    if where:
        options["sqlite_where"] = where.group(1)
    return {
        "name": name,
        "column_names": columns,
        "expressions": expressions,
        "unique": bool(head.group("unique")),
        "dialect_options": options,
    }


def add_expression_indexes(
    connection: Any,
    schema: str | None,
    names: Sequence[str],
    indexes: dict[tuple[str | None, str], list[dict[str, Any]]],
) -> None:
    """Add to ``indexes`` the expression indexes of ``names`` that reflection left out."""
    master = "sqlite_master" if schema is None else f'"{schema}".sqlite_master'
    rows = connection.execute(
        sa.text(
            f"SELECT name, tbl_name, sql FROM {master} WHERE type = 'index' AND sql IS NOT NULL"
        )
    ).all()
    wanted = set(names)
    for name, table, sql in sorted(rows):
        if table not in wanted:
            continue
        known = indexes.setdefault((schema, table), [])
        if any(ix.get("name") == name for ix in known):
            continue
        info = parse_index_sql(name, sql)
        if info is not None and None in info["column_names"]:
            known.append(info)
