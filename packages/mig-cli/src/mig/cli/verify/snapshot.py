"""A database schema as plain data: what ``mig verify`` compares around each step.

The schema is reflected in bulk (``Inspector.get_multi_*``, a fixed number of catalog
queries whatever the number of tables) and normalised into dicts of strings, booleans and
tuples, so two snapshots compare with ``==`` and print as JSON. Only what a migration
changes and a person cares about is kept: tables and their columns (type as the database
spells it, nullability, server default, comment, computed expression, identity), primary
key, foreign keys, indexes, unique and check constraints, table comments, sequences and
(PostgreSQL) enum types. Column order is not kept: a downgrade that adds back a dropped
column at the end of the table has undone the upgrade for every practical purpose.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

#: a reflected table: {"columns": {...}, "primary_key": ..., "foreign_keys": {...}, ...}
TableShape = dict[str, Any]
#: {"tables": {name: TableShape}, "sequences": {name: {}}, "enum types": {name: {...}}}
Snapshot = dict[str, dict[str, Any]]

#: mig's own tables besides the version table (the lock table of lock-less databases)
BOOKKEEPING_TABLES = ("mig_lock",)


def _words(text: Any) -> str | None:
    """SQL text with runs of whitespace collapsed (reflection keeps the user's spacing)."""
    return None if text is None else " ".join(str(text).split())


def _type_text(type_: Any, dialect: sa.Dialect) -> str:
    try:
        return str(type_.compile(dialect=dialect))
    except Exception:  # a type the dialect cannot render (reflection placeholders)
        return repr(type_)


def _column(col: dict[str, Any], dialect: sa.Dialect) -> dict[str, Any]:
    computed = col.get("computed")
    return {
        "type": _type_text(col["type"], dialect),
        "nullable": bool(col.get("nullable", True)),
        "default": _words(col.get("default")),
        "comment": col.get("comment"),
        "computed": _words(computed.get("sqltext")) if computed else None,
        "identity": bool(col.get("identity")),
    }


def _fk_key(fk: dict[str, Any]) -> str:
    if fk.get("name"):
        return str(fk["name"])
    cols = ", ".join(fk["constrained_columns"])
    return f"({cols}) -> {fk['referred_table']}({', '.join(fk['referred_columns'])})"


def _fk(fk: dict[str, Any]) -> dict[str, Any]:
    options = {k: str(v) for k, v in sorted((fk.get("options") or {}).items()) if v is not None}
    return {
        "columns": tuple(fk["constrained_columns"]),
        "referred_schema": fk.get("referred_schema"),
        "referred_table": fk["referred_table"],
        "referred_columns": tuple(fk["referred_columns"]),
        "options": options,
    }


def _index(ix: dict[str, Any]) -> dict[str, Any]:
    return {
        "columns": tuple(c if c is not None else "<expression>" for c in ix["column_names"]),
        "expressions": tuple(_words(e) for e in ix.get("expressions") or ()),
        "unique": bool(ix.get("unique")),
    }


def _unique_key(uq: dict[str, Any]) -> str:
    return str(uq["name"]) if uq.get("name") else f"({', '.join(uq['column_names'])})"


def _check_key(ck: dict[str, Any]) -> str:
    return str(ck["name"]) if ck.get("name") else f"({_words(ck['sqltext'])})"


def _optional(fetch: Callable[[], Any], default: Any) -> Any:
    """A reflection the dialect may not offer (comments on SQLite, sequences, ...)."""
    try:
        return fetch()
    except NotImplementedError:
        return default


def _keyed(
    items: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], str], shape: Callable
) -> dict[str, Any]:
    return {key(item): shape(item) for item in items}


_NEXTVAL = re.compile(r"""nextval\('"?(?:[^'"]*"?\."?)?([^'".]+)"?'""")


