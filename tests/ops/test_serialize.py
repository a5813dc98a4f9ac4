"""to_dict / from_dict: every directive survives a JSON round trip equal; malformed input is
rejected with an error naming the field; loading never imports or runs code."""

from __future__ import annotations

import json
import sys
from collections import Counter

import pytest
import sqlalchemy as sa
from full_state import state
from ops_catalog import every_directive
from sqlalchemy.dialects import mssql, mysql, oracle, postgresql, sqlite

from mig.ops import (
    AddColumnOp,
    AlterColumnOp,
    CreateIndexOp,
    IrreversibleOperationError,
    RenameTableOp,
    SerializationError,
    from_dict,
    registered_ops,
)
from mig.ops.codec.types import decode_type, encode_type

CATALOG = every_directive()


def round_trip(directive):
    return from_dict(json.loads(json.dumps(directive.to_dict())))


def test_catalog_covers_every_registered_directive() -> None:
    assert {d.op_name for d in CATALOG} >= set(registered_ops(builtin_only=True)) - {
        "upgrade_ops",
        "downgrade_ops",
    }


@pytest.mark.parametrize("directive", CATALOG, ids=lambda d: d.op_name)
def test_json_round_trip_gives_an_equal_directive(directive) -> None:
    back = round_trip(directive)
    assert type(back) is type(directive)
    assert back == directive
    assert back.to_dict() == directive.to_dict()
    assert state(back) == state(directive)  # every attribute, not only the declared fields


#: the catalog's directives that carry too little to be inverted, by op name: any other
#: directive must reverse (and its reverse round-trip), these must refuse in one line
IRREVERSIBLE_IN_CATALOG = Counter(
    {
        "drop_table": 1,  # without the table it drops
        "drop_column": 1,  # without the column
        "drop_index": 1,  # without its columns
        "drop_constraint": 1,  # without the constraint
        "drop_enum_type": 1,  # without its values
        "add_enum_value": 1,  # PostgreSQL cannot drop a value (no drop_enum_value given)
        "backfill": 2,
        "bulk_insert": 1,
        "execute": 2,
        "modify_table": 1,  # holds an irreversible member
        "migration_script": 1,
    }
)


def _reverse_or_refusal(directive):
    try:
        return directive.reverse(), None
    except IrreversibleOperationError as exc:
        return None, exc


@pytest.mark.parametrize("directive", CATALOG, ids=lambda d: d.op_name)
def test_reversed_directives_round_trip_too(directive) -> None:
    reverse, refusal = _reverse_or_refusal(directive)
    if refusal is not None:
        message = str(refusal)
        assert message.startswith(f"{refusal.op_name} cannot be reversed: ")
        assert "\n" not in message
        assert IRREVERSIBLE_IN_CATALOG[directive.op_name] > 0, message
        return
    back = round_trip(reverse)
    assert back == reverse
    assert state(back) == state(reverse)


def test_only_the_expected_directives_are_irreversible() -> None:
    refused = Counter(d.op_name for d in CATALOG if _reverse_or_refusal(d)[1] is not None)
    assert refused == IRREVERSIBLE_IN_CATALOG


def test_full_state_sees_an_attribute_to_dict_leaves_out() -> None:
    """Why the round trips compare ``state()``: ``==`` is ``to_dict()`` equality, blind to
    anything outside the declared fields (autogenerate tags renames with ``info``)."""
    directive = RenameTableOp("a", "b")
    directive.info = {"detected_rename": True}
    back = round_trip(directive)
    assert back == directive
    assert state(back) != state(directive)


def test_directives_compare_by_value() -> None:
    a = AddColumnOp("t", sa.Column("x", sa.String(10), nullable=False))
    b = AddColumnOp("t", sa.Column("x", sa.String(length=10), nullable=False))
    c = AddColumnOp("t", sa.Column("x", sa.String(11), nullable=False))
    assert a == b and a != c
    assert a != AlterColumnOp("t", "x")


