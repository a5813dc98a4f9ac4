"""mig.cli: Config, the commands, and the `mig` console script."""

from mig.cli._version import __version__

__all__ = ["__version__"]
