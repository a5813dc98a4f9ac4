"""Values inside rendered calls: names, SQL fragments, keyword options, row data.

SQL expressions (a server default ``func.now()``, an index on ``lower(email)``) cannot be
written back as the Python that built them, so they are rendered as ``sa.text("...")``
holding the SQL the database's dialect compiles them to (the generic SQL without a
connected context). Row values (``bulk_insert``) become literals, with ``datetime``,
``decimal`` and ``uuid`` constructors whose imports are added.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.sql.elements import BindParameter, ClauseElement, TextClause, conv

from mig.autogen.render.context import RenderContext
from mig.autogen.render.layout import (
    Atom,
    Kw,
    Node,
    call,
    call_items,
    dict_of,
    list_of,
    literal,
    tuple_of,
)
from mig.autogen.render.registry import RenderError
from mig.ops.codec.sql import encode_sql


def sql_text(context: RenderContext, element: Any) -> str:
    """The SQL of a fragment, compiled for the context's dialect when there is one."""
    if isinstance(element, str):
        return element
    if isinstance(element, TextClause) and not element._bindparams:
        return element.text
    dialect = context.dialect
    if dialect is not None and isinstance(element, ClauseElement):
        try:
            compiled = element.compile(
                dialect=dialect, compile_kwargs={"literal_binds": True, "include_table": False}
            )
            return str(compiled)
        except Exception:  # a construct this dialect cannot render: the generic SQL will do
            pass
    return encode_sql(element, "expression")


def render_sql(context: RenderContext, element: Any) -> Node:
    """``sa.text("...")`` for a SQL fragment."""
    return call(context.sa("text"), literal(sql_text(context, element)))


def render_name(context: RenderContext, name: Any) -> Node:
    """A constraint or index name; ``op.f("...")`` when it is final (a naming convention's)."""
    if name is None:
        return literal(None)
    if isinstance(name, conv):
        return call(f"{context.op_module_prefix}f", literal(str(name)))
    return literal(str(name))


def render_value(context: RenderContext, value: Any) -> Node:
    """A Python value as a literal or a constructor call (imports added)."""
    if value is None or isinstance(value, bool | int | float | str | bytes):
        return literal(value)
    if isinstance(value, list):
        return list_of([render_value(context, v) for v in value])
    if isinstance(value, tuple):
        return tuple_of([render_value(context, v) for v in value])
    if isinstance(value, Mapping):
        return dict_of(
            [(render_value(context, k), render_value(context, v)) for k, v in value.items()]
        )
    if isinstance(value, BindParameter):
        return render_value(context, value.effective_value)
    if isinstance(value, ClauseElement):
        return render_sql(context, value)
    for kind, render in _CONSTRUCTORS:
        if isinstance(value, kind):
            context.imports.add(f"import {kind.__module__}")
            return render(context, value)
    raise RenderError(f"cannot render a value of type {type(value).__name__}: {value!r}")


def _datetime(context: RenderContext, v: datetime.datetime) -> Node:
    parts = [v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond]
    return _with_tz(context, "datetime.datetime", _trim(parts, keep=3), v.tzinfo)


def _time(context: RenderContext, v: datetime.time) -> Node:
    parts = [v.hour, v.minute, v.second, v.microsecond]
    return _with_tz(context, "datetime.time", _trim(parts, keep=1), v.tzinfo)


def _trim(parts: list[int], keep: int) -> list[int]:
    while len(parts) > keep and parts[-1] == 0:
        parts.pop()
    return parts


def _with_tz(context: RenderContext, func: str, parts: list[int], tz: Any) -> Node:
    items: list[Node] = [literal(p) for p in parts]
    if tz is not None:
        items.append(Kw("tzinfo", _tzinfo(context, tz)))
    return call_items(func, items)


def _tzinfo(context: RenderContext, tz: Any) -> Node:
    if tz is datetime.UTC:
        return Atom("datetime.UTC")
    if isinstance(tz, datetime.timezone):
        offset = tz.utcoffset(None)
        return call("datetime.timezone", _timedelta(context, offset))
    key = getattr(tz, "key", None)
    if isinstance(key, str):  # zoneinfo.ZoneInfo
        context.imports.add("import zoneinfo")
        return call("zoneinfo.ZoneInfo", literal(key))
    raise RenderError(f"cannot render the time zone {tz!r}")


def _timedelta(context: RenderContext, v: datetime.timedelta) -> Node:
    kwargs = {k: literal(getattr(v, k)) for k in ("days", "seconds", "microseconds")}
    return call("datetime.timedelta", **{k: n for k, n in kwargs.items() if n.text != "0"})


_CONSTRUCTORS: list[tuple[type, Any]] = [
    (datetime.datetime, _datetime),
    (datetime.date, lambda c, v: call("datetime.date", *map(literal, (v.year, v.month, v.day)))),
    (datetime.time, _time),
    (datetime.timedelta, _timedelta),
    (decimal.Decimal, lambda c, v: call("decimal.Decimal", literal(str(v)))),
    (uuid.UUID, lambda c, v: call("uuid.UUID", literal(str(v)))),
]


def render_kw(context: RenderContext, kw: Mapping[str, Any]) -> list[Node]:
    """Dialect keyword arguments (``postgresql_using="gin"``), in a stable order."""
    return [Kw(k, render_value(context, v)) for k, v in sorted(kw.items()) if v is not None]


def options(context: RenderContext, **values: Any) -> list[Node]:
    """Keyword arguments for the options that are set (not None), values rendered."""
    return [Kw(k, render_value(context, v)) for k, v in values.items() if v is not None]
