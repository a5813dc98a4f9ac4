"""The index comparison's per-database quirks are registered by dialect, not branched on."""

from __future__ import annotations

from mig.autogen.compare.indexes import (
    INDEX_RULES,
    IndexRules,
    MySQLIndexRules,
    PostgresIndexRules,
)
from mig.autogen.compare.state import TableDiff


def test_index_rules_are_keyed_by_dialect() -> None:
    names = ("postgresql", "mysql", "mariadb", "sqlite", None)
    got = {name: type(INDEX_RULES.require(TableDiff, name)) for name in names}
    assert got == {
        "postgresql": PostgresIndexRules,
        "mysql": MySQLIndexRules,
        "mariadb": MySQLIndexRules,
        "sqlite": IndexRules,
        None: IndexRules,
    }
