"""Changing an identity column's options in place: ``op.alter_identity``.

An identity column (``sa.Identity(start=..., increment=...)``) is backed by a sequence the
database owns. Its options can be changed without touching the rows (PostgreSQL
``ALTER COLUMN ... SET START WITH / SET INCREMENT BY / ...``, Oracle ``MODIFY ...
GENERATED ... AS IDENTITY (...)``), so autogenerate writes this directive rather than a
drop and an add that would renumber the column. mig-ddl compiles it where the database
can; elsewhere it is refused in one line before anything runs.

Only the options given change; ``existing`` holds their values before, which is what
the inverse sets back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mig.ops import fields as f
from mig.ops.base import MigrateOperation
from mig.ops.errors import DirectiveError, IrreversibleOperationError

IDENTITY_OPTIONS = ("always", "start", "increment", "minvalue", "maxvalue", "cycle", "cache")
"""The options ``alter_identity`` changes, in the order they are written."""

_FLAGS = ("always", "cycle")


def _option(op_name: str, name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in _FLAGS:
        if not isinstance(value, bool):
            raise DirectiveError(op_name, name, f"must be True or False, got {value!r}")
    elif isinstance(value, bool) or not isinstance(value, int):
        raise DirectiveError(op_name, name, f"must be an integer, got {value!r}")
    return value


class AlterIdentityOp(MigrateOperation):
    """``op.alter_identity("t", "id", start=100, increment=5, existing={...})``."""

    op_name = "alter_identity"
    fields = (
        f.name("table_name"),
        f.name("column_name"),
        f.name("schema", required=False),
        f.flag("always"),
        *(f.value(name) for name in IDENTITY_OPTIONS if name not in _FLAGS),
        f.flag("cycle"),
        f.value("existing"),
    )

    def __init__(
        self,
        table_name: str,
        column_name: str,
        schema: str | None = None,
        *,
        always: bool | None = None,
        start: int | None = None,
        increment: int | None = None,
        minvalue: int | None = None,
        maxvalue: int | None = None,
        cycle: bool | None = None,
        cache: int | None = None,
        existing: Mapping[str, Any] | None = None,
    ) -> None:
        op = self.op_name
        for argument, value in (("table_name", table_name), ("column_name", column_name)):
            if not isinstance(value, str) or not value:
                raise DirectiveError(op, argument, f"must be a non-empty string, got {value!r}")
        self.table_name = table_name
        self.column_name = column_name
        self.schema = schema
        given = dict(
            always=always,
            start=start,
            increment=increment,
            minvalue=minvalue,
            maxvalue=maxvalue,
            cycle=cycle,
            cache=cache,
        )
        for name, value in given.items():
            setattr(self, name, _option(op, name, value))
        if not self.changes:
            raise DirectiveError(op, "start", "no identity option given: nothing to change")
        self.existing: dict[str, Any] | None = None
        if existing is not None:
            if not isinstance(existing, Mapping):
                raise DirectiveError(op, "existing", f"must be a dict, got {existing!r}")
            unknown = sorted(set(existing) - set(IDENTITY_OPTIONS))
            if unknown:
                raise DirectiveError(op, "existing", f"unknown identity option {unknown[0]!r}")
            self.existing = {k: _option(op, k, v) for k, v in existing.items()}

    @property
    def changes(self) -> dict[str, Any]:
        """The options this directive sets, in :data:`IDENTITY_OPTIONS` order."""
        return {n: getattr(self, n) for n in IDENTITY_OPTIONS if getattr(self, n) is not None}

    def reverse(self) -> AlterIdentityOp:
        existing = self.existing or {}
        missing = [n for n in self.changes if existing.get(n) is None]
        if missing:
            raise IrreversibleOperationError(
                self.op_name,
                f"the previous {', '.join(missing)} of {self.table_name}.{self.column_name} "
                "are not known (pass existing={...})",
            )
        return AlterIdentityOp(
            self.table_name,
            self.column_name,
            self.schema,
            **{n: existing[n] for n in self.changes},
            existing={**existing, **self.changes},
        )
