"""Online and offline runs are two strategies behind one interface: MigrationContext has no
``if self.as_sql`` branch, and the transaction that covers DDL is begun by the Impl."""

from __future__ import annotations

import io
import re
from pathlib import Path

import sqlalchemy as sa
from steps_source import Chain

from mig.ddl.registry import dialect_key, impl_class_for
from mig.ops import op
from mig.runtime import EnvironmentContext, context, migration
from mig.runtime.execution import Execution

MIGRATION = Path(migration.__file__).read_text()


def chain() -> Chain:
    def r1() -> None:
        op.create_table("exe_t", sa.Column("id", sa.Integer, primary_key=True))

    def r2() -> None:
        op.add_column("exe_t", sa.Column("note", sa.String(20)))

    return Chain([("r1", r1, lambda: None), ("r2", r2, lambda: None)])


def run(connection=None, url=None, buffer=None, **configure) -> None:
    source = chain()
    plan = lambda heads, ctx: source.plan_upgrade(heads, "head")  # noqa: E731
    with EnvironmentContext(None, source, fn=plan, as_sql=url is not None):
        context.configure(connection=connection, url=url, output_buffer=buffer, **configure)
        with context.begin_transaction():
            context.run_migrations()


def test_the_context_has_no_offline_branches() -> None:
    assert re.findall(r"if (?:not )?self\.as_sql", MIGRATION) == []
    assert '"BEGIN"' not in MIGRATION and "isolation_level" not in MIGRATION


def test_an_online_run_begins_its_transactions_through_the_impl(
    engine: sa.Engine, monkeypatch
) -> None:
    cls = impl_class_for(dialect_key(engine.dialect))
    original = cls.begin_transaction
    calls: list[str] = []

    def recording(self, connection):
        calls.append(type(self).__name__)
        return original(self, connection)

    monkeypatch.setattr(cls, "begin_transaction", recording)
    with engine.connect() as connection:
        run(connection, transaction_per_migration=True, history_table=False)
    assert calls == [cls.__name__] * 2  # one per step
    assert {c["name"] for c in sa.inspect(engine).get_columns("exe_t")} == {"id", "note"}


def test_the_strategies_share_one_interface(engine: sa.Engine) -> None:
    with engine.connect() as connection, EnvironmentContext(None, None):
        context.configure(connection=connection)
        online = context.get_context()._execution
    with EnvironmentContext(None, None, as_sql=True):
        context.configure(url=str(engine.url), output_buffer=io.StringIO())
        offline = context.get_context()._execution
    assert isinstance(online, Execution) and isinstance(offline, Execution)
    assert (online.as_sql, offline.as_sql) == (False, True)
