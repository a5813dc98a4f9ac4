"""Tables: which are new, which are gone, which were renamed, and the order to touch them.

New tables are created in dependency order (a table before the tables whose foreign keys
point at it) and dropped tables in the reverse order. A dropped table's directive carries
the table as the database had it, so the downgrade can create it again.

As in Alembic, ``include_name`` filters the names read from the database (a table it
refuses is not reflected and not reported as removed) and ``include_object`` filters both
sides. Model tables are compared only within the schemas being compared (the default
schema, or every schema when ``include_schemas`` is on).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable

import sqlalchemy as sa

from mig import ops
from mig.autogen.compare import pg_renames, renames
from mig.autogen.compare.reflect import ReflectedTable, reflect_tables, table_names
from mig.autogen.compare.registry import comparator, run
from mig.autogen.compare.state import SchemaPlan, TableDiff, TableKey
from mig.autogen.context import AutogenContext


def normalize_schema(ctx: AutogenContext, schema: str | None) -> str | None:
    """The default schema is spelled None on both sides of the comparison."""
    return None if schema == ctx.default_schema_name else schema


def model_tables(ctx: AutogenContext, schemas: Iterable[str | None]) -> dict[TableKey, sa.Table]:
    wanted = set(schemas)
    version = ctx.version_table
    version_key = None if version is None else (normalize_schema(ctx, version[0]), version[1])
    out: dict[TableKey, sa.Table] = {}
    ctx.table_key_to_table  # noqa: B018  (raises on a table defined twice)
    for table in ctx.tables:
        key = (normalize_schema(ctx, table.schema), table.name)
        if key[0] not in wanted or key == version_key:
            continue
        out[key] = table
    return out


def referred_key(ctx: AutogenContext, fkc: sa.ForeignKeyConstraint) -> TableKey:
    """The (schema, table) a model foreign key points at, resolved if the MetaData can."""
    try:
        table = fkc.referred_table
        return normalize_schema(ctx, table.schema), table.name
    except (sa.exc.NoReferencedTableError, sa.exc.NoReferencedColumnError, AttributeError):
        schema, table_name, _ = fkc.elements[0]._column_tokens
        if schema is None and fkc.table is not None and fkc.table.metadata.schema:
            schema = fkc.table.metadata.schema
        return normalize_schema(ctx, schema), table_name


def reflected_referred_key(ctx: AutogenContext, table: ReflectedTable, fk: dict) -> TableKey:
    """The (schema, table) a reflected foreign key points at.

    MySQL leaves the schema out when it is the referencing table's own; PostgreSQL leaves
    it out when it is on the search path (the default schema).
    """
    schema = fk.get("referred_schema")
    if schema is None and table.dialect_name in ("mysql", "mariadb"):
        schema = table.schema
    return normalize_schema(ctx, schema), fk["referred_table"]


def dependency_order(
    keys: Iterable[TableKey], deps: Callable[[TableKey], set[TableKey]]
) -> list[TableKey]:
    """Keys with each one after those it depends on; ties by name, cycles broken by name.

    Kahn's algorithm over a heap: linear in keys and edges, so a chain of thousands of
    tables is no slower than a flat list.
    """
    wanted = set(keys)
    needs = {k: (deps(k) & wanted) - {k} for k in wanted}
    users: dict[TableKey, list[TableKey]] = {k: [] for k in wanted}
    for key, required in needs.items():
        for other in required:
            users[other].append(key)
    waiting = {k: len(v) for k, v in needs.items()}
    ready = [(_sort_key(k), k) for k, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    out: list[TableKey] = []
    done: set[TableKey] = set()
    while len(out) < len(wanted):
        if not ready:  # a cycle: release the first waiting key by name
            key = min((k for k in wanted if k not in done), key=_sort_key)
            waiting[key] = 0
            heapq.heappush(ready, (_sort_key(key), key))
        _, key = heapq.heappop(ready)
        if key in done:
            continue
        done.add(key)
        out.append(key)
        for user in users[key]:
            waiting[user] -= 1
            if waiting[user] == 0 and user not in done:
                heapq.heappush(ready, (_sort_key(user), user))
    return out


def _sort_key(key: TableKey) -> tuple[str, str]:
    return key[0] or "", key[1]


def _reflect(ctx: AutogenContext, plan: SchemaPlan) -> None:
    for schema in plan.schemas:
        names, filtered = table_names(ctx, schema)
        plan.reflected.update(reflect_tables(ctx.inspector, schema, names, filtered=filtered))


def _object_filter_table(ctx: AutogenContext, reflected: ReflectedTable) -> sa.Table | None:
    """The reflected Table for ``include_object``, built only when there is such a hook."""
    if ctx.opts["include_object"] is None:
        return None
    return reflected.table(ctx_reflection_metadata(ctx))


def ctx_reflection_metadata(ctx: AutogenContext) -> sa.MetaData:
    """The run's MetaData for Tables built from reflection."""
    return ctx.reflected_metadata


