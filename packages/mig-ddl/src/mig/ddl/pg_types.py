"""PostgreSQL's SQL for enum values and identity options (a mixin of ``PostgresqlImpl``).

- ``add_enum_value``: ``ALTER TYPE ... ADD VALUE IF NOT EXISTS`` (run outside the
  migration's transaction, see :mod:`mig.ddl.enum_types`).
- ``rename_enum_value``: ``ALTER TYPE ... RENAME VALUE 'a' TO 'b'`` (PostgreSQL 10+); rows
  follow by themselves.
- ``rebuild_enum_type`` / ``drop_enum_value``: PostgreSQL cannot drop or reorder a value,
  so the type is renamed to ``<name>_old_mig``, created again, each column converted
  (``ALTER COLUMN ... TYPE new USING col::text::new``, ``new[]`` for arrays; a column
  default is dropped and set again around it) and the old type dropped. Before any of
  that, each column is checked for rows holding a value the new type lacks: online the
  step stops with :class:`~mig.ddl.errors.EnumValueInUseError`; offline a ``DO`` block
  raises the same message, so a script run by psql stops there too.
- ``alter_identity``: ``ALTER TABLE ... ALTER COLUMN ... SET GENERATED ... SET START WITH
  ... SET INCREMENT BY ...`` in one statement; ``alter_column(server_default=sa.Identity(...),
  existing_server_default=sa.Identity(...))`` (Alembic's spelling) becomes the same, and
  ``ADD GENERATED ... AS IDENTITY`` / ``DROP IDENTITY`` when one side is not an identity.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.sql.elements import ClauseElement

from mig import ops
from mig.ddl import elements as el
from mig.ddl.errors import EnumValueInUseError
from mig.ddl.identity import identity_options_sql
from mig.ops.identity_ops import IDENTITY_OPTIONS


def sql_text(text: str) -> sa.TextClause:
    """SQL text whose colons are literal (an enum value may hold one)."""
    return sa.text(text.replace(":", "\\:"))


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class PostgresqlTypeMethods:
    """Enum value and identity directives on PostgreSQL (see the module docstring)."""

    dialect: Any
    connection: Any
    as_sql: bool
    execute: Any
    execute_all: Any

    # -- enum values ----------------------------------------------------------------------

    def enum_name(self, name: str, schema: str | None) -> str:
        return self.dialect.identifier_preparer.format_type(
            pg.ENUM(name=name, schema=schema, create_type=False)
        )

    def add_enum_value(self, op: ops.AddEnumValueOp) -> None:
        self.execute(sql_text(self.add_enum_value_sql(op)))

    def add_enum_value_sql(self, op: ops.AddEnumValueOp) -> str:
        """``ALTER TYPE ... ADD VALUE IF NOT EXISTS`` (so a re-run step does not fail)."""
        sql = (
            f"ALTER TYPE {self.enum_name(op.type_name, op.schema)} "
            f"ADD VALUE IF NOT EXISTS {literal(op.value)}"
        )
        if op.before is not None:
            sql += f" BEFORE {literal(op.before)}"
        elif op.after is not None:
            sql += f" AFTER {literal(op.after)}"
        return sql

    def rename_enum_value(self, op: ops.RenameEnumValueOp) -> None:
        self.execute(sql_text(self.rename_enum_value_sql(op)))

    def rename_enum_value_sql(self, op: ops.RenameEnumValueOp) -> str:
        return (
            f"ALTER TYPE {self.enum_name(op.type_name, op.schema)} "
            f"RENAME VALUE {literal(op.old_value)} TO {literal(op.new_value)}"
        )

    def drop_enum_value(self, op: ops.DropEnumValueOp) -> None:
        self._rebuild(op, op.values)

    def drop_enum_value_sql(self, op: ops.DropEnumValueOp) -> list[str]:
        return self.rebuild_enum_sql(op.type_name, op.values, op.schema, op.columns)

    def rebuild_enum_type(self, op: ops.RebuildEnumTypeOp) -> None:
        self._rebuild(op, op.values)

    def rebuild_enum_type_sql(self, op: ops.RebuildEnumTypeOp) -> list[str]:
        return self.rebuild_enum_sql(op.type_name, op.values, op.schema, op.columns)

    def _rebuild(self, op: Any, values: list[str]) -> None:
        statements = self.rebuild_enum_sql(op.type_name, values, op.schema, op.columns)
        if self.as_sql or self.connection is None:
            checks = [self.enum_check_block(op, values, col) for col in op.columns]
            self.execute_all([sql_text(s) for s in [*checks, *statements]])
            return
        for col in op.columns:
            query = f"SELECT DISTINCT v {self._leftovers(col, values)} ORDER BY v"
            held = list(self.connection.execute(sql_text(query)).scalars())
            if held:
                raise EnumValueInUseError(op.op_name, op.type_name, _where(col), held)
        self.execute_all([sql_text(s) for s in statements])

    def _table_column(self, col: dict[str, Any]) -> tuple[str, str]:
        prep = self.dialect.identifier_preparer
        table = prep.format_table(sa.table(col["table"], schema=col.get("schema")))
        return table, prep.quote(col["column"])

    def _leftovers(self, col: dict[str, Any], values: list[str]) -> str:
        """``FROM ... WHERE`` of the column's values (as text) that ``values`` lacks."""
        table, column = self._table_column(col)
        if col.get("array"):
            source = f"FROM {table}, unnest({column}::text[]) AS mig_held(v)"
        else:
            source = f"FROM (SELECT {column}::text AS v FROM {table}) AS mig_held"
        return f"{source} WHERE v NOT IN ({', '.join(literal(v) for v in values)})"

    def enum_check_block(self, op: Any, values: list[str], col: dict[str, Any]) -> str:
        """Offline: a ``DO`` block raising the online error's message when a row is left."""
        where = f"{op.type_name}: {_where(col)}".replace("%", "%%")
        message = literal(
            f"{op.op_name} {where} holds %, which the new type lacks; "
            "update or delete those rows first (or keep the values in the model)"
        )
        return (
            "DO $mig$ DECLARE held text; BEGIN "
            f"SELECT string_agg(DISTINCT quote_literal(v), ', ' ORDER BY quote_literal(v)) "
            f"INTO held {self._leftovers(col, values)}; "
            f"IF held IS NOT NULL THEN RAISE EXCEPTION {message}, held; END IF; END $mig$"
        )

    def rebuild_enum_sql(
        self, type_name: str, values: list[str], schema: str | None, columns: Any
    ) -> list[str]:
        """Rename the type aside, create it anew, convert each column, drop the old one."""
        prep = self.dialect.identifier_preparer
        aside = f"{type_name}_old_mig"
        name = self.enum_name(type_name, schema)
        out = [
            f"ALTER TYPE {name} RENAME TO {prep.quote(aside)}",
            f"CREATE TYPE {name} AS ENUM ({', '.join(literal(v) for v in values)})",
        ]
        for col in columns:
            table, column = self._table_column(col)
            target = f"{name}[]" if col.get("array") else name
            head = f"ALTER TABLE {table} ALTER COLUMN {column}"
            if col.get("default") is not None:
                out.append(f"{head} DROP DEFAULT")
            out.append(f"{head} TYPE {target} USING {column}::text::{target}")
            if col.get("default") is not None:
                out.append(f"{head} SET DEFAULT {col['default']}")
        out.append(f"DROP TYPE {self.enum_name(aside, schema)}")
        return out

    # -- identity -------------------------------------------------------------------------

    def alter_identity(self, op: ops.AlterIdentityOp) -> None:
        self.execute(sa.text(self.alter_identity_sql(op)))

    def _alter_column_head(self, table: str, column: str, schema: str | None) -> str:
        prep = self.dialect.identifier_preparer
        target = prep.format_table(sa.table(table, schema=schema))
        return f"ALTER TABLE {target} ALTER COLUMN {prep.quote(column)}"

    def alter_identity_sql(self, op: ops.AlterIdentityOp) -> str:
        head = self._alter_column_head(op.table_name, op.column_name, op.schema)
        return f"{head} {' '.join(identity_set_clauses(op.changes))}"

    def alter_column_elements(self, op: ops.AlterColumnOp) -> list[ClauseElement]:
        """Alembic's ``alter_column(server_default=sa.Identity(...))`` as identity SQL."""
        out: list[ClauseElement] = super().alter_column_elements(op)  # type: ignore[misc]
        new, old = op.modify_server_default, op.existing_server_default
        if not isinstance(new, sa.Identity) and not (new is None and _is_identity(old)):
            return out
        head = self._alter_column_head(op.table_name, op.column_name, op.schema)
        if new is None:
            sql = f"{head} DROP IDENTITY"
        elif not _is_identity(old):
            options = identity_options_sql(_identity_options(new))
            generated = "ALWAYS" if new.always else "BY DEFAULT"
            sql = f"{head} ADD GENERATED {generated} AS IDENTITY"
            sql += f" ({' '.join(options)})" if options else ""
        else:
            before, after = _identity_options(old), _identity_options(new)
            before["always"], after["always"] = bool(old.always), bool(new.always)
            changed = {k: v for k, v in after.items() if before.get(k) != v}
            if not changed:
                return [e for e in out if not isinstance(e, el.ColumnDefault)]
            sql = f"{head} {' '.join(identity_set_clauses(changed))}"
        return [sa.text(sql) if isinstance(e, el.ColumnDefault) else e for e in out]


def identity_set_clauses(changes: dict[str, Any]) -> list[str]:
    """``SET GENERATED ...`` / ``SET START WITH ...`` / ``SET NO CYCLE`` ... in option order."""
    out = []
    for name in IDENTITY_OPTIONS:
        if name not in changes:
            continue
        if name == "always":
            out.append(f"SET GENERATED {'ALWAYS' if changes[name] else 'BY DEFAULT'}")
        else:
            out += [f"SET {text}" for text in identity_options_sql({name: changes[name]})]
    return out


def _is_identity(value: Any) -> bool:
    return isinstance(value, sa.Identity)


def _identity_options(identity: sa.Identity) -> dict[str, Any]:
    names = [n for n in IDENTITY_OPTIONS if n != "always"]
    return {n: getattr(identity, n) for n in names if getattr(identity, n, None) is not None}


def _where(col: dict[str, Any]) -> str:
    table = f"{col['schema']}.{col['table']}" if col.get("schema") else col["table"]
    return f"{table}.{col['column']}"
