"""What an Impl tells autogenerate: whether a reflected type or default differs from the model's.

A mixin of :class:`~mig.ddl.impl.DefaultImpl` (dialects override its methods and class
attributes), kept apart from the DDL it emits: the comparison is read, never executed.
"""

from __future__ import annotations

from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.sql.type_api import TypeEngine

from mig.ddl import compare


class CompareMethods:
    """The comparison half of an Impl (``self.dialect`` is the Impl's)."""

    dialect: Any
    type_synonyms: ClassVar[dict[str, str]] = compare.COMMON_TYPE_SYNONYMS
    compare_type_arguments: ClassVar[bool] = True

    def compare_type(self, reflected_column: sa.Column, metadata_column: sa.Column) -> bool:
        """True when the reflected column's type differs from the model's."""
        return compare.types_differ(self, reflected_column.type, metadata_column.type)

    def normalize_type_name(self, name: str) -> str:
        return compare.normalize_type_text(name, self.type_synonyms)

    def compare_server_default(
        self,
        reflected_column: sa.Column,
        metadata_column: sa.Column,
        rendered_metadata_default: str | None,
        rendered_reflected_default: str | None,
    ) -> bool:
        """True when the reflected server default differs from the model's."""
        return compare.defaults_differ(self, rendered_metadata_default, rendered_reflected_default)

    def normalize_default(self, text: str) -> str:
        return compare.normalize_default_text(text)

    def render_type(self, type_: TypeEngine) -> str:
        return compare.render_type(self.dialect, type_)
