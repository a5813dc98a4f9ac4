"""Helpers for the compare tests: create an "old" model, compare with a "new" one, apply the
directives through a real MigrationContext, and compare again (the round trip).

Test modules import the ``clean_types`` fixture from here (it drops what the shared
``engine`` fixture leaves behind: PostgreSQL enum types and the extra schema).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest
import sqlalchemy as sa

from mig import ops
from mig.autogen import compare_metadata, compare_to_ops
from mig.runtime import MigrationContext

OTHER_SCHEMA = "mig_autogen_other"


def context(conn: sa.Connection, **opts: Any) -> MigrationContext:
    return MigrationContext.configure(connection=conn, opts={"migration_lock": False, **opts})


def create(engine: sa.Engine, metadata: sa.MetaData) -> None:
    with engine.begin() as conn:
        metadata.create_all(conn)


def compare(engine: sa.Engine, metadata: Any, **opts: Any) -> ops.UpgradeOps:
    with engine.connect() as conn:
        return compare_to_ops(context(conn, **opts), metadata)


def diffs(engine: sa.Engine, metadata: Any, **opts: Any) -> list[Any]:
    with engine.connect() as conn:
        return compare_metadata(context(conn, **opts), metadata)


def apply(engine: sa.Engine, directives: Sequence[ops.MigrateOperation]) -> None:
    with engine.connect() as conn:
        operations = ops.Operations(context(conn))
        for directive in directives:
            operations.invoke(directive)
        conn.commit()


def roundtrip(engine: sa.Engine, old: sa.MetaData, new: Any, **opts: Any) -> ops.UpgradeOps:
    """Create ``old``, compare with ``new``, apply, and check a second compare is empty."""
    create(engine, old)
    upgrade = compare(engine, new, **opts)
    apply(engine, upgrade.ops)
    again = compare(engine, new, **opts)
    assert again.ops == [], f"second compare is not empty: {again.ops!r}"
    return upgrade


def downgrade_roundtrip(engine: sa.Engine, upgrade: ops.UpgradeOps, old: Any, **opts: Any) -> None:
    """Apply the reverse of ``upgrade`` and check the database matches ``old`` again."""
    apply(engine, upgrade.reverse().ops)
    again = compare(engine, old, **opts)
    assert again.ops == [], f"after downgrade, compare with the old model: {again.ops!r}"


def flat(upgrade: ops.UpgradeOps) -> list[ops.MigrateOperation]:
    """Every non-container directive, in order."""
    return [op for op in upgrade.walk() if not isinstance(op, ops.OpContainer)]


def kinds(upgrade: ops.UpgradeOps) -> list[str]:
    return [op.op_name for op in flat(upgrade)]


def only(upgrade: ops.UpgradeOps, cls: type) -> list[Any]:
    return [op for op in flat(upgrade) if isinstance(op, cls)]


def name_of(engine: sa.Engine) -> str:
    return engine.dialect.name


def _drop_types(engine: sa.Engine) -> None:
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {OTHER_SCHEMA} CASCADE")
        for enum in sa.inspect(conn).get_enums(schema="*"):
            if enum["schema"] in ("public", OTHER_SCHEMA):
                conn.exec_driver_sql(f'DROP TYPE IF EXISTS "{enum["schema"]}"."{enum["name"]}"')


@pytest.fixture
def clean_types(engine: sa.Engine) -> Iterator[None]:
    """PostgreSQL: no enum type or extra schema before and after the test."""
    _drop_types(engine)
    yield
    engine.dispose()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {OTHER_SCHEMA} CASCADE")
    md = sa.MetaData()
    md.reflect(engine)
    with engine.begin() as conn:
        if conn.dialect.name in ("mysql", "mariadb"):
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS=0")
        md.drop_all(conn)
        if conn.dialect.name in ("mysql", "mariadb"):
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS=1")
    _drop_types(engine)
