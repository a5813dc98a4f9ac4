"""The revision cache: one file that lets a second command skip reading the scripts.

Why: a second ``mig heads`` on an unchanged directory should cost one ``stat`` per file and
one small read, not a read and a parse of every script. The first version location keeps
``__pycache__/mig-revisions.cache`` (the folder where Python keeps its own byte-code, which
version control ignores as a rule). It holds:

* the *key*: the cache format, the absolute version locations, and the settings that
  change which files count (recursive, sourceless);
* the *folders*: for each folder read, its stamps (mtime, ctime) and the script names in it
  (see :mod:`mig.scripts.scan` for why unchanged stamps mean unchanged names);
* the *stats*: size, ``st_mtime_ns`` and ``st_ctime_ns`` of every script, in file order;
* the linked graph (:meth:`RevisionMap.snapshot`) when every header could be trusted, or
  else each file's header (or nothing, for a file that may not be trusted).

How it is used: if the folders hold the same names and every file has the same stats, the
graph is loaded as it is; otherwise each file whose (path, size, mtime, ctime) is unchanged
reuses its cached header, the others are read, and the graph is rebuilt and saved again.

Safety rules:

* a header is reused only if size, mtime *and* ctime match, so an edit is seen even when it
  keeps the size and the mtime is put back (``ctime`` cannot be set from user space);
* a header is stored only if the file was last modified more than :data:`RACY_NS` before
  the cache is written: a file edited again within the file system's time resolution could
  keep the same mtime, and such a "racy" entry would otherwise hide the edit. While any file
  is racy, no graph is stored. Folder stamps follow the same rule: a racy folder is listed
  again next time;
* headers obtained by importing a file are never stored (the code may compute them);
* the file starts with a magic number and a CRC-32 of the rest: a cache that is truncated,
  corrupt, of another format or of other settings is ignored (and replaced); one that
  cannot be written (read-only directory, full disk) is skipped. It is only a speed-up.

The data is a ``marshal`` dump of plain tuples, dicts, strings, ints and bytes: the fastest
format the standard library loads. The stats are one ``array('q')`` of bytes, so checking
them is one comparison of bytes.
"""

from __future__ import annotations

import marshal
import os
import time
import zlib
from array import array
from collections.abc import Sequence
from typing import NamedTuple

from mig.scripts.scan import CACHE_DIR, FileKey, Folder

__all__ = ["CACHE_DIR", "CACHE_NAME", "FORMAT", "RACY_NS", "CachedState", "load", "save"]

CACHE_NAME = "mig-revisions.cache"
#: bump when the payload or the snapshot layout changes (marshal's own version too)
FORMAT = (5, marshal.version)
_MAGIC = b"migrevs\n"
#: Two seconds covers the coarsest common mtime resolution (FAT); others are finer.
RACY_NS = 2_000_000_000
#: the mtime stored for a folder whose stamps may not be trusted: never equal to a real one
UNTRUSTED = -2


class CachedState(NamedTuple):
    """What a cache file holds (see the module docstring)."""

    folders: tuple[Folder, ...]
    #: :func:`pack_stats` of the files' stats in file order
    stats: bytes
    #: the linked graph (:meth:`RevisionMap.snapshot`, one blob per group, read in place
    #: from the file) if every header was trusted; the headers can be recovered from it
    graph: Sequence[bytes | memoryview] | None
    #: one header or None per listed file, when there is no graph
    headers_blob: bytes | None

    def known_folders(self) -> dict[tuple[int, str], Folder]:
        """The folders whose names may be reused if their stamps did not change."""
        return {(f[0], f[1]): f for f in self.folders if f[2] != UNTRUSTED}

    def same_names(self, folders: list[Folder]) -> bool:
        """Do these folders (as listed now) hold the same names as recorded?"""
        old = self.folders
        if len(old) != len(folders):
            return False
        for a, b in zip(old, folders, strict=True):
            if a[0] != b[0] or a[1] != b[1] or a[4] != b[4] or a[5] != b[5]:
                return False
        return True

    def keys(self) -> list[FileKey]:
        """The key of every file recorded, in file order."""
        values = unpack_stats(self.stats)
        rels = [(f[0], f[1] + name) for f in self.folders for name in f[4]]
        if len(values) != 3 * len(rels):
            raise ValueError("stats and names disagree")
        it = iter(values)
        return [(i, rel, size, m, c) for (i, rel), size, m, c in zip(rels, it, it, it, strict=True)]

    def known_headers(self) -> dict[FileKey, tuple]:
        """File key -> header for every file whose header was trusted (``()`` for a listed
        name that is not a script file); {} if unreadable."""
        from mig.scripts.graph import RevisionMap

        try:
            keys = self.keys()
            if self.graph is not None:
                by_place = RevisionMap.headers_of_snapshot(self.graph, self.folders)
                return {k: by_place.get((k[0], k[1]), ()) for k in keys}
            if self.headers_blob is not None:
                headers = marshal.loads(self.headers_blob)
                if len(headers) == len(keys):
                    return {k: h for k, h in zip(keys, headers, strict=True) if h is not None}
        except (EOFError, ValueError, TypeError, KeyError, IndexError):
            pass
        return {}


