"""Column types from other libraries (sqlmodel, sqlalchemy-utils, geoalchemy2) as script code.

Run by test_render_third_party_types.py in a pytest process of its own: importing
geoalchemy2 changes every Engine and every Computed column in the process (see there).

A type from outside SQLAlchemy is written from its ``repr()``. That text is only written when
running it (with its import) builds the same type again: ``sqlalchemy_utils.ChoiceType``'s
``repr()`` is ``ChoiceType(length=255)``, which raises at upgrade (``choices`` is required),
so it is written as its database type with a ``# TODO(mig)`` note naming the type and the
``render_item`` hook, which ``mig lint`` reports (MIG014) until a person settles it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

pytest.importorskip("sqlalchemy_utils")
pytest.importorskip("sqlmodel")
pytest.importorskip("geoalchemy2")

import geoalchemy2
import sqlalchemy_utils
from sqlmodel.sql.sqltypes import AutoString

from mig import ops
from mig.autogen import render_python_code
from mig.autogen.render import RenderContext, render_type

UNRENDERED_TYPE_TODO = "TODO(mig): unrendered type"


def same_type(a, b) -> bool:
    """Same class, same repr, same public attributes (types compared the same way)."""
    if type(a) is not type(b) or repr(a) != repr(b):
        return False
    names = {n for t in (a, b) for n in vars(t) if not n.startswith("_") and n != "dispatch"}
    for name in names - {"impl", "impl_instance"}:
        x, y = getattr(a, name, None), getattr(b, name, None)
        if not (same_type(x, y) if isinstance(x, sa.types.TypeEngine) else x == y):
            return False
    if isinstance(a, sa.types.TypeDecorator):
        return same_type(a.impl_instance, b.impl_instance)
    return True


def test_the_marker_is_the_one_lint_looks_for() -> None:
    from mig.autogen.render import types
    from mig.cli.lint import todos

    assert types.UNRENDERED_TYPE_TODO == todos.UNRENDERED_TYPE_TODO == UNRENDERED_TYPE_TODO


CHOICES = [("a", "Active"), ("b", "Blocked")]

ROUND_TRIPPING = {
    "AutoString()": AutoString(),
    "AutoString(length=20)": AutoString(length=20),
    "UUIDType()": sqlalchemy_utils.UUIDType(),
    "UUIDType(binary=False)": sqlalchemy_utils.UUIDType(binary=False),
    "EmailType()": sqlalchemy_utils.EmailType(),
    "EmailType(length=100)": sqlalchemy_utils.EmailType(length=100),
    "Geometry(POINT, 4326)": geoalchemy2.Geometry("POINT", srid=4326),
    "Geometry(POLYGON, spatial_index=False)": geoalchemy2.Geometry("POLYGON", spatial_index=False),
}


def render(type_: sa.types.TypeEngine) -> tuple[str, set[str], list[str]]:
    context = RenderContext()
    text = render_type(context, type_).flat()
    return text, context.imports, getattr(context, "todos", [])


def build(text: str, imports: set[str]) -> sa.types.TypeEngine:
    """What the script does at upgrade: its imports (and the template's ``sa``), then the text."""
    namespace: dict = {}
    for line in ["import sqlalchemy as sa", *sorted(imports)]:
        exec(line, namespace)
    return eval(text, namespace)


PUBLIC_PACKAGES = {AutoString: "sqlmodel"} | {
    cls: package.__name__
    for package, cls in [
        (sqlalchemy_utils, sqlalchemy_utils.UUIDType),
        (sqlalchemy_utils, sqlalchemy_utils.EmailType),
        (geoalchemy2, geoalchemy2.Geometry),
    ]
}


@pytest.mark.parametrize("type_", ROUND_TRIPPING.values(), ids=ROUND_TRIPPING.keys())
def test_a_type_whose_repr_rebuilds_it_is_written_from_it(type_) -> None:
    """Written behind the package that exports it (``sqlalchemy_utils.UUIDType``, not
    ``sqlalchemy_utils.types.uuid.UUIDType``); run, the text builds the same type."""
    text, imports, todos = render(type_)
    package = PUBLIC_PACKAGES[type(type_)]
    assert text.startswith(f"{package}.{type(type_).__name__}(")
    assert imports == {f"import {package}"}
    rebuilt = build(text, imports)
    assert type(rebuilt) is type(type_)
    assert repr(rebuilt) == repr(type_)
    assert same_type(rebuilt, type_)
    assert todos == []


def test_types_are_written_behind_the_package_that_exports_them() -> None:
    assert render(AutoString()) == ("sqlmodel.AutoString()", {"import sqlmodel"}, [])
    assert render(sqlalchemy_utils.UUIDType(binary=False))[:2] == (
        "sqlalchemy_utils.UUIDType(binary=False)",
        {"import sqlalchemy_utils"},
    )
    text, imports, _ = render(geoalchemy2.Geometry("POINT", srid=4326))
    assert text.startswith('geoalchemy2.Geometry(geometry_type="POINT", srid=4326')
    assert imports == {"import geoalchemy2"}


@pytest.mark.parametrize(
    "type_, database_type",
    [
        (sqlalchemy_utils.ChoiceType(CHOICES), "sa.Unicode(length=255)"),
        (sqlalchemy_utils.ChoiceType(CHOICES, impl=sa.String(1)), "sa.String(length=1)"),
    ],
    ids=["default-impl", "impl=String(1)"],
)
def test_a_type_whose_repr_does_not_rebuild_it_is_written_as_its_database_type(
    type_, database_type
) -> None:
    text, imports, todos = render(type_)
    assert text == database_type
    assert imports == set()
    rebuilt = build(text, imports)  # runs at upgrade: no TypeError for a missing `choices`
    assert same_type(rebuilt, type_.impl_instance)
    assert todos[0].startswith(f"{UNRENDERED_TYPE_TODO} sqlalchemy_utils.ChoiceType ")
    note = " ".join(todos)
    assert f"repr() {type_!r} does not rebuild it" in note
    assert "render_item" in note

    def render_item(kind, obj, context):  # what the note advises: no note then
        if kind == "type" and isinstance(obj, sqlalchemy_utils.ChoiceType):
            context.imports.add("import sqlalchemy_utils")
            return f"sqlalchemy_utils.ChoiceType({list(obj.choices)!r})"
        return False

    column = ops.AddColumnOp("accounts", sa.Column("status", type_))
    code = render_python_code(ops.UpgradeOps([column]), render_item=render_item)
    assert UNRENDERED_TYPE_TODO not in code
    assert "sqlalchemy_utils.ChoiceType([(" in code


def test_the_note_is_written_above_the_directive_once() -> None:
    choice = sqlalchemy_utils.ChoiceType(CHOICES)
    table = ops.CreateTableOp(
        "accounts",
        [
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("status", choice),
            sa.Column("previous_status", sqlalchemy_utils.ChoiceType(CHOICES)),
            sa.Column("email", sqlalchemy_utils.EmailType()),
        ],
    )
    imports: set[str] = set()
    code = render_python_code(ops.UpgradeOps([table]), imports=imports)
    lines = code.splitlines()
    todo = [i for i, line in enumerate(lines) if UNRENDERED_TYPE_TODO in line]
    assert len(todo) == 1
    create = next(i for i, line in enumerate(lines) if "op.create_table(" in line)
    assert all(line.strip().startswith("#") for line in lines[todo[0] : create])
    assert 'sa.Column("status", sa.Unicode(length=255), nullable=True)' in code
    assert 'sa.Column("email", sqlalchemy_utils.EmailType(length=255), nullable=True)' in code
    assert imports == {"import sqlalchemy_utils"}
    namespace: dict = {}
    recorded = ops.record(lambda: exec(_function(code), _script_namespace(namespace)))
    assert [type(d) for d in recorded] == [ops.CreateTableOp]


def _function(body: str) -> str:
    return "def upgrade():\n    " + body + "\nupgrade()\n"


def _script_namespace(namespace: dict) -> dict:
    for line in ["import sqlalchemy as sa", "from mig.ops import op", "import sqlalchemy_utils"]:
        exec(line, namespace)
    return namespace


# -- through the CLI, on each backend ---------------------------------------------------------

MODEL = """
import sqlalchemy as sa
import sqlalchemy_utils
from sqlmodel.sql.sqltypes import AutoString

metadata = sa.MetaData()

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("status", sqlalchemy_utils.ChoiceType([("a", "Active"), ("b", "Blocked")])),
    sa.Column("email", sqlalchemy_utils.EmailType()),
    sa.Column("token", sqlalchemy_utils.UUIDType(binary=False)),
    sa.Column("nick", AutoString(length=40)),
)
"""


def test_autogenerate_upgrade_check_and_lint_with_third_party_types(engine, tmp_path) -> None:
    from e2e.conftest import Project

    root = tmp_path / "proj"
    root.mkdir()
    project = Project(root, engine.url.render_as_string(hide_password=False))
    project.init()
    env_py = root / "migrations" / "env.py"
    env_py.write_text(
        env_py.read_text().replace(
            "target_metadata = None", "from models import metadata as target_metadata"
        )
    )
    (root / "models.py").write_text(MODEL)
    project.mig("revision", "--autogenerate", "-m", "accounts", "--rev-id", "a1")
    script = next((root / "migrations" / "versions").glob("a1_*.py"))
    text = script.read_text()
    assert f"# {UNRENDERED_TYPE_TODO} sqlalchemy_utils.ChoiceType" in text
    assert "sqlalchemy_utils.EmailType(length=255)" in text
    assert "import sqlalchemy_utils" in text and "import sqlmodel" in text

    project.mig("upgrade", "head")  # the script runs: no ChoiceType(length=255) TypeError
    assert "accounts" in project.table_names()
    assert project.mig("check").out.strip() == "No new upgrade operations detected."

    lint = project.mig("lint", code=1).out
    assert "MIG014" in lint and "sqlalchemy_utils.ChoiceType" in lint
    assert "render_item" in lint

    _settle(script)
    assert "MIG014" not in project.mig("lint").out
    project.mig("downgrade", "base")
    assert "accounts" not in project.table_names()


def _settle(script: Path) -> None:
    """What the note asks a person to do: write the real type and delete the note."""
    lines = script.read_text().splitlines()
    kept = [line for line in lines if not line.lstrip().startswith("# TODO(mig)")]
    kept = [line for line in kept if "its repr()" not in line and "render_item=" not in line]
    text = "\n".join(kept) + "\n"
    text = text.replace(
        '"status", sa.Unicode(length=255)',
        '"status", sqlalchemy_utils.ChoiceType([("a", "Active"), ("b", "Blocked")])',
    )
    script.write_text(text)


_STORED_BEFORE_AND_AFTER_GEOALCHEMY2 = """
import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.schema import CreateTable
t = sa.Table("x", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("c", sa.Integer, sa.Computed("id * 2", persisted=True)))
dialect = mysql.dialect(is_mariadb=True)
before = "STORED" in str(CreateTable(t).compile(dialect=dialect))
import geoalchemy2
after = "STORED" in str(CreateTable(t).compile(dialect=dialect))
print(before, after)
"""


def test_geoalchemy2_still_drops_stored_from_computed_on_mysql() -> None:
    """Why mig-autogen does not compare ``persisted`` on MySQL/MariaDB (compare/computed.py,
    README Limits): importing geoalchemy2 replaces the compilation of every Computed there
    with one without STORED. When this fails, geoalchemy2 keeps STORED: compare it again."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", _STORED_BEFORE_AND_AFTER_GEOALCHEMY2],
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.split() == ["True", "False"]
