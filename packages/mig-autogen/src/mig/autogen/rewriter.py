"""``Rewriter``: change autogenerate's directives per directive type before they are rendered.

::

    writer = Rewriter()

    @writer.rewrites(ops.AddColumnOp)
    def add_nullable_first(context, revision, op):
        if op.column.nullable:
            return op
        op.column.nullable = True
        return [op, ops.AlterColumnOp(op.table_name, op.column.name, modify_nullable=False,
                                      existing_type=op.column.type, schema=op.schema)]

    context.configure(..., process_revision_directives=writer)

A rewrite function receives the migration context, the revision argument of
``process_revision_directives`` and one directive, and returns a directive, a list of them
(which takes its place) or None/``[]`` (which removes it). The walk goes through the whole
tree: the MigrationScript, its UpgradeOps and DowngradeOps, every ModifyTableOps and batch
block, and the directives they hold; directives a function returned are walked too, so a
returned container has its members rewritten. A function is not applied again to a
directive it returned (returning ``op`` itself does not loop). ``writer.chain(other)`` runs
``other`` after ``writer``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from mig import ops
from mig.autogen.revision import downgrade_ops_list, set_ops_lists, upgrade_ops_list
from mig.ops.dispatch import Dispatcher

RewriteFn = Callable[[Any, Any, Any], Any]
_F = TypeVar("_F", bound=RewriteFn)

_MARK = "_mig_rewritten_by"


class RewriterError(ValueError):
    """A rewrite function returned something the walk cannot use."""

    #: the ``mig`` command's exit status: 2, the project's rewrite hook is wrong
    exit_code = 2


class Rewriter:
    """Per-directive-type rewrite functions, usable as ``process_revision_directives``."""

    def __init__(self) -> None:
        self._by_class: Dispatcher[RewriteFn] = Dispatcher("rewrite function")
        self._chained: tuple[Callable[..., Any], ...] = ()

    def rewrites(self, op_cls: type) -> Callable[[_F], _F]:
        """Register ``fn(context, revision, op)`` for ``op_cls`` (and its subclasses)."""

        def register(fn: _F) -> _F:
            self._by_class[op_cls] = fn
            return fn

        return register

    def chain(self, other: Rewriter | Callable[..., Any]) -> Rewriter:
        """A Rewriter that runs this one, then ``other`` (a Rewriter or any hook)."""
        combined = Rewriter()
        combined._by_class = self._by_class.copy()
        combined._chained = (*self._chained, other)
        return combined

    # -- process_revision_directives ----------------------------------------------------------

    def __call__(self, context: Any, revision: Any, directives: list[Any]) -> None:
        self.process_revision_directives(context, revision, directives)
        for hook in self._chained:
            hook(context, revision, directives)

    def process_revision_directives(
        self, context: Any, revision: Any, directives: list[Any]
    ) -> None:
        """Rewrite ``directives`` (the list of MigrationScripts) in place."""
        directives[:] = self._walk_list(context, revision, directives)

    # -- the walk -------------------------------------------------------------------------

    def _function_for(self, directive: Any) -> RewriteFn | None:
        return self._by_class.lookup(type(directive))

    def _rewrite(self, context: Any, revision: Any, directive: Any) -> list[Any]:
        fn = self._function_for(directive)
        if fn is None or any(r is self for r in getattr(directive, _MARK, ())):
            return [directive]
        result = fn(context, revision, directive)
        if result is None:
            return []
        items = list(result) if isinstance(result, list | tuple) else [result]
        for item in items:
            if not isinstance(item, ops.MigrateOperation):
                raise RewriterError(
                    f"the rewrite function {getattr(fn, '__name__', fn)!r} for "
                    f"{type(directive).__name__} returned {type(item).__name__}, not a directive"
                )
            item.__dict__[_MARK] = (*getattr(item, _MARK, ()), self)
        return items

    def _walk_list(self, context: Any, revision: Any, directives: Sequence[Any]) -> list[Any]:
        out: list[Any] = []
        for directive in directives:
            for item in self._rewrite(context, revision, directive):
                self._walk_into(context, revision, item)
                out.append(item)
        return out

    def _walk_into(self, context: Any, revision: Any, directive: Any) -> None:
        if isinstance(directive, ops.MigrationScript):
            ups = [
                self._one(context, revision, u, ops.UpgradeOps) for u in upgrade_ops_list(directive)
            ]
            downs = [
                self._one(context, revision, d, ops.DowngradeOps)
                for d in downgrade_ops_list(directive)
            ]
            set_ops_lists(directive, ups, downs)
        elif isinstance(directive, ops.OpContainer):
            directive.ops = self._walk_list(context, revision, directive.ops)

    def _one(self, context: Any, revision: Any, container: Any, kind: type) -> Any:
        """An UpgradeOps/DowngradeOps must stay one (rewritten) container of its kind."""
        items = self._walk_list(context, revision, [container])
        if len(items) != 1 or not isinstance(items[0], kind):
            raise RewriterError(
                f"a rewrite of {kind.__name__} must return one {kind.__name__}, "
                f"got {[type(i).__name__ for i in items]}"
            )
        return items[0]
