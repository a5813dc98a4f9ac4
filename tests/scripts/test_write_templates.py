"""generate_revision, file names, post-write hooks, init templates, from_config."""

from __future__ import annotations

import importlib.util
import sys
import types

import pytest

from mig.scripts import ScriptDirectory, copy_template, list_templates
from mig.scripts.errors import (
    BranchLabelError,
    ConfigError,
    HookError,
    TemplateError,
    WriteError,
)
from mig.scripts.write import slugify

from ._graph import draw


@pytest.fixture
def fake_ops(monkeypatch):
    """Revision files import ``from mig.ops import op``; mig.scripts must not need mig.ops."""
    mod = types.ModuleType("mig.ops")
    mod.op = object()
    monkeypatch.setitem(sys.modules, "mig.ops", mod)


def _import(path):
    spec = importlib.util.spec_from_file_location("rev_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_list_templates():
    names = {t.name: t.description for t in list_templates()}
    assert set(names) >= {"generic", "pyproject", "async", "multidb"}
    assert names["generic"].startswith("Generic single-database")


@pytest.mark.parametrize("name", ["generic", "pyproject", "async", "multidb"])
def test_each_template_writes_an_importable_revision(tmp_path, monkeypatch, fake_ops, name):
    monkeypatch.chdir(tmp_path)
    copy_template(name, "migrations", config_file="mig.ini")
    assert (tmp_path / "migrations" / "env.py").exists()
    assert (tmp_path / "migrations" / "versions").is_dir()
    config = tmp_path / ("pyproject.toml" if name == "pyproject" else "mig.ini")
    assert "%(here)s/migrations" in config.read_text()
    sd = ScriptDirectory("migrations", template_args={"databases": ["one", "two"]})
    first = sd.generate_revision("a1b2", "create account table")
    second = sd.generate_revision("c3d4", "add email", branch_labels=["acct"], depends_on="a1b2")
    module = _import(second.path)
    assert module.revision == "c3d4" and module.down_revision == "a1b2"
    assert module.branch_labels == "acct" and module.depends_on == "a1b2"
    assert module.__doc__.startswith("add email\n\nRevision ID: c3d4\nRevises: a1b2\n")
    assert "Create Date: " in module.__doc__
    if name == "multidb":
        assert callable(module.upgrade_one) and callable(module.downgrade_two)
    else:
        assert module.upgrade() is None
    assert first.path.endswith("a1b2_create_account_table.py")
    assert ScriptDirectory("migrations").get_heads() == ["c3d4"]


def test_copy_template_refuses_a_non_empty_directory(tmp_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "x").write_text("")
    with pytest.raises(TemplateError) as exc:
        copy_template("generic", tmp_path / "m", config_file=tmp_path / "mig.ini")
    assert str(tmp_path / "m") in str(exc.value)
    with pytest.raises(TemplateError) as exc2:
        copy_template("nope", tmp_path / "n")
    assert "generic" in str(exc2.value)


def test_user_template_directory(tmp_path):
    mine = tmp_path / "tpl" / "tiny"
    mine.mkdir(parents=True)
    (mine / "README").write_text("A tiny template.\n")
    (mine / "env.py.mako").write_text("# location: ${script_location}\n")
    assert "tiny" in {t.name for t in list_templates((tmp_path / "tpl",))}
    copy_template("tiny", tmp_path / "out", template_dirs=(tmp_path / "tpl",))
    assert (tmp_path / "out" / "env.py").read_text() == f"# location: {tmp_path / 'out'}\n"


def _env(tmp_path, **kw):
    copy_template("generic", tmp_path / "m", config_file=tmp_path / "mig.ini")
    return ScriptDirectory(tmp_path / "m", **kw)


def test_generate_revision_refusals(tmp_path):
    sd = _env(tmp_path)
    sd.generate_revision("aaa", "one")
    sd.generate_revision("bbb", "two", branch_labels="lbl")
    with pytest.raises(WriteError, match="'aaa' is not a head"):
        sd.generate_revision("ccc", "x", head="aaa")
    sd.generate_revision("ccc", "x", head="aaa", splice=True)
    with pytest.raises(WriteError, match="several heads"):
        sd.generate_revision("ddd", "y")
    with pytest.raises(BranchLabelError, match="'lbl' is already used by revision 'bbb'"):
        sd.generate_revision("ddd", "y", head="ccc", branch_labels="lbl")
    with pytest.raises(WriteError, match="not one of the version locations"):
        sd.generate_revision("ddd", "y", head="ccc", version_path=str(tmp_path))
    with pytest.raises(WriteError, match="not allowed"):
        sd.generate_revision("d-d", "y", head="ccc")
    merge = sd.generate_revision("eee", "merge", head="heads")
    assert merge.down_revision == ("bbb", "ccc") and merge.is_merge_point
    assert len(list((tmp_path / "m" / "versions").glob("*.py"))) == 4


def test_file_template_and_slug(tmp_path):
    flat = _env(tmp_path / "flat", file_template="%(year)d/%(rev)s_%(slug)s")
    with pytest.raises(ConfigError, match="recursive_version_locations"):
        flat.generate_revision("abc", "x")
    sd = _env(
        tmp_path,
        file_template="%(year)d/%(rev)s_%(slug)s",
        truncate_slug_length=10,
        recursive_version_locations=True,
    )
    s = sd.generate_revision("abc", "Add the user's e-mail column")
    assert s.path.endswith("/abc_add_the_.py") and "/20" in s.path
    assert slugify("Add the user's e-mail", 40) == "add_the_user_s_e_mail"
    bad = _env(tmp_path / "b", file_template="%(nope)s")
    with pytest.raises(ConfigError, match="file_template"):
        bad.generate_revision("abc", "x")


def test_post_write_hooks(tmp_path):
    from mig.scripts.hooks import parse_hooks

    section = {
        "hooks": "mark",
        "mark.type": "exec",
        "mark.executable": sys.executable,
        "mark.options": "-c \"import sys; open(sys.argv[1], 'a').write('# hooked')\" "
        "REVISION_SCRIPT_FILENAME",
    }
    sd = _env(tmp_path, hooks=parse_hooks(section))
    s = sd.generate_revision("abc", "x")
    assert open(s.path).read().endswith("# hooked")
    failing = _env(
        tmp_path / "f",
        hooks=parse_hooks(
            {
                "hooks": "bad",
                "bad.type": "exec",
                "bad.executable": sys.executable,
                "bad.options": "-c \"raise SystemExit('boom')\"",
            }
        ),
    )
    with pytest.raises(HookError, match=r"'bad'.*status 1: boom"):
        failing.generate_revision("abc", "x")
    missing = _env(
        tmp_path / "g",
        hooks=parse_hooks({"hooks": "r", "r.type": "exec", "r.executable": "no-such-prog-xyz"}),
    )
    with pytest.raises(HookError, match=r"no-such-prog-xyz.*not found"):
        missing.generate_revision("abc", "x")
    with pytest.raises(ConfigError, match=r"r\.type"):
        parse_hooks({"hooks": "r", "r.type": "weird"})
    with pytest.raises(ConfigError, match=r"r\.module"):
        parse_hooks({"hooks": "r", "r.type": "module"})
    with pytest.raises(HookError, match="not installed"):
        _env(
            tmp_path / "h",
            hooks=parse_hooks({"hooks": "m", "m.type": "module", "m.module": "no_such_mod_xyz"}),
        ).generate_revision("abc", "x")
    with pytest.raises(HookError, match="no console_scripts entry point"):
        _env(
            tmp_path / "i",
            hooks=parse_hooks(
                {"hooks": "c", "c.type": "console_scripts", "c.entrypoint": "no-such-ep-xyz"}
            ),
        ).generate_revision("abc", "x")


class Cfg:
    def __init__(self, main, sections=None):
        self.main, self.sections = main, sections or {}

    def get_main_option(self, name, default=None):
        return self.main.get(name, default)

    def get_section(self, name, default=None):
        return self.sections.get(name, default)


def test_from_config(tmp_path):
    draw(tmp_path / "loc1", "a")
    draw(tmp_path / "loc2", "b <- a")
    cfg = Cfg(
        {
            "script_location": str(tmp_path),
            "version_locations": f"{tmp_path / 'loc1' / 'versions'};{tmp_path / 'loc2' / 'versions'}",
            "version_path_separator": ";",
            "truncate_slug_length": "12",
            "timezone": "UTC",
            "sourceless": "false",
            "revision_environment": "true",
        },
        {"post_write_hooks": {"hooks": "f", "f.type": "module", "f.module": "json.tool"}},
    )
    sd = ScriptDirectory.from_config(cfg)
    assert sd.get_heads() == ["b"] and sd.truncate_slug_length == 12
    assert sd.timezone == "UTC" and sd.revision_environment is True
    assert [h.name for h in sd.hooks] == ["f"]


@pytest.mark.parametrize(
    ("options", "option"),
    [
        ({"truncate_slug_length": "abc"}, "truncate_slug_length"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"sourceless": "maybe"}, "sourceless"),
        ({"version_locations": "a", "version_path_separator": "|"}, "version_path_separator"),
        ({"output_encoding": "nope-8"}, "output_encoding"),
        ({"script_location": "/no/such/dir"}, "script_location"),
    ],
)
def test_from_config_bad_values(tmp_path, options, option):
    main = {"script_location": str(tmp_path), **options}
    with pytest.raises(ConfigError) as exc:
        ScriptDirectory.from_config(Cfg(main))
    assert f"'{option}'" in str(exc.value)
