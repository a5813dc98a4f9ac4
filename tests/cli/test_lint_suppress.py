"""Silencing mig lint at its three levels: the project config, one migration, one op."""

from __future__ import annotations

import pytest

from mig.cli.lint import (
    LintConfig,
    LintConfigError,
    LintReport,
    disabled_rules,
    exit_code,
    lint_file,
)

from .lint_scripts import write_script


def active(report: LintReport) -> list[tuple[str, str]]:
    return [(f.rule_id, f.target) for f in report.findings]


def silenced(report: LintReport) -> list[tuple[str, str, str | None]]:
    return [(f.rule_id, f.target, f.suppressed) for f in report.suppressed]


RISKY = """
op.drop_column("users", "email")
op.drop_table("old")
op.execute("UPDATE users SET x = 1")
"""


# -- project config ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "disable",
    [
        "MIG002, MIG012",
        "MIG002 MIG012",
        ["MIG002", "MIG012"],
        ["drop-column", "raw-sql"],
        "mig002,mig012",
    ],
)
def test_config_disables_rules_project_wide(tmp_path, disable) -> None:
    path = write_script(tmp_path, RISKY)
    report = lint_file(path, config=LintConfig.from_options(disable))
    assert active(report) == [("MIG001", "old")]
    assert report.suppressed == []  # disabled rules do not run at all
    assert {r.id for r in report.rules}.isdisjoint({"MIG002", "MIG012"})


def test_disabled_rules_shorthand_takes_a_list(tmp_path) -> None:
    path = write_script(tmp_path, RISKY)
    config = disabled_rules(["MIG001", "MIG002", "MIG012"])
    report = lint_file(path, config=config)
    assert report.findings == []
    assert exit_code(report) == 0


def test_config_naming_an_unknown_rule_is_refused_with_the_name() -> None:
    with pytest.raises(LintConfigError) as err:
        LintConfig.from_options("MIG002, MIG999")
    assert str(err.value).startswith(
        "lint.disable: unknown rule 'MIG999' (known rules: MIG001, MIG002,"
    )


def test_config_values_must_be_strings() -> None:
    with pytest.raises(LintConfigError, match="expected rule ids as strings, got 2"):
        LintConfig.from_options(["MIG001", 2])


# -- one migration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("top", "bottom"),
    [
        ("# mig-lint: disable=MIG002\n", ""),
        ("", "\n# mig-lint: disable=MIG002\n"),
        ("#   MIG-LINT:disable = drop-column\n", ""),
    ],
    ids=["top", "bottom", "spacing-and-name"],
)
def test_module_level_comment_silences_a_rule_in_the_whole_migration(tmp_path, top, bottom) -> None:
    path = write_script(
        tmp_path,
        """
        op.drop_column("users", "email")
        op.drop_column("users", "phone")
        op.drop_table("old")
        """,
        top=top,
        bottom=bottom,
    )
    report = lint_file(path)
    assert active(report) == [("MIG001", "old")]
    assert silenced(report) == [
        ("MIG002", "users.email", "migration"),
        ("MIG002", "users.phone", "migration"),
    ]


def test_disable_file_works_from_inside_a_function(tmp_path) -> None:
    path = write_script(
        tmp_path,
        """
        # mig-lint: disable-file=MIG002,MIG001
        op.drop_column("users", "email")
        op.drop_table("old")
        """,
    )
    report = lint_file(path)
    assert active(report) == []
    assert [s[2] for s in silenced(report)] == ["migration", "migration"]


def test_module_level_disable_all(tmp_path) -> None:
    path = write_script(tmp_path, RISKY, top="# mig-lint: disable=all\n")
    report = lint_file(path)
    assert report.findings == []
    assert len(report.suppressed) == 3
    assert report.exit_code == 0


def test_a_migration_comment_does_not_reach_other_migrations(tmp_path) -> None:
    quiet = write_script(
        tmp_path, 'op.drop_table("a")', rev="aa01", top="# mig-lint: disable=MIG001\n"
    )
    loud = write_script(tmp_path, 'op.drop_table("b")', rev="bb02")
    assert active(lint_file(quiet)) == []
    assert active(lint_file(loud)) == [("MIG001", "b")]


# -- one op -----------------------------------------------------------------------------------


