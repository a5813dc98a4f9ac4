"""Alembic compatibility: an unchanged Alembic project runs on mig.

While a mig command runs env.py and the revision scripts, ``import alembic``,
``from alembic import op, context``, ``from alembic.operations import ops`` and the other
names scripts and env.py use give mig's objects (see :mod:`.names` for the table), unless
a real Alembic is installed. Outside a command nothing is installed. Together with
:class:`mig.cli.config.AlembicConfig` (``[alembic]``, ``[tool.alembic]``, Alembic's
version table) this is what ``mig -c alembic.ini upgrade head`` needs.
"""

from mig.cli.alembic_compat.errors import AlembicCompatError, find_compat_error
from mig.cli.alembic_compat.finder import alembic_alias, real_alembic_importable
from mig.cli.alembic_compat.names import ALEMBIC_VERSION, MODULES

__all__ = [
    "ALEMBIC_VERSION",
    "MODULES",
    "AlembicCompatError",
    "alembic_alias",
    "find_compat_error",
    "real_alembic_importable",
]
