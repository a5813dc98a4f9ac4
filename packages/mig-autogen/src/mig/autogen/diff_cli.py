"""``mig-diff``: compare a target schema with a database and print the differences.

    mig-diff [--format text|json|markdown|sql] [--schema NAME ...] TARGET DATABASE_URL

TARGET is ``module:attribute`` (a MetaData or a declarative base; the working directory is
importable), ``path/to/models.py:metadata``, or a second database URL. Exit status: 0 when
the database matches the target, 1 when it differs, 2 for a usage or configuration error
(printed as one line on stderr, passwords masked). Plain argparse: mig-autogen installs no
CLI framework.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from mig.autogen.report import FORMATS, DiffError, diff, mask_secrets

PROG = "mig-diff"
EXIT_EQUAL, EXIT_DIFFERENT, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line on stderr and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"{PROG}: error: {message} (see {PROG} --help)\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        description="Compare a SQLAlchemy model (or a second database) with a database. "
        "Exit status: 0 equal, 1 different, 2 usage or configuration error.",
    )
    p.add_argument(
        "target",
        metavar="TARGET",
        help="the schema wanted: module:metadata, path/to/models.py:metadata, or a database URL",
    )
    p.add_argument("database_url", metavar="DATABASE_URL", help="the database to check")
    p.add_argument(
        "--format", "-f", choices=FORMATS, default="text", help="output format (default: text)"
    )
    p.add_argument(
        "--schema",
        action="append",
        dest="schemas",
        metavar="NAME",
        help="also compare this schema besides the default one (repeatable)",
    )
    return p


def _ensure_cwd_importable() -> None:
    """A console script's sys.path lacks the working directory, where the model usually is."""
    if "" not in sys.path:
        sys.path.insert(0, "")


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    _ensure_cwd_importable()
    try:
        report = diff(args.target, args.database_url, schemas=args.schemas)
        output = report.render(args.format)
    except DiffError as exc:
        message = mask_secrets(str(exc), [args.target, args.database_url])
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(output)
    return EXIT_EQUAL if report.equal else EXIT_DIFFERENT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
