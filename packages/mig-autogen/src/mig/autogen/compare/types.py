"""Column types and server defaults: the two comparisons whose spelling differs per database.

Both defer to the dialect's Impl in mig-ddl (``impl.compare_type`` and
``impl.compare_server_default``), which render each side through the dialect and normalise
the synonyms, casts and quotes each database adds. A user hook can decide first:

- ``compare_type=fn(context, inspected_column, metadata_column, inspected_type,
  metadata_type)``;
- ``compare_server_default=fn(context, inspected_column, metadata_column,
  rendered_inspected_default, metadata_default, rendered_metadata_default)``;

each returning True (different), False (the same) or None (use the default comparison).
Types are compared by default; server defaults only when ``compare_server_default`` is on.
"""

from __future__ import annotations

import inspect
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.schema import DefaultClause

from mig.autogen.compare.registry import comparator
from mig.autogen.compare.state import ColumnDiff
from mig.autogen.context import AutogenContext
from mig.ddl import DefaultImpl


def _hook_result(ctx: AutogenContext, name: str, *args: Any) -> bool | None:
    option = ctx.opts[name]
    if not callable(option):
        return None
    result = option(ctx.migration_context, *args)
    return None if result is None else bool(result)


def _mariadb_json(ctx: AutogenContext, reflected: sa.Column, model: sa.Column) -> bool:
    """MariaDB's JSON is LONGTEXT (with a json_valid check): it reflects as LONGTEXT."""
    return (
        ctx.dialect is not None
        and getattr(ctx.dialect, "is_mariadb", False)
        and isinstance(model.type, sa.JSON)
        and type(reflected.type).__name__ == "LONGTEXT"
    )


KNOWN_EQUIVALENT = [_mariadb_json]
"""Reflected/model type pairs that are one type to the database, though they read apart."""


_SCALARS = (str, int, float, bool, type(None))


_MEMOIZED = (sa.util.memoized_property, sa.util.HasMemoized.memoized_attribute)
_derived_names: dict[tuple[type, str], bool] = {}


def _is_derived(cls: type, name: str) -> bool:
    """Whether ``name`` in a type's ``__dict__`` is a memoized property's cached value.

    SQLAlchemy stores some results there on first use (``_type_affinity``, which its
    reflection asks of a primary key's INTEGER): they follow from the class and the rest
    of the state, so they are not part of what the type is.
    """
    found = _derived_names.get((cls, name))
    if found is None:
        static = inspect.getattr_static(cls, name, None)
        found = _derived_names[(cls, name)] = isinstance(static, _MEMOIZED)
    return found


def type_key(type_: sa.types.TypeEngine) -> tuple[Any, ...] | None:
    """A hashable description of a type's state, or None when it holds anything richer
    than scalars (enum values, an item type, variants): then it is not cached."""
    try:
        state = vars(type_)
    except TypeError:
        return None
    cls = type(type_)
    items: list[tuple[str, Any]] = []
    for name, value in state.items():
        if isinstance(value, _SCALARS):
            items.append((name, value))
        elif hasattr(value, "__len__") and len(value) == 0:
            continue
        elif not _is_derived(cls, name):
            return None
    return (cls, tuple(sorted(items)))


def _cached_compare(ctx: AutogenContext, diff: ColumnDiff) -> bool:
    """The Impl's type comparison, remembered per (reflected, model) type state.

    A large model repeats a handful of types thousands of times; the Impl renders and
    normalises both each time. Only the built-in ``compare_type`` (which looks at the types
    alone) is cached; an Impl that overrides it is asked every time.
    """
    impl = ctx.impl
    assert impl is not None
    if type(impl).compare_type is not DefaultImpl.compare_type:
        return default_types_differ(ctx, diff.reflected, diff.model)
    left, right = type_key(diff.info["type"]), type_key(diff.model.type)
    if left is None or right is None:
        return default_types_differ(ctx, diff.reflected, diff.model)
    cache = ctx.type_compare_cache
    key = (left, right)
    found = cache.get(key)
    if found is None:
        found = cache[key] = default_types_differ(ctx, diff.reflected, diff.model)
    return found


