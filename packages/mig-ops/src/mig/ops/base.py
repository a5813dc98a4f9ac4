"""The directive base class, the registry of directive names, and ``from_dict``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from mig.ops import fields as f
from mig.ops.errors import DirectiveError, IrreversibleOperationError, SerializationError

_BY_NAME: dict[str, type[MigrateOperation]] = {}


class MigrateOperation:
    """Base of every directive: one schema change (or a group of them) as a value.

    Subclasses declare ``op_name`` (the name in ``op.<name>`` and in serialised form) and
    ``fields``; value equality, ``to_dict``/``from_dict`` and ``repr`` follow from those.
    Directives that accept dialect keyword arguments (``postgresql_using=...``) keep them in
    ``self.kw`` and set ``accepts_kw``.
    """

    op_name: ClassVar[str] = ""
    fields: ClassVar[tuple[f.Field, ...]] = ()
    accepts_kw: ClassVar[bool] = False
    kw: dict[str, Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("op_name")
        if name and cls.fields:  # fields may be inherited from a shared base
            _BY_NAME[name] = cls

    # -- value semantics -----------------------------------------------------------------

    def to_dict(self, path: str | None = None) -> dict[str, Any]:
        """This directive as a JSON-compatible dict (see the package README for the format)."""
        name = self.op_name or type(self).__name__
        path = path or name
        if not self.fields:
            raise SerializationError(path, f"{type(self).__name__} declares no fields")
        out: dict[str, Any] = {"op": name}
        for field in self.fields:
            value = getattr(self, field.name)
            if not field.is_default(value):
                out[field.name] = self._encode_field(field, value, f"{path}.{field.name}")
        if self.accepts_kw and self.kw:
            from mig.ops.codec.schema import encode_kw

            out["kw"] = encode_kw(self.kw, f"{path}.kw")
        return out

    def _encode_field(self, field: f.Field, value: Any, path: str) -> Any:
        """Encode one field; a directive whose field needs its sibling fields overrides this."""
        return field.encode(value, path)

    @classmethod
    def _from_fields(cls, values: dict[str, Any], kw: dict[str, Any]) -> MigrateOperation:
        """Build from decoded field values; override when the constructor differs."""
        return cls(**values, **kw)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MigrateOperation) or type(other) is not type(self):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]  # mutable value object

    def __repr__(self) -> str:
        shown = [
            f"{field.name}={getattr(self, field.name)!r}"
            for field in self.fields
            if not field.is_default(getattr(self, field.name))
        ]
        if self.accepts_kw and self.kw:
            shown += [f"{k}={v!r}" for k, v in sorted(self.kw.items())]
        return f"{type(self).__name__}({', '.join(shown)})"

    def target(self) -> str:
        """What this directive changes, by name only: ``add_column(table_name=t, column=a)``.

        Types, defaults, SQL text and rows are left out: a rerun of an unchanged script may
        build them differently (a timestamp, a generated key) and still make the same
        change. The runtime compares these to tell whether a script edited after a run that
        stopped part way still begins with the directives that run committed.
        """
        shown = []
        for field in self.fields:
            if field.names_target is None:
                continue
            value = getattr(self, field.name, None)
            if value is not None:
                shown.append(f"{field.name}={field.names_target(value)}")
        return f"{self.op_name or type(self).__name__}({', '.join(shown)})"

    # -- inversion -----------------------------------------------------------------------

    def reverse(self) -> MigrateOperation:
        """The directive that undoes this one.

        Raises :class:`IrreversibleOperationError` naming the op when it cannot be undone
        from what the directive carries.
        """
        raise IrreversibleOperationError(self.op_name or type(self).__name__, "it has no inverse")


def from_dict(
    data: Any, *, types: Mapping[str, type] | None = None, path: str | None = None
) -> MigrateOperation:
    """Build a directive from what ``to_dict`` wrote.

    ``types`` maps custom type names (``"myapp.types:GUID"``) to their classes; no other
    code is looked up or run. An unknown op, an unknown field or a malformed value raises
    :class:`SerializationError` naming it.
    """
    if not isinstance(data, dict):
        raise SerializationError(
            path or "directive", f"expected an object, got {type(data).__name__}"
        )
    op_name = data.get("op")
    cls = _BY_NAME.get(op_name) if isinstance(op_name, str) else None
    where = path or (op_name if isinstance(op_name, str) else "directive")
    if cls is None:
        raise SerializationError(where, f"unknown op {op_name!r}")
    known = {field.name for field in cls.fields} | {"op"} | ({"kw"} if cls.accepts_kw else set())
    unknown = sorted(set(data) - known)
    if unknown:
        raise SerializationError(where, f"unknown field {unknown[0]!r}")
    values: dict[str, Any] = {}
    for field in cls.fields:
        if field.name in data:
            values[field.name] = field.decode(data[field.name], f"{where}.{field.name}", types)
        elif field.required:
            raise SerializationError(where, f"missing field {field.name!r}")
        else:
            values[field.name] = field.default
    kw: dict[str, Any] = {}
    if "kw" in data:
        from mig.ops.codec.schema import decode_kw

        kw = decode_kw(data["kw"], f"{where}.kw")
    try:
        return cls._from_fields(values, kw)
    except (SerializationError, DirectiveError):
        raise
    except (TypeError, ValueError) as exc:
        raise SerializationError(where, str(exc)) from None


def registered_ops(*, builtin_only: bool = False) -> dict[str, type[MigrateOperation]]:
    """Every directive class that ``from_dict`` can build, by op name.

    ``builtin_only`` leaves out the ones projects registered themselves.
    """
    return {
        name: cls
        for name, cls in _BY_NAME.items()
        if not builtin_only or cls.__module__.startswith("mig.ops.")
    }
