"""The ``alembic`` import alias: what it gives, what it refuses, and that it leaves no trace."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from mig.cli.alembic_compat import (
    ALEMBIC_VERSION,
    AlembicCompatError,
    alembic_alias,
    real_alembic_importable,
)
from mig.cli.alembic_compat.finder import AliasFinder


def _no_alembic_left() -> None:
    assert not [n for n in sys.modules if n == "alembic" or n.startswith("alembic.")]
    assert not [f for f in sys.meta_path if isinstance(f, AliasFinder)]


def test_names_scripts_and_env_py_use_are_mig_objects() -> None:
    import mig.ops
    import mig.runtime
    from mig.cli.config import AlembicConfig
    from mig.scripts import ScriptDirectory

    with alembic_alias() as on:
        assert on
        import alembic
        from alembic import context, op
        from alembic.config import Config
        from alembic.operations import BatchOperations, Operations, ops
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory as AlembicScriptDirectory

        assert alembic.__version__ == ALEMBIC_VERSION
        assert alembic.op is op and alembic.context is context
        with pytest.raises(mig.ops.NoActiveMigrationError, match=r"op\.create_table"):
            op.create_table  # noqa: B018  (forwarded to mig's op: no migration is running)
        assert (Operations, BatchOperations) == (mig.ops.Operations, mig.ops.BatchOperations)
        assert ops.AddColumnOp is mig.ops.AddColumnOp
        assert MigrationContext is mig.runtime.MigrationContext
        assert Config is AlembicConfig and AlembicScriptDirectory is ScriptDirectory
        with pytest.raises(mig.runtime.MigRuntimeError, match="outside a mig command"):
            context.config  # noqa: B018  (forwarded to mig's context: no command is running)
    _no_alembic_left()
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("alembic")


def test_uncovered_names_are_one_line_import_errors_naming_this_file() -> None:
    here = Path(__file__).name
    with alembic_alias():
        with pytest.raises(AlembicCompatError) as info:
            import alembic.ddl.postgresql
        line = info.value.args[0]
        assert f"{here}, line " in line
        assert "`import alembic.ddl.postgresql`" in line
        assert "does not cover alembic.ddl.postgresql" in line and "\n" not in line
        with pytest.raises(AlembicCompatError, match=r"does not cover alembic\.operations\.nope"):
            from alembic.operations import nope  # noqa: F401
        try:  # an optional import guarded as scripts do keeps working
            from alembic.util.langhelpers import asbool  # noqa: F401
        except ImportError as exc:
            assert exc.name == "alembic.util.langhelpers"
        import alembic

        with pytest.raises(AttributeError):
            alembic.operations.nope  # noqa: B018
    _no_alembic_left()


def test_nested_and_the_project_folder_named_alembic(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "alembic" / "versions").mkdir(parents=True)  # a script location, no __init__
    monkeypatch.syspath_prepend(str(tmp_path))
    assert not real_alembic_importable()
    with alembic_alias(), alembic_alias() as on:
        assert on
        import alembic

        assert alembic.__version__ == ALEMBIC_VERSION
    _no_alembic_left()


def test_a_real_alembic_is_left_alone(tmp_path: Path, monkeypatch) -> None:
    package = tmp_path / "alembic"
    package.mkdir()
    (package / "__init__.py").write_text("REAL = True\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        assert real_alembic_importable()
        with alembic_alias() as on:
            assert not on
            import alembic

            assert alembic.REAL
    finally:
        sys.modules.pop("alembic", None)
