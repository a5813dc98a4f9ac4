"""The version table: one row per applied head, ``version_num`` in each.

The default name is ``mig_version``; pointed at ``alembic_version`` (same column, same
meaning) it reads and keeps an Alembic-managed database as it is, so a project moves to mig
without re-stamping. A step changes the rows from its ``heads_before`` to its
``heads_after``; the statements for that are built here so the runtime can run them inside
the step's own transaction, or write them as text offline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ClauseElement

from mig.ddl.schema_map import catalog_schema

VERSION_COLUMN = "version_num"

DEFAULT_VERSION_TABLE = "mig_version"
"""The version table's name when neither env.py nor the config names one (the one place
it is written: the run options and the history table's default name come from here)."""

_PLAIN_ID = re.compile(r"[A-Za-z0-9_.:@+-]*\Z")
_NO_PARAMETERS = {"no_parameters": True}
"""Revision ids that need no escaping in any SQL dialect: quoted as they are on the fast
path; any other id (a quote, a backslash, a percent sign...) goes as a bound parameter."""


class OwnTable:
    """What mig's own tables (the version table, the history table) share: a name, a schema,
    a ``table`` built by the subclass, and creating it when it is missing."""

    name: str
    schema: str | None
    table: sa.Table

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    def exists(self, connection: Connection) -> bool:
        """Whether the table is there, in the schema a ``schema_translate_map`` makes of
        ours (SQLAlchemy's statements follow the map; reflection does not)."""
        schema = catalog_schema(connection, self.schema)
        return sa.inspect(connection).has_table(self.name, schema=schema)

    def create_statement(self) -> ClauseElement:
        return sa.schema.CreateTable(self.table)

    def ensure(self, connection: Connection) -> bool:
        """Create the table if it is missing; True when it was created."""
        if self.exists(connection):
            return False
        connection.execute(self.create_statement())
        return True


