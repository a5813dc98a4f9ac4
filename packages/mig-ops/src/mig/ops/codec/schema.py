"""Columns, constraints, indexes and tables to JSON and back.

Only what DDL needs is kept: names, types, nullability, server-side defaults, keys,
comments, computed/identity settings and dialect keyword arguments. Python-side defaults
(``default=``, ``onupdate=``) never reach the database and are not part of the format.
Unordered collections (a table's constraints and indexes) are written in a stable order so
that equal schema objects give equal dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.schema import (
    CheckConstraint,
    Column,
    Computed,
    Constraint,
    DefaultClause,
    FetchedValue,
    ForeignKeyConstraint,
    Identity,
    Index,
    PrimaryKeyConstraint,
    SchemaItem,
    Table,
    UniqueConstraint,
)

from mig.ops.codec.sql import decode_sql, encode_sql
from mig.ops.codec.types import decode_type, encode_type
from mig.ops.codec.values import decode_value, encode_value
from mig.ops.errors import SerializationError

Types = Mapping[str, type] | None


def _put(out: dict[str, Any], key: str, value: Any, default: Any = None) -> None:
    if value != default:
        out[key] = value


def _expect(data: Any, path: str, kind: type, what: str) -> Any:
    if not isinstance(data, kind):
        raise SerializationError(path, f"expected {what}, got {type(data).__name__}")
    return data


def _check_keys(data: dict[str, Any], allowed: set[str], path: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise SerializationError(path, f"unknown field {unknown[0]!r}")


def encode_kw(kw: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Dialect keyword arguments (``postgresql_using``, ``mysql_engine``, ...)."""
    return {k: encode_value(v, f"{path}.{k}") for k, v in sorted(kw.items()) if v is not None}


def decode_kw(data: Any, path: str) -> dict[str, Any]:
    _expect(data, path, dict, "an object of keyword arguments")
    return {k: decode_value(v, f"{path}.{k}") for k, v in data.items()}


# -- server defaults ---------------------------------------------------------------------


def encode_server_default(value: Any, path: str) -> Any:
    """A server default: ``None``, a string literal, SQL, a computed column or a fetched value."""
    if value is None:
        return None
    if isinstance(value, DefaultClause):
        value = value.arg
    if isinstance(value, FetchedValue) and not isinstance(value, DefaultClause):
        return {"fetched": True}
    if isinstance(value, str):
        return {"string": value}
    return {"sql": encode_sql(value, path)}


def decode_server_default(data: Any, path: str) -> Any:
    if data is None:
        return None
    _expect(data, path, dict, "an object with 'string' or 'sql'")
    if set(data) == {"string"}:
        return _expect(data["string"], f"{path}.string", str, "a string")
    if set(data) == {"sql"}:
        return decode_sql(data["sql"], f"{path}.sql")
    if data == {"fetched": True}:
        return FetchedValue()
    raise SerializationError(
        path, f"a server default has one key 'string' or 'sql', got {sorted(data)}"
    )


# -- columns -----------------------------------------------------------------------------


def _encode_identity(identity: Identity) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in (
        "always",
        "on_null",
        "start",
        "increment",
        "minvalue",
        "maxvalue",
        "nominvalue",
        "nomaxvalue",
        "cycle",
        "cache",
        "order",
    ):
        _put(out, name, getattr(identity, name, None))
    if out.get("always") is False:
        del out["always"]
    return out


