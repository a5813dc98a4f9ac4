"""mig.cli: Config, the commands, and the `mig` console script.

``from mig.cli import Config`` is the way in for Python code; it is loaded on first use
(PEP 562), so that ``mig --help`` and the pytest plugin do not pay for the Config module
until they need it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mig.cli._version import __version__

if TYPE_CHECKING:
    from mig.cli.config import Config

__all__ = ["Config", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "Config":
        from mig.cli.config import Config

        return Config
    raise AttributeError(f"module 'mig.cli' has no attribute {name!r}")
