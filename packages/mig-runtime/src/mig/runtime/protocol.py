"""What the runtime needs from a script directory, as protocols it defines itself.

mig-runtime must not import mig-scripts (DESIGN.md): anything that can plan steps and hand
out their functions will do, so a tool can feed the runtime from its own source of steps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, runtime_checkable


@runtime_checkable
class Step(Protocol):
    """One migration to run: which revision, which way, and the version rows around it.

    Optional: ``is_stamp`` (True: only the version rows change, see ``steps.StampStep``) and
    ``script`` (with ``down_revisions``, for what ``on_version_apply`` callbacks are told).
    """

    revision: str
    direction: str  # "up" or "down"
    heads_before: frozenset[str]
    heads_after: frozenset[str]

    @property
    def doc(self) -> str: ...

    def callable(self) -> Callable[..., object]: ...


@runtime_checkable
class ScriptSource(Protocol):
    """A source of steps: mig.scripts.ScriptDirectory satisfies it.

    ``resolve`` turns a spec into revision ids (stamps use it); an optional
    ``get_revision(id)`` lets ``on_version_apply`` callbacks see the scripts themselves.
    """

    def plan_upgrade(self, current_heads: Iterable[str], destination: str) -> Sequence[Step]: ...

    def plan_downgrade(self, current_heads: Iterable[str], destination: str) -> Sequence[Step]: ...

    def resolve(self, spec: str, current_heads: Iterable[str] | None = None) -> tuple[str, ...]: ...
