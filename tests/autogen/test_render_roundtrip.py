"""Rendered code round-trips: executed under mig.ops' recorder it gives back equal directives.

What the op API cannot carry is left out of the comparison, by design: ``restore`` (what a
drop would restore, which only ``reverse()`` uses) is not part of an ``op.drop_*`` call.
Containers come back flat (``ModifyTableOps`` is autogenerate's grouping, not an op call),
and with ``render_as_batch`` as the ``BatchAlterTableOp`` of a batch block.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from mig import ops
from mig.autogen.render import render_python_code
from mig.ops import enum_ops

ROOT = Path(__file__).resolve().parents[2]


def _load(path: Path, name: str):
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


samples = _load(Path(__file__).with_name("render_samples.py"), "mig_autogen_render_samples")
catalog = _load(ROOT / "tests" / "ops" / "ops_catalog.py", "mig_ops_catalog_for_render")


def record_rendered(code: str, imports: set[str]) -> list[ops.MigrateOperation]:
    """Run rendered code as a script's upgrade() under the recorder."""
    source = "\n".join(
        ["import sqlalchemy as sa", "from mig.ops import op", *sorted(imports), "", ""]
    )
    source += f"def upgrade():\n    {code}\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, "<rendered>", "exec"), namespace)
    return ops.record(namespace["upgrade"])


def comparable(directive: ops.MigrateOperation) -> dict[str, Any]:
    """The directive's dict without ``restore`` (not expressible in the op API)."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "restore"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(directive.to_dict())


def flat(directives: list[ops.MigrateOperation]) -> list[ops.MigrateOperation]:
    out: list[ops.MigrateOperation] = []
    for directive in directives:
        if isinstance(directive, ops.ModifyTableOps | ops.UpgradeOps | ops.DowngradeOps):
            out += flat(directive.ops)
        else:
            out.append(directive)
    return out


def roundtrip(directives: list[ops.MigrateOperation], **kw: Any) -> list[ops.MigrateOperation]:
    imports: set[str] = set()
    code = render_python_code(directives, imports=imports, **kw)
    return record_rendered(code, imports)


def _is_consistent(directive: ops.MigrateOperation) -> bool:
    """The ops catalogue holds one batch whose member names no schema while the block
    does; recorded, the member gets the block's schema. Such input cannot round-trip."""
    if isinstance(directive, ops.BatchAlterTableOp):
        return all(
            getattr(d, "schema", directive.schema) == directive.schema for d in directive.ops
        )
    return not isinstance(directive, ops.MigrationScript)


def all_samples() -> list[tuple[str, ops.MigrateOperation]]:
    out = list(samples.cases().items())
    out += [
        (f"type-{i}", ops.AddColumnOp("t", sa.Column("c", t)))
        for i, t in enumerate(samples.types())
    ]
    out += [(f"odd-{i}", d) for i, d in enumerate(samples.long_and_odd())]
    out += [
        (f"catalog-{i}-{d.op_name}", d)
        for i, d in enumerate(catalog.every_directive())
        if _is_consistent(d)
    ]
    return out


SAMPLES = all_samples()


@pytest.mark.parametrize("directive", [d for _, d in SAMPLES], ids=[n for n, _ in SAMPLES])
def test_rendered_code_records_the_same_directives(directive: ops.MigrateOperation) -> None:
    recorded = roundtrip([directive])
    assert [comparable(d) for d in recorded] == [comparable(d) for d in flat([directive])]


def test_a_whole_upgrade_round_trips_in_order() -> None:
    directives = [d for _, d in SAMPLES]
    recorded = roundtrip([ops.UpgradeOps(directives)])
    assert [comparable(d) for d in recorded] == [comparable(d) for d in flat(directives)]
    assert len(recorded) > 100


def test_equal_as_directives_when_nothing_is_dropped() -> None:
    """Without drops (no restore), the recorded directives are == the rendered ones."""
    directives = [
        d
        for _, d in SAMPLES
        if not isinstance(
            d, ops.DropTableOp | ops.DropColumnOp | ops.DropIndexOp | ops.DropConstraintOp
        )
        and not isinstance(d, ops.OpContainer)
    ]
    assert roundtrip(directives) == directives


def test_render_as_batch_records_one_batch_per_table() -> None:
    add = ops.AddColumnOp("account", sa.Column("email", sa.String(200)), schema="app")
    alter = ops.AlterColumnOp(
        "account", "name", schema="app", modify_nullable=False, existing_type=sa.String(30)
    )
    index = ops.CreateIndexOp("ix_account_email", "account", ["email"], schema="app")
    rename = ops.RenameTableOp("account", "accounts", schema="app")
    upgrade = ops.UpgradeOps(
        [
            ops.CreateTableOp("other", [sa.Column("id", sa.Integer, primary_key=True)]),
            ops.ModifyTableOps("account", [add, alter, rename, index], schema="app"),
        ]
    )
    recorded = roundtrip([upgrade], render_as_batch=True)
    assert recorded == [
        upgrade.ops[0],
        ops.BatchAlterTableOp("account", [add, alter], schema="app"),
        rename,  # no batch form: written between blocks, in order
        ops.BatchAlterTableOp("account", [index], schema="app"),
    ]


def test_enum_directives_round_trip_with_no_import() -> None:
    directives = [
        enum_ops.CreateEnumTypeOp("mood", ["sad", "ok"]),
        enum_ops.AddEnumValueOp("mood", "happy", before="ok", values=["sad", "ok"]),
        enum_ops.DropEnumValueOp(
            "mood", "happy", ["sad", "ok"], columns=[{"table": "p", "column": "m"}]
        ),
        enum_ops.DropEnumTypeOp("mood", values=["sad", "ok"]),
    ]
    imports: set[str] = set()
    code = render_python_code(directives, imports=imports)
    assert imports == set()  # op.create_enum_type & co. are mig.ops' own
    assert record_rendered(code, imports) == directives
