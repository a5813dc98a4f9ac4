"""The migration runner behind the pytest plugin's ``mig_runner`` fixture.

Data migrations need tests that stop history at a revision, put rows in, run the next
step and read what it made of them. :class:`MigrationRunner` does that on one engine with
the project's own env.py (its ``sqlalchemy.url`` pointed at the engine for each call), so
the steps run exactly as ``mig upgrade`` runs them. pytest-alembic users know the names:
``migrate_up_to``, ``migrate_down_to``, ``insert_into``, ``table_at_revision``,
``roundtrip_next_revision``. It needs no pytest and works in any test framework::

    runner = MigrationRunner(find_config("mig.ini"), sa.create_engine("sqlite:///t.db"))
    runner.migrate_up_to("a1b2c3")
    runner.insert_into("users", [{"full_name": "Ada Lovelace"}])
    runner.migrate_up_one()
    assert runner.rows("users") == [{"id": 1, "first_name": "Ada", "last_name": "Lovelace"}]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from mig.cli.config import Config
from mig.cli.errors import CheckFailed, UsageError


class MigrationRunner:
    """Moves one database (``engine``) through the project's history, step by step."""

    def __init__(self, config: Config, engine: sa.Engine) -> None:
        self.config = config
        self.engine = engine

    # -- where we are --------------------------------------------------------------------

    @property
    def script(self) -> Any:
        from mig.cli.command._env import script_directory

        return script_directory(self.config)

    @property
    def heads(self) -> tuple[str, ...]:
        """The head revisions of the scripts."""
        return tuple(self.script.get_heads())

    @property
    def current(self) -> tuple[str, ...]:
        """The revisions the database is at (empty: base)."""
        from mig.cli.command.run import current_heads

        with self._on_engine():
            return tuple(current_heads(self.config, self.script))

    @property
    def history(self) -> list[str]:
        """Every revision, base first."""
        return [s.revision for s in reversed(list(self.script.walk_revisions()))]

    # -- moving --------------------------------------------------------------------------

    def migrate_up_to(self, revision: str = "heads") -> None:
        """Upgrade to ``revision`` (an id, ``head``, ``heads``, ``+1``, ``label@head``)."""
        from mig.cli import command

        with self._on_engine():
            command.upgrade(self.config, revision)

    def migrate_down_to(self, revision: str = "base") -> None:
        """Downgrade to ``revision`` (an id, ``base``, ``-1``)."""
        from mig.cli import command

        with self._on_engine():
            command.downgrade(self.config, revision)

    def migrate_up_one(self) -> None:
        self.migrate_up_to("+1")

    def migrate_down_one(self) -> None:
        self.migrate_down_to("-1")

    def migrate_to(self, revision: str) -> None:
        """Up or down to ``revision``, whichever way it lies from the database."""
        current = self.current
        target = set(self.script.resolve(revision)) if revision != "base" else set()
        if target == set(current):
            return
        if revision == "base" or self._is_below(target, current):
            self.migrate_down_to(revision)
        else:
            self.migrate_up_to(revision)

    def _is_below(self, target: set[str], current: Sequence[str]) -> bool:
        script = self.script
        below = {s.revision for head in current for s in script.walk_revisions("base", head)}
        return bool(current) and target <= below

    # -- data ----------------------------------------------------------------------------

    def table_at_revision(
        self, name: str, revision: str | None = None, schema: str | None = None
    ) -> sa.Table:
        """The table ``name`` as the database has it at ``revision`` (default: now)."""
        if revision is not None:
            self.migrate_to(revision)
        try:
            return sa.Table(name, sa.MetaData(), autoload_with=self.engine, schema=schema)
        except sa.exc.NoSuchTableError:
            at = ", ".join(self.current) or "base"
            raise UsageError(f"table {name!r} does not exist at revision {at}") from None

    def insert_into(
        self,
        name: str,
        data: Mapping[str, Any] | Sequence[Mapping[str, Any]],
        *,
        revision: str | None = None,
        schema: str | None = None,
    ) -> None:
        """Insert one row (a dict) or several into ``name`` as it is at ``revision``."""
        rows = [dict(data)] if isinstance(data, Mapping) else [dict(r) for r in data]
        table = self.table_at_revision(name, revision, schema)
        if rows:
            with self.engine.begin() as conn:
                conn.execute(table.insert(), rows)

    def rows(self, name: str, *, order_by: str | None = None) -> list[dict[str, Any]]:
        """The rows of ``name`` as dicts, ordered by ``order_by`` or the primary key."""
        table = self.table_at_revision(name)
        keys = [table.c[order_by]] if order_by else list(table.primary_key.columns)
        with self.engine.connect() as conn:
            result = conn.execute(sa.select(table).order_by(*keys))
            return [dict(r._mapping) for r in result]

    # -- checks --------------------------------------------------------------------------

    def roundtrip_next_revision(self) -> str | None:
        """Upgrade one step, downgrade it, upgrade again; the schema after the downgrade
        must be the schema before (CheckFailed naming what differs). Returns the revision
        stepped over, or None at the heads."""
        from mig.cli.verify.diff import AFTER_DOWNGRADE, diff_snapshots

        before_revs = self.current
        if set(before_revs) == set(self.heads):
            return None
        before = self._snapshot()
        self.migrate_up_one()
        stepped = ", ".join(sorted(set(self.current) - set(before_revs)))
        self.migrate_down_one()
        differences = diff_snapshots(before, self._snapshot())
        if differences:
            detail = "; ".join(d.describe(AFTER_DOWNGRADE) for d in differences)
            raise CheckFailed(
                f"revision {stepped}: its downgrade does not undo its upgrade: {detail}"
            )
        self.migrate_up_one()
        return stepped

    def _snapshot(self) -> Any:
        from mig.cli.verify.snapshot import take_snapshot

        version_table = self.config.get_main_option("version_table") or "mig_version"
        with self.engine.connect() as conn:
            return take_snapshot(conn, version_table=version_table)

    @contextmanager
    def _on_engine(self) -> Iterator[None]:
        from mig.cli.verify.scratch import config_url

        url = self.engine.url.render_as_string(hide_password=False)
        with config_url(self.config, url):
            yield
