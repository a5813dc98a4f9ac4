"""mig prints Alembic 1.20.1's text for heads, branches, history, show and current.

The expected text below is what Alembic 1.20.1 printed for the very same revision files
(branches, a branch point with three children, a merge, branch labels, a second and a third
base, depends_on, an effective head), with the project folder written as ROOT. Alembic
prints sets (the children of a branch point) in hash order; the text here is from a run
whose order was the sorted one, which is what mig always prints.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.e2e.conftest import Project

#: (revision, down_revision, branch_labels, depends_on, message)
SCRIPTS = [
    ("1a", None, None, None, "create accounts"),
    ("2b", "1a", None, None, "add email"),
    ("3c", "2b", ("side",), None, "side start"),
    ("3x", "2b", None, None, "third child"),
    ("4d", "2b", None, None, "main line"),
    ("5e", ("3c", "4d"), None, None, "merge side and main"),
    ("6f", "5e", None, None, "after merge"),
    ("7g", None, ("audit",), None, "audit base"),
    ("8h", "7g", None, "9i", "audit table"),
    ("9i", None, ("other",), None, "other base"),
]

SCRIPT = """\
\"\"\"{message}

Revision ID: {rev}
Revises:{space}
Create Date: 2024-01-01 00:00:00

Longer text line one.
\"\"\"

revision = "{rev}"
down_revision = {down}
branch_labels = {labels}
depends_on = {deps}


def upgrade():
    pass


def downgrade():
    pass
