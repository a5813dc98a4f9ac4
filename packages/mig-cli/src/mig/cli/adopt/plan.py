"""Everything ``mig adopt`` would change in a project, computed before anything is written.

The order: the config (alembic.ini, pyproject.toml), then the script location's env.py and
script.py.mako, then every revision file of the version locations. Any unreadable file or
syntax error stops the whole plan with one line naming it, so a project is never left half
converted; lines that cannot be converted are collected as findings instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mig.cli.adopt.config import (
    ALEMBIC_SECTION,
    MIG_INI,
    MIG_SECTION,
    Options,
    Project,
    alembic_options,
    convert_ini,
    convert_pyproject,
    locate,
)
from mig.cli.adopt.files import read_text
from mig.cli.adopt.report import FileChange, Finding, relative
from mig.cli.adopt.source import SourceEdit, convert_mako, convert_python
from mig.cli.errors import UsageError
from mig.scripts.settings import settings_from_config

ENV_PY = "env.py"
TEMPLATE = "script.py.mako"


@dataclass
class Plan:
    root: Path
    project: Project
    changes: list[FileChange] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]


def _mig_options(project: Project) -> Options:
    """Run a second time: the options of the project's mig config."""
    from mig.cli.config import find_config

    config = find_config(cwd=project.root)
    values = dict(config.get_section(config.config_ini_section, {}) or {})
    location = values.get("script_location")
    if location and not Path(location).is_absolute() and (project.root / location).is_dir():
        values["script_location"] = str(project.root / location)
    return Options(values)


def _config_changes(project: Project) -> list[FileChange]:
    changes = []
    if project.alembic_ini is not None:
        text = read_text(project.alembic_ini)
        changes.append(
            FileChange(
                project.alembic_ini,
                text,
                convert_ini(text, project.alembic_ini.name),
                new_path=project.root / MIG_INI,
                what=[f"[{ALEMBIC_SECTION}] -> [{MIG_SECTION}]"],
            )
        )
    if project.pyproject is not None and project.pyproject_tool == ALEMBIC_SECTION:
        text = read_text(project.pyproject)
        new = convert_pyproject(text, project.pyproject.name)
        changes.append(
            FileChange(project.pyproject, text, new, what=["[tool.alembic] -> [tool.mig]"])
        )
    return changes


Convert = Callable[[str, str], SourceEdit]


def _revision_files(options: Options, root: Path) -> list[Path]:
    settings = settings_from_config(options)
    locations = settings.version_locations or [str(Path(settings.dir) / "versions")]
    files: set[Path] = set()
    for location in locations:
        folder = Path(location)
        if not folder.is_absolute():
            folder = root / folder
        if not folder.is_dir():
            continue
        found = (
            folder.rglob("*.py") if settings.recursive_version_locations else folder.glob("*.py")
        )
        files.update(p for p in found if "__pycache__" not in p.parts and p.is_file())
    return sorted(files)


def _source_change(path: Path, root: Path, convert: Convert) -> tuple[FileChange, SourceEdit]:
    shown = relative(path, root)
    text = read_text(path, shown)
    edit = convert(text, shown)
    return FileChange(path, text, edit.text, what=edit.what), edit


def plan_adoption(directory: str | Path) -> Plan:
    """What adopting the project in ``directory`` changes, and what it cannot convert."""
    root = Path(directory)
    project = locate(root)
    plan = Plan(root, project, _config_changes(project))
    options = _mig_options(project) if project.adopted else alembic_options(project)
    script_dir = Path(settings_from_config(options).dir)
    env_py = script_dir / ENV_PY
    if not env_py.is_file():
        raise UsageError(f"{relative(env_py, root)}: no such file; the script location needs it")

    sources: list[tuple[Path, Convert]] = [(env_py, convert_python)]
    if (script_dir / TEMPLATE).is_file():
        sources.append((script_dir / TEMPLATE, convert_mako))
    sources += [(p, convert_python) for p in _revision_files(options, root)]
    for path, convert in sources:
        change, edit = _source_change(path, root, convert)
        plan.findings += edit.findings
        plan.changes.append(change)
    plan.changes = [c for c in plan.changes if c.changed]
    return plan
