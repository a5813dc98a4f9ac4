"""The registry of comparators: which functions compare what, and in which order.

Three levels, each a list of functions run in ``order``:

- ``"schema"``: ``fn(ctx, plan)`` once per run (tables added/removed/renamed, PostgreSQL
  enum types);
- ``"table"``: ``fn(ctx, table_diff)`` for each table in both the model and the database
  (columns, foreign keys, indexes and unique constraints, checks, comments);
- ``"column"``: ``fn(ctx, column_diff)`` for each column in both (type, nullability,
  server default, comment, computed/identity).

A project adds its own comparison with ``@comparator("table", order=...)``; the built-in
ones register themselves when :mod:`mig.autogen.compare` is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

LEVELS = ("schema", "table", "column")

Comparator = Callable[..., None]


@dataclass(frozen=True)
class Registered:
    level: str
    order: int
    name: str
    fn: Comparator


class ComparatorRegistry:
    """Comparators by level; registering a name again replaces the earlier one."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], Registered] = {}
        self._ordered: dict[str, tuple[Comparator, ...]] = {}
        """Each level's functions in order, kept until the next (un)registration: a compare
        of a large model runs a level once per table and once per column."""

    def register(
        self, level: str, fn: Comparator, *, order: int = 100, name: str | None = None
    ) -> Comparator:
        if level not in LEVELS:
            raise ValueError(f"comparator level must be one of {LEVELS}, got {level!r}")
        key = name or f"{fn.__module__}.{fn.__qualname__}"
        self._items[(level, key)] = Registered(level, order, key, fn)
        self._ordered.clear()
        return fn

    def unregister(self, level: str, name: str) -> None:
        self._items.pop((level, name), None)
        self._ordered.clear()

    def ordered(self, level: str) -> tuple[Comparator, ...]:
        """The level's functions in order (the kept tuple: do not change the registry
        while iterating it, a change takes effect at the next call)."""
        found = self._ordered.get(level)
        if found is None:
            items = [r for r in self._items.values() if r.level == level]
            items.sort(key=lambda r: (r.order, r.name))
            found = self._ordered[level] = tuple(r.fn for r in items)
        return found

    def for_level(self, level: str) -> list[Comparator]:
        return list(self.ordered(level))

    def names(self, level: str) -> list[str]:
        found = [r for r in self._items.values() if r.level == level]
        return [r.name for r in sorted(found, key=lambda r: (r.order, r.name))]


comparators = ComparatorRegistry()


def comparator(
    level: str, *, order: int = 100, name: str | None = None
) -> Callable[[Comparator], Comparator]:
    """Register the decorated function as a comparator of ``level``."""

    def register(fn: Comparator) -> Comparator:
        return comparators.register(level, fn, order=order, name=name)

    return register


def run(level: str, *args: Any) -> None:
    for fn in comparators.ordered(level):
        fn(*args)
