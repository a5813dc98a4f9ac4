"""DDLOptions: the ``context.configure()`` options an Impl reads, typed and frozen.

mig-ddl owns the options that change how a directive becomes SQL; mig-runtime builds them
once from ``configure()``'s keywords (:meth:`DDLOptions.from_keywords`) and hands them to
``get_impl``. An Impl reads attributes, never a dict of strings, so each option has one
default and one meaning here.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

AUTOBATCH_OPTION = "sqlite_autobatch"


class UnknownOptionError(ValueError):
    """An option name nobody reads; the message names the closest valid one."""

    #: the ``mig`` command's exit status: 2, a usage or configuration mistake
    exit_code = 2


def unknown_option_message(given: Iterable[str], valid: Iterable[str], where: str) -> str | None:
    """One line about the first name of ``given`` not in ``valid`` (None when all are).

    ``where`` starts the line (``"configure()"``).

    Shared by every package that builds options from keywords (mig-runtime's configure,
    mig-autogen's overrides), so a typo reads the same everywhere.
    """
    known = set(valid)
    unknown = sorted(name for name in given if name not in known)
    if not unknown:
        return None
    name = unknown[0]
    close = difflib.get_close_matches(name, sorted(known), n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"valid options: {', '.join(sorted(known))}"
    return f"{where}: unknown option {name!r}; {hint}"


def unknown_option(given: Iterable[str], valid: Iterable[str], where: str) -> None:
    """Raise :class:`UnknownOptionError` for a name of ``given`` not in ``valid``."""
    message = unknown_option_message(given, valid, where)
    if message is not None:
        raise UnknownOptionError(message)


@dataclass(frozen=True)
class DDLOptions:
    """What an Impl is configured with beyond its dialect and connection."""

    transactional_ddl: bool | None = None
    """None: the dialect's own (the Impl class's ``transactional_ddl``); else forced."""
    literal_binds: bool = False
    """Render bound values inline online too (offline always does)."""
    sqlite_autobatch: bool = True
    """SQLite: rebuild the table for what ALTER cannot do (False: refuse, naming the op)."""
    target_metadata: Any = None
    """The model; its naming convention names what a directive's column brings along."""
    mssql_batch_separator: str | None = None
    """Offline SQL Server: what ends each batch (``GO`` unless set; Alembic's option)."""
    oracle_batch_separator: str | None = None
    """Offline Oracle: what ends each statement block (``/`` unless set; Alembic's option)."""

    def batch_separator_for(self, dialect_name: str) -> str | None:
        """The separator env.py set for this dialect's offline SQL, or None for its own."""
        return {
            "mssql": self.mssql_batch_separator,
            "oracle": self.oracle_batch_separator,
        }.get(dialect_name)

    @classmethod
    def names(cls) -> frozenset[str]:
        """The keyword names these options are built from (each field's name)."""
        return frozenset(f.name for f in fields(cls))

    @classmethod
    def from_keywords(cls, keywords: Mapping[str, Any]) -> DDLOptions:
        """The options among ``keywords`` (others belong to other packages and are left).

        ``None`` keeps a default, as env.py passing ``literal_binds=None`` means "unset".
        """
        given = {k: v for k, v in keywords.items() if k in cls.names() and v is not None}
        if "transactional_ddl" in given:
            given["transactional_ddl"] = bool(given["transactional_ddl"])
        for flag in ("literal_binds", "sqlite_autobatch"):
            if flag in given:
                given[flag] = bool(given[flag])
        return cls(**given)

    @property
    def naming_convention(self) -> Mapping[str, Any] | None:
        """The naming convention of ``target_metadata``, if it has one."""
        convention = getattr(self.target_metadata, "naming_convention", None)
        return convention or None

    def as_keywords(self) -> dict[str, Any]:
        """The options as ``configure()`` keywords (what ``impl.context_opts`` shows)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}
