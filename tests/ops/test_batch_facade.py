"""``batch_op`` offers only the ops that act on its table, generated from the declarations
of ``Operations``; any other op is an AttributeError that points at ``op.<name>``."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mig.ops import BatchOperations, Operations, RecordingOperations, op
from mig.ops.signatures import declared_ops

# Alembic's BatchOperations: the table ops in their batch form, and the shared op API.
BATCH_API = {
    "add_column",
    "alter_column",
    "create_check_constraint",
    "create_exclude_constraint",
    "create_foreign_key",
    "create_index",
    "create_primary_key",
    "create_table_comment",
    "create_unique_constraint",
    "drop_column",
    "drop_constraint",
    "drop_index",
    "drop_table_comment",
    "execute",
    "activate",
    "batch_alter_table",
    "context",
    "f",
    "get_bind",
    "get_context",
    "impl",
    "implementation_for",
    "inline_literal",
    "invoke",
    "register_operation",
    "run_async",
    "schema",
    "table_name",
}
NOT_IN_BATCH = [
    ("drop_table", ("y",)),
    ("create_table", ("y", sa.Column("id", sa.Integer))),
    ("rename_table", ("a", "b")),
    ("bulk_insert", (sa.table("y"), [])),
    ("create_enum_type", ("mood", ["sad"])),
]


def test_batch_op_has_exactly_the_batch_api() -> None:
    public = {name for name in dir(BatchOperations) if not name.startswith("_")}
    assert public == BATCH_API
    assert not issubclass(BatchOperations, Operations)
    batch_op = BatchOperations(Operations(None), None)  # type: ignore[arg-type]
    with pytest.raises(AttributeError, match="'BatchOperations' object has no attribute 'nope'"):
        batch_op.nope  # noqa: B018


@pytest.mark.parametrize(("name", "args"), NOT_IN_BATCH, ids=[n for n, _ in NOT_IN_BATCH])
def test_an_op_on_another_table_is_refused_inside_the_block(name, args) -> None:
    recorder = RecordingOperations()
    with recorder.activate(), op.batch_alter_table("t") as batch_op:
        with pytest.raises(AttributeError) as info:
            getattr(batch_op, name)(*args)
    assert str(info.value) == (
        f"batch_op.{name}: {name} does not act on the batch block's table 't'; "
        f"call op.{name}(...) outside the `with op.batch_alter_table(...)` block"
    )
    assert "\n" not in str(info.value)
    (batch,) = recorder.directives
    assert batch.ops == []


def test_each_batch_method_is_generated_from_the_op_declaration() -> None:
    declared = declared_ops()
    batch_forms = {name for name, spec in declared.items() if spec.batch is not None}
    assert batch_forms == BATCH_API & set(declared)
    for name in batch_forms:
        assert BatchOperations.__dict__[name].__qualname__ == f"BatchOperations.{name}"
        assert Operations.__dict__[name].__wrapped__.__qualname__ == f"Operations.{name}"

    # the batch form builds what the op builds, with the block's table and schema
    def upgrade() -> None:
        with op.batch_alter_table("t", schema="s") as batch_op:
            batch_op.add_column(sa.Column("x", sa.Integer), insert_after="id")
            batch_op.create_foreign_key("fk", "r", ["x"], ["id"], ondelete="CASCADE")
            batch_op.create_index("ix", ["x"], unique=True)
            batch_op.drop_column("x")

    recorder = RecordingOperations()
    with recorder.activate():
        upgrade()
        op.add_column("t", sa.Column("x", sa.Integer), schema="s")
        op.create_foreign_key("fk", "t", "r", ["x"], ["id"], ondelete="CASCADE", source_schema="s")
        op.create_index("ix", "t", ["x"], schema="s", unique=True)
        op.drop_column("t", "x", schema="s")
    batch, *plain = recorder.directives
    assert batch.ops[1:] == plain[1:]
    assert batch.ops[0].kw == {"insert_after": "id"} and plain[0].kw == {}


def test_bad_arguments_name_the_batch_method() -> None:
    recorder = RecordingOperations()
    with recorder.activate(), op.batch_alter_table("t") as batch_op:
        with pytest.raises(TypeError, match=r"^batch_op.drop_column\(\): missing a required"):
            batch_op.drop_column()