def types_differ(ctx: AutogenContext, reflected: sa.Column, model: sa.Column) -> bool:
    option = ctx.opts["compare_type"]
    if option is False:
        return False
    decided = _hook_result(ctx, "compare_type", reflected, model, reflected.type, model.type)
    if decided is not None:
        return decided
    return default_types_differ(ctx, reflected, model)


def default_types_differ(ctx: AutogenContext, reflected: sa.Column, model: sa.Column) -> bool:
    """The comparison without the user's hook: the Impl's, and the known equivalences."""
    if any(check(ctx, reflected, model) for check in KNOWN_EQUIVALENT):
        return False
    impl = ctx.impl
    assert impl is not None
    return bool(impl.compare_type(reflected, model))


@comparator("column", order=10, name="type")
def compare_type(ctx: AutogenContext, diff: ColumnDiff) -> None:
    option = ctx.opts["compare_type"]
    if option is False:
        return
    if callable(option):
        changed = types_differ(ctx, diff.reflected, diff.model)
    else:
        changed = _cached_compare(ctx, diff)
    if changed:
        diff.alter.modify_type = diff.model.type


# -- server defaults ------------------------------------------------------------------------


def model_default(column: sa.Column) -> Any:
    """What a model column's server default is, as a directive holds it (None: none).

    Computed and identity columns have no default of their own; a ``FetchedValue`` (a
    default the database sets by other means) is not something to compare.
    """
    default = column.server_default
    if default is None or column.computed is not None or column.identity is not None:
        return None
    if isinstance(default, DefaultClause):
        return default.arg
    return None


def render_model_default(ctx: AutogenContext, column: sa.Column) -> str | None:
    """The model's server default as SQL text in this dialect (a string is a quoted literal)."""
    arg = model_default(column)
    if arg is None:
        return None
    if isinstance(arg, str):
        return "'" + arg.replace("'", "''") + "'"
    dialect = ctx.dialect
    try:
        return str(arg.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    except sa.exc.CompileError:
        return str(arg)


def reflected_default(column: sa.Column) -> str | None:
    default = column.server_default
    if default is None or not isinstance(default, DefaultClause):
        return None
    arg = default.arg
    return arg if isinstance(arg, str) else str(getattr(arg, "text", arg))


def server_defaults_differ(ctx: AutogenContext, reflected: sa.Column, model: sa.Column) -> bool:
    """The default comparison (no hook): normalised text, through the dialect's Impl."""
    rendered_model = render_model_default(ctx, model)
    rendered_reflected = reflected_default(reflected)
    if rendered_model is None and rendered_reflected is None:
        return False
    impl = ctx.impl
    assert impl is not None
    return bool(impl.compare_server_default(reflected, model, rendered_model, rendered_reflected))


@comparator("column", order=30, name="server_default")
def compare_server_default(ctx: AutogenContext, diff: ColumnDiff) -> None:
    if ctx.opts["compare_server_default"] is False:
        return
    model, reflected = diff.model, diff.reflected
    if model.computed is not None or model.identity is not None:
        return  # their expressions are compared (and warned about) as computed/identity
    if model.server_default is not None and not isinstance(model.server_default, DefaultClause):
        return  # FetchedValue: the database fills it by means the model does not state
    rendered_model = render_model_default(ctx, model)
    rendered_reflected = reflected_default(reflected)
    decided = _hook_result(
        ctx,
        "compare_server_default",
        reflected,
        model,
        rendered_reflected,
        model.server_default,
        rendered_model,
    )
    if decided is None:
        decided = server_defaults_differ(ctx, reflected, model)
    if decided:
        diff.alter.modify_server_default = model_default(model)
