"""The revision graph: revisions linked by down_revision and depends_on.

A revision's parents are its ``down_revision`` (none for a base, several for a merge) and
its ``depends_on`` entries. Both kinds order the revisions (a parent is applied first); only
``down_revision`` shapes branches, heads and labels, as in Alembic:

* a *head* is a revision no other revision names as down_revision (``get_heads()``);
* a branch label declared on a revision applies to it and every descendant;
* the rows of the version table are the revisions applied that no other applied revision
  has as a parent of either kind (see :mod:`mig.scripts.plan`).

The map is built and fully validated at once: duplicate ids, unknown down revisions or
dependencies, label clashes and cycles are reported with the files involved.

Why it is plain dictionaries of tuples keyed by revision id, and not a web of objects: a
command on a 10,000-revision directory should cost little more than reading the cache, so
the whole linked graph is saved as data (:meth:`RevisionMap.snapshot`) and loaded back with
``marshal`` (:meth:`RevisionMap.from_snapshot`), a group of fields at a time, when a command
first uses one. :class:`Script` objects are views made on demand, only for the revisions a
command looks at. The walks over the links (ancestors, upgrade and history orders, cycle
reports) are in :mod:`mig.scripts.walk`.
"""

from __future__ import annotations

import bisect
import gc
import marshal
import os
import re
from collections.abc import Iterable, Iterator, Sequence

from mig.scripts.errors import (
    AmbiguousRevision,
    BranchLabelError,
    DuplicateRevision,
    MissingDependency,
    MissingDownRevision,
    UnknownRevision,
)
from mig.scripts.revision import Script, as_written
from mig.scripts.walk import Walks

_EMPTY: frozenset[str] = frozenset()
_PARAGRAPH_END = re.compile(r"\n\s*\n")

#: one record per revision file, in file order: the header values and where the file is
Record = tuple  # ((revision, down_revision, branch_labels, depends_on, docstring), (loc, rel))

#: the attributes a snapshot holds, in groups (bump cache.FORMAT when this changes). Each
#: group is packed on its own and unpacked when one of its fields is first used: ``heads``
#: needs one small group, a history walk the first, whose fields share their id strings.
_SNAPSHOT = (
    ("heads",),
    ("_downs", "_doc", "_full_order", "_branch_points", "_branch"),
    ("_parents",),
    ("_resolved", "_declared", "_written_deps", "_labels", "bases", "_real_heads"),
    ("_files",),
)
_SNAPSHOT_INDEX = {name: i for i, group in enumerate(_SNAPSHOT) for name in group}
SNAPSHOT_FIELDS = len(_SNAPSHOT)
#: fields that are often the very same data as another: stored as None, shared when loaded
_ALIASES = {"_parents": "_downs"}


