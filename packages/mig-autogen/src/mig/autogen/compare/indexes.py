"""Indexes and unique constraints, compared together because databases blur the two.

Each side is turned into a list of ``Entry`` (kind, name, columns or expressions, unique,
PostgreSQL ``WHERE``/method). The quirks of each database are settled first:

- PostgreSQL reports a unique constraint twice (the constraint and the index behind it):
  the index is dropped from the list (``duplicates_constraint``).
- MySQL/MariaDB have no unique constraint apart from a unique index: both sides' unique
  constraints are compared as unique indexes, and the database's double report
  (``duplicates_index``) is dropped.
- MySQL/MariaDB create an index for a foreign key that has none: a database index the
  model lacks is left alone while a foreign key (kept, or in the model) still needs it.
- SQLite and unnamed model constraints: an entry without a name is matched by what it
  covers instead of by name.
- PostgreSQL expression and partial indexes: columns, uniqueness and method are compared;
  an expression or ``WHERE`` clause that reads differently after loose normalisation may
  only be spelled differently by the database, so it is reported as a warning, not a
  change.

Entries present on one side only become create/drop directives; entries that changed
become a drop and a create (in that order, so a name can be reused). The per-database
quirks are :class:`IndexRules` objects registered by dialect in :data:`INDEX_RULES`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from mig import ops
from mig.autogen.compare import unnamed
from mig.autogen.compare.computed import expression_text, normalize_sql
from mig.autogen.compare.naming import default_constraint_name
from mig.autogen.compare.reflect import index_columns, index_kwargs
from mig.autogen.compare.registry import comparator
from mig.autogen.compare.state import TableDiff
from mig.autogen.context import AutogenContext
from mig.autogen.ordering import sorted_items
from mig.ops.dispatch import Dispatcher

MYSQL = ("mysql", "mariadb")


@dataclass
class Entry:
    kind: str  # "index" or "unique"
    name: str | None
    columns: tuple[str, ...]
    """Column names, or ``"expr:<normalised sql>"`` for an expression."""
    unique: bool
    where: str | None = None
    using: str | None = None
    source: str = "model"
    obj: Any = None
    """The model's Index/UniqueConstraint, or the reflected dictionary."""
    raw_expressions: list[str] = field(default_factory=list)

    @property
    def signature(self) -> tuple[Any, ...]:
        return (self.kind, self.columns, self.unique)

    @property
    def has_expressions(self) -> bool:
        return any(c.startswith("expr:") for c in self.columns)


class IndexRules:
    """How a database treats indexes and unique constraints; the generic one has no quirks.

    Looked up per dialect in :data:`INDEX_RULES` (keyed by ``TableDiff``, the thing being
    compared), so a database's quirks are one registered object, not branches in the
    comparison; a third-party dialect registers its own the same way.
    """

    unique_is_index = False
    """The database has no unique constraint apart from a unique index (MySQL)."""
    keeps_fk_indexes = False
    """The database makes an index for a foreign key that has none, and needs it kept."""

    def model_where_using(self, index: sa.Index) -> tuple[Any, str | None]:
        """A model index's ``WHERE`` clause and method, where the database has them."""
        return None, None

    def reflected_using(self, options: dict[str, Any]) -> str | None:
        """A reflected index's method, from its dialect options."""
        return None


class PostgresIndexRules(IndexRules):
    """Partial indexes (``WHERE``) and index methods (``USING``, btree by default)."""

    def model_where_using(self, index: sa.Index) -> tuple[Any, str | None]:
        options = index.dialect_options["postgresql"]
        return options.get("where"), options.get("using") or "btree"

    def reflected_using(self, options: dict[str, Any]) -> str | None:
        return options.get("postgresql_using") or "btree"


class MySQLIndexRules(IndexRules):
    unique_is_index = True
    keeps_fk_indexes = True


INDEX_RULES: Dispatcher[IndexRules] = Dispatcher("index rules", {TableDiff: IndexRules()})
INDEX_RULES.register(TableDiff, PostgresIndexRules(), "postgresql")
for _name in MYSQL:
    INDEX_RULES.register(TableDiff, MySQLIndexRules(), _name)


def rules(ctx: AutogenContext) -> IndexRules:
    """The index rules of the database being compared (generic without a dialect)."""
    return INDEX_RULES.require(TableDiff, ctx.dialect.name if ctx.dialect is not None else None)


