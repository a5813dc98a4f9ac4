"""Every error class mig defines says which exit code the ``mig`` command gives it.

The rule (mig-cli README, "Errors and exit codes"): 2 for a usage or configuration
mistake, the command could not start (the command line, the config, env.py, the script
directory, a revision spec); 1 for a failure while running (a migration step, a check,
a hook, a lock). Each package's error base carries ``exit_code``; this walks every module
of every package, so an error class added anywhere without a code fails here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

from mig.cli.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE, classify

PACKAGES = ("mig.ops", "mig.ddl", "mig.scripts", "mig.runtime", "mig.autogen", "mig.cli")

#: exceptions used for control flow inside one module, never shown to a user
INTERNAL = {
    "mig.scripts.header.NeedsImport",  # the header is not literal: import the file instead
    "mig.cli.adopt.names.Unmapped",  # a name the converter leaves for its caller to report
    "mig.cli.verify.checks.CheckSkipped",  # a check that does not apply to this run
}

#: the one error that is not a mistake or a failure: the user stopped the run (Ctrl-C)
INTERRUPTS = {"mig.cli.progress.Interrupted"}


def _modules(package: str) -> list[str]:
    root = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        names.append(info.name)
    return names


def _error_classes() -> list[type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for package in PACKAGES:
        for name in _modules(package):
            module = importlib.import_module(name)
            for attr, value in vars(module).items():
                if (
                    inspect.isclass(value)
                    and issubclass(value, BaseException)
                    and value.__module__ == name
                    and not attr.startswith("_")
                ):
                    found[f"{name}.{attr}"] = value
    return [cls for key, cls in sorted(found.items()) if key not in INTERNAL]


ERRORS = _error_classes()


def test_the_walk_finds_each_package_errors() -> None:
    modules = {cls.__module__.split(".")[1] for cls in ERRORS}
    assert modules == {p.split(".")[1] for p in PACKAGES}
    assert len(ERRORS) > 40


@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_error_class_maps_to_1_or_2(cls: type[BaseException]) -> None:
    code = getattr(cls, "exit_code", None)
    if f"{cls.__module__}.{cls.__qualname__}" in INTERRUPTS:
        assert code == EXIT_INTERRUPTED
    else:
        assert code in (EXIT_FAILED, EXIT_USAGE), f"{cls.__qualname__}.exit_code = {code!r}"
    assert classify(cls.__new__(cls)) == code


def _cls(path: str) -> type[BaseException]:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize(
    ("path", "code"),
    [
        # a failure while running: 1
        ("mig.ops.errors.DirectiveError", EXIT_FAILED),
        ("mig.ddl.errors.UnsupportedOperationError", EXIT_FAILED),
        ("mig.runtime.errors.StepFailed", EXIT_FAILED),
        ("mig.runtime.lock.LockTimeout", EXIT_FAILED),
        ("mig.runtime.version_table.VersionTableConflict", EXIT_FAILED),
        ("mig.scripts.errors.HookError", EXIT_FAILED),
        ("mig.cli.errors.CheckFailed", EXIT_FAILED),
        ("mig.cli.lint.model.MigrationLoadError", EXIT_FAILED),
        # a usage or configuration mistake: 2
        ("mig.ddl.options.UnknownOptionError", EXIT_USAGE),
        ("mig.runtime.errors.ConfigurationError", EXIT_USAGE),
        ("mig.runtime.offline_bind.OfflineModeError", EXIT_USAGE),
        ("mig.scripts.errors.ScriptError", EXIT_USAGE),  # a missing env.py, among others
        ("mig.scripts.errors.UnknownRevision", EXIT_USAGE),
        ("mig.scripts.errors.ConfigError", EXIT_USAGE),
        ("mig.autogen.options.AutogenError", EXIT_USAGE),
        ("mig.cli.errors.UsageError", EXIT_USAGE),
        ("mig.cli.errors.ConfigFileError", EXIT_USAGE),
        ("mig.cli.lint.model.LintConfigError", EXIT_USAGE),
        ("mig.cli.alembic_compat.errors.AlembicCompatError", EXIT_USAGE),
    ],
)
def test_the_rule_for_representative_errors(path: str, code: int) -> None:
    assert _cls(path).exit_code == code


def test_an_env_py_error_carries_its_own_code() -> None:
    from mig.cli.env_errors import EnvScriptError

    assert classify(EnvScriptError("env.py:3: SyntaxError: x", EXIT_USAGE)) == EXIT_USAGE
    assert classify(EnvScriptError("env.py:3: RuntimeError: x", EXIT_FAILED)) == EXIT_FAILED


def test_library_errors_and_bugs() -> None:
    from sqlalchemy import exc as sa_exc

    assert classify(sa_exc.ArgumentError("bad")) == EXIT_USAGE
    assert classify(KeyError("a bug")) is None  # a real bug keeps its traceback
