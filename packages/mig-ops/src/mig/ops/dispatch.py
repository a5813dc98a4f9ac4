"""One dispatcher for every "which function handles this class?" question in mig.

Executors, Impl methods, renderers, describers, lint rules, comparators and value codecs
all map a class (a directive's, a schema item's, a value's) to what handles it, found
along the class hierarchy so that a subclass is served by its base's handler until it
registers its own. Some answers depend on the database too (an index comparison on
PostgreSQL reads its ``WHERE`` clause), so an entry may be qualified by a dialect name.

:class:`Dispatcher` is a ``dict`` of the generic entries (class -> handler), so code that
adds, removes or lists entries as with a dict keeps working, plus a table of
dialect-qualified entries. :meth:`Dispatcher.lookup` walks the class's MRO; at each class a
dialect's entry wins over the generic one, and a subclass's entry over its base's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

V = TypeVar("V")
_F = TypeVar("_F")


def lookup(
    table: Mapping[type, V],
    cls: type,
    dialect: str | None = None,
    dialect_table: Mapping[str, Mapping[type, V]] | None = None,
) -> V | None:
    """The entry of ``table`` for ``cls`` or its nearest base, or None.

    ``dialect_table`` (dialect name -> class -> entry) is consulted first at each class
    when ``dialect`` is given. Any mapping works as ``table``, so a registry that is a
    plain dict (a test's, a project's) is looked up the same way.
    """
    qualified = dialect_table.get(dialect) if dialect is not None and dialect_table else None
    for klass in cls.__mro__:
        if qualified is not None and klass in qualified:
            return qualified[klass]
        if klass in table:
            return table[klass]
    return None


class Dispatcher(dict[type, V]):
    """Class -> handler, optionally qualified by dialect, looked up along the MRO.

    ``name`` says what is being dispatched, for the error of :meth:`require`.
    """

    def __init__(self, name: str = "handler", entries: Mapping[type, V] | None = None) -> None:
        super().__init__(entries or {})
        self.name = name
        self.dialects: dict[str, dict[type, V]] = {}

    def register(self, cls: type, value: V, dialect: str | None = None) -> V:
        """Make ``value`` the entry of ``cls`` (on ``dialect`` only, when given)."""
        if dialect is None:
            self[cls] = value
        else:
            self.dialects.setdefault(dialect, {})[cls] = value
        return value

    def unregister(self, cls: type, dialect: str | None = None) -> None:
        """Remove the entry of ``cls`` (on ``dialect``); missing entries are ignored."""
        table = self if dialect is None else self.dialects.get(dialect, {})
        table.pop(cls, None)

    def for_(self, *classes: type, dialect: str | None = None) -> Callable[[_F], _F]:
        """Decorator: register the decorated function for each of ``classes``."""

        def register(fn: _F) -> _F:
            for cls in classes:
                self.register(cls, fn, dialect)  # type: ignore[arg-type]
            return fn

        return register

    def lookup(self, cls: type, dialect: str | None = None) -> V | None:
        """The entry for ``cls`` or its nearest base (dialect entries first), or None."""
        return lookup(self, cls, dialect, self.dialects)

    def require(self, cls: type, dialect: str | None = None) -> V:
        """Like :meth:`lookup`, but a missing entry is a LookupError naming the class."""
        found = self.lookup(cls, dialect)
        if found is None:
            where = f" on {dialect}" if dialect else ""
            raise LookupError(f"no {self.name} for {cls.__name__}{where}")
        return found

    def copy(self) -> Dispatcher[V]:  # type: ignore[override]
        """An independent copy (generic and dialect entries)."""
        other: Dispatcher[V] = Dispatcher(self.name, self)
        other.dialects = {name: dict(table) for name, table in self.dialects.items()}
        return other

    def qualified(self) -> Iterator[tuple[type, str, V]]:
        """Every dialect-qualified entry as ``(class, dialect, value)``."""
        for dialect, table in self.dialects.items():
            for cls, value in table.items():
                yield cls, dialect, value

    def __repr__(self) -> str:
        return f"<Dispatcher {self.name}: {len(self)} generic, {len(self.dialects)} dialects>"


def find(table: Mapping[type, V], obj: Any, dialect: str | None = None) -> V | None:
    """Shorthand: the entry of ``table`` for ``type(obj)``."""
    if isinstance(table, Dispatcher):
        return table.lookup(type(obj), dialect)
    return lookup(table, type(obj), dialect)
