"""The one JSON object for a schema difference, shared by ``mig-diff`` and ``mig check``.

::

    {"op": "alter_column", "action": "alter column", "object": "users.email",
     "schema": null, "table": "users", "detail": "type VARCHAR(20) -> VARCHAR(80)",
     "summary": "alter column users.email: type VARCHAR(20) -> VARCHAR(80)",
     "old": {"type": "VARCHAR(20)"}, "new": {"type": "VARCHAR(80)"},
     "directive": {...}}

``old`` and ``new`` are the values before and after (None for what does not exist on that
side): the changed attributes of a column, a table's or column's definition, a name. The
text a person reads (``summary``) is built from the same :class:`Difference`, so the two
can never say different things. ``directive`` is the directive's own JSON form
(mig.ops), left out for a directive that has none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Dialect

from mig import ops
from mig.autogen.describe import Difference, column_text, default_text, type_text
from mig.ops import enum_ops
from mig.ops.dispatch import Dispatcher

OldNew = tuple[Any, Any]
_VALUES: Dispatcher[Callable[[Any, Dialect | None], OldNew]] = Dispatcher("old/new values")


def difference_record(d: Difference, dialect: Dialect | None = None) -> dict[str, Any]:
    """``d`` as the JSON object both reports print."""
    old, new = old_and_new(d, dialect)
    item: dict[str, Any] = {
        "op": d.directive.op_name,
        "action": d.action,
        "object": d.object,
        "schema": d.schema,
        "table": d.table,
        "detail": d.detail,
        "summary": d.summary,
        "old": old,
        "new": new,
    }
    try:
        item["directive"] = d.directive.to_dict()
    except ops.MigOpsError:
        pass  # a directive holding something without a JSON form: described only
    return item


def old_and_new(d: Difference, dialect: Dialect | None = None) -> OldNew:
    """The values before and after the change ``d`` stands for."""
    fn = _VALUES.lookup(type(d.directive))
    if fn is not None:
        return fn(d.directive, dialect)
    described = d.detail or d.object
    if d.sign == "+":
        return None, described
    if d.sign == "-":
        return described, None
    return None, described


def values_of(*classes: type) -> Callable[[Callable[..., OldNew]], Callable[..., OldNew]]:
    """Register how a directive class gives its old and new values."""
    return _VALUES.for_(*classes)


@values_of(ops.AlterColumnOp)
def _alter_column(op: ops.AlterColumnOp, dialect: Dialect | None) -> OldNew:
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    if op.modify_name is not None:
        old["name"], new["name"] = op.column_name, op.modify_name
    if op.modify_type is not None:
        old["type"] = None if op.existing_type is None else type_text(op.existing_type, dialect)
        new["type"] = type_text(op.modify_type, dialect)
    if op.modify_nullable is not None:
        before = op.existing_nullable
        old["nullable"] = (not op.modify_nullable) if before is None else before
        new["nullable"] = op.modify_nullable
    if op.modify_server_default is not False:
        existing = op.existing_server_default
        old["server_default"] = None if existing is False else _default(existing, dialect)
        new["server_default"] = _default(op.modify_server_default, dialect)
    if op.modify_comment is not False:
        old["comment"], new["comment"] = op.existing_comment, op.modify_comment
    return old, new


def _default(default: Any, dialect: Dialect | None) -> str | None:
    return None if default is None else default_text(default, dialect)


@values_of(ops.AddColumnOp)
def _add_column(op: ops.AddColumnOp, dialect: Dialect | None) -> OldNew:
    return None, column_text(op.column, dialect)


@values_of(ops.DropColumnOp)
def _drop_column(op: ops.DropColumnOp, dialect: Dialect | None) -> OldNew:
    return (None if op.restore is None else column_text(op.restore.column, dialect)), None


@values_of(ops.RenameTableOp)
def _rename_table(op: ops.RenameTableOp, dialect: Dialect | None) -> OldNew:
    return op.old_table_name, op.new_table_name


@values_of(ops.CreateTableCommentOp)
def _table_comment(op: ops.CreateTableCommentOp, dialect: Dialect | None) -> OldNew:
    return op.existing_comment, op.comment


@values_of(ops.DropTableCommentOp)
def _drop_table_comment(op: ops.DropTableCommentOp, dialect: Dialect | None) -> OldNew:
    return op.existing_comment, None


@values_of(enum_ops.AddEnumValueOp)
def _add_enum_value(op: enum_ops.AddEnumValueOp, dialect: Dialect | None) -> OldNew:
    return None, op.value


@values_of(enum_ops.DropEnumValueOp)
def _drop_enum_value(op: enum_ops.DropEnumValueOp, dialect: Dialect | None) -> OldNew:
    return op.value, None
