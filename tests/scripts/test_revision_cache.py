"""The revision cache: a second command loads the linked graph, and never a stale one.

Every test here primes the cache, changes the directory the way a user or a tool would,
and checks that the next ScriptDirectory sees exactly what the files say.
"""

from __future__ import annotations

import os
import time

import pytest

from mig.scripts import ScriptDirectory, cache
from mig.scripts.cache import CACHE_DIR, CACHE_NAME
from mig.scripts.errors import DuplicateRevision

from ._graph import draw, revision_source

OLD = time.time() - 3600

#     b1 - b2
#    /       \
#  a          m - n        plus a separate base x - y, y depends_on b1 (by label "left")
#    \       /
#     c1 - c2
PICTURE = """
a
b1 <- a [left]
b2 <- b1
c1 <- a [right]
c2 <- c1
m <- b2, c2
n <- m
x [other]
y <- x ~ left
"""


def _age(root) -> None:
    """Back-date the files and their folder so the cache may trust them (cache.RACY_NS)."""
    versions = root / "versions"
    for p in versions.rglob("*.py"):
        os.utime(p, (OLD, OLD))
    (versions / CACHE_DIR).mkdir(exist_ok=True)
    os.utime(versions, (OLD, OLD))


def _prime(root, **kw) -> ScriptDirectory:
    _age(root)
    first = ScriptDirectory(root, **kw)
    first.get_heads()
    assert not first.graph_from_cache
    second = ScriptDirectory(root, **kw)
    second.get_heads()
    assert second.graph_from_cache, "the cache was not used"
    return second


def _everything(sd: ScriptDirectory) -> dict:
    """All a command can ask, as plain data."""
    scripts = list(sd.walk_revisions())
    return {
        "heads": sd.get_heads(),
        "bases": sd.get_bases(),
        "history": [s.cmd_format() for s in scripts],
        "verbose": [s.cmd_format(verbose=True) for s in scripts],
        "links": [
            (
                s.revision,
                s.down_revision,
                s.dependencies,
                sorted(s.nextrev),
                sorted(s._all_nextrev),
                sorted(s.branch_labels),
                s._resolved_dependencies,
                s.is_head,
                s.is_base,
                s.is_branch_point,
                s.is_merge_point,
                s.path,
                s.doc,
                s.longdoc,
            )
            for s in sd.revision_map
        ],
        "upgrade": [(s.revision, sorted(s.heads_after)) for s in sd.plan_upgrade([], "heads")],
        "downgrade": [
            (s.revision, sorted(s.heads_after)) for s in sd.plan_downgrade(["n", "y"], "a")
        ],
        "labels": sd.resolve("left@head") + sd.resolve("other@base") + sd.resolve("b1+1"),
        "range": [s.revision for s in sd.iterate_revisions("n", "b1")],
    }


def test_the_cached_graph_is_the_graph(tmp_path):
    draw(tmp_path, PICTURE)
    fresh = _everything(ScriptDirectory(tmp_path, use_cache=False))
    cached = _prime(tmp_path)
    assert _everything(cached) == fresh
    # and again with every field unpacked in another order
    again = ScriptDirectory(tmp_path)
    assert again.get_revision("y")._resolved_dependencies == ("b1",)
    assert _everything(again) == fresh and again.graph_from_cache


def test_a_warm_command_reads_no_script(tmp_path, monkeypatch):
    draw(tmp_path, PICTURE)
    _prime(tmp_path)
    import mig.scripts.scan as scan

    def no_reading(*args, **kw):
        raise AssertionError("a script file was read")

    monkeypatch.setattr(scan.Listing, "read", no_reading)
    monkeypatch.setattr(scan.Listing, "read_all", no_reading)
    sd = ScriptDirectory(tmp_path)
    assert sd.get_heads() == ["n", "y"]
    assert len([s.cmd_format() for s in sd.walk_revisions()]) == 9
    assert (sd.cache_hits, sd.cache_misses) == (9, 0)


def test_an_added_file_is_seen(tmp_path):
    draw(tmp_path, "a\nb <- a")
    _prime(tmp_path)
    (tmp_path / "versions" / "002_c.py").write_text(revision_source("c", ["b"]))
    sd = ScriptDirectory(tmp_path)
    assert sd.get_heads() == ["c"] and not sd.graph_from_cache
    assert (sd.cache_hits, sd.cache_misses) == (2, 1)  # only the new file was read


def test_a_removed_file_is_seen(tmp_path):
    draw(tmp_path, "a\nb <- a\nc <- b")
    _prime(tmp_path)
    (tmp_path / "versions" / "002_c.py").unlink()
    sd = ScriptDirectory(tmp_path)
    assert sd.get_heads() == ["b"] and not sd.graph_from_cache
    assert sd.cache_misses == 0


