"""A two-revision history using the PostgreSQL enum ops, run with mig-ops, mig-ddl and
mig-runtime only: mig-autogen, mig-scripts and mig-cli are made unimportable first.

    python enum_ops_runtime_only.py offline        # prints {"sql": ..., "packages": [...]}
    python enum_ops_runtime_only.py online URL     # upgrades the PostgreSQL database at URL

Run by tests/runtime/test_enum_ops_runtime_only.py in a subprocess; it also runs as is in a
fresh virtual environment that has only those three packages installed. Exits 1 with one
line when a blocked package is reached or another mig package gets imported.
"""

from __future__ import annotations

import sys

BLOCKED = ("mig.autogen", "mig.scripts", "mig.cli")
for _name in BLOCKED:
    sys.modules[_name] = None  # type: ignore[assignment]  # import now raises ImportError

import io  # noqa: E402
import json  # noqa: E402

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.dialects import postgresql as pg  # noqa: E402
from steps_source import Chain  # noqa: E402

from mig.ops import op  # noqa: E402
from mig.runtime import EnvironmentContext, context  # noqa: E402

TYPE, TABLE, VERSIONS = "rt_mood", "rt_person", "rt_enum_version"


def r1() -> None:
    op.create_enum_type(TYPE, ["sad", "ok"])
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("mood", pg.ENUM(name=TYPE, create_type=False)),
    )


def r2() -> None:
    op.add_enum_value(TYPE, "happy", before="ok", values=["sad", "ok"])
    # the new value is usable at once: ADD VALUE ran (and committed) in an autocommit block
    op.execute(f"INSERT INTO {TABLE} (id, mood) VALUES (1, 'happy')")


def r1_down() -> None:
    op.drop_table(TABLE)
    op.drop_enum_type(TYPE, values=["sad", "ok"])


HISTORY = Chain([("e1", r1, r1_down), ("e2", r2, lambda: None)])


def mig_packages() -> list[str]:
    """The mig packages imported so far (``mig.ops``, ...)."""
    return sorted(
        {
            ".".join(name.split(".")[:2])
            for name, module in sys.modules.items()
            if name.startswith("mig.") and module is not None
        }
    )


def upgrade(**configure: object) -> None:
    fn = lambda heads, ctx: HISTORY.plan_upgrade(heads, "head")  # noqa: E731
    as_sql = "connection" not in configure
    with EnvironmentContext(None, HISTORY, as_sql=as_sql, fn=fn):
        context.configure(version_table=VERSIONS, history_table=False, **configure)
        with context.begin_transaction():
            context.run_migrations()


def main(argv: list[str]) -> int:
    if argv[:1] == ["offline"]:
        buffer = io.StringIO()
        upgrade(url="postgresql://", output_buffer=buffer)
        out = {"sql": buffer.getvalue()}
    elif len(argv) == 2 and argv[0] == "online":
        engine = sa.create_engine(argv[1])
        with engine.connect() as connection:
            upgrade(connection=connection)
        engine.dispose()
        out = {}
    else:
        print(f"usage: {sys.argv[0]} offline | online URL", file=sys.stderr)
        return 2
    out["packages"] = mig_packages()
    if out["packages"] != ["mig.ddl", "mig.ops", "mig.runtime"]:
        print(f"imported more than mig-ops/ddl/runtime: {out['packages']}", file=sys.stderr)
        return 1
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
