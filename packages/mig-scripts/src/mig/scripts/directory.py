"""ScriptDirectory: a migration environment's folder of revision scripts.

It finds the revision files in the version locations, reads their headers (statically,
through the header cache), builds the :class:`RevisionMap` once, and answers the questions
commands ask: heads, bases, history, what to run for an upgrade or downgrade. Nothing here
imports a revision file unless its header is not made of literals or its step is run.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from mig.scripts import cache
from mig.scripts.errors import MultipleHeads, RangeNotAncestor, ScriptError
from mig.scripts.graph import SNAPSHOT_FIELDS, RevisionMap
from mig.scripts.header import NeedsImport, decode_source, import_header, parse_header
from mig.scripts.plan import MigrationStep, plan_downgrade, plan_upgrade
from mig.scripts.revision import Script
from mig.scripts.scan import FileKey, Listing
from mig.scripts.specs import resolve_target

if TYPE_CHECKING:
    from mig.scripts.hooks import HookSpec
    from mig.scripts.settings import ConfigLike

# Repeated here so that importing the directory does not import the settings module (and
# through it the hooks and importlib.metadata): listing commands never need them.
DEFAULT_FILE_TEMPLATE = "%(rev)s_%(slug)s"
DEFAULT_TRUNCATE_SLUG_LENGTH = 40


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
        if timezone:
            from mig.scripts.settings import parse_timezone

            self.timezone = parse_timezone(timezone)
        else:
            self.timezone = None
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
        #: whether the last scan loaded the whole linked graph from the cache
        self.graph_from_cache = False

    @classmethod
    def from_config(cls, config: ConfigLike) -> ScriptDirectory:
        """Build from a config object (see :mod:`mig.scripts.settings` for the keys)."""
        from mig.scripts.settings import settings_from_config

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
        import runpy

        from mig.scripts import step_cache

        path = self.env_py_location
        if not os.path.exists(path):
            raise ScriptError(f"{path} does not exist; the script location needs an env.py")
        try:
            runpy.run_path(path, run_name="mig_env_py")
        finally:
            step_cache.flush_all()  # the scripts this run compiled, for the next run

    # --- reading -------------------------------------------------------------------------

    def _cache_key(self, locations: Sequence[str]) -> tuple:
        return (
            cache.FORMAT,
            tuple(os.path.abspath(loc) for loc in locations),
            bool(self.recursive_version_locations),
            bool(self.sourceless),
        )

    def _read_map(self) -> RevisionMap:
        """The graph: from the cache when no file changed, else from the files (each file
        whose header is cached and unchanged is not read), then cached again."""
        locations = self._version_locations
        key = self._cache_key(locations)
        cache_file = cache.cache_path(locations[0])
        old = cache.load(cache_file, key) if self.use_cache else None
        if old is None and self.use_cache:
            # Make the cache's folder now, before the version folder's stamps are taken:
            # made later, it would change them and the next command would list it again.
            try:
                os.mkdir(os.path.dirname(cache_file))
            except OSError:
                pass
        self.graph_from_cache = False
        known_folders = old.known_folders() if old is not None else None
        with Listing(
            locations, self.recursive_version_locations, self.sourceless, known_folders
        ) as listing:
            keys: list[FileKey] | None = None
            known: dict[FileKey, tuple] = {}
            if old is not None:
                values = listing.stat_all()
                if (
                    old.graph is not None
                    and len(old.graph) == SNAPSHOT_FIELDS
                    and old.same_names(listing.folders)
                    and cache.pack_stats(values) == old.stats
                ):
                    self.cache_hits, self.cache_misses = len(values) // 3, 0
                    self.graph_from_cache = True
                    if listing.listed:  # folders listed again: record their stamps
                        folders = cache.stored_folders(listing.folders, cache.now_ns())
                        if folders != old.folders:
                            cache.save(cache_file, key, old._replace(folders=folders))
                    return RevisionMap.from_snapshot(old.graph, locations, old.folders)
                it = iter(values)
                keys = [
                    (f[0], f[1], size, m, c)
                    for f, size, m, c in zip(listing.files, it, it, it, strict=True)
                ]
                known = old.known_headers()
            return self._read_files(listing, keys, known, old, cache_file, key)

    def _read_files(
        self,
        listing: Listing,
        keys: list[FileKey] | None,
        known: dict[FileKey, tuple],
        old: cache.CachedState | None,
        cache_file: str,
        cache_key: tuple,
    ) -> RevisionMap:
        records: list[tuple] = []
        values: list[int] = []
        stored: list[tuple | None] = []
        now = cache.now_ns()
        hits = 0
        path_of, trusted, prefixes = listing.path, cache.trusted, listing.prefixes
        files = listing.files
        # nothing cached: read them all in one go (else one by one, those not cached)
        contents = listing.read_all() if keys is None and not self.sourceless else None
        for i, (index, rel, _, name) in enumerate(files):
            header = known.get(keys[i]) if keys is not None else None
            if header is not None:
                hits += 1
                file_key = keys[i]  # type: ignore[index]
                keep: tuple | None = header
            elif name.endswith(".py"):
                data, file_key, whole = next(contents) if contents else listing.read(i)
                if data is None:  # a folder named like a script: not one
                    header = keep = ()
                else:
                    path = prefixes[index] + rel
                    try:
                        try:
                            text = data.decode()
                        except UnicodeDecodeError:
                            text = decode_source(path, data)  # raises, naming the file
                        if text.startswith("\ufeff"):
                            text = text[1:]
                        header = parse_header(path, text)
                        keep = header if whole and trusted(file_key[3], now) else None
                    except NeedsImport:
                        header, keep = tuple(import_header(path))[:5], None
            else:  # sourceless .pyc: import it, every time
                file_key = keys[i] if keys is not None else listing.key(i)
                header, keep = tuple(import_header(path_of(i)))[:5], None
            values += file_key[2:]
            stored.append(keep)
            if header:
                records.append((header, (index, rel)))
        self.cache_hits, self.cache_misses = hits, len(stored) - hits
        try:
            rmap = RevisionMap.build(records, listing.locations)
        except ScriptError:
            self._save(old, cache_file, cache_key, listing, values, stored, None, now)
            raise
        self._save(old, cache_file, cache_key, listing, values, stored, rmap, now)
        return rmap

    def _save(
        self,
        old: cache.CachedState | None,
        cache_file: str,
        cache_key: tuple,
        listing: Listing,
        values: list[int],
        stored: list[tuple | None],
        rmap: RevisionMap | None,
        now: int,
    ) -> None:
        """Cache what was read: the graph if every header may be trusted, else the headers
        that may (unless that is exactly what the cache already says)."""
        if not self.use_cache:
            return
        folders = cache.stored_folders(listing.folders, now)
        stats = cache.pack_stats(values)
        if rmap is not None and all(h is not None for h in stored):
            state = cache.CachedState(folders, stats, rmap.snapshot(folders), None)
        else:
            import marshal

            headers_blob = marshal.dumps(tuple(stored))
            state = cache.CachedState(folders, stats, None, headers_blob)
            if state == old:
                return  # nothing new to say
        cache.save(cache_file, cache_key, state)

    @property
    def revision_map(self) -> RevisionMap:
        """The graph, built on first use and kept (``refresh()`` forgets it)."""
        if self._map is None:
            # Thousands of small objects are made here and none is garbage: pausing the
            # cyclic collector saves its repeated full scans (a third of the warm time).
            was_enabled = gc.isenabled()
            gc.disable()
            try:
                self._map = self._read_map()
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
        from pathlib import Path

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
        lowers = self.resolve(lower)
        if not lowers and rmap._covers_heads(uppers):
            # the whole history (``history`` with no range): its order is in the graph
            yield from rmap._scripts_for(reversed(rmap._full_order))
            return
        below = rmap._ancestors(uppers)
        if lowers:
            missing = [low for low in lowers if low not in below]
            if missing:
                raise RangeNotAncestor(missing[0], upper)
            keep = rmap._descendants(lowers, within=below)
            if not inclusive:
                keep -= set(lowers)
            below = keep
        yield from rmap._scripts_for(rmap.downgrade_order(below))

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
