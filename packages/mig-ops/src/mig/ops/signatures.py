"""One declaration per op: its signature, the directive it builds, and its batch form.

An op of the facade is declared once, as a method of ``Operations`` with no body but its
docstring, decorated with :func:`op_method`::

    @op_method(DropColumnOp, batch=("column_name", "**kw"))
    def drop_column(self, table_name: str, column_name: str, *, schema: str | None = None,
                    if_exists: bool | None = None, **kw: Any) -> None:
        \"\"\"Drop a column.\"\"\"

The signature is what editors, type checkers and users see; calling the method binds the
arguments to it, builds the directive from them by name (``rename`` maps an argument to a
differently named constructor parameter), and hands the directive to ``self.invoke``. So
the directive's constructor is restated nowhere.

``batch`` names the parameters of the ``batch_op.<name>`` form, in order (``"*"`` starts
the keyword-only ones, ``"*x"``/``"**x"`` are the variadic ones): each takes its default
and annotation from the op's signature, and the block supplies the table (``table``, the
name of the parameter that takes it, ``None`` for none) and schema (``schema``). A
parameter only the batch form has (:data:`BATCH_ONLY`) reaches the directive only when
given. ``mig.ops.batch`` builds ``BatchOperations`` from these declarations.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from mig.ops.base import MigrateOperation

_F = TypeVar("_F", bound=Callable[..., Any])
_P = inspect.Parameter

BATCH_ONLY: dict[str, _P] = {
    name: _P(name, _P.KEYWORD_ONLY, default=None, annotation="str | None")
    for name in ("insert_before", "insert_after")
}
"""Parameters only batch forms take: where a column goes when the table is rebuilt."""


@dataclass(frozen=True)
class OpSpec:
    """What :func:`op_method` declared for one op."""

    name: str
    directive: type[MigrateOperation]
    signature: inspect.Signature
    doc: str
    rename: Mapping[str, str] = field(default_factory=dict)
    batch: tuple[str, ...] | None = None
    table: str | None = "table_name"
    schema: str | None = "schema"
    result: Callable[[Any, Any], Any] | None = None

    def build(self, values: Mapping[str, Any]) -> MigrateOperation:
        """The directive, from argument values keyed by the op's parameter names."""
        return self.directive(**{self.rename.get(k, k): v for k, v in values.items()})

    def run(self, operations: Any, values: Mapping[str, Any]) -> Any:
        directive = self.build(values)
        outcome = operations.invoke(directive)
        return outcome if self.result is None else self.result(directive, outcome)

    # -- the two facade methods -------------------------------------------------------------

    def op_function(self, stub: Callable[..., Any]) -> Callable[..., Any]:
        spec, binder = self, ArgumentBinder(self.signature, self.name)

        def method(self: Any, *args: Any, **kw: Any) -> Any:
            return spec.run(self, binder(self, args, kw))

        return functools.wraps(stub)(method)

    def batch_signature(self) -> inspect.Signature:
        assert self.batch is not None
        params = self.signature.parameters
        out = [params["self"]]
        kind = _P.POSITIONAL_OR_KEYWORD
        for token in self.batch:
            if token == "*":
                kind = _P.KEYWORD_ONLY
                continue
            name = token.lstrip("*")
            if token.startswith("**"):
                out.append(params[name])
            elif token.startswith("*"):
                out.append(params[name])
                kind = _P.KEYWORD_ONLY
            elif name in params:
                out.append(params[name].replace(kind=kind))
            else:
                out.append(BATCH_ONLY[name])
        return inspect.Signature(out, return_annotation=self.signature.return_annotation)

    def batch_function(self) -> Callable[..., Any]:
        """``batch_op.<name>``: the block's table and schema filled in, then as ``op``."""
        spec, signature = self, self.batch_signature()
        binder = ArgumentBinder(signature, f"batch_op.{spec.name}")

        def method(self: Any, *args: Any, **kw: Any) -> Any:
            values = binder(self, args, kw)
            for name in BATCH_ONLY:
                if values.get(name, _MISSING) is None:
                    del values[name]
            if spec.table is not None:
                values[spec.table] = self.table_name
            if spec.schema is not None:
                values[spec.schema] = self.schema
            return spec.run(self, values)

        method.__name__ = self.name
        method.__qualname__ = f"BatchOperations.{self.name}"
        method.__signature__ = signature  # type: ignore[attr-defined]
        shown = f"``op.{self.name}`` on the batch block's table"
        method.__doc__ = f"{shown} (see ``Operations.{self.name}``).\n\n{self.doc}"
        return method


