"""The built-in rules. Each is a small check on one directive class; the registry, the
suppression comments and the output formats are shared with the rules projects add.

Ids are stable: MIG001-MIG015. ``needs-database`` (MIG013) and ``unrendered-type`` (MIG014)
have no check of their own: the engine reports the first when ``upgrade()`` asks for a
connection while being recorded, the second for each note autogenerate left in the
script's source (``todos.py``).
"""

from __future__ import annotations

from mig.cli.lint.context import LintContext
from mig.cli.lint.model import CheckResult
from mig.cli.lint.registry import REGISTRY, RuleRegistry
from mig.cli.lint.typecheck import narrowing, render, rewrites_table
from mig.ops import (
    AddColumnOp,
    AlterColumnOp,
    CreateCheckConstraintOp,
    CreateForeignKeyOp,
    CreateIndexOp,
    DropColumnOp,
    DropTableOp,
    ExecuteSQLOp,
    RenameTableOp,
)

NEEDS_DATABASE = "MIG013"
UNRENDERED_TYPE = "MIG014"


def register_builtin_rules(registry: RuleRegistry) -> None:
    """Add the built-in rules to ``registry`` (done once for the default registry)."""
    rule = registry.rule

    @rule(
        "MIG001",
        "drop-table",
        severity="error",
        summary="dropping a table loses its data and breaks code still using it",
        ops=(DropTableOp,),
    )
    def drop_table(op: DropTableOp, ctx: LintContext) -> CheckResult:
        return not ctx.is_new_table(op.table_name, op.schema)

    @rule(
        "MIG002",
        "drop-column",
        severity="error",
        summary="dropping a column loses data and breaks code still reading it",
        ops=(DropColumnOp,),
    )
    def drop_column(op: DropColumnOp, ctx: LintContext) -> CheckResult:
        return not ctx.is_new_table(op.table_name, op.schema)

    @rule(
        "MIG003",
        "rename-table",
        severity="warning",
        summary="renaming a table breaks code still using the old name while it runs",
        ops=(RenameTableOp,),
    )
    def rename_table(op: RenameTableOp, ctx: LintContext) -> CheckResult:
        return not ctx.is_new_table(op.old_table_name, op.schema)

    @rule(
        "MIG004",
        "rename-column",
        severity="warning",
        summary="renaming a column breaks code still using the old name while it runs",
        ops=(AlterColumnOp,),
    )
    def rename_column(op: AlterColumnOp, ctx: LintContext) -> CheckResult:
        return op.modify_name is not None and not ctx.is_new_table(op.table_name, op.schema)

    @rule(
        "MIG005",
        "not-null-column-without-default",
        severity="error",
        summary="adding a NOT NULL column without a server default fails on a table with rows",
        ops=(AddColumnOp,),
    )
    def not_null_without_default(op: AddColumnOp, ctx: LintContext) -> CheckResult:
        column = op.column
        filled_by_database = (
            column.server_default is not None
            or column.computed is not None
            or column.identity is not None
        )
        return (
            not column.nullable
            and not filled_by_database
            and not ctx.is_new_table(op.table_name, op.schema)
        )

    @rule(
        "MIG006",
        "narrowing-type",
        severity="error",
        summary="narrowing a column type can fail on or truncate existing values",
        ops=(AlterColumnOp,),
    )
    def narrowing_type(op: AlterColumnOp, ctx: LintContext) -> CheckResult:
        if op.modify_type is None or op.existing_type is None:
            return None
        if ctx.is_new_table(op.table_name, op.schema):
            return None
        why = narrowing(op.existing_type, op.modify_type)
        if why is None:
            return None
        return f"{render(op.existing_type)} -> {render(op.modify_type)}: {why}"

    @rule(
        "MIG007",
        "type-change-rewrites-table",
        severity="warning",
        summary="this type change rewrites every row while holding an exclusive lock",
        ops=(AlterColumnOp,),
    )
    def rewrites(op: AlterColumnOp, ctx: LintContext) -> CheckResult:
        if op.modify_type is None or op.existing_type is None:
            return None
        if ctx.is_new_table(op.table_name, op.schema):
            return None
        if not rewrites_table(op.existing_type, op.modify_type):
            return None
        return f"{render(op.existing_type)} -> {render(op.modify_type)}"

    @rule(
        "MIG008",
        "type-change-without-existing-type",
        severity="warning",
        summary=(
            "the type changes but existing_type is not given, so narrowing and rewrites "
            "cannot be checked (and the change cannot be reversed)"
        ),
        ops=(AlterColumnOp,),
    )
    def unknown_existing_type(op: AlterColumnOp, ctx: LintContext) -> CheckResult:
        return (
            op.modify_type is not None
            and op.existing_type is None
            and not ctx.is_new_table(op.table_name, op.schema)
        )

    @rule(
        "MIG009",
        "index-without-concurrently",
        severity="warning",
        summary=(
            "creating an index without postgresql_concurrently=True blocks writes to the "
            "table until it is built"
        ),
        ops=(CreateIndexOp,),
        dialects=("postgresql",),
    )
    def index_not_concurrent(op: CreateIndexOp, ctx: LintContext) -> CheckResult:
        return not op.kw.get("postgresql_concurrently") and not ctx.is_new_table(
            op.table_name, op.schema
        )

    @rule(
        "MIG010",
        "constraint-without-not-valid",
        severity="warning",
        summary=(
            "adding a foreign key or check constraint without postgresql_not_valid=True "
            "scans the whole table under lock; add it NOT VALID, then VALIDATE it separately"
        ),
        ops=(CreateForeignKeyOp, CreateCheckConstraintOp),
        dialects=("postgresql",),
    )
    def constraint_not_valid(
        op: CreateForeignKeyOp | CreateCheckConstraintOp, ctx: LintContext
    ) -> CheckResult:
        return not op.kw.get("postgresql_not_valid") and not ctx.is_new_table(
            op.table_name, op.schema
        )

    @rule(
        "MIG011",
        "set-not-null",
        severity="warning",
        summary=(
            "setting NOT NULL on an existing column scans the whole table under an exclusive "
            "lock (add a NOT VALID check constraint IS NOT NULL and validate it first)"
        ),
        ops=(AlterColumnOp,),
        dialects=("postgresql",),
    )
    def set_not_null(op: AlterColumnOp, ctx: LintContext) -> CheckResult:
        return (
            op.modify_nullable is False
            and op.existing_nullable is not False
            and not ctx.is_new_table(op.table_name, op.schema)
        )

    @rule(
        "MIG012",
        "raw-sql",
        severity="warning",
        summary="raw SQL run with execute cannot be checked by mig lint; review it by hand",
        ops=(ExecuteSQLOp,),
    )
    def raw_sql(op: ExecuteSQLOp, ctx: LintContext) -> CheckResult:
        return True

    @rule(
        "MIG015",
        "computed-column-rewrite",
        severity="warning",
        summary=(
            "adding a computed column computes it for every row of the table; a changed "
            "computed expression is a drop and an add, so the column is rewritten (and is "
            "missing in between)"
        ),
        ops=(AddColumnOp,),
    )
    def computed_rewrite(op: AddColumnOp, ctx: LintContext) -> CheckResult:
        return op.column.computed is not None and not ctx.is_new_table(op.table_name, op.schema)

    @rule(
        NEEDS_DATABASE,
        "needs-database",
        severity="warning",
        summary=(
            "upgrade() asks for a database connection (op.get_bind()), so the operations "
            "after that point were not recorded and cannot be checked"
        ),
        ops=(),
    )
    def needs_database(op: object, ctx: LintContext) -> CheckResult:
        return None  # reported by the engine, never by a directive

    @rule(
        UNRENDERED_TYPE,
        "unrendered-type",
        severity="error",
        summary=(
            "autogenerate wrote this column type as its database type because its repr() "
            "does not rebuild it: write the real type, or render it with the render_item "
            "hook, and delete the TODO(mig) lines"
        ),
        ops=(),
    )
    def unrendered_type(op: object, ctx: LintContext) -> CheckResult:
        return None  # reported by the engine from the script's comments


register_builtin_rules(REGISTRY)