def model_name(obj: Any) -> str | None:
    """The name a model object has (a naming convention's result included), or None."""
    name = obj.name
    return str(name) if isinstance(name, str) else None


def _model_index(ctx: AutogenContext, index: sa.Index) -> Entry:
    cols: list[str] = []
    raw: list[str] = []
    for expr in index.expressions:
        if isinstance(expr, sa.Column):
            cols.append(expr.name)
        elif isinstance(expr, str):
            cols.append(expr)
        else:
            text = expression_text(ctx, expr)
            raw.append(text)
            cols.append("expr:" + normalize_sql(text))
    where, using = rules(ctx).model_where_using(index)
    return Entry(
        "index",
        model_name(index),
        tuple(cols),
        bool(index.unique),
        where=None if where is None else expression_text(ctx, where),
        using=using,
        obj=index,
        raw_expressions=raw,
    )


def _model_unique(ctx: AutogenContext, constraint: sa.UniqueConstraint) -> Entry:
    return Entry(
        "index" if rules(ctx).unique_is_index else "unique",
        model_name(constraint),
        tuple(c.name for c in constraint.columns),
        True,
        obj=constraint,
    )


def _reflected_index(ctx: AutogenContext, info: dict[str, Any]) -> Entry:
    cols: list[str] = []
    raw: list[str] = []
    for item in index_columns(info):
        if isinstance(item, str):
            cols.append(item)
        else:
            raw.append(item.text)
            cols.append("expr:" + normalize_sql(item.text))
    options = info.get("dialect_options") or {}
    return Entry(
        "index",
        info.get("name"),
        tuple(cols),
        bool(info.get("unique")),
        where=options.get("postgresql_where"),
        using=rules(ctx).reflected_using(options),
        source="database",
        obj=info,
        raw_expressions=raw,
    )


def _reflected_unique(info: dict[str, Any]) -> Entry:
    return Entry(
        "unique",
        info.get("name"),
        tuple(info["column_names"]),
        True,
        source="database",
        obj=info,
    )


def model_entries(ctx: AutogenContext, diff: TableDiff) -> list[Entry]:
    out: list[Entry] = []
    for index in sorted_items(diff.model.indexes):
        entry = _model_index(ctx, index)
        if ctx.run_object_filters(index, entry.name, "index", False, None):
            out.append(entry)
    uniques = [c for c in diff.model.constraints if isinstance(c, sa.UniqueConstraint)]
    for constraint in sorted_items(uniques):
        entry = _model_unique(ctx, constraint)
        if ctx.run_object_filters(constraint, entry.name, "unique_constraint", False, None):
            out.append(entry)
    return out


def _rename_columns(entry: Entry, diff: TableDiff) -> Entry:
    if diff.column_renames:
        entry.columns = tuple(
            c if c.startswith("expr:") else diff.model_name(c) for c in entry.columns
        )
    return entry


def reflected_entries(ctx: AutogenContext, diff: TableDiff) -> list[Entry]:
    reflected = diff.reflected
    parents = diff.parent_names
    out: list[Entry] = []
    for info in reflected.indexes:
        if info.get("duplicates_constraint"):
            continue
        if not ctx.run_name_filters(info.get("name"), "index", parents):
            continue
        out.append(_rename_columns(_reflected_index(ctx, info), diff))
    for info in reflected.unique_constraints:
        if info.get("duplicates_index") or rules(ctx).unique_is_index:
            continue
        if not ctx.run_name_filters(info.get("name"), "unique_constraint", parents):
            continue
        out.append(_rename_columns(_reflected_unique(info), diff))
    return out


def _match(
    model: list[Entry], conn: list[Entry]
) -> tuple[list[tuple[Entry, Entry]], list[Entry], list[Entry]]:
    """Pair entries by name, then unnamed ones by what they cover."""
    pairs: list[tuple[Entry, Entry]] = []
    conn_by_name = {e.name: e for e in conn if e.name is not None}
    left_model: list[Entry] = []
    for entry in model:
        other = conn_by_name.pop(entry.name, None) if entry.name is not None else None
        if other is not None:
            pairs.append((entry, other))
        else:
            left_model.append(entry)
    left_conn = [e for e in conn if e.name is None or e.name in conn_by_name]
    still_model: list[Entry] = []
    for entry in left_model:
        other = next(
            (
                c
                for c in left_conn
                if c.signature == entry.signature and (entry.name is None or c.name is None)
            ),
            None,
        )
        if other is not None:
            left_conn.remove(other)
            pairs.append((entry, other))
        else:
            still_model.append(entry)
    return pairs, still_model, left_conn


