"""``mig stamp`` of a branch's base and of several heads, and ``mig current`` with a row no
script declares, checked against Alembic 1.20.1's behaviour on every configured backend."""

from __future__ import annotations

import sqlalchemy as sa

PASS = "pass"


def _branches(project) -> None:
    """aaa111 <- bbb222 (trunk) and aaa111 <- sss111 (side); ttt111 (audit) is a base of
    its own that depends on uuu111 (other), a base too."""
    project.init()
    project.revision("aaa111", "first", PASS, PASS)
    project.revision("bbb222", "trunk", PASS, PASS)
    project.revision(
        "sss111", "side", PASS, PASS, "--head", "aaa111", "--splice", "--branch-label", "side"
    )
    project.revision("uuu111", "other", PASS, PASS, "--head", "base", "--branch-label", "other")
    project.revision(
        "ttt111",
        "audit",
        PASS,
        PASS,
        "--head",
        "base",
        "--branch-label",
        "audit",
        "--depends-on",
        "uuu111",
    )


def test_stamp_heads_leaves_out_a_head_another_head_depends_on(project) -> None:
    _branches(project)
    project.mig("stamp", "heads")
    # as Alembic: uuu111 is a head only through down_revision; ttt111 depends on it
    assert project.version_rows() == {"bbb222", "sss111", "ttt111"}


def test_stamp_branch_base_removes_only_that_branch(project) -> None:
    _branches(project)
    project.mig("stamp", "heads")
    project.mig("stamp", "side@base")
    assert project.version_rows() == {"bbb222", "ttt111"}
    project.mig("stamp", "audit@base")
    assert project.version_rows() == {"bbb222"}
    # a row below the branch's label is on its line of history too (Alembic removes it)
    project.mig("stamp", "aaa111", "ttt111", "--purge")
    assert project.version_rows() == {"aaa111", "ttt111"}
    project.mig("stamp", "side@base")
    assert project.version_rows() == {"ttt111"}
    # a branch that another one depends on takes the dependent's row with it
    project.mig("stamp", "bbb222")
    project.mig("stamp", "other@base")
    assert project.version_rows() == {"bbb222"}


def test_stamp_base_with_several_heads_and_one_branch_revision(project) -> None:
    _branches(project)
    project.mig("stamp", "sss111", "ttt111")
    project.mig("stamp", "aaa111")  # stamps down the side branch, audit stays
    assert project.version_rows() == {"aaa111", "ttt111"}
    project.mig("stamp", "side@base")
    assert project.version_rows() == {"ttt111"}
    project.mig("stamp", "heads")
    project.mig("stamp", "base")
    assert project.version_rows() == set()


def test_current_with_a_revision_no_script_declares_fails(project) -> None:
    _branches(project)
    project.mig("stamp", "bbb222")
    eng = sa.create_engine(project.url)
    with eng.begin() as conn:
        conn.exec_driver_sql("INSERT INTO mig_version (version_num) VALUES ('zzz999')")
    eng.dispose()
    result = project.mig("current", code=1)
    assert result.out == ""
    assert result.err.strip() == (
        "mig: failed: the version table holds revision 'zzz999', which no script has; "
        "is this the right project and branch?"
    )
    assert project.mig("current", "-v", code=1).err.count("\n") == 1