@dataclass(frozen=True)
class VersionTable(OwnTable):
    """Where the applied heads are kept: table name, schema, and whether it has a primary key."""

    name: str = DEFAULT_VERSION_TABLE
    schema: str | None = None
    primary_key: bool = True

    @cached_property
    def table(self) -> sa.Table:
        """The table, built once (a run writes to it after every step)."""
        args: list[sa.SchemaItem] = [sa.Column(VERSION_COLUMN, sa.String(32), nullable=False)]
        if self.primary_key:
            args.append(sa.PrimaryKeyConstraint(VERSION_COLUMN, name=f"{self.name}_pkc"))
        return sa.Table(self.name, sa.MetaData(), *args, schema=self.schema)

    def heads(self, connection: Connection) -> tuple[str, ...]:
        """The rows, sorted; empty when the table does not exist yet."""
        if not self.exists(connection):
            return ()
        table = self.table
        rows = connection.execute(sa.select(table.c[VERSION_COLUMN])).scalars()
        return tuple(sorted(rows))

    def change_statements(self, before: Iterable[str], after: Iterable[str]) -> list[ClauseElement]:
        """Statements that turn the rows ``before`` into ``after``.

        One row replaced by one row is an UPDATE (what a linear step does, and what readers
        of ``--sql`` output expect); anything else is DELETEs then INSERTs.
        """
        table = self.table
        column = table.c[VERSION_COLUMN]
        statements: list[ClauseElement] = []
        for kind, params in self._changes(before, after):
            if kind == "update":
                statements.append(
                    table.update().where(column == params["old"]).values({column: params["new"]})
                )
            elif kind == "delete":
                statements.append(table.delete().where(column == params["old"]))
            else:
                statements.append(table.insert().values({column: params["new"]}))
        return statements

    @staticmethod
    def _changes(before: Iterable[str], after: Iterable[str]) -> list[tuple[str, dict[str, str]]]:
        """The row changes as (statement kind, parameters), in the order they must run."""
        before_set, after_set = set(before), set(after)
        removed = sorted(before_set - after_set)
        added = sorted(after_set - before_set)
        if len(removed) == 1 and len(added) == 1:
            return [("update", {"old": removed[0], "new": added[0]})]
        return [("delete", {"old": rev}) for rev in removed] + [
            ("insert", {"new": rev}) for rev in added
        ]

    def _templates(self, dialect: sa.Dialect) -> dict[str, str] | None:
        """UPDATE / DELETE / INSERT of one row as SQL text for ``dialect``, built once.

        Runs with a transaction per step write the version table after every step. The
        statements are compiled once per dialect with markers where the revisions go; each
        write then puts in the quoted revisions (plain ids only, see ``_PLAIN_ID``) and sends
        SQL text without parameters, which drivers such as psycopg send in one
        simple-protocol round trip, without a compiler pass or a server-side parse/bind.
        None when the statements do not compile to such text (a ``%`` in a name, which
        pyformat drivers would want doubled): the caller then lets SQLAlchemy bind values.
        """
        cache = self.__dict__.setdefault("_templates_by_dialect", {})
        key = (type(dialect), dialect.paramstyle, getattr(dialect, "server_version_info", None))
        if key in cache:
            return cache[key]
        table = self.table
        column = table.c[VERSION_COLUMN]
        marks = {"old": "migoldrevisionmarker", "new": "mignewrevisionmarker"}
        statements = {
            "update": table.update()
            .where(column == marks["old"])
            .values({VERSION_COLUMN: marks["new"]}),
            "delete": table.delete().where(column == marks["old"]),
            "insert": table.insert().values({VERSION_COLUMN: marks["new"]}),
        }
        templates: dict[str, str] | None = {}
        try:
            for kind, statement in statements.items():
                compiled = statement.compile(
                    dialect=dialect, compile_kwargs={"literal_binds": True}
                )
                sql = str(compiled).replace("{", "{{").replace("}", "}}")
                for name, mark in marks.items():
                    sql = sql.replace(f"'{mark}'", "{" + name + "}")
                wanted = {"update": 2, "delete": 1, "insert": 1}[kind]
                if "%" in sql or sql.count("{old}") + sql.count("{new}") != wanted:
                    raise ValueError(sql)
                templates[kind] = sql
        except Exception:  # an exotic dialect: bind parameters instead
            templates = None
        cache[key] = templates
        return templates

    def apply(self, connection: Connection, before: Iterable[str], after: Iterable[str]) -> None:
        """Change the rows ``before`` into ``after``; each UPDATE/DELETE must touch one row.

        A row count other than one means another process changed the table under us (or
        the version table does not say what the plan assumed): stop rather than record a
        state that is not true.
        """
        changes = self._changes(before, after)
        plain = all(_PLAIN_ID.match(v) for _, params in changes for v in params.values())
        # the text templates name the table as built; a schema_translate_map must move it
        if connection.get_execution_options().get("schema_translate_map"):
            plain = False
        templates = self._templates(connection.dialect) if plain else None
        if templates is None:
            statements = self.change_statements(before, after)
            kinds = [kind for kind, _ in self._changes(before, after)]
            for kind, statement in zip(kinds, statements, strict=True):
                self._check(kind, connection.execute(statement).rowcount)
            return
        # no_parameters for these statements only: Connection.execution_options() would
        # change the connection itself, and every later parameterless statement of the run
        # would then reach a pyformat driver with its '%' still doubled.
        for kind, params in changes:
            sql = templates[kind].format_map({k: f"'{v}'" for k, v in params.items()})
            result = connection.exec_driver_sql(sql, execution_options=_NO_PARAMETERS)
            self._check(kind, result.rowcount)

    def _check(self, kind: str, rowcount: int) -> None:
        if kind != "insert" and rowcount != 1:
            raise VersionTableConflict(
                f"version table {self.qualified_name}: expected to change one row "
                f"but changed {rowcount}; another process may be migrating"
            )


class VersionTableConflict(RuntimeError):
    """The version table did not hold the rows a step expected."""

    #: the ``mig`` command's exit status for this error: 1, a failure while running
    exit_code = 1
