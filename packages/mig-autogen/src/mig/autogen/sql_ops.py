"""``op.execute`` with a known inverse, for DDL the op API has no directive for.

mig-ops' ``ExecuteSQLOp`` cannot be reversed (arbitrary SQL has no inverse), but some SQL
autogenerate writes has an exact one: renaming a sequence, an index or a constraint back.
``ReversibleSQLOp`` is an ``ExecuteSQLOp`` (so it runs, renders as ``op.execute(...)`` and is
described and written as SQL like one) that also carries the SQL that undoes it, which is
what the downgrade runs.
"""

from __future__ import annotations

from typing import Any

from mig import ops


class ReversibleSQLOp(ops.ExecuteSQLOp):
    """``op.execute(sql)`` whose ``reverse()`` is ``op.execute(reverse_sql)``."""

    def __init__(self, sqltext: str, reverse_sql: str, **kw: Any) -> None:
        super().__init__(sqltext, **kw)
        self.reverse_sql = reverse_sql

    def reverse(self) -> ReversibleSQLOp:
        return ReversibleSQLOp(self.reverse_sql, str(self.sqltext))
