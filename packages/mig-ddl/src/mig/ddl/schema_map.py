"""Schema names under a connection's ``schema_translate_map``.

Multi-tenant projects run one history against many schemas by giving the run's connection
``execution_options(schema_translate_map={None: "tenant_a"})``. SQLAlchemy applies the map
to what it compiles (a table's schema becomes a placeholder the connection fills in when
the statement runs) and to Table reflection, but not to an Inspector's ``has_table`` /
``get_columns`` calls, which take a schema name as given. mig's own elements name a table
by (name, schema) strings, not by a Table, so they ask here, for each side:

- :func:`compiled_schema` while compiling (the placeholder, or the schema as given when the
  compiler has no map);
- :func:`catalog_schema` before looking in the catalog (the schema the statements reach).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.sql.compiler import IdentifierPreparer


class SchemaOf:
    """What SQLAlchemy's map reads of a schema item: its ``schema`` and whether to map it."""

    __slots__ = ("schema",)
    _use_schema_map = True

    def __init__(self, schema: str | None) -> None:
        self.schema = schema


def compiled_schema(preparer: IdentifierPreparer, schema: str | None) -> str | None:
    """The schema to write in a statement being compiled by ``preparer``'s compiler."""
    return preparer.schema_for_object(SchemaOf(schema))  # type: ignore[arg-type]


def catalog_schema(connection: Any, schema: str | None) -> str | None:
    """The schema ``connection``'s statements reach for ``schema`` (None: the default one).

    Offline there is no connection, and no map: the schema is the one given.
    """
    if connection is None:
        return schema
    return connection.schema_for_object(SchemaOf(schema))
