"""Issue 14 item 11: enum values removed, renamed or reordered, as model pairs.

PostgreSQL: a removed or reordered value rebuilds the named type (``rebuild_enum_type``,
which converts every column of the type, arrays included, after checking that no row
holds a removed value); a value replaced at the same position is ``rename_enum_value``.
MariaDB: the enum is the column's own ``ENUM(...)``; a change of values is an
``alter_column`` (``MODIFY``). SQLite: a non-native enum is a ``VARCHAR``. Every pair goes
the whole user path (``autogen_exact_support.exact_roundtrip``) on each backend.
"""

from __future__ import annotations

import autogen_exact_support as support
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from mig import ops
from mig.ddl import EnumValueInUseError, to_sql


def _model(*values: str, array: bool = False) -> sa.MetaData:
    md = sa.MetaData()
    mood = sa.Enum(*values, name="mood")
    columns = [sa.Column("id", sa.Integer, primary_key=True), sa.Column("m", mood)]
    if array:
        columns.append(sa.Column("ms", pg.ARRAY(mood)))
    sa.Table("person", md, *columns, sa.Index("ix_person_m", "m"))
    return md


def _labels(engine: sa.Engine) -> list[str] | None:
    if engine.dialect.name != "postgresql":
        return None
    return {e["name"]: e["labels"] for e in sa.inspect(engine).get_enums()}.get("mood")


def _rows(conn: sa.Connection) -> list[tuple]:
    return [tuple(r) for r in conn.execute(sa.text("SELECT id, m FROM person ORDER BY id"))]


@pytest.fixture(autouse=True)
def _no_types_left(engine):
    yield
    support.drop_all(engine)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TYPE IF EXISTS mood, mood_old_mig")


def _seed(*values: str):
    def seed(conn: sa.Connection) -> None:
        for i, value in enumerate(values, 1):
            conn.execute(
                sa.text("INSERT INTO person (id, m) VALUES (:i, :m)"), {"i": i, "m": value}
            )

    return seed


def test_removed_value(engine) -> None:
    # the longest value stays: SQLite's VARCHAR(5) (a length it does not enforce) is kept
    kept = _seed("sad", "happy")
    up, down = support.exact_roundtrip(
        engine, _model("sad", "ok", "happy"), _model("sad", "happy"), seed=kept
    )
    with engine.connect() as conn:
        assert _rows(conn) == [(1, "sad"), (2, "happy")]
    if engine.dialect.name == "postgresql":
        assert "op.rebuild_enum_type(" in up and "op.rebuild_enum_type(" in down
        assert _labels(engine) == ["sad", "ok", "happy"]  # after the downgrade


