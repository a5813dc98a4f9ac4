"""Read a revision script's header without executing it.

The graph needs four assignments from each file (``revision``, ``down_revision``,
``branch_labels``, ``depends_on``) and the docstring for ``history``. Importing thousands of
files to get them is what makes large histories slow, so they are read from the source text:

1. a line scan finds top-level ``name = literal`` / ``name: type = literal`` assignments and
   decodes the common literals (a quoted id, ``None``) directly;
2. anything the scan is unsure of (multi-line tuples, escapes, assignments inside blocks) is
   settled by ``ast`` on the whole file;
3. a value that is not a literal (``revision = make_id()``) marks the header as needing an
   import; the directory then imports that one file (:func:`import_header`).
"""

from __future__ import annotations

import ast
import importlib.abc
import importlib.machinery
import importlib.util
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from mig.scripts.errors import BadHeader, NotARevisionScript, ScriptParseError

FIELDS = ("revision", "down_revision", "branch_labels", "depends_on")

_ASSIGN = re.compile(
    r"^(revision|down_revision|branch_labels|depends_on)[ \t]*(?::[^=\n]*)?=(?!=)[ \t]*(.*)$",
    re.MULTILINE,
)
_SIMPLE_STR = re.compile(r"""^(['"])([^'"\\\n]*)\1[ \t]*(?:#.*)?$""")
_INDENTED = re.compile(
    r"^[ \t]+(?:revision|down_revision|branch_labels|depends_on)[ \t]*(?::[^=\n]*)?=(?!=)",
    re.MULTILINE,
)
_NONE = re.compile(r"^None[ \t]*(?:#.*)?$")
_DOCSTRING = re.compile(r"""\A(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*([rRuU]?)(\"\"\"|''')(.*?)\2""", re.S)


@dataclass(frozen=True, slots=True)
class Header:
    """The header of one revision file, as plain data (JSON-friendly for the cache)."""

    revision: str
    down_revision: str | tuple[str, ...] | None
    branch_labels: tuple[str, ...]
    depends_on: tuple[str, ...]
    docstring: str
    #: True when the values came from importing the file (not cached: code may change them).
    imported: bool = False

    def to_json(self) -> list:
        down = list(self.down_revision) if isinstance(self.down_revision, tuple) else None
        return [
            self.revision,
            down if down is not None else self.down_revision,
            list(self.branch_labels),
            list(self.depends_on),
            self.docstring,
        ]

    @classmethod
    def from_json(cls, data: list) -> Header:
        rev, down, labels, deps, doc = data
        if isinstance(down, list):
            down = tuple(down)
        return cls(rev, down, tuple(labels), tuple(deps), doc)


class _NeedsImport(Exception):
    """A header value is not a literal: only running the file can tell it."""


def read_header(path: Path, text: str | None = None) -> Header:
    """The header of the script at ``path``, read statically when possible.

    Raises :class:`ScriptParseError` for a file Python cannot parse and
    :class:`NotARevisionScript` for a file that assigns no ``revision``.
    """
    if text is None:
        try:
            with open(path, "rb") as fh:
                text = fh.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ScriptParseError(str(path), f"not UTF-8 ({exc.reason})") from None
    try:
        return _scan(path, text)
    except _NeedsImport:
        return import_header(Path(path))


def _scan(path: Path, text: str) -> Header:
    found: dict[str, object] = {}
    unsure = False
    for match in _ASSIGN.finditer(text):
        name, raw = match.group(1), match.group(2)
        simple = _SIMPLE_STR.match(raw)
        if simple:
            found[name] = simple.group(2)
        elif _NONE.match(raw):
            found[name] = None
        else:
            try:
                found[name] = ast.literal_eval(raw)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                unsure = True
    doc = _DOCSTRING.match(text)
    if doc and ("\\" in doc.group(3) or doc.group(1)):
        unsure = True  # escapes or prefixes: let the parser decode the docstring
    if unsure or "revision" not in found or _INDENTED.search(text):
        return _parse(path, text)
    return _build(path, found, doc.group(3) if doc else "")


