"""Where offline (``--sql``) text goes, and in which encoding.

mig-ddl writes ``str``. A text stream takes it as is (its own encoding applies); a binary
stream, a file the command names, or stdout when ``output_encoding`` is set get the text
encoded with ``output_encoding`` (UTF-8 when none is given), so a script written for a
database client in another encoding comes out in that encoding.
"""

from __future__ import annotations

import codecs
import io
import sys
from typing import IO, Any

from mig.runtime.errors import ConfigurationError


class EncodedWriter:
    """A text-stream face on a binary stream: ``write(str)`` writes the encoded bytes.

    One incremental encoder serves the whole run, so an encoding with a byte-order mark
    (``utf-16``, ``utf-8-sig``) writes it once, at the start. It never closes the stream it
    writes to (stdout's buffer must outlive the run).
    """

    def __init__(self, stream: IO[bytes], encoding: str) -> None:
        self.stream = stream
        self.encoding = encoding
        self._encoder = codecs.getincrementalencoder(encoding)()

    def write(self, text: str) -> int:
        try:
            data = self._encoder.encode(text)
        except UnicodeEncodeError as exc:
            bad = exc.object[exc.start : exc.end]
            line = " ".join(text.split())[:80]
            raise ConfigurationError(
                f"output_encoding {self.encoding!r} cannot encode {bad!r} in: {line}"
            ) from None
        self.stream.write(data)
        return len(text)

    def flush(self) -> None:
        flush = getattr(self.stream, "flush", None)
        if flush is not None:
            flush()


def check_encoding(encoding: str | None) -> str | None:
    """``encoding`` if Python knows it; a one-line error naming the option if not."""
    if encoding is None:
        return None
    try:
        codecs.lookup(encoding)
        return encoding
    except (LookupError, TypeError):
        raise ConfigurationError(
            f"output_encoding {encoding!r} is not a known text encoding (e.g. 'utf-8', 'latin-1')"
        ) from None


def is_binary(stream: Any) -> bool:
    """True for a stream that takes bytes (a file opened ``"wb"``, ``io.BytesIO``...)."""
    if isinstance(stream, io.TextIOBase):
        return False
    if isinstance(stream, io.RawIOBase | io.BufferedIOBase):
        return True
    mode = getattr(stream, "mode", "")
    return isinstance(mode, str) and "b" in mode


def text_output(buffer: Any, encoding: str | None) -> Any:
    """The object offline SQL is written to (something with ``write(str)``)."""
    encoding = check_encoding(encoding)
    if buffer is None:
        if encoding is None:
            return sys.stdout
        sys.stdout.flush()
        return EncodedWriter(sys.stdout.buffer, encoding)
    if is_binary(buffer):
        return EncodedWriter(buffer, encoding or "utf-8")
    return buffer
