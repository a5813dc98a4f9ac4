"""Autogenerate options are mig-autogen's typed, frozen object, built once from the migration
context's keywords and the caller's overrides; a typo is a one-line error naming the closest."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

from mig.autogen import AutogenContext, AutogenError, compare_metadata
from mig.autogen.options import AutogenOptions
from mig.runtime import MigrationContext
from mig.runtime.options import VALID_OPTIONS


def test_configure_accepts_every_autogenerate_option() -> None:
    assert AutogenOptions.names() - VALID_OPTIONS == set()


def test_options_come_from_the_migration_context(engine: sa.Engine) -> None:
    md = sa.MetaData()
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            connection=conn,
            opts={"migration_lock": False, "target_metadata": md, "detect_renames": False},
        )
        autogen = AutogenContext(ctx, opts={"compare_server_default": True})
    assert isinstance(autogen.options, AutogenOptions)
    assert autogen.options.detect_renames is False
    assert autogen.options.compare_server_default is True
    assert autogen.options.target_metadata is md and autogen.metadatas == [md]
    assert autogen.options.compare_type is True  # the default, written once
    with pytest.raises(dataclasses.FrozenInstanceError):
        autogen.options.detect_renames = True  # type: ignore[misc]
    with pytest.raises(TypeError):
        autogen.opts["detect_renames"] = True  # type: ignore[index]


def test_an_unknown_override_names_the_closest(engine: sa.Engine) -> None:
    md = sa.MetaData()
    sa.Table("opt_model", md, sa.Column("id", sa.Integer, primary_key=True))
    with engine.connect() as conn:
        ctx = MigrationContext.configure(connection=conn, opts={"migration_lock": False})
        with pytest.raises(AutogenError) as caught:
            compare_metadata(ctx, md, opts={"detect_rename": False})
    assert str(caught.value) == (
        "autogenerate opts: unknown option 'detect_rename'; did you mean 'detect_renames'?"
    )
