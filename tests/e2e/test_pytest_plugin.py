"""mig-cli's pytest plugin, used the way a project uses it: a sample project whose test suite
is nothing but the plugin's tests, run with `python -m pytest` in a subprocess."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

from . import verify_project as vp
from .conftest import Project, Result

PLUGIN_INI = "[pytest]\nmig_config = mig.ini\n"
TEST_IDS = [
    "mig.ini::test_single_head_revision",
    "mig.ini::test_upgrade",
    "mig.ini::test_model_definitions_match_ddl",
    "mig.ini::test_up_down_consistency",
    "mig.ini::test_no_lint_errors",
]
#: the model once g00007 (below) has dropped posts.body
MODEL_WITHOUT_BODY = vp.MODEL.replace('    sa.Column("body", sa.Text),\n', "")


def pytest_in(root: Path, *args: str) -> Result:
    """`python -m pytest` in the sample project, as its developer would run it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["NO_COLOR"] = "1"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rfs", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def _sample(tmp_path: Path, *, with_model: bool = True, ini: str = PLUGIN_INI) -> Project:
    root = tmp_path / "sample"
    root.mkdir()
    project = Project(root, f"sqlite:///{root / 'app.db'}")
    vp.build(project, with_model=with_model)
    if ini:
        (root / "pytest.ini").write_text(ini)
    return project


def _outcomes(result: Result) -> dict[str, str]:
    """``-v`` lines: test id -> PASSED / FAILED / SKIPPED."""
    found = {}
    for line in result.out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and "::" in parts[0] and parts[1] in ("PASSED", "FAILED", "SKIPPED"):
            found[parts[0]] = parts[1]
    return found