_MISSING = object()
_SPECS: dict[str, OpSpec] = {}


class ArgumentBinder:
    """Binds one op's call arguments by parameter name, as ``Signature.bind`` would.

    Every op call of every revision goes through here, and ``Signature.bind`` plus
    ``apply_defaults`` cost more than the rest of building a directive; the signature's
    shape is therefore read once, and a call that fits it is bound with a few dict
    operations. Anything unusual (too many positional arguments, an unknown or repeated
    keyword, a missing required argument, a positional-only name given by keyword) falls
    back to ``Signature.bind``, so errors keep Python's exact wording.
    """

    __slots__ = (
        "_defaults",
        "_name",
        "_named",
        "_names",
        "_positional",
        "_signature",
        "_var_keyword",
        "_var_positional",
    )

    def __init__(self, signature: inspect.Signature, name: str) -> None:
        self._signature, self._name = signature, name
        params = list(signature.parameters.values())[1:]  # without ``self``
        self._names = tuple(p.name for p in params)  # (Parameter.name is a property)
        self._positional = tuple(
            p.name for p in params if p.kind in (_P.POSITIONAL_ONLY, _P.POSITIONAL_OR_KEYWORD)
        )
        self._named = frozenset(
            p.name for p in params if p.kind in (_P.POSITIONAL_OR_KEYWORD, _P.KEYWORD_ONLY)
        )
        self._defaults = {
            p.name: p.default
            for p in params
            if p.default is not _P.empty and p.kind not in (_P.VAR_POSITIONAL, _P.VAR_KEYWORD)
        }
        self._var_positional = next((p.name for p in params if p.kind is _P.VAR_POSITIONAL), None)
        self._var_keyword = next((p.name for p in params if p.kind is _P.VAR_KEYWORD), None)

    def __call__(self, owner: Any, args: Sequence[Any], kw: Mapping[str, Any]) -> dict[str, Any]:
        """The call's arguments by parameter name, defaults filled in, ``**kw`` spread out."""
        positional = self._positional
        if len(args) > len(positional) and self._var_positional is None:
            return _arguments(self._signature, self._name, owner, args, kw)
        given = dict(zip(positional, args, strict=False))
        extra: dict[str, Any] = {}
        for key, value in kw.items():
            if key in self._named and key not in given:
                given[key] = value
            elif key not in self._named and key not in given and self._var_keyword is not None:
                extra[key] = value
            else:
                return _arguments(self._signature, self._name, owner, args, kw)
        values: dict[str, Any] = {}
        for name in self._names:
            if name in given:
                values[name] = given[name]
            elif name == self._var_positional:
                values[name] = tuple(args[len(positional) :])
            elif name == self._var_keyword:
                values.update(extra)
            elif name in self._defaults:
                values[name] = self._defaults[name]
            else:  # a required argument is missing
                return _arguments(self._signature, self._name, owner, args, kw)
        return values


def _arguments(
    signature: inspect.Signature, name: str, self: Any, args: Sequence[Any], kw: Mapping[str, Any]
) -> dict[str, Any]:
    """The call's arguments by parameter name, defaults filled in, ``**kw`` spread out."""
    try:
        bound = signature.bind(self, *args, **kw)
    except TypeError as exc:
        raise TypeError(f"{name}(): {exc}") from None
    bound.apply_defaults()
    values: dict[str, Any] = {}
    for param in list(signature.parameters.values())[1:]:
        value = bound.arguments[param.name]
        if param.kind is _P.VAR_KEYWORD:
            values.update(value)
        else:
            values[param.name] = value
    return values


def op_method(
    directive: type[MigrateOperation],
    *,
    batch: Sequence[str] | None = None,
    rename: Mapping[str, str] | None = None,
    table: str | None = "table_name",
    schema: str | None = "schema",
    result: Callable[[Any, Any], Any] | None = None,
) -> Callable[[_F], _F]:
    """Declare an op from its body-less method (see the module docstring).

    ``result(directive, invoked)`` replaces the return value (``create_table`` returns
    its Table).
    """

    def declare(stub: _F) -> _F:
        spec = OpSpec(
            stub.__name__,
            directive,
            inspect.signature(stub),
            inspect.getdoc(stub) or "",
            dict(rename or {}),
            None if batch is None else tuple(batch),
            table,
            schema,
            result,
        )
        _SPECS[spec.name] = spec
        return spec.op_function(stub)  # type: ignore[return-value]

    return declare


def declared_ops() -> dict[str, OpSpec]:
    """Every op declared with :func:`op_method`, by name."""
    return dict(_SPECS)
