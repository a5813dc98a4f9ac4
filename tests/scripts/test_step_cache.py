"""The step cache (mig.scripts.step_cache): compiled scripts and their sha256 across runs.

Every test checks what a run gets (the code that runs, the checksum recorded) after the
file changed in the ways that defeat a weaker cache: an edit that keeps the size and puts
the mtime back, an edit within the racy window, a corrupt or foreign cache file.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import marshal
import os
import sys
import time
from pathlib import Path

import pytest

from mig.scripts import step_cache
from mig.scripts.errors import ScriptParseError
from mig.scripts.header import import_file, load_module

HOUR_AGO = time.time() - 3600


def _script(path: Path, value: int, *, age: float | None = HOUR_AGO) -> Path:
    path.write_text(f"VALUE = {value}\n\ndef upgrade():\n    return VALUE\n")
    if age is not None:
        os.utime(path, (age, age))
    return path


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    step_cache.forget()
    yield tmp_path
    step_cache.forget()


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the step cache compiles (reads from source), in order."""
    seen: list[str] = []

    def counting(source, filename, *args, **kw):
        seen.append(os.path.basename(filename))
        return compile(source, filename, *args, **kw)

    monkeypatch.setattr(step_cache, "compile", counting, raising=False)
    return seen


def _new_process() -> None:
    """What a second `mig upgrade` starts from: the file on disk, nothing in memory."""
    step_cache.forget()


def test_a_second_run_takes_the_code_from_the_cache(folder: Path, compiles: list[str]) -> None:
    a, b = _script(folder / "a.py", 1), _script(folder / "b.py", 2)
    assert [import_file(a).upgrade(), import_file(b).upgrade()] == [1, 2]
    step_cache.flush_all()
    cache_file = folder / "__pycache__" / f"mig-steps.{sys.implementation.cache_tag}.cache"
    assert cache_file.is_file()
    _new_process()
    assert [import_file(a).upgrade(), import_file(b).upgrade()] == [1, 2]
    assert compiles == ["a.py", "b.py"]  # only the first run compiled


def test_an_edit_that_keeps_size_and_mtime_is_seen(folder: Path, compiles: list[str]) -> None:
    a = _script(folder / "a.py", 1)
    assert import_file(a).upgrade() == 1
    step_cache.flush_all()
    _new_process()
    _script(a, 7)  # same size, mtime put back to the same value: only ctime differs
    assert import_file(a).upgrade() == 7
    assert step_cache.checksum_of(a) == "sha256:" + hashlib.sha256(a.read_bytes()).hexdigest()
    assert compiles == ["a.py", "a.py"]


def test_an_edit_in_the_same_process_is_seen(folder: Path) -> None:
    a = _script(folder / "a.py", 1, age=None)  # just written: racy
    assert import_file(a).upgrade() == 1
    _script(a, 2, age=None)
    assert import_file(a).upgrade() == 2


def test_a_racy_file_is_not_stored(folder: Path, compiles: list[str]) -> None:
    fresh, old = _script(folder / "fresh.py", 1, age=None), _script(folder / "old.py", 2)
    import_file(fresh), import_file(old)
    step_cache.flush_all()
    stored = step_cache.StepCache(str(folder))._read()
    assert sorted(os.path.basename(p) for p in stored) == ["old.py"]
    _new_process()
    import_file(fresh), import_file(old)
    assert compiles == ["fresh.py", "old.py", "fresh.py"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # one bit flipped
        lambda data: b"migsteps\n\x00\x00\x00\x00" + data[13:],  # another Python's magic
        lambda data: b"",
        # format 1 (code objects, not their bytes), as mig-scripts before format 2 wrote it
        lambda data: b"migsteps\n" + importlib.util.MAGIC_NUMBER + data[len(step_cache._MAGIC) :],
    ],
    ids=["truncated", "bit-flip", "other-python", "empty", "format-1"],
)
def test_a_damaged_cache_is_ignored_and_replaced(folder: Path, compiles: list[str], damage) -> None:
    a = _script(folder / "a.py", 3)
    import_file(a)
    step_cache.flush_all()
    cache_file = step_cache.cache_for(a).path
    Path(cache_file).write_bytes(damage(Path(cache_file).read_bytes()))
    _new_process()
    assert import_file(a).upgrade() == 3
    step_cache.flush_all()
    _new_process()
    assert import_file(a).upgrade() == 3
    assert compiles == ["a.py", "a.py"]  # read again once, then cached again


