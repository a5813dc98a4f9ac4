"""The context API migration scripts and env.py files written for Alembic use, as data: each
public name of EnvironmentContext, MigrationContext, Operations and BatchOperations that
Alembic documents, read in a real run (each backend, and offline), with what it must give."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from steps_source import Chain

from mig.ops import op
from mig.runtime import EnvironmentContext, context
from mig.runtime.offline_bind import OfflineConnection

Read = Callable[[Any], Any]
Expect = Callable[["World"], Any]


def attr(name: str) -> Read:
    return lambda obj: getattr(obj, name)


def call(name: str, *args: Any, **kw: Any) -> Read:
    return lambda obj: getattr(obj, name)(*args, **kw)


def is_callable(name: str) -> Read:
    return lambda obj: callable(getattr(obj, name))


def fixed(value: Any) -> Expect:
    return lambda w: value


METHOD = fixed(True)  # a method whose work the run itself exercises: it must be there

TRANSACTIONAL = {"sqlite": True, "postgresql": True, "mysql": False, "mariadb": False}
IMPL = {
    "sqlite": "SQLiteImpl",
    "postgresql": "PostgresqlImpl",
    "mysql": "MySQLImpl",
    "mariadb": "MariaDBImpl",
}


@dataclass
class World:
    """What the run was set up with, to say what each name must give."""

    backend: str
    offline: bool
    config: Any
    source: Any
    callback: Callable[..., None]
    buffer: io.StringIO | None = None
    env: Any = None
    ctx: Any = None
    connection: Any = None
    seen: list[tuple[str, str, Any]] = field(default_factory=list)


ENVIRONMENT_CONTEXT: list[tuple[str, Read, Expect]] = [
    ("config", attr("config"), lambda w: w.config),
    ("script", attr("script"), lambda w: w.source),
    ("context_opts", lambda e: e.context_opts["tag"], fixed("nightly")),
    ("is_offline_mode()", call("is_offline_mode"), lambda w: w.offline),
    ("requires_connection()", call("requires_connection"), lambda w: not w.offline),
    ("is_transactional_ddl()", call("is_transactional_ddl"), lambda w: TRANSACTIONAL[w.backend]),
    ("get_context()", call("get_context"), lambda w: w.ctx),
    ("get_bind()", call("get_bind"), lambda w: w.connection),
    ("get_impl()", call("get_impl"), lambda w: w.ctx.impl),
    ("get_head_revision()", call("get_head_revision"), fixed("r2")),
    ("get_head_revisions()", call("get_head_revisions"), fixed(("r2",))),
    ("get_revision_argument()", call("get_revision_argument"), fixed("r2")),
    (
        "get_starting_revision_argument()",
        call("get_starting_revision_argument"),
        lambda w: "r1" if w.offline else None,
    ),
    ("get_tag_argument()", call("get_tag_argument"), fixed("nightly")),
    ("get_x_argument()", call("get_x_argument"), fixed(["k=v"])),
    (
        "get_x_argument(as_dictionary=True)",
        call("get_x_argument", as_dictionary=True),
        fixed({"k": "v"}),
    ),
    ("configure", is_callable("configure"), METHOD),
    ("run_migrations", is_callable("run_migrations"), METHOD),
    ("begin_transaction", is_callable("begin_transaction"), METHOD),
    ("execute", is_callable("execute"), METHOD),
    ("static_output", is_callable("static_output"), METHOD),
]

MIGRATION_CONTEXT: list[tuple[str, Read, Expect]] = [
    ("environment_context", attr("environment_context"), lambda w: w.env),
    ("config", attr("config"), lambda w: w.config),
    ("script", attr("script"), lambda w: w.source),
    ("opts", lambda c: c.opts["version_table"], fixed("api_version")),
    ("dialect", lambda c: c.dialect.name, lambda w: w.backend),
    ("bind", attr("bind"), lambda w: w.connection),
    ("connection", attr("connection"), lambda w: w.connection),
    ("impl", lambda c: type(c.impl).__name__, lambda w: IMPL[w.backend]),
    ("as_sql", attr("as_sql"), lambda w: w.offline),
    (
        "version_table",
        lambda c: (c.version_table, isinstance(c.version_table, str), f"{c.version_table}"),
        fixed(("api_version", True, "api_version")),
    ),
    ("version_table_schema", attr("version_table_schema"), fixed(None)),
    ("output_buffer", attr("output_buffer"), lambda w: w.buffer),
    ("transactional_ddl", attr("transactional_ddl"), fixed(None)),
    ("on_version_apply_callbacks", attr("on_version_apply_callbacks"), lambda w: (w.callback,)),
    ("get_current_heads()", call("get_current_heads"), fixed(("r1",))),
    ("get_current_revision()", call("get_current_revision"), fixed("r1")),
    ("configure", is_callable("configure"), METHOD),
    ("autocommit_block", is_callable("autocommit_block"), METHOD),
    ("begin_transaction", is_callable("begin_transaction"), METHOD),
    ("run_migrations", is_callable("run_migrations"), METHOD),
    ("execute", is_callable("execute"), METHOD),
    ("stamp", is_callable("stamp"), METHOD),
]

# the op API methods Alembic's Operations and BatchOperations document
OP_METHODS = [
    "add_column",
    "alter_column",
    "batch_alter_table",
    "bulk_insert",
    "context",
    "create_check_constraint",
    "create_exclude_constraint",
    "create_foreign_key",
    "create_index",
    "create_primary_key",
    "create_table",
    "create_table_comment",
    "create_unique_constraint",
    "drop_column",
    "drop_constraint",
    "drop_index",
    "drop_table",
    "drop_table_comment",
    "execute",
    "f",
    "implementation_for",
    "inline_literal",
    "invoke",
    "register_operation",
    "rename_table",
    "run_async",
]
BATCH_METHODS = sorted(
    set(OP_METHODS) - {"bulk_insert", "create_table", "drop_table", "rename_table"}
)

OPERATIONS: list[tuple[str, Read, Expect]] = [
    ("migration_context", attr("migration_context"), lambda w: w.ctx),
    ("impl", attr("impl"), lambda w: w.ctx.impl),
    ("get_context()", call("get_context"), lambda w: w.ctx),
    ("get_bind()", call("get_bind"), lambda w: w.connection),
    ("f('ix_a')", lambda o: str(o.f("ix_a")), fixed("ix_a")),
    *[(name, is_callable(name), METHOD) for name in OP_METHODS],
]
BATCH_OPERATIONS: list[tuple[str, Read, Expect]] = [
    ("migration_context", attr("migration_context"), lambda w: w.ctx),
    ("impl", attr("impl"), lambda w: w.ctx.impl),
    ("get_context()", call("get_context"), lambda w: w.ctx),
    ("get_bind()", call("get_bind"), lambda w: w.connection),
    *[(name, is_callable(name), METHOD) for name in BATCH_METHODS],
]

API = {
    "EnvironmentContext": ENVIRONMENT_CONTEXT,
    "MigrationContext": MIGRATION_CONTEXT,
    "Operations": OPERATIONS,
    "BatchOperations": BATCH_OPERATIONS,
}

MISSING = object()


def look(world: World, owner: str, obj: Any) -> None:
    """Read every name of ``owner``'s API on ``obj``, now (inside the run)."""
    for name, read, _ in API[owner]:
        try:
            value = read(obj)
        except AttributeError as exc:
            value = (MISSING, str(exc))
        world.seen.append((owner, name, value))


