"""Bulk reflection: one catalog query per kind of object per schema, whatever the table count.

``Inspector.get_multi_*`` returns the columns (keys, indexes, ...) of every table of a schema
at once, which is what makes comparing a large model fast on PostgreSQL. Only the tables
that ``include_name`` let through are asked for (``filter_names``), so a filtered table is
never reflected. (SQLite and MySQL have no bulk catalog queries in SQLAlchemy: their
dialects read each table on its own behind the same call.)

The raw dictionaries are kept: the comparators need details that a ``Table`` loses (which
index duplicates a unique constraint, PostgreSQL's expressions and ``WHERE`` clauses).
SQLAlchemy objects are built from them on demand: a ``Column`` for the type and default
comparisons, a whole ``Table`` for a dropped table (to restore it on downgrade) or for
``include_object``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Inspector

from mig.autogen.compare.sqlite_indexes import add_expression_indexes

if TYPE_CHECKING:
    from mig.autogen.context import AutogenContext

# dialect name -> schemas that hold the database's own catalog, never compared.
SYSTEM_SCHEMAS: dict[str, frozenset[str]] = {
    "postgresql": frozenset({"information_schema"}),
    "mysql": frozenset({"information_schema", "performance_schema", "mysql", "sys"}),
    "mariadb": frozenset({"information_schema", "performance_schema", "mysql", "sys"}),
    "mssql": frozenset({"INFORMATION_SCHEMA", "sys", "guest"}),
}

MIG_TABLES = ("mig_lock",)
"""mig's own bookkeeping tables besides the version table: never part of a model."""


@dataclass
class ReflectedTable:
    """One table as the database describes it (SQLAlchemy's reflection dictionaries)."""

    schema: str | None
    name: str
    columns: list[dict[str, Any]]
    pk: dict[str, Any]
    foreign_keys: list[dict[str, Any]]
    indexes: list[dict[str, Any]]
    unique_constraints: list[dict[str, Any]]
    check_constraints: list[dict[str, Any]]
    comment: str | None
    dialect_name: str
    _column_objects: dict[str, sa.Column] = field(default_factory=dict, repr=False)
    _table: sa.Table | None = field(default=None, repr=False)
    _infos: dict[str, dict[str, Any]] | None = field(default=None, repr=False)

    @property
    def key(self) -> tuple[str | None, str]:
        return self.schema, self.name

    @property
    def column_names(self) -> list[str]:
        return [c["name"] for c in self.columns]

    def column_info(self, name: str) -> dict[str, Any]:
        by_name = self._infos
        if by_name is None:
            by_name = self._infos = {info["name"]: info for info in self.columns}
        return by_name[name]

    def column(self, name: str) -> sa.Column:
        """The reflected column as a detached ``Column`` (built once)."""
        col = self._column_objects.get(name)
        if col is None:
            col = build_column(self.column_info(name), name in self.pk_columns)
            self._column_objects[name] = col
        return col

    @property
    def pk_columns(self) -> list[str]:
        return list(self.pk.get("constrained_columns") or [])

    def table(self, metadata: sa.MetaData | None = None) -> sa.Table:
        """The whole table as a ``Table`` (columns, keys, indexes, checks, comment)."""
        if self._table is None:
            self._table = build_table(self, metadata or sa.MetaData())
        return self._table


def normalize_columns(dialect_name: str, columns: list[dict[str, Any]]) -> None:
    """Drop what reflection reports that the model never states.

    PostgreSQL reports a SERIAL column's ``nextval('t_id_seq'::regclass)`` as its server
    default; the model says ``autoincrement`` instead, and restoring the default verbatim
    would name a sequence that went away with the table.
    """
    if dialect_name != "postgresql":
        return
    for info in columns:
        default = info.get("default")
        if (
            info.get("autoincrement") is True
            and isinstance(default, str)
            and default.startswith("nextval(")
        ):
            info["default"] = None


def _server_default(info: dict[str, Any]) -> Any:
    default = info.get("default")
    if default is None or info.get("computed") or info.get("identity"):
        return None
    return sa.DefaultClause(sa.text(default))