def test_to_dict_format_is_plain_and_documented() -> None:
    d = AddColumnOp(
        "users", sa.Column("age", sa.Integer, server_default="0"), schema="app"
    ).to_dict()
    assert d == {
        "op": "add_column",
        "table_name": "users",
        "column": {
            "name": "age",
            "type": {"type": "Integer"},
            "nullable": True,
            "server_default": {"string": "0"},
        },
        "schema": "app",
    }


def test_server_default_string_and_sql_stay_distinct() -> None:
    literal = AlterColumnOp("t", "c", modify_server_default="now()")
    sql = AlterColumnOp("t", "c", modify_server_default=sa.text("now()"))
    assert literal != sql
    assert round_trip(literal).modify_server_default == "now()"
    assert str(round_trip(sql).modify_server_default) == "now()"


def test_dialect_kwargs_with_sql_round_trip() -> None:
    d = CreateIndexOp("ix", "t", ["a"], postgresql_where=sa.column("a") > 5)
    assert d.to_dict()["kw"] == {"postgresql_where": {"$sql": "a > 5"}}
    assert str(round_trip(d).kw["postgresql_where"]) == "a > 5"


TYPES = [
    sa.Integer(),
    sa.BigInteger(),
    sa.SmallInteger(),
    sa.String(),
    sa.String(30, collation="C"),
    sa.Text(),
    sa.Unicode(20),
    sa.Numeric(10, 3),
    sa.Float(precision=24),
    sa.Boolean(create_constraint=True),
    sa.Date(),
    sa.DateTime(timezone=True),
    sa.Time(),
    sa.Interval(),
    sa.LargeBinary(100),
    sa.JSON(),
    sa.Uuid(),
    sa.Enum("a", "b", name="ab", native_enum=False, length=10),
    sa.ARRAY(sa.Integer, dimensions=2),
    postgresql.JSONB(),
    postgresql.UUID(as_uuid=False),
    postgresql.INET(),
    postgresql.TSVECTOR(),
    postgresql.ENUM("x", "y", name="xy", create_type=False),
    postgresql.ARRAY(sa.Text),
    mysql.INTEGER(display_width=11, unsigned=True),
    mysql.VARCHAR(10, charset="latin1", collation="latin1_bin"),
    mysql.TINYINT(1),
    mysql.LONGTEXT(),
    mysql.SET("a", "b"),
    mysql.ENUM("p", "q"),
    mssql.NVARCHAR(50),
    mssql.DATETIME2(precision=3),
    mssql.BIT(),
    oracle.NUMBER(10, 2),
    oracle.VARCHAR2(20),
    sqlite.DATETIME(),
]


@pytest.mark.parametrize("type_", TYPES, ids=repr)
def test_types_round_trip(type_) -> None:
    data = json.loads(json.dumps(encode_type(type_)))
    back = decode_type(data)
    assert type(back) is type(type_)
    assert repr(back) == repr(type_)


class Money(sa.types.TypeDecorator):
    impl = sa.Numeric(12, 2)
    cache_ok = True


def test_custom_types_need_an_explicit_registry() -> None:
    d = AddColumnOp("t", sa.Column("price", Money()))
    data = json.loads(json.dumps(d.to_dict()))
    assert data["column"]["type"]["custom"] == f"{__name__}:Money"
    with pytest.raises(SerializationError) as info:
        from_dict(data)
    assert "add_column.column.type" in str(info.value) and "types=" in str(info.value)
    back = from_dict(data, types={f"{__name__}:Money": Money})
    assert isinstance(back.column.type, Money) and back == d


def test_loading_never_imports_a_named_module() -> None:
    data = {
        "op": "add_column",
        "table_name": "t",
        "column": {"name": "x", "type": {"custom": "mig_evil_module_never_imported:Payload"}},
    }
    with pytest.raises(SerializationError):
        from_dict(data)
    assert "mig_evil_module_never_imported" not in sys.modules
    with pytest.raises(SerializationError, match=r"unknown type 'os\.system'"):
        from_dict({**data, "column": {"name": "x", "type": {"type": "os.system"}}})


