"""Upgrade/downgrade plans pinned to what Alembic 1.x does for the same graph and commands.

Each scenario was run through Alembic (an env.py with ``on_version_apply`` logging every step
and the rows of ``alembic_version`` after it); the expected lists below are its output. The
runtime applies our steps' heads_before/heads_after to the version table, so matching these
rows means an Alembic-managed database can be adopted and the two tools agree on its state.
"""

from __future__ import annotations

import itertools

import pytest

from mig.scripts.errors import MultipleHeads, RelativeRevisionError, ScriptError

from ._graph import draw, run

LINEAR = """
a
b <- a
c <- b
d <- c
"""
LINEAR_STEPS = [
    ("upgrade +2", [("a", "up", ["a"]), ("b", "up", ["b"])]),
    ("upgrade head", [("c", "up", ["c"]), ("d", "up", ["d"])]),
    ("downgrade -1", [("d", "down", ["c"])]),
    ("downgrade b", [("c", "down", ["b"])]),
    ("upgrade +1", [("c", "up", ["c"])]),
    ("downgrade base", [("c", "down", ["b"]), ("b", "down", ["a"]), ("a", "down", [])]),
    ("upgrade c", [("a", "up", ["a"]), ("b", "up", ["b"]), ("c", "up", ["c"])]),
    ("downgrade -3", [("c", "down", ["b"]), ("b", "down", ["a"]), ("a", "down", [])]),
]

#     b1 - b2
#    /       \
#  a          m
#    \       /
#     c1 - c2
MERGE = """
a
b1 <- a
b2 <- b1
c1 <- a
c2 <- c1
m <- b2, c2
"""
MERGE_STEPS = [
    (
        "upgrade heads",
        [
            ("a", "up", ["a"]),
            ("c1", "up", ["c1"]),
            ("c2", "up", ["c2"]),
            ("b1", "up", ["b1", "c2"]),
            ("b2", "up", ["b2", "c2"]),
            ("m", "up", ["m"]),
        ],
    ),
    # partial downgrade of one branch: the other branch keeps its row
    ("downgrade b1", [("m", "down", ["b2", "c2"]), ("b2", "down", ["b1", "c2"])]),
    (
        "downgrade base",
        [
            ("b1", "down", ["c2"]),
            ("c2", "down", ["c1"]),
            ("c1", "down", ["a"]),
            ("a", "down", []),
        ],
    ),
    ("upgrade b2", [("a", "up", ["a"]), ("b1", "up", ["b1"]), ("b2", "up", ["b2"])]),
    ("upgrade c1", [("c1", "up", ["b2", "c1"])]),
    ("upgrade heads", [("c2", "up", ["b2", "c2"]), ("m", "up", ["m"])]),
    ("downgrade c1", [("m", "down", ["b2", "c2"]), ("c2", "down", ["b2", "c1"])]),
    (
        "downgrade base",
        [
            ("b2", "down", ["b1", "c1"]),
            ("b1", "down", ["c1"]),
            ("c1", "down", ["a"]),
            ("a", "down", []),
        ],
    ),
]

#  a - b
#       \  (depends_on)
#  x - y - z        z also depends_on a; x declares label "xb"
BASES_DEPS = """
a
b <- a
x [xb]
y <- x ~ b
z <- y ~ a
"""
BASES_DEPS_STEPS = [
    (
        "upgrade heads",
        [
            ("a", "up", ["a"]),
            ("b", "up", ["b"]),
            ("x", "up", ["b", "x"]),
            ("y", "up", ["y"]),
            ("z", "up", ["z"]),
        ],
    ),
    ("downgrade a", [("z", "down", ["y"]), ("y", "down", ["b", "x"]), ("b", "down", ["a", "x"])]),
    ("downgrade base", [("a", "down", ["x"]), ("x", "down", [])]),
    (
        "upgrade y",
        [("a", "up", ["a"]), ("b", "up", ["b"]), ("x", "up", ["b", "x"]), ("y", "up", ["y"])],
    ),
    ("downgrade xb@base", [("y", "down", ["b", "x"]), ("x", "down", ["b"])]),
    ("upgrade xb@head", [("x", "up", ["b", "x"]), ("y", "up", ["y"]), ("z", "up", ["z"])]),
    ("downgrade xb@-1", [("z", "down", ["y"])]),
    (
        "downgrade base",
        [
            ("y", "down", ["b", "x"]),
            ("x", "down", ["b"]),
            ("b", "down", ["a"]),
            ("a", "down", []),
        ],
    ),
    (
        "upgrade xb@+2",
        [("a", "up", ["a"]), ("b", "up", ["b"]), ("x", "up", ["b", "x"]), ("y", "up", ["y"])],
    ),
]