def _owned_sequences(tables: dict[str, TableShape]) -> set[str]:
    """Sequences a column owns (serial defaults, identity): they come and go with their
    table, whose column already shows them, so listing them again is noise."""
    owned: set[str] = set()
    for table, shape in tables.items():
        for column, info in shape["columns"].items():
            match = _NEXTVAL.search(info["default"] or "")
            if match:
                owned.add(match.group(1))
            if info["identity"]:
                owned.add(f"{table}_{column}_seq")
    return owned


def is_bookkeeping(name: str, version_table: str) -> bool:
    """mig's own tables: the version table, the lock table, and ``<version table>_*``."""
    return (
        name == version_table or name in BOOKKEEPING_TABLES or name.startswith(f"{version_table}_")
    )


def take_snapshot(
    connection: Connection,
    *,
    schema: str | None = None,
    version_table: str = "mig_version",
    exclude: Collection[str] = (),
) -> Snapshot:
    """The schema seen through ``connection`` (its open transaction included).

    mig's own tables (``version_table``, ``mig_lock``) and the names in ``exclude`` are
    left out.
    """
    insp = sa.inspect(connection)
    dialect = connection.dialect
    names = [
        name
        for name in insp.get_table_names(schema=schema)
        if not is_bookkeeping(name, version_table) and name not in exclude
    ]
    tables: dict[str, TableShape] = {}
    if names:
        kw: dict[str, Any] = {"schema": schema, "filter_names": names}
        columns = insp.get_multi_columns(**kw)
        pks = insp.get_multi_pk_constraint(**kw)
        fks = insp.get_multi_foreign_keys(**kw)
        indexes = insp.get_multi_indexes(**kw)
        uniques = _optional(lambda: insp.get_multi_unique_constraints(**kw), {})
        checks = _optional(lambda: insp.get_multi_check_constraints(**kw), {})
        comments = _optional(lambda: insp.get_multi_table_comment(**kw), {})
        for name in names:
            key = (schema, name)
            pk = pks.get(key) or {}
            tables[name] = {
                "columns": {c["name"]: _column(c, dialect) for c in columns.get(key, [])},
                "primary key": (
                    {"name": pk.get("name"), "columns": tuple(pk["constrained_columns"])}
                    if pk.get("constrained_columns")
                    else None
                ),
                "foreign keys": _keyed(fks.get(key, []), _fk_key, _fk),
                "indexes": _keyed(indexes.get(key, []), lambda ix: str(ix["name"]), _index),
                "unique constraints": _keyed(
                    uniques.get(key, []), _unique_key, lambda uq: tuple(uq["column_names"])
                ),
                "check constraints": _keyed(
                    checks.get(key, []), _check_key, lambda ck: _words(ck["sqltext"])
                ),
                "comment": (comments.get(key) or {}).get("text"),
            }
    owned = _owned_sequences(tables)
    # the serial/identity sequences of mig's own tables (the history table's id) are theirs
    own_prefixes = (f"{version_table}_", *(f"{name}_" for name in exclude))
    sequences = [
        name
        for name in _optional(lambda: insp.get_sequence_names(schema=schema), [])
        if name not in owned and not name.startswith(own_prefixes)
    ]
    get_enums = getattr(insp, "get_enums", None)  # PostgreSQL's named enum types
    enums = get_enums(schema=schema) if get_enums is not None else []
    return {
        "tables": tables,
        "sequences": {name: {} for name in sequences},
        "enum types": {
            e["name"]: {"labels": tuple(e["labels"])}
            for e in enums
            if schema is not None or e.get("visible", True)
        },
    }


def is_empty(snapshot: Snapshot) -> bool:
    """No tables, sequences or enum types (mig's own tables do not count)."""
    return not any(snapshot.values())


def object_names(snapshot: Snapshot) -> list[str]:
    """``table posts``, ``sequence s``... for messages about a database that is not empty."""
    kinds = {"tables": "table", "sequences": "sequence", "enum types": "enum type"}
    return [f"{kinds[kind]} {name}" for kind, objects in snapshot.items() for name in objects]