def test_a_renamed_file_is_seen(tmp_path):
    draw(tmp_path, "a\nb <- a\nc <- a")
    _prime(tmp_path)
    versions = tmp_path / "versions"
    os.rename(versions / "001_b.py", versions / "009_b.py")  # file order: c now comes first
    sd = ScriptDirectory(tmp_path)
    assert sd.get_heads() == ["c", "b"]
    assert sd.get_revision("b").path.endswith("009_b.py")


def test_an_edit_of_the_same_size_with_the_mtime_put_back_is_seen(tmp_path):
    draw(tmp_path, "a\nb <- a\nc <- b")
    _prime(tmp_path)
    path = tmp_path / "versions" / "002_c.py"
    before = path.stat()
    path.write_text(path.read_text().replace("'c'", "'d'"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    sd = ScriptDirectory(tmp_path)
    assert sd.get_heads() == ["d"]
    assert (sd.cache_hits, sd.cache_misses) == (2, 1)


def test_a_new_mtime_alone_rereads_that_file_only(tmp_path):
    draw(tmp_path, "a\nb <- a\nc <- b")
    _prime(tmp_path)
    os.utime(tmp_path / "versions" / "001_b.py", (OLD + 5, OLD + 5))
    sd = ScriptDirectory(tmp_path)
    assert sd.get_heads() == ["c"] and not sd.graph_from_cache
    assert (sd.cache_hits, sd.cache_misses) == (2, 1)
    again = ScriptDirectory(tmp_path)
    assert again.get_heads() == ["c"] and again.graph_from_cache


def test_files_changed_just_now_are_not_trusted(tmp_path):
    draw(tmp_path, "a\nb <- a")  # just written: inside the racy window
    ScriptDirectory(tmp_path).get_heads()
    again = ScriptDirectory(tmp_path)
    assert again.get_heads() == ["b"]
    assert not again.graph_from_cache and again.cache_hits == 0
    _age(tmp_path)  # once they are old enough, they are cached
    ScriptDirectory(tmp_path).get_heads()
    assert ScriptDirectory(tmp_path).revision_map and ScriptDirectory(tmp_path).get_heads()
    last = ScriptDirectory(tmp_path)
    last.get_heads()
    assert last.graph_from_cache


def test_a_folder_listing_is_reused_only_while_its_stamps_hold(tmp_path, monkeypatch):
    draw(tmp_path, "a\nb <- a")
    _prime(tmp_path)
    listed = []
    import mig.scripts.scan as scan

    real = scan.Listing._list

    def spy(self, handle):
        listed.append(handle)
        return real(self, handle)

    monkeypatch.setattr(scan.Listing, "_list", spy)
    assert ScriptDirectory(tmp_path).get_heads() == ["b"]
    assert listed == []  # the stamps held: the names came from the cache
    (tmp_path / "versions" / "002_c.py").write_text(revision_source("c", ["b"]))
    assert ScriptDirectory(tmp_path).get_heads() == ["c"]
    assert len(listed) == 1


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # one bit flipped in the graph
        lambda data: data[:20] + bytes([data[20] ^ 0x40]) + data[21:],  # ... in the head
        lambda data: b"not a cache at all",
        lambda data: b"",
    ],
)
def test_a_corrupt_cache_is_ignored_and_rebuilt(tmp_path, damage):
    draw(tmp_path, PICTURE)
    expected = _everything(ScriptDirectory(tmp_path, use_cache=False))
    _prime(tmp_path)
    path = tmp_path / "versions" / CACHE_DIR / CACHE_NAME
    path.write_bytes(damage(path.read_bytes()))
    sd = ScriptDirectory(tmp_path)
    assert _everything(sd) == expected and not sd.graph_from_cache
    rebuilt = ScriptDirectory(tmp_path)
    assert _everything(rebuilt) == expected and rebuilt.graph_from_cache


def test_a_cache_made_with_other_settings_is_not_used(tmp_path):
    draw(tmp_path, "a\nb <- a")
    (tmp_path / "versions" / "sub").mkdir()
    (tmp_path / "versions" / "sub" / "c.py").write_text(revision_source("c", ["b"]))
    _prime(tmp_path)
    deep = ScriptDirectory(tmp_path, recursive_version_locations=True)
    assert deep.get_heads() == ["c"] and not deep.graph_from_cache
    assert ScriptDirectory(tmp_path).get_heads() == ["b"]


