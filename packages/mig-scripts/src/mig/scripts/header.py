"""Read a revision script's header without executing it.

The graph needs four assignments from each file (``revision``, ``down_revision``,
``branch_labels``, ``depends_on``) and the docstring for ``history``. Importing thousands of
files to get them is what makes large histories slow, so they are read from the source text,
in three tiers, each used only when the one before cannot be sure:

1. a scan with a few compiled regular expressions. It accepts a file only when its shape
   proves what Python would bind: a docstring, then nothing but blank lines, comments,
   one-line imports and header assignments with literal values, and no header name at the
   start of any later line. That is the shape of every file the templates write, and the
   scan costs a few microseconds;
2. anything else (a multi-line import before the header, an assignment inside ``if``, a
   later line that starts with ``revision``, escapes in the docstring) is settled by
   ``ast`` on the whole file;
3. a value that is not a literal (``revision = make_id()``) needs the file to run: the
   directory imports that one file (:func:`import_header`).
"""

from __future__ import annotations

import ast
import os
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

from mig.scripts.errors import BadHeader, NotARevisionScript, ScriptParseError

FIELDS = ("revision", "down_revision", "branch_labels", "depends_on")

_NAMES = r"(?:revision|down_revision|branch_labels|depends_on)"
#: the literal values the scan decodes itself: a quoted id, None, or a bracketed list of
#: literals (which ast.literal_eval checks) that may span lines but holds no bracket
_VALUE = r"""(?:'[^'\\\n]*'|"[^"\\\n]*"|None|\([^()\[\]{}\\#]*\)|\[[^()\[\]{}\\#]*\])"""
_ANNOTATION = r"(?::[^=\n]*)?"
_HEADER_LINE = _NAMES + r"[ \t]*" + _ANNOTATION + r"=[ \t]*" + _VALUE + r"[ \t]*(?:#[^\n]*)?"
#: whole lines that bind nothing: a comment, a blank
_QUIET = r"#[^\n]*|[ \t]*"
#: whole lines that bind no header name: an import on one line (no brackets, no "as
#: revision"), and the quiet ones
_HARMLESS = (
    r"#[^\n]*|(?:from|import)[ \t](?![^\n]*[ \t,]" + _NAMES + r"\b)[^\n'\"()\[\]{}\\;:]*|[ \t]*"
)
#: the rest of the docstring's line: nothing, or a comment
_EOL = r"[ \t]*(?:#[^\n]*)?(?=\n)"


def _assignment(name: str) -> str:
    return r"\n" + name + r"[ \t]*" + _ANNOTATION + r"=[ \t]*(" + _VALUE + r")[ \t]*(?:#[^\n]*)?"


# The text is scanned as "\n" + text + "\n", so every line starts after a "\n" and ends
# before one. Each pattern below but the first starts right after the docstring (or at 0).
#: the docstring after comment lines (coding, shebang): a triple-quoted string with no
#: prefix. (A file that starts with the string is handled without it.)
_DOCSTRING = re.compile(r"\n(?:[ \t]*(?:#[^\n]*)?\n)*(\"\"\"|''')(?>(.*?)\1)", re.S)
#: the templates' layout: harmless lines, then the four assignments in their usual order,
#: with only comments and blanks between them. One match yields the four values.
_TEMPLATE = re.compile(
    _EOL
    + r"(?:\n(?:" + _HARMLESS + r")(?=\n))*+"
    + "".join(_assignment(n) + r"(?=\n)(?:\n(?:" + _QUIET + r")(?=\n))*+" for n in FIELDS)
)  # fmt: skip
#: any other layout: the lines allowed before and among the header assignments, each a
#: whole statement (a header assignment with a literal value, or a harmless line)
_PREAMBLE = re.compile(_EOL + r"(?:\n(?:" + _HEADER_LINE + "|" + _HARMLESS + r")(?=\n))*+")
#: the header assignments inside an accepted preamble: (name, value text)
_ASSIGNMENT = re.compile(
    r"\n(" + _NAMES[3:-1] + r")[ \t]*" + _ANNOTATION + r"=[ \t]*(" + _VALUE + r")"
)
#: a header name starting a line anywhere after the preamble: the scan is not sure
_STRAY = re.compile(r"\n[ \t]*" + _NAMES + r"\b")
#: a bracketed value made of plain quoted strings only: decoded without ast
_STRINGS = re.compile(
    r"""[(\[]\s*(?:(?:'[^'\\\n]*'|"[^"\\\n]*")\s*,\s*)*(?:'[^'\\\n]*'|"[^"\\\n]*")?\s*,?\s*[)\]]"""
)
_STRING = re.compile(r"""'([^'\\\n]*)'|"([^"\\\n]*)\"""")


