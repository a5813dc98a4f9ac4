"""CHECK constraints that come with a column's type.

``sa.Enum(..., native_enum=False, create_constraint=True)`` and
``sa.Boolean(create_constraint=True)`` add a CHECK constraint to the table their column is
bound to, on the databases where the type is not native (SQLAlchemy decides, per dialect).
``CREATE TABLE`` renders it; every other directive only names the column, so the
constraint has to be spelled out: ``add_column`` adds it, ``alter_column`` from one such
type to another drops the old type's CHECK (by the name the old type gives it) and adds the
new one, and a table rebuild drops the old type's CHECK and declares the new one.

The name is the type's ``name=``, or what the naming convention in effect makes of it
(``target_metadata``'s for single directives, the block's ``naming_convention`` in a
batch). An unnamed CHECK can only be found by its condition, which a table rebuild can
compare with the reflected table but an ``ALTER`` cannot.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import naming
from sqlalchemy.sql.type_api import TypeEngine

_SPACES = re.compile(r"\s+")


def naming_convention(context_opts: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The naming convention of the run's ``target_metadata``, if it has one."""
    metadata = context_opts.get("target_metadata")
    convention = getattr(metadata, "naming_convention", None)
    return convention or None


def carries_checks(type_: TypeEngine | None) -> bool:
    """Whether a type can bring CHECK constraints along (a SchemaType or a variant of one)."""
    if type_ is None:
        return False
    if isinstance(type_, sa.types.SchemaType):
        return True
    return any(isinstance(t, sa.types.SchemaType) for t in type_._variant_mapping.values())


def creates(constraint: sa.Constraint, dialect: Dialect) -> bool:
    """Whether this dialect's DDL would create the constraint (a native type makes none)."""
    rule = getattr(constraint, "_create_rule", None)
    if rule is None:
        return True
    return bool(rule(dialect.ddl_compiler(dialect, None)))


def is_type_check(constraint: sa.Constraint) -> bool:
    return isinstance(constraint, sa.CheckConstraint) and bool(
        getattr(constraint, "_type_bound", False)
    )


def type_checks(
    type_: TypeEngine | None,
    column: str,
    table: str,
    schema: str | None,
    dialect: Dialect,
    convention: Mapping[str, Any] | None = None,
) -> list[sa.CheckConstraint]:
    """The CHECK constraints ``type_`` creates for ``table.column`` on ``dialect``.

    Built on a throwaway Table (in a MetaData with ``convention``), so each one can be
    compiled by ``AddConstraint`` and knows its final name (:func:`check_name`).
    """
    if not carries_checks(type_):
        return []
    md = sa.MetaData(naming_convention=convention) if convention else sa.MetaData()
    stub = sa.Table(table, md, sa.Column(column, type_), schema=schema)
    return sorted(
        (c for c in stub.constraints if is_type_check(c) and creates(c, dialect)),
        key=lambda c: str(check_name(c)),
    )


def name_by_convention(
    table: sa.Table,
    dialect: Dialect,
    convention: Mapping[str, Any] | None,
    table_name: str | None = None,
) -> None:
    """Give ``table``'s type CHECKs that have no name of their own the name ``convention``
    makes for them on ``table_name`` (default: the table's own name).

    A directive's Table lives in a MetaData of its own, so the run's naming convention
    (``target_metadata``'s) does not reach it; without this, the CHECK would be created
    unnamed, and a later ``alter_column`` could not find it by the name it computes. A
    rebuild names them after the final table, not the temporary one. The names are set on
    the constraints themselves (``conv``), so the directive's Table keeps them.
    """
    if not convention:
        return
    unnamed = {
        condition_text(c.sqltext, dialect): c
        for c in table.constraints
        if is_type_check(c) and not isinstance(c.name, str)
    }
    if not unnamed:
        return
    for column in table.columns:
        for model in type_checks(
            column.type, column.name, table_name or table.name, table.schema, dialect, convention
        ):
            constraint = unnamed.get(condition_text(model.sqltext, dialect))
            name = check_name(model)
            if constraint is not None and name is not None:
                constraint.name = naming.conv(name)


def check_name(constraint: sa.Constraint) -> str | None:
    """The name a constraint gets in DDL: its own, or the naming convention's; None if none."""
    if isinstance(constraint.name, str):
        return constraint.name
    if constraint.table is None:
        return None
    try:
        name = naming._constraint_name_for_table(constraint, constraint.table)
    except sa.exc.InvalidRequestError:  # a convention needing a name the type lacks
        return None
    return name if isinstance(name, str) else None


def condition_text(sqltext: Any, dialect: Dialect) -> str:
    """A CHECK condition as comparable text: rendered with literals, spaces and quotes folded."""
    if isinstance(sqltext, str):
        text = sqltext
    else:
        compiled = sqltext.compile(
            dialect=dialect, compile_kwargs={"literal_binds": True, "include_table": False}
        )
        text = str(compiled)
    text = _SPACES.sub(" ", text).strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text.replace('"', "").replace("`", "").lower()
