"""Exact edits of Python source with libcst: Alembic imports become mig's, nothing else moves.

libcst keeps every comment, blank line and bracket of the file, so the diff a user reviews
holds the import lines and nothing more. Each file is converted in two passes over one
tree: the first finds what the Alembic names are bound to and where they are used (and
reports, with its line, every use mig has no equivalent for); the second rewrites.

- ``from alembic import op`` -> ``from mig.ops import op``; aliases stay
  (``from alembic import op as ops`` -> ``from mig.ops import op as ops``); names going to
  different mig modules split into one statement per module.
- ``import alembic`` with ``alembic.context.configure(...)`` in the code ->
  ``import mig.runtime`` with ``mig.runtime.context.configure(...)``.
- ``import alembic.config as cfg`` -> ``import mig.cli.config as cfg``.

An import mig cannot provide stays as it is, so the file still runs where Alembic is
installed while the user fixes the reported line.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import ParentNodeProvider, PositionProvider

from mig.cli.adopt.names import ROOT, Resolved, Unmapped, is_alembic, resolve
from mig.cli.adopt.report import Finding
from mig.cli.errors import UsageError


@dataclass
class SourceEdit:
    """A file's converted text, what was converted, and what could not be."""

    text: str
    findings: list[Finding] = field(default_factory=list)
    imports: int = 0
    uses: int = 0

    @property
    def what(self) -> list[str]:
        """For the summary: ``2 imports``, ``1 alembic.* use``."""
        out = []
        if self.imports:
            out.append(f"{self.imports} import{'s' if self.imports > 1 else ''}")
        if self.uses:
            out.append(f"{self.uses} alembic.* use{'s' if self.uses > 1 else ''}")
        return out


def parse(text: str, path: str) -> cst.Module:
    """The module, or a one-line error naming the file and line."""
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        line, reason = exc.raw_line, (exc.message.splitlines() or ["syntax error"])[0]
    try:  # Python's own parser names the line and the mistake better
        ast.parse(text, filename=path)
    except SyntaxError as exc:
        line, reason = exc.lineno or line, exc.msg
    raise UsageError(f"{path}:{line}: not valid Python ({reason}); fix it and run mig adopt again")


