"""SQLAlchemy column types to JSON and back.

A type is written as its public name (``"String"``, ``"postgresql.JSONB"``) and the
constructor arguments that differ from their defaults, read off the instance the way
SQLAlchemy's own reprs do. Decoding looks the name up in a registry built from SQLAlchemy's
type modules, so no module named in the input is ever imported. Types from elsewhere (a
project's ``TypeDecorator``) are written as ``{"custom": "module:QualName", ...}`` and come
back only when the caller passes the class in ``types={...}``.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Mapping
from typing import Any

from sqlalchemy import types as sqltypes
from sqlalchemy.sql.type_api import TypeEngine

from mig.ops.errors import SerializationError

_DIALECT_MODULES = ("postgresql", "mysql", "sqlite", "mssql", "oracle")
# Arguments that never reach DDL, or that hold callables: not part of the format.
# Keyword arguments some dialects' types take through ``**kw`` and keep as attributes.
_KW_ONLY_ARGS: dict[str, Any] = {
    "charset": None,
    "collation": None,
    "ascii": False,
    "unicode": False,
    "binary": False,
    "national": False,
    "unsigned": False,
    "zerofill": False,
}
_SKIPPED_ARGS = {
    "values_callable",
    "metadata",
    "_create_events",
    "_adapted_from",
    "retrieve_as_bitwise",
}


@functools.cache
def _registry() -> tuple[dict[type, str], dict[str, type]]:
    by_class: dict[type, str] = {}
    by_name: dict[str, type] = {}

    def add(prefix: str, module: Any) -> None:
        for name in sorted(dir(module)):
            obj = getattr(module, name)
            if isinstance(obj, type) and issubclass(obj, TypeEngine) and not name.startswith("_"):
                key = f"{prefix}{name}"
                by_name.setdefault(key, obj)
                by_class.setdefault(obj, key)

    add("", sqltypes)
    for dialect in _DIALECT_MODULES:
        add(f"{dialect}.", importlib.import_module(f"sqlalchemy.dialects.{dialect}"))
    return by_class, by_name


def _constructor_args(type_: TypeEngine, path: str) -> dict[str, Any]:
    params = inspect.signature(type(type_).__init__).parameters
    args: dict[str, Any] = {}
    for name, param in params.items():
        if name == "self" or name in _SKIPPED_ARGS:
            continue
        if param.kind is param.VAR_POSITIONAL and isinstance(
            getattr(type_, name, None), tuple | list
        ):
            args[name] = _encode_arg(list(getattr(type_, name)), f"{path}.{name}")
            continue
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if not hasattr(type_, name):
            continue
        value = getattr(type_, name)
        if param.default is not param.empty and _same(value, param.default):
            continue
        args[name] = _encode_arg(value, f"{path}.{name}")
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        for name, default in _KW_ONLY_ARGS.items():
            value = getattr(type_, name, default)
            if name not in params and not _same(value, default):
                args[name] = _encode_arg(value, f"{path}.{name}")
    return args


def _same(value: Any, default: Any) -> bool:
    try:
        return bool(value == default) and type(value) is type(default)
    except Exception:  # a column expression's __eq__ builds SQL instead of comparing
        return False


def _encode_arg(value: Any, path: str) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, TypeEngine) or (isinstance(value, type) and issubclass(value, TypeEngine)):
        return encode_type(value, path)
    if isinstance(value, list | tuple):
        return [_encode_arg(v, f"{path}[{i}]") for i, v in enumerate(value)]
    raise SerializationError(path, f"type argument of kind {type(value).__name__} has no JSON form")


def encode_type(type_: TypeEngine | type[TypeEngine], path: str = "type") -> dict[str, Any]:
    """Encode a type instance (or class, which stands for its default instance)."""
    type_ = sqltypes.to_instance(type_)
    by_class, _ = _registry()
    cls = type(type_)
    key = by_class.get(cls)
    out: dict[str, Any] = (
        {"type": key} if key else {"custom": f"{cls.__module__}:{cls.__qualname__}"}
    )
    if isinstance(type_, sqltypes.Enum):
        out.update(_enum_args(type_, path))
    else:
        out.update(_constructor_args(type_, path))
    if key is None and isinstance(type_, sqltypes.TypeDecorator):
        out["impl"] = encode_type(type_.impl_instance, f"{path}.impl")
    return out


def _enum_args(type_: sqltypes.Enum, path: str) -> dict[str, Any]:
    args: dict[str, Any] = {"enums": list(type_.enums)}
    for name, default in (
        ("name", None),
        ("schema", None),
        ("native_enum", True),
        ("create_constraint", False),
        ("validate_strings", False),
    ):
        value = getattr(type_, name, default)
        if value != default:
            args[name] = _encode_arg(value, f"{path}.{name}")
    if type_.length != max((len(e) for e in type_.enums), default=0):
        args["length"] = type_.length
    if getattr(type_, "create_type", True) is not True:
        args["create_type"] = type_.create_type
    return args


def decode_type(
    data: Any, path: str = "type", types: Mapping[str, type] | None = None
) -> TypeEngine:
    """Decode what :func:`encode_type` wrote; ``types`` maps custom names to classes."""
    if not isinstance(data, dict):
        raise SerializationError(path, f"a type is an object, got {type(data).__name__}")
    _, by_name = _registry()
    args = dict(data)
    if "type" in args:
        name = args.pop("type")
        cls = by_name.get(name) if isinstance(name, str) else None
        if cls is None:
            raise SerializationError(path, f"unknown type {name!r}")
    elif "custom" in args:
        name = args.pop("custom")
        args.pop("impl", None)
        cls = (types or {}).get(name)
        if cls is None:
            raise SerializationError(
                path, f"custom type {name!r} is not known: pass it in types={{{name!r}: cls}}"
            )
    else:
        raise SerializationError(path, "a type needs a 'type' or 'custom' key")
    decoded = {k: _decode_arg(v, f"{path}.{k}", types) for k, v in args.items()}
    try:
        if issubclass(cls, sqltypes.Enum):
            enums = decoded.pop("enums", [])
            return cls(*enums, **decoded)
        star = _var_positional(cls)
        positional = decoded.pop(star, []) if star else []
        return cls(*positional, **decoded)
    except Exception as exc:  # the type's constructor rejected an argument
        raise SerializationError(path, f"cannot build {name}: {exc}") from None


def _var_positional(cls: type) -> str | None:
    params = inspect.signature(cls.__init__).parameters.values()
    return next((p.name for p in params if p.kind is p.VAR_POSITIONAL), None)


def _decode_arg(value: Any, path: str, types: Mapping[str, type] | None) -> Any:
    if isinstance(value, dict):
        return decode_type(value, path, types)
    if isinstance(value, list):
        return [_decode_arg(v, f"{path}[{i}]", types) for i, v in enumerate(value)]
    return value
