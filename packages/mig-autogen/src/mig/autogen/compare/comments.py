"""Table and column comments, on databases that keep them (not SQLite).

An empty comment and no comment are the same thing: some databases store one as the other.
"""

from __future__ import annotations

from mig import ops
from mig.autogen.compare.registry import comparator
from mig.autogen.compare.state import ColumnDiff, TableDiff
from mig.autogen.context import AutogenContext


def _norm(comment: str | None) -> str | None:
    return comment or None


def _supported(ctx: AutogenContext) -> bool:
    dialect = ctx.dialect
    return bool(dialect is not None and dialect.supports_comments)


@comparator("column", order=40, name="comment")
def compare_column_comment(ctx: AutogenContext, diff: ColumnDiff) -> None:
    if not _supported(ctx):
        return
    wanted = _norm(diff.model.comment)
    if wanted != _norm(diff.info.get("comment")):
        diff.alter.modify_comment = wanted


@comparator("table", order=50, name="table_comment")
def compare_table_comment(ctx: AutogenContext, diff: TableDiff) -> None:
    if not _supported(ctx):
        return
    wanted = _norm(diff.model.comment)
    existing = _norm(diff.reflected.comment)
    if wanted == existing:
        return
    if wanted is None:
        op: ops.MigrateOperation = ops.DropTableCommentOp(
            diff.name, schema=diff.schema, existing_comment=existing
        )
    else:
        op = ops.CreateTableCommentOp(
            diff.name, wanted, schema=diff.schema, existing_comment=existing
        )
    diff.emit("comment", op)
