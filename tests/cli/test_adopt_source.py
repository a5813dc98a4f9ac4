"""mig adopt's exact source edits: each import form, aliases, comments kept, and reports.

Every conversion is also run a second time on its own output, which must not change it.
"""

from __future__ import annotations

import textwrap

import pytest

from mig.cli.adopt import convert_mako, convert_python
from mig.cli.adopt.config import convert_ini, convert_pyproject
from mig.cli.errors import UsageError


def convert(source: str) -> tuple[str, list[str]]:
    edit = convert_python(textwrap.dedent(source), "rev.py")
    again = convert_python(edit.text, "rev.py")
    assert again.text == edit.text, "a second run changed the file again"
    return edit.text, [str(f) for f in edit.findings]


def test_from_import_of_op_keeps_comments_and_layout_around_it() -> None:
    text, found = convert(
        '''\
        """create a"""
        # the op facade, from Alembic
        from alembic import op  # scripts use this
        import sqlalchemy as sa


        def upgrade() -> None:
            op.create_table("a", sa.Column("id", sa.Integer))  # a table
        '''
    )
    assert found == []
    assert text == textwrap.dedent(
        '''\
        """create a"""
        # the op facade, from Alembic
        from mig.ops import op  # scripts use this
        import sqlalchemy as sa


        def upgrade() -> None:
            op.create_table("a", sa.Column("id", sa.Integer))  # a table
        '''
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("from alembic import context\n", "from mig.runtime import context\n"),
        ("from alembic import op as ops\n", "from mig.ops import op as ops\n"),
        ("from alembic import context as ctx\n", "from mig.runtime import context as ctx\n"),
        ("from alembic import command\n", "from mig.cli import command\n"),
        ("from alembic.config import Config\n", "from mig.cli.config import Config\n"),
        ("from alembic.operations import Operations\n", "from mig.ops import Operations\n"),
        ("from alembic.operations import ops\n", "from mig import ops\n"),
        ("from alembic.operations.ops import AddColumnOp\n", "from mig.ops import AddColumnOp\n"),
        (
            "from alembic.runtime.migration import MigrationContext\n",
            "from mig.runtime import MigrationContext\n",
        ),
        (
            "from alembic.runtime.environment import EnvironmentContext\n",
            "from mig.runtime import EnvironmentContext\n",
        ),
        (
            "from alembic.script import ScriptDirectory\n",
            "from mig.scripts import ScriptDirectory\n",
        ),
        (
            "from alembic.autogenerate import compare_metadata\n",
            "from mig.autogen import compare_metadata\n",
        ),
        ("from alembic import autogenerate\n", "from mig import autogen as autogenerate\n"),
        ("from alembic.util import CommandError\n", "from mig.cli.errors import CommandError\n"),
        ("from alembic.ddl.impl import DefaultImpl\n", "from mig.ddl import DefaultImpl\n"),
        ("from alembic.operations import *\n", "from mig.ops import *\n"),
        ("import alembic.config as cfg\n", "import mig.cli.config as cfg\n"),
        ("import alembic.op as o\n", "from mig.ops import op as o\n"),
        ("import os, alembic.command as cmd\n", "import os, mig.cli.command as cmd\n"),
    ],
)
def test_each_import_form(before: str, after: str) -> None:
    assert convert(before) == (after, [])


def test_bracketed_import_keeps_its_brackets_and_inline_comments() -> None:
    text, _ = convert(
        """\
        from alembic.operations import (
            Operations,  # the facade
            BatchOperations,
        )
        """
    )
    assert text == textwrap.dedent(
        """\
        from mig.ops import (
            Operations,  # the facade
            BatchOperations,
        )
        """
    )


def test_names_of_two_mig_modules_split_into_two_statements() -> None:
    assert convert("from alembic import op, context  # both\n")[0] == (
        "from mig.ops import op\nfrom mig.runtime import context  # both\n"
    )
    text, _ = convert(
        """\
        # leading comment
        from alembic import (
            op,  # the op
            context,
        )
        """
    )
    assert text == textwrap.dedent(
        """\
        # leading comment
        from mig.ops import (
            op,  # the op
        )
        from mig.runtime import (
            context,
        )
        """
    )


def test_import_alembic_rewrites_its_attribute_uses() -> None:
    text, found = convert(
        """\
        import alembic


        def upgrade():
            # a comment in the body
            alembic.op.add_column("t", col)  # inline
            (alembic.context).get_context()
            return alembic.config.Config
        """
    )
    assert found == []
    assert text == textwrap.dedent(
        """\
        import mig.ops, mig.runtime, mig.cli.config


        def upgrade():
            # a comment in the body
            mig.ops.op.add_column("t", col)  # inline
            (mig.runtime.context).get_context()
            return mig.cli.config.Config
        """
    )


def test_import_alembic_alias_and_submodule_forms() -> None:
    assert convert("import alembic as al\nal.op.f('x')\n") == (
        "import mig.ops\nmig.ops.op.f('x')\n",
        [],
    )
    assert convert("import alembic.command\nalembic.command.upgrade(cfg, 'head')\n") == (
        "import mig.cli.command\nmig.cli.command.upgrade(cfg, 'head')\n",
        [],
    )


