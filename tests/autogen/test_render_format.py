"""Rendered code is already formatted: ``ruff format`` leaves it unchanged.

A large sample (every directive form, every kind of type, long and odd names, the ops
catalogue of mig-ops, batch and non-batch, two line lengths) is rendered into one module and
``ruff format --diff`` must report nothing. The layout engine is also checked against ruff
on random expression trees, and a whole script written from the templates is checked too.
"""

from __future__ import annotations

import datetime
import importlib.util
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from mako.template import Template

from mig import ops
from mig.autogen.render import render_python_code
from mig.autogen.render.layout import (
    Atom,
    Kw,
    call_items,
    dict_of,
    layout,
    list_of,
    literal,
    tuple_of,
)
from mig.autogen.revision import template_args

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "packages" / "mig-scripts" / "src" / "mig" / "scripts" / "templates"
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")


def _load(path: Path, name: str):
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


samples = _load(Path(__file__).with_name("render_samples.py"), "mig_autogen_render_samples")
catalog = _load(ROOT / "tests" / "ops" / "ops_catalog.py", "mig_ops_catalog_for_render")


def ruff_format_diff(source: str, tmp_path: Path, line_length: int) -> str:
    """What ``ruff format`` would change (empty when nothing), failing on a syntax error."""
    assert RUFF is not None, "ruff is a development dependency (requirements-dev.txt)"
    path = tmp_path / f"rendered_{line_length}.py"
    path.write_text(source, encoding="utf-8")
    proc = subprocess.run(
        [RUFF, "format", "--isolated", f"--line-length={line_length}", "--diff", str(path)],
        capture_output=True,
        text=True,
    )
    assert "error" not in proc.stderr.lower(), proc.stderr
    return proc.stdout


def sample_directives() -> list[ops.MigrateOperation]:
    out: list[ops.MigrateOperation] = list(samples.cases().values())
    out += [ops.AddColumnOp("t", sa.Column("c", type_)) for type_ in samples.types()]
    out += samples.long_and_odd()
    out += [d for d in catalog.every_directive() if not isinstance(d, ops.MigrationScript)]
    out.append(
        ops.ModifyTableOps(
            "account",
            [
                ops.AddColumnOp("account", sa.Column("email", sa.String(200), nullable=False)),
                ops.CreateIndexOp("ix_account_email", "account", ["email"], unique=True),
                ops.RenameTableOp("account", "accounts"),
                ops.AlterColumnOp(
                    "account", "name", modify_type=sa.Text(), existing_type=sa.String(30)
                ),
            ],
        )
    )
    return out


def module_source(bodies: list[str], imports: set[str]) -> str:
    head = ["import sqlalchemy as sa", "", "from mig.ops import op", *sorted(imports)]
    functions = [f"def step_{i}() -> None:\n    {body}\n" for i, body in enumerate(bodies)]
    return "\n".join(head) + "\n\n\n" + "\n\n".join(functions)


@pytest.mark.parametrize("render_as_batch", [False, True], ids=["plain", "batch"])
@pytest.mark.parametrize("line_length", [88, 100])
def test_rendered_directives_are_left_alone_by_ruff(
    tmp_path: Path, line_length: int, render_as_batch: bool
) -> None:
    imports: set[str] = set()
    bodies = [
        render_python_code(
            [directive],
            imports=imports,
            render_as_batch=render_as_batch,
            line_length=line_length,
        )
        for directive in sample_directives()
    ]
    assert len(bodies) > 120
    source = module_source(bodies, imports)
    compile(source, "rendered", "exec")
    assert ruff_format_diff(source, tmp_path, line_length) == ""


# -- the layout engine on random trees ------------------------------------------------------


def _name(r: random.Random) -> str:
    return "".join(r.choice("abghxyz_") for _ in range(r.choice([1, 3, 8, 15, 30])))