def _invert(links: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Parent -> children (in file order) from child -> parents."""
    out: dict[str, list[str]] = {rev: [] for rev in links}
    for rev, parents in links.items():
        for parent in parents:
            out[parent].append(rev)
    return {rev: tuple(kids) for rev, kids in out.items()}


#: fields a loaded snapshot derives from others when first asked for, instead of storing
#: them: each costs a pass over the revisions, which only some commands need
_DERIVED = {
    "_order": lambda m: {rev: i for i, rev in enumerate(m._doc)},
    "_children": lambda m: _invert(m._downs),
    "_all_children": lambda m: m._children if m._parents is m._downs else _invert(m._parents),
    "_files": lambda m: [(f[0], f[1] + name) for f in m._folders for name in f[4]],
    "_longdoc": lambda m: {},  # not cached: read from the file on demand (Script.longdoc)
    "_head_set": lambda m: frozenset(m.heads),
    "_branch_point_set": lambda m: frozenset(m._branch_points),
    #: revisions whose history line carries a mark besides "mergepoint"
    "_marked": lambda m: m._head_set | m._branch_point_set,
}


def first_paragraph(doc: str) -> str:
    """What ``history`` shows of a docstring: up to the first blank line."""
    if "\n" not in doc:
        return doc
    end = _PARAGRAPH_END.search(doc)
    return doc[: end.start()] if end else doc


class RevisionMap(Walks):
    """All revisions of a script directory, indexed and linked.

    ``RevisionMap(scripts)`` links :class:`Script` objects made from headers (the public
    way); a script directory uses :meth:`build` (records straight from the file scan) or
    :meth:`from_snapshot` (the cache).
    """

    def __init__(self, scripts: Iterable[Script] = (), locations: Sequence[str] = ()) -> None:
        scripts = list(scripts)
        records = [(s._header[:5], (-1, s._header_path)) for s in scripts]
        self._setup(locations)
        self._build(records)
        for s in scripts:  # the given objects become this map's scripts
            s._map = self
            self._scripts[s.revision] = s

    def _setup(self, locations: Sequence[str]) -> None:
        self._locations = tuple(locations)
        self._scripts: dict[str, Script] = {}
        self._sorted_ids: list[str] | None = None
        self._blobs: Sequence[bytes | memoryview] | None = None
        #: the folders listed (scan.Folder), where a snapshot's ``_files`` come from
        self._folders: Sequence[tuple] = ()

    @classmethod
    def build(cls, records: Sequence[Record], locations: Sequence[str]) -> RevisionMap:
        """Link and validate the revisions of a directory scan: one record per file, the
        header values and (location index, path relative to the location)."""
        self = cls.__new__(cls)
        self._setup(locations)
        self._build(records)
        return self

    def snapshot(self, folders: Sequence[tuple] = ()) -> list[bytes]:
        """The whole linked graph as data for the cache: one marshal blob per group.

        A field that is the same object as another (the links, without depends_on) is
        stored as None; ``_files`` too when it is just the script files of ``folders`` (as
        :class:`~mig.scripts.scan.Listing` lists them) in order."""
        self._folders = folders
        listed = _DERIVED["_files"](self) if folders else None
        blobs = []
        for group in _SNAPSHOT:
            values = []
            for name in group:
                value = getattr(self, name)
                same = _ALIASES.get(name)
                if same and value is getattr(self, same):
                    value = None
                elif name == "_files" and value == listed:
                    value = None
                values.append(value)
            blobs.append(marshal.dumps(tuple(values)))
        return blobs

    @classmethod
    def from_snapshot(
        cls,
        blobs: Sequence[bytes | memoryview],
        locations: Sequence[str],
        folders: Sequence[tuple] = (),
    ) -> RevisionMap:
        """The map a :meth:`snapshot` describes, with nothing recomputed; ``folders`` are
        those the snapshot was made with."""
        if len(blobs) != len(_SNAPSHOT):
            raise ValueError("not a revision map snapshot")
        self = cls.__new__(cls)
        self._setup(locations)
        self._blobs = blobs
        self._folders = folders
        return self

    def __getattr__(self, name: str) -> object:
        # Only called for an attribute not set yet: a field of a snapshot, unpacked now, or
        # one derived from others.
        index = _SNAPSHOT_INDEX.get(name)
        blobs = self.__dict__.get("_blobs")
        if index is not None and blobs is not None:
            was_enabled = gc.isenabled()
            gc.disable()  # thousands of new containers, none of them garbage
            try:
                values = marshal.loads(blobs[index])
            finally:
                if was_enabled:
                    gc.enable()
            for field, value in zip(_SNAPSHOT[index], values, strict=True):
                if value is None and field in _ALIASES:
                    value = getattr(self, _ALIASES[field])
                elif value is None and field in _DERIVED:
                    value = _DERIVED[field](self)
                setattr(self, field, value)
            return getattr(self, name)
        if name in _DERIVED and "_blobs" in self.__dict__:
            value = _DERIVED[name](self)
            setattr(self, name, value)
            return value
        raise AttributeError(name)

    @staticmethod
    def headers_of_snapshot(
        blobs: Sequence[bytes | memoryview], folders: Sequence[tuple]
    ) -> dict[tuple[int, str], tuple]:
        """(location index, relative path) -> the header of that revision file, for every
        revision of a snapshot (to reuse those of the files that did not change when others
        did)."""
        rmap = RevisionMap.from_snapshot(blobs, (), folders)
        downs, declared, deps, doc = (
            rmap._downs,
            rmap._declared,
            rmap._written_deps,
            rmap._doc,
        )
        # (the docstring's first paragraph stands for the docstring: it is all the graph
        # keeps of it, and the whole text is read from the file when asked for)
        return {
            tuple(place): (
                rev,
                as_written(downs[rev]),
                declared.get(rev, ()),
                deps.get(rev, ()),
                short,
            )
            for (rev, short), place in zip(doc.items(), rmap._files, strict=True)
        }

    # --- building ------------------------------------------------------------------------

    def _build(self, records: Sequence[Record]) -> None:
        #: per revision in file order: (location index, path relative to it)
        self._files = [place for _, place in records]
        order: dict[str, int] = {}
        downs: dict[str, tuple[str, ...]] = {}
        declared: dict[str, tuple[str, ...]] = {}
        written_deps: dict[str, tuple[str, ...]] = {}
        #: the first paragraph of each docstring (what ``history`` shows), and the whole
        #: docstring where it is longer (not cached: a loaded map reads it from the file)
        doc: dict[str, str] = {}
        longdoc: dict[str, str] = {}
        self._order = order  # for error messages while building
        # Every mention of a revision id is made the same string object: the cache then
        # stores each id once per field, and loads it once.
        same: dict[str, str] = {}
        one = same.setdefault
        for i, ((rev, down, labels, deps, docstring), place) in enumerate(records):
            rev = one(rev, rev)
            if rev in order:
                raise DuplicateRevision(rev, [self._path(rev), self._place_path(place)])
            order[rev] = i
            if down is None:
                downs[rev] = ()
            elif type(down) is str:
                downs[rev] = (one(down, down),)
            else:
                downs[rev] = tuple(one(d, d) for d in down)
            if labels:
                declared[rev] = tuple(labels)
            if deps:
                written_deps[rev] = tuple(deps)
            whole = docstring.strip()
            doc[rev] = short = first_paragraph(whole)
            if short != whole:
                longdoc[rev] = whole
        self._downs, self._declared, self._written_deps = downs, declared, written_deps
        self._doc, self._longdoc = doc, longdoc
        self._link_labels()
        children: dict[str, list[str]] = {rev: [] for rev in order}
        for rev, parents in downs.items():
            for down in parents:
                kids = children.get(down)
                if kids is None:
                    raise MissingDownRevision(rev, down, self._path(rev))
                kids.append(rev)
        self._children = children
        self._resolved: dict[str, tuple[str, ...]] = {}
        if not written_deps:  # the usual case: depends_on is not used at all
            self._parents, self._all_children = downs, children
        else:
            self._link_dependencies(children)
        heads, branch_points = [], []
        for rev, kids in children.items():
            if not kids:
                heads.append(rev)
            elif len(kids) > 1:
                branch_points.append(rev)
        self.heads: tuple[str, ...] = tuple(heads)
        self._branch_points = tuple(branch_points)
        self.bases: tuple[str, ...] = tuple(r for r, d in downs.items() if not d)
        #: heads counting depends_on too: what the version table holds after ``upgrade heads``
        self._real_heads: tuple[str, ...] = (
            self.heads
            if self._all_children is children
            else tuple(r for r, k in self._all_children.items() if not k)
        )
        #: everything in upgrade order (a history walk and ``upgrade heads`` from nothing)
        self._full_order: tuple[str, ...] = tuple(self._order_from(order, check=True))
        self._branch: dict[str, frozenset[str]] = {}
        self._propagate_labels()

    def _link_dependencies(self, children: dict[str, list[str]]) -> None:
        """Resolve every depends_on (id, prefix or label) and add those links."""
        downs = self._downs
        parents_of = dict(downs)
        all_children = {rev: list(kids) for rev, kids in children.items()}
        for rev, deps in self._written_deps.items():
            targets = []
            for dep in deps:
                target = self._resolve_dependency(dep)
                if target is None:
                    raise MissingDependency(rev, dep, self._path(rev))
                targets.append(target)
            found = tuple(dict.fromkeys(targets))
            self._resolved[rev] = found
            parents_of[rev] = tuple(dict.fromkeys(downs[rev] + found))
            for target in found:
                if rev not in all_children[target]:  # down_revision and depends_on alike
                    all_children[target].append(rev)
        self._parents = parents_of
        self._all_children = all_children

    def _link_labels(self) -> None:
        self._labels: dict[str, str] = {}
        for rev, labels in self._declared.items():
            for label in labels:
                if label in self._order:
                    raise BranchLabelError(
                        f"{self._path(rev)}: branch label {label!r} of revision {rev!r} is "
                        f"also a revision id; choose another label",
                        label,
                    )
                owner = self._labels.get(label)
                if owner is not None:
                    raise BranchLabelError(
                        f"{self._path(rev)}: branch label {label!r} of revision {rev!r} is "
                        f"already used by revision {owner!r} ({self._path(owner)}); choose "
                        f"another label",
                        label,
                    )
                self._labels[label] = rev

    def _resolve_dependency(self, name: str) -> str | None:
        if name in self._order:
            return name
        if name in self._labels:
            return self._labels[name]
        matches = self._prefix_matches(name)
        return matches[0] if len(matches) == 1 else None

    def _propagate_labels(self) -> None:
        branch: dict[str, set[str]] = {}
        for label, owner in self._labels.items():
            for rev in self._descendants([owner], include_dependencies=False):
                branch.setdefault(rev, set()).add(label)
        self._branch = {rev: frozenset(labels) for rev, labels in branch.items()}

    # --- lookups -------------------------------------------------------------------------

    # (_downs rather than _order: a history walk needs _downs anyway, so a cached map does
    # not unpack _order just to answer these)
    def __contains__(self, rev: str) -> bool:
        return rev in self._downs

    def __len__(self) -> int:
        return len(self._downs)

    def __iter__(self) -> Iterator[Script]:
        """Every revision's Script, in file order."""
        return self.scripts_for(self._downs)  # (its keys are in file order)

    @property
    def branch_labels(self) -> dict[str, str]:
        """label -> the revision that declares it."""
        return dict(self._labels)

    def label_owner(self, label: str) -> Script | None:
        owner = self._labels.get(label)
        return None if owner is None else self.script(owner)

    def script(self, rev: str) -> Script:
        """The script with exactly this id (made on first use, then always the same one)."""
        script = self._scripts.get(rev)
        if script is None:
            if rev not in self._downs:
                raise KeyError(rev)
            script = self._scripts[rev] = Script._of(self, rev)
        return script

    @property
    def real_heads(self) -> tuple[str, ...]:
        """The heads counting ``depends_on`` too (no revision names them as a parent of
        either kind): what the version table holds after ``upgrade heads``, in file order."""
        return self._real_heads

    def scripts_for(self, revs: Iterable[str]) -> Iterator[Script]:
        """The scripts of ``revs`` (known ids), made on first use: :meth:`script` for many."""
        scripts = self._scripts
        make = Script.__new__
        for rev in revs:
            script = scripts.get(rev)
            if script is None:
                script = scripts[rev] = make(Script)
                script.revision = rev
                script._map = self
                script._module = None
            yield script

    _scripts_for = scripts_for  # (the name the other modules of mig.scripts use)

    def _path(self, rev: str) -> str:
        return self._place_path(self._files[self._order[rev]])

    def _place_path(self, place: tuple) -> str:
        loc, rel = place[0], place[1]
        return rel if loc < 0 else os.path.join(self._locations[loc], rel)

    def lookup(self, ident: str, branch: str | None = None) -> Script:
        """One revision by exact id, branch label or unique id prefix.

        With ``branch``, a prefix that is ambiguous overall but unique among the branch's
        revisions resolves to that one.
        """
        if ident in self._downs:
            return self.script(ident)
        owner = self._labels.get(ident)
        if owner is not None:
            return self.script(owner)
        matches = self._prefix_matches(ident)
        if len(matches) > 1 and branch is not None:
            on_branch = [m for m in matches if branch in self._branch.get(m, _EMPTY)]
            if len(on_branch) == 1:
                matches = on_branch
        if len(matches) == 1:
            return self.script(matches[0])
        if matches:
            raise AmbiguousRevision(ident, matches)
        raise UnknownRevision(ident)

    def _prefix_matches(self, prefix: str) -> list[str]:
        if self._sorted_ids is None:
            self._sorted_ids = sorted(self._downs)
        ids = self._sorted_ids
        i = bisect.bisect_left(ids, prefix)
        out = []
        while i < len(ids) and ids[i].startswith(prefix):
            out.append(ids[i])
            i += 1
        return out
