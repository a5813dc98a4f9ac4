"""The Operations facade: Alembic's signatures, the op proxy per thread and task, dispatch,
extension with register_operation / implementation_for, and the SQL helpers."""

from __future__ import annotations

import asyncio
import inspect
import json
import threading

import pytest
import sqlalchemy as sa

from mig.ops import (
    AddColumnOp,
    BatchOperations,
    MigrateOperation,
    NoActiveMigrationError,
    NoDatabaseError,
    NoImplementationError,
    Operations,
    RecordingOperations,
    from_dict,
    op,
    record,
    record_file,
)
from mig.ops import fields as f

# The signatures users type from memory (Alembic's op API), parameter for parameter.
SIGNATURES = {
    "add_column": "(self, table_name, column, *, schema=None, if_not_exists=None)",
    "alter_column": (
        "(self, table_name, column_name, *, nullable=None, comment=False, server_default=False, "
        "new_column_name=None, type_=None, existing_type=None, existing_server_default=False, "
        "existing_nullable=None, existing_comment=None, schema=None, **kw)"
    ),
    "bulk_insert": "(self, table, rows, *, multiinsert=True)",
    "create_check_constraint": "(self, constraint_name, table_name, condition, *, schema=None, **kw)",
    "create_exclude_constraint": "(self, constraint_name, table_name, *elements, **kw)",
    "create_foreign_key": (
        "(self, constraint_name, source_table, referent_table, local_cols, remote_cols, *, onupdate=None, "
        "ondelete=None, deferrable=None, initially=None, match=None, source_schema=None, "
        "referent_schema=None, **dialect_kw)"
    ),
    "create_index": (
        "(self, index_name, table_name, columns, *, schema=None, unique=False, if_not_exists=None, **kw)"
    ),
    "create_primary_key": "(self, constraint_name, table_name, columns, *, schema=None)",
    "create_table": "(self, table_name, *columns, if_not_exists=None, **kw)",
    "create_table_comment": "(self, table_name, comment, *, existing_comment=None, schema=None)",
    "create_unique_constraint": "(self, constraint_name, table_name, columns, *, schema=None, **kw)",
    "drop_column": "(self, table_name, column_name, *, schema=None, if_exists=None, **kw)",
    "drop_constraint": "(self, constraint_name, table_name, type_=None, *, schema=None, if_exists=None)",
    "drop_index": "(self, index_name, table_name=None, *, schema=None, if_exists=None, **kw)",
    "drop_table": "(self, table_name, *, schema=None, if_exists=None, **kw)",
    "drop_table_comment": "(self, table_name, *, existing_comment=None, schema=None)",
    "execute": "(self, sqltext, *, execution_options=None)",
    "rename_table": "(self, old_table_name, new_table_name, *, schema=None)",
    "batch_alter_table": (
        "(self, table_name, schema=None, recreate='auto', partial_reordering=None, copy_from=None, "
        "table_args=(), table_kwargs=None, reflect_args=(), reflect_kwargs=None, naming_convention=None)"
    ),
    "inline_literal": "(value, type_=None)",
    "f": "(name)",
    "get_bind": "(self)",
    "get_context": "(self)",
    "invoke": "(self, operation)",
    "run_async": "(self, async_function, *args, **kw_args)",
}
BATCH_SIGNATURES = {
    "add_column": "(self, column, *, insert_before=None, insert_after=None, if_not_exists=None)",
    "create_check_constraint": "(self, constraint_name, condition, **kw)",
    "create_foreign_key": (
        "(self, constraint_name, referent_table, local_cols, remote_cols, *, referent_schema=None, "
        "onupdate=None, ondelete=None, deferrable=None, initially=None, match=None, **dialect_kw)"
    ),
    "create_index": "(self, index_name, columns, **kw)",
    "create_primary_key": "(self, constraint_name, columns)",
    "create_unique_constraint": "(self, constraint_name, columns, **kw)",
    "drop_column": "(self, column_name, **kw)",
    "drop_constraint": "(self, constraint_name, type_=None)",
    "drop_index": "(self, index_name, **kw)",
    "create_table_comment": "(self, comment, *, existing_comment=None)",
    "drop_table_comment": "(self, *, existing_comment=None)",
}


