"""mig.ops.signatures.ArgumentBinder binds exactly as inspect.Signature.bind does.

The binder is the fast path every op call takes; it must give the same values (defaults
filled in, ``**kw`` spread, ``*elements`` as a tuple) and, for a call that does not fit,
the same TypeError text as the slow path it replaces. Every declared op and its batch form
is tried with calls built from its own signature.
"""

from __future__ import annotations

import inspect

import pytest

from mig.ops.signatures import ArgumentBinder, _arguments, declared_ops

_P = inspect.Parameter


def _calls(signature: inspect.Signature) -> list[tuple[tuple, dict]]:
    """Calls that fit the signature, and calls that do not, built from its parameters."""
    params = list(signature.parameters.values())[1:]
    positional = [p for p in params if p.kind is _P.POSITIONAL_OR_KEYWORD]
    required = [p for p in positional if p.default is _P.empty]
    keyword_only = [p for p in params if p.kind is _P.KEYWORD_ONLY]
    has_var_pos = any(p.kind is _P.VAR_POSITIONAL for p in params)
    has_var_kw = any(p.kind is _P.VAR_KEYWORD for p in params)
    req_args = tuple(f"v_{p.name}" for p in required)
    calls: list[tuple[tuple, dict]] = [
        (req_args, {}),  # required ones positionally
        ((), {p.name: f"k_{p.name}" for p in required}),  # all by keyword
        (tuple(f"v_{p.name}" for p in positional), {}),  # every positional one
        (req_args, {p.name: f"kw_{p.name}" for p in keyword_only}),
        (req_args[:-1], {}) if required else ((), {"nope": 1}),  # one missing
        (req_args + ("x",) * (len(positional) - len(required) + 1), {}),  # one too many
        (req_args, {"no_such_argument": 1}),
    ]
    if required:
        calls.append((req_args, {required[0].name: "twice"}))  # given twice
    if has_var_pos:
        calls.append(((*tuple(f"v_{p.name}" for p in positional), "e1", "e2"), {}))
    if has_var_kw:
        calls.append((req_args, {"dialect_extra": 1, "mysql_thing": "x"}))
    return calls


def _slow(signature: inspect.Signature, name: str, args: tuple, kw: dict):
    try:
        return "ok", _arguments(signature, name, None, args, kw)
    except TypeError as exc:
        return "error", str(exc)


def _fast(binder: ArgumentBinder, args: tuple, kw: dict):
    try:
        return "ok", binder(None, args, kw)
    except TypeError as exc:
        return "error", str(exc)


def _signatures():
    for name, spec in sorted(declared_ops().items()):
        yield name, spec.signature
        if spec.batch is not None:
            yield f"batch_op.{name}", spec.batch_signature()


@pytest.mark.parametrize(("name", "signature"), list(_signatures()), ids=lambda v: str(v)[:40])
def test_binder_matches_signature_bind(name: str, signature: inspect.Signature) -> None:
    binder = ArgumentBinder(signature, name)
    calls = _calls(signature)
    outcomes = {_slow(signature, name, a, k)[0] for a, k in calls}
    assert outcomes == {"ok", "error"}  # the calls exercise both paths
    for args, kw in calls:
        fast, slow = _fast(binder, args, kw), _slow(signature, name, args, kw)
        assert fast == slow, (args, kw)
        if fast[0] == "ok":
            assert list(fast[1]) == list(slow[1])  # same order too


def test_binder_serves_the_facade() -> None:
    """Op calls go through the binder: a wrong call names the op, as before."""
    from mig.ops import RecordingOperations

    ops = RecordingOperations()
    with pytest.raises(TypeError, match=r"^drop_column\(\): missing a required argument"):
        ops.drop_column("t")
    ops.drop_column("t", "c", schema="s")
    (directive,) = ops.directives
    assert (directive.table_name, directive.column_name, directive.schema) == ("t", "c", "s")
