"""A small on-disk cache of parsed revision headers.

Why: a second ``mig heads`` on an unchanged directory should read almost nothing. Each
version location keeps one JSON file, ``<location>/__pycache__/mig-headers.json`` (the
``__pycache__`` directory is where Python keeps its own byte-code and is ignored by version
control as a rule). An entry maps a file's path, relative to the location, to its size, its
``st_mtime_ns`` and the header read from it.

Safety rules:

* an entry is used only if the file's size *and* mtime_ns both match, so an edit is seen;
* an entry is stored only if the file was last modified more than :data:`RACY_NS` before the
  cache is written: a file edited again within the file system's time resolution could keep
  the same mtime, and such a "racy" entry would otherwise hide the edit;
* headers obtained by importing a file are never stored (the code may compute them);
* a cache that cannot be read (corrupt, another version) is ignored, and one that cannot be
  written (read-only directory, full disk) is silently skipped: it is only a speed-up.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from mig.scripts.header import Header

CACHE_DIR = "__pycache__"
CACHE_NAME = "mig-headers.json"
FORMAT = 1
#: Two seconds covers the coarsest common mtime resolution (FAT); others are finer.
RACY_NS = 2_000_000_000


class HeaderCache:
    """The header cache of one version location."""

    def __init__(self, location: Path, enabled: bool = True) -> None:
        self.location = location
        self.path = location / CACHE_DIR / CACHE_NAME
        self.enabled = enabled
        self._old: dict[str, list] = {}
        self._new: dict[str, list] = {}
        self._loaded = False
        self._dirty = False
        #: how many headers were served from the cache / read from files (for tests, bench)
        self.hits = 0
        self.misses = 0

    def _load(self) -> None:
        self._loaded = True
        if not self.enabled:
            return
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("format") == FORMAT:
            files = data.get("files")
            if isinstance(files, dict):
                self._old = files

    def get(self, relname: str, size: int, mtime_ns: int) -> Header | None:
        if not self._loaded:
            self._load()
        entry = self._old.get(relname)
        if entry is not None and entry[0] == size and entry[1] == mtime_ns:
            try:
                header = Header.from_json(entry[2])
            except (TypeError, ValueError):
                header = None
            if header is not None:
                self._new[relname] = entry
                self.hits += 1
                return header
        self.misses += 1
        return None

    def put(self, relname: str, size: int, mtime_ns: int, header: Header) -> None:
        if header.imported:
            self._dirty = self._dirty or relname in self._old
            return
        if mtime_ns > time.time_ns() - RACY_NS:
            self._dirty = True  # try again next time, once the file is old enough
            return
        self._new[relname] = [size, mtime_ns, header.to_json()]
        self._dirty = True

    def save(self) -> None:
        """Write the entries seen in this run (dropping files that are gone), if anything
        changed. Failures are ignored: the cache is an optimisation, never a requirement."""
        if not self.enabled:
            return
        if not self._dirty and set(self._new) == set(self._old):
            return
        payload = json.dumps({"format": FORMAT, "files": self._new}, separators=(",", ":"))
        tmp = self.path.with_name(f"{CACHE_NAME}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(exist_ok=True)
            tmp.write_text(payload, encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            try:
                tmp.unlink()
            except OSError:
                pass
            return
        self._old = dict(self._new)
        self._dirty = False