def _plain(sig: inspect.Signature) -> str:
    return str(
        sig.replace(
            parameters=[p.replace(annotation=p.empty) for p in sig.parameters.values()],
            return_annotation=inspect.Signature.empty,
        )
    )


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_operations_signature_matches_alembic(name: str) -> None:
    fn = Operations.__dict__[name]
    fn = getattr(fn, "__func__", fn)
    fn = getattr(fn, "__wrapped__", fn)
    assert _plain(inspect.signature(fn)) == SIGNATURES[name]
    assert fn.__doc__, f"Operations.{name} has no docstring"


@pytest.mark.parametrize("name", sorted(BATCH_SIGNATURES))
def test_batch_signature_matches_alembic(name: str) -> None:
    fn = BatchOperations.__dict__[name]
    assert _plain(inspect.signature(fn)) == BATCH_SIGNATURES[name]


def test_facade_methods_are_written_in_source() -> None:
    source = inspect.getsource(Operations)
    for name in SIGNATURES:
        assert f"def {name}(" in source


def test_op_outside_a_migration_says_so() -> None:
    with pytest.raises(NoActiveMigrationError) as info:
        op.add_column("t", sa.Column("x", sa.Integer))
    assert str(info.value).startswith("op.add_column: mig.ops.op was used outside a migration")
    assert "mig.ops.record" in str(info.value)


def test_op_forwards_to_the_active_operations() -> None:
    recorder = RecordingOperations()
    with recorder.activate():
        op.drop_table("t")
        assert op.get_context() is None
    assert [d.op_name for d in recorder.directives] == ["drop_table"]
    with pytest.raises(NoActiveMigrationError):
        op.drop_table("t")


def test_op_is_separate_per_thread() -> None:
    barrier = threading.Barrier(2)
    results: dict[str, list[str]] = {}

    def worker(name: str) -> None:
        recorder = RecordingOperations()
        with recorder.activate():
            for i in range(50):
                op.drop_table(f"{name}_{i}")
                if i == 10:
                    barrier.wait()
        results[name] = [d.table_name for d in recorder.directives]

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results["a"] == [f"a_{i}" for i in range(50)]
    assert results["b"] == [f"b_{i}" for i in range(50)]


def test_op_is_separate_per_asyncio_task() -> None:
    async def migration(name: str) -> list[str]:
        recorder = RecordingOperations()
        with recorder.activate():
            for i in range(5):
                op.drop_table(f"{name}_{i}")
                await asyncio.sleep(0)  # let the other task run in between
        return [d.table_name for d in recorder.directives]

    async def main() -> list[list[str]]:
        return await asyncio.gather(migration("a"), migration("b"))

    a, b = asyncio.run(main())
    assert a == [f"a_{i}" for i in range(5)] and b == [f"b_{i}" for i in range(5)]


def test_invoke_without_implementation_names_the_way_out() -> None:
    class Bare(Operations):  # a registry of its own: mig.ddl may have filled the global one
        _implementations = {}

    with pytest.raises(NoImplementationError) as info:
        Bare(None).add_column("t", sa.Column("x", sa.Integer))
    assert "add_column" in str(info.value) and "implementation_for(AddColumnOp)" in str(info.value)


def test_get_bind_without_database() -> None:
    with pytest.raises(NoDatabaseError, match=r"op.get_bind\(\)"):
        Operations(None).get_bind()


def test_implementation_for_dispatches_along_the_class_hierarchy() -> None:
    calls = []

    class Context:
        bind = None

    class Ops(Operations):
        _implementations = {}

    @Ops.implementation_for(MigrateOperation)
    def everything(operations, operation):
        calls.append((operations.get_context(), operation.op_name))
        return "done"

    ctx = Context()
    with Ops.context(ctx):
        assert op.add_column("t", sa.Column("x", sa.Integer)) == "done"
        op.rename_table("a", "b")
    assert calls == [(ctx, "add_column"), (ctx, "rename_table")]


# -- a user-defined operation ------------------------------------------------------------


