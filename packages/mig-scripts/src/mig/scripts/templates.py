"""``init`` templates: list them and copy one into a new script directory.

A template is a folder. Its README's first line is its description. When copied:

* ``mig.ini.mako`` is rendered to the config file (default ``mig.ini``), and
  ``pyproject.toml.mako`` is appended to the ``pyproject.toml`` beside it (created if absent),
  with ``script_location`` and ``config_file`` (and any extra keywords) as parameters;
  an existing config, or a pyproject that already has ``[tool.mig]``, is left alone;
* ``script.py.mako`` is copied as it is (it is the template of each new revision);
* other ``*.mako`` files are rendered into the directory without the suffix, other files are
  copied, and an empty ``versions/`` is created.

Where templates come from, later ones shadowing earlier ones by name: the built-in folder
next to this module, any directories installed under the ``mig.templates`` entry-point group
(the entry point loads to a path, or to a module whose folder is the template), and the
``template_dirs`` a caller passes (each a folder of template folders).
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from mig.scripts.errors import TemplateError
from mig.scripts.write import render_template

BUILTIN_DIR = Path(__file__).parent / "templates"
ENTRY_POINT_GROUP = "mig.templates"
CONFIG_TEMPLATES = ("mig.ini.mako", "pyproject.toml.mako")


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    description: str
    path: Path


def _describe(path: Path) -> str:
    readme = path / "README"
    try:
        lines = readme.read_text(encoding="utf-8").strip().splitlines()
    except OSError:
        return ""
    return lines[0].strip() if lines else ""


def _entry_point_templates() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = ep.load()
        except Exception as exc:
            raise TemplateError(
                f"template entry point {ep.name!r} ({ep.value}) cannot be loaded: {exc}"
            ) from None
        if isinstance(obj, ModuleType):
            path = Path(obj.__file__ or "").parent
        else:
            path = Path(os.fspath(obj))
        found[ep.name] = path
    return found


def list_templates(template_dirs: tuple[str | os.PathLike[str], ...] = ()) -> list[TemplateInfo]:
    """Every template available, sorted by name."""
    paths: dict[str, Path] = {}
    for entry in sorted(BUILTIN_DIR.iterdir()):
        if entry.is_dir() and not entry.name.startswith(("_", ".")):
            paths[entry.name] = entry
    paths.update(_entry_point_templates())
    for extra in template_dirs:
        base = Path(extra)
        if not base.is_dir():
            raise TemplateError(f"template directory {str(base)!r} does not exist")
        for entry in sorted(base.iterdir()):
            if entry.is_dir() and not entry.name.startswith(("_", ".")):
                paths[entry.name] = entry
    return [TemplateInfo(n, _describe(p), p) for n, p in sorted(paths.items())]


def get_template(name: str, template_dirs: tuple[str | os.PathLike[str], ...] = ()) -> TemplateInfo:
    templates = {t.name: t for t in list_templates(template_dirs)}
    if name not in templates:
        raise TemplateError(
            f"no template named {name!r}; available: {', '.join(sorted(templates))}"
        )
    return templates[name]


def copy_template(
    name: str,
    directory: str | os.PathLike[str],
    config_file: str | os.PathLike[str] | None = None,
    template_dirs: tuple[str | os.PathLike[str], ...] = (),
    **template_args: Any,
) -> list[tuple[str, str]]:
    """Create ``directory`` from template ``name``; returns (path, what was done) pairs.

    Refuses (TemplateError) if ``directory`` exists and is not empty, so ``init`` never
    mixes a new environment into an old one.
    """
    info = get_template(name, template_dirs)
    target = Path(directory)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise TemplateError(
            f"{target} already exists and is not empty; pick a new directory for `mig init`"
        )
    config_path = Path(config_file) if config_file is not None else Path("mig.ini")
    args = {
        "script_location": str(directory),
        "config_file": str(config_path),
        "script_location_ini": _ini_location(target, config_path),
        # what ``path_separator = os`` splits on here, for the config's examples
        "path_separator_example": os.pathsep,
    }
    args.update(template_args)
    done: list[tuple[str, str]] = []
    target.mkdir(parents=True, exist_ok=True)
    done.append((str(target), "created directory"))
    for src in sorted(info.path.rglob("*")):
        rel = src.relative_to(info.path)
        if "__pycache__" in rel.parts:
            continue
        if src.is_dir():
            (target / rel).mkdir(exist_ok=True)
            continue
        if src.name in CONFIG_TEMPLATES:
            done.append(_write_config(src, config_path, args))
        elif src.suffix == ".mako" and src.name != "script.py.mako":
            out = target / rel.with_suffix("")
            render_template(str(src), str(out), "utf-8", **args)
            done.append((str(out), "rendered"))
        else:
            shutil.copyfile(src, target / rel)
            done.append((str(target / rel), "copied"))
    versions = target / "versions"
    versions.mkdir(exist_ok=True)
    done.append((str(versions), "created directory"))
    return done


def _ini_location(target: Path, config_path: Path) -> str:
    """``%(here)s/<dir>`` when the directory sits under the config's folder, else absolute."""
    here = config_path.resolve().parent
    where = target.resolve()
    try:
        rel = where.relative_to(here)
    except ValueError:
        return str(where)
    return f"%(here)s/{rel.as_posix()}"


def _write_config(src: Path, config_path: Path, args: dict[str, Any]) -> tuple[str, str]:
    if src.name == "pyproject.toml.mako":
        out = config_path.parent / "pyproject.toml"
        existing = out.read_text(encoding="utf-8") if out.exists() else None
        if existing is not None and "[tool.mig]" in existing:
            return (str(out), "left alone: it already has [tool.mig]")
        tmp = out.with_name(".mig-pyproject.tmp")
        render_template(str(src), str(tmp), "utf-8", **args)
        section = tmp.read_text(encoding="utf-8")
        tmp.unlink()
        if existing is None:
            out.write_text(section, encoding="utf-8")
            return (str(out), "created")
        sep = "" if existing.endswith("\n\n") else "\n" if existing.endswith("\n") else "\n\n"
        out.write_text(existing + sep + section, encoding="utf-8")
        return (str(out), "appended [tool.mig]")
    if config_path.exists():
        return (str(config_path), "left alone: it already exists")
    render_template(str(src), str(config_path), "utf-8", **args)
    return (str(config_path), "rendered")