class Header(NamedTuple):
    """The header of one revision file, as plain data."""

    revision: str
    down_revision: str | tuple[str, ...] | None
    branch_labels: tuple[str, ...]
    depends_on: tuple[str, ...]
    docstring: str
    #: True when the values came from importing the file (never cached: code may change them)
    imported: bool = False


class NeedsImport(Exception):
    """A header value is not a literal: only running the file can tell it."""


def read_header(path: str | Path, text: str | None = None) -> Header:
    """The header of the script at ``path``, read statically when possible.

    Raises :class:`ScriptParseError` for a file Python cannot parse and
    :class:`NotARevisionScript` for a file that assigns no ``revision``.
    """
    if text is None:
        with open(path, "rb") as fh:
            text = decode_source(str(path), fh.read())
    try:
        return Header(*parse_header(str(path), text))
    except NeedsImport:
        return import_header(Path(path))


def decode_source(path: str, data: bytes) -> str:
    """The text of a script (UTF-8, an optional byte-order mark); a clear error otherwise."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScriptParseError(path, f"not UTF-8 ({exc.reason})") from None
    return text[1:] if text.startswith("\ufeff") else text


def parse_header(path: str, text: str) -> tuple:
    """``(revision, down_revision, branch_labels, depends_on, docstring)`` from the text.

    Raises :class:`NeedsImport` when the values are not literals.
    """
    if "\r" in text:  # Python reads \r\n and a lone \r as line ends: so must the scan
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = f"\n{text}\n"
    if text.startswith(('"""', "'''"), 1):  # the docstring opens the file: no regex needed
        close = text.find(text[1:4], 4)
        if close < 0:
            return _parse(path, text[1:-1])  # unterminated: the parser says where
        docstring = text[4:close]
        start = close + 3
    else:
        doc = _DOCSTRING.match(text)
        if doc is not None:
            start = doc.end()
            docstring = doc.group(2)
        else:
            start = 0
            docstring = ""
    if "\\" in docstring:  # an escape (or an escaped quote): let the parser decode it
        return _parse(path, text[1:-1])
    fast = _TEMPLATE.match(text, start)
    if fast is not None:
        if _STRAY.search(text, fast.end()) is not None:
            return _parse(path, text[1:-1])
        revision, down, labels, deps = fast.groups()
        if revision[0] != "N" and down[0] != "(" and down[0] != "[":
            revision = revision[1:-1]
            down = None if down == "None" else down[1:-1]
            if labels == "None" and deps == "None" and revision.strip():
                return (revision, down, (), (), docstring)  # the common case, already normal
        found = dict(zip(FIELDS, (_literal(v) for v in fast.groups()), strict=True))
        return _build(path, found, docstring)
    preamble = _PREAMBLE.match(text, start)
    if preamble is None or _STRAY.search(text, preamble.end()) is not None:
        return _parse(path, text[1:-1])
    found = {}
    for name, raw in _ASSIGNMENT.findall(text, start, preamble.end()):
        found[name] = _literal(raw)
    if "revision" not in found:
        return _parse(path, text[1:-1])  # let the parser say what is wrong
    return _build(path, found, docstring)


def _literal(raw: str) -> object:
    """The value of a literal the patterns accepted (``_VALUE``)."""
    first = raw[0]
    if first == "'" or first == '"':
        return raw[1:-1]
    if first == "N":
        return None
    if _STRINGS.fullmatch(raw):
        items = [a or b for a, b in _STRING.findall(raw)]
        return tuple(items) if first == "(" else items
    return ast.literal_eval(raw)  # brackets holding something else: it checks, or raises


