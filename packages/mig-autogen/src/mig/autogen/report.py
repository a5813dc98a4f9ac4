"""Schema-diff reports: what differs between a target schema and a database, in four formats.

::

    from mig.autogen.report import diff

    report = diff("myapp.models:metadata", "postgresql+psycopg://app@db/prod")
    report.equal            # False
    print(report.to_text())  # or to_json(), to_markdown(), to_sql()

The target is the schema wanted: a ``module:attribute`` path to a MetaData (or to a
declarative base, whose ``metadata`` is used), a MetaData, or the URL of a second database,
which is reflected. The differences are the directives that would make the database match
the target; ``to_sql()`` gives them as the DDL of the database's dialect (mig.ddl). This is
what the ``mig-diff`` command prints; it needs no migration environment or script
directory. Passwords in URLs are masked in every message and report.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import pool
from sqlalchemy.engine import Connection, make_url

from mig import ops
from mig.autogen.describe import Difference, differences
from mig.autogen.records import difference_record
from mig.ddl import DDLError, OfflineBatchError, to_sql
from mig.ddl.registry import dialect_key

FORMATS = ("text", "json", "markdown", "sql")
BOOKKEEPING_TABLES = ("mig_version", "mig_lock")
"""mig's own tables: left out when a second database is reflected as the target."""

NameFilter = Callable[[str | None, str, dict[str, Any]], bool]


class DiffError(Exception):
    """A target or database that cannot be used; the message is one line, passwords masked."""

    #: the ``mig`` command's exit status: 2, a usage or configuration mistake
    exit_code = 2


# -- URLs and secrets -------------------------------------------------------------------------


def is_url(text: str) -> bool:
    return "://" in text


