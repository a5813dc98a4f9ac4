"""Foreign keys: matched by what they link (columns -> referenced table and columns).

Names do not decide whether two foreign keys are the same (SQLite often has none, and a
database may have named one itself); the options do: ``ON DELETE``, ``ON UPDATE``,
``DEFERRABLE``, ``INITIALLY`` and ``MATCH``, with each database's spelling of "the
default" (``NO ACTION``, MySQL's ``RESTRICT``) taken as the default. A changed foreign key
is dropped and created again.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from mig import ops
from mig.autogen.compare import unnamed
from mig.autogen.compare.naming import default_constraint_name
from mig.autogen.compare.reflect import fk_refcolumns
from mig.autogen.compare.registry import comparator
from mig.autogen.compare.state import TableDiff, TableKey
from mig.autogen.compare.tables import (
    ctx_reflection_metadata,
    normalize_schema,
    referred_key,
    reflected_referred_key,
)
from mig.autogen.context import AutogenContext
from mig.autogen.ordering import sorted_items

Signature = tuple[tuple[str, ...], TableKey, tuple[str, ...]]

_DEFAULT_ACTIONS = {None, "NO ACTION", "RESTRICT"}


def _action(value: str | None, dialect: str) -> str | None:
    text = value.upper() if isinstance(value, str) else None
    if text in _DEFAULT_ACTIONS and (text != "RESTRICT" or dialect in ("mysql", "mariadb")):
        return None
    return text


def options_of(values: dict[str, Any], dialect: str) -> tuple[Any, ...]:
    initially = (values.get("initially") or "IMMEDIATE").upper()
    match = (values.get("match") or "SIMPLE").upper()
    return (
        _action(values.get("ondelete"), dialect),
        _action(values.get("onupdate"), dialect),
        bool(values.get("deferrable")),
        initially,
        match,
    )


def model_fk_signature(ctx: AutogenContext, fkc: sa.ForeignKeyConstraint) -> Signature:
    remote = tuple(fk._column_tokens[2] or "" for fk in fkc.elements)
    return tuple(c.name for c in fkc.columns), referred_key(ctx, fkc), remote


def _model_options(ctx: AutogenContext, fkc: sa.ForeignKeyConstraint) -> tuple[Any, ...]:
    return options_of(
        {
            "ondelete": fkc.ondelete,
            "onupdate": fkc.onupdate,
            "deferrable": fkc.deferrable,
            "initially": fkc.initially,
            "match": fkc.match,
        },
        ctx.dialect.name,
    )


def _reflected_signature(ctx: AutogenContext, diff: TableDiff, fk: dict[str, Any]) -> Signature:
    key = reflected_referred_key(ctx, diff.reflected, fk)
    key = diff.table_renames.get(key, key)  # a reference follows the table's rename
    cols = tuple(diff.model_name(c) for c in fk["constrained_columns"])
    return cols, key, tuple(fk["referred_columns"])


def _generated_name(ctx: AutogenContext, diff: TableDiff, sig: Signature) -> str:
    """What the database calls the key under ``create_all`` (see ``naming``)."""
    limit = getattr(ctx.dialect, "max_identifier_length", None)
    return default_constraint_name(
        ctx.dialect.name, limit, diff.name, sig[0], "foreignkey", referred=sig[1][1]
    )


def create_op(
    ctx: AutogenContext, diff: TableDiff, fkc: sa.ForeignKeyConstraint, sig: Signature
) -> ops.CreateForeignKeyOp:
    name = fkc.name if isinstance(fkc.name, str) else _generated_name(ctx, diff, sig)
    ref_schema = sig[1][0]
    if ref_schema is None:
        try:
            ref_schema = fkc.referred_table.schema  # the model's own spelling
        except (sa.exc.NoReferencedTableError, AttributeError):
            ref_schema = None
        if normalize_schema(ctx, ref_schema) is not None:
            ref_schema = None
    return ops.CreateForeignKeyOp(
        str(name),
        diff.name,
        sig[1][1],
        list(sig[0]),
        list(sig[2]),
        onupdate=fkc.onupdate,
        ondelete=fkc.ondelete,
        deferrable=fkc.deferrable,
        initially=fkc.initially,
        match=fkc.match,
        source_schema=diff.schema,
        referent_schema=ref_schema,
        **fkc.dialect_kwargs,
    )


def restore_op(ctx: AutogenContext, diff: TableDiff, fk: dict[str, Any]) -> ops.CreateForeignKeyOp:
    """The reflected foreign key as a create (what a drop of it restores)."""
    options = {k: v for k, v in (fk.get("options") or {}).items() if v is not None}
    referred = fk["referred_table"]
    key = reflected_referred_key(ctx, diff.reflected, fk)
    if key in diff.table_renames:
        referred = diff.table_renames[key][1]
    return ops.CreateForeignKeyOp(
        fk["name"],
        diff.name,
        referred,
        list(fk["constrained_columns"]),
        list(fk["referred_columns"]),
        source_schema=diff.schema,
        referent_schema=fk.get("referred_schema"),
        **options,
    )


def drop_op(ctx: AutogenContext, diff: TableDiff, fk: dict[str, Any]) -> ops.DropConstraintOp:
    """Drop a reflected foreign key; its restore runs (on downgrade) where the tables have
    their new names but the columns still have their old ones (renames come after drops)."""
    return ops.DropConstraintOp(
        fk["name"],
        diff.name,
        type_="foreignkey",
        schema=diff.schema,
        restore=restore_op(ctx, diff, fk),
    )


def drop_any(ctx: AutogenContext, diff: TableDiff, fk: dict[str, Any]) -> None:
    """Emit ``drop_op``, or for an unnamed key (SQLite) the table rebuild that leaves it out."""
    if fk.get("name") is not None:
        diff.emit("drop_fk", drop_op(ctx, diff, fk))
        return
    restore = restore_op(ctx, diff, fk)
    columns = fk["constrained_columns"]
    unnamed.emit_rebuild_drop(
        diff, "drop_fk", "foreignkey", columns, restore, restore.referent_table
    )


def _reflected_object(ctx: AutogenContext, diff: TableDiff, fk: dict[str, Any]) -> Any:
    if ctx.opts["include_object"] is None:
        return None
    table = diff.reflected.table(ctx_reflection_metadata(ctx))
    refcols = fk_refcolumns(fk)
    for fkc in table.foreign_key_constraints:
        if [c.name for c in fkc.columns] == fk["constrained_columns"] and [
            e._get_colspec() for e in fkc.elements
        ] == refcols:
            return fkc
    return None


@comparator("table", order=20, name="foreign_keys")
def compare_foreign_keys(ctx: AutogenContext, diff: TableDiff) -> None:
    dialect = ctx.dialect.name
    parents = diff.parent_names
    model: list[tuple[Signature, sa.ForeignKeyConstraint]] = []
    for fkc in sorted_items(diff.model.foreign_key_constraints):
        if ctx.run_object_filters(fkc, fkc.name, "foreign_key_constraint", False, None):
            model.append((model_fk_signature(ctx, fkc), fkc))
    conn: list[tuple[Signature, dict[str, Any]]] = []
    for fk in diff.reflected.foreign_keys:
        if not ctx.run_name_filters(fk.get("name"), "foreign_key_constraint", parents):
            continue
        conn.append((_reflected_signature(ctx, diff, fk), fk))

    unmatched_conn = list(conn)
    to_create: list[tuple[Signature, sa.ForeignKeyConstraint]] = []
    for sig, fkc in model:
        found = next((item for item in unmatched_conn if item[0] == sig), None)
        if found is None:
            to_create.append((sig, fkc))
            continue
        unmatched_conn.remove(found)
        fk = found[1]
        if _model_options(ctx, fkc) != options_of(fk.get("options") or {}, dialect):
            diff.dropped_fks.append(fk)
            drop_any(ctx, diff, fk)
            to_create.append((sig, fkc))

    for _sig, fk in unmatched_conn:
        if not ctx.run_object_filters(
            _reflected_object(ctx, diff, fk), fk.get("name"), "foreign_key_constraint", True, None
        ):
            continue
        diff.dropped_fks.append(fk)
        drop_any(ctx, diff, fk)

    for sig, fkc in to_create:
        op = create_op(ctx, diff, fkc, sig)
        if dialect in ("mysql", "mariadb") and not _index_covers(diff, sig[0]):
            diff.emit(
                "add_index",
                ops.CreateIndexOp(op.constraint_name, diff.name, list(sig[0]), schema=diff.schema),
            )
        diff.emit("add_fk", op)


def _index_covers(diff: TableDiff, columns: tuple[str, ...]) -> bool:
    """MySQL: whether an index the table keeps starts with ``columns``.

    Where none does, MySQL creates one with the foreign key and leaves it behind when the
    key is dropped; creating it explicitly (named as MySQL would) makes the downgrade
    remove it too.
    """
    model = diff.model
    candidates: list[tuple[str, ...]] = [tuple(c.name for c in model.primary_key.columns)]
    candidates += [
        tuple(e.name for e in ix.expressions if isinstance(e, sa.Column)) for ix in model.indexes
    ]
    candidates += [
        tuple(c.name for c in uq.columns)
        for uq in model.constraints
        if isinstance(uq, sa.UniqueConstraint)
    ]
    candidates += [
        tuple(diff.model_name(c) for c in ix.get("column_names") or [] if c is not None)
        for ix in diff.reflected.indexes
    ]
    return any(cand[: len(columns)] == columns for cand in candidates)
