"""In-source suppression comments: ``# mig-lint: disable=MIG002`` (ids or names, comma
separated, or ``all``).

Where the comment sits decides what it silences:

- **the whole migration**: a comment at module level (starting in the first column, outside
  any ``def``/``class``), or a ``# mig-lint: disable-file=...`` comment anywhere;
- **one op**: a comment at the end of any line of the op's statement, or on its own line(s)
  directly above the statement. A comment on a ``with op.batch_alter_table(...)`` line (or
  above it) covers every op of the block.

Comments are read with :mod:`tokenize`, so ``#`` inside strings is never mistaken for one.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass, field

from mig.cli.lint.model import LintConfigError
from mig.cli.lint.registry import RuleRegistry

_DIRECTIVE = re.compile(
    r"#\s*mig-lint\s*:\s*(?P<kind>disable-file|disable)\s*=\s*(?P<rules>[\w\-]+(?:\s*,\s*[\w\-]+)*)",
    re.IGNORECASE,
)
ALL = "all"


@dataclass
class Comment:
    line: int
    rules: frozenset[str]  # rule ids (upper case) or "all"
    file_wide: bool
    own_line: bool  # nothing but the comment on its line
    column: int = 0


@dataclass
class Suppressions:
    """The suppression comments of one script, resolved against a rule registry."""

    file_rules: frozenset[str] = frozenset()
    #: line -> rules silenced by comments on that line (trailing or own-line)
    by_line: dict[int, frozenset[str]] = field(default_factory=dict)
    #: lines holding nothing but a comment (a block of them above a statement belongs to it)
    own_lines: frozenset[int] = frozenset()
    #: (first, last) lines of each statement, innermost-first lookup by line
    spans: list[tuple[int, int]] = field(default_factory=list)

    def for_file(self, rule_id: str) -> bool:
        return _hit(self.file_rules, rule_id)

    def for_line(self, rule_id: str, line: int | None) -> bool:
        """True when a comment on or directly above the statement at ``line`` names the rule."""
        if line is None:
            return False
        first, last = self._span(line)
        for n in range(first, last + 1):
            if _hit(self.by_line.get(n, frozenset()), rule_id):
                return True
        n = first - 1
        while n in self.own_lines:
            if _hit(self.by_line.get(n, frozenset()), rule_id):
                return True
            n -= 1
        return False

    def _span(self, line: int) -> tuple[int, int]:
        best = (line, line)
        for first, last in self.spans:
            if first <= line <= last and (best == (line, line) or last - first < best[1] - best[0]):
                best = (first, last)
        return best


def _hit(rules: frozenset[str], rule_id: str) -> bool:
    return ALL in rules or rule_id.upper() in rules


def _parse_rules(text: str, registry: RuleRegistry, where: str) -> frozenset[str]:
    out = set()
    for item in (p.strip() for p in text.split(",")):
        if not item:
            continue
        if item.lower() == ALL:
            out.add(ALL)
            continue
        found = registry.find(item)
        if found is None:
            known = ", ".join(r.id for r in registry)
            raise LintConfigError(
                f"{where}: mig-lint comment names unknown rule {item!r} (known rules: {known})"
            )
        out.add(found.id.upper())
    return frozenset(out)


def _statement_spans(tree: ast.AST) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(statement spans, def/class spans). A compound statement's span is its header only."""
    spans: list[tuple[int, int]] = []
    defs: list[tuple[int, int]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        first = node.lineno
        last = node.end_lineno or first
        body = getattr(node, "body", None)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            decorators = [d.lineno for d in node.decorator_list]
            defs.append((min([first, *decorators]), last))
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            last = max(first, body[0].lineno - 1)
        spans.append((first, last))
    return spans, defs


def parse_suppressions(source: str, registry: RuleRegistry, path: str = "<script>") -> Suppressions:
    """Read the ``mig-lint`` comments of a script's source.

    A comment naming an unknown rule raises :class:`LintConfigError` naming the file and
    line; a file that does not tokenize has no suppressions (its import fails anyway).
    """
    comments: list[Comment] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return Suppressions()
    lines = source.splitlines()
    comment_lines: set[int] = set()  # lines holding nothing but a comment
    for tok in tokens:
        if tok.type != tokenize.COMMENT:
            continue
        line = tok.start[0]
        own = line > len(lines) or lines[line - 1][: tok.start[1]].strip() == ""
        if own:
            comment_lines.add(line)
        match = _DIRECTIVE.search(tok.string)
        if match is None:
            continue
        rules = _parse_rules(match.group("rules"), registry, f"{path}:{line}")
        file_wide = match.group("kind").lower() == "disable-file"
        comments.append(Comment(line, rules, file_wide, own, tok.start[1]))
    try:
        spans, defs = _statement_spans(ast.parse(source))
    except SyntaxError:
        spans, defs = [], []
    return _resolve(comments, spans, defs, comment_lines)


def _resolve(
    comments: Iterable[Comment],
    spans: list[tuple[int, int]],
    defs: list[tuple[int, int]],
    comment_lines: set[int],
) -> Suppressions:
    file_rules: set[str] = set()
    by_line: dict[int, frozenset[str]] = {}
    for c in comments:
        at_module_level = c.column == 0 and not any(first <= c.line <= last for first, last in defs)
        if c.file_wide or at_module_level:
            file_rules |= c.rules
            continue
        by_line[c.line] = by_line.get(c.line, frozenset()) | c.rules
    return Suppressions(frozenset(file_rules), by_line, frozenset(comment_lines), spans)
