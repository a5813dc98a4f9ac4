"""Runs the migrations of this directory: mig imports this file for upgrade, downgrade, etc."""

import logging
from logging.config import fileConfig

from sqlalchemy import engine_from_config, pool

from mig.runtime import context

# The Config of the running command: gives access to the values of [tool.mig].
config = context.config

# Logging: from an ini file's logging sections if there is one, else a plain default.
if config.config_file_name is not None and config.config_file_name.endswith(".ini"):
    fileConfig(config.config_file_name)
else:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)-5.5s [%(name)s] %(message)s")
    logging.getLogger("mig").setLevel(logging.INFO)

# The MetaData of your model, for autogenerate, e.g.:
#     from myapp.models import Base
#     target_metadata = Base.metadata
target_metadata = None

# Other values from the config can be read here as needed:
#     my_option = config.get_main_option("my_option")


def run_migrations_offline() -> None:
    """Write the migrations as SQL, with no database connection (``--sql``).

    Only a URL is needed to pick the SQL dialect; the statements go to the output.
    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Apply the migrations on a connection made from the config's sqlalchemy.* keys."""
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
