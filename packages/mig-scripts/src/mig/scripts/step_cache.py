"""The step cache: compiled code and sha256 of every revision script, in one file per folder.

Why: an upgrade imports each script it runs and records a sha256 of its source in the
history table. Through ``importlib`` a script costs a spec, a loader, a ``stat`` and a read
of its ``.pyc`` with its own validation, and the checksum one more read of the source:
about 180 µs a step here, more than the rest of mig's own work for a small step. Kept in
``<folder>/__pycache__/mig-steps.<cache tag>.cache``, a whole folder's entries are one read
and one ``marshal.loads``; a step then costs one ``stat``, the ``marshal.loads`` of its own
code and the ``exec`` of its module body. Each script's code stays marshalled bytes until its
step runs: an upgrade of the last few of 2,000 revisions unmarshals a few code objects, not
2,000 (2 ms instead of 13 ms on the development machine).

Safety rules (the same as the revision cache's, :mod:`mig.scripts.cache`):

* an entry is used only if the file's size, ``st_mtime_ns``, ``st_ctime_ns`` and inode all
  match what was stored, so any edit (even one that keeps the size and puts the mtime back)
  reads the file again;
* an entry is stored only if the file was last modified more than ``RACY_NS`` before the
  cache is written (an edit within the file system's time resolution could keep the mtime);
* the file starts with a magic, the interpreter's byte-code magic and a CRC-32; one that is
  truncated, corrupt or made by another Python is ignored and replaced. It is never written
  when Python is told not to write byte-code (``-B``, ``PYTHONDONTWRITEBYTECODE``), and a
  folder that cannot be written is simply not cached.

Scripts shipped as ``.pyc`` only (``sourceless``) keep going through ``importlib``.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.machinery
import importlib.util
import marshal
import os
import sys
import threading
import zlib
from pathlib import Path
from types import CodeType, ModuleType

from mig.scripts.cache import RACY_NS, now_ns, write_atomically
from mig.scripts.scan import CACHE_DIR

__all__ = ["StepCache", "cache_for", "checksum_of", "flush_all", "forget"]

_FORMAT = b"\x02"  # 2: each entry's code is marshalled bytes (1 held code objects)
_MAGIC = b"migsteps\n" + _FORMAT + importlib.util.MAGIC_NUMBER
CHECKSUM_PREFIX = "sha256:"

# path -> (size, mtime_ns, ctime_ns, inode, sha256 hex, code): the code is a code object
# when compiled in this process, its marshalled bytes when read from the cache file
_Entry = tuple[int, int, int, int, str, CodeType | bytes]


def _stamp(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class StepCache:
    """The cached scripts of one folder; loaded on first use, saved when something changed."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.path = os.path.join(
            folder, CACHE_DIR, f"mig-steps.{sys.implementation.cache_tag}.cache"
        )
        self._entries: dict[str, _Entry] | None = None
        self._dirty = False
        self._lock = threading.Lock()

    # --- the file ------------------------------------------------------------------------

    def _load(self) -> dict[str, _Entry]:
        if self._entries is None:
            self._entries = self._read()
        return self._entries

    def _read(self) -> dict[str, _Entry]:
        try:
            with open(self.path, "rb") as fh:
                data = fh.read()
        except OSError:
            return {}
        head = len(_MAGIC) + 4
        if len(data) < head or not data.startswith(_MAGIC):
            return {}
        if zlib.crc32(data[head:]) != int.from_bytes(data[len(_MAGIC) : head], "little"):
            return {}
        try:
            entries = marshal.loads(data[head:])
        except (EOFError, ValueError, TypeError):
            return {}
        return entries if type(entries) is dict else {}

    def save(self) -> bool:
        """Write the entries that may be trusted, atomically; failures are ignored."""
        with self._lock:
            if not self._dirty or self._entries is None or sys.dont_write_bytecode:
                return False
            limit = now_ns() - RACY_NS
            kept = {
                p: e if type(e[5]) is bytes else (*e[:5], marshal.dumps(e[5]))
                for p, e in self._entries.items()
                if e[1] <= limit
            }
            self._dirty = False
        body = marshal.dumps(kept)
        return write_atomically(self.path, [_MAGIC + zlib.crc32(body).to_bytes(4, "little"), body])

    # --- one script ----------------------------------------------------------------------

    def entry(self, path: str) -> _Entry:
        """The script's entry: from the cache if the file is unchanged, else read now."""
        st = os.stat(path)
        stamp = _stamp(st)
        entries = self._load()
        found = entries.get(path)
        if found is not None and found[:4] == stamp and found[1] <= now_ns() - RACY_NS:
            return found  # unchanged, and not edited so recently that an edit could hide
        with open(path, "rb") as fh:
            source = fh.read()
            after = _stamp(os.fstat(fh.fileno()))
        if after != stamp:  # changed while being read: read it again
            return self.entry(path)
        code = compile(source, path, "exec", dont_inherit=True)
        made: _Entry = (*stamp, hashlib.sha256(source).hexdigest(), code)
        with self._lock:
            entries[path] = made
            self._dirty = True
        _pending.add(self)
        return made

    def checksum(self, path: str) -> str:
        """``sha256:<hex>`` of the script's source, as the history table records it."""
        return CHECKSUM_PREFIX + self.entry(path)[4]

    def load_module(self, path: str, name: str) -> ModuleType:
        """Run the script's cached code as a new module registered under ``name``.

        The spec's ``loader_state`` keeps the checksum of the source that code came from
        (:func:`ran_checksum`): the history row of the step records what ran, without
        looking at the file again.
        """
        entry = self.entry(path)
        code = entry[5] if type(entry[5]) is not bytes else self._unmarshal(path, entry)
        loader = importlib.machinery.SourceFileLoader(name, path)
        module = ModuleType(name)
        module.__file__ = path
        module.__loader__ = loader
        module.__spec__ = importlib.machinery.ModuleSpec(
            name, loader, origin=path, loader_state=CHECKSUM_PREFIX + entry[4]
        )
        module.__spec__.has_location = True
        sys.modules[name] = module
        try:
            exec(code, module.__dict__)
        except BaseException:
            del sys.modules[name]
            raise
        return module

    def _unmarshal(self, path: str, entry: _Entry) -> CodeType:
        """The code of an entry read from the cache file; compiled again if it will not
        load (the file's CRC makes that all but impossible, but a step must still run)."""
        try:
            code = marshal.loads(entry[5])
        except (EOFError, ValueError, TypeError):
            code = None
        if type(code) is CodeType:
            return code
        with self._lock:
            self._load().pop(path, None)
        fresh = self.entry(path)[5]
        assert type(fresh) is CodeType
        return fresh


