"""mig.ops: the op directive IR and the `op` facade."""

from mig.ops._version import __version__

__all__ = ["__version__"]
