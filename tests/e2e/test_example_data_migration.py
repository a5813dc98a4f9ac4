"""examples/data_migration: a data migration tested with the pytest plugin's fixtures
(``mig_runner``: migrate_up_to, insert_into, table_at_revision, roundtrip_next_revision),
its own suite run as its developer runs it, on each backend through ``--mig-url``."""

from __future__ import annotations

from pathlib import Path

from .conftest import Project
from .test_pytest_plugin import _outcomes, pytest_in

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "data_migration"
EXPECTED = {
    "mig.ini::test_single_head_revision": "PASSED",
    "mig.ini::test_upgrade": "PASSED",
    "mig.ini::test_model_definitions_match_ddl": "PASSED",
    "mig.ini::test_up_down_consistency": "PASSED",
    "mig.ini::test_no_lint_errors": "PASSED",
    "tests/test_split_full_name.py::test_upgrade_splits_full_names": "PASSED",
    "tests/test_split_full_name.py::test_downgrade_joins_them_again": "PASSED",
    "tests/test_split_full_name.py::test_table_at_revision_follows_history": "PASSED",
    "tests/test_split_full_name.py::test_every_step_round_trips": "PASSED",
}


def test_the_examples_own_suite_passes_on_each_backend(project: Project) -> None:
    result = pytest_in(EXAMPLE, "-v", "--mig-url", project.url)
    assert result.code == 0, result.out + result.err
    assert _outcomes(result) == EXPECTED
    assert project.table_names() == set()  # mig_engine emptied the mig_url database
    assert not (EXAMPLE / "app.db").exists()  # the project's own database was never used


def test_a_broken_data_migration_fails_the_examples_test(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "example"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.db"))
    script = copy / "migrations" / "versions" / "b2f0c0de0002_split_full_name.py"
    text = script.read_text()
    assert 'first, _, last = full_name.strip().partition(" ")' in text
    script.write_text(text.replace('.partition(" ")', '.rpartition(" ")'))
    result = pytest_in(copy, "-v")
    assert result.code == 1
    assert _outcomes(result) == {
        **EXPECTED,
        "tests/test_split_full_name.py::test_upgrade_splits_full_names": "FAILED",
    }


def test_mig_engine_is_overridable_in_a_conftest(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "example"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.db"))
    chosen = tmp_path / "chosen.db"
    (copy / "tests" / "conftest.py").write_text(
        "import pytest\nimport sqlalchemy as sa\n\n\n"
        "@pytest.fixture\ndef mig_engine():\n"
        f"    engine = sa.create_engine({f'sqlite:///{chosen}'!r})\n"
        "    yield engine\n    engine.dispose()\n"
    )
    result = pytest_in(copy, "-v", "tests/test_split_full_name.py::test_every_step_round_trips")
    assert result.code == 0, result.out
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{chosen}")
    try:  # the runner migrated the chosen database, to the head
        assert set(sa.inspect(engine).get_table_names()) >= {"users", "mig_version"}
    finally:
        engine.dispose()
