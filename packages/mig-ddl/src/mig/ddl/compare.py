"""Comparison helpers autogenerate calls: does a reflected type or server default match?

Both sides are rendered to text through the same dialect, then normalised: each database
spells the same thing its own way (PostgreSQL adds ``::casts``, MySQL reflects display
widths and quotes numbers, SQLite keeps whatever was declared). The Impl of each dialect
supplies its synonyms and extra normalisation; the functions here do the common part.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.types import NullType, TypeEngine

if TYPE_CHECKING:
    from mig.ddl.impl import DefaultImpl

COMMON_TYPE_SYNONYMS: dict[str, str] = {
    "INT": "INTEGER",
    "INT4": "INTEGER",
    "INT8": "BIGINT",
    "INT2": "SMALLINT",
    "BOOL": "BOOLEAN",
    "CHARACTER VARYING": "VARCHAR",
    "CHARACTER": "CHAR",
    "DOUBLE PRECISION": "DOUBLE",
    "FLOAT8": "DOUBLE",
    "FLOAT4": "REAL",
    "DECIMAL": "NUMERIC",
    "TIMESTAMP WITHOUT TIME ZONE": "TIMESTAMP",
    "TIME WITHOUT TIME ZONE": "TIME",
    "TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ",
    "TIME WITH TIME ZONE": "TIMETZ",
}

_TYPE_TEXT = re.compile(r"^(?P<base>[^(]*)(?:\((?P<args>[^)]*)\))?(?P<suffix>.*)$")


def render_type(dialect: Any, type_: TypeEngine) -> str:
    return dialect.type_compiler_instance.process(type_)


def normalize_type_text(text: str, synonyms: dict[str, str]) -> str:
    """Upper case, single spaces, no spaces around parentheses and commas, synonyms applied."""
    text = " ".join(text.upper().split())
    text = re.sub(r"\s*([(),])\s*", r"\1", text)
    match = _TYPE_TEXT.match(text)
    if match is None:  # pragma: no cover - the pattern matches any string
        return text
    base = synonyms.get(match["base"].strip(), match["base"].strip())
    args = f"({match['args']})" if match["args"] is not None else ""
    suffix = f" {match['suffix']}" if match["suffix"] else ""
    return f"{base}{args}{suffix}"


def split_type_text(text: str) -> tuple[str, str | None, str]:
    match = _TYPE_TEXT.match(text)
    assert match is not None
    return match["base"].strip(), match["args"], match["suffix"].strip()


def types_differ(impl: DefaultImpl, reflected: TypeEngine, metadata: TypeEngine) -> bool:
    """Compare two types as the database would spell them.

    Arguments (length, precision) count only when the model gives them: ``String()`` in
    the model matches a reflected ``VARCHAR(40)``. A reflected NullType (a type the
    dialect could not reflect) never counts as a difference.
    """
    if isinstance(reflected, NullType) or isinstance(metadata, NullType):
        return False
    try:
        left = impl.normalize_type_name(impl.render_type(reflected))
        right = impl.normalize_type_name(impl.render_type(metadata))
    except (sa_exc.CompileError, sa_exc.UnsupportedCompilationError, NotImplementedError):
        return reflected._type_affinity is not metadata._type_affinity  # type: ignore[attr-defined]
    return type_texts_differ(left, right, compare_args=impl.compare_type_arguments)


def type_texts_differ(reflected: str, metadata: str, *, compare_args: bool = True) -> bool:
    r_base, r_args, r_suffix = split_type_text(reflected)
    m_base, m_args, m_suffix = split_type_text(metadata)
    if r_base != m_base or r_suffix != m_suffix:
        return True
    if not compare_args or m_args is None:
        return False
    return r_args != m_args


# -- server defaults ------------------------------------------------------------------------

_NOW_SPELLINGS = {"now()", "current_timestamp()", "current_timestamp", "localtimestamp"}


def _strip_parens(text: str) -> str:
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    quoted = False
    for ch in text:
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def normalize_default_text(text: str) -> str:
    """The common normalisation: no outer parentheses, literals unquoted, numbers canonical,
    keywords and functions lower case, ``now()`` and its spellings made one."""
    text = _strip_parens(text.strip())
    if (
        len(text) >= 2
        and text.startswith("'")
        and text.endswith("'")
        and "'" not in text[1:-1].replace("''", "")
    ):
        text = text[1:-1].replace("''", "'")
        return _canonical_number(text)
    lowered = text.lower()
    if lowered in _NOW_SPELLINGS:
        return "current_timestamp"
    if lowered in ("true", "false"):
        return "1" if lowered == "true" else "0"
    return _canonical_number(lowered)


def _canonical_number(text: str) -> str:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    if not value.is_finite():
        return text
    normal = value.normalize()
    return format(normal, "f")


def defaults_differ(
    impl: DefaultImpl, rendered_metadata: str | None, rendered_reflected: str | None
) -> bool:
    """True when the two rendered defaults mean different things after normalising."""
    if rendered_metadata is None and rendered_reflected is None:
        return False
    if rendered_metadata is None or rendered_reflected is None:
        return True
    return impl.normalize_default(rendered_metadata) != impl.normalize_default(rendered_reflected)