def test_only_the_scripts_that_run_are_unmarshalled(folder: Path, monkeypatch) -> None:
    """An upgrade of the last few of many revisions reads the folder's cache once and
    unmarshals the code of those few only."""
    paths = [_script(folder / f"s{i}.py", i) for i in range(5)]
    for path in paths:
        import_file(path)
    step_cache.flush_all()
    _new_process()
    loaded: list[type] = []

    class CountingMarshal:
        def loads(self, data):
            value = marshal.loads(data)
            loaded.append(type(value))
            return value

    monkeypatch.setattr(step_cache, "marshal", CountingMarshal())
    assert import_file(paths[3]).upgrade() == 3
    assert import_file(paths[4]).upgrade() == 4
    assert [t.__name__ for t in loaded] == ["dict", "code", "code"]


def test_a_cached_code_that_will_not_load_is_compiled_again(
    folder: Path, compiles: list[str]
) -> None:
    a = _script(folder / "a.py", 4)
    import_file(a)
    step_cache.flush_all()
    _new_process()
    cache = step_cache.cache_for(a)
    entries = cache._load()
    entries[str(a)] = (*entries[str(a)][:5], b"not marshal data")
    cache._dirty = True
    assert cache.save()  # stored with a valid CRC: only the entry itself is bad
    _new_process()
    assert import_file(a).upgrade() == 4
    assert compiles == ["a.py", "a.py"]


def test_no_file_when_python_writes_no_bytecode(folder: Path, monkeypatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    a = _script(folder / "a.py", 1)
    import_file(a)
    step_cache.flush_all()
    assert not (folder / "__pycache__").exists()


def test_a_folder_that_cannot_be_written_still_runs(folder: Path) -> None:
    a = _script(folder / "a.py", 5)
    (folder / "__pycache__").write_text("a file where the folder would go")
    assert import_file(a).upgrade() == 5
    assert step_cache.cache_for(a).save() is False


def test_the_module_is_an_ordinary_module(folder: Path) -> None:
    a = _script(folder / "a.py", 1)
    import_file(a)
    step_cache.flush_all()
    _new_process()
    module = import_file(a)
    assert module.__file__ == str(a)
    assert sys.modules[module.__name__] is module
    assert module.upgrade.__module__ == module.__name__
    assert inspect.getsource(module.upgrade) == "def upgrade():\n    return VALUE\n"
    assert module.upgrade.__code__.co_filename == str(a)


def test_errors_still_name_the_file(folder: Path) -> None:
    bad = folder / "bad.py"
    bad.write_text("def upgrade(:\n    pass\n")
    with pytest.raises(ScriptParseError, match=r"bad\.py.*line 1"):
        load_module(bad)
    raising = folder / "raising.py"
    raising.write_text("raise RuntimeError('boom')\n")
    before = set(sys.modules)
    with pytest.raises(ScriptParseError, match="boom"):
        load_module(raising)
    assert set(sys.modules) == before  # the half-made module is gone


def test_checksum_is_the_sha256_of_the_bytes(folder: Path) -> None:
    from mig.runtime.history import file_checksum

    a = _script(folder / "a.py", 1)
    import_file(a)
    assert step_cache.checksum_of(a) == file_checksum(a)
    assert step_cache.checksum_of(folder / "missing.py") is None
    bad = folder / "bad.py"
    bad.write_text("def (:\n")
    assert step_cache.checksum_of(bad) == file_checksum(bad)  # no compile needed for it


def test_an_imported_script_records_the_checksum_of_what_ran(folder: Path) -> None:
    """A file edited after its step imported it: the history names the source that ran."""
    from mig.scripts.revision import Script

    a = _script(folder / "a.py", 1)
    ran = hashlib.sha256(a.read_bytes()).hexdigest()
    script = Script(("a1", None, (), (), ""), str(a))
    assert script.module.upgrade() == 1
    _script(a, 22, age=None)  # edited (a different size) while the run goes on
    assert script.checksum == "sha256:" + ran
    assert Script(("a1", None, (), (), ""), str(a)).checksum == (
        "sha256:" + hashlib.sha256(a.read_bytes()).hexdigest()
    )
