"""configure()'s keywords become typed, frozen options once: unknown ones are a one-line error
naming the closest valid one, the keywords stay readable but not writable where Alembic
scripts read them, and mig-runtime reads no option by string."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from steps_source import Chain

import mig.runtime
from mig.ddl.options import DDLOptions
from mig.ops import op
from mig.runtime import ConfigurationError, EnvironmentContext, MigrationContext, context
from mig.runtime.options import RunOptions, check_keywords
from mig.runtime.version_table import DEFAULT_VERSION_TABLE

RUNTIME_SRC = Path(mig.runtime.__file__).parent


def chain() -> Chain:
    def r1() -> None:
        op.create_table("opt_t", sa.Column("id", sa.Integer, primary_key=True))

    return Chain([("r1", r1, lambda: op.drop_table("opt_t"))])


def upgrade(engine: sa.Engine, **configure) -> MigrationContext:
    source = chain()
    plan = lambda heads, ctx: source.plan_upgrade(heads, "head")  # noqa: E731
    with EnvironmentContext(None, source, fn=plan), engine.connect() as connection:
        context.configure(connection=connection, **configure)
        with context.begin_transaction():
            context.run_migrations()
        return context.get_context()


@pytest.mark.parametrize(
    ("keyword", "closest"),
    [
        ("compare_typ", "compare_type"),
        ("version_tabel", "version_table"),
        ("sqlite_autobach", "sqlite_autobatch"),
        ("transaction_per_migrations", "transaction_per_migration"),
    ],
)
def test_an_unknown_keyword_names_the_closest_option(
    engine: sa.Engine, keyword: str, closest: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        upgrade(engine, **{keyword: True})
    message = str(caught.value)
    assert message == f"configure(): unknown option {keyword!r}; did you mean {closest!r}?"
    assert not sa.inspect(engine).has_table("opt_t")  # nothing ran


def test_an_unknown_keyword_through_migration_context_configure() -> None:
    with pytest.raises(
        ConfigurationError, match=r"unknown option 'as_sqll'; did you mean 'as_sql'"
    ):
        MigrationContext.configure(dialect_name="sqlite", opts={"as_sqll": True})


def test_a_command_keyword_nobody_reads_is_an_error() -> None:
    with pytest.raises(ConfigurationError, match=r"^EnvironmentContext\(\): unknown option 'fnn'"):
        EnvironmentContext(None, None, fnn=lambda heads, ctx: [])


def test_keywords_are_readable_and_read_only(engine: sa.Engine) -> None:
    source = chain()
    with EnvironmentContext(None, source, tag="nightly"), engine.connect() as connection:
        context.configure(connection=connection, version_table="opt_version")
        ctx = context.get_context()
        assert context.context_opts["tag"] == "nightly"
        assert ctx.opts["version_table"] == "opt_version"
        with pytest.raises(TypeError):
            ctx.opts["version_table"] = "other"  # type: ignore[index]
        with pytest.raises(TypeError):
            context.context_opts["tag"] = "other"  # type: ignore[index]


def test_options_are_typed_frozen_and_defaulted_once(engine: sa.Engine) -> None:
    ctx = upgrade(engine, migration_lock_timeout="5", literal_binds=None)
    run, ddl = ctx.options.run, ctx.options.ddl
    assert isinstance(run, RunOptions) and isinstance(ddl, DDLOptions)
    assert run.version_table == DEFAULT_VERSION_TABLE == "mig_version"
    assert run.migration_lock_timeout == 5.0
    assert ddl.literal_binds is False and ctx.impl.options is ddl
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.as_sql = True  # type: ignore[misc]
    assert sa.inspect(engine).has_table(DEFAULT_VERSION_TABLE)


def test_offline_keywords_reach_the_options() -> None:
    buffer = io.StringIO()
    source = chain()
    plan = lambda heads, ctx: source.plan_upgrade(heads, "head")  # noqa: E731
    with EnvironmentContext(None, source, fn=plan, as_sql=True, starting_rev=None):
        context.configure(url="sqlite://", output_buffer=buffer, history_table=False)
        context.run_migrations()
        ctx = context.get_context()
    assert ctx.options.run.as_sql is True
    assert "CREATE TABLE opt_t" in buffer.getvalue()


def test_mig_runtime_reads_no_option_by_string() -> None:
    pattern = re.compile(r"""opts\.get\(|opts\[\s*["']|context_opts\.get\(""")
    found = [
        f"{path.name}:{number}"
        for path in sorted(RUNTIME_SRC.glob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


#: Alembic 1.20.1's ``EnvironmentContext.configure()`` keywords (its signature, without
#: connection/url/dialect_name/dialect_opts, which are not options) and the ones it reads
#: from ``**kw``: an env.py written for Alembic passes any of them.
ALEMBIC_CONFIGURE_OPTIONS = (
    "alembic_module_prefix autogenerate_plugins compare_server_default compare_type "
    "downgrade_token include_name include_object include_schemas literal_binds "
    "on_version_apply output_buffer process_revision_directives render_as_batch render_item "
    "sqlalchemy_module_prefix starting_rev tag target_metadata template_args "
    "transaction_per_migration transactional_ddl upgrade_token user_module_prefix "
    "version_table version_table_schema version_table_pk output_encoding "
    "mssql_batch_separator oracle_batch_separator"
).split()


def test_every_alembic_configure_keyword_is_accepted() -> None:
    check_keywords(ALEMBIC_CONFIGURE_OPTIONS)
