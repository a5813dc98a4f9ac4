"""The `mig` console script: a click group that the command modules attach to."""

from __future__ import annotations

import click

from mig.cli._version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mig")
def cli() -> None:
    """mig: schema migrations for SQLAlchemy."""


def main() -> None:
    """Entry point of the `mig` console script."""
    cli()


if __name__ == "__main__":
    main()
