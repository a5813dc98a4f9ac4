"""Schema-diff reports (mig.autogen.report.diff): model vs database and database vs database,
in every format, on every configured backend; and the errors for unusable inputs."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from mig.autogen.report import DiffError, diff, mask_secrets, mask_url


def _load(name: str):
    path = Path(__file__).with_name(f"{name}.py")
    key = f"mig_autogen_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


helpers = _load("diff_helpers")


@pytest.fixture
def database(engine: sa.Engine) -> sa.Engine:
    helpers.database_schema().create_all(engine)
    return engine


def url_of(engine: sa.Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def check_report(report, target_label: str, engine: sa.Engine, summaries: list[str]) -> None:
    """Every format of the report on the shared scenario (the SQL is checked by the caller)."""
    dialect = helpers.dialect_key(engine)
    database = mask_url(url_of(engine))
    assert not report.equal
    assert report.dialect == dialect
    assert [f"{d.sign} {d.summary}" for d in report.differences] == summaries

    between = f"the target ({target_label}) and the database ({database})"
    assert report.to_text() == "\n".join(
        [f"3 differences between {between}:", *[f"  {s}" for s in summaries], ""]
    )

    data = json.loads(report.to_json())
    assert (data["equal"], data["target"], data["database"], data["dialect"]) == (
        False,
        target_label,
        database,
        dialect,
    )
    assert [d["op"] for d in data["differences"]] == ["create_table", "add_column", "drop_table"]
    assert [d["summary"] for d in data["differences"]] == [s[2:] for s in summaries]
    assert data["differences"][1]["directive"]["column"]["name"] == "email"
    assert data["differences"][2]["table"] == "gone"

    assert report.to_markdown() == "\n".join(
        [
            "# Schema differences",
            "",
            f"- target: `{target_label}`",
            f"- database: `{database}` ({dialect})",
            "",
            "3 differences:",
            "",
            "| # | change | object | detail |",
            "|---:|---|---|---|",
            "| 1 | + create table | `extra` | 2 columns: id, user_id |",
            f"| 2 | + add column | `users.email` | {summaries[1].split(': ', 1)[1]} |",
            "| 3 | - drop table | `gone` |  |",
            "",
        ]
    )


def sql_head(report, target_label: str) -> str:
    return (
        f"-- SQL ({report.dialect}) that makes the database ({report.database}) "
        f"match the target ({target_label})"
    )


def test_model_vs_database(database: sa.Engine) -> None:
    report = diff(helpers.target_schema(), url_of(database))
    check_report(report, "MetaData", database, helpers.SUMMARIES)
    expected = [sql_head(report, "MetaData"), *helpers.SQL[report.dialect]]
    assert report.to_sql() == "\n\n".join(expected) + "\n"


def test_database_vs_database(database: sa.Engine, tmp_path: Path) -> None:
    other = helpers.second_url(database, tmp_path)
    target_engine = sa.create_engine(other)
    try:
        helpers.target_schema().create_all(target_engine)
        report = diff(other, url_of(database))
        summaries = helpers.SUMMARIES_FROM_DATABASE.get(report.dialect, helpers.SUMMARIES)
        check_report(report, mask_url(other), database, summaries)
        assert report.to_sql().startswith(sql_head(report, mask_url(other)) + "\n\n")
        assert diff(other, other).equal
        with database.begin() as conn:  # the reflected schema's SQL: applied, nothing is left
            for statement in report.statements:
                conn.exec_driver_sql(statement)
        assert diff(other, url_of(database)).equal
    finally:
        helpers.drop_everything(target_engine)
        target_engine.dispose()


def test_applying_the_sql_makes_them_equal(database: sa.Engine) -> None:
    report = diff(helpers.target_schema(), url_of(database))
    with database.begin() as conn:
        for statement in report.statements:
            conn.exec_driver_sql(statement)
    after = diff(helpers.target_schema(), url_of(database))
    assert after.equal
    assert after.differences == []
    assert after.to_text() == (
        f"No differences between the target (MetaData) and the database "
        f"({mask_url(url_of(database))}).\n"
    )
    assert json.loads(after.to_json())["differences"] == []
    assert after.to_markdown().endswith("\nNo differences.\n")
    assert after.to_sql().endswith("\n-- no differences\n")


def test_module_path_targets(database: sa.Engine, tmp_path: Path, monkeypatch) -> None:
    package = tmp_path / "diffmodels"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(
        "import sqlalchemy as sa\n"
        "from sqlalchemy.orm import DeclarativeBase\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n"
        "metadata = sa.MetaData()\n"
        "sa.Table('users', metadata, sa.Column('id', sa.Integer, primary_key=True),\n"
        "         sa.Column('name', sa.String(30)))\n"
        "sa.Table('gone', metadata, sa.Column('id', sa.Integer, primary_key=True))\n"
        "not_metadata = 42\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    url = url_of(database)
    assert diff("diffmodels.models:metadata", url).equal
    by_file = diff(f"{package / 'models.py'}:metadata", url)
    assert by_file.equal and by_file.target == f"{package / 'models.py'}:metadata"
    base = diff("diffmodels.models:Base", url)  # a declarative base: its metadata (empty)
    assert sorted(d.summary for d in base.differences) == ["drop table gone", "drop table users"]
    with pytest.raises(
        DiffError,
        match=r"^target 'diffmodels.models:not_metadata' is a int, not a sqlalchemy MetaData$",
    ):
        diff("diffmodels.models:not_metadata", url)
    with pytest.raises(
        DiffError,
        match=r"^target 'diffmodels.models:nope': diffmodels.models has no attribute 'nope'$",
    ):
        diff("diffmodels.models:nope", url)


def test_include_name_leaves_tables_out(database: sa.Engine) -> None:
    def skip_gone(name, type_, parent_names):
        return not (type_ == "table" and name == "gone")

    report = diff(helpers.target_schema(), url_of(database), include_name=skip_gone)
    assert [d.summary for d in report.differences] == [s[2:] for s in helpers.SUMMARIES[:2]]


@pytest.mark.parametrize(
    "target, message",
    [
        (
            "no_such_module_xyz:md",
            r"^target 'no_such_module_xyz:md': cannot import module 'no_such_module_xyz': No module named 'no_such_module_xyz'$",
        ),
        (
            "justaword",
            r"^target 'justaword' is neither a database URL nor 'module:attribute' \(e\.g\. myapp\.models:metadata\)$",
        ),
        ("missing/file.py:md", r"^target 'missing/file.py:md': no such file missing/file.py$"),
    ],
)
def test_bad_targets_are_one_line_errors(target: str, message: str) -> None:
    with pytest.raises(DiffError, match=message):
        diff(target, "sqlite://")


def test_unreachable_database_masks_the_password() -> None:
    url = "postgresql+psycopg://app:s3cret@127.0.0.1:1/nowhere"
    with pytest.raises(DiffError) as caught:
        diff(sa.MetaData(), url)
    message = str(caught.value)
    assert message.startswith("database postgresql+psycopg://app:***@127.0.0.1:1/nowhere: ")
    assert "s3cret" not in message and "\n" not in message
    with pytest.raises(DiffError) as caught:
        diff(url, "sqlite://")
    assert str(caught.value).startswith(
        "target database postgresql+psycopg://app:***@127.0.0.1:1/nowhere: "
    )
    with pytest.raises(
        DiffError, match=r"^database nosuchdialect://u:\*\*\*@h/d: Can't load plugin"
    ):
        diff(sa.MetaData(), "nosuchdialect://u:pw@h/d")


def test_mask_helpers() -> None:
    url = "mysql+pymysql://u:p%40ss@h/db"
    assert mask_url(url) == "mysql+pymysql://u:***@h/db"
    assert mask_secrets("failed for p@ss and p%40ss", [url]) == "failed for *** and ***"


def test_password_never_shown(engine: sa.Engine) -> None:
    """With a password in the URL: the report (PostgreSQL here trusts local users) or the
    error (MariaDB refuses the password, SQLite refuses a URL with one) masks it."""
    url = engine.url.set(username=engine.url.username or "u", password="s3cret")
    url = url.render_as_string(hide_password=False)
    try:
        report = diff(sa.MetaData(), url)
    except DiffError as exc:
        texts = [str(exc)]
    else:
        texts = [report.to_text(), report.to_json(), report.to_markdown(), report.to_sql()]
    for text in texts:
        assert "s3cret" not in text
        assert ":***@" in text


def test_schemas_compares_more_than_the_default_schema(database: sa.Engine, tmp_path: Path) -> None:
    backend = database.url.get_backend_name()
    if backend == "sqlite":
        pytest.skip("SQLite has no schemas besides ATTACHed files")
    if backend == "postgresql":
        schema = "mig_h2_side"
        with database.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    else:  # MySQL/MariaDB: a schema is another database on the server
        schema = sa.engine.make_url(helpers.second_url(database, tmp_path)).database
    try:
        target = helpers.database_schema()
        sa.Table("audit", target, sa.Column("id", sa.Integer, primary_key=True), schema=schema)
        assert diff(target, url_of(database)).equal  # only the default schema
        report = diff(target, url_of(database), schemas=[schema])
        assert [d.summary for d in report.differences] == [
            f"create table {schema}.audit: 1 column: id"
        ]
        assert report.differences[0].schema == schema
    finally:
        if backend == "postgresql":
            with database.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_every_directive_is_described_in_words() -> None:
    from sqlalchemy.dialects import postgresql

    from mig import ops
    from mig.autogen.describe import _DESCRIBERS, differences
    from mig.ops import enum_ops

    containers = {ops.MigrationScript, ops.ModifyTableOps, ops.BatchAlterTableOp}
    containers |= {ops.UpgradeOps, ops.DowngradeOps}
    wanted = set(ops.registered_ops(builtin_only=True).values()) | set(enum_ops.ENUM_DIRECTIVES)
    assert sorted(c.__name__ for c in wanted - containers - set(_DESCRIBERS)) == []

    cases = _load("render_samples").cases()
    dialect = postgresql.dialect()

    def words(name: str) -> list[str]:
        return [f"{d.sign} {d.summary}" for d in differences(cases[name], dialect)]

    assert words("alter_column_everything") == [
        "~ rename column s.t.c: rename to d; type VARCHAR(20) -> TEXT; NULL -> NOT NULL; "
        "server default 'x' -> now(); comment 'old' -> None"
    ]
    assert words("create_foreign_key_options") == [
        "+ add foreign key fk on s.t: (a, b) -> r.u(x, y) ON DELETE SET NULL ON UPDATE CASCADE"
    ]
    assert words("create_index_options") == [
        "+ create unique index ix_t_a_lower_b on s.t: (a, lower(b)) unique"
    ]
    assert words("batch_alter_table") == [
        "+ add column t.x: INTEGER",
        "- drop unique constraint uq on t",
    ]
    assert words("rename_table") == ["~ rename table s.old: to new"]
    assert words("add_enum_value") == ["~ add value to enum type mood: 'happy'"]