#      b1 - b2     (label "left" on b1)
#    /
#  a
#    \
#      c1 - c2     (label "right" on c1)
LABELS = """
a
b1 <- a [left]
b2 <- b1
c1 <- a [right]
c2 <- c1
"""
LABELS_STEPS = [
    ("upgrade left@head", [("a", "up", ["a"]), ("b1", "up", ["b1"]), ("b2", "up", ["b2"])]),
    ("upgrade right@+1", [("c1", "up", ["b2", "c1"])]),
    ("upgrade right@+1", [("c2", "up", ["b2", "c2"])]),
    ("downgrade left@-1", [("b2", "down", ["b1", "c2"])]),
    # label@base removes the branch's whole path down to its base, as Alembic does
    (
        "downgrade right@base",
        [("b1", "down", ["c2"]), ("c2", "down", ["c1"]), ("c1", "down", ["a"]), ("a", "down", [])],
    ),
    (
        "upgrade heads",
        [
            ("a", "up", ["a"]),
            ("c1", "up", ["c1"]),
            ("c2", "up", ["c2"]),
            ("b1", "up", ["b1", "c2"]),
            ("b2", "up", ["b2", "c2"]),
        ],
    ),
    (
        "downgrade left@base",
        [
            ("b2", "down", ["b1", "c2"]),
            ("b1", "down", ["c2"]),
            ("c2", "down", ["c1"]),
            ("c1", "down", ["a"]),
            ("a", "down", []),
        ],
    ),
]


@pytest.mark.parametrize(
    ("picture", "script"),
    [
        pytest.param(LINEAR, LINEAR_STEPS, id="linear"),
        pytest.param(MERGE, MERGE_STEPS, id="branches-and-merge"),
        pytest.param(BASES_DEPS, BASES_DEPS_STEPS, id="bases-and-depends_on"),
        pytest.param(LABELS, LABELS_STEPS, id="labels"),
    ],
)
def test_commands_match_alembic(tmp_path, picture, script):
    sd = draw(tmp_path, picture)
    heads: list[str] = []
    for command, expected in script:
        log, heads = run(sd, command, heads)
        assert log == expected, command


def test_steps_chain_rows_exactly(tmp_path):
    sd = draw(tmp_path, MERGE)
    steps = sd.plan_upgrade([], "heads")
    assert steps[0].heads_before == frozenset()
    for before, after in itertools.pairwise(steps):
        assert after.heads_before == before.heads_after
    merge = steps[-1]
    assert merge.rows_removed == {"b2", "c2"} and merge.rows_added == {"m"}


@pytest.mark.parametrize(
    ("picture", "heads", "command", "error"),
    [
        (MERGE, ["m"], "downgrade -2", MultipleHeads),  # after un-merging: which head?
        (MERGE, ["m"], "upgrade +1", RelativeRevisionError),  # nothing above
        (MERGE, ["b2", "c2"], "upgrade +1", RelativeRevisionError),  # several current heads
        (MERGE, [], "upgrade +2", RelativeRevisionError),  # a is a branch point
        (LINEAR, ["b"], "downgrade -3", RelativeRevisionError),  # only 2 below
        (LINEAR, ["b"], "downgrade d", ScriptError),  # d is not applied
        (LINEAR, ["b"], "upgrade -1", ScriptError),  # wrong direction
        (LINEAR, ["b"], "downgrade +1", ScriptError),  # wrong direction
    ],
)
def test_plan_refuses(tmp_path, picture, heads, command, error):
    sd = draw(tmp_path, picture)
    with pytest.raises(error):
        run(sd, command, heads)


def test_downgrade_minus_one_undoes_a_merge(tmp_path) -> None:
    """A deliberate difference: Alembic refuses ``downgrade -1`` at a merge point (the walk
    down is ambiguous); mig removes the merge revision and both parents become rows."""
    sd = draw(tmp_path, MERGE)
    steps = sd.plan_downgrade(["m"], "-1")
    assert [(s.revision, sorted(s.heads_after)) for s in steps] == [("m", ["b2", "c2"])]
