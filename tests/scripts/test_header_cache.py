"""Static header reading, the import fallback, and the on-disk header cache."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from mig.scripts import ScriptDirectory
from mig.scripts.cache import CACHE_DIR, CACHE_NAME
from mig.scripts.header import read_header

from ._graph import draw, revision_source

OLD = time.time() - 3600


def _age(versions: Path) -> None:
    """Back-date the files so the cache may trust them (see cache.RACY_NS)."""
    for p in versions.glob("*.py"):
        os.utime(p, (OLD, OLD))


def test_annotated_multiline_header_read_statically(tmp_path):
    p = tmp_path / "r.py"
    p.write_text(
        '"""Add things\n\nlonger text\n"""\n'
        "from collections.abc import Sequence\n"
        "revision: str = 'r1'\n"
        "down_revision: str | Sequence[str] | None = (\n    'a',\n    'b',\n)\n"
        "branch_labels = ['x']  # comment\n"
        "depends_on = None\n"
        "def upgrade():\n    revision = 'not this'\n"
    )
    h = read_header(p)
    assert (h.revision, h.down_revision, h.branch_labels, h.depends_on) == (
        "r1", ("a", "b"), ("x",), (),
    )  # fmt: skip
    assert h.docstring.startswith("Add things") and not h.imported


def test_computed_header_falls_back_to_import(tmp_path):
    p = tmp_path / "r.py"
    p.write_text('PREFIX = "ab"\nrevision = PREFIX + "cd"\ndown_revision = None\n')
    h = read_header(p)
    assert h.revision == "abcd" and h.imported


def test_header_assigned_in_a_block_is_imported(tmp_path):
    p = tmp_path / "r.py"
    p.write_text('revision = "a"\nif True:\n    revision = "b"\n')
    assert read_header(p).revision == "b"


def test_cache_is_written_and_then_served(tmp_path):
    draw(tmp_path, "a\nb <- a\nc <- b")
    _age(tmp_path / "versions")
    first = ScriptDirectory(tmp_path)
    assert first.get_heads() == ["c"]
    assert (first.cache_hits, first.cache_misses) == (0, 3)
    assert (tmp_path / "versions" / CACHE_DIR / CACHE_NAME).exists()
    second = ScriptDirectory(tmp_path)
    assert second.get_heads() == ["c"]
    assert (second.cache_hits, second.cache_misses) == (3, 0)


def test_cache_never_serves_a_stale_header(tmp_path):
    draw(tmp_path, "a\nb <- a\nc <- b")
    versions = tmp_path / "versions"
    _age(versions)
    ScriptDirectory(tmp_path).get_heads()
    # same size, new mtime: the edit must be seen
    path = versions / "002_c.py"
    path.write_text(path.read_text().replace("'c'", "'d'"))
    os.utime(path, (OLD + 10, OLD + 10))
    sd = ScriptDirectory(tmp_path)
    assert sd.get_heads() == ["d"]
    assert sd.cache_misses == 1
    # a removed file disappears from the graph and from the cache
    path.unlink()
    assert ScriptDirectory(tmp_path).get_heads() == ["b"]


def test_recent_files_are_not_cached(tmp_path):
    draw(tmp_path, "a\nb <- a")  # just written: within the racy window
    ScriptDirectory(tmp_path).get_heads()
    again = ScriptDirectory(tmp_path)
    again.get_heads()
    assert again.cache_hits == 0


def test_read_only_directory_still_works(tmp_path):
    draw(tmp_path, "a\nb <- a")
    versions = tmp_path / "versions"
    _age(versions)
    versions.chmod(0o555)
    try:
        if os.access(versions, os.W_OK):  # running as root: make the write fail another way
            (versions / CACHE_DIR).write_text("not a directory")
        assert ScriptDirectory(tmp_path).get_heads() == ["b"]
        assert ScriptDirectory(tmp_path).get_heads() == ["b"]
    finally:
        versions.chmod(0o755)


def test_corrupt_cache_is_ignored(tmp_path):
    draw(tmp_path, "a\nb <- a")
    _age(tmp_path / "versions")
    (tmp_path / "versions" / CACHE_DIR).mkdir()
    (tmp_path / "versions" / CACHE_DIR / CACHE_NAME).write_text("{not json")
    sd = ScriptDirectory(tmp_path)
    assert sd.get_heads() == ["b"] and sd.cache_misses == 2
    assert ScriptDirectory(tmp_path).cache_hits == 0  # not scanned yet
    again = ScriptDirectory(tmp_path)
    again.get_heads()
    assert again.cache_hits == 2


def test_imported_headers_are_not_cached(tmp_path):
    (tmp_path / "versions").mkdir()
    path = tmp_path / "versions" / "a.py"
    path.write_text('revision = "a" if True else "b"\n')
    os.utime(path, (OLD, OLD))
    ScriptDirectory(tmp_path).get_heads()
    sd = ScriptDirectory(tmp_path)
    assert sd.get_heads() == ["a"] and sd.cache_hits == 0


def test_version_locations_recursive_and_sourceless(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    (one / "sub").mkdir(parents=True)
    two.mkdir()
    (one / "a.py").write_text(revision_source("a"))
    (one / "sub" / "b.py").write_text(revision_source("b", ["a"]))
    (two / "c.py").write_text(revision_source("c", ["b"]))
    flat = ScriptDirectory(tmp_path, version_locations=[one, two], use_cache=False)
    with pytest.raises(Exception, match="'b'"):
        flat.get_heads()
    deep = ScriptDirectory(
        tmp_path, version_locations=[one, two], recursive_version_locations=True, use_cache=False
    )
    assert deep.get_heads() == ["c"]
    # sourceless: a .pyc without its .py counts only when configured
    import py_compile

    py_compile.compile(str(two / "c.py"), cfile=str(two / "c.pyc"))
    (two / "c.py").unlink()
    assert ScriptDirectory(
        tmp_path, version_locations=[one, two], recursive_version_locations=True, use_cache=False
    ).get_heads() == ["b"]
    sourceless = ScriptDirectory(
        tmp_path,
        version_locations=[one, two],
        recursive_version_locations=True,
        sourceless=True,
        use_cache=False,
    )
    assert sourceless.get_heads() == ["c"]
    assert sourceless.get_revision("c").path.endswith("c.pyc")
