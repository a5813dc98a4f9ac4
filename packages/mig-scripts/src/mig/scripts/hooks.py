"""Post-write hooks: programs run on a revision file right after it is written.

Configured as in Alembic, in a ``[post_write_hooks]`` section::

    hooks = ruff_fix, black
    ruff_fix.type = exec
    ruff_fix.executable = ruff
    ruff_fix.options = check --fix REVISION_SCRIPT_FILENAME
    black.type = console_scripts
    black.entrypoint = black
    black.options = -q

``REVISION_SCRIPT_FILENAME`` in ``options`` is replaced by the file's path; without it the
path is appended. ``cwd`` sets the working directory. Runner types live in a registry:
``console_scripts`` (an installed entry point, needs ``entrypoint``), ``exec`` (a program,
``executable``) and ``module`` (``python -m``, ``module``); :func:`register` adds more.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from mig.scripts.errors import ConfigError, HookError

FILENAME_TOKEN = "REVISION_SCRIPT_FILENAME"


@dataclass(frozen=True)
class HookSpec:
    name: str
    type: str
    options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Runner:
    fn: Callable[[HookSpec, str], list[str]]
    required: tuple[str, ...]


_RUNNERS: dict[str, _Runner] = {}


def register(
    type_name: str, required: tuple[str, ...] = ()
) -> Callable[[Callable[[HookSpec, str], list[str]]], Callable[[HookSpec, str], list[str]]]:
    """Register a hook type. The function gets the hook and the file path and returns the
    command line to run (or runs something itself and returns ``[]``)."""

    def deco(fn: Callable[[HookSpec, str], list[str]]) -> Callable[[HookSpec, str], list[str]]:
        _RUNNERS[type_name] = _Runner(fn, required)
        return fn

    return deco


def hook_types() -> list[str]:
    return sorted(_RUNNERS)


def parse_hooks(section: dict[str, str]) -> list[HookSpec]:
    """The hooks named by ``hooks = a, b`` in a ``post_write_hooks`` section, checked."""
    names = [n for n in re.split(r"[\s,]+", section.get("hooks", "")) if n]
    specs = []
    for name in names:
        prefix = f"{name}."
        options = {k[len(prefix) :]: v for k, v in section.items() if k.startswith(prefix)}
        type_name = options.pop("type", "").strip()
        option = f"post_write_hooks: {name}.type"
        if not type_name:
            raise ConfigError(option, f"is missing; use one of {', '.join(hook_types())}")
        runner = _RUNNERS.get(type_name)
        if runner is None:
            raise ConfigError(
                option, f"{type_name!r} is not a hook type; use one of {', '.join(hook_types())}"
            )
        for key in runner.required:
            if not options.get(key, "").strip():
                raise ConfigError(
                    f"post_write_hooks: {name}.{key}", f"is required by hook type {type_name!r}"
                )
        specs.append(HookSpec(name, type_name, options))
    return specs


def _arguments(hook: HookSpec, path: str) -> list[str]:
    raw = hook.options.get("options", "")
    args = shlex.split(raw, posix=os.name != "nt")
    if any(FILENAME_TOKEN in a for a in args):
        return [a.replace(FILENAME_TOKEN, path) for a in args]
    return [*args, path]


@register("exec", required=("executable",))
def _exec(hook: HookSpec, path: str) -> list[str]:
    program = hook.options["executable"].strip()
    found = shutil.which(program)
    if found is None:
        raise HookError(hook.name, f"program {program!r} not found; install it or fix the path")
    return [found, *_arguments(hook, path)]


@register("module", required=("module",))
def _module(hook: HookSpec, path: str) -> list[str]:
    module = hook.options["module"].strip()
    if importlib.util.find_spec(module.split(".")[0]) is None:
        raise HookError(hook.name, f"module {module!r} is not installed in {sys.executable}")
    return [sys.executable, "-m", module, *_arguments(hook, path)]


_ENTRY_POINT_SHIM = (
    "import sys\n"
    "from importlib.metadata import entry_points\n"
    "(ep,) = entry_points(group='console_scripts', name=sys.argv[1])\n"
    "sys.argv = sys.argv[1:]\n"
    "sys.exit(ep.load()())\n"
)


@register("console_scripts", required=("entrypoint",))
def _console_scripts(hook: HookSpec, path: str) -> list[str]:
    name = hook.options["entrypoint"].strip()
    if not importlib.metadata.entry_points(group="console_scripts", name=name):
        raise HookError(
            hook.name, f"no console_scripts entry point {name!r} is installed; install it"
        )
    return [sys.executable, "-c", _ENTRY_POINT_SHIM, name, *_arguments(hook, path)]


def run_hooks(hooks: list[HookSpec], path: str) -> None:
    """Run each hook on ``path`` in order; the first failure raises :class:`HookError`."""
    for hook in hooks:
        runner = _RUNNERS.get(hook.type)
        if runner is None:
            raise HookError(hook.name, f"unknown type {hook.type!r}")
        argv = runner.fn(hook, path)
        if not argv:
            continue
        cwd = hook.options.get("cwd") or None
        try:
            done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
        except OSError as exc:
            raise HookError(hook.name, f"could not run {argv[0]!r}: {exc.strerror}") from None
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()
            last = f": {detail[-1]}" if detail else ""
            raise HookError(
                hook.name, f"{os.path.basename(argv[0])} exited with status {done.returncode}{last}"
            )