def encode_column(column: Column, path: str = "column", with_foreign_keys: bool = True) -> dict:
    """Encode a column; inside a table its foreign keys travel as table constraints instead."""
    if not isinstance(column, Column):
        raise SerializationError(path, f"expected a Column, got {type(column).__name__}")
    out: dict[str, Any] = {"name": column.name, "type": encode_type(column.type, f"{path}.type")}
    out["nullable"] = bool(column.nullable)
    _put(out, "primary_key", bool(column.primary_key), False)
    if column.server_default is not None and not isinstance(column.server_default, Computed):
        if not isinstance(column.server_default, Identity):
            out["server_default"] = encode_server_default(column.server_default, path)
    if column.server_onupdate is not None and column.computed is None:
        out["server_onupdate"] = encode_server_default(column.server_onupdate, path)
    _put(out, "unique", bool(column.unique), False)
    _put(out, "index", bool(column.index), False)
    _put(out, "comment", column.comment)
    _put(out, "autoincrement", column.autoincrement, "auto")
    if column.key != column.name:
        out["key"] = column.key
    if column.computed is not None:
        computed = {"sqltext": encode_sql(column.computed.sqltext, f"{path}.computed")}
        _put(computed, "persisted", column.computed.persisted)
        out["computed"] = computed
    if column.identity is not None:
        out["identity"] = _encode_identity(column.identity)
    if with_foreign_keys and column.foreign_keys:
        out["foreign_keys"] = [
            _encode_fk_options(fk.constraint, {"target": fk._get_colspec()})
            if fk.constraint is not None
            else {"target": fk._get_colspec()}
            for fk in sorted(column.foreign_keys, key=lambda fk: fk._get_colspec())
        ]
    kw = encode_kw(column.dialect_kwargs, f"{path}.kw")
    if kw:
        out["kw"] = kw
    return out


_COLUMN_KEYS = {
    "name",
    "type",
    "nullable",
    "primary_key",
    "server_default",
    "server_onupdate",
    "unique",
    "index",
    "comment",
    "autoincrement",
    "key",
    "computed",
    "identity",
    "foreign_keys",
    "kw",
}


def decode_column(data: Any, path: str = "column", types: Types = None) -> Column:
    _expect(data, path, dict, "a column object")
    _check_keys(data, _COLUMN_KEYS, path)
    name = _expect(data.get("name"), f"{path}.name", str, "a column name")
    args: list[Any] = [name, decode_type(data.get("type"), f"{path}.type", types)]
    for i, fk in enumerate(data.get("foreign_keys", [])):
        fk_path = f"{path}.foreign_keys[{i}]"
        _expect(fk, fk_path, dict, "a foreign key object")
        options = _decode_fk_options(fk, fk_path)
        target = _expect(fk.get("target"), f"{fk_path}.target", str, "'table.column'")
        args.append(sa.ForeignKey(target, **options))
    if "computed" in data:
        computed = _expect(data["computed"], f"{path}.computed", dict, "an object")
        args.append(
            Computed(
                decode_sql(computed.get("sqltext"), f"{path}.computed.sqltext"),
                persisted=computed.get("persisted"),
            )
        )
    if "identity" in data:
        args.append(Identity(**_expect(data["identity"], f"{path}.identity", dict, "an object")))
    kwargs: dict[str, Any] = {
        "nullable": _expect(data.get("nullable", True), f"{path}.nullable", bool, "a boolean"),
        "primary_key": data.get("primary_key", False),
        "unique": data.get("unique") or None,
        "index": data.get("index") or None,
        "comment": data.get("comment"),
        "autoincrement": data.get("autoincrement", "auto"),
    }
    if "key" in data:
        kwargs["key"] = data["key"]
    if "server_default" in data:
        kwargs["server_default"] = decode_server_default(
            data["server_default"], f"{path}.server_default"
        )
    if "server_onupdate" in data:
        kwargs["server_onupdate"] = decode_server_default(
            data["server_onupdate"], f"{path}.server_onupdate"
        )
    kwargs.update(decode_kw(data.get("kw", {}), f"{path}.kw"))
    try:
        return Column(*args, **kwargs)
    except (TypeError, ValueError, sa.exc.ArgumentError) as exc:
        raise SerializationError(path, f"cannot build column {name!r}: {exc}") from None


# -- constraints and indexes -------------------------------------------------------------

_FK_OPTIONS = ("onupdate", "ondelete", "deferrable", "initially", "match", "use_alter")


def _encode_fk_options(constraint: Any, out: dict[str, Any]) -> dict[str, Any]:
    for name in _FK_OPTIONS:
        _put(out, name, getattr(constraint, name, None), False if name == "use_alter" else None)
    if constraint.name is not None and "target" in out:
        out["name"] = str(constraint.name)
    return out