def _parse(path: Path, text: str) -> Header:
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        raise ScriptParseError(str(path), f"line {exc.lineno}: {exc.msg}") from None
    except ValueError as exc:  # e.g. null bytes
        raise ScriptParseError(str(path), str(exc)) from None
    found: dict[str, object] = {}
    nested = False
    for node in tree.body:
        targets: list[ast.expr] = []
        value = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        elif not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            # top-level if/try/for etc. may assign a header name: look inside
            nested = nested or _assigns_header(node)
            continue
        for target in targets:
            if isinstance(target, ast.Name) and target.id in FIELDS:
                try:
                    found[target.id] = ast.literal_eval(value)
                except ValueError:
                    raise _NeedsImport from None
    if nested:
        raise _NeedsImport
    if "revision" not in found:
        raise NotARevisionScript(str(path))
    return _build(path, found, ast.get_docstring(tree, clean=False) or "")


def _assigns_header(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in FIELDS and isinstance(sub.ctx, ast.Store):
            return True
    return False


def _build(path: Path, found: dict[str, object], doc: str, imported: bool = False) -> Header:
    revision = found.get("revision")
    if not isinstance(revision, str) or not revision.strip():
        raise BadHeader(str(path), "revision", revision)
    down = found.get("down_revision")
    if isinstance(down, list | tuple):
        down = _str_tuple(path, "down_revision", down)
        if len(down) == 1:
            down = down[0]
        elif not down:
            down = None
    elif down is not None and not isinstance(down, str):
        raise BadHeader(str(path), "down_revision", down)
    return Header(
        revision=revision,
        down_revision=down,
        branch_labels=_str_tuple(path, "branch_labels", found.get("branch_labels")),
        depends_on=_str_tuple(path, "depends_on", found.get("depends_on")),
        docstring=doc,
        imported=imported,
    )


def _str_tuple(path: Path, name: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple | set | frozenset) and all(isinstance(v, str) for v in value):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return tuple(dict.fromkeys(items))
    raise BadHeader(str(path), name, value)


# --- importing ---------------------------------------------------------------------------

_counter = 0


def load_module(path: Path) -> ModuleType:
    """Import a revision file (source or ``.pyc``) under a private module name.

    Revision files are not a package; each gets a unique name in ``sys.modules`` so that two
    scripts with the same file name in different locations cannot shadow each other.
    """
    global _counter
    _counter += 1
    stem = re.sub(r"\W", "_", path.stem)
    name = f"_mig_revision_{_counter}_{stem}"
    if path.suffix in (".pyc", ".pyo"):
        loader: importlib.abc.Loader = importlib.machinery.SourcelessFileLoader(name, str(path))
    else:
        loader = importlib.machinery.SourceFileLoader(name, str(path))
    spec = importlib.util.spec_from_file_location(name, str(path), loader=loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        loader.exec_module(module)
    except SyntaxError as exc:
        del sys.modules[name]
        raise ScriptParseError(str(path), f"line {exc.lineno}: {exc.msg}") from None
    except Exception as exc:
        del sys.modules[name]
        raise ScriptParseError(str(path), f"importing it failed: {exc!r}") from exc
    return module


def check_syntax(path: Path) -> None:
    """Compile the whole file (without running it); a syntax error names the file.

    The graph reads headers only, so a broken ``upgrade()`` body would otherwise surface
    when its step is imported; ``ScriptDirectory.check()`` runs this on every script.
    """
    try:
        with open(path, "rb") as fh:
            compile(fh.read(), str(path), "exec", ast.PyCF_ONLY_AST)
    except SyntaxError as exc:
        raise ScriptParseError(str(path), f"line {exc.lineno}: {exc.msg}") from None
    except ValueError as exc:
        raise ScriptParseError(str(path), str(exc)) from None


def import_header(path: Path) -> Header:
    """The header of a file whose values are computed: run it once and read its globals."""
    module = load_module(path)
    if not hasattr(module, "revision"):
        raise NotARevisionScript(str(path))
    found = {f: getattr(module, f, None) for f in FIELDS}
    return _build(path, found, module.__doc__ or "", imported=True)