def _node(r: random.Random, depth: int):
    pick = r.random()
    if depth > 2 or pick < 0.35:
        kind = r.random()
        if kind < 0.5:
            return literal(_name(r) * r.choice([1, 1, 2, 5]))
        if kind < 0.7:
            return literal(r.randint(0, 10 ** r.randint(1, 9)))
        return Atom(r.choice(["None", "True", "sa.Integer()", "t"]))
    if pick < 0.6:
        head = r.choice(["sa.Column", "op.f", "postgresql.ARRAY", "my.mod.Type", "sa.String(3).x"])
        count = r.choice([0, 1, 1, 2, 3, 5, 8])
        if "(" in head:
            count = max(count, 1)  # an empty last call is split on the one before it
        items = [_node(r, depth + 1) for _ in range(count)]
        items += [Kw(_name(r), _node(r, depth + 1)) for _ in range(r.choice([0, 0, 1, 2, 4]))]
        return call_items(head, items)
    if pick < 0.8:
        return list_of([_node(r, depth + 1) for _ in range(r.choice([0, 1, 2, 3, 6]))])
    if pick < 0.9:
        return dict_of(
            [(literal(_name(r)), _node(r, depth + 1)) for _ in range(r.choice([0, 1, 2, 4]))]
        )
    return tuple_of([_node(r, depth + 1) for _ in range(r.choice([1, 2, 3]))])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_layout_matches_ruff_on_random_expressions(tmp_path: Path, seed: int) -> None:
    r = random.Random(seed)
    for line_length in (88, 100):
        lines = ["def upgrade():"]
        for _ in range(120):
            args = [_node(r, 0) for _ in range(r.choice([1, 2, 3, 4]))]
            statement = call_items("op.add_column", [*args, Kw("schema", _node(r, 2))])
            if r.random() < 0.1:
                lines += layout(
                    statement, 1, prefix="with ", suffix=" as batch_op:", line_length=line_length
                )
                lines.append("        pass")
            else:
                lines += layout(statement, 1, line_length=line_length)
        source = "\n".join(lines) + "\n"
        assert ruff_format_diff(source, tmp_path, line_length) == ""


# -- a whole script -----------------------------------------------------------------------------


def _script_text(template: str, args: dict) -> str:
    return Template(filename=str(TEMPLATES / template / "script.py.mako")).render_unicode(
        up_revision="ab12",
        down_revision=None,
        branch_labels=None,
        depends_on=None,
        create_date=datetime.datetime(2024, 1, 2, 3, 4, 5),
        message="add things",
        comma=", ".join,
        **args,
    )


def _functions(text: str) -> list[str]:
    """The script's functions, blank lines around them dropped (the template's own)."""
    return [part.strip("\n") for part in text.split("\ndef ")[1:]]


@pytest.mark.parametrize("template", ["generic", "multidb"])
def test_whole_script_bodies_are_left_alone_by_ruff(tmp_path: Path, template: str) -> None:
    directives = [d for d in sample_directives() if not isinstance(d, ops.BatchAlterTableOp)]
    pairs = [(ops.UpgradeOps(directives[:40]), ops.DowngradeOps(directives[40:80]))]
    if template == "multidb":
        pairs = [
            (
                ops.UpgradeOps(directives[:40], upgrade_token="engine1_upgrades"),
                ops.DowngradeOps(directives[40:80], downgrade_token="engine1_downgrades"),
            ),
            (
                ops.UpgradeOps(directives[80:100], upgrade_token="engine2_upgrades"),
                ops.DowngradeOps([], downgrade_token="engine2_downgrades"),
            ),
        ]
    from mig.autogen.revision import set_ops_lists

    script = ops.MigrationScript("ab12", pairs[0][0], pairs[0][1])
    set_ops_lists(script, [p[0] for p in pairs], [p[1] for p in pairs])
    args = template_args(script)
    if template == "multidb":
        args["databases"] = "engine1, engine2"
    text = _script_text(template, args)
    compile(text, "script", "exec")
    path = tmp_path / "script.py"
    path.write_text(text, encoding="utf-8")
    subprocess.run([RUFF, "format", "--isolated", str(path)], check=True, capture_output=True)
    assert _functions(path.read_text(encoding="utf-8")) == _functions(text)
    assert "from sqlalchemy.dialects import postgresql\n" in text
