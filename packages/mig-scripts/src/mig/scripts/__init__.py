"""mig.scripts: see this distribution's README for what it holds."""

from mig.scripts._version import __version__

__all__ = ["__version__"]