def _parse(path: str, text: str) -> tuple:
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        raise ScriptParseError(path, f"line {exc.lineno}: {exc.msg}") from None
    except ValueError as exc:  # e.g. null bytes
        raise ScriptParseError(path, str(exc)) from None
    found: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            # if/try/for/augmented assignment ... may bind a header name: run the file
            if _binds_header(node):
                raise NeedsImport
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                if target.id in FIELDS:
                    try:
                        found[target.id] = ast.literal_eval(value)
                    except ValueError:
                        raise NeedsImport from None
            elif _binds_header(target):  # a, revision = ...
                raise NeedsImport
    if "revision" not in found:
        raise NotARevisionScript(path)
    return _build(path, found, ast.get_docstring(tree, clean=False) or "")


def _binds_header(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in FIELDS and isinstance(sub.ctx, ast.Store):
            return True
    return False


def _build(path: str, found: dict[str, object], doc: str) -> tuple:
    revision = found.get("revision")
    if not isinstance(revision, str) or not revision.strip():
        raise BadHeader(path, "revision", revision)
    down = found.get("down_revision")
    if isinstance(down, list | tuple):
        down = _str_tuple(path, "down_revision", down)
        if len(down) == 1:
            down = down[0]
        elif not down:
            down = None
    elif down is not None and not isinstance(down, str):
        raise BadHeader(path, "down_revision", down)
    return (
        revision,
        down,
        _str_tuple(path, "branch_labels", found.get("branch_labels")),
        _str_tuple(path, "depends_on", found.get("depends_on")),
        doc,
    )


def _str_tuple(path: str, name: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple | set | frozenset) and all(isinstance(v, str) for v in value):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return tuple(dict.fromkeys(items))
    raise BadHeader(path, name, value)


# --- importing ---------------------------------------------------------------------------

_counter = 0
_NON_WORD = re.compile(r"\W")


_step_cache: ModuleType | None = None


def step_cache() -> ModuleType:
    """:mod:`mig.scripts.step_cache`, imported on first use (listing scripts never needs it)."""
    global _step_cache
    if _step_cache is None:
        from mig.scripts import step_cache as module

        _step_cache = module
    return _step_cache


def import_file(path: str | os.PathLike[str], prefix: str = "_mig_revision") -> ModuleType:
    """Import a Python file (source or ``.pyc``) under a private module name.

    Revision files are not a package; each gets a unique name in ``sys.modules`` so that two
    scripts with the same file name in different locations cannot shadow each other. On any
    error the half-made module leaves ``sys.modules`` and the error goes on unchanged, for
    the caller to word (the runtime's ScriptParseError here, lint's MigrationLoadError).
    Every step of an upgrade comes through here, so the path stays a string (no ``Path``)
    and is made absolute only when it is not. (The import machinery is imported here, not
    at the top: listing never needs it; the module is kept once imported, since an import
    statement in the function costs a microsecond every step.)
    """
    global _counter
    _counter += 1
    path = os.fspath(path)
    stem = os.path.splitext(os.path.basename(path))[0]
    name = f"{prefix}_{_counter}_{_NON_WORD.sub('_', stem)}"
    full = path if os.path.isabs(path) else os.path.abspath(path)
    cached = step_cache().cache_for(full)
    if cached is not None:  # source scripts: the code from the step cache (see there)
        return cached.load_module(full, name)
    import importlib.machinery
    import importlib.util

    loader: importlib.machinery.SourceFileLoader | importlib.machinery.SourcelessFileLoader
    if path.endswith((".pyc", ".pyo")):
        loader = importlib.machinery.SourcelessFileLoader(name, path)
    else:
        loader = importlib.machinery.SourceFileLoader(name, path)
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def load_module(path: str | os.PathLike[str]) -> ModuleType:
    """Import a revision file to run it; a failure is a ScriptParseError naming the file."""
    try:
        return import_file(path)
    except SyntaxError as exc:
        raise ScriptParseError(str(path), f"line {exc.lineno}: {exc.msg}") from None
    except Exception as exc:
        raise ScriptParseError(str(path), f"importing it failed: {exc!r}") from exc


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
    module = load_module(Path(path))
    if not hasattr(module, "revision"):
        raise NotARevisionScript(str(path))
    found = {f: getattr(module, f, None) for f in FIELDS}
    return Header(*_build(str(path), found, module.__doc__ or ""), imported=True)
