"""The rule registry: built-in rules and a project's own ones register the same way.

```python
from mig.cli.lint import rule
from mig.ops import DropIndexOp


@rule("ACME001", "drop-index", severity="warning", summary="dropping an index can slow queries",
      ops=(DropIndexOp,))
def drop_index(op, ctx):
    return True
```
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from mig.cli.lint.model import SEVERITIES, Check, LintConfigError, Rule, Severity

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*\d+$")
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


class RuleRegistry:
    """Rules by id, also found by name (``MIG002`` or ``drop-column``), case-insensitively."""

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self._by_id: dict[str, Rule] = {}
        for item in rules:
            self.add(item)

    def add(self, item: Rule, *, replace: bool = False) -> Rule:
        if not _ID.match(item.id):
            raise LintConfigError(
                f"rule id {item.id!r} must be letters followed by digits, like 'MIG001'"
            )
        if not _NAME.match(item.name):
            raise LintConfigError(
                f"rule {item.id}: name {item.name!r} must be lower-case words joined by '-'"
            )
        if item.severity not in SEVERITIES:
            raise LintConfigError(
                f"rule {item.id}: severity {item.severity!r} must be one of {', '.join(SEVERITIES)}"
            )
        key = item.id.upper()
        other = self._find_name(item.name)
        if not replace:
            if key in self._by_id:
                raise LintConfigError(f"rule id {item.id!r} is already registered")
            if other is not None:
                raise LintConfigError(f"rule name {item.name!r} is already used by {other.id}")
        elif other is not None and other.id.upper() != key:
            raise LintConfigError(f"rule name {item.name!r} is already used by {other.id}")
        self._by_id[key] = item
        return item

    def remove(self, rule_id: str) -> None:
        self._by_id.pop(self.get(rule_id).id.upper())

    def _find_name(self, name: str) -> Rule | None:
        for item in self._by_id.values():
            if item.name == name.lower():
                return item
        return None

    def find(self, key: str) -> Rule | None:
        """The rule with this id or name, or None."""
        key = key.strip()
        return self._by_id.get(key.upper()) or self._find_name(key)

    def get(self, key: str) -> Rule:
        """The rule with this id or name; an unknown one raises naming it and the known ids."""
        found = self.find(key)
        if found is None:
            known = ", ".join(r.id for r in self)
            raise LintConfigError(f"unknown lint rule {key!r} (known rules: {known})")
        return found

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._by_id.values(), key=lambda r: _sort_key(r.id)))

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.find(key) is not None

    def copy(self) -> RuleRegistry:
        return RuleRegistry(self)

    def rule(
        self,
        rule_id: str,
        name: str,
        *,
        severity: Severity,
        summary: str,
        ops: Iterable[type],
        dialects: Iterable[str] | None = None,
        replace: bool = False,
    ) -> Callable[[Check], Check]:
        """Decorator: register ``fn(directive, ctx)`` as a rule on directives of ``ops``."""

        def register(fn: Check) -> Check:
            self.add(
                Rule(
                    id=rule_id,
                    name=name,
                    severity=severity,
                    summary=summary,
                    ops=tuple(ops),
                    check=fn,
                    dialects=None if dialects is None else frozenset(d.lower() for d in dialects),
                ),
                replace=replace,
            )
            return fn

        return register


def _sort_key(rule_id: str) -> tuple[str, int]:
    m = re.match(r"^(.*?)(\d+)$", rule_id)
    assert m is not None  # ids are validated on add
    return (m.group(1).upper(), int(m.group(2)))


#: The registry ``mig lint`` uses: the built-in rules plus whatever projects register.
REGISTRY = RuleRegistry()


def rule(
    rule_id: str,
    name: str,
    *,
    severity: Severity,
    summary: str,
    ops: Iterable[type],
    dialects: Iterable[str] | None = None,
    replace: bool = False,
) -> Callable[[Check], Check]:
    """Register a rule in the default registry (see :meth:`RuleRegistry.rule`)."""
    return REGISTRY.rule(
        rule_id,
        name,
        severity=severity,
        summary=summary,
        ops=ops,
        dialects=dialects,
        replace=replace,
    )