def mask_url(url: str | sa.URL) -> str:
    """The URL with its password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not parseable as a URL: mask anything between ':' and '@'
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", str(url))


def _passwords(texts: Iterable[Any]) -> list[str]:
    out = []
    for text in texts:
        if isinstance(text, str | sa.URL) and is_url(str(text)):
            try:
                password = make_url(text).password
            except Exception:  # an unparseable URL has no password to hide
                continue
            if password:
                out.append(str(password))
    return out


def mask_secrets(message: str, urls: Iterable[Any]) -> str:
    """``message`` with every password of ``urls`` (plain or URL-quoted) masked."""
    from urllib.parse import quote_plus

    for password in _passwords(urls):
        for form in {password, quote_plus(password)}:
            message = message.replace(form, "***")
    return message


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# -- the target ---------------------------------------------------------------------------------


def _import_target(spec: str) -> Any:
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise DiffError(
            f"target {spec!r} is neither a database URL nor 'module:attribute' "
            "(e.g. myapp.models:metadata)"
        )
    if module_name.endswith(".py") or "/" in module_name:
        path = Path(module_name)
        if not path.is_file():
            raise DiffError(f"target {spec!r}: no such file {module_name}")
        loader_spec = importlib.util.spec_from_file_location(f"_mig_diff_{path.stem}", path)
        if loader_spec is None or loader_spec.loader is None:
            raise DiffError(f"target {spec!r}: {module_name} is not a Python file")
        module = importlib.util.module_from_spec(loader_spec)
        try:
            loader_spec.loader.exec_module(module)
        except Exception as exc:
            raise DiffError(f"target {spec!r}: importing {module_name} failed: {exc}") from None
    else:
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise DiffError(
                f"target {spec!r}: cannot import module {module_name!r}: {exc}"
            ) from None
        except Exception as exc:
            raise DiffError(
                f"target {spec!r}: importing module {module_name!r} failed: "
                f"{type(exc).__name__}: {exc}"
            ) from None
    obj: Any = module
    for part in attribute.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise DiffError(
                f"target {spec!r}: {module_name} has no attribute {attribute!r}"
            ) from None
    return obj


def _as_metadata(obj: Any, label: str) -> sa.MetaData | list[sa.MetaData]:
    if isinstance(obj, sa.MetaData):
        return obj
    metadata = getattr(obj, "metadata", None)
    if isinstance(metadata, sa.MetaData):
        return metadata  # a declarative base
    if isinstance(obj, list | tuple) and obj and all(isinstance(m, sa.MetaData) for m in obj):
        return list(obj)
    raise DiffError(f"target {label!r} is a {type(obj).__name__}, not a sqlalchemy MetaData")


def _engine(url: str | sa.URL, role: str) -> sa.Engine:
    try:
        return sa.create_engine(url, poolclass=pool.NullPool)
    except Exception as exc:  # bad URL, unknown dialect, missing driver
        raise DiffError(f"{role} {mask_url(url)}: {_first_line(exc)}") from None


def reflect(url: str | sa.URL, schemas: Sequence[str] | None = None) -> sa.MetaData:
    """The schema of a database as a MetaData (default schema as None, others by name)."""
    engine = _engine(url, "target database")
    metadata = sa.MetaData()
    try:
        with engine.connect() as conn:
            default = conn.dialect.default_schema_name
            dialect_name = conn.dialect.name
            for schema in _reflected_schemas(schemas, default):
                metadata.reflect(conn, schema=schema)
    except sa.exc.SQLAlchemyError as exc:
        raise DiffError(f"target database {mask_url(url)}: {_first_line(exc)}") from None
    finally:
        engine.dispose()
    for table in list(metadata.tables.values()):
        if table.name in BOOKKEEPING_TABLES:
            metadata.remove(table)
        else:
            _as_declared(table, dialect_name)
    return metadata


_SERIAL_DEFAULT = re.compile(r"nextval\('[^']+'::regclass\)")


def _as_declared(table: sa.Table, dialect_name: str) -> None:
    """Undo what the database added by itself, so the reflected table reads like a model.

    A PostgreSQL serial column's ``nextval('<table>_<col>_seq')`` default names a sequence
    the other database may not have: the column is written as autoincrement instead. The
    index MySQL/MariaDB create for a foreign key (named after the key or its first column)
    is left to the foreign key, which creates it again.
    """
    for column in table.columns:
        arg = getattr(column.server_default, "arg", None)
        text = arg if isinstance(arg, str) else getattr(arg, "text", "")
        if column.autoincrement is True and _SERIAL_DEFAULT.fullmatch(text or ""):
            column.server_default = None
    if dialect_name not in ("mysql", "mariadb"):
        return
    for fk in table.foreign_key_constraints:
        columns = [c.name for c in fk.columns]
        for index in list(table.indexes):
            names = [c.name for c in index.columns]
            implicit = index.name in (fk.name, columns[0])
            if implicit and not index.unique and names == columns[: len(names)]:
                table.indexes.discard(index)


def _reflected_schemas(schemas: Sequence[str] | None, default: str | None) -> list[str | None]:
    out: list[str | None] = [None]
    for schema in schemas or ():
        name = None if schema == default else schema
        if name not in out:
            out.append(name)
    return out


def load_target(
    target: Any, schemas: Sequence[str] | None = None
) -> tuple[sa.MetaData | list[sa.MetaData], str]:
    """The target as MetaData, and how reports name it (URLs masked)."""
    if isinstance(target, str | sa.URL) and is_url(str(target)):
        return reflect(target, schemas), mask_url(target)
    if isinstance(target, str):
        return _as_metadata(_import_target(target), target), target
    return _as_metadata(target, type(target).__name__), type(target).__name__


# -- the report ---------------------------------------------------------------------------------


@dataclass
class DiffReport:
    """The differences between a target schema and a database."""

    target: str
    database: str
    dialect: str
    upgrade_ops: ops.UpgradeOps
    differences: list[Difference] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)
    """The reconciling SQL, one statement each; ``-- `` lines say what could not be written."""
    skipped: list[str] = field(default_factory=list)
    """Differences found but left without a directive (``AutogenContext.skip``)."""
    sql_dialect: Any = field(default=None, repr=False, compare=False)
    """The database's SQLAlchemy dialect: types in ``old``/``new`` are spelled in it."""

    @property
    def equal(self) -> bool:
        return not self.differences and not self.skipped

    def render(self, format: str = "text") -> str:
        renderers = {
            "text": self.to_text,
            "json": self.to_json,
            "markdown": self.to_markdown,
            "sql": self.to_sql,
        }
        if format not in renderers:
            raise DiffError(f"unknown format {format!r}: use one of {', '.join(FORMATS)}")
        return renderers[format]()

    def _between(self) -> str:
        return f"the target ({self.target}) and the database ({self.database})"

    def to_text(self) -> str:
        if self.equal:
            return f"No differences between {self._between()}.\n"
        count = len(self.differences)
        lines = [f"{count} difference{'s' if count != 1 else ''} between {self._between()}:"]
        lines += difference_lines(self.differences, self.skipped)
        return "\n".join(lines) + "\n"

    def as_dict(self) -> dict[str, Any]:
        """The JSON report; each difference is :func:`~mig.autogen.records.difference_record`."""
        return {
            "equal": self.equal,
            "target": self.target,
            "database": self.database,
            "dialect": self.dialect,
            "differences": [difference_record(d, self.sql_dialect) for d in self.differences],
            "skipped": list(self.skipped),
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, default=str) + "\n"

    def to_markdown(self) -> str:
        head = [
            "# Schema differences",
            "",
            f"- target: `{self.target}`",
            f"- database: `{self.database}` ({self.dialect})",
            "",
        ]
        if self.equal:
            return "\n".join([*head, "No differences.", ""])
        count = len(self.differences)
        rows = [
            f"{count} difference{'s' if count != 1 else ''}:",
            "",
            "| # | change | object | detail |",
            "|---:|---|---|---|",
        ]
        for i, d in enumerate(self.differences, 1):
            cells = [str(i), f"{d.sign} {d.action}", f"`{d.object}`", d.detail]
            rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        return "\n".join([*head, *rows, ""])

    def to_sql(self) -> str:
        head = (
            f"-- SQL ({self.dialect}) that makes the database ({self.database}) "
            f"match the target ({self.target})"
        )
        if self.equal:
            return f"{head}\n-- no differences\n"
        out = [head, ""]
        for statement in self.statements:
            text = "\n".join(line.rstrip() for line in statement.strip().splitlines())
            out += [text if text.startswith("-- ") else f"{text};", ""]
        return "\n".join(out)