def _differences(ctx: AutogenContext, diff: TableDiff, model: Entry, conn: Entry) -> list[str]:
    """What differs between two entries of one name; uncomparable parts are warned about."""
    where = f"{diff.name}.{model.name or conn.name}"
    found: list[str] = []
    if model.kind != conn.kind:
        found.append(f"{conn.kind} -> {model.kind}")
    if model.unique != conn.unique:
        found.append(f"unique {conn.unique} -> {model.unique}")
    if len(model.columns) != len(conn.columns):
        found.append("columns")
    else:
        plain_differs = any(
            m != c
            for m, c in zip(model.columns, conn.columns, strict=True)
            if not (m.startswith("expr:") and c.startswith("expr:"))
        )
        if plain_differs:
            found.append("columns")
        elif model.columns != conn.columns:
            ctx.warn(
                f"index {where}: its expressions read {conn.raw_expressions!r} in the "
                f"database and {model.raw_expressions!r} in the model; they may be the same "
                "expression spelled differently, so no change is generated (drop and create "
                "the index by hand if it did change)"
            )
    if (model.where is None) != (conn.where is None):
        found.append("where")
    elif model.where is not None and normalize_sql(model.where) != normalize_sql(conn.where or ""):
        ctx.warn(
            f"index {where}: its WHERE clause reads {conn.where!r} in the database and "
            f"{model.where!r} in the model; no change is generated"
        )
    if model.using != conn.using and model.kind == conn.kind == "index":
        found.append("using")
    return found


def _fk_needs(ctx: AutogenContext, diff: TableDiff, entry: Entry) -> bool:
    """MySQL: whether a foreign key (kept, or in the model) relies on this index."""
    if entry.kind != "index" or entry.has_expressions:
        return False
    dropped = {id(fk) for fk in diff.dropped_fks}
    covered: list[tuple[str, ...]] = [
        tuple(diff.model_name(c) for c in fk["constrained_columns"])
        for fk in diff.reflected.foreign_keys
        if id(fk) not in dropped
    ]
    covered += [tuple(c.name for c in fkc.columns) for fkc in diff.model.foreign_key_constraints]
    return any(entry.columns[: len(cols)] == cols for cols in covered if cols)


# -- directives ---------------------------------------------------------------------------


def _generated_name(ctx: AutogenContext, table: str, columns: tuple[str, ...]) -> str:
    """What the database calls an unnamed unique constraint (see ``naming``)."""
    limit = getattr(ctx.dialect, "max_identifier_length", None)
    return default_constraint_name(ctx.dialect.name, limit, table, columns, "unique")


def index_op(
    ctx: AutogenContext, index: sa.Index, table_name: str, schema: str | None
) -> ops.CreateIndexOp:
    """create_index for a model index; expressions and ``WHERE`` become SQL text.

    The model's expressions are bound to the model's Table; as text (what the database
    will store anyway) the directive stands alone, as Alembic renders them.
    """
    columns: list[Any] = []
    for expr in index.expressions:
        if isinstance(expr, sa.Column):
            columns.append(expr.name)
        elif isinstance(expr, str):
            columns.append(expr)
        else:
            columns.append(sa.text(expression_text(ctx, expr)))
    kw = dict(index.dialect_kwargs)
    for key, value in list(kw.items()):
        if key.endswith("_where") and value is not None and not isinstance(value, str):
            kw[key] = sa.text(expression_text(ctx, value))
    return ops.CreateIndexOp(
        None if index.name is None else str(index.name),
        table_name,
        columns,
        schema=schema,
        unique=bool(index.unique),
        **kw,
    )


def create_op(ctx: AutogenContext, diff: TableDiff, entry: Entry) -> ops.MigrateOperation:
    obj = entry.obj
    if isinstance(obj, sa.Index):
        return index_op(ctx, obj, diff.name, diff.schema)
    name = entry.name or _generated_name(ctx, diff.name, entry.columns)
    kw = dict(obj.dialect_kwargs)
    for option in ("deferrable", "initially"):
        if getattr(obj, option, None) is not None:
            kw[option] = getattr(obj, option)
    return ops.CreateUniqueConstraintOp(
        name, diff.name, list(entry.columns), schema=diff.schema, **kw
    )