@Operations.register_operation("create_sequence")
class CreateSequenceOp(MigrateOperation):
    """CREATE SEQUENCE, as a project would add it."""

    op_name = "create_sequence"
    fields = (f.name("sequence_name"), f.name("schema", required=False), f.value("start"))

    def __init__(
        self, sequence_name: str, schema: str | None = None, start: int | None = None
    ) -> None:
        self.sequence_name = sequence_name
        self.schema = schema
        self.start = start

    @classmethod
    def create_sequence(cls, operations, sequence_name, **kw):
        """Create a sequence."""
        return operations.invoke(cls(sequence_name, **kw))

    def reverse(self):
        return DropSequenceOp(self.sequence_name, schema=self.schema)


@Operations.register_operation("drop_sequence")
class DropSequenceOp(MigrateOperation):
    op_name = "drop_sequence"
    fields = (f.name("sequence_name"), f.name("schema", required=False))

    def __init__(self, sequence_name: str, schema: str | None = None) -> None:
        self.sequence_name = sequence_name
        self.schema = schema

    @classmethod
    def drop_sequence(cls, operations, sequence_name, **kw):
        return operations.invoke(cls(sequence_name, **kw))


def test_registered_operation_runs_its_own_executor() -> None:
    executed = []

    @Operations.implementation_for(CreateSequenceOp)
    def create_sequence(operations, operation):
        executed.append(f"CREATE SEQUENCE {operation.sequence_name} START {operation.start}")

    try:
        with Operations.context(None):
            op.create_sequence("order_seq", start=100)
    finally:
        del Operations._implementations[CreateSequenceOp]
    assert executed == ["CREATE SEQUENCE order_seq START 100"]
    assert Operations.create_sequence.__doc__ == "Create a sequence."


def test_registered_operation_records_reverses_and_serialises() -> None:
    (directive,) = record(lambda: op.create_sequence("s1", schema="app", start=5))
    assert isinstance(directive, CreateSequenceOp)
    assert directive.reverse() == DropSequenceOp("s1", schema="app")
    data = json.loads(json.dumps(directive.to_dict()))
    assert data == {"op": "create_sequence", "sequence_name": "s1", "schema": "app", "start": 5}
    assert from_dict(data) == directive


# -- helpers -----------------------------------------------------------------------------


def test_inline_literal_renders_inline_and_escapes() -> None:
    table = sa.table("t", sa.column("x"))
    stmt = table.update().values(x=Operations.inline_literal("it's"))
    sql = str(
        stmt.compile(
            dialect=sa.dialects.postgresql.dialect(), compile_kwargs={"literal_binds": True}
        )
    )
    assert sql == "UPDATE t SET x='it''s'"


def test_f_marks_a_name_final() -> None:
    name = Operations.f("ck_exact")
    assert isinstance(name, sa.sql.elements.conv) and name == "ck_exact"


def test_record_file_reads_a_migration_script(tmp_path) -> None:
    script = tmp_path / "0001_add.py"
    script.write_text(
        "import sqlalchemy as sa\nfrom mig.ops import op\n\nrevision = '0001'\ndown_revision = None\n\n"
        "def upgrade():\n    op.add_column('t', sa.Column('x', sa.Integer))\n\n"
        "def downgrade():\n    op.drop_column('t', 'x')\n"
    )
    assert record_file(script) == [AddColumnOp("t", sa.Column("x", sa.Integer))]
    assert [d.op_name for d in record_file(script, "downgrade")] == ["drop_column"]


def test_run_async_awaits_on_the_async_connection(tmp_path) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    class Context:
        def __init__(self, bind):
            self.bind = bind

    async def count_tables(async_conn, prefix):
        result = await async_conn.execute(
            sa.text("SELECT count(*) FROM sqlite_master WHERE name LIKE :p"), {"p": prefix + "%"}
        )
        return result.scalar_one()

    def migration(sync_conn):
        sync_conn.execute(sa.text("CREATE TABLE mig_async_probe (id INTEGER)"))
        return Operations(Context(sync_conn)).run_async(count_tables, "mig_async")

    async def main():
        engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}")
        async with engine.begin() as conn:
            found = await conn.run_sync(migration)
        await engine.dispose()
        return found

    assert asyncio.run(main()) == 1


def test_run_async_refuses_a_sync_driver() -> None:
    class Context:
        bind = sa.create_engine("sqlite://").connect()

    with pytest.raises(NoDatabaseError, match="synchronous driver 'pysqlite'"):
        Operations(Context()).run_async(lambda conn: None)
    Context.bind.close()
