"""Model pairs applied the way a user applies them, checked against ``create_all``.

``exact_roundtrip(engine, old, new)``: build ``old`` with ``create_all`` and seed it, let
autogenerate write the revision (rendered as Python, as ``mig revision --autogenerate``
writes it), run its upgrade, check that a second comparison is empty, that the seeded rows
survive and that the catalog equals what ``create_all(new)`` builds (constraint, index and
sequence names on PostgreSQL); then run the downgrade and check the same against ``old``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from diff_helpers import drop_everything

from mig import ops
from mig.autogen import produce_migrations, render_python_code
from mig.runtime import MigrationContext

Seed = Callable[[sa.Connection], None]
Verify = Callable[[sa.Connection], None]


def _context(conn: sa.Connection, metadata: sa.MetaData, **opts: Any) -> MigrationContext:
    return MigrationContext.configure(
        connection=conn,
        opts={"migration_lock": False, "target_metadata": metadata, **opts},
    )


def drop_all(engine: sa.Engine) -> None:
    """Every table (diff_helpers.drop_everything), then PostgreSQL's leftover sequences."""
    drop_everything(engine)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for seq in sa.inspect(conn).get_sequence_names():
                conn.exec_driver_sql(f'DROP SEQUENCE IF EXISTS "{seq}"')


def render_script(engine: sa.Engine, new: sa.MetaData, **opts: Any) -> tuple[str, str, set[str]]:
    """The revision autogenerate writes: upgrade body, downgrade body, import lines."""
    with engine.connect() as conn:
        script = produce_migrations(_context(conn, new, **opts), new)
        imports: set[str] = set(script.imports)
        up = render_python_code(script.upgrade_ops, imports=imports, migration_context=None)
        down = render_python_code(script.downgrade_ops, imports=imports)
    return up, down, imports


def run_rendered(engine: sa.Engine, metadata: sa.MetaData, body: str, imports: set[str]) -> None:
    """Execute one rendered body as a revision's function, against the database."""
    source = "\n".join(["import sqlalchemy as sa", "from mig.ops import op", *sorted(imports)])
    source += f"\n\n\ndef step():\n    {body}\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, "<revision>", "exec"), namespace)
    with engine.connect() as conn:
        operations = ops.Operations(_context(conn, metadata))
        with operations.activate():
            namespace["step"]()
        conn.commit()


def compare(engine: sa.Engine, metadata: sa.MetaData, **opts: Any) -> list[Any]:
    from mig.autogen import compare_metadata

    with engine.connect() as conn:
        return compare_metadata(_context(conn, metadata, **opts), metadata)


def snapshot(engine: sa.Engine) -> dict[str, Any]:
    """The catalog as comparable data; names only where the database's rule is fixed."""
    with engine.connect() as conn:
        insp = sa.inspect(conn)
        pg = conn.dialect.name == "postgresql"
        mysql = conn.dialect.name in ("mysql", "mariadb")
        out: dict[str, Any] = {}
        for table in sorted(insp.get_table_names()):
            cols = [
                (c["name"], str(c["type"]), bool(c["nullable"])) for c in insp.get_columns(table)
            ]
            pk = insp.get_pk_constraint(table)
            fks = sorted(
                (
                    fk["name"] if pg else None,
                    tuple(fk["constrained_columns"]),
                    fk["referred_table"],
                    tuple(fk["referred_columns"]),
                    tuple(sorted((k, str(v)) for k, v in (fk.get("options") or {}).items() if v)),
                )
                for fk in insp.get_foreign_keys(table)
            )
            fk_cols = {tuple(fk["constrained_columns"]) for fk in insp.get_foreign_keys(table)}
            indexes = []
            for ix in insp.get_indexes(table):
                if ix.get("duplicates_constraint"):
                    continue
                cols_ = tuple(str(c) for c in ix.get("column_names") or [])
                implicit = mysql and cols_ in fk_cols and not ix.get("unique")
                name = None if implicit else ix["name"]
                exprs = tuple(ix.get("expressions") or ())
                indexes.append((name, cols_, exprs, bool(ix.get("unique"))))
            uniques = sorted(
                (u["name"] if pg else None, tuple(u["column_names"]))
                for u in insp.get_unique_constraints(table)
                if not u.get("duplicates_index")
            )
            checks = sorted(
                (c["name"] if pg else None, " ".join(c["sqltext"].split()))
                for c in insp.get_check_constraints(table)
            )
            out[table] = {
                "columns": cols,
                "pk": (pk.get("name") if pg else None, tuple(pk.get("constrained_columns") or ())),
                "fks": fks,
                "indexes": sorted(indexes, key=repr),
                "uniques": uniques,
                "checks": checks,
            }
        if pg:
            out["<sequences>"] = sorted(insp.get_sequence_names())
    return out


def exact_roundtrip(
    engine: sa.Engine,
    old: sa.MetaData,
    new: sa.MetaData,
    *,
    seed: Seed | None = None,
    verify: Verify | None = None,
    **opts: Any,
) -> tuple[str, str]:
    """The whole user path; returns the rendered upgrade and downgrade bodies."""
    drop_all(engine)
    with engine.begin() as conn:
        new.create_all(conn)
    wanted_new = snapshot(engine)
    drop_all(engine)
    with engine.begin() as conn:
        old.create_all(conn)
    wanted_old = snapshot(engine)
    if seed is not None:
        with engine.begin() as conn:
            seed(conn)

    up, down, imports = render_script(engine, new, **opts)
    run_rendered(engine, new, up, imports)
    again = compare(engine, new, **opts)
    assert again == [], f"after upgrade: {again!r}\n{up}"
    assert snapshot(engine) == wanted_new, f"after upgrade, not create_all(new):\n{up}"
    if verify is not None:
        with engine.connect() as conn:
            verify(conn)

    run_rendered(engine, old, down, imports)
    assert compare(engine, old, **opts) == [], f"after downgrade:\n{down}"
    assert snapshot(engine) == wanted_old, f"after downgrade, not create_all(old):\n{down}"
    if verify is not None:
        with engine.connect() as conn:
            verify(conn)
    return up, down