def test_an_unused_import_alembic_goes_and_leaves_a_valid_block() -> None:
    assert convert("if True:\n    import alembic\n")[0] == "if True:\n    pass\n"


def test_an_internal_mig_lacks_is_reported_with_file_and_line_and_left_as_it_is() -> None:
    text, found = convert(
        """\
        from alembic import op
        from alembic.util import CommandError, rev_id
        from alembic import __version__
        """
    )
    assert text == textwrap.dedent(
        """\
        from mig.ops import op
        from alembic.util import rev_id
        from mig.cli.errors import CommandError
        from alembic import __version__
        """
    )
    assert found == [
        "rev.py:2: alembic.util.rev_id: mig.cli.errors has no rev_id; left as it is",
        "rev.py:3: alembic.__version__: mig has no equivalent; left as it is",
    ]


def test_an_attribute_use_mig_cannot_map_is_reported_and_alembic_kept_for_it() -> None:
    text, found = convert(
        """\
        import alembic

        alembic.op.f("x")
        print(alembic.__version__)
        handler = alembic
        """
    )
    assert text.splitlines()[0] == "import alembic, mig.ops"
    assert 'mig.ops.op.f("x")' in text
    assert found == [
        "rev.py:4: alembic.__version__: mig has no equivalent",
        "rev.py:5: alembic is used as a value: mig has no one module for it",
    ]


def test_a_missing_name_on_a_converted_module_is_reported() -> None:
    text, found = convert("from alembic import config\nconfig.Config\nconfig.NoSuchThing\n")
    assert text.startswith("from mig.cli import config\n")
    assert found == ["rev.py:3: alembic.config.NoSuchThing: mig.cli.config has no NoSuchThing"]


def test_star_import_of_the_package_is_reported() -> None:
    assert convert("from alembic import *\n")[1] == [
        "rev.py:1: from alembic import *: alembic: mig has no equivalent"
    ]


def test_files_without_alembic_are_untouched() -> None:
    source = "import os  # nothing to do\nfrom mig.ops import op\nalembic_name = 1\n"
    assert convert(source) == (source, [])


def test_a_syntax_error_is_one_line_naming_file_and_line() -> None:
    with pytest.raises(UsageError) as err:
        convert_python("from alembic import op\n\ndef upgrade(:\n    pass\n", "versions/x.py")
    message = str(err.value)
    assert message.startswith("versions/x.py:3: not valid Python")
    assert "\n" not in message


MAKO = '''\
"""${message}
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
${imports if imports else ""}
<%!
    from alembic import context
%>
'''


def test_script_py_mako_only_its_import_lines_change() -> None:
    edit = convert_mako(MAKO, "script.py.mako")
    assert edit.findings == []
    assert edit.text == MAKO.replace("from alembic import op", "from mig.ops import op").replace(
        "from alembic import context", "from mig.runtime import context"
    )
    assert convert_mako(edit.text, "script.py.mako").text == edit.text


def test_script_py_mako_lines_it_cannot_convert_are_reported() -> None:
    edit = convert_mako("import alembic\nfrom alembic import (op,\n", "script.py.mako")
    assert edit.text == "import alembic\nfrom alembic import (op,\n"
    assert [str(f) for f in edit.findings] == [
        "script.py.mako:1: import alembic: cannot convert this template line",
        "script.py.mako:2: from alembic import (op,: cannot convert this template line",
    ]


KEPT = "# mig adopt: carry on with the version table Alembic has been writing\n"


def test_ini_the_section_header_changes_and_the_version_table_is_kept() -> None:
    ini = "# hi\n[alembic]\nscript_location = x  # kept\n\n[loggers]\nkeys = root,alembic\n"
    assert convert_ini(ini, "alembic.ini") == ini.replace(
        "[alembic]\n", "[mig]\n" + KEPT + "version_table = alembic_version\n"
    )


def test_ini_that_names_its_version_table_keeps_it() -> None:
    ini = "[alembic]\nscript_location = x\nversion_table = my_versions\n"
    assert convert_ini(ini, "alembic.ini") == ini.replace("[alembic]", "[mig]")


PYPROJECT = """\
[project]
name = "demo"  # stays

[tool.alembic]
# where the scripts are
script_location = "%(here)s/migrations"
prepend_sys_path = [
    "."
]

# [[tool.alembic.post_write_hooks]]
# name = "black"

[[tool.alembic.post_write_hooks]]
name = "ruff"
type = "exec"
"""


def test_pyproject_only_table_headers_change_and_the_version_table_is_kept() -> None:
    new = convert_pyproject(PYPROJECT, "pyproject.toml")
    assert new == PYPROJECT.replace("tool.alembic", "tool.mig").replace(
        "[tool.mig]\n", "[tool.mig]\n" + KEPT + 'version_table = "alembic_version"\n', 1
    )


def test_pyproject_with_dotted_alembic_keys_is_refused() -> None:
    with pytest.raises(UsageError, match=r"^pyproject.toml: \[tool.alembic\] is not written"):
        convert_pyproject('[tool]\nalembic.script_location = "m"\n', "pyproject.toml")