MALFORMED = [
    ({"op": "explode_table"}, "explode_table: unknown op 'explode_table'"),
    ({"table_name": "t"}, "directive: unknown op None"),
    ([1, 2], "directive: expected an object"),
    (
        {"op": "drop_table", "table_name": "t", "cascade": True},
        "drop_table: unknown field 'cascade'",
    ),
    ({"op": "drop_table"}, "drop_table: missing field 'table_name'"),
    ({"op": "drop_table", "table_name": 5}, "drop_table.table_name: expected a string"),
    ({"op": "drop_table", "table_name": ""}, "drop_table: argument 'table_name' must not be empty"),
    (
        {"op": "drop_table", "table_name": "t", "if_exists": "yes"},
        "drop_table.if_exists: expected true, false or null",
    ),
    (
        {"op": "add_column", "table_name": "t", "column": {"name": "x", "type": {"type": "Nope"}}},
        "add_column.column.type: unknown type 'Nope'",
    ),
    (
        {
            "op": "add_column",
            "table_name": "t",
            "column": {"name": "x", "type": {"type": "String", "colour": "red"}},
        },
        "add_column.column.type: cannot build String",
    ),
    (
        {
            "op": "add_column",
            "table_name": "t",
            "column": {"name": "x", "type": {"type": "Integer"}, "colour": 1},
        },
        "add_column.column: unknown field 'colour'",
    ),
    (
        {"op": "add_column", "table_name": "t", "column": {"type": {"type": "Integer"}}},
        "add_column.column.name: expected a column name",
    ),
    (
        {"op": "create_index", "index_name": "ix", "table_name": "t", "columns": "a"},
        "create_index.columns: expected a list",
    ),
    (
        {"op": "create_index", "index_name": "ix", "table_name": "t", "columns": []},
        "create_index: argument 'columns' must name at least one",
    ),
    (
        {
            "op": "create_foreign_key",
            "constraint_name": "fk",
            "source_table": "t",
            "referent_table": "u",
            "local_cols": ["a"],
            "remote_cols": ["x", "y"],
        },
        "create_foreign_key: argument 'remote_cols' has 2",
    ),
    (
        {"op": "drop_constraint", "constraint_name": "c", "table_name": "t", "type_": "bogus"},
        "drop_constraint: argument 'type_' must be one of",
    ),
    (
        {
            "op": "bulk_insert",
            "table": {"name": "t", "columns": []},
            "rows": [{"a": {"$date": "not a date"}}],
        },
        "bulk_insert.rows[0].a: bad $date value",
    ),
    (
        {
            "op": "bulk_insert",
            "table": {"name": "t", "columns": []},
            "rows": [{"a": {"$pickle": "x"}}],
        },
        "bulk_insert.rows[0].a: unknown value tag '$pickle'",
    ),
    (
        {"op": "modify_table", "table_name": "t", "ops": [{"op": "nope"}]},
        "modify_table.ops[0]: unknown op 'nope'",
    ),
    (
        {"op": "create_table", "table_name": "t", "columns": [{"kind": "trigger"}]},
        "create_table.columns[0].kind: unknown schema item kind 'trigger'",
    ),
    (
        {
            "op": "alter_column",
            "table_name": "t",
            "column_name": "c",
            "modify_server_default": {"python": "1"},
        },
        "alter_column.modify_server_default: a server default has one key",
    ),
]


@pytest.mark.parametrize(
    ("data", "message"), MALFORMED, ids=[m[1].split(":")[0] for m in MALFORMED]
)
def test_malformed_input_is_rejected_naming_the_field(data, message) -> None:
    with pytest.raises(ValueError) as info:
        from_dict(data)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)