def test_plugin_is_registered_light_and_inert_until_enabled(tmp_path: Path) -> None:
    entry_points = importlib.metadata.entry_points(group="pytest11")
    assert any(ep.value == "mig.cli.pytest_plugin" for ep in entry_points)

    # importing it loads neither SQLAlchemy nor the checks nor pytest
    code = (
        "import sys, mig.cli.pytest_plugin; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'pytest', "
        "'click') or m.startswith('mig.cli.verify')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip() == "[]"

    project = _sample(tmp_path, ini="[pytest]\n")  # a mig project that did not opt in
    result = pytest_in(project.root, "--collect-only", "-q")
    assert result.code == 5, result.out  # no tests collected
    assert "no tests collected" in result.out
    assert "--mig-config=FILE" in pytest_in(project.root, "--help").out


def test_sample_suite_passes_then_fails_on_a_second_head_and_on_model_drift(
    tmp_path: Path,
) -> None:
    project = _sample(tmp_path)
    result = pytest_in(project.root, "-v")
    assert result.code == 0, result.out
    assert _outcomes(result) == dict.fromkeys(TEST_IDS, "PASSED")
    assert not (project.root / "app.db").exists()  # the configured database is not used

    # a second head: only the single-head test fails, and says which heads
    side = vp.write_revision(project, "z00009", "e00005", "side branch", "pass", "pass")
    result = pytest_in(project.root, "-v")
    assert result.code == 1
    assert _outcomes(result) == {
        **dict.fromkeys(TEST_IDS, "PASSED"),
        "mig.ini::test_single_head_revision": "FAILED",
    }
    assert "2 head revisions, expected one: merge them with `mig merge heads`" in result.out
    assert "  z00009 side branch" in result.out
    side.unlink()

    # model drift: the model has a column no migration creates
    vp.use_model(
        project,
        vp.MODEL.replace(
            '    sa.Column("slug", sa.String(100)),\n',
            '    sa.Column("slug", sa.String(100)),\n    sa.Column("draft", sa.Boolean),\n',
        ),
    )
    result = pytest_in(project.root, "-v")
    assert result.code == 1
    assert _outcomes(result) == {
        **dict.fromkeys(TEST_IDS, "PASSED"),
        "mig.ini::test_model_definitions_match_ddl": "FAILED",
    }
    assert "the schema at the heads differs from the model (1 difference;" in result.out
    assert "  + add column posts.draft: BOOLEAN" in result.out


def test_broken_downgrade_and_lint_finding_fail_their_tests(tmp_path: Path) -> None:
    project = _sample(tmp_path)
    vp.forget_to_drop_body(project)
    result = pytest_in(project.root, "-v")
    assert result.code == 1
    assert _outcomes(result)["mig.ini::test_up_down_consistency"] == "FAILED"
    assert list(_outcomes(result).values()).count("FAILED") == 1
    assert (
        "revision c00003 (body and slug): its downgrade does not undo its upgrade: "
        "table posts still has column body"
    ) in result.out
    assert "Traceback" not in result.out  # a finding is a message, not a stack

    vp.replace_in_script(
        project,
        "c00003",
        '    op.drop_column("posts", "slug")',
        '    op.drop_column("posts", "slug")\n    op.drop_column("posts", "body")',
    )
    vp.write_revision(
        project,
        "g00007",
        "f00006",
        "no body",
        'op.drop_column("posts", "body")',
        'op.add_column("posts", sa.Column("body", sa.Text))',
    )
    vp.use_model(project, MODEL_WITHOUT_BODY)
    result = pytest_in(project.root, "-v")
    assert result.code == 1
    assert _outcomes(result) == {
        **dict.fromkeys(TEST_IDS, "PASSED"),
        "mig.ini::test_no_lint_errors": "FAILED",
    }
    assert "MIG002 [revision g00007] drop_column posts.body" in result.out

    # disabled in the project's mig config, the rule no longer fails the suite
    ini = project.root / "mig.ini"
    ini.write_text(ini.read_text().replace("[mig]\n", "[mig]\nlint.disable = MIG002\n", 1))
    assert pytest_in(project.root).code == 0


def test_plugin_on_each_backend_with_mig_url(project: Project) -> None:
    vp.build(project, with_model=True)
    (project.root / "pytest.ini").write_text(PLUGIN_INI)
    result = pytest_in(project.root, "-v", "--mig-url", project.url)
    assert result.code == 0, result.out
    assert _outcomes(result) == dict.fromkeys(TEST_IDS, "PASSED")
    assert project.table_names() == set()  # each test leaves the database empty

    vp.forget_to_drop_body(project)
    (project.root / "pytest.ini").write_text(f"{PLUGIN_INI}mig_url = {project.url}\n")
    result = pytest_in(project.root, "-v")
    assert result.code == 1
    assert _outcomes(result)["mig.ini::test_up_down_consistency"] == "FAILED"
    assert list(_outcomes(result).values()).count("FAILED") == 1
    assert project.table_names() == set()  # emptied after the failing test too


def test_settings_choose_tests_anchor_and_config(tmp_path: Path) -> None:
    project = _sample(tmp_path, with_model=False, ini="")
    root = project.root

    # enabled from the command line; without a model the model test is skipped, saying why
    result = pytest_in(root, "--mig-config", "mig.ini")
    assert result.code == 0, result.out
    assert "4 passed, 1 skipped" in result.out
    assert "env.py passes no target_metadata to context.configure()" in result.out

    (root / "pytest.ini").write_text(
        PLUGIN_INI + "mig_tests = test_single_head_revision test_upgrade\n"
    )
    result = pytest_in(root, "-v")
    assert list(_outcomes(result)) == TEST_IDS[:2]

    # the tests attach to another file: tests/conftest.py when testpaths leaves mig.ini out
    (root / "tests").mkdir()
    (root / "tests" / "conftest.py").write_text("")
    (root / "pytest.ini").write_text(
        PLUGIN_INI + "testpaths = tests\nmig_tests_path = tests/conftest.py\n"
    )
    result = pytest_in(root, "-v", "-m", "mig")
    assert list(_outcomes(result)) == [i.replace("mig.ini", "tests/conftest.py") for i in TEST_IDS]
    assert "5 deselected" in pytest_in(root, "-m", "not mig").out

    (root / "pytest.ini").write_text("[pytest]\nmig_config = nope.ini\n")
    result = pytest_in(root)
    assert result.code == 4
    assert f"ERROR: mig_config '{root / 'nope.ini'}': no such file" in result.err
    (root / "pytest.ini").write_text("[pytest]\nmig_config = mig.ini\nmig_tests = test_nothing\n")
    result = pytest_in(root)
    assert result.code == 4
    assert "mig_tests: unknown test 'test_nothing'" in result.err


def test_pyproject_project(tmp_path: Path) -> None:
    root = tmp_path / "sample"
    root.mkdir()
    project = Project(root, f"sqlite:///{root / 'app.db'}")
    project.init("pyproject")
    for rev, message, upgrade, downgrade in vp.REVISIONS[:2]:
        vp.write_revision(
            project, rev, "a00001" if rev != "a00001" else None, message, upgrade, downgrade
        )
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + '\n[tool.pytest.ini_options]\nmig_config = "pyproject.toml"\n'
    )
    result = pytest_in(root, "-v")
    assert result.code == 0, result.out + result.err
    assert list(_outcomes(result)) == [i.replace("mig.ini", "pyproject.toml") for i in TEST_IDS]
