"""Finding the revision files of the version locations, stating and reading them fast.

A command on a large history is dominated by per-file system calls, so this module keeps
them to the minimum: per folder one ``fstat`` (and a listing only when the folder changed),
then either one ``stat`` per file (to check the cache) or one ``open`` + ``fstat`` + ``read``
(to read a file whose header is not cached). Paths are resolved relative to an open
directory descriptor where the platform allows it, so the kernel does not walk the whole
path again for each file.

Why a folder's listing may be reused without reading the folder: adding, removing or
renaming an entry updates the folder's mtime and ctime (POSIX), so a folder whose stamps
are those recorded, at a time when they were already old enough not to be "racy" (see
:mod:`mig.scripts.cache`), still holds the names recorded then. The files themselves are
always stated: editing a file in place does not touch its folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

from mig.scripts.errors import ScriptError

CACHE_DIR = "__pycache__"

#: open files relative to a directory descriptor (POSIX); elsewhere, by full path
_BY_FD = (
    os.open in os.supports_dir_fd
    and os.stat in os.supports_dir_fd
    and os.scandir in os.supports_fd
    and hasattr(os, "O_DIRECTORY")
)
_O_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_IS_DIR = 0o040000
_FORMAT_BITS = 0o170000

#: the identity of one file as the cache sees it: (location index, path relative to the
#: location, size, mtime_ns, ctime_ns); ctime changes on any write or utime, so an edit
#: that restores size and mtime is seen too
FileKey = tuple[int, str, int, int, int]

#: what is known of one folder: (location index, path relative to the location with a
#: trailing separator or "", mtime_ns, ctime_ns, script names in order, subfolder names in order);
#: a location that does not exist has mtime_ns = ctime_ns = -1 and no names
Folder = tuple[int, str, int, int, tuple[str, ...], tuple[str, ...]]


def is_script_name(name: str, sourceless: bool) -> bool:
    if name.startswith((".", "#", "__init__.")):
        return False
    if name.endswith(".py"):
        return True
    return sourceless and name.endswith((".pyc", ".pyo"))


class Listing:
    """The revision files of some version locations, in file order (by name within a
    folder, a folder's files before its subfolders). Use as a context manager: it holds
    the folders open until closed.

    ``known`` maps (location index, relative folder) to what a cache recorded of a folder
    whose stamps were trusted: if the folder's stamps are unchanged, its names are taken
    from there instead of listing it again.

    A name that looks like a script but is a folder is listed too (telling costs a call per
    file); :meth:`read` reports it and the directory skips it.
    """

    def __init__(
        self,
        locations: Sequence[str],
        recursive: bool,
        sourceless: bool,
        known: dict[tuple[int, str], Folder] | None = None,
    ) -> None:
        self.locations = tuple(locations)
        #: each location with a separator at the end: prefix + relative path = its path
        self.prefixes = tuple(os.path.join(loc, "") for loc in locations)
        self.recursive, self.sourceless = recursive, sourceless
        self._known = known or {}
        #: per folder, in order: what was found (see :data:`Folder`)
        self.folders: list[Folder] = []
        #: the folder handles, in the order of :attr:`folders`
        self.handles: list[int | str | None] = []
        #: how many folders were listed (not taken from ``known``)
        self.listed = 0
        self._files: list[tuple[int, str, int | str, str]] | None = None
        self._fds: list[int] = []
        try:
            for index, location in enumerate(self.locations):
                self._walk(index, location)
        except BaseException:
            self.close()
            raise

    def _open_dir(self, path: str) -> tuple[int | str, os.stat_result] | None:
        """The folder's handle and stamps (taken *before* it is listed: an entry added
        after that changes them again, so it is seen next time)."""
        if not _BY_FD:
            try:
                st = os.stat(path)
            except FileNotFoundError:
                return None
            handle: int | str = path
        else:
            try:
                fd = os.open(path, _O_FLAGS | os.O_DIRECTORY)
            except FileNotFoundError:
                return None
            except NotADirectoryError:
                fd = -1
            else:
                self._fds.append(fd)
                st = os.fstat(fd)
            handle = fd
        if handle == -1 or st.st_mode & _FORMAT_BITS != _IS_DIR:
            raise ScriptError(
                f"version location {path} is not a directory; fix script_location or "
                f"version_locations"
            )
        return handle, st

    def _walk(self, index: int, location: str) -> None:
        pending = [("", location)]
        while pending:
            rel, path = pending.pop(0)
            opened = self._open_dir(path)
            if opened is None:
                self.folders.append((index, rel, -1, -1, (), ()))
                self.handles.append(None)
                continue
            handle, st = opened
            stamp = (st.st_mtime_ns, st.st_ctime_ns)
            known = self._known.get((index, rel))
            if known is not None and (known[2], known[3]) == stamp:
                names, subdirs = known[4], known[5]
            else:
                names, subdirs = self._list(handle)
                self.listed += 1
            self.folders.append((index, rel, stamp[0], stamp[1], names, subdirs))
            self.handles.append(handle)
            pending[0:0] = [(f"{rel}{d}{os.sep}", os.path.join(path, d)) for d in subdirs]

    def _list(self, handle: int | str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        sourceless = self.sourceless
        subdirs: list[str] = []
        if self.recursive:
            names = []
            with os.scandir(handle) as entries:
                for entry in entries:
                    name = entry.name
                    if entry.is_dir():
                        if name != CACHE_DIR and not name.startswith("."):
                            subdirs.append(name)
                    elif is_script_name(name, sourceless):
                        names.append(name)
        elif sourceless:
            names = [n for n in os.listdir(handle) if is_script_name(n, True)]
        else:  # the usual case, kept lean: thousands of names pass through here
            names = [
                n
                for n in os.listdir(handle)
                if n.endswith(".py") and n[0] not in ".#" and not n.startswith("__init__.")
            ]
        names.sort()
        if sourceless:
            present = set(names)
            names = [n for n in names if not (n.endswith((".pyc", ".pyo")) and n[:-1] in present)]
        subdirs.sort()
        return tuple(names), tuple(subdirs)

    @property
    def files(self) -> list[tuple[int, str, int | str, str]]:
        """Per file, in file order: (location index, relative path, folder handle, name)."""
        if self._files is None:
            self._files = [
                (folder[0], folder[1] + name, handle, name)  # type: ignore[misc]
                for folder, handle in zip(self.folders, self.handles, strict=True)
                for name in folder[4]
            ]
        return self._files

    def close(self) -> None:
        for fd in self._fds:
            os.close(fd)
        self._fds.clear()

    def __enter__(self) -> Listing:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def stat_all(self) -> list[int]:
        """One ``stat`` per file, flat: ``[size, mtime_ns, ctime_ns, ...]`` in file order,
        the form the cache compares (see :func:`mig.scripts.cache.pack_stats`)."""
        out: list[int] = []
        extend = out.extend
        stat = os.stat
        for folder, handle in zip(self.folders, self.handles, strict=True):
            if _BY_FD:
                for name in folder[4]:
                    st = stat(name, dir_fd=handle)  # type: ignore[arg-type]
                    extend((st.st_size, st.st_mtime_ns, st.st_ctime_ns))
            else:
                for name in folder[4]:
                    st = stat(os.path.join(handle, name))  # type: ignore[arg-type]
                    extend((st.st_size, st.st_mtime_ns, st.st_ctime_ns))
        return out

    def key(self, i: int) -> FileKey:
        """The key of file ``i`` from a fresh ``stat``."""
        index, rel, folder, name = self.files[i]
        if _BY_FD:
            st = os.stat(name, dir_fd=folder)  # type: ignore[arg-type]
        else:
            st = os.stat(os.path.join(folder, name))  # type: ignore[arg-type]
        return (index, rel, st.st_size, st.st_mtime_ns, st.st_ctime_ns)

    def path(self, i: int) -> str:
        """The path of file ``i`` as Scripts report it (its location joined with it)."""
        index, rel = self.files[i][:2]
        return self.prefixes[index] + rel

    def read_all(self) -> Iterator[tuple[bytes | None, FileKey, bool]]:
        """:meth:`read` for every file in turn, in one tight loop (a cold scan)."""
        if not _BY_FD:
            yield from (self.read(i) for i in range(len(self.files)))
            return
        open_, fstat, read, close = os.open, os.fstat, os.read, os.close
        for i, (index, rel, folder, name) in enumerate(self.files):
            fd = open_(name, _O_FLAGS, dir_fd=folder)  # type: ignore[arg-type]
            try:
                st = fstat(fd)
                size = st.st_size
                if st.st_mode & _FORMAT_BITS == _IS_DIR:
                    yield None, (index, rel, size, st.st_mtime_ns, st.st_ctime_ns), True
                    continue
                data = read(fd, size + 1)
            finally:
                close(fd)
            if len(data) != size:
                yield self.read(i)  # changed under us: the careful way
            else:
                yield data, (index, rel, size, st.st_mtime_ns, st.st_ctime_ns), True

    def read(self, i: int) -> tuple[bytes | None, FileKey, bool]:
        """The bytes of file ``i`` (None for a folder), its key from ``fstat`` of the same
        open file (taken before reading: a later edit changes it again), and whether the
        two agree (a file that changed while it was read is not trusted for the cache)."""
        index, rel, folder, name = self.files[i]
        if _BY_FD:
            fd = os.open(name, _O_FLAGS, dir_fd=folder)  # type: ignore[arg-type]
        else:
            try:
                fd = os.open(os.path.join(folder, name), _O_FLAGS)  # type: ignore[arg-type]
            except (IsADirectoryError, PermissionError):
                if not os.path.isdir(os.path.join(folder, name)):  # type: ignore[arg-type]
                    raise
                return None, self.key(i), True
        try:
            st = os.fstat(fd)
            size = st.st_size
            key = (index, rel, size, st.st_mtime_ns, st.st_ctime_ns)
            if st.st_mode & _FORMAT_BITS == _IS_DIR:  # a folder named like a script
                return None, key, True
            data = os.read(fd, size + 1)
            if len(data) != size:  # grew or shrank under us, or a short read
                chunks = [data]
                while chunk := os.read(fd, 1 << 20):
                    chunks.append(chunk)
                data = b"".join(chunks)
        finally:
            os.close(fd)
        return data, key, len(data) == size
