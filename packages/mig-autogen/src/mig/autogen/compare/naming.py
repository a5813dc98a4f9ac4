"""The names a database gives unnamed constraints, where its rule is fixed.

When the model leaves a constraint unnamed (and no naming convention names it),
``create_all`` lets the database choose, and a revision that adds the same constraint to an
existing table should choose the same name: the next revision that drops it by name then
works on both databases. PostgreSQL's rule is fixed and documented in its source
(``makeObjectName``): ``<table>_<columns joined by _>_<label>`` with the labels ``pkey``,
``key`` (unique), ``fkey``, ``check``, ``seq`` (a serial column's sequence), ``idx``;
longer than 63 bytes, the longer of the table part and the column part loses a byte at a
time, on a character boundary. MySQL/MariaDB name a unique index after its first column.
Where the database numbers its names (MySQL's foreign keys, ``<table>_ibfk_<n>``) or has
none (SQLite), a deterministic name of mig's own is used (``fk_<table>_<columns>_<referred>``,
``uq_<table>_<columns>``). ``NAMERS`` holds one rule per dialect.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

NAMEDATALEN = 64
"""PostgreSQL's identifier buffer: names hold at most ``NAMEDATALEN - 1`` bytes."""


def _clip(text: str, limit: int) -> str:
    """The longest prefix of ``text`` that fits ``limit`` UTF-8 bytes."""
    raw = text.encode()
    if len(raw) <= limit:
        return text
    return raw[:limit].decode(errors="ignore")


def _joined(names: Sequence[str]) -> str:
    """Column names joined by ``_``, stopping once the buffer is full (as PostgreSQL does)."""
    out = ""
    for name in names:
        if out:
            out += "_"
        out += _clip(name, NAMEDATALEN - 1)
        if len(out.encode()) >= NAMEDATALEN:
            break
    return out


def pg_object_name(name1: str, name2: str | None, label: str | None) -> str:
    """PostgreSQL's ``makeObjectName``: ``name1_name2_label`` within 63 bytes."""
    overhead = (1 if name2 else 0) + (len(label.encode()) + 1 if label else 0)
    available = NAMEDATALEN - 1 - overhead
    len1 = len(name1.encode())
    len2 = len(name2.encode()) if name2 else 0
    while len1 + len2 > available:
        if len1 > len2:
            len1 -= 1
        else:
            len2 -= 1
    out = _clip(name1, len1)
    if name2:
        out += "_" + _clip(name2, len2)
    if label:
        out += "_" + label
    return out


def pg_constraint_name(table: str, columns: Sequence[str], label: str) -> str:
    """The name PostgreSQL gives an unnamed constraint of ``table`` on ``columns``."""
    return pg_object_name(table, _joined(columns) or None, label)


LABELS = {"foreignkey": "fkey", "unique": "key", "primary": "pkey", "check": "check"}


def _pg(table: str, columns: Sequence[str], kind: str, referred: str | None) -> str:
    return pg_constraint_name(table, [] if kind == "primary" else columns, LABELS[kind])


_PREFIXES = {"foreignkey": "fk", "unique": "uq", "primary": "pk", "check": "ck"}


def _own(table: str, columns: Sequence[str], kind: str, referred: str | None) -> str:
    parts = [_PREFIXES[kind], table, *[re.sub(r"\W", "", c) for c in columns]]
    if referred:
        parts.append(referred)
    return "_".join(parts)


def _mysql(table: str, columns: Sequence[str], kind: str, referred: str | None) -> str:
    """MySQL/MariaDB name an unnamed unique index after its first column; foreign keys
    are numbered (``<table>_ibfk_<n>``, the count depends on history), so mig names them."""
    if kind == "unique" and columns:
        return columns[0][:64]
    return _own(table, columns, kind, referred)[:64]


Namer = Callable[[str, Sequence[str], str, "str | None"], str]
NAMERS: dict[str, Namer] = {"postgresql": _pg, "mysql": _mysql, "mariadb": _mysql}
"""Dialect name -> how it names an unnamed constraint; others get ``_own``'s name."""


def default_constraint_name(
    dialect_name: str,
    max_length: int | None,
    table: str,
    columns: Sequence[str],
    kind: str,
    referred: str | None = None,
) -> str:
    """The name for an unnamed model constraint that autogenerate adds to an existing table.

    ``kind``: ``"foreignkey"``, ``"unique"``, ``"primary"`` or ``"check"``; ``referred`` is
    the referenced table of a foreign key (part of mig's own name).
    """
    namer = NAMERS.get(dialect_name)
    if namer is not None:
        return namer(table, columns, kind, referred)
    return _own(table, columns, kind, referred)[: max_length or 63]