def build_column(info: dict[str, Any], primary_key: bool = False) -> sa.Column:
    args: list[Any] = []
    computed = info.get("computed")
    if computed:
        args.append(sa.Computed(sa.text(computed["sqltext"]), persisted=computed.get("persisted")))
    identity = info.get("identity")
    if identity:
        args.append(sa.Identity(**{k: v for k, v in identity.items() if v is not None}))
    default = _server_default(info)
    kw: dict[str, Any] = {
        "nullable": bool(info.get("nullable", True)),
        "comment": info.get("comment"),
        "primary_key": primary_key,
    }
    if default is not None:
        args.append(default)
    autoincrement = info.get("autoincrement")
    if isinstance(autoincrement, bool):
        kw["autoincrement"] = autoincrement
    return sa.Column(info["name"], info["type"], *args, **kw)


def _index_expressions(info: dict[str, Any]) -> list[Any]:
    names = info.get("column_names") or []
    exprs = info.get("expressions") or []
    out: list[Any] = []
    for i, name in enumerate(names):
        if name is not None:
            out.append(name)
        elif i < len(exprs):
            out.append(sa.text(exprs[i]))
    if not names:
        out = [sa.text(e) for e in exprs]
    return out


def index_kwargs(info: dict[str, Any]) -> dict[str, Any]:
    """Dialect options of a reflected index worth restating (``WHERE``, method, INCLUDE)."""
    options = dict(info.get("dialect_options") or {})
    out: dict[str, Any] = {}
    where = options.get("postgresql_where")
    if where:
        out["postgresql_where"] = sa.text(where)
    using = options.get("postgresql_using")
    if using and using != "btree":
        out["postgresql_using"] = using
    include = options.get("postgresql_include") or info.get("include_columns")
    if include:
        out["postgresql_include"] = list(include)
    return out


def build_index(info: dict[str, Any], table: sa.Table) -> sa.Index:
    exprs = [table.c[e] if isinstance(e, str) else e for e in _index_expressions(info)]
    return sa.Index(
        info["name"], *exprs, unique=bool(info.get("unique")), _table=table, **index_kwargs(info)
    )


def index_columns(info: dict[str, Any]) -> list[str | sa.TextClause]:
    """The columns (names) and expressions (``text``) of a reflected index, in order."""
    return _index_expressions(info)


def fk_refcolumns(info: dict[str, Any]) -> list[str]:
    prefix = f"{info['referred_schema']}." if info.get("referred_schema") else ""
    return [f"{prefix}{info['referred_table']}.{c}" for c in info["referred_columns"]]


def build_table(reflected: ReflectedTable, metadata: sa.MetaData) -> sa.Table:
    pk_cols = reflected.pk_columns
    items: list[Any] = [build_column(c, c["name"] in pk_cols) for c in reflected.columns]
    if pk_cols and reflected.pk.get("name"):
        items.append(sa.PrimaryKeyConstraint(*pk_cols, name=reflected.pk["name"]))
    for fk in reflected.foreign_keys:
        options = {k: v for k, v in (fk.get("options") or {}).items() if v is not None}
        items.append(
            sa.ForeignKeyConstraint(
                fk["constrained_columns"], fk_refcolumns(fk), name=fk.get("name"), **options
            )
        )
    for uq in reflected.unique_constraints:
        if uq.get("duplicates_index"):
            continue  # MySQL: the unique index below is the same object
        items.append(sa.UniqueConstraint(*uq["column_names"], name=uq.get("name")))
    for ck in reflected.check_constraints:
        items.append(sa.CheckConstraint(sa.text(ck["sqltext"]), name=ck.get("name")))
    table = sa.Table(
        reflected.name,
        metadata,
        *items,
        schema=reflected.schema,
        comment=reflected.comment,
        extend_existing=True,
    )
    for ix in reflected.indexes:
        if ix.get("duplicates_constraint"):
            continue  # PostgreSQL: the index behind a unique constraint
        build_index(ix, table)
    return table


EXTRA_INDEXES: dict[str, Callable[..., None]] = {"sqlite": add_expression_indexes}
"""Dialect -> what adds the indexes SQLAlchemy's reflection skips (SQLite's expression
indexes)."""

UNIQUES_FROM_INDEXES = frozenset({"postgresql"})
"""Dialects whose index reflection names the unique constraint behind each index
(``duplicates_constraint``): their unique constraints are read from it, which saves the
slowest catalog query of a large schema."""


def uniques_from_indexes(indexes: dict[Any, list[dict[str, Any]]]) -> dict[Any, list[dict]]:
    out: dict[Any, list[dict[str, Any]]] = {}
    for key, items in indexes.items():
        out[key] = [
            {"name": ix["duplicates_constraint"], "column_names": list(ix["column_names"])}
            for ix in items
            if ix.get("duplicates_constraint") and ix.get("unique")
        ]
    return out


