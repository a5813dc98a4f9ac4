"""What a step looks like from the outside: stamps, and the record handed to callbacks.

A stamp moves the version table without running a script; it is planned here from a spec
(``head``, ``lbl@head``, an id...) through the script source's own ``resolve`` and
``plan_upgrade``, so the runtime needs nothing beyond the protocol in ``protocol.py``.
:class:`MigrationInfo` is what ``on_version_apply`` callbacks receive for each step, with the
attribute names Alembic users already read (``up_revision_id``, ``is_upgrade``, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from mig.runtime.errors import ConfigurationError


@dataclass(frozen=True)
class StampStep:
    """Move the version rows from ``heads_before`` to ``heads_after``; run no script.

    ``from_revisions`` are the rows the stamp replaces, ``to_revisions`` the rows it writes
    (empty for ``base``); ``purge`` empties the table first, whatever it holds.
    """

    revision: str
    direction: str
    heads_before: frozenset[str]
    heads_after: frozenset[str]
    from_revisions: tuple[str, ...]
    to_revisions: tuple[str, ...]
    purge: bool = False

    is_stamp: ClassVar[bool] = True

    @property
    def doc(self) -> str:
        return ""

    def callable(self) -> Callable[..., object]:
        return _no_script

    def __str__(self) -> str:
        before = ", ".join(self.from_revisions) or "<base>"
        after = ", ".join(self.to_revisions) or "<base>"
        return f"stamp {before} -> {after}"


def _no_script(**_: Any) -> None:
    """A stamp runs no migration code."""


def _as_specs(specs: str | Iterable[str] | None) -> list[str]:
    if specs is None:
        return []
    if isinstance(specs, str):
        return [specs]
    return list(specs)


def plan_stamp(
    source: Any,
    current_heads: Iterable[str],
    specs: str | Iterable[str] | None,
    *,
    purge: bool = False,
) -> list[StampStep]:
    """The stamps that move the version table from ``current_heads`` to ``specs``.

    Each spec is resolved by ``source.resolve`` (``heads``, ``lbl@head``, a prefix, ``base``).
    A stamped revision replaces the rows on its own line of history (its ancestors and
    descendants) and leaves rows on unrelated branches alone, as Alembic's stamp does:
    stamping ``b`` over ``m`` (a merge of ``b`` and ``c``) leaves the single row ``b``.
    ``base`` clears every row; ``label@base`` removes only the rows on that branch's line
    of history (those below or above the revision declaring the label, depends_on counted),
    as Alembic's does. ``purge`` empties the table first, so rows no script
    declares (a database from another branch of the project) do not stop the stamp.
    """
    rows: list[str] = [] if purge else list(dict.fromkeys(current_heads))
    steps: list[StampStep] = []
    needs: dict[str, frozenset[str]] = {}

    def needed(revision: str) -> frozenset[str]:
        """The revision and every revision it needs (its ancestors and dependencies)."""
        if revision not in needs:
            needs[revision] = frozenset(s.revision for s in source.plan_upgrade((), revision))
        return needs[revision]

    def add(
        before: Sequence[str],
        after: Sequence[str],
        frm: Sequence[str],
        to: Sequence[str],
        up: bool,
        label: str,
    ) -> None:
        steps.append(
            StampStep(
                revision=label,
                direction="up" if up else "down",
                heads_before=frozenset(before),
                heads_after=frozenset(after),
                from_revisions=tuple(frm),
                to_revisions=tuple(to),
                purge=purge and not steps,
            )
        )

    def on_lineage(owners: Sequence[str]) -> list[str]:
        """The rows on a line of history through ``owners``: below or above one of them."""
        return [r for r in rows if any(r == o or r in needed(o) or o in needed(r) for o in owners)]

    for spec in _as_specs(specs):
        targets = tuple(source.resolve(spec, tuple(rows)))
        if not targets:  # base, or a branch's base
            branch = _branch_of_base(spec)
            gone = rows if branch is None else on_lineage(source.resolve(branch, tuple(rows)))
            kept = [r for r in rows if r not in gone]
            if gone or (purge and not steps):
                add(rows, kept, gone, (), False, "base" if branch is None else spec)
            rows = kept
            continue
        if len(targets) > 1:  # ``heads``: a head another target depends on gets no row
            targets = tuple(
                t for t in targets if not any(o != t and t in needed(o) for o in targets)
            )
        for target in targets:
            if target in rows:
                continue
            below = needed(target)
            older = [r for r in rows if r in below]
            newer = [r for r in rows if r not in below and target in needed(r)]
            after = [r for r in rows if r not in older and r not in newer] + [target]
            if newer:  # stamping down onto an ancestor of what is recorded
                add(rows, after, newer + older, (target,), False, target)
            else:
                add(rows, after, older, (target,), True, target)
            rows = after
    if purge and not steps:
        add((), rows, (), tuple(rows), True, "base")
    return steps


def _branch_of_base(spec: str) -> str | None:
    """``label`` of a ``label@base`` spec; None for anything else (plain ``base``)."""
    branch, at, symbol = spec.strip().rpartition("@")
    return branch if at and branch and symbol.strip() == "base" else None


def literal_stamp(before: Iterable[str], rows: Iterable[str], purge: bool = False) -> StampStep:
    """A stamp to exactly ``rows``, for a context with no script source to plan with."""
    before, rows = tuple(before), tuple(rows)
    return StampStep(
        revision=", ".join(rows) or "base",
        direction="up" if rows else "down",
        heads_before=frozenset(before),
        heads_after=frozenset(rows),
        from_revisions=before,
        to_revisions=rows,
        purge=purge,
    )


def rows_for(revisions: str | Iterable[str] | None) -> tuple[str, ...]:
    """Literal revision ids (no script source to resolve them with)."""
    ids = tuple(_as_specs(revisions))
    for rev in ids:
        if not rev or not isinstance(rev, str):
            raise ConfigurationError(f"stamp(): {rev!r} is not a revision id")
    return ids


class MigrationInfo:
    """One applied step, as ``on_version_apply`` callbacks see it.

    ``up_revision_ids`` are the newer end of the step and ``down_revision_ids`` the older
    one, whatever the direction; ``source_revision_ids`` / ``destination_revision_ids``
    follow the direction. The ``*_revision(s)`` properties look the ids up in the script
    source (None where it has no ``get_revision``).
    """

    def __init__(
        self,
        up_revision_ids: Iterable[str],
        down_revision_ids: Iterable[str],
        *,
        is_upgrade: bool,
        is_stamp: bool,
        source: Any = None,
        doc: str | None = None,
    ) -> None:
        self.up_revision_ids: tuple[str, ...] = tuple(up_revision_ids)
        self.down_revision_ids: tuple[str, ...] = tuple(down_revision_ids)
        self.up_revision_id: str | None = self.up_revision_ids[0] if self.up_revision_ids else None
        self.is_upgrade = is_upgrade
        self.is_stamp = is_stamp
        self.source = source
        self._doc = doc

    @classmethod
    def for_step(cls, step: Any, source: Any) -> MigrationInfo:
        is_upgrade = step.direction == "up"
        if getattr(step, "is_stamp", False):
            frm, to = step.from_revisions, step.to_revisions
            up, down = (to, frm) if is_upgrade else (frm, to)
            return cls(up, down, is_upgrade=is_upgrade, is_stamp=True, source=source)
        return cls(
            (step.revision,),
            _down_revision_ids(step, source),
            is_upgrade=is_upgrade,
            is_stamp=False,
            source=source,
            doc=step.doc,
        )

    @property
    def is_migration(self) -> bool:
        """True for a step that ran a script, False for a stamp."""
        return not self.is_stamp

    @property
    def source_revision_ids(self) -> tuple[str, ...]:
        return self.down_revision_ids if self.is_upgrade else self.up_revision_ids

    @property
    def destination_revision_ids(self) -> tuple[str, ...]:
        return self.up_revision_ids if self.is_upgrade else self.down_revision_ids

    def _lookup(self, ids: tuple[str, ...]) -> tuple[Any, ...]:
        get = getattr(self.source, "get_revision", None)
        return tuple(get(rev) if get is not None else None for rev in ids)

    @property
    def up_revision(self) -> Any:
        return self._lookup(self.up_revision_ids[:1])[0] if self.up_revision_ids else None

    @property
    def up_revisions(self) -> tuple[Any, ...]:
        return self._lookup(self.up_revision_ids)

    @property
    def down_revisions(self) -> tuple[Any, ...]:
        return self._lookup(self.down_revision_ids)

    @property
    def source_revisions(self) -> tuple[Any, ...]:
        return self._lookup(self.source_revision_ids)

    @property
    def destination_revisions(self) -> tuple[Any, ...]:
        return self._lookup(self.destination_revision_ids)

    @property
    def doc(self) -> str | None:
        """The docstring summary of the up revision."""
        if self._doc is not None:
            return self._doc
        up = self.up_revision
        return getattr(up, "doc", None)

    def __repr__(self) -> str:
        kind = "stamp" if self.is_stamp else "migration"
        arrow = "->" if self.is_upgrade else "<-"
        down = ", ".join(self.down_revision_ids) or "<base>"
        return f"<MigrationInfo {kind} {down} {arrow} {', '.join(self.up_revision_ids)}>"


def _down_revision_ids(step: Any, source: Any) -> tuple[str, ...]:
    """The step's revision's ``down_revision``s, from the step, its script, or the source."""
    return _declared_down_revisions(step, source) or ()


def _declared_down_revisions(step: Any, source: Any) -> tuple[str, ...] | None:
    """The ``down_revision``s the step's script declares; None when no script is known."""
    script = getattr(step, "script", None)
    if script is None:
        get = getattr(source, "get_revision", None)
        script = get(step.revision) if get is not None else None
    if script is None:
        return None
    downs = getattr(script, "down_revisions", None)
    if downs is None:
        down = getattr(script, "down_revision", None)
        downs = () if down is None else (down,) if isinstance(down, str) else down
    return tuple(downs)


def step_log(step: Any, source: Any = None) -> str:
    """The step in the words offline SQL files have used since Alembic: ``upgrade a1 -> b1``.

    Deploy tooling greps ``-- Running upgrade A -> B`` in the generated SQL, so the text
    is kept exactly: the revision's ``down_revision``s (not its ``depends_on``), joined with
    ``", "``, empty at base (``upgrade  -> a1``, ``downgrade a1 -> ``); a merge reads
    ``upgrade b1, c1 -> d1``; a stamp ``stamp_revision a1 -> d1``. A source without
    scripts (a plain step list) gives the version rows around the step instead.
    """
    if getattr(step, "is_stamp", False):
        return f"stamp_revision {', '.join(step.from_revisions)} -> {', '.join(step.to_revisions)}"
    downs = _declared_down_revisions(step, source)
    if step.direction == "up":
        older = downs if downs is not None else tuple(sorted(step.heads_before))
        return f"upgrade {', '.join(older)} -> {step.revision}"
    older = downs if downs is not None else tuple(sorted(step.heads_after))
    return f"downgrade {step.revision} -> {', '.join(older)}"