_caches: dict[str, StepCache] = {}
_pending: set[StepCache] = set()


def cache_for(path: str | Path) -> StepCache | None:
    """The step cache of the folder that holds ``path``; None for a sourceless script."""
    path = os.fspath(path)
    if not path.endswith(".py"):
        return None
    folder = os.path.dirname(path if os.path.isabs(path) else os.path.abspath(path))
    found = _caches.get(folder)
    if found is None:
        found = _caches[folder] = StepCache(folder)
    return found


def ran_checksum(module: ModuleType) -> str | None:
    """The checksum of the source a module loaded by :meth:`StepCache.load_module` ran."""
    state = getattr(getattr(module, "__spec__", None), "loader_state", None)
    return state if isinstance(state, str) and state.startswith(CHECKSUM_PREFIX) else None


def checksum_of(path: str | Path) -> str | None:
    """``sha256:<hex>`` of a script's bytes (cached for source scripts); None if unreadable."""
    path = os.fspath(path)
    try:
        cached = cache_for(path)
        if cached is not None:
            return cached.checksum(path if os.path.isabs(path) else os.path.abspath(path))
    except (OSError, SyntaxError, ValueError):
        pass  # unreadable, or a script that does not compile: it still has a checksum
    try:
        with open(path, "rb") as fh:
            return CHECKSUM_PREFIX + hashlib.sha256(fh.read()).hexdigest()
    except OSError:
        return None


def flush_all() -> None:
    """Save every cache that learnt something (called after ``env.py`` ran, and at exit)."""
    while _pending:
        _pending.pop().save()


def forget() -> None:
    """Drop what this process holds in memory (tests that edit scripts between runs)."""
    flush_all()
    _caches.clear()


atexit.register(flush_all)
