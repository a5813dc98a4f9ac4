"""The revision graph: heads, bases, flags, labels, specs, walks."""

from __future__ import annotations

import pytest

from mig.scripts.errors import (
    AmbiguousRevision,
    BranchLabelError,
    InvalidSpec,
    MultipleHeads,
    RangeNotAncestor,
    RelativeRevisionError,
    UnknownRevision,
)

from ._graph import draw

#     b1 - b2
#    /       \
#  a          m - n        plus a separate base x - y, y depends_on b1
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
y <- x ~ b1
"""


@pytest.fixture
def sd(tmp_path):
    return draw(tmp_path, PICTURE)


def test_heads_bases_and_flags(sd):
    assert sd.get_heads() == ["n", "y"]
    assert sd.get_bases() == ["a", "x"]
    a, m, n, y = (sd.get_revision(r) for r in ("a", "m", "n", "y"))
    assert a.is_base and a.is_branch_point and not a.is_head
    assert m.is_merge_point and m.down_revision == ("b2", "c2")
    assert n.is_head and not n.is_merge_point
    assert y.dependencies == "b1" and y._resolved_dependencies == ("b1",)
    assert a.nextrev == {"b1", "c1"}
    assert y.doc == "revision y" and y.path.endswith("008_y.py")


def test_single_head_and_base_errors(sd, tmp_path):
    with pytest.raises(MultipleHeads) as exc:
        sd.get_current_head()
    assert "n, y" in str(exc.value)
    with pytest.raises(MultipleHeads):
        sd.resolve("head")
    linear = draw(tmp_path / "lin", "a\nb <- a")
    assert linear.get_current_head() == "b"
    assert linear.resolve("head") == ("b",)
    assert linear.get_base() == "a"


def test_labels_propagate_to_descendants_only(sd):
    assert sd.get_revision("b2").branch_labels == {"left"}
    assert sd.get_revision("m").branch_labels == {"left", "right"}
    assert sd.get_revision("a").branch_labels == set()
    assert sd.resolve("left") == ("b1",)  # a bare label names the revision declaring it
    assert sd.resolve("other@head") == ("y",)
    assert sd.resolve("left@head") == ("n",)
    assert sd.resolve("other@base") == ()
    assert sd.resolve("left@b2") == ("b2",)
    assert sd.resolve("left@a") == ("a",)  # below the branch is accepted, as in Alembic
    with pytest.raises(BranchLabelError) as exc:
        sd.resolve("left@c1")
    assert "'c1'" in str(exc.value) and "'left'" in str(exc.value)
    with pytest.raises(UnknownRevision) as exc2:
        sd.resolve("nolabel@head")
    assert "nolabel" in str(exc2.value)


def test_symbols(sd):
    assert sd.resolve("heads") == ("n", "y")
    assert sd.resolve("base") == ()
    assert sd.get_revisions(["b2", "c2"]) == (sd.get_revision("b2"), sd.get_revision("c2"))
    assert sd.get_revision("base") is None


def test_partial_ids(tmp_path):
    sd = draw(tmp_path, "ae1027a6\nae10bc11 <- ae1027a6\n1975ea83 <- ae10bc11")
    assert sd.resolve("1975") == ("1975ea83",)
    assert sd.resolve("ae102") == ("ae1027a6",)
    with pytest.raises(AmbiguousRevision) as exc:
        sd.resolve("ae10")
    assert exc.value.candidates == ("ae1027a6", "ae10bc11")
    assert "ae1027a6, ae10bc11" in str(exc.value)
    with pytest.raises(UnknownRevision) as exc2:
        sd.resolve("ffff")
    assert "'ffff'" in str(exc2.value)


def test_relative_ids(tmp_path):
    sd = draw(
        tmp_path, "ae1027a6\nae10bc11 <- ae1027a6\n1975ea83 <- ae10bc11\n27c6a30d <- 1975ea83"
    )
    assert sd.resolve("ae1027+2") == ("1975ea83",)
    assert sd.resolve("head-1") == ("1975ea83",)
    assert sd.resolve("head-4") == ()  # one step below the base is base
    assert sd.resolve("base+1") == ("ae1027a6",)
    assert sd.resolve("base+3") == ("1975ea83",)
    assert sd.resolve("+2", current_heads=["ae10bc11"]) == ("27c6a30d",)
    assert sd.resolve("-1", current_heads=["ae10bc11"]) == ("ae1027a6",)
    assert sd.resolve("+1", current_heads=[]) == ("ae1027a6",)
    with pytest.raises(InvalidSpec):
        sd.resolve("+1")  # needs the database's current heads
    with pytest.raises(RelativeRevisionError) as exc:
        sd.resolve("head+1")
    assert "'head+1'" in str(exc.value)
    with pytest.raises(RelativeRevisionError):
        sd.resolve("head-5")
    with pytest.raises(InvalidSpec):
        sd.resolve("ae10+0")


def test_relative_on_branches(sd):
    with pytest.raises(RelativeRevisionError) as exc:
        sd.resolve("a+1")  # a branch point: which way?
    assert "branch point" in str(exc.value)
    assert sd.resolve("left@a+1") == ("b1",)
    assert sd.resolve("right@+1", current_heads=["c1", "b2"]) == ("c2",)
    assert sd.resolve("left@+2", current_heads=[]) == ("b1",)  # path starts at base a
    with pytest.raises(RelativeRevisionError) as exc2:
        sd.resolve("m-1")
    assert "merge point" in str(exc2.value)


def test_exact_id_wins_over_the_grammar(tmp_path):
    sd = draw(tmp_path, "v2024\nv2024-1 <- v2024")
    assert sd.resolve("v2024-1") == ("v2024-1",)


def test_walk_and_iterate(sd):
    order = [s.revision for s in sd.walk_revisions()]
    assert set(order) == {"a", "b1", "b2", "c1", "c2", "m", "n", "x", "y"}
    for s in sd.walk_revisions():  # newest first: a revision comes before its parents
        for parent in s._all_down_revisions:
            assert order.index(parent) > order.index(s.revision)
    assert [s.revision for s in sd.walk_revisions("base", "m")] == [
        "m", "b2", "b1", "c2", "c1", "a",
    ]  # fmt: skip
    assert [s.revision for s in sd.iterate_revisions("n", "b1")] == ["n", "m", "b2"]
    assert [s.revision for s in sd.walk_revisions("b1", "n")] == ["n", "m", "b2", "b1"]
    with pytest.raises(RangeNotAncestor) as exc:
        list(sd.iterate_revisions("b2", "c1"))
    assert "'c1'" in str(exc.value)


def test_no_script_imported_for_graph_work(sd):
    sd.get_heads()
    list(sd.walk_revisions())
    steps = sd.plan_upgrade([], "heads")
    assert all(s.script._module is None for s in steps)
    fn = steps[0].callable()
    assert fn.__name__ == "upgrade"
    assert steps[0].script._module is not None
    assert all(s.script._module is None for s in steps[1:])
    fn()
    assert steps[0].script.module.CALLS == [("up", "a")]