def _decode_fk_options(data: dict[str, Any], path: str) -> dict[str, Any]:
    options = {k: data[k] for k in _FK_OPTIONS if k in data}
    if "name" in data:
        options["name"] = data["name"]
    return options


def constraint_columns(constraint: Constraint | Index) -> list[str]:
    """Column names of a constraint or index, attached to a table or not yet."""
    if isinstance(constraint, Index):
        items = list(constraint.expressions)
    elif constraint.table is not None or not hasattr(constraint, "_pending_colargs"):
        items = list(constraint.columns)
    else:
        items = list(constraint._pending_colargs)
    names: list[str] = []
    for item in items:
        names.append(item if isinstance(item, str) else getattr(item, "name", None) or str(item))
    return names


def _name(item: Constraint | Index) -> str | None:
    return None if item.name is None else str(item.name)


def _index_expressions(index: Index, path: str) -> list[Any]:
    out: list[Any] = []
    for i, expr in enumerate(index.expressions):
        if isinstance(expr, str):
            out.append(expr)
        elif isinstance(expr, Column) or (hasattr(expr, "name") and hasattr(expr, "table")):
            out.append(expr.name)
        else:
            out.append({"sql": encode_sql(expr, f"{path}.expressions[{i}]")})
    return out


def encode_schema_item(item: SchemaItem, path: str, in_table: bool = False) -> dict[str, Any]:
    """Encode a Column, Constraint or Index (as found in ``create_table``'s arguments)."""
    if isinstance(item, Column):
        return {"kind": "column", **encode_column(item, path, with_foreign_keys=not in_table)}
    out: dict[str, Any] = {}
    if isinstance(item, Index):
        out = {"kind": "index", "name": _name(item), "expressions": _index_expressions(item, path)}
        _put(out, "unique", bool(item.unique), False)
    elif isinstance(item, PrimaryKeyConstraint):
        out = {"kind": "primary_key", "name": _name(item), "columns": constraint_columns(item)}
    elif isinstance(item, UniqueConstraint):
        out = {"kind": "unique", "name": _name(item), "columns": constraint_columns(item)}
    elif isinstance(item, ForeignKeyConstraint):
        out = {
            "kind": "foreign_key",
            "name": _name(item),
            "columns": constraint_columns(item),
            "refcolumns": [e._get_colspec() for e in item.elements],
        }
        _encode_fk_options(item, out)
    elif isinstance(item, CheckConstraint):
        out = {"kind": "check", "name": _name(item), "sqltext": encode_sql(item.sqltext, path)}
    elif type(item).__name__ == "ExcludeConstraint":
        out = encode_exclude_constraint(item, path)
    else:
        raise SerializationError(path, f"cannot encode schema item {type(item).__name__}")
    if not isinstance(item, Index | ForeignKeyConstraint):
        _put(out, "deferrable", getattr(item, "deferrable", None))
        _put(out, "initially", getattr(item, "initially", None))
    kw = encode_kw(item.dialect_kwargs, f"{path}.kw")
    if kw:
        out["kw"] = kw
    return out


def encode_exclude_constraint(item: Any, path: str) -> dict[str, Any]:
    elements = []
    for i, (expr, _, operator) in enumerate(item._render_exprs):
        sql = expr if isinstance(expr, str) else getattr(expr, "name", None)
        if sql is None or not isinstance(sql, str):
            sql = encode_sql(expr, f"{path}.elements[{i}]")
        elements.append([sql, operator])
    out: dict[str, Any] = {"kind": "exclude", "name": _name(item), "elements": elements}
    _put(out, "using", item.using, "gist")
    if item.where is not None:
        out["where"] = encode_sql(item.where, f"{path}.where")
    return out


def decode_schema_item(data: Any, path: str, types: Types = None) -> SchemaItem:
    _expect(data, path, dict, "a schema item object")
    kind = data.get("kind")
    decoder = _ITEM_DECODERS.get(kind)
    if decoder is None:
        raise SerializationError(f"{path}.kind", f"unknown schema item kind {kind!r}")
    body = {k: v for k, v in data.items() if k != "kind"}
    try:
        return decoder(body, path, types)
    except SerializationError:
        raise
    except (TypeError, ValueError, sa.exc.ArgumentError) as exc:
        raise SerializationError(path, f"cannot build {kind}: {exc}") from None


