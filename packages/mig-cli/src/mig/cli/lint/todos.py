"""The notes autogenerate leaves in a script for a person to settle before it is applied.

mig-autogen writes a type whose ``repr()`` does not rebuild it as its database type, behind
``# TODO(mig): unrendered type <module.Class> ...`` (``mig/autogen/render/types.py``). The
script runs, but the type in it is not the model's: ``mig lint`` reports each such line
(MIG014) until a person writes the real type or a ``render_item`` hook and deletes it.
Comments are read with :mod:`tokenize`, so a ``#`` inside a string is never one.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterator

UNRENDERED_TYPE_TODO = "TODO(mig): unrendered type"
"""Must equal ``mig.autogen.render.types.UNRENDERED_TYPE_TODO`` (a test checks it)."""

_UNRENDERED = re.compile(r"#\s*" + re.escape(UNRENDERED_TYPE_TODO) + r"\s+(?P<type>[\w.]+)")


def unrendered_types(source: str) -> Iterator[tuple[int, str]]:
    """(line, dotted type name) of each unrendered-type note in ``source``."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return
    for token in tokens:
        if token.type == tokenize.COMMENT:
            match = _UNRENDERED.match(token.string)
            if match:
                yield token.start[0], match["type"]
