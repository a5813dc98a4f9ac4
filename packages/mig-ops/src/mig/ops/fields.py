"""Field declarations: what each directive holds, how it is encoded, and its default.

A directive class lists its fields once; ``to_dict``, ``from_dict``, equality and ``repr``
are all derived from that list, so adding a directive means declaring its fields, not
writing four methods.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mig.ops.codec import schema as schema_codec
from mig.ops.codec.sql import decode_sql, encode_sql
from mig.ops.codec.types import decode_type, encode_type
from mig.ops.codec.values import decode_value, encode_value
from mig.ops.errors import SerializationError

Types = Mapping[str, type] | None
Encoder = Callable[[Any, str], Any]
Decoder = Callable[[Any, str, Types], Any]


@dataclass(frozen=True)
class Field:
    """One attribute of a directive: its name, codec and default (omitted when equal)."""

    name: str
    encode: Encoder
    decode: Decoder
    default: Any = None
    required: bool = False
    names_target: Callable[[Any], str | None] | None = None
    """For a field that names what the directive changes (a table, a column, an index):
    the name in its value. See ``MigrateOperation.target``."""

    def is_default(self, value: Any) -> bool:
        if self.required:
            return False
        if isinstance(self.default, bool) or self.default is None:
            return value is self.default
        return value == self.default


def _check(kind: type | tuple[type, ...], what: str) -> Decoder:
    def decode(data: Any, path: str, types: Types) -> Any:
        if not isinstance(data, kind):
            raise SerializationError(path, f"expected {what}, got {type(data).__name__}")
        return data

    return decode


def _identity(value: Any, path: str) -> Any:
    return value


def _optional(encode: Encoder, decode: Decoder) -> tuple[Encoder, Decoder]:
    def enc(value: Any, path: str) -> Any:
        return None if value is None else encode(value, path)

    def dec(data: Any, path: str, types: Types) -> Any:
        return None if data is None else decode(data, path, types)

    return enc, dec


def name(field: str, required: bool = True) -> Field:
    """A table, column or constraint name: a string, or None where it is optional."""
    if required:
        return Field(field, _identity, _check(str, "a string"), required=True, names_target=str)
    return Field(field, *_optional(_identity, _check(str, "a string or null")), names_target=str)


def flag(field: str, default: bool | None = None) -> Field:
    """A boolean, or None meaning "not said"."""
    return Field(field, _identity, _check((bool, type(None)), "true, false or null"), default)


def text_value(field: str, default: Any = None) -> Field:
    """A plain string option (``type_``, ``using``, ``initially``)."""
    return Field(field, _identity, _check((str, type(None)), "a string or null"), default)


def value(field: str, default: Any = None) -> Field:
    """Any JSON-able value (with dates, decimals and bytes tagged)."""
    return Field(field, encode_value, lambda d, p, t: decode_value(d, p), default)


def names(field: str) -> Field:
    def decode(data: Any, path: str, types: Types) -> list[str]:
        if not isinstance(data, list) or not all(isinstance(v, str) for v in data):
            raise SerializationError(path, "expected a list of names")
        return data

    return Field(field, lambda v, p: list(v), decode, required=True)


def sql_type(field: str) -> Field:
    return Field(field, *_optional(encode_type, decode_type))


def sql(field: str, required: bool = False) -> Field:
    """A SQL fragment (condition, expression): str or SQL expression, stored as text."""
    enc, dec = _optional(encode_sql, lambda d, p, t: decode_sql(d, p))
    return Field(field, enc, dec, required=required)


def _encode_expressions(values: Any, path: str) -> list[Any]:
    out: list[Any] = []
    for i, item in enumerate(values):
        if isinstance(item, str):
            out.append(item)
        else:
            out.append({"sql": encode_sql(item, f"{path}[{i}]")})
    return out


def _decode_expressions(data: Any, path: str, types: Types) -> list[Any]:
    if not isinstance(data, list):
        raise SerializationError(path, "expected a list of column names or {'sql': ...}")
    out: list[Any] = []
    for i, item in enumerate(data):
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and set(item) == {"sql"}:
            out.append(decode_sql(item["sql"], f"{path}[{i}]"))
        else:
            raise SerializationError(f"{path}[{i}]", "expected a column name or {'sql': ...}")
    return out


def expressions(field: str) -> Field:
    """Index columns: names, or SQL expressions for functional indexes."""
    return Field(field, _encode_expressions, _decode_expressions, required=True)


def server_default(field: str, default: Any = False) -> Field:
    """A server default where ``False`` means "unchanged/unknown" and ``None`` means "none"."""

    def enc(value: Any, path: str) -> Any:
        return False if value is False else schema_codec.encode_server_default(value, path)

    def dec(data: Any, path: str, types: Types) -> Any:
        return False if data is False else schema_codec.decode_server_default(data, path)

    return Field(field, enc, dec, default)


def comment(field: str, default: Any = False) -> Field:
    """A comment where ``False`` means "unchanged" and ``None`` means "no comment"."""
    return Field(
        field, _identity, _check((str, bool, type(None)), "a string, false or null"), default
    )


def column(field: str) -> Field:
    return Field(
        field,
        schema_codec.encode_column,
        schema_codec.decode_column,
        required=True,
        names_target=_name_of,
    )


def table(field: str) -> Field:
    return Field(field, *_optional(schema_codec.encode_table, schema_codec.decode_table))


def table_clause(field: str) -> Field:
    return Field(
        field,
        schema_codec.encode_table_clause,
        schema_codec.decode_table_clause,
        required=True,
        names_target=_name_of,
    )


def _name_of(item: Any) -> str | None:
    return getattr(item, "name", None)


def schema_items(field: str, default: Any = (), required: bool = False) -> Field:
    def enc(values: Any, path: str) -> list[Any]:
        return [schema_codec.encode_schema_item(v, f"{path}[{i}]") for i, v in enumerate(values)]

    def dec(data: Any, path: str, types: Types) -> tuple[Any, ...]:
        return tuple(schema_codec.decode_table_items(data, path, types))

    return Field(field, enc, dec, tuple(default), required=required)


def mapping(field: str) -> Field:
    """A dict of keyword arguments (``table_kwargs``, ``execution_options``)."""

    def dec(data: Any, path: str, types: Types) -> dict[str, Any]:
        return schema_codec.decode_kw(data, path)

    return Field(field, schema_codec.encode_kw, dec, {})


def rows(field: str) -> Field:
    def dec(data: Any, path: str, types: Types) -> list[dict[str, Any]]:
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise SerializationError(path, "expected a list of row objects")
        return decode_value(data, path)

    return Field(field, encode_value, dec, required=True)


def directive(field: str) -> Field:
    """A nested directive (what a drop would restore), or None."""

    def enc(value: Any, path: str) -> Any:
        return None if value is None else value.to_dict(path)

    def dec(data: Any, path: str, types: Types) -> Any:
        from mig.ops.base import from_dict

        return None if data is None else from_dict(data, types=types, path=path)

    return Field(field, enc, dec)


def directives(field: str) -> Field:
    def enc(values: Any, path: str) -> list[Any]:
        return [v.to_dict(f"{path}[{i}]") for i, v in enumerate(values)]

    def dec(data: Any, path: str, types: Types) -> list[Any]:
        from mig.ops.base import from_dict

        if not isinstance(data, list):
            raise SerializationError(path, "expected a list of directives")
        return [from_dict(d, types=types, path=f"{path}[{i}]") for i, d in enumerate(data)]

    return Field(field, enc, dec, required=True)