def pack_stats(values: list[int]) -> bytes:
    """File stats as bytes (signed 64-bit each): equal bytes mean equal stats."""
    return array("q", values).tobytes()


def unpack_stats(data: bytes) -> list[int]:
    values = array("q")
    values.frombytes(data)
    return values.tolist()


def cache_path(location: str) -> str:
    return os.path.join(location, CACHE_DIR, CACHE_NAME)


# The file: magic, CRC-32 of the rest, the length of the head, the head (a marshal dump of
# the key, the folders, the stats, the headers blob and the sizes of the graph's blobs),
# then the graph's blobs one after the other, which are unpacked in place, when used.
_PREFIX = len(_MAGIC) + 8


def load(path: str, key: tuple) -> CachedState | None:
    """The cached state at ``path`` if it is intact and was made for ``key``; else None."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    if len(data) < _PREFIX or not data.startswith(_MAGIC):
        return None
    view = memoryview(data)
    crc = int.from_bytes(view[len(_MAGIC) : len(_MAGIC) + 4], "little")
    if zlib.crc32(view[len(_MAGIC) + 4 :]) != crc:
        return None
    head_end = _PREFIX + int.from_bytes(view[len(_MAGIC) + 4 : _PREFIX], "little")
    try:
        head = marshal.loads(view[_PREFIX:head_end])
    except (EOFError, ValueError, TypeError):
        return None
    if type(head) is not tuple or len(head) != 5 or head[0] != key:
        return None
    _, folders, stats, headers_blob, sizes = head
    if (
        type(folders) is not tuple
        or type(stats) is not bytes
        or not (headers_blob is None or type(headers_blob) is bytes)
        or not (sizes is None or type(sizes) is tuple)
    ):
        return None
    graph = None
    if sizes is not None:
        graph, at = [], head_end
        for size in sizes:
            graph.append(view[at : at + size])
            at += size
        if at != len(data):
            return None
    return CachedState(folders, stats, graph, headers_blob)


def trusted(mtime_ns: int, now_ns: int) -> bool:
    """May what was read from a file (or folder) with this mtime be stored? Not if it is
    racy, see above."""
    return mtime_ns <= now_ns - RACY_NS


def stored_folders(folders: list[Folder], now_ns: int) -> tuple[Folder, ...]:
    """The folders as the cache keeps them: racy stamps replaced by :data:`UNTRUSTED`."""
    return tuple(
        f if f[2] < 0 or trusted(f[2], now_ns) else (f[0], f[1], UNTRUSTED, f[3], f[4], f[5])
        for f in folders
    )


def save(path: str, key: tuple, state: CachedState) -> bool:
    """Write the cache atomically (a temporary file renamed over it). Failures are ignored:
    the cache is an optimisation, never a requirement. Returns whether it was written."""
    blobs = [bytes(b) for b in state.graph] if state.graph is not None else []
    sizes = tuple(len(b) for b in blobs) if state.graph is not None else None
    try:
        head = marshal.dumps((key, state.folders, state.stats, state.headers_blob, sizes))
    except ValueError:  # something that is not plain data slipped in: do not cache it
        return False
    length = len(head).to_bytes(4, "little")
    crc = zlib.crc32(length)
    for part in (head, *blobs):
        crc = zlib.crc32(part, crc)
    return write_atomically(path, [_MAGIC + crc.to_bytes(4, "little") + length, head, *blobs])


def write_atomically(path: str, parts: Sequence[bytes]) -> bool:
    """Write ``parts`` to ``path`` through a temporary file renamed over it, so a reader
    never sees half a cache; the folder is made if missing. Any failure (read-only
    directory, full disk) leaves nothing behind and returns False: the caches are only a
    speed-up. Shared by the revision cache and the step cache."""
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "wb") as fh:
            for part in parts:
                fh.write(part)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False
    return True


def now_ns() -> int:
    return time.time_ns()
