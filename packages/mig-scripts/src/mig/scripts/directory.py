"""ScriptDirectory: a migration environment's folder of revision scripts.

It finds the revision files in the version locations, reads their headers (statically,
through the header cache), builds the :class:`RevisionMap` once, and answers the questions
commands ask: heads, bases, history, what to run for an upgrade or downgrade. Nothing here
imports a revision file unless its header is not made of literals or its step is run.
"""

from __future__ import annotations

import gc
import os
import runpy
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from mig.scripts.cache import CACHE_DIR, HeaderCache
from mig.scripts.errors import MultipleHeads, RangeNotAncestor, ScriptError
from mig.scripts.graph import RevisionMap
from mig.scripts.header import Header, read_header
from mig.scripts.hooks import HookSpec
from mig.scripts.plan import MigrationStep, plan_downgrade, plan_upgrade
from mig.scripts.revision import Script
from mig.scripts.settings import (
    DEFAULT_FILE_TEMPLATE,
    DEFAULT_TRUNCATE_SLUG_LENGTH,
    ConfigLike,
    parse_timezone,
    settings_from_config,
)
from mig.scripts.specs import resolve_target


def _is_script_name(name: str, sourceless: bool) -> bool:
    if name.startswith((".", "#")) or name.startswith("__init__."):
        return False
    if name.endswith(".py"):
        return True
    return sourceless and name.endswith((".pyc", ".pyo"))