def test_trailing_comment_silences_that_op_only(tmp_path) -> None:
    path = write_script(
        tmp_path,
        """
        op.drop_column("users", "email")  # mig-lint: disable=MIG002
        op.drop_column("users", "phone")
        """,
    )
    report = lint_file(path)
    assert active(report) == [("MIG002", "users.phone")]
    assert silenced(report) == [("MIG002", "users.email", "op")]


def test_comment_on_the_line_above_silences_the_next_op(tmp_path) -> None:
    path = write_script(
        tmp_path,
        """
        # mig-lint: disable=MIG002
        # the column moved to profiles in 3f2a
        op.drop_column("users", "email")

        op.drop_column("users", "phone")
        """,
    )
    assert active(lint_file(path)) == [("MIG002", "users.phone")]


def test_comment_above_with_a_blank_line_between_does_not_count(tmp_path) -> None:
    path = write_script(
        tmp_path,
        """
        # mig-lint: disable=MIG002

        op.drop_column("users", "email")
        """,
    )
    assert active(lint_file(path)) == [("MIG002", "users.email")]


def test_trailing_comment_on_any_line_of_a_multiline_call(tmp_path) -> None:
    path = write_script(
        tmp_path,
        """
        op.drop_column(
            "users",
            "email",
        )  # mig-lint: disable=drop-column
        """,
    )
    report = lint_file(path)
    assert active(report) == []
    assert silenced(report) == [("MIG002", "users.email", "op")]


def test_op_comment_names_only_the_rules_it_lists(tmp_path) -> None:
    path = write_script(
        tmp_path,
        """
        op.alter_column("users", "id", type_=sa.Integer(), existing_type=sa.BigInteger())  # mig-lint: disable=MIG007
        """,
    )
    report = lint_file(path)
    assert active(report) == [("MIG006", "users.id")]
    assert silenced(report) == [("MIG007", "users.id", "op")]


def test_op_comment_disable_all(tmp_path) -> None:
    path = write_script(
        tmp_path,
        """
        op.alter_column("users", "id", type_=sa.Integer(), existing_type=sa.BigInteger())  # mig-lint: disable=all
        op.drop_table("old")
        """,
    )
    report = lint_file(path)
    assert active(report) == [("MIG001", "old")]
    assert {s[0] for s in silenced(report)} == {"MIG006", "MIG007"}


def test_comment_on_a_batch_block_covers_its_ops(tmp_path) -> None:
    path = write_script(
        tmp_path,
        """
        with op.batch_alter_table("users") as batch_op:  # mig-lint: disable=MIG002
            batch_op.drop_column("email")
            batch_op.drop_column("phone")
        with op.batch_alter_table("orders") as batch_op:
            batch_op.drop_column("note")  # mig-lint: disable=MIG002
            batch_op.drop_column("total")
        """,
    )
    report = lint_file(path)
    assert active(report) == [("MIG002", "orders.total")]
    assert [s[1] for s in silenced(report)] == ["users.email", "users.phone", "orders.note"]


def test_get_bind_can_be_silenced_on_its_line(tmp_path) -> None:
    path = write_script(tmp_path, "conn = op.get_bind()  # mig-lint: disable=needs-database")
    report = lint_file(path)
    assert report.findings == []
    assert silenced(report) == [("MIG013", "", "op")]


def test_a_hash_inside_a_string_is_not_a_comment(tmp_path) -> None:
    path = write_script(tmp_path, 'op.execute("SELECT 1 -- # mig-lint: disable=MIG012")')
    assert active(lint_file(path)) == [("MIG012", "'SELECT 1 -- # mig-lint: disable=MIG012'")]


def test_an_indented_comment_not_next_to_an_op_silences_nothing(tmp_path) -> None:
    path = write_script(
        tmp_path,
        """
        op.drop_column("users", "email")
        # mig-lint: disable=MIG002
        """,
    )
    assert active(lint_file(path)) == [("MIG002", "users.email")]


def test_comment_naming_an_unknown_rule_is_refused_with_file_and_line(tmp_path) -> None:
    path = write_script(tmp_path, 'op.drop_table("t")  # mig-lint: disable=MIG0O1')
    line = next(n for n, t in enumerate(path.read_text().splitlines(), 1) if "MIG0O1" in t)
    with pytest.raises(LintConfigError) as err:
        lint_file(path)
    assert str(err.value).startswith(
        f"{path}:{line}: mig-lint comment names unknown rule 'MIG0O1' (known rules: MIG001,"
    )
