"""What a rule may know besides the directive: the dialect, the revision, and which tables
the migration created before this directive (those hold no rows and no running code uses
them, so the rules about existing data leave them alone)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LintContext:
    dialect: str | None = None
    revision: str | None = None
    path: str | None = None
    #: (schema, table) created earlier in the same migration
    new_tables: frozenset[tuple[str | None, str]] = field(default_factory=frozenset)

    def is_new_table(self, table_name: str | None, schema: str | None = None) -> bool:
        return table_name is not None and (schema, table_name) in self.new_tables
