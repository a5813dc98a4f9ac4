"""Item 4: ``Boolean``/``Enum`` with ``create_constraint=True`` on a new column get their
CHECK (through mig-ddl's add_column), and a comparison sees the CHECK when it is missing."""

from __future__ import annotations

import autogen_exact_support as support
import pytest
import sqlalchemy as sa

from mig.autogen import compare_metadata
from mig.runtime import MigrationContext

CONVENTION = {"ck": "ck_%(table_name)s_%(constraint_name)s"}


def _model(with_columns: bool, convention: dict | None = None) -> sa.MetaData:
    md = sa.MetaData(naming_convention=convention) if convention else sa.MetaData()
    cols = []
    if with_columns:
        cols = [
            sa.Column("flag", sa.Boolean(create_constraint=True, name="flag_bool")),
            sa.Column(
                "kind",
                sa.Enum("a", "b", name="kind_enum", native_enum=False, create_constraint=True),
            ),
        ]
    sa.Table("items", md, sa.Column("id", sa.Integer, primary_key=True), *cols)
    return md


def _seed(conn: sa.Connection) -> None:
    conn.execute(sa.text("INSERT INTO items (id) VALUES (7)"))


def _verify(conn: sa.Connection) -> None:
    assert conn.execute(sa.text("SELECT id FROM items")).scalars().all() == [7]


def test_new_columns_get_their_type_checks(engine) -> None:
    support.exact_roundtrip(
        engine,
        _model(False),
        _model(True),
        seed=_seed,
        verify=_verify,
        compare_check_constraints=True,
    )


def test_new_columns_get_their_type_checks_named_by_convention(engine) -> None:
    support.exact_roundtrip(
        engine,
        _model(False, CONVENTION),
        _model(True, CONVENTION),
        seed=_seed,
        verify=_verify,
        compare_check_constraints=True,
    )


@pytest.mark.parametrize("compare_checks", [True, False])
def test_a_missing_type_check_is_a_difference(engine, compare_checks: bool) -> None:
    """A database whose column lacks its type's CHECK (added by hand, or by an older tool);
    reported whether or not ``compare_check_constraints`` is on, as a type is."""
    model = _model(True)
    with engine.begin() as conn:
        _model(False).create_all(conn)
        conn.exec_driver_sql("ALTER TABLE items ADD COLUMN flag BOOLEAN")
        conn.exec_driver_sql("ALTER TABLE items ADD COLUMN kind VARCHAR(1)")
    with engine.connect() as conn:
        ctx = MigrationContext.configure(connection=conn, opts={"target_metadata": model})
        found = compare_metadata(ctx, model, opts={"compare_check_constraints": compare_checks})
    if engine.dialect.name == "postgresql":
        # native BOOLEAN: only the enum's CHECK is missing
        assert [d[0] for d in found] == ["add_check"], found
        assert found[0][1].name == "kind_enum"
    else:
        assert sorted(d[1].name for d in found if d[0] == "add_check") == ["flag_bool", "kind_enum"]
