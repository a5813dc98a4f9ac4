"""Fixtures for the mig.ddl tests: run directives on a live engine, reflect the result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from mig import ops
from mig.ddl import ImplContext, get_impl


@pytest.fixture
def migrate(engine: sa.Engine) -> Callable[..., None]:
    """``migrate(fn, **context_opts)``: run ``fn(op)`` in one transaction on ``engine``."""

    def run(fn: Callable[[ops.Operations], Any], **opts: Any) -> None:
        with engine.begin() as conn:
            impl = get_impl(conn.dialect, conn, context_opts=opts)
            operations = ops.Operations(ImplContext(impl))
            with operations.activate():
                fn(operations)

    return run


@pytest.fixture
def reflect(engine: sa.Engine) -> Callable[[str], dict[str, Any]]:
    """``reflect(table)``: columns by name, pk, indexes, uniques, fks, checks, comment."""

    def run(table: str) -> dict[str, Any]:
        insp = sa.inspect(engine)
        out: dict[str, Any] = {
            "columns": {c["name"]: c for c in insp.get_columns(table)},
            "order": [c["name"] for c in insp.get_columns(table)],
            "pk": insp.get_pk_constraint(table),
            "indexes": {i["name"]: i for i in insp.get_indexes(table)},
            "uniques": {u["name"]: u for u in insp.get_unique_constraints(table)},
            "fks": insp.get_foreign_keys(table),
            "checks": {c["name"]: c for c in insp.get_check_constraints(table)},
        }
        if engine.dialect.supports_comments:
            out["comment"] = insp.get_table_comment(table)["text"]
        return out

    return run