@comparator("schema", order=10, name="tables")
def compare_tables(ctx: AutogenContext, plan: SchemaPlan) -> None:
    _reflect(ctx, plan)
    plan.model = model_tables(ctx, plan.schemas)
    model_keys = set(plan.model)
    conn_keys = set(plan.reflected)

    added: dict[TableKey, sa.Table] = {}
    for key in sorted(model_keys - conn_keys, key=_sort_key):
        table = plan.model[key]
        if ctx.run_object_filters(table, table.name, "table", False, None):
            added[key] = table
    removed: dict[TableKey, ReflectedTable] = {}
    for key in sorted(conn_keys - model_keys, key=_sort_key):
        reflected = plan.reflected[key]
        obj = _object_filter_table(ctx, reflected)
        if ctx.run_object_filters(obj, reflected.name, "table", True, None):
            removed[key] = reflected

    pairs: list[tuple[TableKey, TableKey]] = []
    for old_key, new_key, detected in renames.match_tables(ctx, added, removed):
        pairs.append((old_key, new_key))
        old = removed.pop(old_key)
        table = added.pop(new_key)
        op = ops.RenameTableOp(old.name, table.name, schema=new_key[0])
        renames.mark(op, detected=detected)
        plan.renames.append(op)
        follow = pg_renames.RENAMERS.get(ctx.dialect.name)
        if follow is not None:
            plan.renames.extend(follow(ctx, old, table))
        plan.table_diffs[new_key] = TableDiff(
            new_key[0], table.name, table, old, renamed_from=old.name
        )
    plan.added, plan.removed = added, removed

    for key in sorted(model_keys & conn_keys, key=_sort_key):
        table, reflected = plan.model[key], plan.reflected[key]
        if ctx.run_object_filters(
            table, table.name, "table", False, _object_filter_table(ctx, reflected)
        ):
            plan.table_diffs[key] = TableDiff(key[0], table.name, table, reflected)

    for key in dependency_order(added, lambda k: _model_deps(ctx, added[k])):
        plan.creates.append(create_table_op(ctx, added[key]))

    renamed = dict(pairs)
    for key in sorted(plan.table_diffs, key=_sort_key):
        diff = plan.table_diffs[key]
        diff.table_renames = renamed
        run("table", ctx, diff)
        table_ops = diff.ops()
        if table_ops:
            plan.modifies.append(ops.ModifyTableOps(diff.name, table_ops, schema=diff.schema))

    order = dependency_order(removed, lambda k: _reflected_deps(ctx, removed[k]))
    md = ctx_reflection_metadata(ctx)
    for key in reversed(order):
        plan.drops.append(ops.DropTableOp.from_table(removed[key].table(md)))


def create_table_op(ctx: AutogenContext, table: sa.Table) -> ops.CreateTableOp:
    """create_table for a new model table.

    Expression (functional) indexes are restated with their SQL as text on a copy of the
    table: the model's expressions are bound to the model's Table, which the directive's
    own Table cannot adopt (and text is what Alembic renders too).
    """
    exprs = [ix for ix in table.indexes if not _plain_index(ix)]
    flagged = _convention_named_flags(table)
    if not exprs and not flagged:
        return ops.CreateTableOp.from_table(table)
    from mig.autogen.compare.indexes import index_op

    copy = table.to_metadata(sa.MetaData(naming_convention=table.metadata.naming_convention))
    _state_flags(copy, flagged)
    for index in list(copy.indexes):
        if _plain_index(index):
            continue
        copy.indexes.discard(index)
        op = index_op(ctx, index, table.name, table.schema)
        items = [copy.c[c] if isinstance(c, str) else c for c in op.columns]
        sa.Index(op.index_name, *items, unique=op.unique, _table=copy, **op.kw)
    return ops.CreateTableOp.from_table(copy)


def _convention_named_flags(table: sa.Table) -> set[tuple[str, str]]:
    """``(kind, column)`` of the ``unique=True`` / ``index=True`` flags a naming convention
    names differently from what the flag alone gives in ``op.create_table`` (whose MetaData
    has the default convention: unique unnamed, index ``ix_<table>_<column>``)."""
    convention = table.metadata.naming_convention
    out: set[tuple[str, str]] = set()
    for item in [*table.constraints, *table.indexes]:
        if not getattr(item, "_column_flag", False) or not isinstance(item.name, str):
            continue
        column = next(iter(item.columns)).name
        if isinstance(item, sa.UniqueConstraint):
            out.add(("unique", column))
        elif isinstance(item, sa.Index) and convention.get("ix") != _DEFAULT_IX:
            out.add(("index", column))
    return out


_DEFAULT_IX = sa.MetaData().naming_convention.get("ix")


def _state_flags(copy: sa.Table, flagged: set[tuple[str, str]]) -> None:
    """Turn convention-named column flags into constraints and indexes of their own, named
    with their final (``conv``) name, so create_table keeps the model's names."""
    for item in [*copy.constraints, *copy.indexes]:
        if not getattr(item, "_column_flag", False) or not isinstance(item.name, str):
            continue
        column = next(iter(item.columns))
        kind = "unique" if isinstance(item, sa.UniqueConstraint) else "index"
        if (kind, column.name) not in flagged:
            continue
        item._column_flag = False
        item.name = sa.sql.elements.conv(str(item.name))
        if kind == "unique":
            column.unique = None
        else:
            column.index = None


def _plain_index(index: sa.Index) -> bool:
    return all(isinstance(e, sa.Column) for e in index.expressions) and not any(
        k.endswith("_where") and v is not None for k, v in index.dialect_kwargs.items()
    )


def _model_deps(ctx: AutogenContext, table: sa.Table) -> set[TableKey]:
    return {referred_key(ctx, fkc) for fkc in table.foreign_key_constraints}


def _reflected_deps(ctx: AutogenContext, table: ReflectedTable) -> set[TableKey]:
    return {reflected_referred_key(ctx, table, fk) for fk in table.foreign_keys}