def test_recursive_locations_are_cached_and_watched(tmp_path):
    draw(tmp_path, "a\nb <- a")
    sub = tmp_path / "versions" / "sub"
    sub.mkdir()
    (sub / "c.py").write_text(revision_source("c", ["b"]))
    os.utime(sub, (OLD, OLD))
    _prime(tmp_path, recursive_version_locations=True)
    (sub / "d.py").write_text(revision_source("d", ["c"]))
    sd = ScriptDirectory(tmp_path, recursive_version_locations=True)
    assert sd.get_heads() == ["d"]
    assert sd.get_revision("d").path.endswith(os.path.join("sub", "d.py"))


def test_a_folder_named_like_a_script_is_skipped_and_cached(tmp_path):
    draw(tmp_path, "a\nb <- a")
    (tmp_path / "versions" / "zz.py").mkdir()
    _prime(tmp_path)
    assert ScriptDirectory(tmp_path).get_heads() == ["b"]


def test_read_only_directory(tmp_path):
    draw(tmp_path, "a\nb <- a")
    _age(tmp_path)
    (tmp_path / "versions" / CACHE_DIR).rmdir()
    versions = tmp_path / "versions"
    versions.chmod(0o555)
    try:
        if os.access(versions, os.W_OK):  # running as root: make the write fail another way
            (versions / CACHE_DIR).write_text("not a directory")
        for _ in range(2):
            sd = ScriptDirectory(tmp_path)
            assert sd.get_heads() == ["b"] and not sd.graph_from_cache
    finally:
        versions.chmod(0o755)


def test_a_broken_graph_is_reported_again_not_cached(tmp_path):
    draw(tmp_path, "a\nb <- a")
    _prime(tmp_path)
    (tmp_path / "versions" / "002_b2.py").write_text(revision_source("b", ["a"]))
    for _ in range(2):
        with pytest.raises(DuplicateRevision):
            ScriptDirectory(tmp_path).get_heads()
    (tmp_path / "versions" / "002_b2.py").unlink()
    assert ScriptDirectory(tmp_path).get_heads() == ["b"]


def test_longdoc_of_a_cached_map_comes_from_the_file(tmp_path):
    (tmp_path / "versions").mkdir()
    (tmp_path / "versions" / "a.py").write_text(
        revision_source("a", doc="Add users\n\nA longer story.\nOn two lines.")
    )
    _prime(tmp_path)
    script = ScriptDirectory(tmp_path).get_revision("a")
    assert script.doc == "Add users"
    assert script.longdoc.startswith("Add users\n\nA longer story.\nOn two lines.")


def test_the_cache_key_and_format(tmp_path):
    draw(tmp_path, "a")
    _prime(tmp_path)
    data = (tmp_path / "versions" / CACHE_DIR / CACHE_NAME).read_bytes()
    assert data.startswith(b"migrevs\n")
    key = ScriptDirectory(tmp_path)._cache_key([str(tmp_path / "versions")])
    assert cache.load(str(tmp_path / "versions" / CACHE_DIR / CACHE_NAME), key) is not None
    assert cache.load(str(tmp_path / "versions" / CACHE_DIR / CACHE_NAME), (0,)) is None


def test_directory_defaults_are_the_settings_defaults():
    """directory.py repeats two defaults so that listing does not import the settings."""
    from mig.scripts import directory, settings

    assert directory.DEFAULT_FILE_TEMPLATE == settings.DEFAULT_FILE_TEMPLATE
    assert directory.DEFAULT_TRUNCATE_SLUG_LENGTH == settings.DEFAULT_TRUNCATE_SLUG_LENGTH


def test_listing_imports_neither_mako_nor_the_settings(tmp_path):
    import subprocess
    import sys

    draw(tmp_path, "a\nb <- a")
    code = (
        "import sys\nfrom mig.scripts import ScriptDirectory\n"
        f"sd = ScriptDirectory({str(tmp_path)!r})\n"
        "print([s.cmd_format() for s in sd.walk_revisions()])\n"
        "print(sorted(m for m in ('mako', 'mig.scripts.settings', 'mig.scripts.hooks',"
        " 'mig.scripts.templates') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "[]"


def test_the_whole_docstring_after_another_file_changed(tmp_path):
    """A map rebuilt because one file changed still gives the unchanged files' whole
    docstring (``history -v``, ``show``), not only the first paragraph the cache keeps."""
    draw(tmp_path, "a\nb <- a")
    _prime(tmp_path)
    (tmp_path / "versions" / "002_c.py").write_text(revision_source("c", ["b"]))
    sd = ScriptDirectory(tmp_path)
    assert not sd.graph_from_cache
    assert sd.get_revision("a").longdoc == "revision a\n\nRevision ID: a"
    assert sd.get_revision("c").longdoc == "revision c\n\nRevision ID: c"
