"""Column types as Python source: ``sa.String(length=32)``, ``postgresql.JSONB()``, user types.

SQLAlchemy's own types are rendered from what mig.ops writes for them in its JSON form (the
constructor arguments that differ from their defaults), so a rendered type builds a type
equal to the one rendered. Dialect types add ``from sqlalchemy.dialects import <name>`` to
the imports. A project's own types (a ``TypeDecorator``) are rendered with their ``repr()``
behind ``user_module_prefix`` or, without one, their module's name, whose ``import`` is
added: a type's ``__repr__`` is the usual way to control how it is written.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from typing import Any

import sqlalchemy as sa
from sqlalchemy import types as sqltypes
from sqlalchemy.sql.type_api import TypeEngine

from mig.autogen.render.context import RenderContext
from mig.autogen.render.layout import Kw, Node, call_items, list_of, literal, parse_expression
from mig.ops import SerializationError
from mig.ops.codec.types import _registry, encode_type

DIALECTS_PACKAGE = "sqlalchemy.dialects."


def render_type(context: RenderContext, type_: TypeEngine | type[TypeEngine]) -> Node:
    """A type (instance or class), its dialect variants included."""
    type_ = sqltypes.to_instance(type_)
    hooked = context.user_item("type", type_)
    if hooked is not None:
        return hooked
    node = _render_base(context, type_)
    variants = getattr(type_, "_variant_mapping", None) or {}
    for dialect_name, variant in sorted(variants.items()):
        node = call_items(
            f"{node.flat()}.with_variant",
            [render_type(context, variant), literal(dialect_name)],
        )
    return node


def _render_base(context: RenderContext, type_: TypeEngine) -> Node:
    if type(type_).__module__.startswith("sqlalchemy."):
        try:
            data = encode_type(type_)
        except SerializationError:
            data = None
        if data is not None and "type" in data:
            return render_encoded_type(context, data)
    return _render_custom(context, type_)


def _render_custom(context: RenderContext, type_: TypeEngine) -> Node:
    """A type from outside SQLAlchemy's registry: its repr behind its module prefix."""
    module = type(type_).__module__
    text = repr(type_)
    if module.startswith(DIALECTS_PACKAGE):
        dialect = module[len(DIALECTS_PACKAGE) :].split(".")[0]
        context.imports.add(f"from sqlalchemy.dialects import {dialect}")
        return parse_expression(f"{dialect}.{text}")
    if module.startswith("sqlalchemy."):
        return parse_expression(f"{context.sqlalchemy_module_prefix}{text}")
    return parse_expression(f"{user_prefix(context, module)}{text}")


def user_prefix(context: RenderContext, module: str) -> str:
    """``user_module_prefix`` when configured; else the module name, whose import is added."""
    if context.user_module_prefix is not None:
        return context.user_module_prefix
    if module in ("builtins", "__main__"):
        return ""
    context.imports.add(f"import {module}")
    return f"{module}."


def type_head(context: RenderContext, key: str) -> str:
    """The callable's name for a registry key: ``sa.String``, ``postgresql.JSONB``.

    A class known under several names (``INT`` and ``INTEGER``) is written by its own
    class name when the module exports it so.
    """
    cls = _registry()[1][key]
    if "." in key:
        dialect, name = key.split(".", 1)
        context.imports.add(f"from sqlalchemy.dialects import {dialect}")
        module = importlib.import_module(f"sqlalchemy.dialects.{dialect}")
        if getattr(module, cls.__name__, None) is cls:
            name = cls.__name__
        return f"{dialect}.{name}"
    name = cls.__name__ if getattr(sa, cls.__name__, None) is cls else key
    if hasattr(sa, name):
        return context.sa(name)
    return context.sa(f"types.{name}")


def render_encoded_type(context: RenderContext, data: dict[str, Any]) -> Node:
    """Render mig.ops' JSON form of a type: positional arguments first, then keywords."""
    args = dict(data)
    if "custom" in args:
        module, _, qualname = args.pop("custom").partition(":")
        args.pop("impl", None)
        head = f"{user_prefix(context, module)}{qualname}"
        positional: list[str] = []
        star = None
        defaults: dict[str, Any] = {}
    else:
        key = args.pop("type")
        cls = _registry()[1][key]
        head = type_head(context, key)
        positional, star = _positional_params(cls)
        defaults = _default_encoding(cls)
    items: list[Node] = []
    for name in positional:
        if name in args:
            items.append(_arg(context, args.pop(name)))
        else:
            break  # a later positional one would land in the wrong place: keywords from here
    if star is not None and star in args:
        items += [_arg(context, v) for v in args.pop(star)]
    for name, value in args.items():
        if name in defaults and defaults[name] == value:
            continue  # what the constructor does by itself (JSONB's astext_type=Text())
        items.append(Kw(name, _arg(context, value)))
    return call_items(head, items)


def _arg(context: RenderContext, value: Any) -> Node:
    if isinstance(value, dict) and ("type" in value or "custom" in value):
        return render_encoded_type(context, value)
    if isinstance(value, list):
        return list_of([_arg(context, v) for v in value])
    return literal(value)


@functools.cache
def _positional_params(cls: type) -> tuple[list[str], str | None]:
    """Required parameters (rendered positionally, as SQLAlchemy's reprs do) and ``*args``."""
    try:
        params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    except (TypeError, ValueError):
        return [], None
    required = [
        p.name
        for p in params
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
    ]
    star = next((p.name for p in params if p.kind is p.VAR_POSITIONAL), None)
    return required, star


@functools.cache
def _default_encoding(cls: type) -> dict[str, Any]:
    """The JSON form of ``cls()``: arguments equal to it need not be written."""
    try:
        encoded = encode_type(cls())
    except Exception:  # a type that needs arguments, or whose defaults have no JSON form
        return {}
    encoded.pop("type", None)
    return encoded
