"""Rename detection: a dropped and an added column (or table) that look the same are a rename.

Alembic reports a renamed column as a drop and an add, and running that loses the column's
data. Here, when one column leaves a table and one with the same definition (type,
nullability, server default, computed/identity, key) arrives, and neither has another
candidate, the pair becomes ``alter_column(..., new_column_name=...)``; tables likewise
become ``rename_table`` when their columns match. Ambiguous cases (two candidates) stay a
drop and an add, unless the model settles them:

    sa.Column("full_name", sa.String(80), info={"mig_renamed_from": "name"})
    sa.Table("people", metadata, ..., info={"mig_renamed_from": "person"})

A stated rename applies whether or not the definitions match (the other changes become
part of the same ``alter_column``), and also with ``detect_renames=False``, which turns the
guessing off. Once the database has the new name the statement is simply ignored.

Each rename directive gets ``directive.info``: ``{"detected_rename": True}`` when guessed,
``{"explicit_rename": True}`` when stated, so a renderer can say which in a comment.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa

from mig.autogen.compare import types as type_compare
from mig.autogen.context import AutogenError

if TYPE_CHECKING:
    from mig.autogen.compare.reflect import ReflectedTable
    from mig.autogen.compare.state import TableDiff, TableKey
    from mig.autogen.context import AutogenContext

RENAMED_FROM = "mig_renamed_from"
"""The ``info`` key of a Column or Table that names what it was called before."""

_O = TypeVar("_O", bound=Hashable)
_N = TypeVar("_N", bound=Hashable)


def mark(directive: Any, *, detected: bool) -> None:
    """Tag a rename directive for the renderer (see the module docstring)."""
    directive.info = {"detected_rename": True} if detected else {"explicit_rename": True}


def stated_old_name(obj: sa.Column | sa.Table) -> str | None:
    value = obj.info.get(RENAMED_FROM) if obj.info else None
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        kind = "column" if isinstance(obj, sa.Column) else "table"
        raise AutogenError(
            f"{kind} {obj.name!r}: info[{RENAMED_FROM!r}] must be the old name as a string, "
            f"got {value!r}"
        )
    return value


def pair_unique(
    olds: Sequence[_O], news: Sequence[_N], matches: Callable[[_O, _N], bool]
) -> list[tuple[_O, _N]]:
    """The (old, new) pairs where each is the other's only match."""
    old_candidates = {o: [n for n in news if matches(o, n)] for o in olds}
    new_candidates: dict[_N, list[_O]] = {n: [] for n in news}
    for o, found in old_candidates.items():
        for n in found:
            new_candidates[n].append(o)
    return [
        (o, found[0])
        for o, found in old_candidates.items()
        if len(found) == 1 and len(new_candidates[found[0]]) == 1
    ]


def columns_match(ctx: AutogenContext, reflected: sa.Column, model: sa.Column) -> bool:
    """Whether a reflected column and a model column have the same definition."""
    if type_compare.default_types_differ(ctx, reflected, model):
        return False
    if bool(reflected.nullable) != bool(model.nullable):
        return False
    if bool(reflected.primary_key) != bool(model.primary_key):
        return False
    if (reflected.computed is None) != (model.computed is None):
        return False
    if (reflected.identity is None) != (model.identity is None):
        return False
    return not type_compare.server_defaults_differ(ctx, reflected, model)


def match_columns(
    ctx: AutogenContext, diff: TableDiff, added: list[sa.Column], removed: list[str]
) -> list[tuple[str, sa.Column, bool]]:
    """(old name, model column, guessed?) for each column found renamed."""
    out: list[tuple[str, sa.Column, bool]] = []
    removed = list(removed)
    added = list(added)
    for column in list(added):
        old = stated_old_name(column)
        if old is not None and old in removed:
            out.append((old, column, False))
            removed.remove(old)
            added.remove(column)
    if not ctx.detect_renames or not removed or not added:
        return out
    reflected = diff.reflected
    for old, column in pair_unique(
        removed, added, lambda o, n: columns_match(ctx, reflected.column(o), n)
    ):
        out.append((old, column, True))
    return out


def tables_match(ctx: AutogenContext, reflected: ReflectedTable, model: sa.Table) -> bool:
    names = reflected.column_names
    if sorted(names) != sorted(c.name for c in model.columns):
        return False
    return all(columns_match(ctx, reflected.column(n), model.c[n]) for n in names)


def match_tables(
    ctx: AutogenContext,
    added: dict[TableKey, sa.Table],
    removed: dict[TableKey, ReflectedTable],
) -> list[tuple[TableKey, TableKey, bool]]:
    """(old key, new key, guessed?) for each table found renamed (within one schema)."""
    out: list[tuple[TableKey, TableKey, bool]] = []
    olds = dict(removed)
    news = dict(added)
    for key, table in list(news.items()):
        old = stated_old_name(table)
        if old is not None and (key[0], old) in olds:
            out.append(((key[0], old), key, False))
            del olds[(key[0], old)]
            del news[key]
    if not ctx.detect_renames or not olds or not news:
        return out
    for old_key, new_key in pair_unique(
        sorted(olds, key=_key),
        sorted(news, key=_key),
        lambda o, n: o[0] == n[0] and tables_match(ctx, olds[o], news[n]),
    ):
        out.append((old_key, new_key, True))
    return out


def _key(key: TableKey) -> tuple[str, str]:
    return key[0] or "", key[1]
