"""``op.alter_identity``: what every dialect without an in-place identity change says.

PostgreSQL (:mod:`mig.ddl.pg_types`) and Oracle override :meth:`IdentityMethods.alter_identity`
with their SQL. SQLite and MySQL/MariaDB have no identity columns (``AUTO_INCREMENT`` has
no options to change), and SQL Server cannot change an ``IDENTITY`` column's seed or
increment with ``ALTER``: each refuses the directive in one line before anything is sent.
"""

from __future__ import annotations

from typing import Any

from mig import ops
from mig.ddl.errors import UnsupportedOperationError

IDENTITY_METHODS: dict[type, str] = {ops.AlterIdentityOp: "alter_identity"}
"""Directive class -> the Impl method that carries it out (merged into DIRECTIVE_METHODS)."""


class IdentityMethods:
    """The identity method of ``DefaultImpl``: refused, naming the dialect."""

    dialect_name: str

    def alter_identity(self, op: ops.AlterIdentityOp) -> Any:
        raise UnsupportedOperationError(
            op.op_name,
            self.dialect_name,
            "add a new identity column and drop the old one, or use op.execute(...)",
            "this database cannot change an identity column's options in place",
        )


def identity_options_sql(options: dict[str, Any]) -> list[str]:
    """Sequence options as both PostgreSQL and Oracle write them (``START WITH 5``, ...)."""
    out = []
    for name, value in options.items():
        if name == "start":
            out.append(f"START WITH {int(value)}")
        elif name == "increment":
            out.append(f"INCREMENT BY {int(value)}")
        elif name in ("minvalue", "maxvalue", "cache"):
            out.append(f"{name.upper()} {int(value)}")
        elif name == "cycle":
            out.append("CYCLE" if value else "NO CYCLE")
    return out
