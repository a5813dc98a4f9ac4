"""AutogenOptions: the ``context.configure()`` options autogenerate reads, typed and frozen.

mig-runtime carries these keywords for mig-autogen without reading them; an
:class:`~mig.autogen.context.AutogenContext` builds its options once, from the migration
context's keywords and the caller's overrides, and checks them here (a hook must be
callable, ``compare_type`` a bool or a callable), so each option has one default and one
meaning in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from mig.ddl.options import unknown_option_message


class AutogenError(ValueError):
    """A one-line error about an autogenerate input (an option, the model, the context)."""

    #: the ``mig`` command's exit status: 2, a usage or configuration mistake
    exit_code = 2


@dataclass(frozen=True)
class AutogenOptions:
    """Every autogenerate option with its default (Alembic's names and defaults, plus mig's
    ``detect_renames`` and ``compare_check_constraints``)."""

    target_metadata: Any = None
    include_schemas: bool = False
    include_name: Callable[..., bool] | None = None
    include_object: Callable[..., bool] | None = None
    compare_type: bool | Callable[..., Any] = True
    compare_server_default: bool | Callable[..., Any] = False
    compare_check_constraints: bool = False
    detect_renames: bool = True
    render_as_batch: bool = False
    render_item: Callable[..., Any] | None = None
    user_module_prefix: str | None = None
    sqlalchemy_module_prefix: str = "sa."
    mig_module_prefix: str = "op."
    process_revision_directives: Callable[..., None] | None = None
    upgrade_token: str = "upgrades"
    downgrade_token: str = "downgrades"

    @classmethod
    def names(cls) -> frozenset[str]:
        return frozenset(f.name for f in fields(cls))

    @classmethod
    def from_keywords(
        cls, keywords: Mapping[str, Any], overrides: Mapping[str, Any] | None = None
    ) -> AutogenOptions:
        """The options among ``keywords`` (a migration context's: other packages' options
        are left), then ``overrides``, which must all be autogenerate options.

        A keyword at None keeps its default, as env.py leaving an option unset means.
        """
        overrides = dict(overrides or {})
        message = unknown_option_message(overrides, cls.names(), "autogenerate opts")
        if message is not None:
            raise AutogenError(message)
        given = {k: v for k, v in keywords.items() if k in cls.names() and v is not None}
        given.update(overrides)
        options = cls(**given)
        options.check()
        return options

    def check(self) -> None:
        """A one-line :class:`AutogenError` for a hook of the wrong kind."""
        for name in ("include_name", "include_object", "render_item"):
            hook = getattr(self, name)
            if hook is not None and not callable(hook):
                raise AutogenError(f"{name}: expected a callable, got {type(hook).__name__}")
        for name in ("compare_type", "compare_server_default"):
            hook = getattr(self, name)
            if not isinstance(hook, bool) and not callable(hook):
                raise AutogenError(
                    f"{name}: expected True, False or a callable, got {type(hook).__name__}"
                )

    def as_keywords(self) -> dict[str, Any]:
        """The options as keywords (what ``AutogenContext.opts`` shows)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


DEFAULT_OPTIONS: Mapping[str, Any] = AutogenOptions().as_keywords()
"""Every autogenerate option with its default, as keywords."""