def _constraint_kwargs(body: dict[str, Any], path: str, allowed: set[str]) -> dict[str, Any]:
    _check_keys(body, allowed | {"name", "deferrable", "initially", "kw"}, path)
    out = {k: body[k] for k in ("name", "deferrable", "initially") if body.get(k) is not None}
    out.update(decode_kw(body.get("kw", {}), f"{path}.kw"))
    return out


def _names(body: dict[str, Any], key: str, path: str) -> list[str]:
    values = _expect(body.get(key), f"{path}.{key}", list, "a list of names")
    for i, v in enumerate(values):
        _expect(v, f"{path}.{key}[{i}]", str, "a name")
    return values


def _decode_pk(body: dict, path: str, types: Types) -> PrimaryKeyConstraint:
    return PrimaryKeyConstraint(
        *_names(body, "columns", path), **_constraint_kwargs(body, path, {"columns"})
    )


def _decode_unique(body: dict, path: str, types: Types) -> UniqueConstraint:
    return UniqueConstraint(
        *_names(body, "columns", path), **_constraint_kwargs(body, path, {"columns"})
    )


def _decode_fk(body: dict, path: str, types: Types) -> ForeignKeyConstraint:
    allowed = {"columns", "refcolumns", "name", "kw", *_FK_OPTIONS}
    _check_keys(body, allowed, path)
    options = {k: body[k] for k in ("name", *_FK_OPTIONS) if k in body}
    options.update(decode_kw(body.get("kw", {}), f"{path}.kw"))
    return ForeignKeyConstraint(
        _names(body, "columns", path), _names(body, "refcolumns", path), **options
    )


def _decode_check(body: dict, path: str, types: Types) -> CheckConstraint:
    return CheckConstraint(
        decode_sql(body.get("sqltext"), f"{path}.sqltext"),
        **_constraint_kwargs(body, path, {"sqltext"}),
    )


def _decode_index(body: dict, path: str, types: Types) -> Index:
    _check_keys(body, {"name", "expressions", "unique", "kw"}, path)
    expressions = _expect(body.get("expressions"), f"{path}.expressions", list, "a list")
    exprs = [
        decode_sql(e.get("sql"), f"{path}.expressions[{i}]") if isinstance(e, dict) else e
        for i, e in enumerate(expressions)
    ]
    kw = decode_kw(body.get("kw", {}), f"{path}.kw")
    return Index(body.get("name"), *exprs, unique=body.get("unique", False), **kw)


def decode_exclude_elements(data: Any, path: str) -> list[tuple[str, str]]:
    """EXCLUDE elements as written: a list of ``[sql, operator]`` string pairs."""
    _expect(data, path, list, "a list of [sql, operator] pairs")
    out = []
    for i, pair in enumerate(data):
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
        ):
            raise SerializationError(f"{path}[{i}]", "expected [sql, operator]")
        out.append((pair[0], pair[1]))
    return out


def _decode_exclude(body: dict, path: str, types: Types) -> Any:
    from sqlalchemy.dialects.postgresql import ExcludeConstraint

    kwargs = _constraint_kwargs(body, path, {"elements", "using", "where"})
    pairs = [
        (sql if sql.isidentifier() else sa.text(sql), operator)
        for sql, operator in decode_exclude_elements(body.get("elements"), f"{path}.elements")
    ]
    if "where" in body:
        kwargs["where"] = decode_sql(body["where"], f"{path}.where")
    return ExcludeConstraint(*pairs, using=body.get("using", "gist"), **kwargs)


def _decode_column_item(body: dict, path: str, types: Types) -> Column:
    return decode_column(body, path, types)


_ITEM_DECODERS = {
    "column": _decode_column_item,
    "primary_key": _decode_pk,
    "unique": _decode_unique,
    "foreign_key": _decode_fk,
    "check": _decode_check,
    "index": _decode_index,
    "exclude": _decode_exclude,
}


