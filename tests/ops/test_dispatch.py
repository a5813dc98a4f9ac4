"""The one dispatcher (mig.ops.dispatch): lookup along the MRO, dialect entries first,
and every registry of the packages built on it."""

from __future__ import annotations

import pytest

from mig.ops import AddColumnOp, AddConstraintOp, CreateForeignKeyOp, MigrateOperation
from mig.ops.dispatch import Dispatcher, find, lookup


def test_lookup_walks_the_mro_and_the_nearest_class_wins() -> None:
    d: Dispatcher[str] = Dispatcher("thing")
    d.register(MigrateOperation, "any")
    d.register(AddConstraintOp, "constraint")
    assert d.lookup(CreateForeignKeyOp) == "constraint"
    assert d.lookup(AddColumnOp) == "any"
    assert d.lookup(int) is None


def test_a_dialect_entry_wins_over_the_generic_one_of_the_same_class() -> None:
    d: Dispatcher[str] = Dispatcher("thing", {CreateForeignKeyOp: "generic"})
    d.register(CreateForeignKeyOp, "pg", "postgresql")
    d.register(AddConstraintOp, "pg base", "postgresql")
    assert d.lookup(CreateForeignKeyOp, "postgresql") == "pg"
    assert d.lookup(CreateForeignKeyOp, "mysql") == "generic"
    assert d.lookup(CreateForeignKeyOp) == "generic"
    d.unregister(CreateForeignKeyOp, "postgresql")
    # the subclass's generic entry is nearer than the base's dialect entry
    assert d.lookup(CreateForeignKeyOp, "postgresql") == "generic"
    assert list(d.qualified()) == [(AddConstraintOp, "postgresql", "pg base")]


def test_it_is_a_dict_of_its_generic_entries() -> None:
    d: Dispatcher[str] = Dispatcher("thing")

    @d.for_(AddColumnOp, CreateForeignKeyOp)
    def handler() -> None: ...

    assert set(d) == {AddColumnOp, CreateForeignKeyOp}
    del d[AddColumnOp]
    assert d.pop(CreateForeignKeyOp) is handler and not d
    copy = Dispatcher("thing", {AddColumnOp: "x"})
    copy.register(AddColumnOp, "y", "sqlite")
    other = copy.copy()
    other.register(AddColumnOp, "z", "sqlite")
    assert copy.lookup(AddColumnOp, "sqlite") == "y" and other.lookup(AddColumnOp, "sqlite") == "z"


def test_require_names_what_is_missing() -> None:
    with pytest.raises(LookupError, match="no renderer for AddColumnOp on oracle"):
        Dispatcher("renderer").require(AddColumnOp, "oracle")


def test_plain_mappings_are_looked_up_the_same_way() -> None:
    assert lookup({MigrateOperation: 1}, AddColumnOp) == 1
    assert find({bool: "b", int: "i"}, True) == "b"
