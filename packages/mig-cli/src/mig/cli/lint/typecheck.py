"""How a column type change affects existing rows: does it narrow, does it rewrite the table?

Each SQLAlchemy type (dialect types and TypeDecorators included) is reduced to a
:class:`Shape`: its family (string, integer, numeric, ...) and the parameters that matter
(length, byte width, precision and scale, enum values). Two small registries then answer:

- :func:`narrowing`: could existing values fail to convert or be truncated? (String(100) ->
  String(50), BigInteger -> Integer, Numeric(10, 2) -> Numeric(8, 2), DateTime -> Date, ...)
- :func:`rewrites_table`: must the database rewrite every row? Conservatively yes, except for
  the changes PostgreSQL performs as a catalog-only update: widening or removing a VARCHAR
  limit, VARCHAR <-> TEXT, raising a NUMERIC precision at the same scale or removing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.type_api import TypeEngine


@dataclass(frozen=True)
class Shape:
    """The parts of a type that decide what values fit.

    ``size`` is a string/binary length, an integer's byte width, or a float's mantissa
    bits; None means unbounded (or the database's default).
    """

    family: str
    size: int | None = None
    precision: int | None = None
    scale: int | None = None
    fixed: bool = False
    timezone: bool = False
    values: tuple[str, ...] = ()
    text: str = ""


_INTEGER_WIDTHS = {"TINYINT": 1, "SMALLINT": 2, "MEDIUMINT": 3, "BIGINT": 8}


def _integer(t: Any) -> Shape:
    width = _INTEGER_WIDTHS.get(type(t).__name__.upper())
    if width is None:
        width = 8 if isinstance(t, sa.BigInteger) else 2 if isinstance(t, sa.SmallInteger) else 4
    return Shape("integer", size=width)


def _float(t: Any) -> Shape:
    name = type(t).__name__.upper()
    if name == "REAL":
        bits = 24
    elif t.precision is not None:
        bits = 24 if t.precision <= 24 else 53
    else:
        bits = 53
    return Shape("float", size=bits)


def _string(t: Any) -> Shape:
    fixed = type(t).__name__.upper() in ("CHAR", "NCHAR") or isinstance(t, sa.CHAR)
    return Shape("string", size=t.length, fixed=fixed)


# Order matters: Enum is a String, Float a Numeric, BigInteger an Integer.
_CLASSIFIERS: list[tuple[type, Callable[[Any], Shape]]] = [
    (sa.Interval, lambda t: Shape("interval")),  # a TypeDecorator over DateTime
    (sa.Boolean, lambda t: Shape("boolean")),
    (sa.Enum, lambda t: Shape("enum", values=tuple(t.enums))),
    (sa.String, _string),
    (sa.Integer, _integer),
    (sa.Float, _float),
    (sa.Numeric, lambda t: Shape("numeric", precision=t.precision, scale=t.scale)),
    (sa.DateTime, lambda t: Shape("datetime", timezone=bool(t.timezone))),
    (sa.Date, lambda t: Shape("date")),
    (sa.Time, lambda t: Shape("time", timezone=bool(t.timezone))),
    (sa.LargeBinary, lambda t: Shape("binary", size=t.length)),
]


def shape(t: TypeEngine) -> Shape:
    """The shape of ``t``; a project's TypeDecorator (``Money`` over ``Numeric(12, 2)``) has
    the shape of the type it stores as."""
    for _ in range(10):  # TypeDecorators may wrap TypeDecorators
        for cls, classify in _CLASSIFIERS:
            if isinstance(t, cls):
                return classify(t)
        inner = getattr(t, "impl_instance", None) if isinstance(t, sa.TypeDecorator) else None
        if not isinstance(inner, TypeEngine):
            break
        t = inner
    return Shape("other", text=repr(t))


def render(t: TypeEngine) -> str:
    """The type as SQL when the default dialect can say it, else its Python repr."""
    try:
        return str(t)
    except Exception:  # a dialect-only type (JSONB, ...) the default compiler refuses
        return repr(t)


# -- narrowing -------------------------------------------------------------------------------

Narrowing = Callable[[Shape, Shape], str | None]


def _shorter(old: Shape, new: Shape) -> str | None:
    if new.size is not None and (old.size is None or new.size < old.size):
        return f"length {old.size if old.size is not None else 'unlimited'} -> {new.size}"
    return None


def _integer_width(old: Shape, new: Shape) -> str | None:
    if new.size is not None and old.size is not None and new.size < old.size:
        return f"{old.size}-byte integer -> {new.size}-byte integer"
    return None


def _numeric(old: Shape, new: Shape) -> str | None:
    if new.precision is None:
        return None  # unbounded (or the database default) holds what a bounded one did
    if old.precision is None:
        return f"unbounded precision -> precision {new.precision}"
    old_scale, new_scale = old.scale or 0, new.scale or 0
    if new_scale < old_scale:
        return f"scale {old_scale} -> {new_scale}"
    if new.precision - new_scale < old.precision - old_scale:
        return f"digits before the point {old.precision - old_scale} -> {new.precision - new_scale}"
    return None


def _float_bits(old: Shape, new: Shape) -> str | None:
    if new.size is not None and old.size is not None and new.size < old.size:
        return "double precision -> single precision"
    return None


def _enum_values(old: Shape, new: Shape) -> str | None:
    removed = [v for v in old.values if v not in new.values]
    return f"values removed: {', '.join(removed)}" if removed else None


def _enum_to_string(old: Shape, new: Shape) -> str | None:
    longest = max((len(v) for v in old.values), default=0)
    if new.size is not None and longest > new.size:
        return f"enum values up to {longest} characters -> length {new.size}"
    return None


def _integer_to_numeric(old: Shape, new: Shape) -> str | None:
    digits = {1: 3, 2: 5, 3: 8, 4: 10, 8: 19}.get(old.size or 4, 19)
    if new.precision is not None and new.precision - (new.scale or 0) < digits:
        return f"integers of up to {digits} digits -> {new.precision - (new.scale or 0)} digits"
    return None


def _integer_to_float(old: Shape, new: Shape) -> str | None:
    if (old.size or 4) * 8 - 1 > (new.size or 53):
        return "large integers lose precision as floating point"
    return None


def _fixed(reason: str) -> Narrowing:
    return lambda old, new: reason


_SAME_FAMILY: dict[str, Narrowing] = {
    "string": _shorter,
    "binary": _shorter,
    "integer": _integer_width,
    "numeric": _numeric,
    "float": _float_bits,
    "enum": _enum_values,
}

_CROSS_FAMILY: dict[tuple[str, str], Narrowing] = {
    ("numeric", "integer"): _fixed("the fractional part is dropped"),
    ("float", "integer"): _fixed("the fractional part is dropped"),
    ("numeric", "float"): _fixed("exact values become approximate"),
    ("integer", "numeric"): _integer_to_numeric,
    ("integer", "float"): _integer_to_float,
    ("datetime", "date"): _fixed("the time of day is dropped"),
    ("datetime", "time"): _fixed("the date is dropped"),
    ("enum", "string"): _enum_to_string,
}

#: families a string value need not convert to: text that is not a number, date, ... fails
_FROM_TEXT_FAILS = {"integer", "numeric", "float", "boolean", "enum", "datetime", "date", "time"}


def narrowing(old: TypeEngine, new: TypeEngine) -> str | None:
    """Why changing ``old`` to ``new`` can fail on or truncate existing values, or None."""
    so, sn = shape(old), shape(new)
    if so.family == sn.family:
        fn = _SAME_FAMILY.get(so.family)
        return fn(so, sn) if fn else None
    fn = _CROSS_FAMILY.get((so.family, sn.family))
    if fn is not None:
        return fn(so, sn)
    if so.family == "string" and sn.family in _FROM_TEXT_FAILS:
        return f"text that is not a valid {sn.family} fails to convert"
    if sn.family == "boolean" and so.family != "other":
        return "only true and false remain"
    return None


# -- rewriting -------------------------------------------------------------------------------


def _string_widens(old: Shape, new: Shape) -> bool:
    if old.fixed or new.fixed:
        return False
    return new.size is None or (old.size is not None and new.size >= old.size)


def _binary_widens(old: Shape, new: Shape) -> bool:
    return new.size is None or (old.size is not None and new.size >= old.size)


def _numeric_widens(old: Shape, new: Shape) -> bool:
    if new.precision is None and new.scale is None:
        return True
    return (
        old.precision is not None
        and new.precision is not None
        and new.precision >= old.precision
        and (old.scale or 0) == (new.scale or 0)
    )


#: changes PostgreSQL makes without touching the rows (a catalog update)
_IN_PLACE: dict[tuple[str, str], Callable[[Shape, Shape], bool]] = {
    ("string", "string"): _string_widens,
    ("binary", "binary"): _binary_widens,
    ("numeric", "numeric"): _numeric_widens,
}


def rewrites_table(old: TypeEngine, new: TypeEngine) -> bool:
    """True unless the change is known to leave the stored rows alone."""
    so, sn = shape(old), shape(new)
    if so == sn:
        return False
    fn = _IN_PLACE.get((so.family, sn.family))
    return not (fn is not None and fn(so, sn))
