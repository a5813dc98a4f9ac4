"""Plain values (row data, dialect keyword values) to JSON and back.

JSON has no dates, decimals or bytes, so those travel as one-key tagged objects
(``{"$datetime": "2024-01-02T03:04:05"}``); anything else that JSON cannot hold is refused
with the path of the value, never silently turned into a string.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy.sql.elements import BindParameter, ClauseElement

from mig.ops.dispatch import Dispatcher
from mig.ops.errors import SerializationError

_ENCODERS: Dispatcher[tuple[str, Callable[[Any], Any]]] = Dispatcher(
    "value encoder",
    {
        datetime.datetime: ("$datetime", lambda v: v.isoformat()),
        datetime.date: ("$date", lambda v: v.isoformat()),
        datetime.time: ("$time", lambda v: v.isoformat()),
        datetime.timedelta: ("$timedelta", lambda v: v.total_seconds()),
        decimal.Decimal: ("$decimal", str),
        bytes: ("$bytes", lambda v: base64.b64encode(v).decode("ascii")),
        uuid.UUID: ("$uuid", str),
    },
)
_DECODERS: dict[str, Callable[[Any], Any]] = {
    "$datetime": datetime.datetime.fromisoformat,
    "$date": datetime.date.fromisoformat,
    "$time": datetime.time.fromisoformat,
    "$timedelta": lambda v: datetime.timedelta(seconds=v),
    "$decimal": decimal.Decimal,
    "$bytes": lambda v: base64.b64decode(v.encode("ascii")),
    "$uuid": uuid.UUID,
}


def encode_value(value: Any, path: str) -> Any:
    """Encode one value; ``path`` names it in the error when it cannot be encoded."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return [encode_value(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, tuple):
        return {"$tuple": [encode_value(v, f"{path}[{i}]") for i, v in enumerate(value)]}
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise SerializationError(path, f"dictionary key {key!r} is not a string")
            if key.startswith("$"):
                raise SerializationError(path, f"dictionary key {key!r} may not start with '$'")
            out[key] = encode_value(item, f"{path}.{key}")
        return out
    if isinstance(value, BindParameter):
        return encode_value(value.effective_value, path)
    if isinstance(value, ClauseElement):
        from mig.ops.codec.sql import encode_sql

        return {"$sql": encode_sql(value, path)}
    encoder = _ENCODERS.lookup(type(value))
    if encoder is not None:
        tag, fn = encoder
        return {tag: fn(value)}
    raise SerializationError(path, f"cannot encode a value of type {type(value).__name__}")


def decode_value(data: Any, path: str) -> Any:
    """Decode what :func:`encode_value` wrote."""
    if data is None or isinstance(data, bool | int | float | str):
        return data
    if isinstance(data, list):
        return [decode_value(v, f"{path}[{i}]") for i, v in enumerate(data)]
    if isinstance(data, dict):
        tags = [k for k in data if k.startswith("$")]
        if not tags:
            return {k: decode_value(v, f"{path}.{k}") for k, v in data.items()}
        if len(data) != 1:
            raise SerializationError(
                path, f"a tagged value has exactly one key, got {sorted(data)}"
            )
        (tag,) = tags
        if tag == "$sql":
            from sqlalchemy import text

            if not isinstance(data[tag], str):
                raise SerializationError(path, "$sql must hold a string")
            return text(data[tag])
        if tag == "$tuple":
            if not isinstance(data[tag], list):
                raise SerializationError(path, "$tuple must hold a list")
            return tuple(decode_value(v, f"{path}[{i}]") for i, v in enumerate(data[tag]))
        if tag not in _DECODERS:
            raise SerializationError(path, f"unknown value tag {tag!r}")
        try:
            return _DECODERS[tag](data[tag])
        except (TypeError, ValueError, decimal.InvalidOperation) as exc:
            raise SerializationError(path, f"bad {tag} value {data[tag]!r}: {exc}") from None
    raise SerializationError(path, f"cannot decode a value of type {type(data).__name__}")