def dotted_name(node: cst.BaseExpression | None) -> str | None:
    """``a.b.c`` for a pure chain of names, else None (``(a.b).c`` is not one: its inner
    chain is, so that a rewrite keeps the brackets)."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute) and not getattr(node.value, "lpar", None):
        base = dotted_name(node.value)
        return f"{base}.{node.attr.value}" if base is not None else None
    return None


def dotted_node(dotted: str) -> cst.Attribute | cst.Name:
    node = cst.parse_expression(dotted)
    assert isinstance(node, cst.Attribute | cst.Name)
    return node


def _local(alias: cst.ImportAlias, default: str) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return default


# -- what one import statement becomes -------------------------------------------------------


@dataclass
class _Imported:
    imported: str
    local: str
    alias: cst.ImportAlias


@dataclass
class _FromPlan:
    """``from alembic.X import ...``: the names grouped by their mig module, and the rest."""

    groups: dict[str, list[_Imported]] = field(default_factory=dict)
    unmapped: list[tuple[cst.CSTNode, str]] = field(default_factory=list)
    star_module: str | None = None


def _plan_from(node: cst.ImportFrom) -> _FromPlan | None:
    if node.relative or node.module is None:
        return None
    module = dotted_name(node.module)
    if module is None or not is_alembic(module):
        return None
    plan = _FromPlan()
    if isinstance(node.names, cst.ImportStar):
        try:
            resolved = resolve(module)
        except Unmapped as exc:
            plan.unmapped.append((node, f"from {module} import *: {exc}"))
            return plan
        if resolved.target.attr is None and not resolved.rest:
            plan.star_module = resolved.target.module
        else:
            plan.unmapped.append((node, f"from {module} import *: {module} is not a module"))
        return plan
    for alias in node.names:
        name = dotted_name(alias.name) or ""
        full = f"{module}.{name}"
        try:
            resolved = resolve(full)
        except Unmapped as exc:
            plan.unmapped.append((alias, f"{exc}; left as it is"))
            continue
        target, rest = resolved.target, resolved.rest
        if not rest and target.attr is not None:
            source, imported = target.module, target.attr
        elif not rest:
            source, _, imported = target.module.rpartition(".")
        elif len(rest) == 1 and target.attr is None:
            source, imported = target.module, rest[0]
        else:
            plan.unmapped.append((alias, f"{full}: mig has no importable equivalent"))
            continue
        plan.groups.setdefault(source, []).append(_Imported(imported, _local(alias, name), alias))
    return plan


def _from_text(module: str, names: list[_Imported]) -> cst.BaseSmallStatement:
    parts = [n.imported if n.imported == n.local else f"{n.imported} as {n.local}" for n in names]
    line = cst.parse_statement(f"from {module} import {', '.join(parts)}\n")
    assert isinstance(line, cst.SimpleStatementLine)
    return line.body[0]


def _renamed(item: _Imported) -> cst.ImportAlias:
    asname = item.alias.asname
    if asname is None and item.local != item.imported:
        asname = cst.AsName(name=cst.Name(item.local))
    return item.alias.with_changes(name=cst.Name(item.imported), asname=asname)


def _with_commas(
    aliases: list[cst.ImportAlias], closing: cst.ImportAlias | None = None
) -> list[cst.ImportAlias]:
    """Commas for a shortened list: one after every alias but the last.

    ``closing`` is the original statement's last alias when it is in brackets: the new last
    alias keeps its own comment but ends the way that one did (its comma and the indent of
    the closing bracket).
    """
    out = []
    for i, alias in enumerate(aliases):
        if i < len(aliases) - 1:
            if not isinstance(alias.comma, cst.Comma):
                alias = alias.with_changes(
                    comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                )
        elif closing is None or not isinstance(closing.comma, cst.Comma):
            alias = alias.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        elif alias is not closing:
            own, end = alias.comma, closing.comma
            ws = end.whitespace_after
            if isinstance(own, cst.Comma) and isinstance(
                own.whitespace_after, cst.ParenthesizedWhitespace
            ):
                if isinstance(ws, cst.ParenthesizedWhitespace):
                    ws = own.whitespace_after.with_changes(indent=ws.indent, last_line=ws.last_line)
            alias = alias.with_changes(comma=end.with_changes(whitespace_after=ws))
        out.append(alias)
    return out


def _rewrite_from(node: cst.ImportFrom) -> list[cst.BaseSmallStatement] | None:
    plan = _plan_from(node)
    if plan is None:
        return None
    if plan.star_module is not None:
        return [node.with_changes(module=dotted_node(plan.star_module))]
    if not plan.groups:
        return None
    assert not isinstance(node.names, cst.ImportStar)
    closing = node.names[-1] if node.lpar is not None else None
    if closing is not None and "\n" not in cst.Module([]).code_for_node(node):
        node, closing = node.with_changes(lpar=None, rpar=None), None  # (a, b) on one line
    out: list[cst.BaseSmallStatement] = []
    kept = [a for a, _ in plan.unmapped if isinstance(a, cst.ImportAlias)]
    if kept:
        out.append(node.with_changes(names=_with_commas(kept, closing)))
    for module, names in plan.groups.items():
        # the statement itself, once per mig module: its brackets and comments stay
        renamed = [_renamed(n) for n in names]
        if len(plan.groups) > 1 or kept:
            renamed = _with_commas(renamed, closing)
        out.append(node.with_changes(module=dotted_node(module), names=renamed))
    return out


# -- pass one: bindings, uses, findings ------------------------------------------------------


def _bindings(module: cst.Module) -> dict[str, str]:
    """Local name -> the Alembic path it is bound to, from every import in the file."""
    found: dict[str, str] = {}

    class Visitor(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> bool:
            for alias in node.names:
                name = dotted_name(alias.name) or ""
                if is_alembic(name):
                    if alias.asname is None:
                        found[name.split(".")[0]] = ROOT
                    else:
                        found[_local(alias, name)] = name
            return False

        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            module = dotted_name(node.module) if not node.relative else None
            if module and is_alembic(module) and not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    name = dotted_name(alias.name) or ""
                    found[_local(alias, name)] = f"{module}.{name}"
            return False

    module.visit(Visitor())
    return found


class _Uses(cst.CSTVisitor):
    """Finds the ``alembic.*`` chains to rewrite and every line mig adopt cannot convert."""

    METADATA_DEPENDENCIES = (PositionProvider, ParentNodeProvider)

    def __init__(self, path: str, bindings: dict[str, str]) -> None:
        super().__init__()
        self.path = path
        self.bindings = bindings
        #: locals bound to the package itself (``import alembic``): their chains are rewritten
        self.roots = {local for local, bound in bindings.items() if bound == ROOT}
        self.rewrites: dict[cst.Attribute, str] = {}
        self.needed: dict[str, list[str]] = {}
        self.keep: set[str] = set()
        self.findings: list[Finding] = []

    def _report(self, node: cst.CSTNode, reason: str) -> None:
        line = self.get_metadata(PositionProvider, node).start.line
        self.findings.append(Finding(self.path, line, reason))

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            if alias.asname is None or not is_alembic(name) or name == ROOT:
                continue
            try:
                resolved = resolve(name)
            except Unmapped as exc:
                self._report(alias, f"{exc}; left as it is")
                continue
            if resolved.rest:
                self._report(alias, f"{name}: mig has no importable equivalent; left as it is")
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        plan = _plan_from(node)
        for where, reason in plan.unmapped if plan else ():
            self._report(where, reason)
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        dotted = dotted_name(node)
        if dotted is None:
            return True
        local, _, tail = dotted.partition(".")
        bound = self.bindings.get(local)
        if bound is None:
            return False
        path = f"{bound}.{tail}"
        try:
            resolved = resolve(path)
        except Unmapped as exc:
            if local in self.roots or resolve_or_none(bound) is not None:
                self._report(node, str(exc))
                self.keep.add(local)
            return False
        if local in self.roots:
            self.rewrites[node] = resolved.dotted
            needed = self.needed.setdefault(local, [])
            if resolved.target.module not in needed:
                needed.append(resolved.target.module)
        return False

    def visit_Name(self, node: cst.Name) -> None:
        if node.value not in self.roots:
            return
        parent = self.get_metadata(ParentNodeProvider, node)
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return
        if isinstance(parent, cst.Arg) and parent.keyword is node:
            return
        if isinstance(parent, cst.Param | cst.AsName):
            return
        self._report(node, f"{node.value} is used as a value: mig has no one module for it")
        self.keep.add(node.value)


def resolve_or_none(path: str) -> Resolved | None:
    try:
        return resolve(path)
    except Unmapped:
        return None


# -- pass two: the rewrite -------------------------------------------------------------------


class _Rewrite(cst.CSTTransformer):
    def __init__(self, uses: _Uses) -> None:
        super().__init__()
        self.uses = uses
        self.emitted: set[str] = set()
        self.statements = 0

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        new = self.uses.rewrites.get(original_node)
        if new is None:
            return updated_node
        return dotted_node(new).with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)

    def _rewrite_import(self, node: cst.Import) -> list[cst.BaseSmallStatement] | None:
        kept: list[cst.ImportAlias] = []
        extra: list[cst.BaseSmallStatement] = []
        changed = False
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            if not is_alembic(name):
                kept.append(alias)
                continue
            local = _local(alias, name.split(".")[0])
            if alias.asname is None or name == ROOT:
                changed = True
                if local in self.uses.keep:
                    kept.append(alias)
                if local not in self.emitted:
                    self.emitted.add(local)
                    kept += [
                        cst.ImportAlias(name=dotted_node(m))
                        for m in self.uses.needed.get(local, [])
                    ]
                continue
            resolved = resolve_or_none(name)
            if resolved is None or resolved.rest:
                kept.append(alias)
                continue
            changed = True
            target = resolved.target
            if target.attr is None:
                kept.append(alias.with_changes(name=dotted_node(target.module)))
            else:
                extra.append(_from_text(target.module, [_Imported(target.attr, local, alias)]))
        if not changed:
            return None
        out: list[cst.BaseSmallStatement] = []
        if kept:
            out.append(node.with_changes(names=_with_commas(kept)))
        return out + extra

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        body: list[cst.BaseSmallStatement] = []
        changed = False
        for old, new in zip(original_node.body, updated_node.body, strict=True):
            replaced = None
            if isinstance(old, cst.ImportFrom):
                replaced = _rewrite_from(old)
            elif isinstance(old, cst.Import):
                replaced = self._rewrite_import(old)
            if replaced is None:
                body.append(new)
            else:
                body += replaced
                changed = True
                self.statements += 1
        if not changed:
            return updated_node
        if not body:
            return cst.RemovalSentinel.REMOVE
        if len(body) <= len(original_node.body):
            return updated_node.with_changes(body=body)
        last = len(body) - 1
        return cst.FlattenSentinel(
            [
                cst.SimpleStatementLine(
                    body=[stmt.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)],
                    leading_lines=updated_node.leading_lines if i == 0 else (),
                    trailing_whitespace=(
                        updated_node.trailing_whitespace if i == last else cst.TrailingWhitespace()
                    ),
                )
                for i, stmt in enumerate(body)
            ]
        )


def convert_python(text: str, path: str) -> SourceEdit:
    """The file with its Alembic imports and ``alembic.*`` uses turned into mig's."""
    module = parse(text, path)
    bindings = _bindings(module)
    if not bindings and not _has_alembic_import(module):
        return SourceEdit(text)
    wrapper = cst.MetadataWrapper(module, unsafe_skip_copy=True)
    uses = _Uses(path, bindings)
    wrapper.visit(uses)
    rewrite = _Rewrite(uses)
    new = wrapper.module.visit(rewrite)
    return SourceEdit(new.code, uses.findings, rewrite.statements, len(uses.rewrites))


