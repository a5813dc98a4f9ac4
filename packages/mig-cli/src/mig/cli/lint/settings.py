"""Project-wide lint settings: which rules are off, and which modules add rules.

The CLI reads them from the project's config (``lint.disable = MIG001, MIG003`` in mig.ini,
``lint.disable = ["MIG001", "drop-column"]`` under ``[tool.mig]``) and hands the raw values
to :meth:`LintConfig.from_options`, which accepts a comma/whitespace separated string or a
list, rule ids or names, and refuses unknown ones with a one-line error.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from mig.cli.lint.model import FailOn, LintConfigError, check_fail_on
from mig.cli.lint.registry import REGISTRY, RuleRegistry


def split_list(value: str | Iterable[str] | None) -> list[str]:
    """``"MIG001, MIG003"`` / ``"MIG001 MIG003"`` / ``["MIG001", "MIG003"]`` -> a list."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise LintConfigError(f"lint settings: expected rule ids as strings, got {item!r}")
        out += [p for p in re.split(r"[\s,]+", item) if p]
    return out


def load_plugins(modules: str | Iterable[str] | None) -> list[str]:
    """Import the modules that register a project's own rules (``lint.plugins``)."""
    names = split_list(modules)
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:
            raise LintConfigError(
                f"lint.plugins: cannot import {name!r}: {type(exc).__name__}: {exc}"
            ) from exc
    return names


@dataclass(frozen=True)
class LintConfig:
    """Rule ids disabled project-wide (their rules do not run at all), and the severity
    that fails a run (``lint.fail_on``; the command's ``--fail-on`` overrides it)."""

    disable: frozenset[str] = frozenset()
    fail_on: FailOn = "error"

    @classmethod
    def from_options(
        cls,
        disable: str | Iterable[str] | None = None,
        *,
        plugins: str | Iterable[str] | None = None,
        registry: RuleRegistry | None = None,
        fail_on: str | None = None,
    ) -> LintConfig:
        """Build the settings from raw config values; plugins are imported first so their
        rules can be disabled too. An unknown rule raises :class:`LintConfigError`."""
        load_plugins(plugins)
        registry = registry or REGISTRY
        ids = set()
        for item in split_list(disable):
            found = registry.find(item)
            if found is None:
                known = ", ".join(r.id for r in registry)
                raise LintConfigError(f"lint.disable: unknown rule {item!r} (known rules: {known})")
            ids.add(found.id.upper())
        threshold = check_fail_on(fail_on, where="lint.fail_on") if fail_on else "error"
        return cls(frozenset(ids), threshold)

    def enabled(self, rule_id: str) -> bool:
        return rule_id.upper() not in self.disable


def disabled_rules(
    rules: str | Iterable[str] | None, *, registry: RuleRegistry | None = None
) -> LintConfig:
    """Shorthand: the settings that disable ``rules`` (ids or names) project-wide."""
    return LintConfig.from_options(rules, registry=registry)


DEFAULT_CONFIG = LintConfig()
