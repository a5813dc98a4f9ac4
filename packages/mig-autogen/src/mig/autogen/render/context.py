"""The state one rendering shares: prefixes, collected imports, the hooks, batch or not.

Renderers receive it as their first argument, and so does the user's ``render_item`` hook
(Alembic calls it ``autogen_context``): a hook adds the import lines its code needs to
``context.imports``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Dialect

from mig.autogen.render.layout import DEFAULT_LINE_LENGTH, Node, parse_expression

RenderItem = Callable[[str, Any, Any], "str | bool | None"]


class RenderContext:
    """Options and collected imports of one rendering (``autogen_context`` in hooks).

    ``imports`` is a set of import lines (``"from sqlalchemy.dialects import postgresql"``)
    that the rendered code needs beyond what the script template already imports. Pass your
    own set to collect them.
    """

    def __init__(
        self,
        *,
        sqlalchemy_module_prefix: str = "sa.",
        op_module_prefix: str = "op.",
        render_as_batch: bool = False,
        imports: set[str] | Iterable[str] = (),
        render_item: RenderItem | None = None,
        user_module_prefix: str | None = None,
        migration_context: Any = None,
        line_length: int = DEFAULT_LINE_LENGTH,
        opts: Mapping[str, Any] | None = None,
    ) -> None:
        self.sqlalchemy_module_prefix = sqlalchemy_module_prefix
        self.op_module_prefix = op_module_prefix
        self.render_as_batch = render_as_batch
        self.imports: set[str] = imports if isinstance(imports, set) else set(imports)
        self.render_item = render_item
        self.user_module_prefix = user_module_prefix
        self.migration_context = migration_context
        self.line_length = line_length
        self.opts: dict[str, Any] = dict(opts or {})
        self.opts.setdefault("sqlalchemy_module_prefix", sqlalchemy_module_prefix)
        self.opts.setdefault("user_module_prefix", user_module_prefix)
        self.opts.setdefault("render_as_batch", render_as_batch)
        self.opts.setdefault("render_item", render_item)
        self.in_batch = False
        self.metadata = None
        # notes for the directive being rendered (a type written as its database type):
        # the registry writes them as comments above it
        self.todos: list[str] = []

    @classmethod
    def from_migration_context(
        cls, migration_context: Any, *, imports: set[str] | None = None, **overrides: Any
    ) -> RenderContext:
        """Options as env.py gave them to ``context.configure()`` (``render_item``, ...)."""
        opts = dict(getattr(migration_context, "opts", None) or {})
        kwargs: dict[str, Any] = {
            "sqlalchemy_module_prefix": opts.get("sqlalchemy_module_prefix") or "sa.",
            "op_module_prefix": opts.get("mig_module_prefix")
            or opts.get("alembic_module_prefix")
            or "op.",
            "render_as_batch": bool(opts.get("render_as_batch", False)),
            "render_item": opts.get("render_item"),
            "user_module_prefix": opts.get("user_module_prefix"),
            "line_length": int(opts.get("render_line_length") or DEFAULT_LINE_LENGTH),
        }
        kwargs.update(overrides)
        return cls(
            imports=imports if imports is not None else set(),
            migration_context=migration_context,
            opts=opts,
            **kwargs,
        )

    # -- what renderers and hooks read ----------------------------------------------------

    @property
    def dialect(self) -> Dialect | None:
        """The database's dialect when rendering for a connected context, else None."""
        return getattr(self.migration_context, "dialect", None)

    @property
    def connection(self) -> Any:
        return getattr(self.migration_context, "bind", None)

    def sa(self, name: str) -> str:
        """A SQLAlchemy name with the configured prefix: ``sa.Column``."""
        return f"{self.sqlalchemy_module_prefix}{name}"

    @property
    def op_target(self) -> str:
        """What op calls are made on: ``op.`` or, inside a batch block, ``batch_op.``."""
        return "batch_op." if self.in_batch else self.op_module_prefix

    def op_name(self, method: str) -> str:
        return f"{self.op_target}{method}"

    def user_item(self, kind: str, obj: Any) -> Node | None:
        """What the ``render_item`` hook returns for ``obj``, or None to render it normally.

        ``kind`` is one of "type", "column", "server_default", "computed", "identity",
        "primary_key", "unique", "foreign_key", "check", "index", "exclude".
        """
        if self.render_item is None:
            return None
        rendered = self.render_item(kind, obj, self)
        if rendered is False or rendered is None:
            return None
        return parse_expression(str(rendered))

    @contextmanager
    def batch(self) -> Iterator[RenderContext]:
        """Render the block's directives as ``batch_op.<method>(...)`` without the table name."""
        before, self.in_batch = self.in_batch, True
        try:
            yield self
        finally:
            self.in_batch = before
