"""Which Impl class serves which dialect: a registry keyed by SQLAlchemy dialect name.

Built-in dialect modules register themselves when ``mig.ddl`` is imported. A third-party
dialect registers its own Impl either by subclassing ``DefaultImpl`` with
``__dialect__ = "name"`` in a module it imports, or, to be found without being imported
first, through the ``mig.ddl.impls`` entry-point group (the entry point's name is the
dialect name; loading it must define the subclass).
"""

from __future__ import annotations

from importlib import metadata
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from mig.ddl.impl import DefaultImpl

ENTRY_POINT_GROUP = "mig.ddl.impls"

_REGISTRY: dict[str, type[DefaultImpl]] = {}
_T = TypeVar("_T", bound="type[DefaultImpl]")


def register_impl(name: str) -> Any:
    """Class decorator: make ``cls`` the Impl for dialect ``name`` (replacing any earlier)."""

    def register(cls: _T) -> _T:
        cls.__dialect__ = name
        _REGISTRY[name] = cls
        return cls

    return register


def _add(name: str, cls: type[DefaultImpl]) -> None:
    _REGISTRY[name] = cls


def dialect_key(dialect: Any) -> str:
    """The registry name for a dialect: its ``name``, with MySQL-on-MariaDB told apart."""
    name = getattr(dialect, "name", "default")
    if name == "mysql" and getattr(dialect, "is_mariadb", False):
        return "mariadb"
    return name


def _from_entry_points(name: str) -> type[DefaultImpl] | None:
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP, name=name):
        loaded = entry.load()
        if isinstance(loaded, type) and name not in _REGISTRY:
            _REGISTRY[name] = loaded
    return _REGISTRY.get(name)


def impl_class_for(name: str) -> type[DefaultImpl]:
    """The Impl class for a dialect name; unknown dialects get ``DefaultImpl``."""
    cls = _REGISTRY.get(name) or _from_entry_points(name)
    if cls is None:
        from mig.ddl.impl import DefaultImpl

        return DefaultImpl
    return cls


def registered_impls() -> dict[str, type[DefaultImpl]]:
    """A copy of the registry: dialect name -> Impl class."""
    return dict(_REGISTRY)