def difference_lines(found: Sequence[Difference], skipped: Sequence[str] = ()) -> list[str]:
    """One line per difference, as ``mig-diff`` and ``mig check`` print them."""
    return [f"  {d.sign} {d.summary}" for d in found] + [f"  ? skipped: {m}" for m in skipped]


@dataclass
class Comparison:
    """A model compared with a migration context's database: the directives, in words."""

    upgrade_ops: ops.UpgradeOps
    differences: list[Difference]
    skipped: list[str]


def compare(context: Any, metadata: Any, opts: dict[str, Any] | None = None) -> Comparison:
    """Compare ``metadata`` with ``context``'s database (``mig-diff`` and ``mig check``)."""
    from mig.autogen.api import compare_to_ops
    from mig.autogen.context import AutogenContext

    autogen = metadata if isinstance(metadata, AutogenContext) else None
    if autogen is None:
        autogen = AutogenContext(context, metadata, opts=opts)
    upgrade_ops = compare_to_ops(autogen)
    dialect = getattr(context, "dialect", None)
    found = [d for directive in upgrade_ops.ops for d in differences(directive, dialect)]
    return Comparison(upgrade_ops, found, list(autogen.skipped))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# -- the comparison -----------------------------------------------------------------------------


def _name_filter(
    schemas: Sequence[str] | None, include_name: NameFilter | None
) -> NameFilter | None:
    if not schemas and include_name is None:
        return None
    wanted = set(schemas or ())

    def accept(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
        if type_ == "schema" and wanted and name is not None and name not in wanted:
            return False
        return include_name is None or bool(include_name(name, type_, parent_names))

    return accept


def _flat_members(directive: ops.ModifyTableOps) -> tuple[list[Any], dict[str, Any]]:
    """A table's directives for one rebuild: the members of its own rebuild blocks (SQLite's
    drops of unnamed constraints) inlined, with the naming conventions they name them by."""
    members: list[Any] = []
    convention: dict[str, Any] = {}
    for op in directive.ops:
        if isinstance(op, ops.BatchAlterTableOp):
            members.extend(op.ops)
            convention.update(op.naming_convention)
        else:
            members.append(op)
    return members, convention


def _reconcile_sql(upgrade_ops: ops.UpgradeOps, conn: Connection) -> list[str]:
    """Each top-level directive as offline SQL; a SQLite rebuild copies the reflected table."""
    dialect = dialect_key(conn.dialect)
    out: list[str] = []
    for directive in upgrade_ops.ops:
        try:
            out += to_sql(directive, dialect)
            continue
        except OfflineBatchError:
            if not isinstance(directive, ops.ModifyTableOps):
                raise
        except (DDLError, ops.MigOpsError) as exc:
            out.append(f"-- {directive.op_name} cannot be written as SQL for {dialect}: {exc}")
            continue
        members, convention = _flat_members(directive)
        copy_from = sa.Table(
            directive.table_name,
            sa.MetaData(naming_convention=convention or None),
            schema=directive.schema,
            autoload_with=conn,
        )
        batch = ops.BatchAlterTableOp(
            directive.table_name,
            members,
            schema=directive.schema,
            copy_from=copy_from,
            naming_convention=convention,
        )
        try:
            out += to_sql(batch, dialect)
        except (DDLError, ops.MigOpsError) as exc:
            out.append(f"-- changes to {directive.table_name} cannot be written as SQL: {exc}")
    return out


def diff(
    target: Any,
    database_url: str | sa.URL,
    *,
    schemas: Sequence[str] | None = None,
    include_name: NameFilter | None = None,
    opts: dict[str, Any] | None = None,
) -> DiffReport:
    """Compare ``target`` (``module:metadata``, a MetaData, or a database URL) with a database.

    ``schemas`` also compares those schemas besides the default one; ``include_name`` is
    autogenerate's name filter; ``opts`` are further autogenerate options
    (``compare_server_default=True``, ``detect_renames=False``, ...). Raises
    :class:`DiffError` (one line, passwords masked) for a target or database that cannot be
    used.
    """
    from mig.autogen.context import AutogenError
    from mig.runtime import MigrationContext

    metadata, label = load_target(target, schemas)
    database = mask_url(database_url)
    options: dict[str, Any] = dict(opts or {})
    if schemas:
        options["include_schemas"] = True
    name_filter = _name_filter(schemas, include_name)
    if name_filter is not None:
        options["include_name"] = name_filter
    engine = _engine(database_url, "database")
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(connection=conn, opts={"migration_lock": False})
            compared = compare(context, metadata, opts=options)
            statements = _reconcile_sql(compared.upgrade_ops, conn)
            dialect = conn.dialect
            dialect_name = dialect_key(dialect)
    except AutogenError as exc:
        raise DiffError(mask_secrets(str(exc), [database_url, target])) from None
    except sa.exc.SQLAlchemyError as exc:
        raise DiffError(
            f"database {database}: {mask_secrets(_first_line(exc), [database_url])}"
        ) from None
    finally:
        engine.dispose()
    return DiffReport(
        label,
        database,
        dialect_name,
        compared.upgrade_ops,
        compared.differences,
        statements,
        compared.skipped,
        dialect,
    )
