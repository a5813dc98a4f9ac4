"""mig.ddl: see this distribution's README for what it holds."""

from mig.ddl._version import __version__

__all__ = ["__version__"]
