"""Shared test configuration: which database backends the suite runs against.

Backends come from ``--dburi URL`` (repeatable) or the ``MIG_TEST_DBURI`` environment
variable (URLs separated by whitespace or commas). With neither, the suite runs on SQLite
only, which needs no server. A named backend that cannot be reached fails its tests: it is
never skipped, so CI that names PostgreSQL and MariaDB really tests them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

DEFAULT_DBURI = "sqlite://"
ENV_VAR = "MIG_TEST_DBURI"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--dburi",
        action="append",
        default=[],
        help=f"database URL to run backend tests on (repeatable; also ${ENV_VAR})",
    )


def configured_dburis(config: pytest.Config) -> list[str]:
    uris = list(config.getoption("dburi"))
    uris += [u for u in re.split(r"[\s,]+", os.environ.get(ENV_VAR, "")) if u]
    return uris or [DEFAULT_DBURI]


def _backend_id(uri: str) -> str:
    return sa.engine.make_url(uri).get_backend_name()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "dburi" in metafunc.fixturenames:
        uris = configured_dburis(metafunc.config)
        metafunc.parametrize("dburi", uris, ids=[_backend_id(u) for u in uris])


@pytest.fixture
def engine(dburi: str, tmp_path) -> Iterator[sa.Engine]:
    """An engine on one configured backend, with every table dropped after the test.

    ``sqlite://`` becomes a file in the test's temporary directory so that several
    connections see the same database.
    """
    url = sa.engine.make_url(dburi)
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        url = url.set(database=str(tmp_path / "test.db"))
    eng = sa.create_engine(url)
    _drop_everything(eng)
    try:
        yield eng
    finally:
        _drop_everything(eng)
        eng.dispose()


def _drop_everything(eng: sa.Engine) -> None:
    md = sa.MetaData()
    md.reflect(eng)
    with eng.begin() as conn:
        if conn.dialect.name in ("mysql", "mariadb"):
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS=0")
        md.drop_all(conn)
        if conn.dialect.name in ("mysql", "mariadb"):
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS=1")