def test_removed_value_with_an_array_column(engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("ARRAY columns are PostgreSQL's")

    def seed(conn: sa.Connection) -> None:
        conn.execute(sa.text("INSERT INTO person (id, m, ms) VALUES (1, 'ok', '{sad,ok}')"))

    def verify(conn: sa.Connection) -> None:
        row = conn.execute(sa.text("SELECT m::text, ms::text[] FROM person")).one()
        assert tuple(row) == ("ok", ["sad", "ok"])

    support.exact_roundtrip(
        engine,
        _model("sad", "ok", "happy", array=True),
        _model("ok", "sad", array=True),  # removed and reordered
        seed=seed,
        verify=verify,
    )
    assert _labels(engine) == ["sad", "ok", "happy"]


def test_renamed_value(engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("a rename in place is PostgreSQL's ALTER TYPE ... RENAME VALUE")
    up, down = support.exact_roundtrip(
        engine, _model("sad", "ok"), _model("sad", "fine"), seed=_seed("sad", "ok")
    )
    assert 'op.rename_enum_value("mood", "ok", "fine")' in up
    assert 'op.rename_enum_value("mood", "fine", "ok")' in down
    old, new = _model("sad", "ok"), _model("sad", "fine")
    support.drop_all(engine)
    with engine.begin() as conn:
        old.create_all(conn)
        _seed("sad", "ok")(conn)
    up, _, imports = support.render_script(engine, new)
    support.run_rendered(engine, new, up, imports)
    with engine.connect() as conn:
        assert _rows(conn) == [(1, "sad"), (2, "fine")]  # the rows follow the rename
    assert _labels(engine) == ["sad", "fine"]


def test_a_row_holding_a_removed_value_stops_the_upgrade(engine) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite keeps no enum: a VARCHAR holds any value")
    old, new = _model("sad", "ok", "happy"), _model("sad", "happy")
    support.drop_all(engine)
    with engine.begin() as conn:
        old.create_all(conn)
        _seed("sad", "ok", "happy", "ok")(conn)
    up, _, imports = support.render_script(engine, new)
    if engine.dialect.name != "postgresql":
        with pytest.raises(sa.exc.DBAPIError):  # MariaDB: data truncated (strict mode)
            support.run_rendered(engine, new, up, imports)
        return
    with pytest.raises(EnumValueInUseError) as caught:
        support.run_rendered(engine, new, up, imports)
    message = str(caught.value)
    assert message == (
        "rebuild_enum_type mood: person.m holds 'ok', which the new type lacks; "
        "update or delete those rows first (or keep the values in the model)"
    )
    assert "\n" not in message
    assert _labels(engine) == ["sad", "ok", "happy"]  # untouched
    assert support.compare(engine, old) == []


def test_offline_check_raises_in_the_database(engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("named ENUM types exist on PostgreSQL only")
    old = _model("sad", "ok")
    support.drop_all(engine)
    with engine.begin() as conn:
        old.create_all(conn)
        _seed("sad", "ok")(conn)
    op = ops.RebuildEnumTypeOp(
        "mood", ["sad"], old_values=["sad", "ok"], columns=[{"table": "person", "column": "m"}]
    )
    [check, *_rest] = to_sql(op, "postgresql")
    with pytest.raises(sa.exc.DBAPIError, match=r"person\.m holds 'ok', which the new type"):
        with engine.begin() as conn:
            conn.execute(sa.text(check))


def test_exact_sql() -> None:
    rename = ops.RenameEnumValueOp("mood", "ok", "it's ok", schema="s")
    assert to_sql(rename, "postgresql") == ["ALTER TYPE s.mood RENAME VALUE 'ok' TO 'it''s ok'"]
    rebuild = ops.RebuildEnumTypeOp(
        "mood",
        ["a", "b"],
        old_values=["b", "a", "c"],
        columns=[
            {"table": "t", "column": "ms", "array": True},
            {"table": "u", "column": "m", "default": "'a'::mood"},
        ],
    )
    check = (
        "DO $mig$ DECLARE held text; BEGIN SELECT string_agg(DISTINCT quote_literal(v), ', ' "
        "ORDER BY quote_literal(v)) INTO held {source} WHERE v NOT IN ('a', 'b'); "
        "IF held IS NOT NULL THEN RAISE EXCEPTION 'rebuild_enum_type mood: {where} holds %, "
        "which the new type lacks; update or delete those rows first (or keep the values in "
        "the model)', held; END IF; END $mig$"
    )
    assert to_sql(rebuild, "postgresql") == [
        check.format(source="FROM t, unnest(ms::text[]) AS mig_held(v)", where="t.ms"),
        check.format(source="FROM (SELECT m::text AS v FROM u) AS mig_held", where="u.m"),
        "ALTER TYPE mood RENAME TO mood_old_mig",
        "CREATE TYPE mood AS ENUM ('a', 'b')",
        "ALTER TABLE t ALTER COLUMN ms TYPE mood[] USING ms::text::mood[]",
        "ALTER TABLE u ALTER COLUMN m DROP DEFAULT",
        "ALTER TABLE u ALTER COLUMN m TYPE mood USING m::text::mood",
        "ALTER TABLE u ALTER COLUMN m SET DEFAULT 'a'::mood",
        "DROP TYPE mood_old_mig",
    ]
    assert rebuild.reverse().values == ["b", "a", "c"]
    assert rename.reverse() == ops.RenameEnumValueOp("mood", "it's ok", "ok", schema="s")
    for dialect in ("mysql", "mariadb", "sqlite", "mssql", "oracle"):
        for directive in (rename, rebuild):
            with pytest.raises(NotImplementedError, match=f"{directive.op_name}.*{dialect}"):
                to_sql(directive, dialect)
    with pytest.raises(ops.IrreversibleOperationError, match="pass old_values"):
        ops.RebuildEnumTypeOp("mood", ["a"]).reverse()
    with pytest.raises(ops.DirectiveError, match="new_value"):
        ops.RenameEnumValueOp("mood", "a", "a")
