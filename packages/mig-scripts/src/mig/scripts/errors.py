"""Every error mig.scripts raises on bad input.

One base class, :class:`ScriptError`, so a command line can catch it and print ``str(err)``:
a single line that names the revision, file or option at fault and says what to do. The
subclasses exist so that callers (the runtime, the CLI, tests) can tell the cases apart
without parsing messages. Each keeps the facts it names as attributes.
"""

from __future__ import annotations

from collections.abc import Iterable


def _join(ids: Iterable[str]) -> str:
    return ", ".join(sorted(ids))


class ScriptError(Exception):
    """Base class: a user mistake in a script directory, a revision spec or a setting."""

    #: the ``mig`` command's exit status: 2, the script directory or a setting is wrong
    #: (a failing post-write hook, :class:`HookError`, is 1)
    exit_code = 2

    def __init__(self, message: str) -> None:
        # One line, always: a message built from user data must not break the output.
        super().__init__(" ".join(message.split("\n")))


# --- looking revisions up -------------------------------------------------------------


class RevisionError(ScriptError):
    """A revision spec cannot be resolved."""


class UnknownRevision(RevisionError):
    def __init__(self, spec: str, hint: str = "") -> None:
        self.spec = spec
        extra = f" {hint}" if hint else ""
        super().__init__(
            f"no revision matches {spec!r}{extra}; run `mig history` to see the revision ids"
        )


class AmbiguousRevision(RevisionError):
    def __init__(self, spec: str, candidates: Iterable[str]) -> None:
        self.spec = spec
        self.candidates = tuple(sorted(candidates))
        super().__init__(
            f"{spec!r} is ambiguous: it starts {len(self.candidates)} revisions "
            f"({_join(self.candidates)}); give more characters of the id"
        )


class MultipleHeads(RevisionError):
    def __init__(self, spec: str, heads: Iterable[str]) -> None:
        self.spec = spec
        self.heads = tuple(sorted(heads))
        super().__init__(
            f"{spec!r} asks for a single head but there are {len(self.heads)} "
            f"({_join(self.heads)}); name one, use 'branchname@head', or 'heads' for all"
        )


class InvalidSpec(RevisionError):
    def __init__(self, spec: str, reason: str) -> None:
        self.spec = spec
        super().__init__(f"invalid revision spec {spec!r}: {reason}")


class RelativeRevisionError(RevisionError):
    """A relative spec (``+2``, ``-1``, ``abc+3``) walks off the graph or forks."""

    def __init__(self, spec: str, reason: str) -> None:
        self.spec = spec
        super().__init__(f"cannot resolve relative revision {spec!r}: {reason}")


class BranchLabelError(RevisionError):
    def __init__(self, message: str, label: str) -> None:
        self.label = label
        super().__init__(message)


class NotReachable(RevisionError):
    """The destination of an upgrade/downgrade lies in the wrong direction."""

    def __init__(self, destination: str, direction: str, current: Iterable[str]) -> None:
        self.destination = destination
        self.direction = direction
        self.current = tuple(sorted(current))
        shown = _join(self.current) or "<base>"
        super().__init__(
            f"{destination!r} is not a valid {direction} target from the current head(s) "
            f"{shown}; run `mig history` and `mig current` to choose one"
        )


# --- reading the script directory --------------------------------------------------------


class GraphError(ScriptError):
    """The revision files do not form a valid graph."""


class DuplicateRevision(GraphError):
    def __init__(self, revision: str, paths: Iterable[str]) -> None:
        self.revision = revision
        self.paths = tuple(paths)
        super().__init__(
            f"revision {revision!r} is declared by more than one file: "
            f"{', '.join(self.paths)}; give one of them a new revision id"
        )


class MissingDownRevision(GraphError):
    def __init__(self, revision: str, missing: str, path: str) -> None:
        self.revision, self.missing, self.path = revision, missing, path
        super().__init__(
            f"{path}: revision {revision!r} has down_revision {missing!r}, which no script "
            f"declares; fix its down_revision or restore the missing script"
        )


class MissingDependency(GraphError):
    def __init__(self, revision: str, missing: str, path: str) -> None:
        self.revision, self.missing, self.path = revision, missing, path
        super().__init__(
            f"{path}: revision {revision!r} depends_on {missing!r}, which is neither a "
            f"revision nor a branch label; fix its depends_on"
        )


class RevisionCycle(GraphError):
    def __init__(self, cycle: Iterable[str], paths: Iterable[str]) -> None:
        self.cycle = tuple(cycle)
        self.paths = tuple(paths)
        super().__init__(
            f"revisions form a cycle: {' -> '.join(self.cycle)} (files: {', '.join(self.paths)}); "
            f"a down_revision or depends_on must point to an older revision"
        )


class NotARevisionScript(GraphError):
    def __init__(self, path: str, reason: str = "it assigns no 'revision'") -> None:
        self.path = path
        super().__init__(
            f"{path} is not a revision script: {reason}; move it out of the versions "
            f"directory or add the revision header"
        )


class ScriptParseError(GraphError):
    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        super().__init__(f"{path} cannot be read as a revision script: {reason}")


class BadHeader(GraphError):
    """A header value of the wrong type (e.g. ``down_revision = 3``)."""

    def __init__(self, path: str, name: str, value: object) -> None:
        self.path, self.name = path, name
        super().__init__(
            f"{path}: {name} = {value!r} is not valid; use a string, a tuple of strings or None"
        )


# --- settings, writing, hooks, templates -------------------------------------------------


class ConfigError(ScriptError):
    def __init__(self, option: str, reason: str) -> None:
        self.option = option
        super().__init__(f"configuration option {option!r}: {reason}")


class WriteError(ScriptError):
    """``generate_revision`` refuses (head not a head, unknown version_path, ...)."""


class HookError(ScriptError):
    """A post-write hook failed on the new file (the file itself was written)."""

    #: the ``mig`` command's exit status: 1, the hook failed while running
    exit_code = 1

    def __init__(self, hook: str, reason: str) -> None:
        self.hook = hook
        super().__init__(f"post-write hook {hook!r}: {reason}")


class TemplateError(ScriptError):
    """An ``init`` template that is unknown, broken, or a target directory in the way."""


class RangeNotAncestor(RevisionError):
    def __init__(self, lower: str, upper: str) -> None:
        self.lower, self.upper = lower, upper
        super().__init__(
            f"revision {lower!r} is not an ancestor of {upper!r}; swap the two ends of the range"
        )