# -- tables ------------------------------------------------------------------------------


def _sort_key(encoded: dict[str, Any]) -> tuple[str, str, str]:
    return (encoded["kind"], encoded.get("name") or "", repr(encoded))


def encode_table_items(table: Table, path: str) -> list[dict[str, Any]]:
    """A table's columns, then its constraints and indexes in a stable order.

    Constraints and indexes that SQLAlchemy made from column flags (``unique=True``,
    ``index=True``) are left out: the column's flag carries them. A primary key is written
    only when it is named (otherwise the columns' ``primary_key`` flags say it all).
    """
    items = [
        encode_schema_item(c, f"{path}.columns[{i}]", in_table=True)
        for i, c in enumerate(table.columns)
    ]
    if table.primary_key is not None and table.primary_key.name is not None:
        for item in items:  # the named constraint carries the key; flags would restate it
            item.pop("primary_key", None)
    extra = []
    for constraint in table.constraints:
        if getattr(constraint, "_column_flag", False):
            continue
        if isinstance(constraint, PrimaryKeyConstraint):
            if constraint.name is None:
                continue
        elif isinstance(constraint, CheckConstraint) and getattr(constraint, "_type_bound", False):
            continue
        extra.append(encode_schema_item(constraint, f"{path}.constraints"))
    for index in table.indexes:
        if getattr(index, "_column_flag", False):
            continue
        extra.append(encode_schema_item(index, f"{path}.indexes"))
    return items + sorted(extra, key=_sort_key)


def decode_table_items(data: Any, path: str, types: Types = None) -> list[SchemaItem]:
    _expect(data, path, list, "a list of columns, constraints and indexes")
    return [decode_schema_item(item, f"{path}[{i}]", types) for i, item in enumerate(data)]


def encode_table(table: Table, path: str = "table") -> dict[str, Any]:
    """A whole table (``copy_from`` of a batch, what a ``drop_table`` would restore)."""
    out: dict[str, Any] = {"name": table.name, "items": encode_table_items(table, f"{path}.items")}
    _put(out, "schema", table.schema)
    _put(out, "comment", table.comment)
    kw = encode_kw(table.dialect_kwargs, f"{path}.kw")
    if kw:
        out["kw"] = kw
    return out


def decode_table(data: Any, path: str = "table", types: Types = None) -> Table:
    _expect(data, path, dict, "a table object")
    _check_keys(data, {"name", "items", "schema", "comment", "kw"}, path)
    name = _expect(data.get("name"), f"{path}.name", str, "a table name")
    items = decode_table_items(data.get("items", []), f"{path}.items", types)
    kw = decode_kw(data.get("kw", {}), f"{path}.kw")
    return Table(
        name, sa.MetaData(), *items, schema=data.get("schema"), comment=data.get("comment"), **kw
    )


def encode_table_clause(table: Any, path: str) -> dict[str, Any]:
    """The light form ``bulk_insert`` needs: name, schema, and each column's name and type."""
    out: dict[str, Any] = {"name": table.name}
    _put(out, "schema", getattr(table, "schema", None))
    out["columns"] = [
        {"name": c.name, "type": encode_type(c.type, f"{path}.columns[{i}].type")}
        for i, c in enumerate(table.columns)
    ]
    return out


def decode_table_clause(data: Any, path: str, types: Types = None) -> Any:
    _expect(data, path, dict, "a table object")
    _check_keys(data, {"name", "schema", "columns"}, path)
    columns = []
    for i, col in enumerate(_expect(data.get("columns", []), f"{path}.columns", list, "a list")):
        col_path = f"{path}.columns[{i}]"
        _expect(col, col_path, dict, "a column object")
        name = _expect(col.get("name"), f"{col_path}.name", str, "a column name")
        columns.append(sa.column(name, decode_type(col.get("type"), f"{col_path}.type", types)))
    name = _expect(data.get("name"), f"{path}.name", str, "a table name")
    return sa.table(name, *columns, schema=data.get("schema"))