def drop_op(diff: TableDiff, entry: Entry) -> ops.MigrateOperation | None:
    """The drop of a reflected entry; None when it was emitted as part of a rebuild."""
    info = entry.obj
    if entry.kind == "unique":
        restore = ops.CreateUniqueConstraintOp(
            entry.name, diff.name, list(info["column_names"]), schema=diff.schema
        )
        if entry.name is None:  # SQLite: the table is rebuilt without it
            unnamed.emit_rebuild_drop(diff, "drop_index", "unique", info["column_names"], restore)
            return None
        return ops.DropConstraintOp(
            entry.name, diff.name, type_="unique", schema=diff.schema, restore=restore
        )
    restore_index = ops.CreateIndexOp(
        entry.name,
        diff.name,
        index_columns(info),
        schema=diff.schema,
        unique=bool(info.get("unique")),
        **index_kwargs(info),
    )
    return ops.DropIndexOp(entry.name, diff.name, schema=diff.schema, restore=restore_index)


def _emit_drop(diff: TableDiff, entry: Entry) -> None:
    op = drop_op(diff, entry)
    if op is not None:
        diff.emit("drop_index", op)


def _object_for_filter(ctx: AutogenContext, diff: TableDiff, entry: Entry) -> Any:
    if ctx.opts["include_object"] is None:
        return None
    from mig.autogen.compare.tables import ctx_reflection_metadata

    table = diff.reflected.table(ctx_reflection_metadata(ctx))
    if entry.kind == "index":
        return next((i for i in table.indexes if i.name == entry.name), None)
    return next(
        (
            c
            for c in table.constraints
            if isinstance(c, sa.UniqueConstraint) and c.name == entry.name
        ),
        None,
    )


@comparator("table", order=30, name="indexes")
def compare_indexes(ctx: AutogenContext, diff: TableDiff) -> None:
    model = [e for e in model_entries(ctx, diff)]
    conn = reflected_entries(ctx, diff)
    pairs, added, removed = _match(model, conn)

    for entry in removed:
        if rules(ctx).keeps_fk_indexes and _fk_needs(ctx, diff, entry):
            continue
        type_ = "index" if entry.kind == "index" else "unique_constraint"
        obj = _object_for_filter(ctx, diff, entry)
        if not ctx.run_object_filters(obj, entry.name, type_, True, None):
            continue
        _emit_drop(diff, entry)

    for model_entry, conn_entry in pairs:
        rewritten = diff.rewritten_columns.intersection(conn_entry.columns)
        if not rewritten and not _differences(ctx, diff, model_entry, conn_entry):
            continue
        _emit_drop(diff, conn_entry)
        diff.emit("add_index", create_op(ctx, diff, model_entry))

    for entry in added:
        if rules(ctx).keeps_fk_indexes:
            _rebuild_absorbed_fks(ctx, diff, entry, pairs)
        diff.emit("add_index", create_op(ctx, diff, entry))


def _rebuild_absorbed_fks(
    ctx: AutogenContext, diff: TableDiff, entry: Entry, pairs: list[tuple[Entry, Entry]]
) -> None:
    """MySQL: a new index that covers a kept foreign key whose only index is the one the
    database made for it takes that index's place (MySQL drops its own), and the
    downgrade's ``drop_index`` then fails (error 1553) while the key needs it. Dropping the
    key before the index is created and creating it again after makes both directions
    run: on the way back the key is dropped before the index and its re-creation gives it
    an index of its own again."""
    if entry.has_expressions:
        return
    from mig.autogen.compare.foreign_keys import drop_op as fk_drop_op

    kept = {tuple(c.columns) for c, _ in pairs}
    kept.add(tuple(diff.model_name(c) for c in diff.reflected.pk_columns))
    dropped = {id(fk) for fk in diff.dropped_fks}
    for fk in diff.reflected.foreign_keys:
        cols = tuple(diff.model_name(c) for c in fk["constrained_columns"])
        if id(fk) in dropped or not fk.get("name") or entry.columns[: len(cols)] != cols:
            continue
        if any(k[: len(cols)] == cols for k in kept):
            continue  # another index the table keeps serves the key
        drop = fk_drop_op(ctx, diff, fk)
        diff.dropped_fks.append(fk)
        diff.emit("drop_fk", drop)
        assert drop.restore is not None
        diff.emit("add_fk", drop.restore)
