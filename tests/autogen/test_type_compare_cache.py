"""The type comparison's cache (mig-autogen compare/types.py): what makes two types one key.

A large model repeats a handful of types; the built-in comparison is remembered per pair
of type states. A memoized SQLAlchemy attribute (``_type_affinity``, which reflection asks
of a primary key's INTEGER) is derived state and must not make every such column a miss;
real state, private or not, must keep types apart.
"""

from __future__ import annotations

import sqlalchemy as sa
from autogen_compare_support import create, diffs

from mig.autogen.compare.types import type_key
from mig.ddl import DefaultImpl


class _Srid(sa.types.UserDefinedType):
    cache_ok = True

    def __init__(self, srid: int) -> None:
        self._srid = srid  # private, but what the type is

    def get_col_spec(self, **kw: object) -> str:
        return f"GEOM{self._srid}"


def test_a_memoized_attribute_is_not_part_of_the_key() -> None:
    asked = sa.Integer()
    assert asked._type_affinity is sa.Integer  # memoized into the instance's __dict__
    assert "_type_affinity" in vars(asked)
    assert type_key(asked) == type_key(sa.Integer())
    assert type_key(asked) is not None


def test_state_keeps_types_apart_private_or_not() -> None:
    assert type_key(_Srid(4326)) != type_key(_Srid(3857))
    assert type_key(sa.String(20)) != type_key(sa.String(30))
    assert type_key(sa.Integer()) != type_key(sa.BigInteger())
    assert type_key(sa.Enum("a", "b")) is None  # richer than scalars: never cached


def test_primary_key_integers_share_one_comparison(engine, monkeypatch) -> None:
    md = sa.MetaData()
    for i in range(12):
        sa.Table(f"cache_t{i}", md, sa.Column("id", sa.Integer, primary_key=True))
    create(engine, md)
    calls = []
    real = DefaultImpl.compare_type

    def counted(self, reflected, model):
        calls.append(model.name)
        return real(self, reflected, model)

    monkeypatch.setattr(DefaultImpl, "compare_type", counted)
    assert diffs(engine, md) == []
    # one pair of type states: compared once, remembered for the other eleven tables
    assert calls == ["id"]
