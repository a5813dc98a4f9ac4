"""Every way a script directory can be broken gets its own error naming the file."""

from __future__ import annotations

import pytest

from mig.scripts import ScriptDirectory
from mig.scripts.errors import (
    BadHeader,
    BranchLabelError,
    DuplicateRevision,
    MissingDependency,
    MissingDownRevision,
    NotARevisionScript,
    RevisionCycle,
    ScriptError,
    ScriptParseError,
)

from ._graph import draw, revision_source


def _heads(tmp_path):
    return ScriptDirectory(tmp_path, use_cache=False).get_heads()


def test_duplicate_revision(tmp_path):
    draw(tmp_path, "a\nb <- a")
    (tmp_path / "versions" / "zz_copy.py").write_text(revision_source("b", ["a"]))
    with pytest.raises(DuplicateRevision) as exc:
        _heads(tmp_path)
    assert "'b'" in str(exc.value) and "001_b.py" in str(exc.value)
    assert "zz_copy.py" in str(exc.value)


def test_missing_down_revision(tmp_path):
    draw(tmp_path, "a\nb <- nothere")
    with pytest.raises(MissingDownRevision) as exc:
        _heads(tmp_path)
    assert "001_b.py" in str(exc.value) and "'nothere'" in str(exc.value)


def test_missing_dependency(tmp_path):
    draw(tmp_path, "a\nb <- a ~ ghost")
    with pytest.raises(MissingDependency) as exc:
        _heads(tmp_path)
    assert "001_b.py" in str(exc.value) and "'ghost'" in str(exc.value)


def test_cycle_through_down_revisions(tmp_path):
    draw(tmp_path, "a <- c\nb <- a\nc <- b\nd")
    with pytest.raises(RevisionCycle) as exc:
        _heads(tmp_path)
    assert set(exc.value.cycle) == {"a", "b", "c"}
    assert "000_a.py" in str(exc.value) and "d.py" not in str(exc.value)


def test_cycle_through_depends_on(tmp_path):
    draw(tmp_path, "a ~ b\nb <- a")
    with pytest.raises(RevisionCycle) as exc:
        _heads(tmp_path)
    assert set(exc.value.cycle) == {"a", "b"}


def test_self_reference_is_a_cycle(tmp_path):
    draw(tmp_path, "a <- a")
    with pytest.raises(RevisionCycle):
        _heads(tmp_path)


def test_not_a_revision_script(tmp_path):
    draw(tmp_path, "a")
    (tmp_path / "versions" / "helpers.py").write_text("X = 1\n")
    with pytest.raises(NotARevisionScript) as exc:
        _heads(tmp_path)
    assert "helpers.py" in str(exc.value)


def test_init_and_editor_files_are_ignored(tmp_path):
    draw(tmp_path, "a")
    (tmp_path / "versions" / "__init__.py").write_text("")
    (tmp_path / "versions" / ".#a.py").write_text("junk")
    (tmp_path / "versions" / "notes.txt").write_text("junk")
    assert _heads(tmp_path) == ["a"]


def test_script_whose_header_fails_to_parse(tmp_path):
    draw(tmp_path, "a")
    (tmp_path / "versions" / "broken.py").write_text('revision = ("b"\ndown_revision = "a"\n')
    with pytest.raises(ScriptParseError) as exc:
        _heads(tmp_path)
    assert "broken.py" in str(exc.value)


def test_script_whose_body_fails_to_parse(tmp_path):
    """Headers are read alone (fast); check() and running the step find the broken body."""
    draw(tmp_path, "a")
    (tmp_path / "versions" / "broken.py").write_text(
        'revision = "b"\ndown_revision = "a"\ndef upgrade(:\n'
    )
    sd = ScriptDirectory(tmp_path, use_cache=False)
    assert sd.get_heads() == ["b"]
    with pytest.raises(ScriptParseError) as exc:
        sd.check()
    assert "broken.py" in str(exc.value) and "line 3" in str(exc.value)
    step = sd.plan_upgrade(["a"], "head")[0]
    with pytest.raises(ScriptParseError) as exc2:
        step.callable()
    assert "broken.py" in str(exc2.value)


def test_script_whose_computed_header_fails_on_import(tmp_path):
    draw(tmp_path, "a")
    (tmp_path / "versions" / "boom.py").write_text("revision = compute()\n")
    with pytest.raises(ScriptParseError) as exc:
        _heads(tmp_path)
    assert "boom.py" in str(exc.value) and "NameError" in str(exc.value)


def test_bad_header_value(tmp_path):
    (tmp_path / "versions").mkdir()
    (tmp_path / "versions" / "x.py").write_text('revision = "x"\ndown_revision = 3\n')
    with pytest.raises(BadHeader) as exc:
        _heads(tmp_path)
    assert "x.py" in str(exc.value) and "down_revision" in str(exc.value)


def test_branch_label_clashes(tmp_path):
    draw(tmp_path, "a [lbl]\nb <- a [lbl]")
    with pytest.raises(BranchLabelError) as exc:
        _heads(tmp_path)
    assert "'lbl'" in str(exc.value) and "001_b.py" in str(exc.value)
    other = tmp_path / "two"
    draw(other, "a [b]\nb <- a")
    with pytest.raises(BranchLabelError) as exc2:
        _heads(other)
    assert "also a revision id" in str(exc2.value)


def test_every_error_is_one_line_and_a_script_error(tmp_path):
    draw(tmp_path, "a\nb <- miss\ning")
    with pytest.raises(ScriptError) as exc:
        _heads(tmp_path)
    assert "\n" not in str(exc.value)
