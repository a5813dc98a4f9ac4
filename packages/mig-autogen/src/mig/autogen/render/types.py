"""Column types as Python source: ``sa.String(length=32)``, ``postgresql.JSONB()``, user types.

SQLAlchemy's own types are rendered from what mig.ops writes for them in its JSON form (the
constructor arguments that differ from their defaults), so a rendered type builds a type
equal to the one rendered. Dialect types add ``from sqlalchemy.dialects import <name>`` to
the imports. A project's own types (a ``TypeDecorator``) are rendered with their ``repr()``
behind ``user_module_prefix`` or, without one, their module's name (the shortest imported
package that exports the class: ``sqlalchemy_utils.ChoiceType``), whose ``import`` is added:
a type's ``__repr__`` is the usual way to control how it is written.

A ``repr()`` is not always a constructor call: sqlalchemy-utils' ``ChoiceType`` shows
``ChoiceType(length=255)``, which raises at upgrade (``choices`` is required). So the text is
checked before it is written: evaluated with its imports, it must build a type of the same
class with the same state (public attributes, the ``TypeDecorator``'s impl, the ``repr``).
One that does not is written as its database type (the decorator's impl) behind a
``# TODO(mig): ...`` line naming the type and the ``render_item`` hook; ``mig lint`` fails
while that line is in a script. A type with no impl to fall back on stops the rendering
with a one-line :class:`~mig.autogen.render.registry.RenderError` instead: never a script
that breaks at upgrade.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import sys
import warnings
from typing import Any

import sqlalchemy as sa
from sqlalchemy import types as sqltypes
from sqlalchemy.sql.type_api import TypeEngine

from mig.autogen.render.context import RenderContext
from mig.autogen.render.layout import Kw, Node, call_items, list_of, literal, parse_expression
from mig.autogen.render.registry import RenderError
from mig.ops import SerializationError
from mig.ops.codec.types import _registry, encode_type

DIALECTS_PACKAGE = "sqlalchemy.dialects."

UNRENDERED_TYPE_TODO = "TODO(mig): unrendered type"
"""How the comment above a directive with a type written as its database type begins
(``mig lint`` looks for it)."""


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
    module = public_module(type(type_))
    if not round_trips(type_, f"{module}.{text}", {f"import {module}"}):
        return _render_unrenderable(context, type_, text)
    return parse_expression(f"{user_prefix(context, module)}{text}")


def public_module(cls: type) -> str:
    """The shortest already imported package that exports ``cls`` under its own name.

    ``sqlalchemy_utils.types.choice.ChoiceType`` is also ``sqlalchemy_utils.ChoiceType``:
    the script reads better, and keeps working when the library moves its modules around.
    Only modules already in ``sys.modules`` are looked at (rendering imports nothing).
    """
    parts = cls.__module__.split(".")
    for end in range(1, len(parts)):
        package = sys.modules.get(".".join(parts[:end]))
        if package is not None and _attribute_path(package, cls.__qualname__) is cls:
            return package.__name__
    return cls.__module__


def _attribute_path(obj: Any, dotted: str) -> Any:
    for name in dotted.split("."):
        obj = getattr(obj, name, None)
    return obj


def round_trips(type_: TypeEngine, text: str, imports: set[str]) -> bool:
    """Whether ``text``, run after ``imports``, builds a type equal to ``type_``.

    This is what the script will do at upgrade: a text that raises there (a required
    argument its ``repr`` leaves out, a name it does not import) or builds another type
    (an argument the ``repr`` does not show) must not be written.
    """
    namespace: dict[str, Any] = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for line in sorted(imports):
                exec(line, namespace)
            rebuilt = eval(text, namespace)
        return same_type(rebuilt, type_)
    except Exception:
        return False


_NOT_STATE = frozenset({"dispatch", "impl", "impl_instance"})
"""Attributes that are not a type's arguments: SQLAlchemy's event dispatcher, and a
decorator's impl (compared through ``impl_instance``, which is memoized on first use)."""

_MISSING = object()


def same_type(a: Any, b: Any) -> bool:
    """Whether two types are the same: class, ``repr``, public attributes, impl (recursively).

    Attributes are read from either side (an argument given explicitly may be an instance
    attribute on one and a class default on the other).
    """
    if type(a) is not type(b) or repr(a) != repr(b):
        return False
    names = {
        name
        for t in (a, b)
        for name in vars(t)
        if not name.startswith("_") and name not in _NOT_STATE
    }
    if not all(_same_value(getattr(a, n, _MISSING), getattr(b, n, _MISSING)) for n in names):
        return False
    if isinstance(a, sqltypes.TypeDecorator):
        return same_type(a.impl_instance, b.impl_instance)
    return True


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, TypeEngine):
        return same_type(a, b)
    if isinstance(a, list | tuple):
        return (
            type(a) is type(b)
            and len(a) == len(b)
            and all(_same_value(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, dict):
        return (
            isinstance(b, dict)
            and a.keys() == b.keys()
            and all(_same_value(v, b[k]) for k, v in a.items())
        )
    return bool(a == b)


def _render_unrenderable(context: RenderContext, type_: TypeEngine, shown: str) -> Node:
    """A type its ``repr()`` (``shown``) cannot rebuild: its database type, with a TODO.

    The TODO lines go above the directive (the registry writes ``context.todos``); a type
    with no database type to write instead stops the rendering.
    """
    name = f"{public_module(type(type_))}.{type(type_).__qualname__}"
    impl = type_.impl_instance if isinstance(type_, sqltypes.TypeDecorator) else None
    if impl is None:
        raise RenderError(
            f"cannot write the type {name}: its repr() {shown} does not rebuild it and it "
            "has no database type to fall back on; give it a __repr__ that does, or render "
            "it with the render_item hook (context.configure(render_item=...))"
        )
    node = render_type(context, impl)
    note = [
        f"{UNRENDERED_TYPE_TODO} {name} is written as {node.flat()}:",
        f"its repr() {shown} does not rebuild it. Write the real type, or render it",
        "with context.configure(render_item=...); then delete these lines.",
    ]
    todos = getattr(context, "todos", None)
    if todos is not None and note[0] not in todos:
        todos.extend(note)
    return node


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
