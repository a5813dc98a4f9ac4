"""PostgreSQL: a renamed table's dependents that carry its old name by the default rule.

``ALTER TABLE users RENAME TO members`` leaves ``users_id_seq``, ``users_pkey``,
``users_email_key`` and the like as they were, while ``create_all`` of the new model names
them ``members_...``; a later revision that drops ``members_pkey`` would then fail on the
migrated database. Each object whose name is exactly what PostgreSQL would have chosen
for the old table (``naming.pg_object_name``) and that the model does not name itself is
renamed to what it would choose for the new one, right after the table, with
``ReversibleSQLOp`` (the op API has no directive for renaming a sequence, an index or a
constraint), so the downgrade renames it back before the table. The reflected names are
updated too, so the table's other directives use the new names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from mig.autogen.compare.naming import pg_constraint_name, pg_object_name
from mig.autogen.compare.reflect import ReflectedTable
from mig.autogen.context import AutogenContext
from mig.autogen.sql_ops import ReversibleSQLOp


def _model_names(table: sa.Table) -> set[str]:
    items = [*table.constraints, *table.indexes]
    return {str(i.name) for i in items if isinstance(i.name, str)}


def _candidates(
    old: str, new: str, reflected: ReflectedTable
) -> Iterator[tuple[str, str, str, dict[str, Any] | None]]:
    """(kind, old name, new name, the reflected dict to update) for each default name."""
    pk = reflected.pk
    if pk.get("name") == pg_object_name(old, None, "pkey"):
        yield "constraint", pk["name"], pg_object_name(new, None, "pkey"), pk
    for uq in reflected.unique_constraints:
        cols = uq["column_names"]
        if uq.get("name") == pg_constraint_name(old, cols, "key"):
            yield "constraint", uq["name"], pg_constraint_name(new, cols, "key"), uq
    for fk in reflected.foreign_keys:
        cols = fk["constrained_columns"]
        if fk.get("name") == pg_constraint_name(old, cols, "fkey"):
            yield "constraint", fk["name"], pg_constraint_name(new, cols, "fkey"), fk
    for ck in reflected.check_constraints:
        for col in [None, *reflected.column_names]:
            if ck.get("name") == pg_object_name(old, col, "check"):
                yield "constraint", ck["name"], pg_object_name(new, col, "check"), ck
                break
    for ix in reflected.indexes:
        if ix.get("duplicates_constraint"):
            continue
        cols = [c if c is not None else "expr" for c in ix.get("column_names") or []]
        if ix.get("name") == pg_constraint_name(old, cols, "idx"):
            yield "index", ix["name"], pg_constraint_name(new, cols, "idx"), ix


def _sequences(ctx: AutogenContext, reflected: ReflectedTable) -> Iterator[tuple[str, str]]:
    """(column, sequence name) of the table's serial and identity columns."""
    preparer = ctx.dialect.identifier_preparer
    qualified = preparer.quote(reflected.name)
    if reflected.schema:
        qualified = f"{preparer.quote_schema(reflected.schema)}.{qualified}"
    for info in reflected.columns:
        if not (info.get("autoincrement") is True or info.get("identity")):
            continue
        row = ctx.connection.execute(
            sa.text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": qualified, "c": info["name"]}
        ).scalar()
        if row:
            yield info["name"], row.rpartition(".")[2].strip('"')


def dependent_renames(
    ctx: AutogenContext, reflected: ReflectedTable, table: sa.Table
) -> list[ReversibleSQLOp]:
    """The renames that follow ``reflected``'s rename to ``table.name``."""
    old, new = reflected.name, table.name
    preparer = ctx.dialect.identifier_preparer
    schema = f"{preparer.quote_schema(table.schema)}." if table.schema else ""
    keep = _model_names(table)
    out: list[ReversibleSQLOp] = []

    def rename(kind: str, before: str, after: str) -> None:
        if before == after or before in keep:
            return
        q_before, q_after = preparer.quote(before), preparer.quote(after)
        if kind == "constraint":
            target = f"{schema}{preparer.quote(new)}"
            sql = f"ALTER TABLE {target} RENAME CONSTRAINT {q_before} TO {q_after}"
            back = f"ALTER TABLE {target} RENAME CONSTRAINT {q_after} TO {q_before}"
        else:
            word = kind.upper()
            sql = f"ALTER {word} {schema}{q_before} RENAME TO {q_after}"
            back = f"ALTER {word} {schema}{q_after} RENAME TO {q_before}"
        out.append(ReversibleSQLOp(sql, back))

    for column, sequence in _sequences(ctx, reflected):
        if sequence == pg_object_name(old, column, "seq"):
            rename("sequence", sequence, pg_object_name(new, column, "seq"))
    for kind, before, after, info in _candidates(old, new, reflected):
        if before in keep:
            continue
        rename(kind, before, after)
        if info is not None:
            info["name"] = after
            for ix in reflected.indexes:  # the index behind a renamed constraint follows
                if ix.get("duplicates_constraint") == before:
                    ix["duplicates_constraint"] = after
                    ix["name"] = after
    return out


RENAMERS = {"postgresql": dependent_renames}
"""Dialect -> the renames of a renamed table's dependents (only PostgreSQL needs any)."""