def _multi(getter: Callable[..., Any], schema: str | None, names: Sequence[str] | None) -> Any:
    try:
        return getter(schema=schema, filter_names=names)
    except NotImplementedError:
        return {}


def reflect_tables(
    inspector: Inspector, schema: str | None, names: Sequence[str], *, filtered: bool
) -> dict[tuple[str | None, str], ReflectedTable]:
    """Reflect ``names`` of ``schema`` in bulk.

    ``filtered`` says some tables of the schema were left out: only then are the names
    passed to the catalog queries (an unfiltered run asks for the whole schema, which is
    one plain query instead of one with thousands of parameters).
    """
    if not names:
        return {}
    wanted = list(names) if filtered else None
    columns = _multi(inspector.get_multi_columns, schema, wanted)
    pks = _multi(inspector.get_multi_pk_constraint, schema, wanted)
    fks = _multi(inspector.get_multi_foreign_keys, schema, wanted)
    dialect_name = inspector.dialect.name
    extra = EXTRA_INDEXES.get(dialect_name)
    if extra is None:
        indexes = _multi(inspector.get_multi_indexes, schema, wanted)
    else:
        with warnings.catch_warnings():  # the indexes it skips are read by ``extra``
            warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
            indexes = _multi(inspector.get_multi_indexes, schema, wanted)
        extra(inspector.bind, schema, names, indexes)
    if dialect_name in UNIQUES_FROM_INDEXES:
        uniques = uniques_from_indexes(indexes)
    else:
        uniques = _multi(inspector.get_multi_unique_constraints, schema, wanted)
    checks = _multi(inspector.get_multi_check_constraints, schema, wanted)
    comments = (
        _multi(inspector.get_multi_table_comment, schema, wanted)
        if inspector.dialect.supports_comments
        else {}
    )
    out: dict[tuple[str | None, str], ReflectedTable] = {}
    for name in names:
        key = (schema, name)
        if key not in columns:
            continue  # gone between listing and reflecting, or not a plain table
        normalize_columns(dialect_name, columns[key])
        out[key] = ReflectedTable(
            schema=schema,
            name=name,
            columns=columns[key],
            pk=pks.get(key) or {},
            foreign_keys=fks.get(key) or [],
            indexes=indexes.get(key) or [],
            unique_constraints=uniques.get(key) or [],
            check_constraints=checks.get(key) or [],
            comment=(comments.get(key) or {}).get("text"),
            dialect_name=dialect_name,
        )
    return out


def schemas_to_compare(ctx: AutogenContext) -> list[str | None]:
    """``[None]`` (the default schema), or every schema ``include_name`` accepts."""
    if not ctx.include_schemas:
        return [None] if ctx.run_name_filters(None, "schema", {}) else []
    inspector = ctx.inspector
    default = ctx.default_schema_name
    system = SYSTEM_SCHEMAS.get(inspector.dialect.name, frozenset())
    found: set[str | None] = {None}
    for name in inspector.get_schema_names():
        if name in system or name.startswith("pg_"):
            continue
        found.add(None if name == default else name)
    # the default schema is offered to include_name as None, as Alembic does
    out = [s for s in found if ctx.run_name_filters(s, "schema", {})]
    return sorted(out, key=lambda s: (s is not None, s or ""))


def table_names(ctx: AutogenContext, schema: str | None) -> tuple[list[str], bool]:
    """The tables of ``schema`` to reflect, and whether ``include_name`` left any out."""
    own = [t for t in (ctx.version_table, ctx.history_table) if t is not None]
    own_keys = {(_norm(ctx, t[0]), t[1]) for t in own}
    all_names = ctx.inspector.get_table_names(schema=schema)
    kept: list[str] = []
    filtered = False
    for name in sorted(all_names):
        if (schema, name) in own_keys:
            filtered = True
            continue
        if name in MIG_TABLES:
            filtered = True
            continue
        if not ctx.run_name_filters(name, "table", {"schema_name": schema, "table_name": name}):
            filtered = True
            continue
        kept.append(name)
    return kept, filtered


def _norm(ctx: AutogenContext, schema: str | None) -> str | None:
    return None if schema == ctx.default_schema_name else schema