class ScriptDirectory:
    """The script location (``env.py``, ``script.py.mako``) and its version locations.

    ``version_locations`` replaces the default ``<dir>/versions`` when given, as in Alembic.
    ``use_cache=False`` reads every header from its file (the cache is described in
    :mod:`mig.scripts.cache`).
    """

    def __init__(
        self,
        dir: str | os.PathLike[str],
        file_template: str = DEFAULT_FILE_TEMPLATE,
        truncate_slug_length: int | None = DEFAULT_TRUNCATE_SLUG_LENGTH,
        version_locations: Sequence[str | os.PathLike[str]] | None = None,
        sourceless: bool = False,
        output_encoding: str = "utf-8",
        timezone: str | None = None,
        hooks: Sequence[HookSpec] = (),
        recursive_version_locations: bool = False,
        revision_environment: bool = False,
        template_args: dict[str, Any] | None = None,
        use_cache: bool = True,
    ) -> None:
        self.dir = str(dir)
        self.file_template = file_template
        self.truncate_slug_length = truncate_slug_length or DEFAULT_TRUNCATE_SLUG_LENGTH
        self.version_locations = [str(v) for v in version_locations] if version_locations else None
        self.sourceless = sourceless
        self.output_encoding = output_encoding
        self.timezone = parse_timezone(timezone)
        self.hooks = list(hooks)
        self.recursive_version_locations = recursive_version_locations
        #: run env.py for ``revision`` too (the CLI reads this; see README)
        self.revision_environment = revision_environment
        self.template_args = dict(template_args or {})
        self.use_cache = use_cache
        self._map: RevisionMap | None = None
        #: headers served from the cache / read from files in the last scan
        self.cache_hits = 0
        self.cache_misses = 0

    @classmethod
    def from_config(cls, config: ConfigLike) -> ScriptDirectory:
        """Build from a config object (see :mod:`mig.scripts.settings` for the keys)."""
        s = settings_from_config(config)
        return cls(
            s.dir,
            file_template=s.file_template,
            truncate_slug_length=s.truncate_slug_length,
            version_locations=s.version_locations,
            sourceless=s.sourceless,
            output_encoding=s.output_encoding,
            timezone=s.timezone,
            hooks=s.hooks,
            recursive_version_locations=s.recursive_version_locations,
            revision_environment=s.revision_environment,
            template_args=s.template_args,
        )

    # --- where things are ----------------------------------------------------------------

    @property
    def versions(self) -> str:
        """The default version location, ``<dir>/versions``."""
        return os.path.join(self.dir, "versions")

    @property
    def _version_locations(self) -> list[str]:
        return self.version_locations or [self.versions]

    @property
    def env_py_location(self) -> str:
        return os.path.join(self.dir, "env.py")

    def run_env(self) -> None:
        """Execute ``env.py`` (the runtime sets up ``mig.runtime.context`` before calling)."""
        path = self.env_py_location
        if not os.path.exists(path):
            raise ScriptError(f"{path} does not exist; the script location needs an env.py")
        runpy.run_path(path, run_name="mig_env_py")

    # --- reading -------------------------------------------------------------------------

    def _script_files(self, location: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
        """(path relative to the location, entry) for each revision file, sorted by name."""
        stack = [("", location)]
        while stack:
            rel, path = stack.pop(0)
            try:
                entries = sorted(os.scandir(path), key=lambda e: e.name)
            except FileNotFoundError:
                continue
            names = {e.name for e in entries}
            subdirs = []
            for entry in entries:
                name = entry.name
                if entry.is_dir():
                    if self.recursive_version_locations and name != CACHE_DIR:
                        if not name.startswith("."):
                            subdirs.append((f"{rel}{name}/", entry.path))
                    continue
                if not _is_script_name(name, self.sourceless):
                    continue
                if name.endswith((".pyc", ".pyo")) and name[:-1] in names:
                    continue  # the source is there: it wins
                yield f"{rel}{name}", entry
            stack[0:0] = subdirs

    def _load_scripts(self) -> list[Script]:
        scripts = []
        hits = misses = 0
        for location in self._version_locations:
            cache = HeaderCache(Path(location), enabled=self.use_cache)
            for rel, entry in self._script_files(location):
                path = entry.path
                header: Header | None = None
                if rel.endswith(".py"):
                    st = entry.stat()
                    header = cache.get(rel, st.st_size, st.st_mtime_ns)
                    if header is None:
                        header = read_header(path)  # type: ignore[arg-type]
                        cache.put(rel, st.st_size, st.st_mtime_ns, header)
                else:
                    from mig.scripts.header import import_header

                    header = import_header(Path(path))
                scripts.append(Script(header, path))
            cache.save()
            hits += cache.hits
            misses += cache.misses
        self.cache_hits, self.cache_misses = hits, misses
        return scripts

    @property
    def revision_map(self) -> RevisionMap:
        """The graph, built on first use and kept (``refresh()`` forgets it)."""
        if self._map is None:
            # Thousands of small objects are made here and none is garbage: pausing the
            # cyclic collector saves its repeated full scans (a third of the warm time).
            was_enabled = gc.isenabled()
            gc.disable()
            try:
                self._map = RevisionMap(self._load_scripts())
            finally:
                if was_enabled:
                    gc.enable()
        return self._map

    def refresh(self) -> None:
        self._map = None

    def check(self) -> int:
        """Validate everything: the graph, and that every script compiles.

        Graph commands read only headers, so a syntax error in an ``upgrade()`` body is
        found here (``mig check``) or when its step is imported, never silently run.
        Returns the number of scripts checked.
        """
        from mig.scripts.header import check_syntax

        count = 0
        for script in self.revision_map:
            if script.path and script.path.endswith(".py"):
                check_syntax(Path(script.path))
            count += 1
        return count

    def walk_scripts(self) -> Iterator[Script]:
        """Every revision, in file order."""
        return iter(self.revision_map)

    # --- the questions ---------------------------------------------------------------------

    def get_heads(self) -> list[str]:
        """Every head revision id (``down_revision`` links only), in file order."""
        return list(self.revision_map.heads)

    def get_current_head(self) -> str | None:
        """The single head, or None for an empty directory; several raise MultipleHeads."""
        heads = self.revision_map.heads
        if len(heads) > 1:
            raise MultipleHeads("head", heads)
        return heads[0] if heads else None

    def get_bases(self) -> list[str]:
        return list(self.revision_map.bases)

    def get_base(self) -> str | None:
        bases = self.revision_map.bases
        if len(bases) > 1:
            raise ScriptError(
                f"there are {len(bases)} base revisions ({', '.join(bases)}); use get_bases()"
            )
        return bases[0] if bases else None

    def resolve(self, spec: str, current_heads: Iterable[str] | None = None) -> tuple[str, ...]:
        """The revision ids a spec names (``()`` for base and the ``@base`` forms).

        Relative forms that count from the database (``+1``, ``-1``, ``label@-1``) need
        ``current_heads``.
        """
        current = list(current_heads) if current_heads is not None else None
        return resolve_target(self.revision_map, spec, current).revisions

    def get_revisions(self, spec: str | Iterable[str] | None) -> tuple[Script, ...]:
        """Scripts for one spec or several; None and "base" give ()."""
        if spec is None:
            return ()
        specs = [spec] if isinstance(spec, str) else list(spec)
        ids: list[str] = []
        for one in specs:
            ids.extend(self.resolve(one))
        rmap = self.revision_map
        return tuple(rmap.script(r) for r in dict.fromkeys(ids))

    def get_revision(self, spec: str | None) -> Script | None:
        """One script by id, prefix, label or symbol; None for "base"/None."""
        scripts = self.get_revisions(spec)
        if len(scripts) > 1:
            raise MultipleHeads(str(spec), [s.revision for s in scripts])
        return scripts[0] if scripts else None

    def iterate_revisions(
        self, upper: str, lower: str, inclusive: bool = False
    ) -> Iterator[Script]:
        """From ``upper`` down to ``lower`` (excluded unless ``inclusive``), newest first.

        The revisions are those below ``upper`` and above ``lower``; ``lower`` = "base"
        means everything below ``upper``.
        """
        rmap = self.revision_map
        uppers = self.resolve(upper)
        below = rmap._ancestors(uppers)
        lowers = self.resolve(lower)
        if lowers:
            missing = [low for low in lowers if low not in below]
            if missing:
                raise RangeNotAncestor(missing[0], upper)
            keep = rmap._descendants(lowers, within=below)
            if not inclusive:
                keep -= set(lowers)
            below = keep
        for rev in rmap.downgrade_order(below):
            yield rmap.script(rev)

    def walk_revisions(self, base: str = "base", head: str = "heads") -> Iterator[Script]:
        """Every revision from ``head`` down to ``base`` inclusive, newest first."""
        if not len(self.revision_map):
            return iter(())
        return self.iterate_revisions(head, base, inclusive=True)

    def plan_upgrade(self, current_heads: Iterable[str], destination: str) -> list[MigrationStep]:
        """The steps ``upgrade <destination>`` runs from these version-table rows."""
        return plan_upgrade(self.revision_map, current_heads, destination)

    def plan_downgrade(self, current_heads: Iterable[str], destination: str) -> list[MigrationStep]:
        """The steps ``downgrade <destination>`` runs from these version-table rows."""
        return plan_downgrade(self.revision_map, current_heads, destination)

    # --- writing (see mig.scripts.write) -------------------------------------------------

    def generate_revision(
        self,
        revid: str,
        message: str | None,
        head: str | Sequence[str] | None = "head",
        splice: bool = False,
        branch_labels: str | Sequence[str] | None = None,
        version_path: str | None = None,
        depends_on: str | Sequence[str] | None = None,
        **template_args: Any,
    ) -> Script:
        """Write a new revision file from ``script.py.mako`` and run the post-write hooks."""
        from mig.scripts.write import generate_revision

        return generate_revision(
            self,
            revid,
            message,
            head=head,
            splice=splice,
            branch_labels=branch_labels,
            version_path=version_path,
            depends_on=depends_on,
            **template_args,
        )
