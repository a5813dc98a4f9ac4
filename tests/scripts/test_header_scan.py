"""The static header scan gives what running the file gives, for every layout it accepts,
and steps aside (to the parser, or an import) for the layouts where it could be fooled."""

from __future__ import annotations

import sys
import types

import pytest

from mig.scripts import header as h
from mig.scripts.header import import_header, parse_header, read_header

MIG_TEMPLATE = '''"""add users

Revision ID: ab12
Revises: cd34, ef56
Create Date: 2026-01-01 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa

from mig.ops import op

# Revision identifiers: mig reads these four lines without running the file.
revision: str = 'ab12'
down_revision: str | Sequence[str] | None = ('cd34', 'ef56')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("t", sa.Column("x", sa.Integer()))


def downgrade() -> None:
    pass
'''

ALEMBIC_TEMPLATE = '''"""add account

Revision ID: 1975ea83b712
Revises:
Create Date: 2011-11-08 11:40:27.089406

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '1975ea83b712'
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = ('accounts',)
depends_on: Union[str, Sequence[str], None] = "a1b2"


def upgrade() -> None:
    pass
'''

#: sources the scan must read exactly as Python does; each is also run as the oracle
SOURCES = {
    "mig template": MIG_TEMPLATE,
    "alembic template": ALEMBIC_TEMPLATE,
    "no docstring": "revision = 'a'\ndown_revision = None\n",
    "comments first": "#!/usr/bin/env python\n# coding: utf-8\n'''Doc.'''\nrevision = 'a'\n",
    "other order": "'''d'''\ndepends_on = None\nrevision = 'b'\ndown_revision = 'a'\n",
    "double quotes and comments": (
        '"""d"""\nrevision = "a"  # the id\ndown_revision = None  # base\n'
    ),
    "multi-line tuple": (
        '"""m"""\nrevision = "m"\ndown_revision = (\n    "a",\n    "b",\n)\n'
        "branch_labels = ['x', 'y']\n"
    ),
    "list with a trailing comma": "revision = 'a'\nbranch_labels = ['x',]\n",
    "docstring with escapes": '"""tab\\there \\"quoted\\""""\nrevision = "a"\n',
    "raw-string docstring": 'r"""C:\\path"""\nrevision = "a"\n',
    "crlf line ends": '"""doc\r\n\r\nmore"""\r\nrevision = "a"\r\ndown_revision = None\r\n',
    "reassigned later": (
        '"""d"""\nrevision = "a"\ndown_revision = None\n\ndef f():\n    pass\n\nrevision = "b"\n'
    ),
    "assigned inside if": 'revision = "a"\nif True:\n    revision = "b"\n',
    "import binds a header name": "import os as revision\nrevision = 'a'\n",
    "string that looks like a header": (
        '"""d"""\nrevision = "a"\nSQL = """\nrevision = \'evil\'\n"""\n'
    ),
    "keyword argument at column 0": (
        "revision = 'a'\nx = dict(\nrevision='evil',\n)\ndown_revision = None\n"
    ),
    "implicit concatenation": "revision = 'a' 'b'\n",
    "computed": "P = 'ab'\nrevision = P + 'cd'\ndown_revision = None\n",
    "augmented": "revision = 'a'\nrevision += 'b'\n",
    "tuple target": "revision, down_revision = 'a', None\n",
    "semicolon": "revision = 'a'; down_revision = 'z'\n",
    "set of labels": "revision = 'a'\nbranch_labels = {'y', 'x'}\n",
    "one-element down tuple": "revision = 'a'\ndown_revision = ('z',)\n",
    "empty down list": "revision = 'a'\ndown_revision = []\n",
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_scan_agrees_with_running_the_file(tmp_path, monkeypatch, name):
    fake = types.ModuleType("alembic")
    fake.op = None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "alembic", fake)  # the Alembic template imports it
    path = tmp_path / "rev.py"
    path.write_bytes(SOURCES[name].encode())
    ran = tuple(import_header(path))[:5]
    read = tuple(read_header(path))[:5]
    # the docstring: Python's own (a module's __doc__), whatever the layout
    assert read == ran


def test_the_template_layouts_take_the_fast_path(monkeypatch):
    """The templates' files are decided by the scan alone (no parser, no import)."""

    def no_parser(*args):
        raise AssertionError("the parser was used")

    monkeypatch.setattr(h, "_parse", no_parser)
    assert parse_header("x", MIG_TEMPLATE)[:2] == ("ab12", ("cd34", "ef56"))
    assert parse_header("x", ALEMBIC_TEMPLATE)[:4] == (
        "1975ea83b712",
        None,
        ("accounts",),
        ("a1b2",),
    )
    for name in ("no docstring", "comments first", "other order", "multi-line tuple"):
        parse_header("x", SOURCES[name])


@pytest.mark.parametrize(
    "name",
    [
        "reassigned later",
        "assigned inside if",
        "import binds a header name",
        "string that looks like a header",
        "keyword argument at column 0",
        "docstring with escapes",
        "semicolon",
    ],
)
def test_layouts_that_could_fool_the_scan_are_not_decided_by_it(monkeypatch, name):
    calls = []
    real = h._parse

    def parser(path, text):
        calls.append(path)
        return real(path, text)

    monkeypatch.setattr(h, "_parse", parser)
    try:
        parse_header("x", SOURCES[name])
    except h.NeedsImport:
        pass
    assert calls == ["x"]


def test_a_bom_and_bad_utf8(tmp_path):
    path = tmp_path / "r.py"
    path.write_bytes(b"\xef\xbb\xbf" + b'"""doc"""\nrevision = "a"\n')
    assert read_header(path)[:1] == ("a",) and read_header(path).docstring == "doc"
    path.write_bytes(b'revision = "a"\n# \xff\n')
    with pytest.raises(h.ScriptParseError, match="not UTF-8"):
        read_header(path)


def test_a_directory_of_unusual_files_reads_as_python_does(tmp_path):
    """Through the directory scan too: a BOM, CRLF, an Alembic file, a computed header."""
    from mig.scripts import ScriptDirectory

    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "a.py").write_bytes(b"\xef\xbb\xbf" + b'"""A\r\n\r\nmore"""\r\nrevision = "a"\r\n')
    (versions / "b.py").write_text(
        ALEMBIC_TEMPLATE.replace("1975ea83b712", "b")
        .replace("down_revision: Union[str, None] = None", "down_revision: Union[str, None] = 'a'")
        .replace('"a1b2"', '"a"')
    )
    (versions / "c.py").write_text("P = 'c'\nrevision = P\ndown_revision = 'b'\n")
    sd = ScriptDirectory(tmp_path, use_cache=False)
    assert sd.get_heads() == ["c"]
    assert sd.get_revision("a").doc == "A" and sd.get_revision("a").longdoc == "A\n\nmore"
    assert sd.get_revision("b").branch_labels == {"accounts"}
    assert sd.get_revision("b").dependencies == "a"
    (versions / "d.py").write_bytes(b'revision = "d"\n# \xff\n')
    with pytest.raises(h.ScriptParseError, match=r"d\.py.*not UTF-8"):
        ScriptDirectory(tmp_path, use_cache=False).get_heads()