class Graph(Chain):
    """The steps' source, resolving head/heads/base as a script directory does."""

    def resolve(self, spec, current_heads=None):
        if spec in ("head", "heads"):
            return (self.ids[-1],)
        return () if spec == "base" else (spec,)


def run(world: World, connection: sa.Connection | None, url: str | None) -> None:
    def r1() -> None:
        op.create_table("api_t", sa.Column("id", sa.Integer, primary_key=True))

    def r2() -> None:
        look(world, "MigrationContext", op.get_context())
        look(world, "Operations", op)
        with op.batch_alter_table("api_t") as batch_op:
            look(world, "BatchOperations", batch_op)
            batch_op.add_column(sa.Column("note", sa.String(20)))

    world.source = source = Graph([("r1", r1, lambda: None), ("r2", r2, lambda: None)])
    start = {"starting_rev": "r1"} if world.offline else {}
    with EnvironmentContext(
        world.config,
        source,
        as_sql=world.offline,
        fn=lambda heads, ctx: source.plan_upgrade(heads, "head"),
        destination_rev="head",
        tag="nightly",
        **start,
    ) as env:
        world.env = env
        context.configure(
            connection=connection,
            url=url,
            output_buffer=world.buffer,
            version_table="api_version",
            history_table=False,
            on_version_apply=world.callback,
        )
        world.ctx = context.get_context()
        world.connection = connection if connection is not None else world.ctx.connection
        look(world, "EnvironmentContext", context)
        with context.begin_transaction():
            context.run_migrations()


def new_world(backend: str, offline: bool) -> World:
    config = SimpleNamespace(cmd_opts=SimpleNamespace(x=["k=v"]), config_file_name=None)
    return World(
        backend=backend,
        offline=offline,
        config=config,
        source=None,
        callback=lambda **kw: None,
        buffer=io.StringIO() if offline else None,
    )


def mismatches(world: World) -> list[str]:
    expected = {(owner, name): want for owner, specs in API.items() for name, _, want in specs}
    assert len(world.seen) == len(expected), "every name was looked at once"
    out = []
    for owner, name, value in world.seen:
        want = expected[(owner, name)](world)
        if not (value is want or value == want):
            out.append(f"{owner}.{name}: got {value!r}, expected {want!r}")
    return out


def test_every_name_in_an_online_run(engine: sa.Engine) -> None:
    world = new_world(engine.dialect.name, offline=False)
    with engine.connect() as connection:
        run(world, connection, None)
    assert mismatches(world) == []
    assert isinstance(world.connection, sa.Connection)
    assert sa.inspect(engine).has_table("api_version")


@pytest.mark.parametrize("url", ["sqlite://", "postgresql://", "mysql+pymysql://"])
def test_every_name_in_an_offline_run(url: str) -> None:
    world = new_world(sa.engine.make_url(url).get_backend_name(), offline=True)
    run(world, None, url)
    assert mismatches(world) == []
    assert isinstance(world.connection, OfflineConnection)
    assert "-- Running upgrade r1 -> r2" in world.buffer.getvalue()


def test_alembic_form_of_stamp(engine: sa.Engine) -> None:
    """``ctx.stamp(script_directory, revision)``, as Alembic spells it."""
    source = Graph([("r1", lambda: None, lambda: None), ("r2", lambda: None, lambda: None)])
    with EnvironmentContext(None, None), engine.connect() as connection:
        context.configure(connection=connection, version_table="api_version")
        context.get_context().stamp(source, "head")
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT version_num FROM api_version")).scalars().all()
    assert rows == ["r2"]
