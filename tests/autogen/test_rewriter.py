"""Rewriter: per-directive-type rewrites over a whole MigrationScript tree."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mig import ops
from mig.autogen.revision import downgrade_ops_list, set_ops_lists, upgrade_ops_list
from mig.autogen.rewriter import Rewriter, RewriterError


def script(*upgrade: ops.MigrateOperation) -> ops.MigrationScript:
    up = ops.UpgradeOps(list(upgrade))
    return ops.MigrationScript("r1", up, ops.DowngradeOps([]))


def not_null_in_two_steps() -> Rewriter:
    writer = Rewriter()

    @writer.rewrites(ops.AddColumnOp)
    def add_column(context, revision, op):
        if op.column.nullable:
            return op
        op.column.nullable = True
        return [
            op,
            ops.AlterColumnOp(
                op.table_name,
                op.column.name,
                schema=op.schema,
                modify_nullable=False,
                existing_type=op.column.type,
            ),
        ]

    return writer


def test_rewrite_replaces_a_directive_with_several_inside_table_groups() -> None:
    add = ops.AddColumnOp("t", sa.Column("c", sa.Integer, nullable=False))
    keep = ops.AddColumnOp("t", sa.Column("d", sa.Integer))
    directives = [script(ops.ModifyTableOps("t", [add, keep]))]
    not_null_in_two_steps()(None, ("head1",), directives)
    group = directives[0].upgrade_ops.ops[0]
    assert group.ops == [
        ops.AddColumnOp("t", sa.Column("c", sa.Integer, nullable=True)),
        ops.AlterColumnOp("t", "c", modify_nullable=False, existing_type=sa.Integer()),
        keep,
    ]


def test_rewrite_receives_context_and_revision_and_none_removes() -> None:
    writer = Rewriter()
    seen = []

    @writer.rewrites(ops.DropTableOp)
    def no_drops(context, revision, op):
        seen.append((context, revision, op.table_name))
        return None

    directives = [
        script(ops.DropTableOp("a"), ops.CreateTableOp("b", [sa.Column("x", sa.Integer)]))
    ]
    writer("CTX", ("rev",), directives)
    assert seen == [("CTX", ("rev",), "a")]
    assert [d.op_name for d in directives[0].upgrade_ops.ops] == ["create_table"]


def test_returning_the_same_directive_does_not_loop_and_subclasses_match() -> None:
    writer = Rewriter()
    calls = []

    @writer.rewrites(ops.AddConstraintOp)  # base class of every create-constraint directive
    def touch(context, revision, op):
        calls.append(op.op_name)
        return op

    directives = [
        script(
            ops.CreateUniqueConstraintOp("uq", "t", ["a"]),
            ops.CreateCheckConstraintOp("ck", "t", "a > 0"),
        )
    ]
    writer(None, (), directives)
    writer(None, (), directives)  # already rewritten by this writer: not again
    assert calls == ["create_unique_constraint", "create_check_constraint"]


def test_members_of_returned_containers_and_batches_are_walked() -> None:
    writer = Rewriter()

    @writer.rewrites(ops.ModifyTableOps)
    def as_batch(context, revision, op):
        return ops.BatchAlterTableOp(op.table_name, op.ops, schema=op.schema)

    @writer.rewrites(ops.DropColumnOp)
    def keep_columns(context, revision, op):
        return []

    directives = [
        script(ops.ModifyTableOps("t", [ops.DropColumnOp("t", "x"), ops.DropIndexOp("ix")]))
    ]
    writer(None, (), directives)
    assert directives[0].upgrade_ops.ops == [ops.BatchAlterTableOp("t", [ops.DropIndexOp("ix")])]


def test_downgrade_and_every_upgrade_ops_of_a_multidb_script_are_walked() -> None:
    writer = Rewriter()

    @writer.rewrites(ops.DropTableOp)
    def rename(context, revision, op):
        return ops.DropTableOp(op.table_name.upper())

    s = script(ops.DropTableOp("a"))
    set_ops_lists(
        s,
        [s.upgrade_ops, ops.UpgradeOps([ops.DropTableOp("b")], upgrade_token="e2_upgrades")],
        [
            ops.DowngradeOps([ops.DropTableOp("c")]),
            ops.DowngradeOps([ops.DropTableOp("d")], downgrade_token="e2_downgrades"),
        ],
    )
    writer(None, (), [s])
    assert [u.ops[0].table_name for u in upgrade_ops_list(s)] == ["A", "B"]
    assert [d.ops[0].table_name for d in downgrade_ops_list(s)] == ["C", "D"]
    assert upgrade_ops_list(s)[1].upgrade_token == "e2_upgrades"


def test_chain_runs_the_next_writer_on_the_result() -> None:
    first = not_null_in_two_steps()
    second = Rewriter()

    @second.rewrites(ops.AlterColumnOp)
    def with_schema(context, revision, op):
        op.schema = "app"
        return op

    calls = []

    def plain_hook(context, revision, directives):
        calls.append(len(directives))

    chained = first.chain(second).chain(plain_hook)
    directives = [script(ops.AddColumnOp("t", sa.Column("c", sa.Integer, nullable=False)))]
    chained(None, (), directives)
    assert [(d.op_name, d.schema) for d in directives[0].upgrade_ops.ops] == [
        ("add_column", None),
        ("alter_column", "app"),
    ]
    assert calls == [1]


def test_a_script_level_rewrite_may_empty_the_list() -> None:
    writer = Rewriter()

    @writer.rewrites(ops.MigrationScript)
    def skip_empty(context, revision, s):
        return None if s.upgrade_ops.is_empty() else s

    directives = [script()]
    writer(None, (), directives)
    assert directives == []


def test_bad_results_are_one_line_errors() -> None:
    writer = Rewriter()

    @writer.rewrites(ops.DropTableOp)
    def bad(context, revision, op):
        return "DROP TABLE a"

    with pytest.raises(
        RewriterError,
        match=r"^the rewrite function 'bad' for DropTableOp returned str, not a directive$",
    ):
        writer(None, (), [script(ops.DropTableOp("a"))])

    splitter = Rewriter()

    @splitter.rewrites(ops.UpgradeOps)
    def split(context, revision, op):
        return [op, ops.UpgradeOps([])]

    with pytest.raises(RewriterError, match="a rewrite of UpgradeOps must return one UpgradeOps"):
        splitter(None, (), [script()])
