"""AutogenContext: what one autogenerate run knows about the model, the database and the options.

It is built from a mig.runtime MigrationContext (whose ``opts`` carry the options env.py
passed to ``context.configure``) or, for rendering only, from options alone. Comparators
read the options through it rather than from the raw dict, so every option has one default
and one meaning in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect, Inspector

from mig.autogen.options import (  # noqa: F401  (DEFAULT_OPTIONS, AutogenError: public here too)
    DEFAULT_OPTIONS,
    AutogenError,
    AutogenOptions,
)

if TYPE_CHECKING:
    from mig.ddl import DefaultImpl
    from mig.runtime import MigrationContext

NameFilter = Callable[[str | None, str, Mapping[str, Any]], bool]
ObjectFilter = Callable[[Any, str | None, str, bool, Any], bool]


def _metadatas(value: Any) -> list[sa.MetaData]:
    if value is None:
        return []
    items = list(value) if isinstance(value, Sequence) and not isinstance(value, str) else [value]
    for item in items:
        if not isinstance(item, sa.MetaData):
            raise AutogenError(
                f"target_metadata: expected a sqlalchemy MetaData or a list of them, "
                f"got {type(item).__name__} ({item!r:.40}); set it in env.py to the model's "
                f"MetaData (target_metadata = Base.metadata, say)"
            )
    return items


class AutogenContext:
    """One autogenerate run: the migration context, the target MetaData and the options.

    ``migration_context`` may be None when only rendering; then there is no connection,
    dialect or inspector. ``opts`` override the migration context's options.
    ``imports`` collects the import lines a rendered script needs.
    """

    def __init__(
        self,
        migration_context: MigrationContext | None = None,
        metadata: sa.MetaData | Sequence[sa.MetaData] | None = None,
        opts: Mapping[str, Any] | None = None,
        autogenerate: bool = True,
    ) -> None:
        keywords: dict[str, Any] = {}
        if migration_context is not None:
            keywords.update({k: v for k, v in migration_context.opts.items() if v is not None})
        self.options = AutogenOptions.from_keywords(keywords, opts)
        """The run's autogenerate options, built once (typed, frozen)."""
        if metadata is None:
            metadata = self.options.target_metadata
        if autogenerate and migration_context is not None:
            if migration_context.as_sql:
                raise AutogenError(
                    "autogenerate needs a database connection: it cannot run in --sql "
                    "(offline) mode"
                )
            if migration_context.connection is None:
                raise AutogenError("autogenerate needs a migration context with a connection")
        self.migration_context = migration_context
        self.opts: Mapping[str, Any] = MappingProxyType({**keywords, **self.options.as_keywords()})
        """The migration context's keywords with the autogenerate options resolved,
        read-only (what hooks written for Alembic read); mig reads :attr:`options`."""
        self.metadata: sa.MetaData | Sequence[sa.MetaData] | None = metadata
        self.metadatas: list[sa.MetaData] = _metadatas(metadata)
        self.imports: set[str] = set()
        self.autogenerate = autogenerate
        self._inspector: Inspector | None = None
        self.reflected_metadata = sa.MetaData()
        """Where Tables built from reflection live (dropped tables, ``include_object``)."""
        self.type_compare_cache: dict[Any, bool] = {}
        self.warnings: list[str] = []
        self.skipped: list[str] = []
        """Differences seen but left without a directive: ``compare_metadata`` reports them
        (``("skipped", message)``), so ``mig check`` cannot pass while one is left."""
        """What the comparison saw but could not express as a directive (also logged)."""

    def set_metadata(self, metadata: sa.MetaData | Sequence[sa.MetaData] | None) -> None:
        self.metadata = metadata
        self.metadatas = _metadatas(metadata)

    # -- the database ---------------------------------------------------------------------

    @property
    def connection(self) -> Connection | None:
        ctx = self.migration_context
        return None if ctx is None else ctx.connection

    @property
    def dialect(self) -> Dialect | None:
        ctx = self.migration_context
        return None if ctx is None else ctx.dialect

    @property
    def impl(self) -> DefaultImpl | None:
        ctx = self.migration_context
        return None if ctx is None else ctx.impl

    @property
    def inspector(self) -> Inspector:
        """One Inspector for the run, so its cache spans every comparator."""
        if self._inspector is None:
            if self.connection is None:
                raise AutogenError("this autogenerate context has no connection to inspect")
            self._inspector = sa.inspect(self.connection)
        return self._inspector

    @property
    def default_schema_name(self) -> str | None:
        dialect = self.dialect
        return None if dialect is None else dialect.default_schema_name

    # -- options --------------------------------------------------------------------------

    @property
    def include_schemas(self) -> bool:
        return bool(self.options.include_schemas)

    @property
    def detect_renames(self) -> bool:
        return bool(self.options.detect_renames)

    @property
    def compare_check_constraints(self) -> bool:
        return bool(self.options.compare_check_constraints)

    @property
    def version_table(self) -> tuple[str | None, str] | None:
        """(schema, name) of the migration context's version table, never compared."""
        ctx = self.migration_context
        name = getattr(ctx, "version_table", None)
        if name is None:
            return None
        return getattr(ctx, "version_table_schema", None), str(name)

    @property
    def history_table(self) -> tuple[str | None, str] | None:
        """(schema, name) of the migration context's history table, never compared."""
        table = getattr(self.migration_context, "history_table", None)
        if table is None:
            return None
        return table.schema, table.name

    # -- the model ------------------------------------------------------------------------

    @property
    def sorted_tables(self) -> list[sa.Table]:
        """Every Table of the target MetaData(s), each MetaData in dependency order."""
        out: list[sa.Table] = []
        for md in self.metadatas:
            out.extend(md.sorted_tables)
        return out

    @property
    def tables(self) -> list[sa.Table]:
        """Every Table of the target MetaData(s), in definition order (no sorting: the
        comparison orders what it creates and drops itself, in linear time)."""
        out: list[sa.Table] = []
        for md in self.metadatas:
            out.extend(md.tables.values())
        return out

    @property
    def table_key_to_table(self) -> dict[str, sa.Table]:
        """``"schema.name"`` (or ``"name"``) to Table, across the target MetaData(s).

        The same key in two MetaData objects is an error: the model would be ambiguous.
        """
        out: dict[str, sa.Table] = {}
        for md in self.metadatas:
            for key, table in md.tables.items():
                if key in out:
                    raise AutogenError(
                        f"target_metadata: table {key!r} is defined in more than one MetaData"
                    )
                out[key] = table
        return out

    # -- hooks ----------------------------------------------------------------------------

    def run_name_filters(
        self, name: str | None, type_: str, parent_names: Mapping[str, Any]
    ) -> bool:
        """``include_name(name, type_, parent_names)``: False keeps a database object out.

        It is called for names read from the database (schemas, tables, columns, indexes,
        constraints) before their details are used; tables it refuses are never reflected.
        """
        hook = self.options.include_name
        if hook is None:
            return True
        names = dict(parent_names)
        if "schema_name" in names and "table_name" in names:
            schema, table = names["schema_name"], names["table_name"]
            names.setdefault(
                "schema_qualified_table_name", f"{schema}.{table}" if schema else table
            )
        return bool(hook(name, type_, names))

    @property
    def filters_objects(self) -> bool:
        """Is there an ``include_object`` hook? Without one, callers skip building the
        reflected object they would hand it (a reflected ``Column`` with a server default
        costs SQLAlchemy's event setup, the largest part of comparing a wide schema)."""
        return self.options.include_object is not None

    def run_object_filters(
        self, obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
    ) -> bool:
        """``include_object(obj, name, type_, reflected, compare_to)``: False skips the object."""
        hook = self.options.include_object
        if hook is None:
            return True
        return bool(hook(obj, name, type_, reflected, compare_to))

    def warn(self, message: str) -> None:
        """Record something the comparison cannot express as a directive."""
        import logging

        logging.getLogger("mig.autogen").warning(message)
        self.warnings.append(message)

    def skip(self, message: str) -> None:
        """Record a difference the comparison found but cannot express as a directive."""
        self.warn(message)
        self.skipped.append(message)

    def add_imports(self, lines: Iterable[str]) -> None:
        self.imports.update(lines)