def _has_alembic_import(module: cst.Module) -> bool:
    """Star imports bind no name but are still converted or reported."""
    found = False

    class Visitor(cst.CSTVisitor):
        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            nonlocal found
            module_name = dotted_name(node.module) if not node.relative else None
            found = found or bool(module_name and is_alembic(module_name))
            return False

    module.visit(Visitor())
    return found


def convert_mako(text: str, path: str) -> SourceEdit:
    """Line by line: a line that is itself one ``from alembic... import ...`` statement is
    converted as Python would be; any other Alembic import line is reported. The rest of a
    template (Mako syntax, ``${...}``) is never touched."""
    out: list[str] = []
    edit = SourceEdit(text)
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        stripped = body.strip()
        words = stripped.replace(",", " ").split()
        if len(words) < 2 or words[0] not in ("from", "import") or not is_alembic(words[1]):
            out.append(line)
            continue
        indent = body[: len(body) - len(body.lstrip())]
        converted = None
        if words[0] == "from":
            try:
                converted = convert_python(stripped + "\n", path)
            except UsageError:
                converted = None
        if converted is None or converted.findings or not converted.imports:
            edit.findings.append(
                Finding(path, number, f"{stripped}: cannot convert this template line")
            )
            out.append(line)
            continue
        edit.imports += converted.imports
        new_lines = converted.text.rstrip("\n").split("\n")
        out.append((ending or "\n").join(f"{indent}{new}" for new in new_lines) + ending)
    edit.text = "".join(out)
    return edit
