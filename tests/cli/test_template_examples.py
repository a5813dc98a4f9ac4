"""Every commented example in the config ``mig init -t X`` writes works when uncommented.

A person's first edit is often to uncomment a line of the config: each example setting
(a run of commented ``key = value`` lines, e.g. a post-write hook with its options) is
uncommented alone, then all of them together, and ``mig revision`` and ``mig upgrade head``
must work on SQLite and give what the setting says (the file name ``file_template``
describes, for one).
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
from pathlib import Path

import pytest
from e2e.conftest import Project

#: a commented setting line: ``# key = value``, ``# timezone =``, ``# [[tool.mig.x]]``
_SETTING = re.compile(r'^# (?:\[\[?[\w.]+\]\]?|"?[\w.]+"? =(?: .*)?)$')
#: the config file each template writes, and the SQLite file its version table is in
TEMPLATES = {
    "generic": ("mig.ini", "app.db"),
    "async": ("mig.ini", "app.db"),
    "multidb": ("mig.ini", "engine1.db"),
    "pyproject": ("pyproject.toml", "app.db"),
}
REV = "abc123"


def _template_names() -> list[str]:
    from mig.scripts.templates import BUILTIN_DIR, list_templates

    return [t.name for t in list_templates() if t.path.parent == BUILTIN_DIR]


def examples(text: str) -> list[list[int]]:
    """The commented example settings of a config: runs of consecutive setting lines."""
    groups: list[list[int]] = []
    previous = -2
    for number, line in enumerate(text.splitlines()):
        if _SETTING.match(line):
            if number == previous + 1:
                groups[-1].append(number)
            else:
                groups.append([number])
            previous = number
    return groups


def uncomment(text: str, lines: list[int]) -> str:
    out = text.splitlines()
    for number in lines:
        out[number] = out[number][2:]
    return "\n".join(out) + "\n"


def test_every_template_is_covered() -> None:
    assert _template_names() == sorted(TEMPLATES)


@pytest.fixture(params=sorted(TEMPLATES))
def template(request: pytest.FixtureRequest) -> str:
    return request.param


def _fresh(tmp_path: Path, template: str, name: str) -> Project:
    root = tmp_path / name
    root.mkdir()
    project = Project(root, "", in_process=True)
    project.mig("init", "-t", template, "migrations")
    return project


def _run(project: Project, config_name: str, db_name: str, settings: str) -> None:
    """``mig revision`` then ``mig upgrade head``; check the file and the version row."""
    env = {"PATH": f"{_ruff_shim(project.root)}{os.pathsep}{os.environ.get('PATH', '')}"}
    extra: list[str] = []
    if "version_locations" in settings:  # each location must exist; say where to write
        (project.root / "more_versions").mkdir()
        extra = ["--version-path", str(project.root / "migrations" / "versions")]
    result = project.mig("revision", "-m", "an example", "--rev-id", REV, *extra, env=env)
    versions = project.root / "migrations" / "versions"
    written = sorted(p.name for p in versions.rglob("*.py"))
    if "file_template" in settings:
        assert len(written) == 1 and re.fullmatch(
            rf"\d{{4}}_\d{{2}}_\d{{2}}-{REV}_an_example\.py", written[0]
        ), (settings, written)
    else:
        assert written == [f"{REV}_an_example.py"], settings
    header = next(versions.rglob("*.py")).read_text()
    create_date = re.search(r"(?m)^Create Date: (.*)$", header)
    assert create_date, header
    if "timezone" in settings:  # UTC: an aware time, shown with its offset
        assert create_date[1].endswith("+00:00"), create_date[1]
    else:
        assert "+" not in create_date[1], create_date[1]
    calls = project.root / "ruff_calls.txt"
    if "ruff" in settings:  # the post-write hook ran ruff on the new file
        new_file = next(versions.rglob("*.py"))
        assert calls.read_text().splitlines() == [f"format {new_file}"], (settings, result)
    else:
        assert not calls.exists()
    project.mig("upgrade", "head", env=env)
    with sqlite3.connect(project.root / db_name) as conn:
        rows = conn.execute("SELECT version_num FROM mig_version").fetchall()
    assert rows == [(REV,)], settings


def _ruff_shim(root: Path) -> Path:
    """A ``ruff`` first on PATH that notes its arguments, then runs the real one."""
    shim = root / "shim"
    shim.mkdir(exist_ok=True)
    real = Path(sys.executable).with_name("ruff")
    script = shim / "ruff"
    script.write_text(f'#!/bin/sh\necho "$*" >> {root / "ruff_calls.txt"}\nexec {real} "$@"\n')
    script.chmod(0o755)
    return shim


def test_each_commented_example_works_uncommented(tmp_path: Path, template: str) -> None:
    config_name, db_name = TEMPLATES[template]
    probe = _fresh(tmp_path, template, "probe")
    text = (probe.root / config_name).read_text()
    groups = examples(text)
    assert groups, f"{template}: no commented example found"
    if template != "multidb":  # its config has no commented settings but the hooks
        keys = {text.splitlines()[g[0]][2:].split(" =")[0].strip('"') for g in groups}
        assert "file_template" in keys
    for index, group in enumerate([*groups, [n for g in groups for n in g]]):
        project = _fresh(tmp_path, template, f"p{index}")
        settings = uncomment(text, group)
        (project.root / config_name).write_text(settings)
        uncommented = "\n".join(settings.splitlines()[n] for n in group)
        _run(project, config_name, db_name, uncommented)