"""

LISTING = {
    ("heads",): "3x (head)\n6f (side) (head)\n8h (audit) (head)\n9i (other) (effective head)\n",
    (
        "heads",
        "-v",
    ): "Rev: 3x (head)\nParent: 2b\nPath: ROOT/migrations/versions/3x_x.py\n\n    third child\n    \n    Revision ID: 3x\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 6f (head)\nParent: 5e\nBranch names: side\nPath: ROOT/migrations/versions/6f_x.py\n\n    after merge\n    \n    Revision ID: 6f\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 8h (head)\nParent: 7g\nAlso depends on: 9i\nBranch names: audit\nPath: ROOT/migrations/versions/8h_x.py\n\n    audit table\n    \n    Revision ID: 8h\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 9i (head)\nParent: <base>\nBranch names: other\nPath: ROOT/migrations/versions/9i_x.py\n\n    other base\n    \n    Revision ID: 9i\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\n",
    ("heads", "--resolve-dependencies"): "3x (head)\n6f (side) (head)\n8h (audit) (head)\n",
    ("branches",): "2b (branchpoint)\n   -> 3c (side)\n   -> 3x (head)\n   -> 4d\n\n",
    (
        "branches",
        "-v",
    ): "Rev: 2b (branchpoint)\nParent: 1a\nBranches into: 3c, 3x, 4d\nPath: ROOT/migrations/versions/2b_x.py\n\n    add email\n    \n    Revision ID: 2b\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\n   -> 3c (side), side start\n   -> 3x (head), third child\n   -> 4d, main line\n\n",
    (
        "history",
    ): "2b -> 3x (head), third child\n5e -> 6f (side) (head), after merge\n3c, 4d -> 5e (side) (mergepoint), merge side and main\n2b -> 3c (side), side start\n2b -> 4d, main line\n7g (9i) -> 8h (audit) (head), audit table\n<base> -> 7g (audit), audit base\n1a -> 2b (branchpoint), add email\n<base> -> 1a, create accounts\n<base> -> 9i (other) (effective head), other base\n",
    (
        "history",
        "-v",
    ): "Rev: 3x (head)\nParent: 2b\nPath: ROOT/migrations/versions/3x_x.py\n\n    third child\n    \n    Revision ID: 3x\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 6f (head)\nParent: 5e\nBranch names: side\nPath: ROOT/migrations/versions/6f_x.py\n\n    after merge\n    \n    Revision ID: 6f\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 5e (mergepoint)\nMerges: 3c, 4d\nBranch names: side\nPath: ROOT/migrations/versions/5e_x.py\n\n    merge side and main\n    \n    Revision ID: 5e\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 3c\nParent: 2b\nBranch names: side\nPath: ROOT/migrations/versions/3c_x.py\n\n    side start\n    \n    Revision ID: 3c\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 4d\nParent: 2b\nPath: ROOT/migrations/versions/4d_x.py\n\n    main line\n    \n    Revision ID: 4d\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 8h (head)\nParent: 7g\nAlso depends on: 9i\nBranch names: audit\nPath: ROOT/migrations/versions/8h_x.py\n\n    audit table\n    \n    Revision ID: 8h\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 7g\nParent: <base>\nBranch names: audit\nPath: ROOT/migrations/versions/7g_x.py\n\n    audit base\n    \n    Revision ID: 7g\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 2b (branchpoint)\nParent: 1a\nBranches into: 3c, 3x, 4d\nPath: ROOT/migrations/versions/2b_x.py\n\n    add email\n    \n    Revision ID: 2b\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 1a\nParent: <base>\nPath: ROOT/migrations/versions/1a_x.py\n\n    create accounts\n    \n    Revision ID: 1a\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 9i (head)\nParent: <base>\nBranch names: other\nPath: ROOT/migrations/versions/9i_x.py\n\n    other base\n    \n    Revision ID: 9i\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\n",
    (
        "show",
        "5e",
    ): "Rev: 5e (mergepoint)\nMerges: 3c, 4d\nBranch names: side\nPath: ROOT/migrations/versions/5e_x.py\n\n    merge side and main\n    \n    Revision ID: 5e\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\n",
    (
        "show",
        "2b",
    ): "Rev: 2b (branchpoint)\nParent: 1a\nBranches into: 3c, 3x, 4d\nPath: ROOT/migrations/versions/2b_x.py\n\n    add email\n    \n    Revision ID: 2b\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\n",
    (
        "show",
        "heads",
    ): "Rev: 3x (head)\nParent: 2b\nPath: ROOT/migrations/versions/3x_x.py\n\n    third child\n    \n    Revision ID: 3x\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 6f (head)\nParent: 5e\nBranch names: side\nPath: ROOT/migrations/versions/6f_x.py\n\n    after merge\n    \n    Revision ID: 6f\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 8h (head)\nParent: 7g\nAlso depends on: 9i\nBranch names: audit\nPath: ROOT/migrations/versions/8h_x.py\n\n    audit table\n    \n    Revision ID: 8h\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\n",
    (
        "history",
        "-r",
        "2b:",
    ): "2b -> 3x (head), third child\n5e -> 6f (side) (head), after merge\n3c, 4d -> 5e (side) (mergepoint), merge side and main\n2b -> 3c (side), side start\n2b -> 4d, main line\n1a -> 2b (branchpoint), add email\n",
    (
        "history",
        "-r",
        "4d:6f",
    ): "5e -> 6f (side) (head), after merge\n3c, 4d -> 5e (side) (mergepoint), merge side and main\n2b -> 4d, main line\n",
}

WITH_ROWS_3X_5E_8H = {
    (
        "history",
        "-i",
    ): "2b -> 3x (head) (current), third child\n5e -> 6f (side) (head), after merge\n3c, 4d -> 5e (side) (current) (mergepoint), merge side and main\n2b -> 3c (side), side start\n2b -> 4d, main line\n7g (9i) -> 8h (audit) (head) (current), audit table\n<base> -> 7g (audit), audit base\n1a -> 2b (branchpoint), add email\n<base> -> 1a, create accounts\n<base> -> 9i (other) (effective head), other base\n",
    (
        "history",
        "-v",
        "-i",
    ): "Rev: 3x (head) (current)\nParent: 2b\nPath: ROOT/migrations/versions/3x_x.py\n\n    third child\n    \n    Revision ID: 3x\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 6f (head)\nParent: 5e\nBranch names: side\nPath: ROOT/migrations/versions/6f_x.py\n\n    after merge\n    \n    Revision ID: 6f\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 5e (mergepoint) (current)\nMerges: 3c, 4d\nBranch names: side\nPath: ROOT/migrations/versions/5e_x.py\n\n    merge side and main\n    \n    Revision ID: 5e\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 3c\nParent: 2b\nBranch names: side\nPath: ROOT/migrations/versions/3c_x.py\n\n    side start\n    \n    Revision ID: 3c\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 4d\nParent: 2b\nPath: ROOT/migrations/versions/4d_x.py\n\n    main line\n    \n    Revision ID: 4d\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 8h (head) (current)\nParent: 7g\nAlso depends on: 9i\nBranch names: audit\nPath: ROOT/migrations/versions/8h_x.py\n\n    audit table\n    \n    Revision ID: 8h\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 7g\nParent: <base>\nBranch names: audit\nPath: ROOT/migrations/versions/7g_x.py\n\n    audit base\n    \n    Revision ID: 7g\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 2b (branchpoint)\nParent: 1a\nBranches into: 3c, 3x, 4d\nPath: ROOT/migrations/versions/2b_x.py\n\n    add email\n    \n    Revision ID: 2b\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 1a\nParent: <base>\nPath: ROOT/migrations/versions/1a_x.py\n\n    create accounts\n    \n    Revision ID: 1a\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\nRev: 9i (head)\nParent: <base>\nBranch names: other\nPath: ROOT/migrations/versions/9i_x.py\n\n    other base\n    \n    Revision ID: 9i\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\n",
    (
        "history",
        "-r",
        "current:",
    ): "2b -> 3x (head), third child\n5e -> 6f (side) (head), after merge\n3c, 4d -> 5e (side) (mergepoint), merge side and main\n7g (9i) -> 8h (audit) (head), audit table\n",
}

CURRENT_V_AT_5E = "Current revision(s) for sqlite:///ROOT/DB:\nRev: 5e (mergepoint)\nMerges: 3c, 4d\nBranch names: side\nPath: ROOT/migrations/versions/5e_x.py\n\n    merge side and main\n    \n    Revision ID: 5e\n    Revises: \n    Create Date: 2024-01-01 00:00:00\n    \n    Longer text line one.\n\n"


def _write(project: Project) -> None:
    project.init()
    versions = project.root / "migrations" / "versions"
    for rev, down, labels, deps, message in SCRIPTS:
        text = SCRIPT.format(
            rev=rev,
            down="None" if down is None else repr(down).replace("'", '"'),
            labels="None" if labels is None else repr(labels).replace("'", '"'),
            deps="None" if deps is None else repr(deps).replace("'", '"'),
            message=message,
            space=" ",
        )
        (versions / f"{rev}_x.py").write_text(text)


@pytest.fixture
def layout_project(tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    root.mkdir()
    project = Project(root, f"sqlite:///{root / 'db.sqlite'}")
    _write(project)
    return project


def _text(project: Project, text: str) -> str:
    return text.replace("ROOT", str(project.root))


#: the commands checked together (``heads -v`` alone printed Alembic's text already)
GROUPS = {
    "heads": [("heads",), ("heads", "-v"), ("heads", "--resolve-dependencies")],
    **{" ".join(args): [args] for args in LISTING if args[0] != "heads"},
}


@pytest.mark.parametrize("group", list(GROUPS))
def test_listing_text_is_alembics(layout_project: Project, group) -> None:
    for args in GROUPS[group]:
        for _ in range(2):  # from the files, then from the revision cache
            out = layout_project.mig(*args).out
            assert out == _text(layout_project, LISTING[args]), args


@pytest.mark.parametrize("args", list(WITH_ROWS_3X_5E_8H), ids=" ".join)
def test_history_marks_current_as_alembic(project: Project, args) -> None:
    _write(project)
    project.mig("stamp", "3x", "5e", "8h")
    assert project.mig(*args).out == _text(project, WITH_ROWS_3X_5E_8H[args])


def test_current_text_is_alembics(project: Project) -> None:
    _write(project)
    project.mig("stamp", "5e")
    out = project.mig("current", "-v").out
    header, _, rest = out.partition("\n")
    _, _, expected_rest = _text(project, CURRENT_V_AT_5E).partition("\n")
    url = sa.engine.make_url(project.url).render_as_string(hide_password=True)
    assert header == f"Current revision(s) for {url}:"
    assert rest == expected_rest
    assert project.mig("current").out == "5e (mergepoint)\n"
    project.mig("stamp", "8h")
    # Alembic lists the depended-on branch too, in hash order; mig in file order
    assert project.mig("current").out == "5e (mergepoint)\n8h (head)\n9i (effective head)\n"
    project.mig("stamp", "6f")
    assert project.mig("current").out == "6f (head)\n8h (head)\n9i (effective head)\n"
